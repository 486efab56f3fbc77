"""Shaped records -> a typed Arrow table in the store's columns, and a reason for every row left out.

Parsing is column-wise: each column arrives dictionary-encoded from read.py, each distinct cell
is parsed once and the results stay dictionary-encoded until the Arrow table is built, so a
500k-row sheet costs a parser call per distinct value, not per cell. The generic engine lives
here; what is particular to a kind (a project's key, a meeting's format) is in loaders/kinds/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from loaders import parse as P
from loaders.problems import Problem
from loaders.read import spread
from loaders.shape import Section, Shaped, Skip
from store.tables import TABLES

if TYPE_CHECKING:
    from loaders.kinds.spec import Field, Kind

DEFAULT_EUR_DKK = Decimal("7.46")
_AMOUNT_LIMIT = Decimal(10) ** 16  # DECIMAL(18,2)
_PLAIN_NUMBER = re.compile(r"^[\s\d.,\-−+]+$")
_CORDIS_HEADERS = {"ecmaxcontribution", "frameworkprogramme", "totalcost", "eccontribution"}


def eur_rate() -> Decimal:
    """DKK per EUR: env OVERBLIK_EUR_DKK, else the default 7.46."""
    raw = os.environ.get("OVERBLIK_EUR_DKK")
    return Decimal(raw) if raw else DEFAULT_EUR_DKK


def _yearish(v: object) -> int | None:
    """A start or end given as a year (2024) or as a date (2024-01-01, an Excel date)."""
    if isinstance(v, str) and P.is_unknown(v):
        return None
    try:
        return P.parse_year(v)
    except P.ParseError:
        pass
    try:
        d = P.parse_date(v)
    except P.ParseError:
        raise P.ParseError("year.invalid", v) from None
    return d.year if d else None


PARSERS: dict[str, Callable[[Any], Any]] = {
    "text": P.clean_text,
    "amount": lambda v: P.parse_amount(v, allow_negative=False),
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
    "format": P.clean_text,  # resolved together with the host column by the meetings rules
}


def parse_setting(f: Field, text: str) -> Any:
    """A value given for the whole sheet (--set, or chosen on the data page), parsed as the field's
    cells are; ParseError when it cannot be read."""
    value = PARSERS[f.type](text)
    if f.type == "amount" and value is not None:
        value = P.round_cents(value)
    return value


@dataclass
class Col:
    """A field over every record, dictionary-encoded: values[codes[i]] is record i's value."""

    codes: np.ndarray
    values: list[Any]

    def tolist(self) -> list[Any]:
        """Every record's value, in order."""
        return spread(self.values, self.codes)

    def map(self, fn: Callable[[Any], Any]) -> Col:
        """fn applied once per distinct value."""
        return Col(self.codes, [fn(x) for x in self.values])

    def to_arrow(self, type_: pa.DataType) -> pa.Array:
        """The values as an Arrow array of type_ (decimals rounded half up to its scale)."""
        return _arrow(self.values, type_).take(pa.array(self.codes))


def _fit(v: Any, type_: pa.DataType) -> Any:
    if v is None:
        return None
    if pa.types.is_decimal(type_):
        return Decimal(v).quantize(Decimal(1).scaleb(-type_.scale), rounding=ROUND_HALF_UP)
    if pa.types.is_date(type_) and isinstance(v, datetime):
        return v.date()
    return v


def _arrow(values: Sequence[Any], type_: pa.DataType) -> pa.Array:
    if pa.types.is_decimal(type_) or pa.types.is_date(type_):
        values = [_fit(v, type_) for v in values]
    return pa.array(values, type=type_)


