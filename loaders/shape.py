"""From a raw grid to records: find the header row and the sheet kind, skip what is not data.

Staff sheets have title rows above the header, blank rows, a header repeated on every printed
page, totals rows ("I alt") and section rows ("Eksterne" before the external members). This
module turns such a grid into data records with the context the section rows give them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from loaders.kinds import KINDS, LOAD_ORDER, Field, Kind
from loaders.parse import clean_text, header_parts, normalise_header
from loaders.problems import Problem
from loaders.read import RawSheet

HEADER_SEARCH_ROWS = 20
_TOTAL = re.compile(r"^\s*(i\s*alt|total[t]?|sum|summa|in\s+total|grand\s+total|samlet|totalt)\b", re.I)
_SPLIT = re.compile(r"[\n\r/()\[\],;]+")
_EXTERNAL = {"eksterne", "ekstern", "eksternemedlemmer", "eksternedeltagere", "external", "externalmembers"}
_INTERNAL = {"interne", "intern", "internemedlemmer", "internedeltagere", "internal", "internalmembers"}
_REGION = re.compile(r"^(region\s+\S.*|nationalt|national)$", re.I)
_NETWORK_WORDS = re.compile(r"(netværk|network|udvalg|committee)", re.I)


@dataclass
class Record:
    """One data row: its row number, its cells, and what section rows above it said."""

    row: int
    cells: list[object]
    context: dict[str, object] = field(default_factory=dict)


@dataclass
class Shaped:
    """A sheet whose header and kind are known."""

    sheet: RawSheet
    kind: Kind
    header_row: int
    columns: dict[str, tuple[int, str]]  # field -> (cell index, header as written)
    extra: list[tuple[int, str]]  # columns no field claims: kept as notes
    records: list[Record]
    skipped: list[tuple[int, str]]  # (row, reason) for totals and repeated headers
    problems: list[Problem]


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
    """The index in sheet.rows of the header row and the kind it reveals, or None."""
    kinds = [kind] if kind else [KINDS[k] for k in LOAD_ORDER]
    best: tuple[tuple[int, int, int], int, Kind] | None = None
    for idx, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
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


def shape(sheet: RawSheet, kind: Kind | None = None) -> Shaped | None:
    """Find header and kind and split the rows into records, skipped rows and problems; None if no header."""
    found = find_header(sheet, kind)
    if found is None:
        return None
    idx, k = found
    header_row, header_cells = sheet.rows[idx]
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

    records: list[Record] = []
    skipped: list[tuple[int, str]] = []
    context: dict[str, object] = {}
    seen_external_section = False
    for row_no, cells in sheet.rows[idx + 1 :]:
        filled = [
            (i, c)
            for i, c in enumerate(cells)
            if c is not None and not (isinstance(c, str) and not c.strip())
        ]
        if not filled:
            continue
        if _is_total(cells):
            skipped.append((row_no, "total"))
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
                continue
        if len(filled) == 1 and filled[0][0] <= first_col and isinstance(filled[0][1], str):
            sec = _section(filled[0][1], k)
            if sec is not None:
                if "is_external" in sec and not seen_external_section:
                    seen_external_section = True
                    # Rows above the first "Eksterne" row are the internal members.
                    for r in records:
                        r.context.setdefault("is_external", False)
                context = {**context, **sec}  # a new dict: earlier records keep theirs
                skipped.append((row_no, "section"))
                continue
        # Records share the reader's cell list and one context dict per section (a 500k-row sheet
        # otherwise holds a million extra lists and dicts).
        records.append(Record(row_no, cells, context))
    return Shaped(sheet, k, header_row, columns, extra, records, skipped, problems)
