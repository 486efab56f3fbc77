"""Open a workbook or CSV safely and return its sheets as typed cell grids with Excel's row numbers.

Excel is read with python-calamine (Rust): it keeps cell types (a numeric cell 1.123 stays a
number, unlike reading everything as text, where it would look like the Danish "1.123"), runs
no macros and expands no XML entities.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as pc

from loaders.problems import LoaderError, Problem
from loaders.safety import check_file

HEADER_SEARCH = 20


@dataclass
class RawSheet:
    """A sheet as read: (row number as Excel shows it, or CSV line of the record's first line, cells)."""

    file: str
    sheet: str
    rows: list[tuple[int, list[object]]]
    problems: list[Problem] = field(default_factory=list)
    hidden: bool = False


def read_file(path: Path, *, display_name: str | None = None) -> list[RawSheet]:
    """Every sheet of a workbook, or the one sheet of a CSV; LoaderError for files we refuse."""
    path = Path(path)
    name = display_name or path.name
    fmt = check_file(path, display_name=name)
    try:
        if fmt == "csv":
            return [read_csv(path, name)]
        return _read_excel(path, name)
    except LoaderError:
        raise
    except Exception as e:  # the edge: a broken file is a message, never a traceback
        text = str(e).lower()
        code = "file.encrypted" if ("password" in text or "encrypt" in text) else "file.unreadable"
        raise LoaderError(
            Problem(code, file=name, params={"detail": f"{type(e).__name__}: {str(e)[:160]}"})
        ) from None


def _read_excel(path: Path, name: str) -> list[RawSheet]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        hidden = {m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}
        out = []
        for sheet_name in wb.sheet_names:
            sh = wb.get_sheet_by_name(sheet_name)
            first_row = sh.start[0] if sh.start else 0
            rows = []
            for i, r in enumerate(sh.iter_rows()):  # row by row: never two copies of the sheet
                cells = [None if c == "" else c for c in r]
                if any(c is not None for c in cells):
                    rows.append((first_row + i + 1, cells))
            out.append(RawSheet(name, sheet_name, rows, hidden=sheet_name in hidden))
        return out
    finally:
        wb.close()


def decode(data: bytes) -> str:
    """CSV text in UTF-8 (with or without BOM), cp1252 (Danish Excel) or latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """';', ',' or tab: the one that splits the first lines most consistently (';' wins ties)."""
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()][:10]
    best, best_score = ";", (-1, -1)
    for d in (";", "\t", ","):
        counts = []
        for ln in lines:
            try:
                counts.append(len(next(csv.reader([ln], delimiter=d))) - 1)
            except (csv.Error, StopIteration):
                counts.append(0)
        if not counts or max(counts) == 0:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common else 0, common)
        if score > best_score:
            best, best_score = d, score
    return best


def read_csv(path: Path, name: str | None = None) -> RawSheet:
    """A CSV file as one sheet; records with the wrong number of fields are reported, never misread."""
    name = name or path.name
    text = decode(path.read_bytes())
    delim = sniff_delimiter(text)
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delim, quotechar='"', doublequote=True, strict=False
    )
    records: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for rec in reader:
            records.append((line, rec))
            line = reader.line_num + 1
    except csv.Error as e:
        raise LoaderError(Problem("file.unreadable", file=name, params={"detail": str(e)[:160]})) from None
    sheet = Path(name).stem
    width = None
    for _, rec in records[:HEADER_SEARCH]:
        if sum(1 for c in rec if c.strip()) >= 2:
            width = len(rec)
            break
    rows: list[tuple[int, list[object]]] = []
    problems: list[Problem] = []
    for ln, rec in records:
        if not any(c.strip() for c in rec):
            continue
        n = len(rec)
        if width is not None and n != width:
            trimmed = n > width and not any(c.strip() for c in rec[width:])
            # Shorter records are padded only when the header row has not been seen yet (titles).
            if not trimmed and (rows or n > width):
                problems.append(
                    Problem(
                        "csv.field_count",
                        file=name,
                        sheet=sheet,
                        row=ln,
                        params={"found": n, "expected": width},
                    )
                )
                continue
            rec = rec[:width]
        rows.append((ln, [c if c.strip() else None for c in rec]))
    return RawSheet(name, sheet, rows, problems)
