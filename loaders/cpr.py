"""CPR numbers (ddmmyy-xxxx) are sensitive personal data that must never be stored anywhere.

A file that holds one is refused whole, before anything of it is stored (the original file is
stored with an upload, so a CPR number in a sheet we do not load would be stored too). Every
sheet is scanned, data or not, every row of every column:

- a header that names CPR numbers ("CPR-nr", "Personnummer"): in a data sheet's header row, or
  in any sheet as a short cell of the first rows (there is no header row to go by);
- ddmmyy-xxxx with a valid day and month anywhere in a text ("CPR 010190-1234");
- ten digits with a valid day and month as the whole of a text cell, or after the word CPR,
  except in an amount column (1.503.821.239 kr. is an amount, not a person); a number cell
  only in a data sheet's text column, or where most of its column looks so.

What is found is named by sheet, column and row, never by its value: the value must not reach
a message, a log or the quarantine either.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac

from loaders.kinds import KINDS
from loaders.parse import normalise_header
from loaders.problems import Problem
from loaders.read import Column, RawSheet
from loaders.shape import HEADER_SEARCH_ROWS, Shaped, match_header

_WORDS = r"cpr|personnummer|personnr|civilregistrering|socialsecuritynumber"
_IN_HEADER = re.compile(_WORDS)  # in a data sheet's header row: 'Deltagerens CPR-nr.'
_HEADER_CELL = re.compile(rf"^(?:{_WORDS})")  # elsewhere only a short cell that starts so
_HEADER_CELL_MAX = 30  # normalised characters: a header, not a sentence about CPR numbers
_DDMM = r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{2}"
# RE2 (Arrow) has no lookarounds: a non-digit or an end on each side instead.
_DASHED = rf"(?:^|[^0-9]){_DDMM}[-‐‑–][0-9]{{4}}(?:[^0-9]|$)"
_TEN = rf"^\s*{_DDMM}[0-9]{{4}}\s*$"
_AFTER_WORD = rf"(?i)cpr[^0-9a-z]{{0,5}}{_DDMM}[0-9]{{4}}(?:[^0-9]|$)"
_NUMERIC = {"amount", "number", "int"}
_DIGITS = re.compile(r"[0-9]{6}")  # a text that may hold a CPR number never names a column


def find_cpr(sheet: RawSheet, shaped: Shaped | None) -> list[Problem]:
    """A problem per column of the sheet that holds or names CPR numbers (shaped: the sheet as
    data, or None for a sheet that is not data)."""
    found: list[Problem] = []
    top = min(sheet.n, HEADER_SEARCH_ROWS)
    header = sheet.row(shaped.header_pos) if shaped else []
    claimed = {ci: shaped.kind.field(f).type for f, (ci, _) in shaped.columns.items()} if shaped else {}
    for ci, col in enumerate(sheet.columns):
        title = header[ci] if ci < len(header) and isinstance(header[ci], str) else None
        title = None if title and _DIGITS.search(title) else title
        named = _named(col, sheet, top, title if shaped else None, shaped.header_row if shaped else 0)
        if named is not None:
            found.append(_problem(sheet, *named))
            continue
        kind_type = claimed.get(ci)
        numeric = kind_type in _NUMERIC if kind_type else _looks_numeric(title or _first_text(col, top))
        # A number cell where a data sheet wants a text, a date or a year is no amount either.
        hit = _values(col, numeric, number_cells=kind_type is not None and not numeric)
        if hit is not None:
            found.append(
                _problem(sheet, title or _first_text(col, top) or _letters(ci), int(sheet.row_numbers[hit]))
            )
    return found


def _problem(sheet: RawSheet, column: str, row: int) -> Problem:
    """Named by sheet, column and row; never the value."""
    return Problem("sheet.cpr", file=sheet.file, sheet=sheet.sheet, row=row, column=column)


def _named(
    col: Column, sheet: RawSheet, top: int, header: str | None, header_row: int
) -> tuple[str, int] | None:
    """(header, row) of a cell that names CPR numbers: the data sheet's header, or a short cell
    of the first rows."""
    if header is not None and _IN_HEADER.search(normalise_header(header)) and not _DIGITS.search(header):
        return header, header_row
    for pos in range(top):
        cell = col.values[col.codes[pos]]
        # 'CPR: 0101901234' is a value, found as one below: a header holds no run of digits.
        if isinstance(cell, str) and not _DIGITS.search(cell):
            norm = normalise_header(cell)
            if len(norm) <= _HEADER_CELL_MAX and _HEADER_CELL.match(norm):
                return cell.strip(), int(sheet.row_numbers[pos])
    return None


def _values(col: Column, numeric: bool, number_cells: bool) -> int | None:
    """The position of the first row whose cell holds a CPR number, or None."""
    texts = col.texts
    is_text = col.is_text
    hit = _match(texts, _DASHED) & is_text
    hit |= _match(texts, _AFTER_WORD) & is_text
    ten = _match(texts, _TEN)
    if not numeric:
        hit |= ten & (is_text | number_cells)
        filled = int((~col.blank[col.codes]).sum())
        n_ten = int(ten[col.codes].sum())
        if n_ten >= 2 and n_ten * 2 >= filled:  # most of a column: numbers typed as numbers too
            hit |= ten
    if not hit.any():
        return None
    rows = np.flatnonzero(hit[col.codes])
    return int(rows[0]) if len(rows) else None


def _match(texts: pa.Array, pattern: str) -> np.ndarray:
    return pac.fill_null(pac.match_substring_regex(texts, pattern), False).to_numpy(zero_copy_only=False)


def _looks_numeric(header: str | None) -> bool:
    """The header is an amount's or a number's in some kind ('Beløb', 'Budget', 'Amount')."""
    if not header:
        return False
    for kind in KINDS.values():
        m = match_header(kind, header)
        if m and kind.field(m[0]).type in _NUMERIC:
            return True
    return False


def _first_text(col: Column, top: int) -> str | None:
    """The first text of the column's first rows that holds no digits run: what stands for its header."""
    for pos in range(top):
        cell = col.values[col.codes[pos]]
        if isinstance(cell, str) and cell.strip() and not _DIGITS.search(cell):
            return cell.strip()
    return None


def _letters(ci: int) -> str:
    """0 -> 'A', 26 -> 'AA': how Excel names a column."""
    out = ""
    ci += 1
    while ci:
        ci, r = divmod(ci - 1, 26)
        out = chr(65 + r) + out
    return out
