"""Checks before any parsing: what the bytes really are and what a workbook really holds.

Nothing declared is trusted. Every zip member is decompressed as it is checked, and the bytes are
counted as they come (a member that lies about its size stops at the limit); every member is
scanned in full, streaming, for a DTD or an entity; every worksheet's cell references are scanned
for the real used range, however the XML writes a reference, so a sheet with one cell at
XFD1048576 is refused before any reader allocates a grid for it; a legacy .xls's cell records
are read the same way, against a lower cap (its reader allocates every cell of the range).
Whatever gets past these (a grid just under the limits that still does
not fit in memory) is stopped by the limits of the child process the readers run in.
"""

from __future__ import annotations

import html
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from loaders.problems import LoaderError, Problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_MAX_ROWS, EXCEL_MAX_COLS = 1_048_576, 16_384
MAX_MEMBERS = 10_000
# A legacy .xls is read into a full grid of its used range (calamine, from its cell records) at
# about 65 bytes a cell, empty or not: 16,7 million cells (IV65536) from a 6 KB file took 1,1 GB.
# Its own limit is 65.536 x 256; past 4 million cells (65.536 rows x 61 columns) it is refused.
XLS_MAX_CELLS = 4_000_000
_CHUNK = 1 << 20
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
# An XML tag's attributes: a quoted value may hold '>' (never '<': so a tag starts at the last '<').
_ATTRS = rb"""(?:[^>"']|"[^"]*"|'[^']*')*"""
# What can make a grid large is a cell past column Z or a row past 999.999, or a cell without a
# reference (calamine then places it by its row and its place in the row). Ordinary sheets write
# every cell as <c r="B7" ...> and every row as <row r="7" ...>: those three regexes (each with a
# literal start, so one fast pass) find every other tag, however the XML writes it (either quote,
# spaces around '=', lower case, a character reference, a prefix, a cell without r), and each is
# then looked at whole. Only a cell or row with content counts: calamine leaves a styled empty
# <c r="AMJ5" s="3"/> out.
_ODD_CELL = re.compile(rb'<c(?! r="[A-Z][0-9]{1,6}"[\s/>])')
_ODD_ROW = re.compile(rb'<row(?! r="[0-9]{1,6}"[\s/>])')
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_CANON = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"(' + _ATTRS + rb")>")  # most hits: a wide sheet's cells
_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])(" + _ATTRS + rb")>")
_ATTR_PAIR = re.compile(rb"""([\w:.-]+)\s*=\s*("[^"]*"|'[^']*')""")
_REF_TEXT = re.compile(r"\s*([A-Z]*)\s*([0-9]*)\s*")
# The rows of the cells the fast pass leaves alone (A-Z, below row 1.000.000), with content.
_NARROW_ROW = re.compile(rb'<c r="[A-Z]([0-9]{1,6})"' + _ATTRS + rb"(?<!/)>")
_WHOLE_TAG = re.compile(rb"<" + _ATTRS + rb">")
_MAX_TAG = 1 << 20  # no tag or text of a sheet is this long (a cell holds at most 32.767 characters)
# What a damaged zip raises while it is read: the file cannot be read (never our bug).
_DAMAGED = (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError, zlib.error)
_SHEET_TAG = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_TAG_REV = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'\b(Id|Target)="([^"]*)"')


def _problem(code: str, file: str, **params: object) -> LoaderError:
    return LoaderError(Problem(code, file=file, params=dict(params)))


def col_number(letters: str) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _ole_is_encrypted(head: bytes) -> bool:
    # Excel writes a password-protected .xlsx as an OLE2 container with these streams.
    return "EncryptionInfo".encode("utf-16-le") in head or "EncryptedPackage".encode("utf-16-le") in head


