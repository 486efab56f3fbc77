"""Open a workbook or CSV safely and return its sheets as exact, dictionary-encoded cell columns.

An .xlsx sheet is read by fastexcel (Rust calamine to Arrow), every cell as text: fast, no
macros, no XML entities, and one Arrow string column per sheet column. Text hides a cell's type,
and the type matters only where a number cell and the same digits typed as text mean different
things: "1.125" is one and an eighth as a number and Danish for 1125 as text; "true" is a yes/no
cell or a word; 16 digits are a rounded number or an identifier. Only columns holding such text
are read a second time, as numbers and yes/no, so every cell leaves this module with its exact
value; every other digit text means the same either way (tests/loaders/test_columnar.py proves
it for every parser). Legacy .xls, CSV and unusual .xlsx files are read row by row (python-calamine,
csv) into the same RawSheet.
"""

from __future__ import annotations

import csv
import itertools
import re
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import fastexcel
import numpy as np
import pyarrow as pa
import pyarrow.compute as pac
import python_calamine as pc

from loaders.isolate import Limits
from loaders.problems import LoaderError, Problem
from loaders.safety import EXCEL_MAX_COLS, check_file, sheet_members

HEADER_SEARCH = 20

# How fastexcel writes a number, yes/no or date cell as text (no leading zeros, at most 15 digits:
# a longer run of digits is an identifier typed as text, never rounded through a float). Written
# once for Python's re and Arrow's RE2, which read these patterns alike.
_NUMBER_TEXT = r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,8}[1-9])?"
_STAMP_TEXT = r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+"
_TYPED_TEXT = rf"^(?:true|false|{_NUMBER_TEXT}|{_STAMP_TEXT}|)$"  # what guess() turns into a non-text value
# Text whose value depends on whether the cell is a number (or yes/no) or text: "1.125", "true",
# 16 digits or more. Any other number text reads the same either way, and "1.250" can only be text:
# fastexcel writes a number cell without trailing zeros.
_TYPE_MATTERS = r"^(?:true|false|-?[0-9]{1,3}\.[0-9]{2}[1-9]|-?[1-9][0-9]{15,})$"
_NUMBER = re.compile(_NUMBER_TEXT)
_TYPE_MATTERS_RE = re.compile(_TYPE_MATTERS)
_STAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6})\d*)?")
# Text clean_text keeps as it is: printable, no space or quote first, no space last, no two spaces.
_CLEAN_TEXT = r"^[^\p{C}\p{Z}']([^\p{C}\p{Z}]| [^\p{C}\p{Z}])*$"


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
    """One sheet column over the sheet's non-blank rows: values[codes[i]] is row i's exact cell."""

    codes: np.ndarray  # int32, one per non-blank row
    values: list[Any]  # the distinct cells (str, float, bool, date, datetime, time or None)
    texts: pa.Array  # each value as text (None for a blank cell), for column-wise tests
    blank: np.ndarray  # values[j] is empty or only spaces
    clean: np.ndarray  # values[j] is text that parse.clean_text would return unchanged
    is_text: np.ndarray  # values[j] is a str (a text cell, not a number, yes/no or date)

    def cells(self, idx: np.ndarray | None = None) -> list[Any]:
        """The cells of the rows idx (all rows when None), in order."""
        codes = self.codes if idx is None else self.codes[idx]
        return spread(self.values, codes)


def spread(values: list[Any], codes: np.ndarray) -> list[Any]:
    """values[codes[i]] for every i, as a list (numpy does the indexing)."""
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr[codes].tolist()


def _text_of(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)


def _column(
    values: list[Any], codes: np.ndarray, texts: pa.Array | None = None, is_text: np.ndarray | None = None
) -> Column:
    if texts is None:
        texts = pa.array([_text_of(v) for v in values], type=pa.string())
    if is_text is None:
        is_text = np.fromiter((isinstance(v, str) for v in values), bool, len(values))
    # Blank: no cell, or only spaces (a typed value's text is never blank).
    blank = pac.fill_null(pac.equal(pac.utf8_trim_whitespace(texts), ""), True).to_numpy(zero_copy_only=False)
    blank &= is_text | pac.is_null(texts).to_numpy(zero_copy_only=False)
    clean = pac.fill_null(pac.match_substring_regex(texts, _CLEAN_TEXT), False).to_numpy(zero_copy_only=False)
    return Column(codes.astype(np.int32, copy=False), values, texts, blank, clean & is_text, is_text)


