"""Open a workbook or CSV safely and return its sheets as cell columns with Excel's row numbers.

An .xlsx sheet is read once by fastexcel (Rust calamine to Arrow), every cell as text: fast, no
macros, no XML entities, and one Arrow string column per sheet column instead of a Python object
per cell. Text alone hides a cell's type in three cases: "1250", "1.125" and "true" may be a
number (or yes/no) cell or text typed by hand, and the Danish reading of text "1.125" is 1125.
Such a value is decided only where it matters: validate.py asks for the exact type only when the
two readings parse differently, and only then is the sheet read again as booleans and numbers
(numbers and yes/no cells have a boolean value, text has none). Legacy .xls, CSV and unusual
.xlsx files are read row by row (python-calamine, csv) into the same RawSheet.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac
import python_calamine as pc

from loaders.parse import is_blank
from loaders.problems import LoaderError, Problem
from loaders.safety import check_file

HEADER_SEARCH = 20

# How fastexcel writes a number, yes/no or date cell as text (no leading zeros, at most 15 digits:
# a longer run of digits is an identifier typed as text, never rounded through a float). Written
# once for Python's re and Arrow's RE2, which read these patterns alike.
_NUMBER_TEXT = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,8}[1-9])?"
_LONG_DIGITS = r"-?[1-9][0-9]{15,}"  # an identifier as text, or a huge number cell
_STAMP_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+"
_AMBIGUOUS_TEXT = rf"^(?:true|false|{_NUMBER_TEXT}|{_LONG_DIGITS})$"
_TYPED_TEXT = rf"^(?:true|false|{_NUMBER_TEXT}|{_STAMP_TEXT}|)$"  # what guess() turns into a non-text value
_NUMBER = re.compile(_NUMBER_TEXT)
_AMBIGUOUS = re.compile(_AMBIGUOUS_TEXT)
_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?")
# Text clean_text keeps as it is: printable, no space or quote first, no space last, no two spaces.
_CLEAN_TEXT = r"^[^\p{C}\p{Z}']([^\p{C}\p{Z}]| [^\p{C}\p{Z}])*$"


def is_ambiguous(text: str | None) -> bool:
    """Text that a number or yes/no cell could also have produced."""
    return text is not None and _AMBIGUOUS.match(text) is not None


def guess(text: str | None) -> object:
    """The typed cell behind fastexcel's text: numbers as float, yes/no as bool, dates as date."""
    if text is None or text == "":
        return None
    if _NUMBER.fullmatch(text):
        return float(text)
    if text in ("true", "false"):
        return text == "true"
    if (m := _STAMP.fullmatch(text)) is not None:
        y, mo, d, h, mi, s = (int(m[i]) for i in range(1, 7))
        micro = int((m[7] or "0").ljust(6, "0"))
        try:
            if (y, mo) == (1899, 12):  # a time of day: Excel counts it from day 0
                return time(h, mi, s, micro)
            if (h, mi, s, micro) == (0, 0, 0, 0):
                return date(y, mo, d)
            return datetime(y, mo, d, h, mi, s, micro)
        except ValueError:
            return text
    return text


@dataclass
class Column:
    """One sheet column over chosen rows, dictionary-encoded: values[codes[i]] is row i's cell."""

    codes: np.ndarray
    values: list[Any]  # typed cells (numbers guessed from text, see is_ambiguous)
    ambiguous: list[bool]  # values[j] came from text a number or yes/no cell could also give
    texts: list[Any]  # the text each value was read from (the value itself for row-read sheets)
    blank: np.ndarray  # values[j] is empty or only spaces
    clean: np.ndarray  # values[j] is text that parse.clean_text would return unchanged

    def tolist(self) -> list[Any]:
        """Every row's cell, in order."""
        return spread(self.values, self.codes)


