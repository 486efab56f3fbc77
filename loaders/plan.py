"""Plan a sheet's change against what the store holds now: new, changed, unchanged, removed.

A plan writes nothing. It keeps the incoming rows (Arrow) with their status, so the data page
can show it, keep it across reruns and commit exactly what it showed; it records the newest
batch it was planned against, so a commit after someone else's refuses instead of guessing.
"""

from __future__ import annotations

import difflib
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from loaders import parse as P
from loaders.kinds import KINDS
from loaders.problems import Problem
from loaders.shape import Skip
from loaders.validate import Validated
from store.tables import TABLES, Table

MAX_CHANGES = 2000  # field changes listed per sheet; the counts are always complete
MAX_LISTED = 1000  # rows listed per preview tab (removed, kept though missing)

# Tables a sheet of each kind writes to, beyond its own: an allocation can create its pool year,
# a member list records aliases, an alias sheet sets organisations' sectors.
TOUCHES: dict[str, tuple[str, ...]] = {
    "allocations": ("allocations", "pools"),
    "participants": ("memberships", "org_aliases"),
    "org_aliases": ("org_aliases", "organisations"),
}


def touches(kind: str) -> tuple[str, ...]:
    """The tables a sheet of this kind writes."""
    return TOUCHES.get(kind, (KINDS[kind].table,))


@dataclass
class SheetPlan:
    """What will happen (or happened) to one sheet: the data page's preview and the CLI's JSON entry."""

    file: str
    sheet: str
    kind: str | None
    status: str  # planned | duplicate | rejected | not_data | loaded
    validated: Validated | None = None
    incoming: pa.Table | None = None  # the accepted rows with a _status column
    rows: dict[str, int] = field(
        default_factory=lambda: {
            "new": 0, "changed": 0, "unchanged": 0, "missing": 0, "removed": 0, "rejected": 0, "skipped": 0,
        }
    )  # fmt: skip
    changes: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)  # rows a whole-list upload takes out
    kept: list[dict[str, Any]] = field(default_factory=list)  # rows missing from the sheet, kept
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    batch_id: int | None = None
    replace: bool = False
    reason: str | None = None  # for not_data: why the sheet is not data

    @property
    def skipped(self) -> list[Skip]:
        """Rows that are not data, each with its reason."""
        return self.validated.skipped if self.validated else []

    @property
    def accepted(self) -> int:
        """Rows that load (new, changed or already there)."""
        return self.rows["new"] + self.rows["changed"] + self.rows["unchanged"]

    def as_dict(self, lang: str = "da") -> dict[str, Any]:
        """The JSON shape of one sheet's outcome."""
        v = self.validated
        # A byte-identical re-upload is not read again: its rows are what its batch counted.
        below = v.rows_below_header if v else self.accepted + self.rows["rejected"] + self.rows["skipped"]
        return {
            "file": self.file,
            "sheet": self.sheet,
            "kind": self.kind,
            "status": self.status,
            "batch_id": self.batch_id,
            "rows": dict(self.rows),
            "rows_below_header": below,
            "changes": self.changes,
            "removed": self.removed,
            "errors": [e.as_dict(lang) for e in self.errors],
            "warnings": [w.as_dict(lang) for w in self.warnings],
            "skipped": [{"row": s.row, "reason": s.reason, "text": s.text} for s in self.skipped],
            "sections": [
                {"row": s.row, "text": s.text, "records": s.records} for s in (v.sections if v else [])
            ],
            "unused_columns": v.unused if v else [],
            "reason": self.reason,
        }


def _keys(table: str) -> tuple[str, ...]:
    return TABLES[table].key


def _match(keys: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f'{a}."{k}" = {b}."{k}"' for k in keys)


def _scope_match(scope: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f'{a}."{c}" IS NOT DISTINCT FROM {b}."{c}"' for c in scope)


def key_text_sql(keys: tuple[str, ...], alias: str) -> str:
    """A row's natural key as the text Validated.key_texts holds ('Anna Pors | AI'), in SQL."""
    return " || ' | ' || ".join(f'CAST({alias}."{k}" AS VARCHAR)' for k in keys)


def rejected_keys(v: Validated) -> pa.Table:
    """The keys of the sheet's rejected rows, where readable: a row set aside is not absent."""
    return pa.table({"key_text": pa.array(sorted(set(v.key_texts.values())), type=pa.string())})