def check_file(
    path: Path,
    *,
    display_name: str | None = None,
    max_bytes: int = 50 * 1024 * 1024,
    max_unpacked_bytes: int = 1000 * 1024 * 1024,
    max_cells: int = 50_000_000,
) -> str:
    """Return 'xlsx', 'xls' or 'csv' for a file that is safe to parse, else raise LoaderError."""
    name = display_name or path.name
    if not path.is_file():
        raise _problem("file.not_found", name)
    size = path.stat().st_size
    if size > max_bytes:
        raise _problem(
            "file.too_large", name, size_mb=round(size / (1 << 20), 1), limit_mb=round(max_bytes / (1 << 20))
        )
    ext = path.suffix.lower() if not display_name else Path(display_name).suffix.lower()
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    if ext in (".xlsx", ".xlsm"):
        if head.startswith(OLE_MAGIC):
            if _ole_is_encrypted(head) or _ole_is_encrypted(path.read_bytes()[: 8 << 20]):
                raise _problem("file.encrypted", name)
            raise _problem("file.type_mismatch", name, expected=ext)
        if not head.startswith(ZIP_MAGIC):
            raise _problem("file.type_mismatch", name, expected=ext)
        check_zip(path, name, max_unpacked_bytes, max_cells)
        return "xlsx"
    if ext == ".xls":
        if head.startswith(ZIP_MAGIC):
            raise _problem("file.type_mismatch", name, expected=ext)
        if not head.startswith(OLE_MAGIC):
            raise _problem("file.type_mismatch", name, expected=ext)
        if _ole_is_encrypted(head):
            raise _problem("file.encrypted", name)
        check_xls(path, name, min(max_cells, XLS_MAX_CELLS))
        return "xls"
    if ext == ".csv":
        if head.startswith((ZIP_MAGIC, OLE_MAGIC)) or b"\x00" in head[:8192]:
            raise _problem("file.type_mismatch", name, expected=ext)
        return "csv"
    raise _problem("file.unsupported", name, ext=ext or "(ingen)")


def check_zip(path: Path, name: str, max_unpacked: int, max_cells: int) -> None:
    """Read every member once, counting what it unpacks to, scanning it for DTDs and, in a
    worksheet, for the real used range."""
    try:
        zf = zipfile.ZipFile(path)
    except _DAMAGED as e:
        raise _problem("file.unreadable", name, detail=str(e)[:120]) from None
    limit_mb = round(max_unpacked / (1 << 20))
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise _problem("file.zip_bomb", name, limit_mb=limit_mb)
        if any(info.flag_bits & 0x1 for info in infos):
            raise _problem("file.encrypted", name)
        try:
            tabs = sheet_members(zf)
            total = 0
            for info in infos:
                sheet = tabs.get(info.filename.lower())
                is_sheet = sheet is not None or info.filename.lower().startswith("xl/worksheets/")
                total = _scan_member(
                    zf, info, name, total, max_unpacked, limit_mb, is_sheet, sheet, max_cells
                )
        except _DAMAGED as e:
            raise _problem("file.unreadable", name, detail=str(e)[:120]) from None


def _scan_member(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    name: str,
    total: int,
    max_unpacked: int,
    limit_mb: int,
    is_sheet: bool,
    sheet: str | None,
    max_cells: int,
) -> int:
    found = _Found()
    tail = carry = b""
    for chunk in member_chunks(zf, info):
        total += len(chunk)
        if total > max_unpacked:
            raise _problem("file.zip_bomb", name, limit_mb=limit_mb)
        # The end of the last chunk and the start of this one, for what straddles the two.
        seam = tail + chunk[:256]
        if (b"<!" in chunk or b"<!" in seam) and any(d in chunk or d in seam for d in _DTD):
            raise _problem("file.xml_entities", name)
        tail = chunk[-256:]
        if is_sheet:
            # With the tag the chunk before ended in the middle of: each tag is seen whole.
            buf = carry + chunk
            for odd in (_ODD_CELL, _ODD_ROW, _PREFIXED):
                for m in odd.finditer(buf):
                    found.look(buf, m.start())
            carry = _carry(buf, 0, name)
    if is_sheet:
        _check_used_range(zf, info, name, sheet or _member_stem(info.filename), found, max_cells)
    return total