def spread(values: list[Any], codes: np.ndarray) -> list[Any]:
    """values[codes[i]] for every i, as a list (numpy does the indexing)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr[codes].tolist()


class RawSheet:
    """A sheet as read: its non-blank rows, each with the row number Excel shows (CSV: line)."""

    def __init__(
        self,
        file: str,
        sheet: str,
        rows: list[tuple[int, list[object]]] | None = None,
        problems: list[Problem] | None = None,
        hidden: bool = False,
    ) -> None:
        self.file, self.sheet, self.hidden = file, sheet, hidden
        self.problems: list[Problem] = problems if problems is not None else []
        self._rows = rows if rows is not None else []
        self._strings: list[pa.Array] | None = None  # text columns of a column-read sheet
        self._kept: np.ndarray | None = None  # which Arrow rows hold a cell
        self._exact_reader: Callable[[str], pa.RecordBatch] | None = None
        self._exact: tuple[pa.RecordBatch, pa.RecordBatch] | None = None
        self.row_numbers = np.array([r for r, _ in self._rows], dtype=np.int64)

    @classmethod
    def from_columns(
        cls,
        file: str,
        sheet: str,
        batch: pa.RecordBatch,
        first_row: int,
        exact_reader: Callable[[str], pa.RecordBatch],
        hidden: bool = False,
    ) -> RawSheet:
        """A sheet read as Arrow text columns; first_row is the Excel row of the batch's first row."""
        self = cls(file, sheet, hidden=hidden)
        cols = [c.cast(pa.string()) if c.type != pa.string() else c for c in batch.columns]
        acc = pa.array(np.zeros(batch.num_rows, dtype=bool))
        for c in cols:
            acc = pac.or_kleene(acc, pac.not_equal(c, ""))
        any_cell = pac.fill_null(acc, False).to_numpy(zero_copy_only=False)
        self._strings = cols
        self._kept = np.flatnonzero(any_cell)
        self._exact_reader = exact_reader
        self.row_numbers = self._kept + first_row
        return self

    # ---------------------------------------------------------------- shape of the sheet

    @property
    def n(self) -> int:
        """How many non-blank rows."""
        return len(self.row_numbers)

    @property
    def width(self) -> int:
        """How many columns."""
        if self._strings is not None:
            return len(self._strings)
        return max((len(c) for _, c in self._rows), default=0)

    @property
    def columnar(self) -> bool:
        """Read as text columns (the fast path), not row by row."""
        return self._strings is not None

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """Every non-blank row with its exact typed cells (small sheets and tests; costs a second read
        of a column-read sheet that has numbers in it)."""
        if self._strings is None:
            return self._rows
        cols = [self.column(ci, np.arange(self.n), exact=True) for ci in range(self.width)]
        lists = [c.tolist() for c in cols]
        return [(int(r), [lst[i] for lst in lists]) for i, r in enumerate(self.row_numbers)]

    def row(self, i: int) -> list[object]:
        """Row i (of the non-blank rows) with its cells' types guessed from text: for finding the
        header and telling totals and section rows, where a number is never the question."""
        if self._strings is None:
            return self._rows[i][1]
        k = int(self._kept[i])  # type: ignore[index]
        return [guess(c[k].as_py()) for c in self._strings]

    def text_columns(self, start: int = 0) -> list[pa.Array]:
        """Each column from non-blank row `start` on as text (non-text cells of a row-read sheet as '0')."""
        if self._strings is not None:
            return [self._pick(c, self._kept[start:]) for c in self._strings]  # type: ignore[index]
        out = []
        rows = self._rows[start:]
        for ci in range(self.width):
            vals = []
            for _, cells in rows:
                c = cells[ci] if ci < len(cells) else None
                vals.append(c if c is None or isinstance(c, str) else "0")
            out.append(pa.array(vals, type=pa.string()))
        return out

    def release(self) -> None:
        """Drop the cells (a 500k-row sheet's text columns are ~100 MB); row numbers stay."""
        self._strings, self._exact, self._exact_reader, self._rows = None, None, None, []
        self._kept = None

    # ---------------------------------------------------------------- cells

    @staticmethod
    def _pick(col: pa.Array, at: np.ndarray) -> pa.Array:
        """col[at]: a zero-copy slice when the rows are consecutive (the usual case)."""
        if len(at) and at[-1] - at[0] == len(at) - 1:
            return col.slice(int(at[0]), len(at))
        return col.take(pa.array(at))

    def column(self, ci: int, idx: np.ndarray, *, exact: bool = False) -> Column:
        """Column ci over the non-blank rows idx; exact=True settles every ambiguous cell's type."""
        if self._strings is None:
            return self._row_column(ci, idx)
        arr = self._pick(self._strings[ci], self._kept[idx])  # type: ignore[index]
        enc = arr.dictionary_encode()
        texts: list[Any] = enc.dictionary.to_pylist() + [None]
        codes = enc.indices.fill_null(len(texts) - 1).to_numpy(zero_copy_only=False).astype(np.int64)
        typed = pac.fill_null(pac.match_substring_regex(enc.dictionary, _TYPED_TEXT), False)
        amb_mask = pac.fill_null(pac.match_substring_regex(enc.dictionary, _AMBIGUOUS_TEXT), False)
        values, amb = list(texts), [False] * len(texts)
        values[-1] = None
        for j in np.flatnonzero(typed.to_numpy(zero_copy_only=False)).tolist():
            values[j] = guess(texts[j])
        for j in np.flatnonzero(amb_mask.to_numpy(zero_copy_only=False)).tolist():
            amb[j] = True
        blank = pac.equal(pac.utf8_trim_whitespace(enc.dictionary), "").to_numpy(zero_copy_only=False)
        clean = pac.and_(
            pac.match_substring_regex(enc.dictionary, _CLEAN_TEXT), pac.invert(pac.or_(typed, amb_mask))
        ).to_numpy(zero_copy_only=False)
        col = Column(codes, values, amb, texts, np.append(blank, True), np.append(clean, False))
        if exact and any(amb):
            col = self.settle(ci, idx, col, [j for j, a in enumerate(amb) if a])
        return col

    def settle(self, ci: int, idx: np.ndarray, col: Column, which: list[int]) -> Column:
        """The column with the rows whose value is one of values[which] typed exactly."""
        pos = np.flatnonzero(np.isin(col.codes, which))
        if not len(pos):
            return col
        exact = self.exact_values(ci, idx[pos])
        values, texts, amb = list(col.values), list(col.texts), list(col.ambiguous)
        seen: dict[tuple[type, object], int] = {}
        codes = col.codes.copy()
        for p, v in zip(pos.tolist(), exact, strict=True):
            key = (type(v), v)
            j = seen.get(key)
            if j is None:
                j = seen[key] = len(values)
                values.append(v)
                texts.append(col.texts[col.codes[p]])
                amb.append(False)
            codes[p] = j
        more = len(values) - len(col.values)
        return Column(
            codes,
            values,
            amb,
            texts,
            np.append(col.blank, [False] * more),
            np.append(col.clean, [False] * more),
        )

    def exact_values(self, ci: int, idx: np.ndarray) -> list[object]:
        """The exact typed cells of column ci at non-blank rows idx (reads the sheet again, once)."""
        if self._strings is None:
            return [self._rows[i][1][ci] if ci < len(self._rows[i][1]) else None for i in idx.tolist()]
        if self._exact is None:
            assert self._exact_reader is not None
            self._exact = (self._exact_reader("boolean"), self._exact_reader("float"))
        b, f = self._exact[0].column(ci), self._exact[1].column(ci)
        out: list[object] = []
        for i in idx.tolist():
            k = int(self._kept[i])  # type: ignore[index]
            text = self._strings[ci][k].as_py()
            if not is_ambiguous(text):
                out.append(guess(text))
                continue
            bv = b[k].as_py()
            if bv is None:
                out.append(text)  # text typed by hand
            elif text in ("true", "false"):
                out.append(bv)
            else:
                out.append(f[k].as_py())
        return out

    def _row_column(self, ci: int, idx: np.ndarray) -> Column:
        seen: dict[tuple[type, object], int] = {}
        values: list[Any] = []
        codes = np.empty(len(idx), dtype=np.int64)
        for n, i in enumerate(idx.tolist()):
            cells = self._rows[i][1]
            v = cells[ci] if ci < len(cells) else None
            try:
                key = (type(v), v)
                j = seen.get(key)
            except TypeError:  # unhashable: never shared
                key, j = None, None
            if j is None:
                j = len(values)
                values.append(v)
                if key is not None:
                    seen[key] = j
            codes[n] = j
        blank = np.array([is_blank(v) for v in values], dtype=bool)
        return Column(codes, values, [False] * len(values), values, blank, np.zeros(len(values), dtype=bool))