@dataclass
class Validated:
    """A sheet's accepted rows as an Arrow table in the store's columns, and what became of the rest."""

    file: str
    sheet: str
    kind: Kind
    header_row: int
    table: pa.Table  # accepted rows: the table's columns plus src_row (the Excel row)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)
    rows_below_header: int = 0
    blank_rows: int = 0
    key_texts: dict[int, str] = field(default_factory=dict)  # rejected row -> its key, when readable
    # The table columns this sheet gives; the others keep what is stored when a row is updated.
    provided: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # the parsed --set values

    @property
    def accepted(self) -> int:
        """Rows that can be stored."""
        return self.table.num_rows

    @property
    def skipped_below_header(self) -> int:
        """Skipped rows that count against the rows below the header (title rows do not)."""
        return sum(1 for s in self.skipped if s.reason != "title")


class Values:
    """What a kind's rules see: the parsed fields over every record, and where to report a problem."""

    def __init__(self, shaped: Shaped, fx: Decimal, replace: bool) -> None:
        self.shaped = shaped
        self.kind = shaped.kind
        self.n = shaped.n
        self.rows = shaped.rows
        self.fx = fx
        self.replace = replace
        self.parsed: dict[str, Col] = {}
        self.raws: dict[str, Col] = {}
        self.present: set[str] = set()
        self.bad = np.zeros(self.n, dtype=bool)
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        norms = {P.normalise_header(h) for _, h in shaped.columns.values()} | {
            P.normalise_header(h) for _, h in shaped.unused
        }
        self.cordis = bool(norms & _CORDIS_HEADERS)

    # ------------------------------------------------------------ for the rules

    def col(self, name: str) -> Col:
        """The parsed field (None where unknown)."""
        return self.parsed[name]

    def list(self, name: str) -> list[Any]:
        """The parsed field as a list, one value per record."""
        return self.parsed[name].tolist()

    def raw(self, name: str) -> list[Any]:
        """The cells as read (or filled in by a section row or --set), one per record."""
        return self.raws[name].tolist()

    def has(self, name: str) -> bool:
        """The sheet has a column for the field, or it was given for the whole sheet or by sections."""
        return name in self.present

    def header(self, name: str) -> str | None:
        """The header as written over the field's column."""
        return self.shaped.columns[name][1] if name in self.shaped.columns else None

    def column_name(self, fname: str) -> str:
        """How a problem names the column: the header as written, else the field's label."""
        return self.header(fname) or self.kind.field(fname).label

    def err(self, i: int, code: str, fname: str, value: object = None, **params: object) -> None:
        """Reject record i, with the reason."""
        self.errors.append(self._problem(code, fname, int(self.rows[i]), value, params))
        self.bad[i] = True

    def err_all(
        self, idx: np.ndarray, code: str, fname: str, values: Sequence[object], **params: object
    ) -> None:
        """Reject the records idx (values: each record's cell), with one reason."""
        for i, value in zip(idx.tolist(), values, strict=True):
            self.errors.append(self._problem(code, fname, int(self.rows[i]), value, params))
        self.bad[idx] = True

    def warn(self, code: str, fname: str | None = None, row: int | None = None, **params: object) -> None:
        """A warning: the sheet can be saved, but the user should look."""
        p = self._problem(code, fname, row, params.pop("value", None), params)
        p.severity = "warning"
        self.warnings.append(p)

    def combine(self, fields: tuple[str, ...], fn: Callable[..., Any], **params: object) -> Col:
        """fn over the parsed values of several fields, once per distinct combination. A ParseError
        rejects every record with that combination, reported on the first field."""
        cols = [self.parsed[f] for f in fields]
        key = np.zeros(self.n, dtype=np.int64)
        for c in cols:
            key = key * (len(c.values) + 1) + c.codes
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        values = []
        for j, i in enumerate(first.tolist()):
            try:
                values.append(fn(*(c.values[c.codes[i]] for c in cols)))
            except P.ParseError as e:
                idx = np.flatnonzero(inverse.reshape(-1) == j)
                raw = self.raws[fields[0]]
                self.err_all(
                    idx, e.code, fields[0], [raw.values[raw.codes[k]] for k in idx.tolist()], **params
                )
                values.append(None)
        return Col(inverse.reshape(-1).astype(np.int64), values)

    def _problem(
        self, code: str, fname: str | None, row: int | None, value: object, params: dict[str, object]
    ) -> Problem:
        sheet = self.shaped.sheet
        return Problem(
            code,
            file=sheet.file,
            sheet=sheet.sheet,
            row=row,
            column=self.column_name(fname) if fname else None,
            field=fname,
            value=value,
            params=dict(params),
        )


