"""Target 1, ingest: `python -m loaders ingest` of a large allocations sheet into an empty database.

Floor: a child doing only the fastexcel read of the same file plus an Arrow insert into the same
kind of store (store.connect of a new DuckLake store, then CREATE TABLE AS from the Arrow table
into the lake; at most 2.5x). Ours and the floor run in turns, five times each, and the
medians are compared: this machine varies by a third between minutes. Peer:
pandas.read_excel(openpyxl) + DataFrame.to_sql into DuckDB (duckdb-engine), measured for real on the sheet's first 20,000 rows: ours must do at least 10x
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
    ingest,
    log,
    median,
    ratio_row,
    workbook,
)

FLOOR_LIMIT = 2.5
REPEATS = 5  # ours and the floor, in turns: a median of five outlasts a slow minute
PEER_FACTOR = 10.0


def paired_seconds(n: int, repeats: int) -> tuple[float, float, list[float], list[float]]:
    """Median wall times of our ingest and of the floor on the n-row workbook, run in turns so a
    slow patch of the machine hits both sides: (ours, floor, every ours, every floor)."""
    path = workbook(n)
    first, _status, _db = first_ingest(n)
    ours, floors = [first.seconds], []
    for i in range(repeats):
        db = fresh(CACHE / f"floor_{n}.sqlite")
        p, out = child("floor", str(path), str(db))
        if not out.get("files"):
            raise RuntimeError(f"the floor wrote no data file into {db}: {out}")
        log(f"  floor {n:,} run {i + 1}/{repeats}: {p.seconds:.2f} s ({out['rows']:,} rows)")
        floors.append(p.seconds)
        if len(ours) < repeats:
            db = fresh(CACHE / f"again_{n}.sqlite")
            q, status = ingest(path, db)
            if status != "loaded":
                raise RuntimeError(f"ingest of {path.name} failed: {status}")
            log(f"  ours  {n:,} run {len(ours) + 1}/{repeats}: {q.seconds:.2f} s")
            ours.append(q.seconds)
    fresh(CACHE / f"floor_{n}.sqlite")
    fresh(CACHE / f"again_{n}.sqlite")
    return median(ours), median(floors), ours, floors


def peer_rate(n: int) -> tuple[float, str]:
    """Rows per second of the pandas/openpyxl + to_sql path on the first n rows."""
    path = workbook(n)
    db = fresh(CACHE / "peer.duckdb")  # the peer's own DuckDB file (duckdb-engine), not a store
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
        log(f"ours and the floor for {n:,} rows, in turns")
        seconds, floor, _, _ = paired_seconds(n, REPEATS if not cfg.quick else cfg.repeats)
        res.rows.append(ratio_row(f"ingest {n:,} rows vs floor", seconds, floor, FLOOR_LIMIT))
        ours = n / seconds
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
        log(f"  ours {fmt_s(seconds)} = {fmt_rate(ours)}; floor {fmt_s(floor)} (medians)")
    res.rows.append(isolation_row(cfg.small, REPEATS if not cfg.quick else cfg.repeats))
    return res


ISOLATION_LIMIT = 1.10


def isolation_row(n: int, repeats: int) -> Row:
    """What reading an upload in a child process with limits costs: the n-row ingest as it runs
    (isolated) against the same ingest in one process (OVERBLIK_ISOLATE=0), in turns, medians."""
    path = workbook(n)
    isolated, inline = [], []
    for i in range(repeats):
        for env, out in (({}, isolated), ({"OVERBLIK_ISOLATE": "0"}, inline)):
            db = fresh(CACHE / f"isolation_{n}.sqlite")
            p, status = ingest(path, db, extra_env=env)
            if status != "loaded":
                raise RuntimeError(f"ingest of {path.name} failed: {status}")
            out.append(p.seconds)
        log(f"  isolated {isolated[-1]:.2f} s, in one process {inline[-1]:.2f} s ({i + 1}/{repeats})")
    fresh(CACHE / f"isolation_{n}.sqlite")
    return ratio_row(
        f"ingest {n:,} rows, child process with limits vs one process",
        median(isolated),
        median(inline),
        ISOLATION_LIMIT,
    )
