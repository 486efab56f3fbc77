"""Target 2, re-upload: on the database after the first large ingest, the same sheet with 1% of the
rows changed takes at most 1.5x the first ingest; that same changed file uploaded again right away
(its plan really is empty against the store now) is recognised in at most 0.2x the first ingest.

The original file uploaded after the changed one is not a duplicate: it would put the 1% back.
It is planned and loaded like any upload, and the report says so.
"""

from __future__ import annotations

from benchmarks.common import (
    CACHE,
    Config,
    Result,
    Row,
    changed_workbook,
    copy_db,
    first_ingest,
    fmt_s,
    fresh,
    ingest,
    log,
    workbook,
)

CHANGED_LIMIT = 1.5
DUPLICATE_LIMIT = 0.2


def run(cfg: Config) -> Result:
    res = Result("reupload")
    n = cfg.large
    first, _status, db0 = first_ingest(n)
    changed = changed_workbook(n)
    db = copy_db(db0, CACHE / f"reupload_{n}.sqlite")
    try:
        log(f"re-upload {changed.name} (1% changed)")
        p1, s1 = ingest(changed, db)
        rows1 = _rows(p1)
        log(f"  {p1.seconds:.1f} s, status {s1}, rows {rows1}")
        r1 = p1.seconds / first.seconds
        ok1 = s1 == "loaded" and r1 <= CHANGED_LIMIT
        res.rows.append(
            Row(
                f"re-upload {n:,} rows, 1% changed",
                fmt_s(p1.seconds),
                f"{fmt_s(first.seconds)} (first ingest)",
                r1,
                f"<= {CHANGED_LIMIT:g}x",
                ok1,
                f"{s1}; {rows1}",
            )
        )
        log(f"upload {changed.name} again (byte-identical to the last upload: nothing would change)")
        p2, s2 = ingest(changed, db)
        log(f"  {p2.seconds:.1f} s, status {s2}")
        r2 = p2.seconds / first.seconds
        res.rows.append(
            Row(
                f"re-upload {n:,} rows, identical to the store",
                fmt_s(p2.seconds),
                f"{fmt_s(first.seconds)} (first ingest)",
                r2,
                f"<= {DUPLICATE_LIMIT:g}x",
                s2 == "duplicate" and r2 <= DUPLICATE_LIMIT,
                f"status {s2}",
            )
        )
        log(f"upload the original {workbook(n).name} again: it puts the 1% back, so it is loaded")
        p3, s3 = ingest(workbook(n), db)
        rows3 = _rows(p3)
        log(f"  {p3.seconds:.1f} s, status {s3}, rows {rows3}")
        if s3 != "loaded":
            raise RuntimeError(f"the original after the changed file should load its changes back: {s3}")
    finally:
        fresh(db)
    return res


def _rows(p: object) -> str:
    try:
        r = p.json()["files"][0]["rows"]  # type: ignore[attr-defined]
    except (ValueError, KeyError, IndexError, TypeError):
        return "?"
    return f"{r['new']} new, {r['changed']} changed, {r['unchanged']} unchanged"
