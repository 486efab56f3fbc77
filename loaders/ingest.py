"""Plan a file's change against the database, commit it as batches in one transaction, undo a batch.

The diff runs inside DuckDB (joins on the natural key), never row by row in Python. A batch's
replaced rows go to <table>_history, so an undo restores exactly the state before it.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from loaders import parse as P
from loaders.history import current_user
from loaders.kinds import KINDS, LOAD_ORDER
from loaders.problems import LoaderError, Problem
from loaders.read import RawSheet, read_file
from loaders.shape import shape
from loaders.validate import Validated, validate
from store import DATA_TABLES

# Rows of the same scope that the new sheet lacks are reported as missing (never deleted).
SCOPE: dict[str, str | None] = {
    "memberships": "network",
    "meetings": "network",
    "eu_projects": "region",
    "eu_partners": "project_key",
    "pools": "pool",
    "allocations": "pool",
    "networks": None,
    "org_aliases": "canonical",
}
MAX_CHANGES = 2000  # field changes listed per sheet; the counts are always complete


@dataclass
class SheetResult:
    """What happened (or would happen) to one sheet: the JSON entry of the command line."""

    file: str
    sheet: str
    kind: str | None
    status: str  # loaded | duplicate | rejected | planned | skipped
    batch_id: int | None = None
    rows: dict[str, int] = field(
        default_factory=lambda: {"new": 0, "changed": 0, "unchanged": 0, "missing": 0, "rejected": 0}
    )
    changes: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    validated: Validated | None = None
    rows_hash: str | None = None
    temp: str | None = None  # name of the temp table holding the incoming rows

    def as_dict(self, lang: str = "da") -> dict[str, Any]:
        """The JSON shape of one sheet's outcome."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "kind": self.kind,
            "status": self.status,
            "batch_id": self.batch_id,
            "rows": dict(self.rows),
            "changes": self.changes,
            "errors": [e.as_dict(lang) for e in self.errors],
            "warnings": [{"row": w.row, "code": w.code, "message": w.message(lang)} for w in self.warnings],
            "skipped": [{"row": r, "reason": why} for r, why in self.skipped],
        }


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _arrow_type(duck: str) -> pa.DataType:
    d = duck.upper()
    if d.startswith("DECIMAL"):
        p, s = (int(x) for x in d[d.index("(") + 1 : -1].split(","))
        return pa.decimal128(p, s)
    return {
        "VARCHAR": pa.string(),
        "INTEGER": pa.int32(),
        "BIGINT": pa.int64(),
        "DATE": pa.date32(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
    }[d]


def _to_arrow(rows: dict[str, list[Any]], src_rows: list[int], cols: list[tuple[str, str]]) -> pa.Table:
    arrays, names = [], []
    for name, duck in cols:
        if name in ("batch_id",):
            continue
        if name == "src_row":
            values: list[Any] = src_rows
        else:
            values = rows.get(name, [None] * len(src_rows))
        t = _arrow_type(duck)
        try:
            arrays.append(pa.array(values, type=t))
        except (pa.ArrowInvalid, TypeError):
            if not pa.types.is_decimal(t):
                raise
            # More decimals than the column keeps: round, each distinct value once.
            q = Decimal(1).scaleb(-t.scale)
            rounded: dict[Any, Decimal] = {}
            values = [None if v is None else rounded.setdefault(v, Decimal(v).quantize(q)) for v in values]
            arrays.append(pa.array(values, type=t))
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _key_expr(keys: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f'{a}."{k}" = {b}."{k}"' for k in keys)


def _rows_hash(con: duckdb.DuckDBPyConnection, temp: str, cols: list[str]) -> str:
    """A hash of the parsed rows, independent of row order: an Excel re-save keeps it.

    The XOR of each row's MD5 streams (no sorted copy of 500k rows as text); rows are distinct,
    since a repeated key is rejected, so no two cancel out.
    """
    row = ", ".join(f'"{c}"' for c in cols)
    h = con.execute(
        f"SELECT md5(count(*) || ':' || coalesce(bit_xor(md5_number(CAST(ROW({row}) AS VARCHAR))), 0)) "
        f"FROM {temp}"
    ).fetchone()[0]
    return str(h)


def _plan_sheet(con: duckdb.DuckDBPyConnection, res: SheetResult, v: Validated, seq: int) -> None:
    """Load the validated rows into a temp table, classify them new/changed/unchanged, count missing."""
    table = v.table
    keys = DATA_TABLES[table]
    cols = _columns(con, table)
    src = f"incoming_src_{seq}"
    temp = f"incoming_{seq}"
    arrow = _to_arrow(v.rows, v.src_rows, cols)
    con.register(src, arrow)
    value_cols = [c for c, _ in cols if c not in keys and c not in ("batch_id", "src_row")]
    differs = " OR ".join(f's."{c}" IS DISTINCT FROM t."{c}"' for c in value_cols) or "FALSE"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {temp} AS SELECT s.*, CASE WHEN t.\"{keys[0]}\" IS NULL THEN 'new' "
        f"WHEN {differs} THEN 'changed' ELSE 'unchanged' END AS _status "
        f"FROM {src} s LEFT JOIN {table} t ON {_key_expr(keys, 's', 't')}"
    )
    con.unregister(src)
    res.temp = temp
    counts = dict(con.execute(f"SELECT _status, count(*) FROM {temp} GROUP BY 1").fetchall())
    res.rows.update({k: int(counts.get(k, 0)) for k in ("new", "changed", "unchanged")})
    scope = SCOPE.get(table)
    if scope:
        missing = con.execute(
            f'SELECT count(*) FROM {table} t WHERE t."{scope}" IN (SELECT "{scope}" FROM {temp}) '
            f"AND NOT EXISTS (SELECT 1 FROM {temp} s WHERE {_key_expr(keys, 's', 't')})"
        ).fetchone()[0]
    else:
        missing = con.execute(
            f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM {temp} s WHERE {_key_expr(keys, 's', 't')})"
        ).fetchone()[0]
    res.rows["missing"] = int(missing)
    res.rows_hash = _rows_hash(con, temp, [c for c, _ in cols if c not in ("batch_id", "src_row")])
    if res.rows["changed"]:
        sel = ", ".join([f's."{k}"' for k in keys] + [f's."{c}", t."{c}"' for c in value_cols])
        changed = con.execute(
            f"SELECT {sel} FROM {temp} s JOIN {table} t ON {_key_expr(keys, 's', 't')} "
            f"WHERE s._status = 'changed' ORDER BY s.src_row LIMIT {MAX_CHANGES}"
        ).fetchall()
        for row in changed:
            key = " | ".join(str(x) for x in row[: len(keys)])
            rest = row[len(keys) :]
            for j, c in enumerate(value_cols):
                new, old = rest[2 * j], rest[2 * j + 1]
                if new != old and len(res.changes) < MAX_CHANGES:
                    res.changes.append({"key": key, "field": c, "old": _plain(old), "new": _plain(new)})