def validate(shaped: Shaped, set_values: dict[str, str] | None = None, *, replace: bool = False) -> Validated:
    """Parse and check every record: the accepted rows as an Arrow table, a reason for each other row."""
    kind = shaped.kind
    sheet = shaped.sheet
    set_values = dict(set_values or {})
    out = Validated(
        sheet.file,
        sheet.sheet,
        kind,
        shaped.header_row,
        _empty(kind),
        skipped=shaped.skipped,
        sections=shaped.sections,
        rows_below_header=shaped.rows_below_header + len([p for p in sheet.problems if p.row]),
        blank_rows=shaped.blank_rows,
    )
    out.errors.extend(sheet.problems)
    out.rejected_rows = sorted(p.row for p in sheet.problems if p.row)
    out.errors.extend(shaped.problems)

    def refuse(problems: list[Problem]) -> Validated:
        """The whole sheet is refused: every record is rejected with the sheet's reason."""
        out.errors.extend(problems)
        out.rejected_rows = sorted(set(out.rejected_rows) | set(shaped.rows.tolist()))
        return out

    # Values given for the whole sheet are read like its cells.
    settings: dict[str, Any] = {}
    for fname, text in set_values.items():
        if fname not in {f.name for f in kind.fields}:
            continue  # given for the other kinds of a run: this sheet has no such field
        f = kind.field(fname)
        try:
            settings[fname] = parse_setting(f, text)
        except P.ParseError as e:
            return refuse([Problem("set.invalid", file=sheet.file, sheet=sheet.sheet, field=fname, value=text,
                                   params={"field_label": f.label, "code": e.code})])  # fmt: skip
    out.settings = settings

    # CPR numbers were looked for before: a file holding any is refused whole (loaders/cpr.py).
    v = Values(shaped, settings.get("fx_rate") or eur_rate(), replace)
    _drop_label_columns(shaped, v)
    missing = _missing_columns(shaped, settings)
    if missing:
        return refuse(missing)
    v.present = set(shaped.columns) | set(settings) | {k for c in (shaped.contexts or []) for k in c}

    for f in kind.fields:
        _parse_field(shaped, f, v, settings)
    _check_totals(shaped, v)
    columns = kind.derive(v)
    key_ids = _duplicate_keys(kind, columns, v)
    table = _table(kind, columns, shaped, v.bad)
    unused = [h for ci, h in shaped.unused if ci not in shaped.dropped]
    if unused:
        # One warning for all of them: a CORDIS export has a dozen columns we do not use.
        v.warn("sheet.unused_columns", row=shaped.header_row, columns=", ".join(unused))
    out.table = table
    out.provided = kind.provided(v.present)
    out.errors.extend(v.errors)
    out.warnings.extend(v.warnings)
    bad_rows = shaped.rows[v.bad]
    out.rejected_rows = sorted(set(out.rejected_rows) | set(bad_rows.tolist()))
    out.unused = [h for _, h in shaped.unused]
    out.key_texts = {int(r): t for r, t in zip(bad_rows.tolist(), key_ids, strict=False) if t}
    return out


def _empty(kind: Kind) -> pa.Table:
    return TABLES[kind.table].arrow_schema().empty_table()