class RawSheet:
    """A sheet as read: its non-blank rows (with the row number Excel shows, CSV: the line) as
    exact cell columns. Made once by the reader; nothing later goes back to the file."""

    def __init__(
        self,
        file: str,
        sheet: str,
        columns: list[Column],
        row_numbers: np.ndarray,
        problems: list[Problem] | None = None,
        hidden: bool = False,
        lengths: np.ndarray | None = None,
    ) -> None:
        self.file, self.sheet, self.hidden = file, sheet, hidden
        self.columns = columns
        self.row_numbers = row_numbers.astype(np.int64, copy=False)
        self.problems: list[Problem] = problems if problems is not None else []
        self._lengths = lengths  # a row-read sheet's cells per row (a CSV line can be short)

    @classmethod
    def from_rows(
        cls,
        file: str,
        sheet: str,
        rows: list[tuple[int, list[object]]],
        problems: list[Problem] | None = None,
        hidden: bool = False,
        max_cells: int | None = None,
    ) -> RawSheet:
        """A sheet from (row number, cells) pairs, blank rows left out by the caller."""
        builder = _Builder(max_cells, file, sheet)
        for row_no, cells in rows:
            builder.add(row_no, cells)
        return builder.sheet(file, sheet, problems, hidden)

    @classmethod
    def from_arrow(
        cls,
        file: str,
        sheet: str,
        batch: pa.RecordBatch,
        first_row: int,
        exact: Callable[[list[int]], pa.RecordBatch],
        hidden: bool = False,
    ) -> RawSheet:
        """A sheet read as Arrow text columns (first_row: the Excel row of the batch's first row).

        exact(columns) reads those columns again as yes/no (null for a text cell): asked only for
        columns holding text whose value depends on the cell's type.
        """
        strings = [c.cast(pa.string()) if c.type != pa.string() else c for c in batch.columns]
        acc = pa.array(np.zeros(batch.num_rows, dtype=bool))
        for c in strings:
            acc = pac.or_kleene(acc, pac.not_equal(c, ""))
        kept = np.flatnonzero(pac.fill_null(acc, False).to_numpy(zero_copy_only=False))
        encoded = [_pick(c, kept).dictionary_encode() for c in strings]
        matters = [
            ci
            for ci, enc in enumerate(encoded)
            if pac.any(pac.match_substring_regex(enc.dictionary, _TYPE_MATTERS)).as_py()
        ]
        typed_again = exact(matters) if matters else None
        columns = []
        for ci, enc in enumerate(encoded):
            texts: list[Any] = enc.dictionary.to_pylist() + [None]
            codes = enc.indices.fill_null(len(texts) - 1).to_numpy(zero_copy_only=False).astype(np.int32)
            typed = np.flatnonzero(
                pac.fill_null(pac.match_substring_regex(enc.dictionary, _TYPED_TEXT), False).to_numpy(
                    zero_copy_only=False
                )
            )
            values = list(texts)
            for j in typed.tolist():
                values[j] = guess(texts[j])
            if typed_again is not None and ci in matters:
                values, texts, codes = _settle(
                    values, texts, codes, enc.dictionary, kept, typed_again, matters.index(ci)
                )
                columns.append(_column(values, codes, pa.array(texts, type=pa.string())))
                continue
            is_text = np.ones(len(values), dtype=bool)
            is_text[typed] = [isinstance(values[j], str) for j in typed.tolist()]
            is_text[-1] = False  # the blank cell
            columns.append(_column(values, codes, pa.array(texts, type=pa.string()), is_text))
        return cls(file, sheet, columns, kept + first_row, hidden=hidden)

    # ---------------------------------------------------------------- shape of the sheet

    @property
    def n(self) -> int:
        """How many non-blank rows."""
        return len(self.row_numbers)

    @property
    def width(self) -> int:
        """How many columns."""
        return len(self.columns)

    def row(self, i: int) -> list[object]:
        """Non-blank row i's cells."""
        return [c.values[c.codes[i]] for c in self.columns]

    @property
    def rows(self) -> list[tuple[int, list[object]]]:
        """Every non-blank row with its cells (small sheets and tests)."""
        cols = [c.cells() for c in self.columns]
        out = [(int(r), [col[i] for col in cols]) for i, r in enumerate(self.row_numbers)]
        if self._lengths is not None:
            out = [(r, cells[: int(n)]) for (r, cells), n in zip(out, self._lengths, strict=True)]
        return out


def _pick(col: pa.Array, at: np.ndarray) -> pa.Array:
    """col[at]: a zero-copy slice when the rows are consecutive (the usual case)."""
    if len(at) and at[-1] - at[0] == len(at) - 1:
        return col.slice(int(at[0]), len(at))
    return col.take(pa.array(at))