class _Found:
    """What the fast pass saw of a sheet: the widest column and highest row of the tags it looked
    at (every cell past Z or below row 999.999, every tag written unusually), and whether a cell
    has no reference."""

    def __init__(self) -> None:
        self.wide = self.high = 0
        self.no_ref = False

    def look(self, buf: bytes, at: int) -> None:
        """Take in the cell or row whose tag holds `at` (a cut-off tag is seen with the next chunk)."""
        start = buf.rfind(b"<", 0, at + 1)
        if start < 0:
            return
        m = _CANON.match(buf, start)
        if m is not None:
            ref: tuple[int, int] | None = (col_number(m.group(1).decode()), int(m.group(2)))
            is_cell, attrs = True, m.group(3)
        else:
            t = _TAG.match(buf, start)
            if t is None:
                return
            ref, is_cell, attrs = _ref(t.group(2)), t.group(1) == b"c", t.group(2)
        if is_cell and (ref is None or not ref[0]):
            self.no_ref = True  # placed by its row and its place in the row: counted exactly
        elif ref is not None and not attrs.rstrip().endswith(b"/"):  # an empty cell or row is no data
            if is_cell:
                self.wide = max(self.wide, ref[0])
            self.high = max(self.high, ref[1])


def _carry(buf: bytes, done: int, name: str) -> bytes:
    """What of buf the next chunk must see again: a tag cut off at its end (none when the last
    tag is whole, or was taken already, before `done`)."""
    lt = buf.rfind(b"<")
    if lt < done or lt < 0 or _WHOLE_TAG.match(buf, lt):
        return b""  # the last tag is whole (and scanned): what follows it is text
    if len(buf) - lt > _MAX_TAG:  # spaces inside one tag, to slip a reference past the scan
        raise _problem("file.unreadable", name, detail="an XML tag longer than 1 MB")
    return buf[lt:]


def _ref(attrs: bytes) -> tuple[int, int] | None:
    """A tag's r attribute as (column, row), 0 for a part it lacks; None without one."""
    # Attribute by attribute: an r= inside another attribute's quoted value is no reference.
    value = next((v for k, v in _ATTR_PAIR.findall(attrs) if k == b"r"), None)
    if value is None:
        return None
    text = html.unescape(value[1:-1].decode("latin-1")).upper()
    parts = _REF_TEXT.fullmatch(text)
    if parts is None:
        return (EXCEL_MAX_COLS + 1, EXCEL_MAX_ROWS + 1)  # a reference no sheet has: refused
    letters, digits = parts.groups()
    return (col_number(letters) if letters else 0, int(digits) if digits else 0)


def _check_used_range(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, found: _Found, max_cells: int
) -> None:
    """Refuse a grid beyond Excel's limits or above max_cells. What the fast pass did not look at
    lies within A-Z and above row 1.000.000, so the width is exact past Z and the height past
    999.999; the height is counted exactly when the size depends on it, and both are when a cell
    has no reference."""
    if found.no_ref:
        width, height = _extent(zf, info, name)
    else:
        width = max(found.wide, 26)
        height = max(found.high, 999_999)
        if found.high < 999_999 and width <= EXCEL_MAX_COLS and width * height > max_cells:
            height = max(found.high, _narrow_height(zf, info, name))
    if width > EXCEL_MAX_COLS or height > EXCEL_MAX_ROWS or width * height > max_cells:
        raise _problem("file.dimensions", name, sheet=sheet, dims=f"{height:,} x {width:,}".replace(",", "."))


