"""Checks before any parsing: size, what the bytes really are, zip bombs, entity bombs, absurd sizes.

Every check reads a bounded number of bytes, so any input finishes in bounded time and memory.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from loaders.problems import LoaderError, Problem

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXCEL_MAX_ROWS, EXCEL_MAX_COLS = 1_048_576, 16_384
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')
_HEAD_BYTES = 64 * 1024  # bytes read from the start of each XML member


def _problem(code: str, file: str, **params: object) -> LoaderError:
    return LoaderError(Problem(code, file=file, params=dict(params)))


def _col_number(letters: str) -> int:
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
    max_unpacked_bytes: int = 500 * 1024 * 1024,
    max_ratio: int = 200,
    max_cells: int = 50_000_000,
) -> str:
    """Return 'xlsx', 'xls' or 'csv' for a file that is safe to parse, else raise LoaderError."""
    name = display_name or path.name
    if not path.is_file():
        raise _problem("file.not_found", name)
    size = path.stat().st_size
    if size > max_bytes:
        raise _problem("file.too_large", name, size_mb=round(size / 1e6, 1), limit_mb=round(max_bytes / 1e6))
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
        _check_zip(path, name, max_unpacked_bytes, max_ratio, max_cells)
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


def _check_zip(path: Path, name: str, max_unpacked: int, max_ratio: int, max_cells: int) -> None:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _problem("file.unreadable", name, detail=str(e)[:120]) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > 10_000:
            raise _problem("file.zip_bomb", name, limit_mb=round(max_unpacked / 1e6))
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > max_unpacked or (info.file_size > 1_000_000 and ratio > max_ratio):
                raise _problem("file.zip_bomb", name, limit_mb=round(max_unpacked / 1e6))
        for info in infos:
            if info.flag_bits & 0x1:
                raise _problem("file.encrypted", name)
            lower = info.filename.lower()
            if not lower.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                _scan_member(zf, info, name, max_unpacked, max_cells)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as e:
                raise _problem("file.unreadable", name, detail=str(e)[:120]) from None


def _scan_member(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_unpacked: int, max_cells: int
) -> None:
    # A DOCTYPE (and so any entity definition) can only stand before the root element, so the
    # head of each member is enough: the check costs the same for a 2 GB bomb as for a small file.
    with zf.open(info) as fh:
        head = fh.read(_HEAD_BYTES)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _problem("file.xml_entities", name)
    if info.filename.lower().startswith("xl/worksheets/"):
        _check_dimension(head[:8192], info.filename, name, max_cells)


def _check_dimension(head: bytes, member: str, name: str, max_cells: int) -> None:
    m = _DIMENSION.search(head)
    if not m or not m.group(3):
        return
    rows = int(m.group(4))
    cols = _col_number(m.group(3).decode())
    if rows > EXCEL_MAX_ROWS or cols > EXCEL_MAX_COLS or rows * cols > max_cells:
        sheet = member.rsplit("/", 1)[-1].removesuffix(".xml")
        raise _problem("file.dimensions", name, sheet=sheet, dims=f"{rows:,} x {cols:,}".replace(",", "."))
