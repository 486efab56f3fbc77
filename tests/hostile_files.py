"""Hostile files, built in code: each is a class of attack the loaders must refuse or survive.

Shared by tests/loaders/test_hostile.py (what each gives) and benchmarks/hostile.py (the exit code,
message and peak memory of the command line on each, for the report).
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from tests.builders import MEMBERS, write_xlsx

SHEET1 = "xl/worksheets/sheet1.xml"


def _members(tmp: Path) -> Path:
    return write_xlsx(tmp / "src" / "deltagere.xlsx", {"Deltagere": MEMBERS})


def _rezip(
    src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)), compresslevel=9)
        for name, data in (add or {}).items():
            zout.writestr(name, data, compresslevel=9)
    return dst


def _sheet_xml(src: Path) -> bytes:
    with zipfile.ZipFile(src) as z:
        return z.read(SHEET1)


def sparse_cells(tmp: Path, dimension: bytes | None = None) -> Path:
    """Cells at A1 and XFD1048576, with no <dimension> (or a false small one): 4.7 KB that asked a
    reader for 512 GiB."""
    src = _members(tmp)
    xml = _sheet_xml(src)
    start = xml.index(b"<dimension")
    end = xml.index(b">", start) + 1
    xml = xml[:start] + (b'<dimension ref="' + dimension + b'"/>' if dimension else b"") + xml[end:]
    xml = xml.replace(
        b"</sheetData>",
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )
    return _rezip(src, tmp / ("sparse_false_dim.xlsx" if dimension else "sparse.xlsx"), {SHEET1: xml})


def _far_rows(tmp: Path, rows: bytes, name: str) -> Path:
    """The member list with `rows` added at the end of its sheet, and no <dimension>."""
    src = _members(tmp)
    xml = _sheet_xml(src)
    start = xml.index(b"<dimension")
    xml = xml[:start] + xml[xml.index(b">", start) + 1 :]
    return _rezip(src, tmp / name, {SHEET1: xml.replace(b"</sheetData>", rows + b"</sheetData>")})


_X = b"<is><t>x</t></is></c></row>"
# The same far cell as sparse_cells, written as XML allows and calamine reads, where the old scan
# looked only for r="..." in capitals.
FAR_CELL_FORMS = {
    "single quotes": b"<row r='1048576'><c r='XFD1048576' t='inlineStr'>" + _X,
    "spaces around '='": b'<row r = "1048576"><c r = "XFD1048576" t = "inlineStr">' + _X,
    "lower case": b'<row r="1048576"><c r="xfd1048576" t="inlineStr">' + _X,
    "a reference in a character reference": b'<row r="1048576"><c r="&#88;FD1048576" t="inlineStr">' + _X,
    "a prefix": b'<x:row r="1048576"><x:c r="XFD1048576" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>',
    "a quoted '>' before r": b'<row r="1048576"><c foo="a>b" r="XFD1048576" t="inlineStr">' + _X,
    # A cell without r takes its row's number and its place in the row.
    "a wide cell, and one without r in row 1048576": (
        b'<row r="999"><c r="XFD999" t="inlineStr">' + _X + b'<row r="1048576"><c t="inlineStr">' + _X
    ),
    "16.384 cells without r in row 1048576": b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>",
}


def far_cell(tmp: Path, form: str) -> Path:
    """A cell at XFD1048576 written in one of FAR_CELL_FORMS."""
    slug = "".join(c if c.isalnum() else "_" for c in form)
    return _far_rows(tmp, FAR_CELL_FORMS[form], f"far_{slug}.xlsx")


def _forge_sizes(path: Path, member: str, size: int) -> None:
    """Rewrite the local and central headers so member claims `size` uncompressed bytes."""
    data = bytearray(path.read_bytes())
    needle = member.encode()
    for sig, size_at, name_len_at, name_at in ((b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            n = struct.unpack_from("<H", data, pos + name_len_at)[0]
            if data[pos + name_at : pos + name_at + n] == needle:
                struct.pack_into("<I", data, pos + size_at, size)
            pos += 4
    path.write_bytes(bytes(data))


def lying_zip(tmp: Path, rows: int = 1_000_001) -> Path:
    """A sheet of `rows` one-cell rows whose headers claim 900.000 bytes unpacked."""
    src = _members(tmp)
    xml = _sheet_xml(src)
    body = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, rows + 1))
    start = xml.index(b"<sheetData>") + len(b"<sheetData>")
    end = xml.index(b"</sheetData>")
    dst = _rezip(src, tmp / f"lying_{rows}.xlsx", {SHEET1: xml[:start] + body + xml[end:]})
    _forge_sizes(dst, SHEET1, 900_000)
    return dst


def doctype_after_comment(tmp: Path) -> Path:
    """A DTD after a 70 KB comment, past the 64 KB head the old check looked at."""
    src = _members(tmp)
    xml = _sheet_xml(src)
    evil = b"<!--" + b"x" * 70_000 + b'--><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    return _rezip(src, tmp / "doctype.xlsx", {SHEET1: evil + xml.replace(b"Freddy Lippert", b"&e;")})


def doctype_in_odd_member(tmp: Path) -> Path:
    """A DTD in a member whose name does not end in .xml (the old check never looked there)."""
    laughs = b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><l>&b;</l>'
    return _rezip(_members(tmp), tmp / "oddmember.xlsx", add={"customXml/item1.bin": laughs})


def big_csv(tmp: Path, megabytes: int = 20) -> Path:
    """An ordinary CSV of `megabytes` MB (the old reader peaked at 70x its size)."""
    line = "AI-puljen;2024;Projekt nummer {i} om telemedicin;Odense Universitetshospital;{a},50;Bevilget\n"
    out = tmp / f"stor_{megabytes}mb.csv"
    with out.open("w", encoding="utf-8") as fh:
        fh.write("Pulje;År;Projekt;Modtager;Beløb;Status\n")
        i, size = 0, 0
        while size < megabytes * 1_000_000:
            text = line.format(i=i, a=1000 + i % 99_000)
            fh.write(text)
            size += len(text.encode())
            i += 1
    return out


def xls_far_cell(tmp: Path) -> Path:
    """A legacy .xls of a few KB with one cell at row 65535, column 255 (a 16-million-cell grid)."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Ark1")
    ws.write(0, 0, "Navn")
    ws.write(0, 1, "Titel")
    ws.write(65535, 255, "x")
    out = tmp / "far.xls"
    wb.save(str(out))
    return out