def _settle(
    values: list[Any],
    texts: list[Any],
    codes: np.ndarray,
    dictionary: pa.Array,
    kept: np.ndarray,
    typed_again: pa.RecordBatch,
    which: int,
) -> tuple[list[Any], list[Any], np.ndarray]:
    """Give every cell whose text's value depends on its type the value its type gives."""
    matters = np.flatnonzero(
        pac.fill_null(pac.match_substring_regex(dictionary, _TYPE_MATTERS), False).to_numpy(
            zero_copy_only=False
        )
    )
    pos = np.flatnonzero(np.isin(codes, matters))
    is_cell = typed_again.column(which).take(pa.array(kept[pos])).is_valid().to_numpy(zero_copy_only=False)
    values, texts, codes = list(values), list(texts), codes.copy()
    seen: dict[tuple[type, object], int] = {}
    for p, typed in zip(pos.tolist(), is_cell.tolist(), strict=True):
        text = texts[codes[p]]
        if not typed:
            v: object = text  # no yes/no value: text typed by hand
        elif text in ("true", "false"):
            v = text == "true"
        else:
            v = float(text)  # a number cell: fastexcel wrote it in its shortest exact form
        key = (type(v), v)
        j = seen.get(key)
        if j is None:
            j = seen[key] = len(values)
            values.append(v)
            texts.append(text)
        codes[p] = j
    return values, texts, codes


def read_file(path: Path, *, display_name: str | None = None, limits: Limits | None = None) -> list[RawSheet]:
    """Every sheet of a workbook, or the one sheet of a CSV; LoaderError for files we refuse."""
    path = Path(path)
    name = display_name or path.name
    limits = limits or Limits()
    fmt = check_file(
        path,
        display_name=name,
        max_bytes=limits.max_file_mb * 1024 * 1024,
        max_unpacked_bytes=limits.max_unpacked_mb * 1024 * 1024,
        max_cells=limits.max_cells,
    )
    try:
        if fmt == "csv":
            return [read_csv(path, name, max_cells=limits.max_cells)]
        return _read_excel(path, name, fmt, limits.max_cells)
    except (pc.CalamineError, fastexcel.FastExcelError, zipfile.BadZipFile, EOFError) as e:
        # What the readers raise for a file they cannot read; any other exception is our bug.
        text = str(e).lower()
        code = "file.encrypted" if ("password" in text or "encrypt" in text) else "file.unreadable"
        raise LoaderError(
            Problem(code, file=name, params={"detail": f"{type(e).__name__}: {str(e)[:160]}"})
        ) from None


def _read_excel(path: Path, name: str, fmt: str = "xlsx", max_cells: int | None = None) -> list[RawSheet]:
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
                out.append(RawSheet.from_rows(name, sheet_name, [], hidden=sheet_name in hidden))
            elif first:
                if reader is None:
                    reader = fastexcel.read_excel(str(path))
                out.append(_columns_sheet(reader, name, sheet_name, first, sheet_name in hidden))
            else:
                out.append(_rows_sheet(wb, name, sheet_name, sheet_name in hidden, max_cells))
        return out
    finally:
        wb.close()


def _columns_sheet(reader: Any, name: str, sheet: str, first: int, hidden: bool) -> RawSheet:
    batch = reader.load_sheet(sheet, header_row=None, dtypes="string", eager=True)

    def exact(columns: list[int]) -> pa.RecordBatch:
        # Read as yes/no, a number or yes/no cell has a value and a text cell has none: that is
        # all a second look needs, since a number cell's text is its exact shortest form.
        names = [batch.schema.names[ci] for ci in columns]  # fastexcel's indices count from column A
        return reader.load_sheet(sheet, header_row=None, dtypes="boolean", eager=True, use_columns=names)

    return RawSheet.from_arrow(name, sheet, batch, first, exact, hidden=hidden)


def _rows_sheet(wb: Any, name: str, sheet: str, hidden: bool, max_cells: int | None = None) -> RawSheet:
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
    return RawSheet.from_rows(name, sheet, rows, hidden=hidden, max_cells=max_cells)


# ---------------------------------------------------------------- where an .xlsx sheet starts

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
            members = {m.lower(): m for m in zf.namelist()}
            for member, tab in sheet_members(zf).items():
                if member not in members:
                    continue
                found = _first_value_row(zf, members[member])
                if found != 0:  # 0: cannot tell, left to the row reader
                    out[tab] = found
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


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the start of the file reads as UTF-8, else cp1252 (Danish
    Excel), else latin-1. read_csv starts over in the next one if a later byte disagrees."""
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    return encoding_of(head)


def encoding_of(head: bytes) -> str:
    """The encoding _encoding picks for a CSV file starting with head (its first MB)."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start >= len(head) - 4:  # a character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def read_csv(path: Path, name: str | None = None, *, max_cells: int | None = None) -> RawSheet:
    """A CSV file as one sheet, streamed record by record into dictionary-encoded columns (memory a
    few times the file, never the file as text plus a list per record); records with the wrong
    number of fields are reported, never misread."""
    name = name or path.name
    encoding = _encoding(path)
    for candidate in dict.fromkeys([encoding, "cp1252", "latin-1"]):
        try:
            return _read_csv(path, name, candidate, max_cells)
        except UnicodeDecodeError:
            continue
    raise LoaderError(Problem("file.encoding", file=name))


