"""Checks before any parsing: what the bytes really are and what a workbook really holds.

Nothing declared is trusted. Every zip member is decompressed as it is checked, and the bytes are
counted as they come (a member that lies about its size stops at the limit); every member is
scanned in full, streaming, for a DTD or an entity; every worksheet's cell references are scanned
for the real used range, so a sheet with one cell at XFD1048576 is refused before any reader
allocates a grid for it. Whatever gets past these (a grid just under the limits that still does
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
_CHUNK = 1 << 20
_DTD = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")
# Cell references that make a grid wide (two letters or more) or tall (seven digits): in an
# ordinary sheet there are none, so the scan costs one pass of a regex over the XML.
# A reference of two letters or more (a grid wider than Z) or of seven digits (taller than 999.999).
# In an ordinary sheet there are none, so the scan is one fast pass; each hit is then looked at
# whole, and only a cell with content counts (calamine leaves a styled empty <c r="AMJ5" s="3"/> out).
_CANDIDATE = re.compile(rb'r="[A-Z](?:[A-Z]|[0-9]{7})')
_CELL_AT = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*?(/?)>')
_ANY_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+([0-9]+)"[^>]*(?<!/)>')
_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,}[0-9]+|[A-Z]+[0-9]{7,})"[^>]*(?<!/)>')
_ANY_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]+([0-9]+)"[^>]*(?<!/)>')
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
    wide = tall = 0
    tail = b""
    for chunk in member_chunks(zf, info):
        total += len(chunk)
        if total > max_unpacked:
            raise _problem("file.zip_bomb", name, limit_mb=limit_mb)
        # The end of the last chunk and the start of this one, for what straddles the two.
        seam = tail + chunk[:256]
        if (b"<!" in chunk or b"<!" in seam) and any(d in chunk or d in seam for d in _DTD):
            raise _problem("file.xml_entities", name)
        if is_sheet:
            for buf in (seam, chunk):
                for m in _CANDIDATE.finditer(buf):
                    wide, tall = _widen(buf, m.start(), wide, tall)
        tail = chunk[-256:]
    if is_sheet:
        _check_used_range(zf, info, name, sheet or _member_stem(info.filename), wide, tall, max_cells)
    return total


def _widen(buf: bytes, at: int, wide: int, tall: int) -> tuple[int, int]:
    """Width and height so far, with the cell whose reference starts near `at` (if it has content)."""
    start = buf.rfind(b"<", 0, at)
    m = _CELL_AT.match(buf, start) if start >= 0 else None
    if m is None or m.group(3) == b"/":
        return wide, tall
    letters, digits = m.group(1), m.group(2)
    if len(letters) > 1:
        wide = max(wide, col_number(letters.decode()))
    if len(digits) > 6:
        tall = max(tall, int(digits))
    return wide, tall


def _check_used_range(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, sheet: str, wide: int, tall: int, max_cells: int
) -> None:
    """Refuse a grid beyond Excel's limits or above max_cells. Columns past Z and rows past
    999.999 were found exactly; below that, the width is at most 26 or 702 and the height is
    counted exactly only when the width makes it matter."""
    width = wide or 26
    height = tall or 999_999
    if width <= EXCEL_MAX_COLS and height <= EXCEL_MAX_ROWS and width * height > max_cells and not tall:
        height = _tallest(zf, info)
    if width > EXCEL_MAX_COLS or height > EXCEL_MAX_ROWS or width * height > max_cells:
        raise _problem("file.dimensions", name, sheet=sheet, dims=f"{height:,} x {width:,}".replace(",", "."))


def _tallest(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> int:
    """The highest row a cell with content names: a second pass, only for a sheet so wide that
    its height decides whether it fits."""
    tallest, tail = 0, b""
    for chunk in member_chunks(zf, info):
        buf = tail + chunk
        for m in _ANY_REF.finditer(buf):
            tallest = max(tallest, int(m.group(1)))
        tail = buf[-256:]
    return tallest


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