def _drop_label_columns(shaped: Shaped, v: Values) -> None:
    """A 'Møde' column of labels ('Opstartsmøde') is not the meeting number: used as nothing,
    with a warning, instead of rejecting every row. Numbering with a word ('Møde 3') is a number."""
    for f in shaped.kind.fields:
        if f.type != "int" or f.name not in shaped.columns:
            continue
        col = shaped.column(shaped.columns[f.name][0])
        failed = np.zeros(len(col.values), dtype=bool)
        for j, value in enumerate(col.values):
            if not col.blank[j]:
                try:
                    P.parse_int(value)
                except P.ParseError:
                    failed[j] = True
        filled = int((~col.blank[col.codes]).sum())
        if filled and failed[col.codes].sum() * 2 > filled:
            header = shaped.columns[f.name][1]
            shaped.drop_column(f.name)
            v.warn("sheet.label_column", row=shaped.header_row, column_header=header, field_label=f.label)


def _missing_columns(shaped: Shaped, settings: dict[str, Any]) -> list[Problem]:
    """A required field with no column, no --set and no section row: one problem per field, naming
    the headers the kind knows, never the same message on every row."""
    kind = shaped.kind
    sheet = shaped.sheet
    given = set(shaped.columns) | set(settings) | {k for c in (shaped.contexts or []) for k in c}
    out = []
    needs = kind.required_somewhere + tuple(f.name for f in kind.required if f.name not in kind.derivable)
    for need in needs:
        alternatives = need.split("|")
        if any(a in given for a in alternatives):
            continue
        f0 = kind.field(alternatives[0])
        out.append(
            Problem(
                "sheet.missing_column",
                file=sheet.file,
                sheet=sheet.sheet,
                row=shaped.header_row,
                field=f0.name,
                params={
                    "field_label": [kind.field(a).label for a in alternatives],
                    "example": f0.synonyms[0],
                    "required": [f.label for f in kind.required],
                    "known": [f.label for f in kind.fields],
                },
            )
        )
    return out


def _parse_field(shaped: Shaped, f: Field, v: Values, settings: dict[str, Any]) -> None:
    """One field over every record: each distinct cell parsed once; section rows and --set fill
    blank cells; failures reject their records; required blanks too."""
    n = shaped.n
    parser = PARSERS[f.type]
    if f.name in shaped.columns:
        col = shaped.column(shaped.columns[f.name][0])
        codes, raw_values, blank = col.codes.astype(np.int64), list(col.values), col.blank.copy()
        clean = col.clean
    else:
        codes, raw_values, blank, clean = (
            np.zeros(n, dtype=np.int64),
            [None],
            np.ones(1, bool),
            np.zeros(1, bool),
        )
    outcome: list[Any] = [None] * len(raw_values)
    failed: list[int] = []
    for j, raw in enumerate(raw_values):
        if blank[j]:
            continue
        if parser is P.clean_text and clean[j]:
            outcome[j] = raw  # text that is clean already
            continue
        try:
            outcome[j] = parser(raw)
        except P.ParseError as e:
            outcome[j] = e
            failed.append(j)
    if f.type == "amount":
        mult = P.header_multiplier(v.header(f.name) or "")
        for j, x in enumerate(outcome):
            if isinstance(x, Decimal):
                raw = raw_values[j]
                if mult != 1 and (not isinstance(raw, str) or _PLAIN_NUMBER.match(raw)):
                    x = (
                        x * mult
                    )  # "Beløb (mio. kr.)": a bare 7,615 means 7,615 mio.; "7,6 mio." says so itself
                x = P.round_cents(x)  # scale first, then round
                if abs(x) >= _AMOUNT_LIMIT:
                    outcome[j] = P.ParseError("amount.invalid", raw)
                    failed.append(j)
                else:
                    outcome[j] = x
    # Blank cells: what a section row above says, else the value given for the whole sheet.
    blank_j = np.flatnonzero(blank)
    if len(blank_j):
        is_blank = np.isin(codes, blank_j)
        if shaped.contexts is not None and any(f.name in c for c in shaped.contexts):
            codes = codes.copy()
            by_value: dict[tuple[type, object], int] = {}
            for i in np.flatnonzero(is_blank).tolist():
                ctx = shaped.contexts[i]
                if f.name not in ctx:
                    continue
                value = ctx[f.name]
                j = by_value.get((type(value), value))
                if j is None:
                    j = by_value[(type(value), value)] = len(raw_values)
                    raw_values.append(value)
                    try:
                        outcome.append(parser(value))
                    except P.ParseError as e:
                        outcome.append(e)
                        failed.append(j)
                    blank = np.append(blank, False)
                codes[i] = j
            is_blank = np.isin(codes, np.flatnonzero(blank))
        if f.name in settings and is_blank.any():
            codes = codes.copy()
            j = len(raw_values)
            raw_values.append(set_text := settings[f.name])
            outcome.append(set_text)
            blank = np.append(blank, False)
            codes[is_blank] = j
    if failed:
        idx = np.flatnonzero(np.isin(codes, failed))
        cells = [raw_values[c] for c in codes[idx].tolist()]
        for i, cell, c in zip(idx.tolist(), cells, codes[idx].tolist(), strict=True):
            e = outcome[c]
            v.err(i, e.code, f.name, cell, **({"allowed": _ALLOWED[f.type]} if f.type in _ALLOWED else {}))
        for j in failed:
            outcome[j] = None
    # A required field left blank rejects the row; one the rules can work out is theirs to check.
    if f.required and (f.name in v.present or f.name not in v.kind.derivable):
        for i in np.flatnonzero(np.isin(codes, np.flatnonzero(blank))).tolist():
            v.err(i, "value.required", f.name)
    v.parsed[f.name] = Col(codes, outcome)
    v.raws[f.name] = Col(codes, raw_values)