def _narrow_height(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> int:
    """The highest row of a cell with content in A-Z below row 1.000.000: a second pass, only for
    a sheet so wide that its height decides whether it fits."""
    high, carry = 0, b""
    for chunk in member_chunks(zf, info):
        buf = carry + chunk
        rows = _NARROW_ROW.findall(buf)
        if rows:
            high = max(high, max(map(int, rows)))
        carry = _carry(buf, 0, name)
    return high


def _extent(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> tuple[int, int]:
    """The used range exactly, as calamine places cells: a row without r follows the row before,
    a cell without r takes its row and the next place in it. A second pass, only for a sheet with
    a cell without a reference."""
    width = height = 0
    row = col = 0
    carry = b""
    for chunk in member_chunks(zf, info):
        buf = carry + chunk
        done = 0
        for m in _TAG.finditer(buf):
            done = m.end()
            attrs = m.group(2)
            ref = _ref(attrs)
            has_content = not attrs.rstrip().endswith(b"/")
            if m.group(1) == b"row":
                row = ref[1] if ref and ref[1] else row + 1
                col = 0
                if has_content:
                    height = max(height, row)
                continue
            col = ref[0] if ref and ref[0] else col + 1
            at_row = ref[1] if ref and ref[1] else row
            if has_content:
                width, height = max(width, col), max(height, at_row)
        carry = _carry(buf, done, name)
    return width, height


def member_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's bytes as they really unpack, whatever sizes its headers declare: the compressed
    bytes are inflated to their end, so a member that claims 900 KB and holds 200 MB yields 200 MB."""
    fp = zf.fp
    assert fp is not None
    fp.seek(info.header_offset)
    local = fp.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    fp.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            chunk = fp.read(min(left, _CHUNK))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise NotImplementedError(f"compression method {info.compress_type}")
    inflate = zlib.decompressobj(-15)
    while left > 0 and not inflate.eof:
        data = fp.read(min(left, 1 << 16))
        if not data:
            return
        left -= len(data)
        while data and not inflate.eof:
            out = inflate.decompress(data, _CHUNK)  # never more than a chunk at a time
            if out:
                yield out
            data = inflate.unconsumed_tail
    while not inflate.eof and (out := inflate.decompress(b"", _CHUNK)):
        yield out


def _member_stem(member: str) -> str:
    return member.rsplit("/", 1)[-1].removesuffix(".xml")


def sheet_members(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member (lower case) -> the sheet's tab name, from workbook.xml and its rels."""
    out: dict[str, str] = {}
    try:
        wbxml = _small(zf, "xl/workbook.xml")
        rels = _small(zf, "xl/_rels/workbook.xml.rels")
    except KeyError:
        return out
    targets = {}
    for tag in _REL.findall(rels):
        attrs = dict(_ATTR.findall(tag))
        if b"Id" in attrs and b"Target" in attrs:
            targets[attrs[b"Id"]] = attrs[b"Target"].decode("utf-8", "replace")
    pairs = list(_SHEET_TAG.findall(wbxml))
    pairs += [(n, r) for r, n in _SHEET_TAG_REV.findall(wbxml) if (n, r) not in pairs]
    for raw_name, rid in pairs:
        target = targets.get(rid)
        if target is None:
            continue
        member = target.lstrip("/") if target.startswith("/") else "xl/" + target
        out[member.lower()] = html.unescape(raw_name.decode("utf-8", "replace"))
    return out


def _small(zf: zipfile.ZipFile, member: str, limit: int = 8 << 20) -> bytes:
    """A small member (workbook.xml, its rels), read at most limit bytes."""
    with zf.open(member) as fh:
        return fh.read(limit)


# ---------------------------------------------------------------- legacy .xls

_CFB_END = 0xFFFFFFFE  # end of a sector chain
_XLS_CELLS = {0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006}  # the cell records calamine places
_XLS_MULRK, _XLS_DIMENSIONS, _XLS_BOUNDSHEET, _XLS_FILEPASS, _XLS_EOF = 0x00BD, 0x0200, 0x0085, 0x002F, 0x000A


def check_xls(path: Path, name: str, max_cells: int) -> None:
    """Refuse a legacy workbook whose sheets span more than max_cells, as calamine will size them:
    from the cell records of each sheet (and the DIMENSIONS record, for which it reserves room),
    found where the workbook's sheet list says they start."""
    data = path.read_bytes()  # at most the upload limit
    try:
        stream = _cfb_stream(data, ("workbook", "book"))
    except (IndexError, ValueError, struct.error):
        stream = None
    if stream is None:
        raise _problem("file.unreadable", name, detail="no Workbook stream in the compound file")
    starts = []
    for rtype, at, size in _biff_records(stream, 0):
        if rtype == _XLS_FILEPASS:
            raise _problem("file.encrypted", name)
        if rtype == _XLS_BOUNDSHEET and size >= 4:
            starts.append(struct.unpack_from("<I", stream, at)[0])
    for start in starts:
        top, bottom, left, right = 1 << 16, -1, 1 << 16, -1
        reserved = 0
        for rtype, at, size in _biff_records(stream, start):
            if rtype in _XLS_CELLS and size >= 4:
                r, c = struct.unpack_from("<HH", stream, at)
                top, bottom, left, right = min(top, r), max(bottom, r), min(left, c), max(right, c)
            elif rtype == _XLS_MULRK and size >= 6:
                r, first = struct.unpack_from("<HH", stream, at)
                last = struct.unpack_from("<H", stream, at + size - 2)[0]
                top, bottom, left, right = min(top, r), max(bottom, r), min(left, first), max(right, last)
            elif rtype == _XLS_DIMENSIONS and size in (10, 14):
                rf, rl, cf, cl = struct.unpack_from("<HHHH" if size == 10 else "<IIHH", stream, at)
                reserved = max(reserved, max(rl - rf, 1) * max(cl - cf, 1))
        height, width = max(bottom - top + 1, 0), max(right - left + 1, 0)
        if max(height * width, reserved) > max_cells:
            dims = (
                f"{height:,} x {width:,}".replace(",", ".") if height * width > max_cells else f"{reserved:,}"
            )
            raise _problem("file.dimensions", name, sheet=_xls_sheet_name(stream, start), dims=dims)


def _biff_records(stream: bytes, pos: int) -> Iterator[tuple[int, int, int]]:
    """(type, where its body starts, its size) of the BIFF records from pos to the substream's
    EOF (or the stream's end)."""
    end = len(stream)
    unpack = struct.Struct("<HH").unpack_from
    while 0 <= pos and pos + 4 <= end:
        rtype, size = unpack(stream, pos)
        if rtype == _XLS_EOF:
            return
        if pos + 4 + size > end:
            size = end - pos - 4  # cut off: what there is
        yield rtype, pos + 4, size
        pos += 4 + size


def _xls_sheet_name(stream: bytes, start: int) -> str:
    """The sheet's tab name from the BOUNDSHEET record that points at start (for the message)."""
    for rtype, at, size in _biff_records(stream, 0):
        body = stream[at : at + size]
        if rtype == _XLS_BOUNDSHEET and size >= 8 and struct.unpack_from("<I", body)[0] == start:
            n, wide = body[6], body[7] & 1
            raw = body[8 : 8 + n * (2 if wide else 1)]
            return raw.decode("utf-16-le" if wide else "latin-1", "replace")
    return ""


def _cfb_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """A stream of an OLE compound file (what a .xls is) by name, or None: the header, the
    sector allocation table and the directory, read as [MS-CFB] lays them out."""
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini = 1 << struct.unpack_from("<H", data, 0x20)[0]
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, _, first_difat, n_difat = struct.unpack_from("<IIIII", data, 0x38)
    if sector not in (512, 4096) or mini != 64:
        raise ValueError("not a compound file")
    per = sector // 4

    def sect(n: int) -> bytes:
        block = data[(n + 1) * sector : (n + 2) * sector]
        if len(block) != sector:
            raise ValueError("sector past the end")
        return block

    fat_sectors = list(struct.unpack_from("<109I", data, 0x4C))
    difat, seen = first_difat, 0
    while difat < _CFB_END and seen <= n_difat:
        entries = struct.unpack(f"<{per}I", sect(difat))
        fat_sectors += entries[:-1]
        difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for n in fat_sectors[:n_fat]:
        fat += struct.unpack(f"<{per}I", sect(n))

    def chain(start: int, table: list[int]) -> list[int]:
        out: list[int] = []
        while start < _CFB_END:
            if len(out) > len(table):
                raise ValueError("a sector chain loops")
            out.append(start)
            start = table[start]
        return out

    directory = b"".join(sect(n) for n in chain(first_dir, fat))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        return None
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 0x74)
    for e in entries:
        length = struct.unpack_from("<H", e, 0x40)[0]
        label = e[: max(length - 2, 0)].decode("utf-16-le", "replace").lower()
        if e[0x42] != 2 or label not in names:
            continue
        start, size = struct.unpack_from("<IQ", e, 0x74)
        if sector == 512:
            size &= 0xFFFFFFFF  # version 3 files leave the high half undefined
        if size >= cutoff:
            return b"".join(sect(n) for n in chain(start, fat))[:size]
        ministream = b"".join(sect(n) for n in chain(root_start, fat))
        minifat_bytes = b"".join(sect(n) for n in chain(first_minifat, fat))
        minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}I", minifat_bytes))
        return b"".join(ministream[n * mini : (n + 1) * mini] for n in chain(start, minifat))[:size]
    return None
