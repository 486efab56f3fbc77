"""Target 1, ingest: `python -m loaders ingest` of an allocations workbook into an empty store,
every cell validated, against two baselines measured on the same file in the same run:

- the floor: a child doing only the fastexcel read of every sheet plus an Arrow insert into the
  same kind of store (store.connect of a new DuckLake store, CREATE TABLE AS into the lake, one
  commit): nothing read, typed or checked beyond what fastexcel does. Ours at most 1.8x.
- the analyst: what a competent analyst writes in a notebook, no validation at all:
  pandas.read_excel(engine="calamine", header=2, dtype=str), then DuckDB's CREATE TABLE AS SELECT *
  FROM df into a DuckDB file (benchmarks/children.py says why the old to_sql peer is gone). Ours at
  most 0.5x at 500,000 rows (at 100,000 rows the ratio is reported).

Both on two workbooks: the kind one (every amount a multiple of 1.000, values repeating) at 100,000
and 500,000 rows, and the less kind one (benchmarks/generate.py: a fifth of the amounts with øre,
mostly distinct project titles and remarks, and a meetings sheet under section rows) at 500,000
allocations plus 20,000 meetings. All three sides run end to end as child processes (interpreter
start included), in turns (ours, floor, analyst; again), three turns, and the medians are
compared: this machine varies by a third between minutes. The 500,000-row notes say where the time
goes: our stages (one extra run through loaders.ingest.ingest_file with its progress reports:
benchmarks/children.py stages) and the analyst's start, read and write.

A last row: what reading an upload in a child process with limits costs (the 100,000-row ingest as
it runs against the same in one process, OVERBLIK_ISOLATE=0), at most 1.1x.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.common import (
    CACHE,
    OURS,
    Config,
    Proc,
    Result,
    Row,
    child,
    first_ingest,
    fmt_s,
    fresh,
    ingest,
    log,
    median,
    ratio_row,
    unkind_workbook,
    workbook,
)

FLOOR_LIMIT = 1.8
ANALYST_LIMIT = 0.5
ISOLATION_LIMIT = 1.10
# Turns of ours, the floor and the analyst: three turns of three sides on three workbooks already
# take a quarter of the 15 minutes `make bench` may use.
REPEATS = 3


def ours_once(path: Path, n: int) -> Proc:
    db = fresh(CACHE / f"again_{n}.sqlite")
    q, status = ingest(path, db)
    fresh(db)
    if q.returncode != 0 or set(status.split(",")) != {"loaded"}:
        raise RuntimeError(f"ingest of {path.name} failed: {status}\n{q.stderr[-1500:]}")
    return q


def in_turns(path: Path, key: tuple[str, int], repeats: int, first: Proc | None = None) -> dict[str, list]:
    """Ours, the floor and the analyst on one workbook, in turns: every run of each side (Proc, and
    for the baselines their JSON line)."""
    n = key[1]
    runs: dict[str, list] = {"ours": [first] if first else [], "floor": [], "analyst": []}
    for i in range(repeats):
        if len(runs["ours"]) <= i:
            runs["ours"].append(ours_once(path, n))
        for side in ("floor", "analyst"):
            db = fresh(CACHE / f"{side}_{n}.{'sqlite' if side == 'floor' else 'duckdb'}")
            p, out = child(side, str(path), str(db))
            fresh(db)
            runs[side].append((p, out))
        log(
            f"  {path.name} turn {i + 1}/{repeats}: ours {runs['ours'][i].seconds:.2f} s, "
            f"floor {runs['floor'][-1][0].seconds:.2f} s, analyst {runs['analyst'][-1][0].seconds:.2f} s"
        )
    OURS.setdefault(key, []).extend(runs["ours"])
    return runs


def stages(path: Path, n: int) -> str:
    """Where one run of ours spends its time, by the stages the loader reports."""
    db = fresh(CACHE / f"stages_{n}.sqlite")
    p, out = child("stages", str(path), str(db))
    fresh(db)
    if out["status"].split(",") != ["loaded"] * len(out["status"].split(",")):
        raise RuntimeError(f"staged ingest of {path.name}: {out['status']}")
    parts = dict(out["stages"])
    parts["start"] = p.seconds - out["seconds"] + parts.pop("imports")  # interpreter and imports
    parts["connect"] = parts.pop("connect") + parts.pop("hash", 0.0)  # open the store, hash the file
    order = ("start", "connect", "read", "check", "plan", "save")
    return "ours " + " ".join(f"{k} {parts[k]:.1f}" for k in order if k in parts)


def rows_for(label: str, n: int, runs: dict[str, list], analyst_target: bool, where: str) -> list[Row]:
    ours = median([p.seconds for p in runs["ours"]])
    floor = median([p.seconds for p, _ in runs["floor"]])
    analyst = median([p.seconds for p, _ in runs["analyst"]])
    a_read = median([o["read"] for _, o in runs["analyst"]])
    a_write = median([o["write"] for _, o in runs["analyst"]])
    a_start = median([p.seconds - o["seconds"] for p, o in runs["analyst"]])
    f_read = median([o["read"] for _, o in runs["floor"]])
    out = [ratio_row(f"ingest {label} vs floor", ours, floor, FLOOR_LIMIT, note=f"floor read {f_read:.1f} s")]
    note = " | ".join(
        x for x in (where, f"analyst start {a_start:.1f} read {a_read:.1f} write {a_write:.1f}") if x
    )
    if analyst_target:
        out.append(ratio_row(f"ingest {label} vs analyst", ours, analyst, ANALYST_LIMIT, note=note))
    else:
        r = ours / analyst
        out.append(Row(f"ingest {label} vs analyst", fmt_s(ours), fmt_s(analyst), r, "reported", None, note))
    log(f"  {label}: ours {fmt_s(ours)}, floor {fmt_s(floor)}, analyst {fmt_s(analyst)} (medians); {note}")
    return out


def run(cfg: Config) -> Result:
    res = Result("ingest")
    repeats = 2 if cfg.quick else REPEATS
    for n in (cfg.small, cfg.large):
        path = workbook(n)
        first = first_ingest(n)[0] if n == cfg.large else None
        log(f"ours, the floor and the analyst on {path.name}, in turns")
        runs = in_turns(path, ("plain", n), repeats, first)
        where = stages(path, n) if n == cfg.large else ""
        res.rows += rows_for(f"{n:,} rows", n, runs, n == cfg.large, where)
    n = cfg.large
    path = unkind_workbook(n)
    log(f"ours, the floor and the analyst on {path.name} (the less kind workbook), in turns")
    runs = in_turns(path, ("unkind", n), repeats)
    label = f"{n:,} rows less kind (øre, distinct texts; + {n // 25:,} meetings)"
    res.rows += rows_for(label, n, runs, True, stages(path, n))
    res.rows.append(isolation_row(cfg.small, repeats))
    return res


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
