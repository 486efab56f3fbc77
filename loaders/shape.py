"""From a raw grid to records: find the header row and the sheet kind, skip what is not data.

Staff sheets have title rows above the header, blank rows, a header repeated on every printed
page, totals rows ("I alt") and section rows ("Eksterne" before the external members). This
module turns such a grid into data records with the context the section rows give them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac

from loaders.kinds import KINDS, LOAD_ORDER, Field, Kind
from loaders.parse import clean_text, header_parts, normalise_header
from loaders.problems import Problem
from loaders.read import Column, RawSheet

HEADER_SEARCH_ROWS = 20
_TOTAL = re.compile(r"^\s*(i\s*alt|total[t]?|sum|summa|in\s+total|grand\s+total|samlet|totalt)\b", re.I)
_SPLIT = re.compile(r"[\n\r/()\[\],;]+")
_EXTERNAL = {"eksterne", "ekstern", "eksternemedlemmer", "eksternedeltagere", "external", "externalmembers"}
_INTERNAL = {"interne", "intern", "internemedlemmer", "internedeltagere", "internal", "internalmembers"}
_REGION = re.compile(r"^(region\s+\S.*|nationalt|national)$", re.I)
_NETWORK_WORDS = re.compile(r"(netværk|network|udvalg|committee)", re.I)


@dataclass
class Shaped:
    """A sheet whose header and kind are known, and which of its rows are data records."""

    sheet: RawSheet
    kind: Kind
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (cell index, header as written)
    extra: list[tuple[int, str]]  # columns no field claims: kept as notes
    idx: np.ndarray  # the records: positions among the sheet's non-blank rows
    skipped: list[tuple[int, str]]  # (row, reason) for totals, repeated headers and section rows
    problems: list[Problem]
    contexts: list[dict[str, object]] | None = None  # per record, what section rows above it said

    @property
    def n(self) -> int:
        """How many records."""
        return len(self.idx)

    @property
    def rows(self) -> list[int]:
        """Each record's row number as Excel shows it."""
        return self.sheet.row_numbers[self.idx].tolist()

    def context(self, i: int) -> dict[str, object]:
        """What section rows above record i said about it."""
        return self.contexts[i] if self.contexts is not None else {}

    def column(self, ci: int) -> Column:
        """Column ci over the records, dictionary-encoded."""
        return self.sheet.column(ci, self.idx)


def _synonyms(f: Field) -> set[str]:
    return {normalise_header(s) for s in f.synonyms}


_SYN: dict[tuple[str, str], set[str]] = {
    (k.name, f.name): _synonyms(f) for k in KINDS.values() for f in k.fields
}


def _parts(header: str) -> list[str]:
    """Whole header first, then its halves: bilingual, trilingual, parenthesised."""
    out = list(header_parts(header))
    for piece in _SPLIT.split(header):
        n = normalise_header(piece)
        if n and n not in out:
            out.append(n)
    return out


def match_header(kind: Kind, header: str) -> tuple[str, int] | None:
    """The field a header cell means in this kind, with a match quality (3 whole, 2 part, 1 prefix)."""
    parts = _parts(header)
    if not parts or not parts[0]:
        return None
    best: tuple[str, int] | None = None
    for f in kind.fields:
        syn = _SYN[(kind.name, f.name)]
        if parts[0] in syn:
            q = 3
        elif any(p in syn for p in parts[1:]):
            q = 2
        elif any(len(s) >= 10 and p.startswith(s) for p in parts for s in syn):
            q = 1
        else:
            continue
        if best is None or q > best[1]:
            best = (f.name, q)
    return best


def _map_row(
    kind: Kind, cells: list[object]
) -> tuple[dict[str, list[tuple[int, str, int]]], list[tuple[int, str]]]:
    claims: dict[str, list[tuple[int, str, int]]] = {}
    extra: list[tuple[int, str]] = []
    for i, c in enumerate(cells):
        text = clean_text(c) if isinstance(c, str) else None
        if not text:
            continue
        m = match_header(kind, c)  # type: ignore[arg-type]
        if m:
            claims.setdefault(m[0], []).append((i, text, m[1]))
        else:
            extra.append((i, text))
    return claims, extra