def read_file(path: Path, *, display_name: str | None = None) -> list[RawSheet]:
    """Every sheet of a workbook, or the one sheet of a CSV; LoaderError for files we refuse."""
    path = Path(path)
    name = display_name or path.name
    fmt = check_file(path, display_name=name)
    try:
        if fmt == "csv":
            return [read_csv(path, name)]
        return _read_excel(path, name, fmt)
    except LoaderError:
        raise
    except Exception as e:  # the edge: a broken file is a message, never a traceback
        text = str(e).lower()
        code = "file.encrypted" if ("password" in text or "encrypt" in text) else "file.unreadable"
        raise LoaderError(
            Problem(code, file=name, params={"detail": f"{type(e).__name__}: {str(e)[:160]}"})
        ) from None


def _read_excel(path: Path, name: str, fmt: str = "xlsx") -> list[RawSheet]:
    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        hidden = {m.name for m in wb.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}
        names = list(wb.sheet_names)
        first_rows = _xlsx_first_rows(path) if fmt == "xlsx" else {}
        out = []
        reader = None
        for sheet_name in names:
            first = first_rows.get(sheet_name, 0)
            if first is None:  # no cell with a value: nothing to read
                out.append(RawSheet(name, sheet_name, [], hidden=sheet_name in hidden))
            elif first:
                if reader is None:
                    import fastexcel

                    reader = fastexcel.read_excel(str(path))
                out.append(_columns_sheet(reader, name, sheet_name, first, sheet_name in hidden))
            else:
                out.append(_rows_sheet(wb, name, sheet_name, sheet_name in hidden))
        return out
    finally:
        wb.close()


