"""From a raw grid to records: find the header row and the sheet kind, say what every other row is.

Staff sheets have title rows above the header, blank rows, a header repeated on every printed
page, totals rows ("I alt") and section rows ("Eksterne" before the external members). This
module turns such a grid into data records, each with the context its section rows give it,
and a reason for every row that is not a record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pac

from loaders.kinds import KINDS, LOAD_ORDER, Field, Kind
from loaders.parse import clean_text, header_parts, normalise_header
from loaders.problems import Problem
from loaders.read import Column, RawSheet
from translations import LANGS

HEADER_SEARCH_ROWS = 20
_SPLIT = re.compile(r"[\n\r/()\[\],;]+")
_EXTERNAL = {"eksterne", "ekstern", "eksternemedlemmer", "eksternedeltagere", "external", "externalmembers"}
_INTERNAL = {"interne", "intern", "internemedlemmer", "internedeltagere", "internal", "internalmembers"}
_REGION = re.compile(r"^(region\s+\S.*|nationalt|national)$", re.I)
_NETWORK_WORDS = re.compile(r"(netværk|network|udvalg|committee)", re.I)
# A totals row says only this, with an optional colon, in one cell ("I alt", "TOTAL", "Sum:").
# "Samlet pulje for sundhed" and "Sum-IT puljen" are names, not totals.
_TOTAL_WORDS = r"i\s*alt|total|totalt|totaler|sum|summa|samlet|in\s+total|grand\s+total|hovedtotal|subtotal"
_TOTAL_CELL = re.compile(rf"^\s*({_TOTAL_WORDS})\s*:?\s*$", re.I)
_TOTAL_ARROW = rf"(?i)^[\s\x{{a0}}]*({_TOTAL_WORDS})[\s\x{{a0}}]*:?[\s\x{{a0}}]*$"
_NOT_ALNUM = r"[^\p{L}\p{N}]"


@dataclass
class Skip:
    """A row below or above the header that is not a record, and why."""

    row: int
    reason: str  # title | total | repeated_header | section
    text: str | None = None


@dataclass
class Section:
    """A one-cell row that says something about the records below it ("Eksterne")."""

    row: int
    text: str
    sets: dict[str, object]
    records: int = 0  # how many records it applies to


@dataclass
class Total:
    """A totals row, and the records above it whose amounts it should add up."""

    row: int
    pos: int  # its position among the sheet's non-blank rows
    label: str
    since: int  # first record after the previous totals row
    upto: int  # records before this row


@dataclass
class Shaped:
    """A sheet whose header and kind are known; every row below the header is a record or a Skip."""

    sheet: RawSheet
    kind: Kind
    header_row: int
    header_pos: int
    columns: dict[str, tuple[int, str]]  # field -> (cell index, header as written)
    unused: list[tuple[int, str]]  # columns no field claims: reported, never stored
    idx: np.ndarray  # the records: positions among the sheet's non-blank rows
    skipped: list[Skip]
    problems: list[Problem]
    sections: list[Section] = field(default_factory=list)
    totals: list[Total] = field(default_factory=list)
    contexts: list[dict[str, object]] | None = None  # per record, what section rows above it said
    dropped: set[int] = field(default_factory=set)  # columns a field claimed but that hold no such values

    @property
    def n(self) -> int:
        """How many records."""
        return len(self.idx)

    @property
    def rows(self) -> np.ndarray:
        """Each record's row number as Excel shows it."""
        return self.sheet.row_numbers[self.idx]

    @property
    def rows_below_header(self) -> int:
        """Non-blank rows below the header: each is loaded, rejected or skipped, with a reason."""
        return self.sheet.n - self.header_pos - 1

    @property
    def blank_rows(self) -> int:
        """Empty rows between the header and the last row (reported, never data)."""
        rows = self.sheet.row_numbers[self.header_pos :]
        return int(rows[-1] - rows[0] + 1 - len(rows)) if len(rows) else 0

    def context(self, i: int) -> dict[str, object]:
        """What section rows above record i said about it."""
        return self.contexts[i] if self.contexts is not None else {}

    def column(self, ci: int) -> Column:
        """Column ci over the records only."""
        col = self.sheet.columns[ci]
        return Column(col.codes[self.idx], col.values, col.texts, col.blank, col.clean, col.is_text)

    def drop_column(self, fname: str) -> None:
        """Treat a field's column as one no field claims (a 'Møde' column of labels, not numbers)."""
        ci, header = self.columns.pop(fname)
        self.unused.append((ci, header))
        self.dropped.add(ci)


