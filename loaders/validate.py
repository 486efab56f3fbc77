"""Shaped records -> typed table rows plus the problems of every rejected row.

Parsing is column-wise: each column arrives dictionary-encoded from read.py, each distinct
value is parsed once and the results are spread over the rows with numpy, so a 500k-row sheet
costs a parser call per distinct value, not per cell.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from loaders import parse as P
from loaders.problems import Problem
from loaders.read import Column, spread
from loaders.shape import Shaped

DEFAULT_EUR_DKK = Decimal("7.46")
_PLAIN_NUMBER = re.compile(r"^[\s\d.,\-−+]+$")
_CORDIS_HEADERS = {"ecmaxcontribution", "frameworkprogramme", "totalcost", "eccontribution"}


def eur_rate() -> Decimal:
    """DKK per EUR: env OVERBLIK_EUR_DKK, else the default 7.46."""
    raw = os.environ.get("OVERBLIK_EUR_DKK")
    return Decimal(raw) if raw else DEFAULT_EUR_DKK


_AMOUNT_LIMIT = Decimal(10) ** 16  # DECIMAL(18,2)


def _amount(v: object) -> Decimal | None:
    x = P.parse_amount(v, allow_negative=False)
    if x is not None and abs(x) >= _AMOUNT_LIMIT:
        raise P.ParseError("amount.invalid", v)
    return x


def _yearish(v: object) -> int | None:
    """A start or end given as a year (2024) or as a date (2024-01-01, Excel date)."""
    if isinstance(v, int | float) and not isinstance(v, bool) and 1900 <= float(v) <= 2200:
        return P.parse_year(v)
    if isinstance(v, str) and re.fullmatch(r"\s*\d{4}\s*", v):
        return P.parse_year(v)
    d = P.parse_date(v)
    return d.year if d else None


# Fields a kind cannot do without although no single one is required ("a|b": either will do).
_REQUIRED_SOMEWHERE: dict[str, tuple[str, ...]] = {
    "eu_projects": ("acronym|title", "region"),
    "eu_partners": ("acronym|project_id",),
}

PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": P.clean_text,
    "amount": _amount,
    "number": P.parse_number,
    "int": P.parse_int,
    "year": P.parse_year,
    "date": P.parse_date,
    "yearish": _yearish,
    "period": P.parse_period,
    "bool": P.parse_bool,
    "external": P.parse_external,
    "kind": P.parse_kind,
    "status": P.parse_status,
    "model": P.parse_model,
    "format": P.clean_text,  # resolved together with the host column below
}


# Parsers that read a whole number >= 0 the same from a number cell and from its digits as text
# (tests/loaders/test_columnar.py checks it): for them "1250" needs no second look.
INT_BLIND = frozenset({_amount, P.parse_number, P.parse_int, P.clean_text})


@dataclass
class Validated:
    """Typed rows ready for the table, and what was wrong with the others."""

    kind: str
    table: str
    rows: dict[str, list[Any]]  # table column -> values, accepted rows only
    src_rows: list[int]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)
    fx_rate: Decimal | None = None


def _field_type(kind: str, name: str, ftype: str) -> str:
    if kind == "eu_projects" and name in ("start", "end"):
        return "yearish"
    return ftype


def validate(shaped: Shaped, set_values: dict[str, str] | None = None) -> Validated:
    """Parse and check every record; return accepted rows in table columns and the problems."""
    kind = shaped.kind
    set_values = dict(set_values or {})
    fx_override = set_values.pop("fx_rate", None)
    sheet = shaped.sheet
    n = shaped.n
    rows = shaped.rows
    errors: list[Problem] = list(shaped.problems)
    bad: dict[int, None] = {}  # record index -> rejected (ordered set)
    values: dict[str, list[Any]] = {}
    missing: dict[str, np.ndarray] = {}  # field -> records whose cell is blank and not filled in
    ids: dict[str, np.ndarray | None] = {}  # field -> per record an id of its parsed value

    def err(i: int, code: str, fname: str, value: object = None, **params: object) -> None:
        col = shaped.columns.get(fname, (None, None))[1] or kind.field(fname).label_da
        errors.append(
            Problem(
                code,
                file=sheet.file,
                sheet=sheet.sheet,
                row=rows[i],
                column=col,
                field=fname,
                value=value,
                params=dict(params),
            )
        )
        bad[i] = None

    for f in kind.fields:
        ftype = _field_type(kind.name, f.name, f.type)
        header = shaped.columns[f.name][1] if f.name in shaped.columns else None
        raw, parsed, failed, blank, ids[f.name] = _parse_field(
            shaped, f.name, PARSERS[ftype], set_values.get(f.name), f.name in kind.key
        )
        for i, e in failed:
            err(i, e.code, f.name, raw[i])
        if ftype == "amount" and header:
            mult = P.header_multiplier(header)
            if mult != 1:
                # "Beløb (mio. kr.)": a bare 7,6 means 7,6 mio.; "7,6 mio." already says so.
                parsed = [
                    p * mult
                    if p is not None and (not isinstance(raw[i], str) or _PLAIN_NUMBER.match(raw[i]))
                    else p
                    for i, p in enumerate(parsed)
                ]
                ids[f.name] = None
        values[f.name] = parsed
        values[f.name + "__raw"] = raw
        missing[f.name] = blank

    for f in kind.fields:
        if f.required:
            # A value that failed to parse is already reported; only a blank cell is "required".
            for i in missing[f.name].tolist():
                err(i, "value.required", f.name)

    # A required field with no column, no --set and no section row is one sheet-level error,
    # not the same message on every row.
    for fname in _REQUIRED_SOMEWHERE.get(kind.name, ()) + tuple(f.name for f in kind.fields if f.required):
        alternatives = fname.split("|")
        if any(a in shaped.columns or a in set_values for a in alternatives):
            continue
        if shaped.contexts is not None and any(a in c for a in alternatives for c in shaped.contexts):
            continue
        f0 = kind.field(alternatives[0])
        errors.append(
            Problem(
                "sheet.missing_column",
                file=sheet.file,
                sheet=sheet.sheet,
                row=shaped.header_row,
                field=f0.name,
                params={"field_label": f0.label_da, "example": f0.synonyms[0]},
            )
        )
        return Validated(kind.name, kind.table, {}, [], errors, rejected_rows=set(rows))

    derive = _DERIVE[kind.name]
    fx = Decimal(fx_override) if fx_override else eur_rate()
    table_rows = derive(shaped, values, err, fx)

    # Duplicate natural keys within the file: the second occurrence is the error.
    for i, j in _duplicate_keys(kind.key, table_rows, values, ids, bad, n):
        key = " | ".join(str(table_rows[k][i]) for k in kind.key)
        err(i, "row.duplicate_key", kind.fields[0].name, key, first_row=rows[j], key=key)

    if bad:
        keep = [i for i in range(n) if i not in bad]
        table_rows = {c: [vals[i] for i in keep] for c, vals in table_rows.items()}
        kept_rows = [rows[i] for i in keep]
    else:
        kept_rows = rows
    v = Validated(
        kind.name,
        kind.table,
        table_rows,
        kept_rows,
        errors,
        rejected_rows={rows[i] for i in bad},
        fx_rate=fx if kind.name in ("eu_projects", "eu_partners") else None,
    )
    if shaped.extra:
        # One warning for all of them: a CORDIS export has a dozen columns we keep only as notes.
        v.warnings.append(
            Problem(
                "sheet.ignored_column",
                file=sheet.file,
                sheet=sheet.sheet,
                row=shaped.header_row,
                column=", ".join(h for _, h in shaped.extra),
                severity="warning",
            )
        )
    return v


def _duplicate_keys(
    key: tuple[str, ...],
    table_rows: dict[str, list[Any]],
    values: dict[str, list[Any]],
    ids: dict[str, np.ndarray | None],
    bad: dict[int, None],
    n: int,
) -> list[tuple[int, int]]:
    """(record, the earlier record with the same key) for every repeat, in record order."""
    fields = [next((f for f in ids if values[f] is table_rows[k] and ids[f] is not None), None) for k in key]
    if n and all(f is not None for f in fields):
        # Keys are plain fields: compare value ids column-wise.
        cols = [ids[f] for f in fields]
        ok = np.all([c >= 0 for c in cols], axis=0)
        if bad:
            ok[list(bad)] = False
        pos = np.flatnonzero(ok)
        # One int64 per key: mix the ids column by column, renumbering before they could overflow.
        key = np.zeros(len(pos), dtype=np.int64)
        for c in cols:
            c = c[pos]
            width = int(c.max()) + 1 if len(c) else 1
            if key.max(initial=0) >= (1 << 62) // width:
                key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
            key = key * width + c
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        repeat = np.flatnonzero(first[inverse] != np.arange(len(pos)))
        return [(int(pos[r]), int(pos[first[inverse[r]]])) for r in repeat]
    out = []
    seen: dict[tuple, int] = {}
    for i, kv in enumerate(zip(*(table_rows[k] for k in key), strict=True)):
        if i in bad or any(x is None for x in kv):
            continue
        if kv in seen:
            out.append((i, seen[kv]))
        else:
            seen[kv] = i
    return out


def _same(a: object, b: object) -> bool:
    """Two parse outcomes that mean the same: equal values, or the same error."""
    if isinstance(a, P.ParseError) or isinstance(b, P.ParseError):
        return isinstance(a, P.ParseError) and isinstance(b, P.ParseError) and a.code == b.code
    return type(a) is type(b) and a == b


def _parse_field(
    shaped: Shaped, fname: str, parser: Callable[[Any], Any], fallback: str | None, want_ids: bool = False
) -> tuple[list[Any], list[Any], list[tuple[int, P.ParseError]], np.ndarray, np.ndarray | None]:
    """One field over every record: (cells, parsed values, parse errors, records left blank, value ids).

    Each distinct cell is parsed once; text already clean is not even looked at. A cell whose
    text a number cell could also have given ("1.125": one and an eighth, or Danish for 1125)
    is typed exactly only when the two readings parse differently. Section rows and --set fill
    cells the sheet leaves blank. Equal parsed values share an id (-1: none), for the key check.
    """
    n = shaped.n
    if fname in shaped.columns:
        col = shaped.column(shaped.columns[fname][0])
    else:
        col = Column(
            np.zeros(n, dtype=np.int64), [None], [False], [None], np.ones(1, bool), np.zeros(1, bool)
        )
    todo = range(len(col.values))
    outcome: list[Any] = [None] * len(col.values)
    if parser is P.clean_text:
        outcome = list(col.values)
        todo = np.flatnonzero(~col.clean).tolist()
    unsettled: list[int] = []
    failed_codes: list[int] = []
    for j in todo:
        v = col.values[j]
        res = outcome[j] = _outcome(parser, v)
        if (
            col.ambiguous[j]
            and not (
                parser in INT_BLIND
                and isinstance(v, float)
                and v >= 0
                and v.is_integer()
                and "." not in col.texts[j]
            )
            and not _same(res, _outcome(parser, col.texts[j]))
        ):
            unsettled.append(j)
        if isinstance(res, P.ParseError):
            failed_codes.append(j)
    if unsettled:
        col = shaped.sheet.settle(shaped.columns[fname][0], shaped.idx, col, unsettled)
        for j in range(len(outcome), len(col.values)):
            outcome.append(_outcome(parser, col.values[j]))
            if isinstance(outcome[j], P.ParseError):
                failed_codes.append(j)
    blank = np.flatnonzero(col.blank[col.codes])
    raw = col.tolist()
    if len(outcome) == len(col.values) and all(outcome[j] is col.values[j] for j in todo):
        parsed = list(raw)  # text that was clean already: the same values, no second spread
    else:
        parsed = spread(outcome, col.codes)
    ids = _value_ids(outcome, col.codes, failed_codes) if want_ids else None
    failed = set(np.flatnonzero(np.isin(col.codes, failed_codes)).tolist()) if failed_codes else set()
    if len(blank) and (fallback is not None or shaped.contexts is not None):
        # Fill from the section rows, else --set; parse each filling once.
        fills: dict[tuple[type, object], Any] = {}
        still = []
        ids = None  # rare: the key check takes the slow path
        for i in blank.tolist():
            ctx = shaped.context(i)
            v = ctx[fname] if fname in ctx else fallback
            if P.is_blank(v):
                still.append(i)
                continue
            raw[i] = v
            key = (type(v), v)
            if key not in fills:
                fills[key] = _outcome(parser, v)
            parsed[i] = fills[key]
            if isinstance(parsed[i], P.ParseError):
                failed.add(i)
        blank = np.array(still, dtype=np.int64)
    errors = []
    for i in sorted(failed):
        errors.append((i, parsed[i]))
        parsed[i] = None
    if len(blank):
        blank = blank[np.array([parsed[i] is None for i in blank.tolist()], dtype=bool)]
    return raw, parsed, errors, blank, ids


def _value_ids(outcome: list[Any], codes: np.ndarray, failed: list[int]) -> np.ndarray | None:
    """Per record an id of its parsed value (equal values, equal ids; -1 for none or an error)."""
    try:
        # The first index of each distinct value, built and looked up in C (a key column can
        # hold 500k distinct values).
        first = dict(zip(reversed(outcome), range(len(outcome) - 1, -1, -1), strict=True))
    except TypeError:  # an unhashable value: no ids
        return None
    uid = np.fromiter(map(first.__getitem__, outcome), dtype=np.int64, count=len(outcome))
    none = [first[None]] if None in first else []
    uid[np.isin(uid, none + failed)] = -1
    return uid[codes]


def _outcome(parser: Callable[[Any], Any], v: object) -> Any:
    try:
        return parser(v)
    except P.ParseError as e:
        return e


def _notes(shaped: Shaped, values: dict[str, list[Any]]) -> list[str | None]:
    """The note column plus every column no field claims, as 'Header: value' text."""
    note = values.get("note") or [None] * shaped.n
    if not shaped.extra:
        return list(note)
    extra = []
    for ci, header in shaped.extra:
        col = shaped.column(ci)
        extra.append(
            spread([f"{header}: {t}" if (t := P.clean_text(v)) else None for v in col.values], col.codes)
        )
    out: list[str | None] = []
    for i in range(shaped.n):
        parts = [note[i]] if note[i] else []
        parts += [e[i] for e in extra if e[i]]
        out.append("; ".join(parts) if parts else None)
    return out


Err = Callable[..., None]


def _participants(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    return {
        "person": v["person"],
        "network": v["network"],
        "title": v["title"],
        "organisation": v["organisation"],
        "region": v["region"],
        "is_external": v["is_external"],
        "joined": v["joined"],
        "left_on": v["left_on"],
        "note": _notes(shaped, v),
    }


def _meetings(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    fmt: list[str | None] = []
    for i in range(shaped.n):
        try:
            fmt.append(P.parse_format(v["format"][i], v["host"][i]))
        except P.ParseError as e:
            err(i, e.code, "format", v["format__raw"][i], allowed="fysisk, online, hybrid")
            fmt.append(None)
    kinds = [k or "network_meeting" for k in v["kind"]]
    return {
        "network": v["network"],
        "meeting_date": v["meeting_date"],
        "kind": kinds,
        "number": v["number"],
        "region": v["region"],
        "host": v["host"],
        "theme": v["theme"],
        "format": fmt,
        "duration_hours": v["duration_hours"],
        "attendees": v["attendees"],
        "note": _notes(shaped, v),
    }


def _currency_of_header(header: str | None) -> str | None:
    if not header:
        return None
    return P.detect_currency(header)


def _currency(
    v: dict[str, list[Any]],
    i: int,
    amount_fields: tuple[str, ...],
    header_currency: str | None,
    cordis: bool,
    fx: Decimal,
    err: Err,
) -> tuple[str, Decimal]:
    """The row's currency (column, else the amount text, else the header, else CORDIS = EUR) and its rate."""
    cur = P.clean_text(v["currency"][i]) if v["currency"][i] else None
    if cur:
        cur = P.detect_currency(cur) or cur.upper()
    else:
        for fname in amount_fields:
            raw = v[fname + "__raw"][i]
            if isinstance(raw, str) and P.detect_currency(raw):
                cur = P.detect_currency(raw)
                break
        cur = cur or header_currency or ("EUR" if cordis else "DKK")
    if cur == "EUR":
        return cur, fx
    if cur != "DKK":
        err(i, "enum.invalid", "currency", cur, allowed="DKK, EUR")
    return cur, Decimal(1)