def _read_csv(path: Path, name: str, encoding: str, max_cells: int | None = None) -> RawSheet:
    sheet = Path(name).stem
    with path.open(encoding=encoding, newline="", errors="strict") as fh:
        delim = sniff_delimiter(fh.read(64 * 1024))
        fh.seek(0)
        reader = csv.reader(fh, delimiter=delim, quotechar='"', doublequote=True, strict=False)
        records = _numbered(reader, name)
        first = list(itertools.islice(records, HEADER_SEARCH))
        width = next((len(rec) for _, rec in first if sum(1 for c in rec if c.strip()) >= 2), None)
        builder = _Builder(max_cells, name, sheet)
        problems: list[Problem] = []
        for ln, rec in itertools.chain(first, records):
            if not any(c.strip() for c in rec):
                continue
            n = len(rec)
            if width is not None and n != width:
                trimmed = n > width and not any(c.strip() for c in rec[width:])
                # Shorter records are padded only above the header (titles) and for a line of one
                # field (a section row such as "Eksterne" written by hand); any other is misread.
                if not trimmed and (builder.n and n != 1 or n > width):
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
            builder.add(ln, [c if c.strip() else None for c in rec])
    return builder.sheet(name, sheet, problems)


def _numbered(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted field can span lines)."""
    line = 1
    try:
        for rec in reader:
            yield line, rec
            line = reader.line_num + 1
    except csv.Error as e:
        raise LoaderError(Problem("file.unreadable", file=name, params={"detail": str(e)[:160]})) from None


class _Builder:
    """Rows in, dictionary-encoded columns out: a 4-byte code per cell and each distinct value once.

    The grid is as wide as the widest row and as tall as the rows so far: one line of 60.000 fields
    under 100.000 short ones would make 6 billion codes. Past Excel's 16.384 columns or max_cells
    cells it stops, before it allocates.
    """

    def __init__(self, max_cells: int | None = None, file: str = "", sheet: str = "") -> None:
        # Per column: text -> code, (type, value) -> code for typed cells, the values, the codes.
        self.columns: list[tuple[dict[str, int], dict[tuple[type, object], int], list[Any], array]] = []
        self.row_numbers = array("q")
        self.lengths = array("q")
        self.max_cells = max_cells if max_cells is not None else Limits().max_cells
        self.file, self.sheet_name = file, sheet

    @property
    def n(self) -> int:
        return len(self.row_numbers)

    def add(self, row_no: int, cells: list[object]) -> None:
        """Append one non-blank row; LoaderError('file.dimensions') when the grid would pass the limits."""
        n = self.n
        width = max(len(self.columns), len(cells))
        if width > EXCEL_MAX_COLS or (n + 1) * width > self.max_cells:
            dims = f"{n + 1:,} x {width:,}".replace(",", ".")
            raise LoaderError(
                Problem("file.dimensions", file=self.file, params={"sheet": self.sheet_name, "dims": dims})
            )
        while len(self.columns) < len(cells):
            self.columns.append(({}, {}, [None], array("i", bytes(4 * n))))
        for ci, (texts, typed, values, codes) in enumerate(self.columns):
            v = cells[ci] if ci < len(cells) else None
            if v is None or v == "":
                codes.append(0)
                continue
            if type(v) is str:  # the common case (a CSV holds nothing else): keyed by the text itself
                j = texts.get(v)
                if j is None:
                    j = texts[v] = len(values)
                    values.append(v)
            else:
                key = (type(v), v)  # 1 and 1.0 and True are different cells
                j = typed.get(key)
                if j is None:
                    j = typed[key] = len(values)
                    values.append(v)
            codes.append(j)
        self.row_numbers.append(row_no)
        self.lengths.append(len(cells))

    def sheet(
        self, file: str, sheet: str, problems: list[Problem] | None = None, hidden: bool = False
    ) -> RawSheet:
        """The rows as a RawSheet."""
        columns = [
            _column(values, np.frombuffer(codes, dtype=np.int32)) for _, _, values, codes in self.columns
        ]
        return RawSheet(
            file,
            sheet,
            columns,
            np.frombuffer(self.row_numbers, dtype=np.int64),
            problems,
            hidden,
            np.frombuffer(self.lengths, dtype=np.int64),
        )