def _plain(x: Any) -> Any:
    if isinstance(x, Decimal):
        return format(x, "f")
    if hasattr(x, "isoformat"):
        return x.isoformat()
    return x


def _warnings(con: duckdb.DuckDBPyConnection, res: SheetResult, v: Validated) -> None:
    """Non-blocking warnings: pools that don't exist yet, allocations outside the band, similar names."""
    f, s = v.rows, res.sheet
    if v.table == "allocations" and res.temp:
        created = con.execute(
            f"SELECT DISTINCT i.pool, i.year FROM {res.temp} i "
            f"WHERE NOT EXISTS (SELECT 1 FROM pools p WHERE p.pool = i.pool AND p.year = i.year) ORDER BY 1, 2"
        ).fetchall()
        for pool, year in created:
            res.warnings.append(
                Problem(
                    "pool.created",
                    file=res.file,
                    sheet=s,
                    severity="warning",
                    params={"pool": pool, "year": year},
                )
            )
        outside = con.execute(
            f"SELECT i.src_row, i.amount_dkk, p.band_min_dkk, p.band_max_dkk FROM {res.temp} i "
            f"JOIN pools p ON p.pool = i.pool AND p.year = i.year WHERE i.amount_dkk IS NOT NULL AND "
            f"((p.band_min_dkk IS NOT NULL AND i.amount_dkk < p.band_min_dkk) OR "
            f"(p.band_max_dkk IS NOT NULL AND i.amount_dkk > p.band_max_dkk)) ORDER BY 1 LIMIT 1000"
        ).fetchall()
        for row_no, amount, lo, hi in outside:
            res.warnings.append(
                Problem(
                    "allocation.outside_band",
                    file=res.file,
                    sheet=s,
                    row=row_no,
                    value=format(amount, ",.0f").replace(",", "."),
                    severity="warning",
                    params={"band": f"{_dk(lo)}-{_dk(hi)}"},
                )
            )
        over = con.execute(
            f"""WITH alloc AS (
                  SELECT pool, year, amount_dkk, status FROM allocations a
                  WHERE NOT EXISTS (SELECT 1 FROM {res.temp} i WHERE i.pool = a.pool AND i.year = a.year
                                    AND i.project = a.project AND i.recipient = a.recipient)
                  UNION ALL SELECT pool, year, amount_dkk, status FROM {res.temp})
                SELECT a.pool, a.year, sum(a.amount_dkk), any_value(p.capacity_dkk)
                FROM alloc a JOIN pools_v p ON p.pool = a.pool AND p.year = a.year
                WHERE a.status IN ('granted', 'paid') AND p.capacity_dkk IS NOT NULL
                GROUP BY 1, 2 HAVING sum(a.amount_dkk) > any_value(p.capacity_dkk) ORDER BY 1, 2"""
        ).fetchall()
        for pool, year, allocated, capacity in over:
            res.warnings.append(
                Problem(
                    "pool.over_capacity",
                    file=res.file,
                    sheet=s,
                    severity="warning",
                    params={
                        "pool": pool,
                        "year": year,
                        "allocated": _dk(allocated),
                        "capacity": _dk(capacity),
                    },
                )
            )
    if v.table == "memberships":
        known = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT organisation FROM memberships WHERE organisation IS NOT NULL "
                "UNION SELECT alias FROM org_aliases UNION SELECT canonical FROM organisations"
            ).fetchall()
        ]
        known_norm = {P.normalise_name(k): k for k in known}
        seen: set[str] = set()
        for org in f.get("organisation", []):
            if not org or org in seen:
                continue
            seen.add(org)
            n = P.normalise_name(org)
            if n in known_norm:
                continue
            close = difflib.get_close_matches(n, list(known_norm), n=1, cutoff=0.8)
            if not close:
                close = [k for k in known_norm if len(k) >= 8 and (k in n or n in k)][:1]
            if close:
                res.warnings.append(
                    Problem(
                        "organisation.similar",
                        file=res.file,
                        sheet=s,
                        value=org,
                        severity="warning",
                        params={"similar": known_norm[close[0]]},
                    )
                )


