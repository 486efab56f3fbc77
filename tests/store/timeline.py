"""A store with a past: uploads recorded at chosen moments, their snapshots dated to match.

DuckLake dates a snapshot when it commits; a test that needs "the store as it stood on
20 November 2025" moves the snapshots of each step back to that step's moment, through the
catalog's own metadata table (the same SQL for a SQLite and a PostgreSQL catalog).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from loaders.ingest import Options, commit_plan, plan_file


def newest_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT max(snapshot_id) FROM lake.snapshots()").fetchall()[0][0])


def date_snapshots_after(con: duckdb.DuckDBPyConnection, after: int, when: datetime) -> None:
    """Every snapshot newer than `after` gets the moment `when` (a few microseconds apart, in order)."""
    con.execute(
        "UPDATE __ducklake_metadata_lake.ducklake_snapshot "
        "SET snapshot_time = ?::TIMESTAMPTZ + (snapshot_id - ?) * INTERVAL 1 MICROSECOND WHERE snapshot_id > ?",
        [when, after, after],
    )


def upload_at(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    when: datetime,
    options: Options | None = None,
    user: str = "test",
) -> None:
    """Load a file as if it had been uploaded at `when` (its batch and its snapshots)."""
    before = newest_snapshot(con)
    fp = plan_file(con, path, options=options or Options())
    assert fp.can_commit, [e.as_dict() for p in fp.sheets for e in p.errors]
    commit_plan(con, fp, user=user, at=when.replace(tzinfo=None))
    date_snapshots_after(con, before, when)