def _score(kind: Kind, claims: dict[str, list[tuple[int, str, int]]]) -> tuple[int, int, int]:
    required = sum(1 for f in kind.fields if f.required and f.name in claims)
    quality = sum(max(q for _, _, q in v) for v in claims.values())
    return (len(claims), required, quality)


def find_header(sheet: RawSheet, kind: Kind | None = None) -> tuple[int, Kind] | None:
    """The position among the sheet's non-blank rows of the header row and the kind it reveals, or None."""
    kinds = [kind] if kind else [KINDS[k] for k in LOAD_ORDER]
    best: tuple[tuple[int, int, int], int, Kind] | None = None
    for idx in range(min(sheet.n, HEADER_SEARCH_ROWS)):
        cells = sheet.row(idx)
        texts = [c for c in cells if isinstance(c, str) and c.strip()]
        if len(texts) < 2:
            continue
        for k in kinds:
            claims, _ = _map_row(k, cells)
            score = _score(k, claims)
            needed = 1 if kind else 2
            if score[0] < needed:
                continue
            if not kind and k.identify and not any(f in claims for f in k.identify):
                continue  # "Country" and a cost column do not make a budget an EU project list
            if best is None or score > best[0]:
                best = (score, idx, k)
    return (best[1], best[2]) if best else None


_TOTAL_CELL = re.compile(r"^\s*(i\s*alt|total[t]?|sum|in\s+total|grand\s+total|totaler?)\s*:?\s*$", re.I)


def _is_total(cells: list[object]) -> bool:
    """'I alt' leading the row, or a cell that says only 'TOTAL' anywhere (budget sheets put it right)."""
    for c in cells[:3]:
        if isinstance(c, str) and c.strip():
            if _TOTAL.match(c):
                return True
            break
    return any(isinstance(c, str) and _TOTAL_CELL.match(c) for c in cells)


def _section(text: str, kind: Kind) -> dict[str, object] | None:
    """What a one-cell row between data rows says about the rows that follow, if anything."""
    n = normalise_header(text)
    names = {f.name for f in kind.fields}
    if "is_external" in names:
        if n in _EXTERNAL:
            return {"is_external": True}
        if n in _INTERNAL:
            return {"is_external": False}
    if "region" in names and _REGION.match(text.strip()):
        return {"region": clean_text(text)}
    if "network" in names and _NETWORK_WORDS.search(text):
        return {"network": clean_text(text)}
    return None


# Every cell _TOTAL or _TOTAL_CELL matches starts like this (RE2 has no Unicode \\s: Python's spaces
# are spelled out); the exact test is _is_total, on these rows only.
_SP = r"[\s\x0b\x1c-\x1f\x85\p{Z}]"
_TOTAL_HINT = rf"^{_SP}*(i{_SP}*alt|total|sum|samlet|in{_SP}+total|grand{_SP}+total)"
_NOT_ALNUM = r"[^\p{L}\p{N}]"


def _text_mask(col: object, pattern: str) -> np.ndarray:
    return pac.fill_null(pac.match_substring_regex(col, pattern, ignore_case=True), False).to_numpy(
        zero_copy_only=False
    )


def _per_value(col: pa.Array, test: Callable[[pa.Array], np.ndarray]) -> np.ndarray:
    """test(col) computed once per distinct value (a pool or status column has a handful)."""
    enc = col.dictionary_encode()
    if len(enc.dictionary) * 4 > len(col):
        return test(col)
    mask = np.append(test(enc.dictionary), False)
    return mask[enc.indices.fill_null(len(enc.dictionary)).to_numpy(zero_copy_only=False)]


