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

Original files: kept forever by default (a rebuild replays them, and staff download them). With
OVERBLIK_ORIGINALS_DAYS=N, maintain empties the stored file of every upload whose newest batch is
more than N days old (the batch keeps its hash, file name and counts; its rows stay). Such an
upload can no longer be downloaded as uploaded or replayed by a rebuild. The emptied bytes leave
the disk when the snapshots from before are expired (the retention above), or at once with
`erase` for a person.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import duckdb

import store
from store import summary
from store.backup import maintenance

DEFAULT_RETENTION_DAYS = 400


def retention_days() -> int:
    """The retention in days: OVERBLIK_RETENTION_DAYS, else 400."""
    raw = os.environ.get("OVERBLIK_RETENTION_DAYS")
    try:
        return max(1, int(raw)) if raw else DEFAULT_RETENTION_DAYS
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def originals_days() -> int | None:
    """How long original files are kept, in days: OVERBLIK_ORIGINALS_DAYS, else None (forever)."""
    raw = os.environ.get("OVERBLIK_ORIGINALS_DAYS")
    if not raw:
        return None
    try:
        return max(0, int(raw))
    except ValueError:
        raise ValueError(f"OVERBLIK_ORIGINALS_DAYS={raw!r} is not a number of days") from None


ORIGINAL_REMOVED = "removed by the retention of original files ({days} days)"


def drop_old_originals(con: duckdb.DuckDBPyConnection, days: int) -> int:
    """Empty the stored original of every upload whose newest batch is older than days; how many."""
    cutoff = datetime.now() - timedelta(days=days)  # uploaded_at is local time, as recorded
    con.execute("BEGIN TRANSACTION")
    try:
        n = con.execute(
            "SELECT count(*) FROM files WHERE octet_length(content) > 0 AND sha256 IN "
            "(SELECT sha256 FROM batches WHERE action = 'ingest' GROUP BY sha256 HAVING max(uploaded_at) < ?)",
            [cutoff],
        ).fetchall()[0][0]
        if n:
            con.execute(
                "UPDATE files SET content = ''::BLOB, note = ? WHERE octet_length(content) > 0 AND sha256 IN "
                "(SELECT sha256 FROM batches WHERE action = 'ingest' GROUP BY sha256 HAVING max(uploaded_at) < ?)",
                [ORIGINAL_REMOVED.format(days=days), cutoff],
            )
        con.execute("COMMIT")
    except BaseException:
        store.rollback(con)
        raise
    return int(n)


def pin(con: duckdb.DuckDBPyConnection, moment: datetime, reason: str) -> None:
    """Keep the snapshot current at moment through maintenance while the pin is within the retention."""
    with store.write_lock(con):  # a commit like any other
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


def maintain(
    con: duckdb.DuckDBPyConnection, keep_days: int | None = None, originals: int | None = None
) -> dict[str, int | None]:
    """Empty originals past their retention, merge, expire, delete; what was done, counted.
    originals: days to keep original files (default OVERBLIK_ORIGINALS_DAYS; None keeps them)."""
    days = keep_days if keep_days is not None else retention_days()
    originals = originals if originals is not None else originals_days()
    cutoff = datetime.now(UTC) - timedelta(days=days)
    loc = store.location_of(con)
    with store.write_lock(con), maintenance(loc, exclusive=True):
        removed = drop_old_originals(con, originals) if originals is not None else 0
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
        # Merging files is a new data version (store.data_version): the summary names it again.
        summary.refresh(con)
    return {
        "merged": merged,
        "expired": len(old),
        "deleted": deleted,
        "retention_days": days,
        "originals_removed": removed,
        "originals_days": originals,
    }