def absent_sql(table: Table, src: str, rejected: str) -> str:
    """FROM and WHERE of the stored rows in the sheet's scope that the sheet lacks: neither among
    its accepted rows (src) nor among the keys of its rejected ones (rejected, rejected_keys())."""
    return (
        f"FROM {table.name} t WHERE "
        + (
            f"EXISTS (SELECT 1 FROM {src} s WHERE {_scope_match(table.scope, 's', 't')}) AND "
            if table.scope
            else ""
        )
        + f"NOT EXISTS (SELECT 1 FROM {src} s WHERE {_match(table.key, 's', 't')}) "
        + f"AND NOT EXISTS (SELECT 1 FROM {rejected} r WHERE r.key_text = {key_text_sql(table.key, 't')})"
    )


def latest_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The newest batch id (0 for an empty store): what a plan was made against."""
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0])


def plan_sheet(
    con: duckdb.DuckDBPyConnection, v: Validated, *, replace: bool = False, seq: int = 0
) -> SheetPlan:
    """Classify every accepted row against the store; count (and list a sample of) the rows of
    the same scope that the sheet lacks: removed in a whole-list upload, else kept."""
    kind = v.kind
    table = TABLES[kind.table]
    res = SheetPlan(v.file, v.sheet, kind.name, "planned", validated=v, replace=replace)
    res.errors = list(v.errors)
    res.warnings = list(v.warnings)
    res.rows["rejected"] = len(v.rejected_rows)
    res.rows["skipped"] = v.skipped_below_header
    keys = table.key
    # Only what the sheet gives is compared (and later written): a column it lacks keeps its value.
    value_cols = [c for c, _ in table.columns if c not in keys and c in v.provided]
    src = f"_incoming_{seq}"
    rows = v.table
    indexed = rows.append_column("_i", pa.array(np.arange(rows.num_rows, dtype=np.int64)))
    con.register(src, indexed)
    try:
        differs = " OR ".join(f's."{c}" IS DISTINCT FROM t."{c}"' for c in value_cols) or "FALSE"
        status = con.execute(
            f"SELECT s._i, CASE WHEN t.\"{keys[0]}\" IS NULL THEN 'new' WHEN {differs} THEN 'changed' "
            f"ELSE 'unchanged' END FROM {src} s LEFT JOIN {table.name} t ON {_match(keys, 's', 't')}"
        ).fetchnumpy()
        order = np.argsort(status["_i"], kind="stable")
        labels = np.asarray(status[list(status)[1]], dtype=object)[order]
        res.incoming = rows.append_column("_status", pa.array(labels, type=pa.string()).dictionary_encode())
        for s in ("new", "changed", "unchanged"):
            res.rows[s] = int((labels == s).sum())
        if res.rows["changed"]:
            res.changes = _changes(con, src, table.name, keys, value_cols)
        rejected = f"_rejected_{seq}"
        con.register(rejected, rejected_keys(v))
        listed: list[dict[str, Any]] = []
        try:
            absent = absent_sql(table, src, rejected)
            n_absent = int(con.execute(f"SELECT count(*) {absent}").fetchall()[0][0]) if rows.num_rows else 0
            if n_absent:
                cols = ", ".join(f't."{c}"' for c in keys + tuple(c for c in value_cols if c not in keys)[:6])
                cur = con.execute(
                    f"SELECT {cols}, t.src_row, t.batch_id {absent} ORDER BY t.batch_id, t.src_row LIMIT {MAX_LISTED}"
                )
                names = [d[0] for d in cur.description]
                listed = [dict(zip(names, map(_plain, r), strict=True)) for r in cur.fetchall()]
        finally:
            con.unregister(rejected)
        if n_absent:
            # A rejected row whose key cannot be told may be any of the absent rows: a whole-list
            # upload then removes nothing rather than a row whose new version sits in quarantine.
            unknown = set(v.rejected_rows) - set(v.key_texts)
            if replace and not unknown:
                res.rows["removed"], res.removed = n_absent, listed
            else:
                res.rows["missing"], res.kept = n_absent, listed
                if replace:
                    res.warnings.append(
                        Problem(
                            "replace.nothing_removed",
                            file=v.file,
                            sheet=v.sheet,
                            severity="warning",
                            params={"n": len(v.rejected_rows)},
                        )
                    )
        _warnings(con, res, v, src)
    finally:
        con.unregister(src)
    return res


def _changes(
    con: duckdb.DuckDBPyConnection, src: str, table: str, keys: tuple[str, ...], value_cols: list[str]
) -> list[dict[str, Any]]:
    """Field by field, old and new, for the changed rows (the first MAX_CHANGES fields)."""
    sel = ", ".join([f's."{k}"' for k in keys] + ["s.src_row"] + [f's."{c}", t."{c}"' for c in value_cols])
    differs = " OR ".join(f's."{c}" IS DISTINCT FROM t."{c}"' for c in value_cols)
    out: list[dict[str, Any]] = []
    for row in con.execute(
        f"SELECT {sel} FROM {src} s JOIN {table} t ON {_match(keys, 's', 't')} WHERE {differs} "
        f"ORDER BY s.src_row LIMIT {MAX_CHANGES}"
    ).fetchall():
        key = " | ".join(str(x) for x in row[: len(keys)])
        src_row = row[len(keys)]
        rest = row[len(keys) + 1 :]
        for j, c in enumerate(value_cols):
            new, old = rest[2 * j], rest[2 * j + 1]
            if new != old and len(out) < MAX_CHANGES:
                out.append({"key": key, "row": src_row, "field": c, "old": _plain(old), "new": _plain(new)})
    return out


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return format(x, "f")
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def _dk(x: Any) -> str:
    if x is None:
        return "?"
    return f"{Decimal(x):,.0f}".replace(",", ".") + " kr."


def _warnings(con: duckdb.DuckDBPyConnection, res: SheetPlan, v: Validated, src: str) -> None:
    """What the store makes worth a look: pools that do not exist yet, grants outside the pool's
    band or beyond its capacity, organisation names close to known ones. Each names its row."""
    base = {"file": res.file, "sheet": res.sheet, "severity": "warning"}
    if v.kind.table == "allocations":
        for pool, year, row in con.execute(
            f"SELECT pool, year, min(src_row) FROM {src} i WHERE NOT EXISTS "
            f"(SELECT 1 FROM pools p WHERE p.pool = i.pool AND p.year = i.year) GROUP BY 1, 2 ORDER BY 3"
        ).fetchall():
            res.warnings.append(Problem("pool.created", row=row, params={"pool": pool, "year": year}, **base))
        for row_no, amount, lo, hi in con.execute(
            f"SELECT i.src_row, i.amount_dkk, p.band_min_dkk, p.band_max_dkk FROM {src} i "
            f"JOIN pools p ON p.pool = i.pool AND p.year = i.year WHERE i.amount_dkk IS NOT NULL AND "
            f"((p.band_min_dkk IS NOT NULL AND i.amount_dkk < p.band_min_dkk) OR "
            f"(p.band_max_dkk IS NOT NULL AND i.amount_dkk > p.band_max_dkk)) ORDER BY 1 LIMIT 1000"
        ).fetchall():
            res.warnings.append(
                Problem(
                    "allocation.outside_band",
                    row=row_no,
                    column=v.kind.field("amount").label,
                    value=_dk(amount),
                    params={"band": f"{_dk(lo)} - {_dk(hi)}"},
                    **base,
                )
            )
        for pool, year, allocated, capacity, row in con.execute(
            f"""WITH alloc AS (
                  SELECT pool, year, amount_dkk, status, NULL::INTEGER AS src_row FROM allocations a
                  WHERE NOT EXISTS (SELECT 1 FROM {src} i WHERE i.pool = a.pool AND i.year = a.year
                                    AND i.project = a.project AND i.recipient = a.recipient)
                  UNION ALL SELECT pool, year, amount_dkk, status, src_row FROM {src})
                SELECT a.pool, a.year, sum(a.amount_dkk), any_value(p.capacity_dkk), min(a.src_row)
                FROM alloc a JOIN pools_v p ON p.pool = a.pool AND p.year = a.year
                WHERE a.status IN ('granted', 'paid') AND p.capacity_dkk IS NOT NULL
                GROUP BY 1, 2 HAVING sum(a.amount_dkk) > any_value(p.capacity_dkk) ORDER BY 1, 2"""
        ).fetchall():
            res.warnings.append(
                Problem(
                    "pool.over_capacity",
                    row=row,
                    params={
                        "pool": pool,
                        "year": year,
                        "allocated": _dk(allocated),
                        "capacity": _dk(capacity),
                    },
                    **base,
                )
            )
    if v.kind.table == "memberships":
        known = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT organisation FROM memberships WHERE organisation IS NOT NULL "
                "UNION SELECT alias FROM org_aliases UNION SELECT canonical FROM organisations"
            ).fetchall()
        ]
        known_norm = {P.normalise_name(k): k for k in known}
        orgs = v.table.column("organisation")
        seen: dict[str, int] = {}
        for org, row in zip(orgs.to_pylist(), v.table.column("src_row").to_pylist(), strict=True):
            if org and org not in seen:
                seen[org] = row
        for org, row in seen.items():
            n = P.normalise_name(org)
            if n in known_norm:
                continue
            close = difflib.get_close_matches(n, list(known_norm), n=1, cutoff=0.8)
            if not close:
                close = list(
                    itertools.islice((k for k in known_norm if len(k) >= 8 and (k in n or n in k)), 1)
                )
            if close:
                res.warnings.append(
                    Problem(
                        "organisation.similar",
                        row=row,
                        column=v.kind.field("organisation").label,
                        value=org,
                        params={"similar": known_norm[close[0]]},
                        **base,
                    )
                )