def _dk(x: Any) -> str:
    if x is None:
        return "?"
    return f"{Decimal(x):,.0f}".replace(",", ".")


def _duplicate_of(
    con: duckdb.DuckDBPyConnection, sha: str, res: SheetResult, by_rows_only: bool = False
) -> int | None:
    """The live batch that already holds these rows: same bytes and sheet, or the same parsed rows.

    With --set values the same bytes can mean other rows (one member list, two networks), so
    only the parsed rows count.
    """
    same_bytes = "FALSE" if by_rows_only else "(sha256 = ? AND sheet = ?)"
    params = [res.kind] + ([] if by_rows_only else [sha, res.sheet]) + [res.rows_hash]
    row = con.execute(
        "SELECT max(batch_id) FROM batches WHERE action = 'ingest' AND undone_by IS NULL AND kind = ? AND "
        f"({same_bytes} OR rows_hash = ?)",
        params,
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def _known_file(
    con: duckdb.DuckDBPyConnection, sha: str, name: str, kind: str | None
) -> list[SheetResult] | None:
    """A byte-identical re-upload, recognised before reading a cell: every sheet this file ever
    loaded is still live (none undone). None when the file must be read."""
    rows = con.execute(
        "SELECT sheet, kind, max(batch_id), bool_and(undone_by IS NULL), "
        "arg_max(rows_new + rows_changed + rows_unchanged, batch_id) "
        "FROM batches WHERE action = 'ingest' AND sha256 = ? GROUP BY sheet, kind ORDER BY min(batch_id)",
        [sha],
    ).fetchall()
    if not rows or not all(live for _, _, _, live, _ in rows):
        return None
    if kind is not None and any(k != kind for _, k, _, _, _ in rows):
        return None
    out = []
    for sheet, k, batch, _, n in rows:
        res = SheetResult(name, sheet, k, "duplicate", batch_id=batch)
        res.rows["unchanged"] = int(n or 0)
        out.append(res)
    return out


def plan_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    display_name: str | None = None,
    kind: str | None = None,
    set_values: dict[str, str] | None = None,
) -> tuple[list[SheetResult], str, bytes]:
    """Read, shape, validate and diff every sheet of a file; write nothing to the stored tables."""
    path = Path(path)
    name = display_name or path.name
    try:
        content = path.read_bytes()
    except OSError:
        raise LoaderError(Problem("file.not_found", file=name)) from None
    sha = hashlib.sha256(content).hexdigest()
    if not set_values:
        known = _known_file(con, sha, name, kind)
        if known is not None:
            return known, sha, content
    sheets: list[RawSheet] = read_file(path, display_name=name)
    results: list[SheetResult] = []
    want = KINDS[kind] if kind else None
    shaped_any = False
    pending: list[tuple[int, SheetResult]] = []
    for sheet in sheets:
        if sheet.hidden:
            continue
        sh = shape(sheet, want)
        if sh is None:
            code = "sheet.no_header" if sheet.n else "sheet.no_rows"
            if not sheet.n and not sheet.problems:
                continue  # an empty sheet in a workbook is nothing to report
            res = SheetResult(name, sheet.sheet, kind, "skipped")
            res.errors.append(Problem(code if want else "sheet.unknown_kind", file=name, sheet=sheet.sheet))
            results.append(res)
            continue
        shaped_any = True
        res = SheetResult(name, sheet.sheet, sh.kind.name, "planned", skipped=sh.skipped)
        res.errors.extend(sheet.problems)
        v = validate(sh, set_values)
        sheet.release()  # the cells are in v now
        res.validated = v
        res.errors.extend(v.errors)
        res.warnings.extend(v.warnings)
        if not sh.n:
            res.errors.append(Problem("sheet.no_rows", file=name, sheet=sheet.sheet, row=sh.header_row))
        res.rows["rejected"] = len(v.rejected_rows) + len(sheet.problems)
        results.append(res)
        pending.append((LOAD_ORDER.index(sh.kind.name), res))
    if not shaped_any:
        # Nothing in the file is recognisable: the whole file is rejected, sheet by sheet.
        for r in results:
            r.status = "rejected"
        if not results:
            results.append(
                SheetResult(
                    name,
                    sheets[0].sheet if sheets else "",
                    kind,
                    "rejected",
                    errors=[Problem("sheet.no_rows", file=name)],
                )
            )
        return results, sha, content
    for seq, (_, res) in enumerate(sorted(pending, key=lambda p: p[0])):
        assert res.validated is not None
        _plan_sheet(con, res, res.validated, seq)
        _warnings(con, res, res.validated)
        if res.validated.table != "org_aliases":
            res.validated.rows = {}  # in the temp table now; only an alias sheet's commit reads them
        dup = _duplicate_of(con, sha, res, by_rows_only=bool(set_values))
        if dup is not None and not res.errors:
            res.status = "duplicate"
            res.batch_id = dup
    # Sheets are ordered so referenced things (networks, pools) load before what refers to them.
    results.sort(
        key=lambda r: (r.status == "skipped", LOAD_ORDER.index(r.kind) if r.kind in LOAD_ORDER else 99)
    )
    return results, sha, content