def _header_currency(shaped: Shaped, amount_fields: tuple[str, ...]) -> tuple[str | None, bool]:
    norms = {P.normalise_header(h) for _, h in shaped.columns.values()} | {
        P.normalise_header(h) for _, h in shaped.extra
    }
    found = None
    for fname in amount_fields:
        if fname in shaped.columns:
            found = found or _currency_of_header(shaped.columns[fname][1])
    return found, bool(norms & _CORDIS_HEADERS)


def _eu_partners(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    amounts = ("eu_contribution", "total_cost")
    header_currency, cordis = _header_currency(shaped, amounts)
    out: dict[str, list[Any]] = {k: [] for k in (
        "project_key", "organisation", "acronym", "project_id", "country", "role", "activity_type",
        "eu_contribution_dkk", "total_cost_dkk", "currency", "fx_rate", "note",
    )}  # fmt: skip
    notes = _notes(shaped, v)
    for i in range(shaped.n):
        cur, rate = _currency(v, i, amounts, header_currency, cordis, fx, err)
        acronym, pid = v["acronym"][i], v["project_id"][i]
        if not acronym and not pid:
            err(i, "value.required", "acronym")
        out["project_key"].append(pid or acronym)
        for f in ("organisation", "acronym", "project_id", "country", "role", "activity_type"):
            out[f].append(v[f][i])
        for f in amounts:
            x = v[f][i]
            out[f + "_dkk"].append(None if x is None else (x * rate).quantize(Decimal("0.01")))
        out["currency"].append(cur)
        out["fx_rate"].append(rate)
        out["note"].append(notes[i])
    return out


def _eu_projects(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    n = shaped.n
    header_currency, cordis = _header_currency(shaped, ("total_budget", "eu_contribution", "region_share"))
    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "project_key",
            "region",
            "acronym",
            "title",
            "programme",
            "action_type",
            "total_budget_dkk",
            "eu_contribution_dkk",
            "region_share_dkk",
            "currency",
            "fx_rate",
            "start_year",
            "end_year",
            "lead_partner",
            "lead_country",
            "partners",
            "local_units",
            "note",
        )
    }
    notes = _notes(shaped, v)
    for i in range(n):
        start, end = v["period"][i] if v["period"][i] else (None, None)
        start = v["start"][i] if v["start"][i] is not None else start
        end = v["end"][i] if v["end"][i] is not None else end
        if start is not None and end is not None and end < start:
            err(
                i,
                "period.reversed",
                "end" if "end" in shaped.columns else "period",
                v["end__raw"][i] or v["period__raw"][i],
            )
        cur, rate = _currency(
            v, i, ("total_budget", "eu_contribution", "region_share"), header_currency, cordis, fx, err
        )

        def dkk(x: Decimal | None, rate: Decimal = rate) -> Decimal | None:
            return None if x is None else (x * rate).quantize(Decimal("0.01"))

        acronym, title, lead = v["acronym"][i], v["title"][i], v["lead_partner"][i]
        if not acronym and not title:
            err(i, "value.required", "title")
        key = acronym or f"{title}|{start or ''}|{lead or ''}"
        if v["region"][i] is None:
            err(i, "value.required", "region")
        notes_i = notes[i]
        if v["cofinancing_rate"][i] is not None:
            rate_note = f"Medfinansieringssats: {v['cofinancing_rate'][i]} %"
            notes_i = f"{notes_i}; {rate_note}" if notes_i else rate_note
        out["project_key"].append(key)
        out["region"].append(v["region"][i])
        out["acronym"].append(acronym)
        out["title"].append(title)
        out["programme"].append(v["programme"][i])
        out["action_type"].append(v["action_type"][i])
        out["total_budget_dkk"].append(dkk(v["total_budget"][i]))
        out["eu_contribution_dkk"].append(dkk(v["eu_contribution"][i]))
        out["region_share_dkk"].append(dkk(v["region_share"][i]))
        out["currency"].append(cur)
        out["fx_rate"].append(rate)
        out["start_year"].append(start)
        out["end_year"].append(end)
        out["lead_partner"].append(lead)
        out["lead_country"].append(v["lead_country"][i])
        out["partners"].append(v["partners"][i])
        out["local_units"].append(v["local_units"][i])
        out["note"].append(notes_i)
    return out