def deflate_bomb(tmp: Path, megabytes: int = 1200) -> Path:
    """A sheet that unpacks to more than a gigabyte of spaces, honest about nothing."""
    src = _members(tmp)
    xml = _sheet_xml(src)
    # After a full flush the compressor forgets its history, so a megabyte of spaces compresses to
    # the same bytes every time: deflated once and repeated, the gigabyte is never held.
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = xml.index(b"<sheetData>")
    head = comp.compress(xml[:start]) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(b" " * (1 << 20)) + comp.flush(zlib.Z_FULL_FLUSH)
    raw = head + block * megabytes + comp.compress(xml[start:]) + comp.flush()
    out = tmp / "deflate_bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != SHEET1:
                zout.writestr(info.filename, zin.read(info.filename))
    # Append the raw deflate stream as a member with honest-looking (small) declared sizes.
    _append_raw_member(out, SHEET1, raw, declared=len(xml))
    return out


def _append_raw_member(path: Path, name: str, raw: bytes, declared: int) -> None:
    data = bytearray(path.read_bytes())
    eocd = data.rfind(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack_from("<II", data, eocd + 12)
    count = struct.unpack_from("<H", data, eocd + 10)[0]
    central = bytes(data[cd_offset : cd_offset + cd_size])
    body = bytes(data[:cd_offset])
    fname = name.encode()
    local = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(raw), declared, len(fname), 0)
    offset = len(body)
    body += local + fname + raw
    entry = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02",
        20,
        20,
        0,
        8,
        0,
        0,
        0,
        len(raw),
        declared,
        len(fname),
        0,
        0,
        0,
        0,
        0,
        offset,
    )
    central += entry + fname
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count + 1, count + 1, len(central), len(body), 0)
    path.write_bytes(body + central + end)


CLASSES: dict[str, Callable[[Path], Path]] = {
    "sparse cell at XFD1048576, no dimension": sparse_cells,
    "sparse cell, false small dimension": lambda tmp: sparse_cells(tmp, b"A1:C2"),
    **{
        f"far cell written with {form}": (lambda tmp, form=form: far_cell(tmp, form))
        for form in FAR_CELL_FORMS
    },
    "zip lying about its sizes, 3.000.001 rows": lambda tmp: lying_zip(tmp, 3_000_001),
    "deflate bomb, 1,2 GB of spaces": deflate_bomb,
    "DOCTYPE after a 70 KB comment": doctype_after_comment,
    "DOCTYPE in a member not named .xml": doctype_in_odd_member,
    "legacy .xls with a cell at (65535, 255)": xls_far_cell,
    "20 MB CSV": big_csv,
}
