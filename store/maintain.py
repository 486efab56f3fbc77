"""`python -m loaders maintain`: keep a long-lived store small and quick without losing a moment
anyone may still ask for.

- Small data files (one per upload) are merged; time travel over them still works.
- Snapshots older than the retention are expired, except the one current at the retention's start
  (so every moment within the retention can still be shown) and those current at a pinned moment
  (an annex, an `asof` link in the audit log) whose pin is itself within the retention.
- Data files no snapshot needs any more are deleted, and so are files a killed writer left
  (older than a day, so a commit in flight on another server is never touched).

Retention: OVERBLIK_RETENTION_DAYS, default 400 days: a committee compares with the same meeting a
year before, with a margin. Run it nightly (docs/deploy.md).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import duckdb

import store
from store.backup import maintenance

DEFAULT_RETENTION_DAYS = 400


def retention_days() -> int:
    """The retention in days: OVERBLIK_RETENTION_DAYS, else 400."""
    raw = os.environ.get("OVERBLIK_RETENTION_DAYS")
    try:
        return max(1, int(raw)) if raw else DEFAULT_RETENTION_DAYS
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def pin(con: duckdb.DuckDBPyConnection, moment: datetime, reason: str) -> None:
    """Keep the snapshot current at moment through maintenance while the pin is within the retention."""
    con.execute("INSERT INTO snapshot_pins VALUES (?, ?, ?)", [moment, datetime.now(UTC), reason])


def kept_snapshots(con: duckdb.DuckDBPyConnection, cutoff: datetime) -> set[int]:
    """Snapshot ids older than the cutoff that must stay: the one current at each pinned moment
    and at the cutoff, each with the snapshot after it (which bounds it: store.readable_at can then
    tell that moment is shown exactly)."""
    kept = {
        r[0]
        for r in con.execute(
            "SELECT max(snapshot_id) FROM lake.snapshots() WHERE snapshot_time <= ?", [cutoff]
        ).fetchall()
        if r[0] is not None
    }
    moments = con.execute(
        "SELECT DISTINCT moment FROM snapshot_pins WHERE pinned_at >= ?", [cutoff]
    ).fetchall()
    for (moment,) in moments:
        row = store.first_row(
            con.execute("SELECT max(snapshot_id) FROM lake.snapshots() WHERE snapshot_time <= ?", [moment])
        )
        if row and row[0] is not None:
            kept.add(row[0])
    return kept | {k + 1 for k in kept}


def maintain(con: duckdb.DuckDBPyConnection, keep_days: int | None = None) -> dict[str, int]:
    """Merge, expire, delete; what was done, counted."""
    days = keep_days if keep_days is not None else retention_days()
    cutoff = datetime.now(UTC) - timedelta(days=days)
    loc = store.location_of(con)
    with store.write_lock(con), maintenance(loc, exclusive=True):
        merged = sum(r[2] for r in con.execute("CALL ducklake_merge_adjacent_files('lake')").fetchall())
        kept = kept_snapshots(con, cutoff)
        old = [
            r[0]
            for r in con.execute(
                "SELECT snapshot_id FROM lake.snapshots() WHERE snapshot_time < ? AND snapshot_id < "
                "(SELECT max(snapshot_id) FROM lake.snapshots()) ORDER BY 1",
                [cutoff],
            ).fetchall()
            if r[0] not in kept
        ]
        if old:
            con.execute("CALL ducklake_expire_snapshots('lake', versions => ?)", [old]).fetchall()
        deleted = len(con.execute("CALL ducklake_cleanup_old_files('lake', cleanup_all => true)").fetchall())
        deleted += len(
            con.execute(
                "CALL ducklake_delete_orphaned_files('lake', older_than => now() - INTERVAL 1 DAY)"
            ).fetchall()
        )
    return {"merged": merged, "expired": len(old), "deleted": deleted, "retention_days": days}