def _pools(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    for i in range(shaped.n):
        lo, hi = v["band_min"][i], v["band_max"][i]
        if lo is not None and hi is not None and hi < lo:
            err(i, "period.reversed", "band_max", v["band_max__raw"][i])
    return {
        "pool": v["pool"],
        "year": v["year"],
        "region": v["region"],
        "model": v["model"],
        "added_dkk": v["added"],
        "band_min_dkk": v["band_min"],
        "band_max_dkk": v["band_max"],
        "note": _notes(shaped, v),
    }


def _allocations(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    return {
        "pool": v["pool"],
        "year": v["year"],
        "project": v["project"],
        "recipient": v["recipient"],
        "amount_dkk": v["amount"],
        "status": v["status"],
        "decided_on": v["decided_on"],
        "reference": v["reference"],
        "note": _notes(shaped, v),
    }


def _networks(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    kinds = []
    for k in v["kind"]:
        t = (k or "").casefold()
        kinds.append(
            "committee"
            if "udvalg" in t or "committee" in t
            else "project"
            if "projekt" in t or "project" in t
            else "network"
            if k
            else None
        )
    return {
        "network": v["network"],
        "region": v["region"],
        "theme": v["theme"],
        "kind": kinds,
        "leader": v["leader"],
        "facilitator": v["facilitator"],
        "started": v["started"],
        "ended": v["ended"],
        "cadence_months": v["cadence_months"],
        "note": _notes(shaped, v),
    }


def _org_aliases(shaped: Shaped, v: dict[str, list[Any]], err: Err, fx: Decimal) -> dict[str, list[Any]]:
    sectors = []
    for i, s in enumerate(v["sector"]):
        sectors.append(
            _sector(
                s,
                lambda code, i=i: err(
                    i, code, "sector", v["sector__raw"][i], allowed=", ".join(_SECTOR_WORDS)
                ),
            )
        )
    return {"alias": v["alias"], "canonical": v["canonical"], "sector": sectors}


_SECTOR_WORDS = {
    "hospital": "hospital",
    "sygehus": "hospital",
    "regionaladministration": "regional_administration",
    "regional administration": "regional_administration",
    "administration": "regional_administration",
    "universitet": "university",
    "university": "university",
    "vidensinstitution": "university",
    "virksomhed": "company",
    "company": "company",
    "erhverv": "company",
    "offentlig myndighed": "public_agency",
    "myndighed": "public_agency",
    "public agency": "public_agency",
    "andet": "other",
    "other": "other",
}


def _sector(value: str | None, on_error: Callable[[str], None]) -> str | None:
    if not value:
        return None
    t = value.strip().casefold().replace("_", " ")
    if t.replace(" ", "_") in _SECTOR_WORDS.values():
        return t.replace(" ", "_")
    if t in _SECTOR_WORDS:
        return _SECTOR_WORDS[t]
    on_error("enum.invalid")
    return None


_DERIVE = {
    "participants": _participants,
    "meetings": _meetings,
    "eu_projects": _eu_projects,
    "eu_partners": _eu_partners,
    "pools": _pools,
    "allocations": _allocations,
    "networks": _networks,
    "org_aliases": _org_aliases,
}