def _fault_pause(stage: str) -> None:
    """Test hook: OVERBLIK_FAULT_PAUSE=<stage> writes OVERBLIK_FAULT_MARK and sleeps, so a test can SIGKILL here."""
    if os.environ.get("OVERBLIK_FAULT_PAUSE") == stage:
        mark = os.environ.get("OVERBLIK_FAULT_MARK")
        if mark:
            Path(mark).write_text(stage)
        time.sleep(60)


def commit_file(
    con: duckdb.DuckDBPyConnection,
    results: list[SheetResult],
    *,
    sha: str,
    content: bytes,
    file_name: str,
    skip_invalid: bool = False,
    user: str | None = None,
) -> list[SheetResult]:
    """Write every planned sheet of one file as a batch each, all in one transaction."""
    todo = [r for r in results if r.status == "planned" and (skip_invalid or not r.errors)]
    if not todo:
        return results
    user = user or current_user()
    now = datetime.now()
    con.execute("BEGIN TRANSACTION")
    try:
        # Not ON CONFLICT DO NOTHING: DuckDB takes a second for that on a 23 MB file, 0.1 s for this.
        if con.execute("SELECT count(*) FROM files WHERE sha256 = ?", [sha]).fetchone()[0] == 0:
            con.execute("INSERT INTO files VALUES (?, ?, ?, ?)", [sha, file_name, len(content), content])
        for res in todo:
            _commit_sheet(con, res, sha, user, now)
        _fault_pause("commit")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        for res in todo:
            res.status, res.batch_id = "planned", None
        raise
    return results