def _synonyms(f: Field) -> set[str]:
    """The headers that mean f: its synonyms, and its label in every language (a template or a
    download in English comes back with English headers, "Region's share", "Amount added")."""
    return {normalise_header(s) for s in f.synonyms} | {normalise_header(f.label_in(lang)) for lang in LANGS}


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
    unused: list[tuple[int, str]] = []
    for i, c in enumerate(cells):
        text = clean_text(c) if isinstance(c, str) else None
        if not text:
            continue
        m = match_header(kind, c)  # type: ignore[arg-type]
        if m:
            claims.setdefault(m[0], []).append((i, text, m[1]))
        else:
            unused.append((i, text))
    return claims, unused


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


def _value_mask(col: Column, per_value: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """A test computed once per distinct cell, spread over the rows idx."""
    return per_value[col.codes[idx]]


def _text_test(texts: pa.Array, pattern: str) -> np.ndarray:
    return pac.fill_null(pac.match_substring_regex(texts, pattern), False).to_numpy(zero_copy_only=False)


def _header_like(texts: pa.Array, norm: str) -> np.ndarray:
    """Cells that may normalise to norm: equal for plain ASCII text, a similar length otherwise."""
    kept = pac.replace_substring_regex(pac.utf8_lower(texts), _NOT_ALNUM, "")
    same = pac.fill_null(pac.equal(kept, norm), False).to_numpy(zero_copy_only=False)
    other = pac.and_(
        pac.invert(pac.string_is_ascii(texts)),
        pac.less_equal(pac.abs(pac.subtract(pac.utf8_length(kept), len(norm))), 2 + len(norm) // 4),
    )
    return same | pac.fill_null(other, False).to_numpy(zero_copy_only=False)


def _key_columns(kind: Kind, columns: dict[str, tuple[int, str]]) -> list[int]:
    """The cell indices of the fields a key is made of (acronym or title stand for a project key)."""
    names = set(kind.key) | {f.name for f in kind.required}
    if kind.synthetic_key or "project_key" in kind.key:
        names |= {"acronym", "title", "project_id", "organisation"}
    return [ci for f, (ci, _) in columns.items() if f in names]


def shape(sheet: RawSheet, kind: Kind | None = None) -> Shaped | None:
    """Find header and kind and split the rows into records and skipped rows; None if no header.

    Rows are told apart column-wise: only rows that might be a total, a repeated header or a
    section row (a handful in a sheet of any size) are looked at one by one.
    """
    found = find_header(sheet, kind)
    if found is None:
        return None
    hpos, k = found
    header_row, header_cells = int(sheet.row_numbers[hpos]), sheet.row(hpos)
    claims, unused = _map_row(k, header_cells)
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
                    params={"other": strong[1][1], "field_label": f.label},
                )
            )
        columns[fname] = (strong[0][0], strong[0][1])
        unused.extend((i, t) for i, t, q in cols if (i, t, q) not in strong)
    skipped = [Skip(int(sheet.row_numbers[p]), "title", _first_text(sheet.row(p))) for p in range(hpos)]
    header_norm = [normalise_header(c) if isinstance(c, str) else "" for c in header_cells]
    first_col = min([i for i, _ in columns.values()] + [i for i, _ in unused], default=0)
    # A repeated header row repeats the first header cell: only such rows are compared in full.
    probe = next((i for i, h in enumerate(header_norm) if h), None)
    key_cols = _key_columns(k, columns)

    start = hpos + 1
    below = np.arange(start, sheet.n)
    m = len(below)
    filled = np.zeros(m, dtype=np.int64)
    first = np.full(m, sheet.width, dtype=np.int64)
    maybe = np.zeros(m, dtype=bool)
    for j, col in enumerate(sheet.columns):
        f = ~_value_mask(col, col.blank, below)
        filled += f
        first = np.where(f & (first == sheet.width), j, first)
        maybe |= _value_mask(col, _text_test(col.texts, _TOTAL_ARROW), below)
        if j == probe:
            maybe |= _value_mask(col, _header_like(col.texts, header_norm[probe]), below)
    maybe |= (filled == 1) & (first <= first_col)
    maybe &= filled > 0

    is_record = filled > 0
    segments: list[tuple[int, dict[str, object]]] = [(0, {})]  # (first position, context)
    sections: list[Section] = []
    total_pos: list[tuple[int, str]] = []
    seen_external_section = False
    for pos in np.flatnonzero(maybe).tolist():
        row_no = int(sheet.row_numbers[start + pos])
        cells = sheet.row(start + pos)
        label = _total_label(cells, key_cols)
        if label is not None:
            skipped.append(Skip(row_no, "total", label))
            is_record[pos] = False
            total_pos.append((pos, label))
            continue
        if (
            probe is not None
            and probe < len(cells)
            and isinstance(cells[probe], str)
            and normalise_header(cells[probe]) == header_norm[probe]
        ):
            norm = [normalise_header(c) if isinstance(c, str) else "" for c in cells]
            if norm[: len(header_norm)] == header_norm[: len(norm)]:
                skipped.append(Skip(row_no, "repeated_header", _first_text(cells)))
                is_record[pos] = False
                continue
        if filled[pos] == 1 and first[pos] <= first_col and isinstance(cells[first[pos]], str):
            text = cells[first[pos]]
            sec = _section(text, k)  # type: ignore[arg-type]
            if sec is not None:
                if "is_external" in sec and not seen_external_section:
                    seen_external_section = True
                    # Rows above the first "Eksterne" row are the internal members.
                    for _, ctx in segments:
                        ctx.setdefault("is_external", False)
                segments.append((pos, {**segments[-1][1], **sec}))  # a new dict: earlier records keep theirs
                sections.append(Section(row_no, clean_text(text) or "", sec))
                skipped.append(Skip(row_no, "section", clean_text(text)))
                is_record[pos] = False
    positions = np.flatnonzero(is_record)
    contexts = None
    if len(segments) > 1 or segments[0][1]:
        # Records share one context dict per section (a 500k-row sheet would otherwise hold 500k dicts).
        starts = np.array([p for p, _ in segments])
        which = np.searchsorted(starts, positions, side="right") - 1
        dicts = [d for _, d in segments]
        contexts = [dicts[w] for w in which.tolist()]
        counts = np.bincount(which, minlength=len(segments))
        for s, c in zip(sections, counts[1:].tolist(), strict=True):
            s.records = int(c)
    totals = []
    previous = 0
    for pos, label in total_pos:
        upto = int(np.searchsorted(positions, pos))
        totals.append(Total(int(sheet.row_numbers[start + pos]), start + pos, label, previous, upto))
        previous = upto
    skipped.sort(key=lambda s: s.row)
    return Shaped(
        sheet,
        k,
        header_row,
        hpos,
        columns,
        unused,
        positions + start,
        skipped,
        problems,
        sections,
        totals,
        contexts,
    )


def _first_text(cells: list[object]) -> str | None:
    return next((clean_text(c) for c in cells if clean_text(c)), None)


def _total_label(cells: list[object], key_cols: list[int]) -> str | None:
    """The label of a totals row: one cell says only 'I alt' (or 'Total', 'Sum', ...), and the key
    columns are empty but for that cell. None for any other row."""
    label_at = next(
        (i for i, c in enumerate(cells) if isinstance(c, str) and _TOTAL_CELL.match(c)),
        None,
    )
    if label_at is None:
        return None
    for ci in key_cols:
        if ci != label_at and ci < len(cells) and clean_text(cells[ci]) is not None:
            return None
    return clean_text(cells[label_at])