_ALLOWED = {
    "kind": "netværksmøde, webinar, workshop, konference, udvalgsmøde",
    "status": "søgt, bevilget, afslået, udbetalt",
    "model": "engangsbeløb, årlig, trappemodel",
    "external": "ja, nej, ekstern, intern",
    "bool": "ja, nej",
}


def _check_totals(shaped: Shaped, v: Values) -> None:
    """A totals row's amounts against the sum of the rows above it: a mismatch is a warning naming both."""
    if not shaped.totals:
        return
    sheet = shaped.sheet
    for f in shaped.kind.fields:
        if f.type != "amount" or f.name not in shaped.columns:
            continue
        ci, header = shaped.columns[f.name]
        col = sheet.columns[ci]
        amounts = v.parsed[f.name]
        per_record = np.array([x if isinstance(x, Decimal) else None for x in amounts.values], dtype=object)
        values = per_record[amounts.codes]
        mult = P.header_multiplier(header)
        for t in shaped.totals:
            cell = col.values[col.codes[t.pos]]
            try:
                total = P.parse_amount(cell)
            except P.ParseError:
                continue
            if total is None:
                continue
            if mult != 1 and (not isinstance(cell, str) or _PLAIN_NUMBER.match(cell)):
                total = total * mult
            total = P.round_cents(total)
            section = [x for x in values[t.since : t.upto] if x is not None]
            above = [x for x in values[: t.upto] if x is not None]
            if total in (sum(section, Decimal(0)), sum(above, Decimal(0))):
                continue
            v.warn(
                "sheet.total_mismatch",
                f.name,
                t.row,
                value=cell,
                label=t.label,
                total=_kr(total),
                sum=_kr(sum(section, Decimal(0))),
                counted=len(section),
                unknown=t.upto - t.since - len(section),
            )


def _kr(x: Decimal) -> str:
    text = f"{x:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return text.removesuffix(",00") + " kr."