def _commit_sheet(
    con: duckdb.DuckDBPyConnection, res: SheetResult, sha: str, user: str, now: datetime
) -> None:
    v = res.validated
    assert v is not None and res.temp is not None
    table, temp = v.table, res.temp
    keys = DATA_TABLES[table]
    cols = [c for c, _ in _columns(con, table) if c != "batch_id"]
    batch = con.execute("SELECT nextval('batch_seq')").fetchone()[0]
    con.execute(
        "INSERT INTO batches (batch_id, file_name, sheet, sha256, rows_hash, kind, action, uploaded_by, uploaded_at, "
        "rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected) VALUES (?, ?, ?, ?, ?, ?, 'ingest', ?, ?, ?, ?, ?, ?, ?)",
        [
            batch, res.file, res.sheet, sha, res.rows_hash, res.kind, user, now,
            res.rows["new"], res.rows["changed"], res.rows["unchanged"], res.rows["missing"], res.rows["rejected"],
        ],
    )  # fmt: skip
    col_list = ", ".join(f'"{c}"' for c in cols)
    con.execute(
        f"INSERT INTO {table}_history SELECT t.*, ? FROM {table} t JOIN {temp} s ON {_key_expr(keys, 's', 't')} "
        f"WHERE s._status = 'changed'",
        [batch],
    )
    con.execute(
        f"DELETE FROM {table} t USING {temp} s WHERE {_key_expr(keys, 's', 't')} AND s._status = 'changed'"
    )
    # Rows have no order to keep (every query sorts): letting DuckDB insert in parallel without
    # restoring the sheet's order saves ~0.4 s of a 500k-row load (index and commit).
    con.execute("SET preserve_insertion_order = false")
    try:
        con.execute(
            f"INSERT INTO {table} ({col_list}, batch_id) SELECT {col_list}, ? FROM {temp} WHERE _status <> 'unchanged'",
            [batch],
        )
    finally:
        con.execute("RESET preserve_insertion_order")
    if table == "allocations":
        # An allocation naming a pool-year that does not exist yet creates it with unknown capacity.
        con.execute(
            f"INSERT INTO pools (pool, year, batch_id) SELECT DISTINCT pool, year, ? FROM {temp} i "
            f"WHERE NOT EXISTS (SELECT 1 FROM pools p WHERE p.pool = i.pool AND p.year = i.year)",
            [batch],
        )
    if table == "org_aliases":
        _sectors(con, res, batch)
    if table == "memberships":
        _auto_aliases(con, temp, batch)
    for p in res.errors:
        con.execute(
            "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch,
                p.sheet,
                p.row,
                p.column,
                p.field,
                None if p.value is None else str(p.value),
                p.code,
                p.message(),
            ],
        )
    res.batch_id = batch
    res.status = "loaded"


def _sectors(con: duckdb.DuckDBPyConnection, res: SheetResult, batch: int) -> None:
    """An alias sheet's sector column describes the canonical organisation."""
    v = res.validated
    assert v is not None
    seen: dict[str, str | None] = {}
    for canonical, sector in zip(v.rows["canonical"], v.rows.get("sector", []), strict=False):
        if canonical and (canonical not in seen or sector):
            seen[canonical] = sector
    for canonical, sector in seen.items():
        old = con.execute("SELECT sector FROM organisations WHERE canonical = ?", [canonical]).fetchone()
        if old is None:
            con.execute("INSERT INTO organisations VALUES (?, ?, ?, NULL)", [canonical, sector, batch])
        elif sector and old[0] != sector:
            con.execute(
                "INSERT INTO organisations_history SELECT *, ? FROM organisations WHERE canonical = ?",
                [batch, canonical],
            )
            con.execute(
                "UPDATE organisations SET sector = ?, batch_id = ? WHERE canonical = ?",
                [sector, batch, canonical],
            )


