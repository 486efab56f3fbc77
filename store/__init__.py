"""The database: one DuckDB file, its schema, its public views, and how to open it."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import duckdb

SCHEMA_VERSION = 1
HERE = Path(__file__).parent
ROOT = HERE.parent
DEFAULT_DB = ROOT / "data" / "overblik.duckdb"

# Tables whose rows come from uploads: each has batch_id and src_row, and a *_history twin
# holding the versions a later batch replaced, so undo can restore them.
DATA_TABLES: dict[str, tuple[str, ...]] = {
    "networks": ("network",),
    "organisations": ("canonical",),
    "org_aliases": ("alias", "canonical"),
    "memberships": ("person", "network"),
    "meetings": ("network", "meeting_date", "kind"),
    "eu_projects": ("project_key", "region"),
    "eu_partners": ("project_key", "organisation"),
    "pools": ("pool", "year"),
    "allocations": ("pool", "year", "project", "recipient"),
}

# Forward migrations: version -> SQL that brings version-1 to version. Version 1 is schema.sql.
MIGRATIONS: dict[int, str] = {}


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
    con.execute((HERE / "schema.sql").read_text(encoding="utf-8"))
    for table in DATA_TABLES:
        # The history twin has the table's columns plus the batch that replaced the row.
        con.execute(
            f"CREATE TABLE IF NOT EXISTS {table}_history AS "
            f"SELECT *, CAST(NULL AS INTEGER) AS superseded_by FROM {table} LIMIT 0"
        )
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    current = row[0] if row and row[0] is not None else None
    if current is None:
        con.execute("INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION, datetime.now()])
    elif current > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {current} is newer than this program ({SCHEMA_VERSION})")
    else:
        for version in range(current + 1, SCHEMA_VERSION + 1):
            con.execute(MIGRATIONS[version])
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, datetime.now()])
    con.execute((HERE / "views.sql").read_text(encoding="utf-8"))


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the file."""
    return int(con.execute("SELECT max(version) FROM schema_version").fetchone()[0])
