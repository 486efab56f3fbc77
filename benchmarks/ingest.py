"""Target 1, ingest: `python -m loaders ingest` of a large allocations sheet into an empty database.

Floor: a child doing only the fastexcel read of the same file plus a DuckDB CREATE TABLE AS from
the Arrow table (at most 2.5x). Peer: pandas.read_excel(openpyxl) + DataFrame.to_sql into DuckDB
(duckdb-engine), measured for real on the sheet's first 20,000 rows: ours must do at least 10x
its rows per second. Both sides run end to end as child processes (interpreter start included).
"""

from __future__ import annotations

from benchmarks.common import (
    CACHE,
    Config,
    Result,
    Row,
    child,
    first_ingest,
    fmt_rate,
    fmt_s,
    fresh,
    log,
    median,
    ratio_row,
    workbook,
)

FLOOR_LIMIT = 2.5
PEER_FACTOR = 10.0


def floor_seconds(n: int, repeats: int) -> float:
    """Median wall time of the fastexcel + DuckDB floor on the n-row workbook."""
    path = workbook(n)
    times = []
    for i in range(repeats):
        db = fresh(CACHE / f"floor_{n}.duckdb")
        p, out = child("floor", str(path), str(db))
        log(f"  floor {n:,} run {i + 1}/{repeats}: {p.seconds:.2f} s ({out['rows']:,} rows)")
        times.append(p.seconds)
    fresh(CACHE / f"floor_{n}.duckdb")
    return median(times)


def peer_rate(n: int) -> tuple[float, str]:
    """Rows per second of the pandas/openpyxl + to_sql path on the first n rows."""
    path = workbook(n)
    db = fresh(CACHE / "peer.duckdb")
    log(f"peer path (pandas.read_excel openpyxl + to_sql) on {n:,} rows")
    p, out = child("peer", str(path), str(db))
    fresh(db)
    log(f"  {p.seconds:.1f} s into {out['sink']}")
    return out["rows"] / p.seconds, out["sink"]


def run(cfg: Config) -> Result:
    res = Result("ingest")
    sizes = [cfg.small, cfg.large]
    rate, sink = peer_rate(cfg.peer_rows)
    for n in sizes:
        proc, _status, _db = first_ingest(n)
        log(f"floor for {n:,} rows")
        floor = floor_seconds(n, cfg.repeats if n <= cfg.small else 1)
        res.rows.append(ratio_row(f"ingest {n:,} rows vs floor", proc.seconds, floor, FLOOR_LIMIT))
        ours = n / proc.seconds
        r = ours / rate
        res.rows.append(
            Row(
                f"ingest {n:,} rows vs peer",
                fmt_rate(ours),
                f"{fmt_rate(rate)} (peer, {cfg.peer_rows:,} rows, {sink})",
                r,
                f">= {PEER_FACTOR:g}x",
                r >= PEER_FACTOR,
            )
        )
        log(f"  ours {fmt_s(proc.seconds)} = {fmt_rate(ours)}; floor {fmt_s(floor)}")
    return res