def _ids(values: Col | list[Any] | pa.Array, n: int) -> np.ndarray:
    """Per record an id of its value (equal values, equal ids; -1 for none)."""
    if isinstance(values, Col):
        first: dict[Any, int] = {}
        uid = np.empty(len(values.values), dtype=np.int64)
        for j, x in enumerate(values.values):
            uid[j] = -1 if x is None else first.setdefault(x, j)
        return uid[values.codes]
    items = values.to_pylist() if isinstance(values, pa.Array) else values
    first = {}
    return np.fromiter((-1 if x is None else first.setdefault(x, len(first)) for x in items), np.int64, n)


def _duplicate_keys(kind: Kind, columns: dict[str, Any], v: Values) -> list[str]:
    """Reject a record that repeats the natural key of an earlier one; return every record's key
    as text (for the quarantine), '' where a part is unknown."""
    n = v.n
    ids = [_ids(columns[k], n) if k in columns else np.full(n, -1, np.int64) for k in kind.key]
    ok = np.all([c >= 0 for c in ids], axis=0) if ids else np.zeros(n, bool)
    # A row without its whole key cannot be stored (the key columns are NOT NULL): it is rejected
    # here with the field that lacks, not at commit, where it would undo the whole file.
    for i in np.flatnonzero(~ok & ~v.bad).tolist():
        lacking = next(k for k, c in zip(kind.key, ids, strict=True) if c[i] < 0)
        v.err(
            i,
            "value.required",
            next((f.name for f in kind.fields if f.stored_in == lacking), kind.fields[0].name),
        )
    ok &= ~v.bad
    pos = np.flatnonzero(ok)
    key = np.zeros(len(pos), dtype=np.int64)
    for c in ids:
        c = c[pos]
        width = int(c.max()) + 1 if len(c) else 1
        if key.max(initial=0) >= (1 << 62) // width:
            key = np.unique(key, return_inverse=True)[1].reshape(-1).astype(np.int64)
        key = key * width + c
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    repeat = np.flatnonzero(first[inverse] != np.arange(len(pos)))
    key_lists = [_as_list(columns.get(k), n) for k in kind.key]

    def text(i: int) -> str:
        parts = [col[i] for col in key_lists]
        return " | ".join(str(x) for x in parts) if all(x is not None for x in parts) else ""

    for r in repeat.tolist():
        i, j = int(pos[r]), int(pos[first[inverse[r]]])
        v.err(i, "row.duplicate_key", kind.fields[0].name, text(i), first_row=int(v.rows[j]), key=text(i))
    return [text(i) for i in np.flatnonzero(v.bad).tolist()]


def _as_list(values: Col | list[Any] | pa.Array | None, n: int) -> list[Any]:
    if values is None:
        return [None] * n
    if isinstance(values, Col):
        return values.tolist()
    if isinstance(values, pa.Array):
        return values.to_pylist()
    return list(values)


def _table(kind: Kind, columns: dict[str, Any], shaped: Shaped, bad: np.ndarray) -> pa.Table:
    """The accepted records in the store's columns, plus any column the commit needs beside them."""
    schema = TABLES[kind.table].arrow_schema()
    arrays, names = [], []
    keep = np.flatnonzero(~bad)
    for fld in schema:
        if fld.name == "src_row":
            arr = pa.array(shaped.rows, type=pa.int32())
        elif fld.name in columns:
            arr = _to_arrow(columns[fld.name], fld.type)
        else:
            arr = pa.nulls(shaped.n, type=fld.type)
        arrays.append(arr)
        names.append(fld.name)
    for name, value in columns.items():  # e.g. an alias sheet's sector, stored on the organisation
        if name not in names:
            arrays.append(_to_arrow(value, pa.string()))
            names.append(name)
    table = pa.Table.from_arrays(arrays, names=names)
    return table if not bad.any() else table.take(pa.array(keep))


def _to_arrow(values: Col | list[Any] | pa.Array, type_: pa.DataType) -> pa.Array:
    if isinstance(values, Col):
        return values.to_arrow(type_)
    if isinstance(values, pa.Array):
        return values.cast(type_)
    return _arrow(values, type_)
