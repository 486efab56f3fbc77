"""Target 3, memory: peak RSS of the large ingest child at most 2x the peak RSS of a child doing
only the fastexcel read of the same file (each measured in its own process by GNU time -v, or
getrusage(RUSAGE_CHILDREN) where that is missing).
"""

from __future__ import annotations

from benchmarks.common import Config, Result, child, first_ingest, fmt_mb, log, ratio_row, workbook

LIMIT = 2.0


def run(cfg: Config) -> Result:
    res = Result("memory")
    n = cfg.large
    proc, _status, _db = first_ingest(n)
    log(f"fastexcel read only of {workbook(n).name}")
    read, out = child("read", str(workbook(n)))
    log(f"  peak RSS {fmt_mb(read.maxrss_kb)} ({out['rows']:,} rows)")
    if not proc.maxrss_kb or not read.maxrss_kb:
        raise RuntimeError("peak RSS could not be measured")
    res.rows.append(
        ratio_row(
            f"peak RSS, ingest {n:,} rows",
            proc.maxrss_kb,
            read.maxrss_kb,
            LIMIT,
            fmt=lambda kb: fmt_mb(int(kb)),
        )
    )
    return res