def _header_like(col: object, norm: str) -> np.ndarray:
    """Rows whose cell may normalise to norm: equal for plain ASCII text, a similar length otherwise."""
    kept = pac.replace_substring_regex(pac.utf8_lower(col), _NOT_ALNUM, "")
    same = pac.fill_null(pac.equal(kept, norm), False).to_numpy(zero_copy_only=False)
    other = pac.and_(
        pac.invert(pac.string_is_ascii(col)),
        pac.less_equal(pac.abs(pac.subtract(pac.utf8_length(kept), len(norm))), 2 + len(norm) // 4),
    )
    return same | pac.fill_null(other, False).to_numpy(zero_copy_only=False)


def shape(sheet: RawSheet, kind: Kind | None = None) -> Shaped | None:
    """Find header and kind and split the rows into records, skipped rows and problems; None if no header.

    Rows are told apart column-wise: only rows that might be a total, a repeated header or a
    section row (a handful in a sheet of any size) are looked at one by one.
    """
    found = find_header(sheet, kind)
    if found is None:
        return None
    idx, k = found
    header_row, header_cells = int(sheet.row_numbers[idx]), sheet.row(idx)
    claims, extra = _map_row(k, header_cells)
    problems: list[Problem] = []
    columns: dict[str, tuple[int, str]] = {}
    for fname, cols in claims.items():
        strong = [c for c in cols if c[2] >= 2] or cols
        if len(strong) > 1:
            f = k.field(fname)
            problems.append(
                Problem(
                    "sheet.duplicate_column",
                    file=sheet.file,
                    sheet=sheet.sheet,
                    row=header_row,
                    column=strong[0][1],
                    field=fname,
                    params={"other": strong[1][1], "field_label": f.label_da},
                )
            )
        columns[fname] = (strong[0][0], strong[0][1])
        extra.extend((i, t) for i, t, q in cols if (i, t, q) not in strong)
    header_norm = [normalise_header(c) if isinstance(c, str) else "" for c in header_cells]
    first_col = min([i for i, _ in columns.values()] + [i for i, _ in extra], default=0)
    # A repeated header row repeats the first header cell: only such rows are compared in full.
    probe = next((i for i, h in enumerate(header_norm) if h), None)

    start = idx + 1
    texts = sheet.text_columns(start)
    m = sheet.n - start
    filled = np.zeros(m, dtype=np.int64)
    first = np.full(m, len(texts), dtype=np.int64)
    maybe = np.zeros(m, dtype=bool)
    for j, col in enumerate(texts):
        f = pac.fill_null(pac.not_equal(pac.utf8_trim_whitespace(col), ""), False).to_numpy(
            zero_copy_only=False
        )
        filled += f
        first = np.where(f & (first == len(texts)), j, first)
        maybe |= _per_value(col, lambda c: _text_mask(c, _TOTAL_HINT))
        if j == probe:
            maybe |= _per_value(col, lambda c, h=header_norm[probe]: _header_like(c, h))
    maybe |= (filled == 1) & (first <= first_col)
    maybe &= filled > 0

    skipped: list[tuple[int, str]] = []
    is_record = filled > 0
    segments: list[tuple[int, dict[str, object]]] = [(0, {})]  # (first position, context)
    seen_external_section = False
    for pos in np.flatnonzero(maybe).tolist():
        row_no = int(sheet.row_numbers[start + pos])
        cells = sheet.row(start + pos)
        if _is_total(cells):
            skipped.append((row_no, "total"))
            is_record[pos] = False
            continue
        if (
            probe is not None
            and probe < len(cells)
            and isinstance(cells[probe], str)
            and normalise_header(cells[probe]) == header_norm[probe]
        ):
            norm = [normalise_header(c) if isinstance(c, str) else "" for c in cells]
            if norm[: len(header_norm)] == header_norm[: len(norm)]:
                skipped.append((row_no, "repeated_header"))
                is_record[pos] = False
                continue
        if filled[pos] == 1 and first[pos] <= first_col and isinstance(cells[first[pos]], str):
            sec = _section(cells[first[pos]], k)  # type: ignore[arg-type]
            if sec is not None:
                if "is_external" in sec and not seen_external_section:
                    seen_external_section = True
                    # Rows above the first "Eksterne" row are the internal members.
                    for _, ctx in segments:
                        ctx.setdefault("is_external", False)
                segments.append((pos, {**segments[-1][1], **sec}))  # a new dict: earlier records keep theirs
                skipped.append((row_no, "section"))
                is_record[pos] = False
    positions = np.flatnonzero(is_record)
    contexts = None
    if len(segments) > 1 or segments[0][1]:
        # Records share one context dict per section (a 500k-row sheet would otherwise hold 500k dicts).
        starts = np.array([p for p, _ in segments])
        which = np.searchsorted(starts, positions, side="right") - 1
        dicts = [d for _, d in segments]
        contexts = [dicts[w] for w in which.tolist()]
    return Shaped(sheet, k, header_row, columns, extra, positions + start, skipped, problems, contexts)