def _auto_aliases(con: duckdb.DuckDBPyConnection, temp: str, batch: int) -> None:
    """Names equal after normalisation to a known canonical organisation map to it automatically."""
    canon = {P.normalise_name(c): c for (c,) in con.execute("SELECT canonical FROM organisations").fetchall()}
    for (c,) in con.execute("SELECT DISTINCT canonical FROM org_aliases").fetchall():
        canon.setdefault(P.normalise_name(c), c)
    if not canon:
        return
    for (org,) in con.execute(
        f"SELECT DISTINCT organisation FROM {temp} s WHERE organisation IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM org_aliases a WHERE a.alias = s.organisation)"
    ).fetchall():
        target = canon.get(P.normalise_name(org))
        if target and target != org:
            con.execute(
                "INSERT INTO org_aliases VALUES (?, ?, ?, NULL) ON CONFLICT DO NOTHING", [org, target, batch]
            )


def drop_temps(con: duckdb.DuckDBPyConnection, results: list[SheetResult]) -> None:
    """Drop the temp tables a plan created."""
    for r in results:
        if r.temp:
            con.execute(f"DROP TABLE IF EXISTS {r.temp}")
            r.temp = None


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    display_name: str | None = None,
    kind: str | None = None,
    set_values: dict[str, str] | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    user: str | None = None,
) -> list[SheetResult]:
    """Plan one file and, unless dry_run or rejected, commit it. The one entry point for CLI and data page."""
    name = display_name or Path(path).name
    try:
        results, sha, content = plan_file(
            con, Path(path), display_name=name, kind=kind, set_values=set_values
        )
    except LoaderError as e:
        e.problem.file = e.problem.file or name
        return [SheetResult(name, e.problem.sheet or "", kind, "rejected", errors=[e.problem])]
    try:
        active = [r for r in results if r.status in ("planned", "duplicate")]
        invalid = [r for r in active if r.errors]
        if invalid and not skip_invalid:
            for r in results:
                if r.status == "planned":
                    r.status = "rejected"
            return results
        if skip_invalid:
            for r in invalid:
                if r.validated is not None and not r.validated.src_rows:
                    r.status = "rejected"  # nothing valid is left in this sheet
        if dry_run:
            return results
        return commit_file(
            con, results, sha=sha, content=content, file_name=name, skip_invalid=skip_invalid, user=user
        )
    finally:
        drop_temps(con, results)


# ---------------------------------------------------------------- undo, history, summary


def summary(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The headline counts and sums; amounts as plain decimal strings so nothing is lost."""

    def one(sql: str) -> Any:
        return con.execute(sql).fetchone()[0]

    def amount(sql: str) -> str:
        x = one(sql)
        return format(Decimal(x if x is not None else 0).quantize(Decimal("0.01")), "f")

    people = con.execute("SELECT person, is_external FROM memberships").fetchall()
    persons = {P.normalise_name(p) for p, _ in people}
    external = {P.normalise_name(p) for p, ext in people if ext}
    return {
        "participants": len(persons),
        "external_participants": len(external),
        "organisations": int(one("SELECT count(DISTINCT organisation_canonical) FROM participants_v")),
        "networks": int(
            one(
                "SELECT count(*) FROM (SELECT network FROM networks UNION SELECT network FROM memberships UNION SELECT network FROM meetings)"
            )
        ),
        "meetings": int(one("SELECT count(*) FROM meetings")),
        "eu_projects": int(one("SELECT count(*) FROM eu_projects")),
        "eu_total_budget_dkk": amount("SELECT sum(total_budget_dkk) FROM eu_projects"),
        "eu_contribution_dkk": amount("SELECT sum(eu_contribution_dkk) FROM eu_projects"),
        "eu_region_share_dkk": amount("SELECT sum(region_share_dkk) FROM eu_projects"),
        "pools": int(one("SELECT count(DISTINCT pool) FROM pools")),
        "pool_capacity_dkk": amount("SELECT sum(capacity_dkk) FROM pools_v"),
        "allocated_dkk": amount(
            "SELECT sum(amount_dkk) FROM allocations WHERE status IN ('granted', 'paid')"
        ),
    }
