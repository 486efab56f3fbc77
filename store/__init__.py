"""The database: one DuckDB file, its schema, its public views, and how to open it."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb

from store.tables import DATA_TABLES, TABLES, Table

__all__ = ["DATA_TABLES", "TABLES", "Table", "DatabaseBusy", "connect", "db_path", "ensure_schema"]

SCHEMA_VERSION = 2
HERE = Path(__file__).parent
ROOT = HERE.parent
DEFAULT_DB = ROOT / "data" / "overblik.duckdb"

# Columns version 2 added to the tables of version 1 (and their history twins).
_ADDED_IN_2 = (
    ("allocations", "region", "VARCHAR"),
    ("eu_projects", "total_budget", "DECIMAL(18,2)"),
    ("eu_projects", "eu_contribution", "DECIMAL(18,2)"),
    ("eu_projects", "region_share", "DECIMAL(18,2)"),
    ("eu_partners", "eu_contribution", "DECIMAL(18,2)"),
    ("eu_partners", "total_cost", "DECIMAL(18,2)"),
)

# Forward migrations: version -> SQL that brings version-1 to version. A new file gets
# schema.sql plus store/tables.py at the newest version directly.
MIGRATIONS: dict[int, str] = {
    2: """
    ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_removed INTEGER DEFAULT 0;
    ALTER TABLE batches ADD COLUMN IF NOT EXISTS rows_skipped INTEGER DEFAULT 0;
    ALTER TABLE batches ADD COLUMN IF NOT EXISTS options VARCHAR;
    ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS params VARCHAR;
    ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS kind VARCHAR;
    ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS key_text VARCHAR;
    ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS resolved_by INTEGER;
    """
    + "".join(
        f"ALTER TABLE {t} ADD COLUMN IF NOT EXISTS {c} {typ};\n"
        f"ALTER TABLE {t}_history ADD COLUMN IF NOT EXISTS {c} {typ};\n"
        for t, c, typ in _ADDED_IN_2
    )
    + """
    UPDATE eu_projects SET total_budget = round(total_budget_dkk / fx_rate, 2),
        eu_contribution = round(eu_contribution_dkk / fx_rate, 2),
        region_share = round(region_share_dkk / fx_rate, 2);
    UPDATE eu_partners SET eu_contribution = round(eu_contribution_dkk / fx_rate, 2),
        total_cost = round(total_cost_dkk / fx_rate, 2);
    """,
}


class DatabaseBusy(Exception):
    """The database file is locked by another process (typically the running dashboard)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def db_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the argument, else env OVERBLIK_DB, else data/overblik.duckdb."""
    if path:
        return Path(path)
    env = os.environ.get("OVERBLIK_DB")
    return Path(env) if env else DEFAULT_DB


def connect(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the database and bring its schema up to date."""
    p = db_path(path)
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(p) from exc
        raise
    if not read_only:
        ensure_schema(con)
    return con


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Apply schema.sql idempotently, migrate an older file, and (re)create the views."""
    existing = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    con.execute((HERE / "schema.sql").read_text(encoding="utf-8"))
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    current = row[0] if row and row[0] is not None else None
    if current is None and "batches" in existing:
        current = 1  # a version-1 file that never recorded its version
    if current is not None and current > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {current} is newer than this program ({SCHEMA_VERSION})")
    for version in range(current + 1 if current else SCHEMA_VERSION + 1, SCHEMA_VERSION + 1):
        con.execute(MIGRATIONS[version])
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
    for table in TABLES.values():
        con.execute(table.create_sql())
        # The history twin has the table's columns plus the batch that replaced the row.
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table.name}_history AS "
            f"SELECT *, CAST(NULL AS INTEGER) AS superseded_by FROM {table.name} LIMIT 0"
        )
    if current is None:
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION, datetime.now()])
    con.execute((HERE / "views.sql").read_text(encoding="utf-8"))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the file."""
    return int(con.execute("SELECT max(version) FROM schema_version").fetchone()[0])


def first_row(cur: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, or None; the result is read to its end (DuckDB 2 keeps an
    unfinished result open, and the connection refuses register() until it is finished)."""
    rows = cur.fetchall()
    return rows[0] if rows else None


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already ended it, and a
    second error would hide the first)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