def _columns_sheet(reader: Any, name: str, sheet: str, first: int, hidden: bool) -> RawSheet:
    batch = reader.load_sheet(sheet, header_row=None, dtypes="string", eager=True)

    def exact(dtype: str) -> pa.RecordBatch:
        return reader.load_sheet(sheet, header_row=None, dtypes=dtype, eager=True)

    return RawSheet.from_columns(name, sheet, batch, first, exact, hidden=hidden)


def _rows_sheet(wb: Any, name: str, sheet: str, hidden: bool) -> RawSheet:
    sh = wb.get_sheet_by_name(sheet)
    first_row = sh.start[0] if sh.start else 0
    # python-calamine 0.9 yields blank rows from row 1 down to the sheet's first row although
    # `start` and `height` describe the used range only: number by what it yields.
    yielded = first_row + sh.height if sh.start else 0
    rows = []
    for i, r in enumerate(sh.iter_rows()):  # row by row: never two copies of the sheet
        cells = [None if c == "" else c for c in r]
        if any(c is not None for c in cells):
            rows.append((i + 1, cells))
    if rows and i + 1 < yielded:  # a python-calamine that yields the used range only
        rows = [(n + first_row, cells) for n, cells in rows]
    return RawSheet(name, sheet, rows, hidden=hidden)


# ---------------------------------------------------------------- where an .xlsx sheet starts

_SHEET_TAG = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_TAG_REV = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb"<(?:\w+:)?Relationship\b[^>]*>")
_ATTR = re.compile(rb'\b(Id|Target)="([^"]*)"')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_REF = re.compile(rb'\br="[A-Z]+(\d+)"')
_VALUE = re.compile(rb"<(?:\w+:)?(?:v|is)\b")
_SCAN_LIMIT = 8 << 20


def _xlsx_first_rows(path: Path) -> dict[str, int | None]:
    """Sheet name -> the Excel row of its first cell with a value (None: no value at all); a sheet
    left out is read row by row. fastexcel starts a sheet at that row, as calamine does."""
    out: dict[str, int | None] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            wbxml = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = {}
            for tag in _REL.findall(rels):
                attrs = dict(_ATTR.findall(tag))
                if b"Id" in attrs and b"Target" in attrs:
                    targets[attrs[b"Id"]] = attrs[b"Target"].decode()
            pairs = [(n, r) for n, r in _SHEET_TAG.findall(wbxml)]
            pairs += [(n, r) for r, n in _SHEET_TAG_REV.findall(wbxml) if (n, r) not in pairs]
            members = {m.lower(): m for m in zf.namelist()}
            for raw_name, rid in pairs:
                target = targets.get(rid)
                if target is None:
                    continue
                member = target.lstrip("/") if target.startswith("/") else "xl/" + target
                member = members.get(member.lower())
                if member is None:
                    continue
                found = _first_value_row(zf, member)
                if found != 0:  # 0: cannot tell, left to the row reader
                    out[html.unescape(raw_name.decode("utf-8"))] = found
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError):
        return {}
    return out


def _first_value_row(zf: zipfile.ZipFile, member: str) -> int | None:
    """Row of the first cell holding a value; None if there is none; 0 if it cannot be told."""
    buf = b""
    read = 0
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(1 << 16)
            read += len(chunk)
            buf += chunk
            pos = 0
            for m in _CELL.finditer(buf):
                pos = m.end()
                if m.group(2) and _VALUE.search(m.group(2)):
                    ref = _CELL_REF.search(m.group(1))
                    return int(ref.group(1)) if ref else 0
            if not chunk:
                return None
            if read > _SCAN_LIMIT or (not pos and len(buf) > 1 << 20):
                return 0  # megabytes of empty cells, or one huge cell: read it row by row
            buf = buf[pos:]


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
