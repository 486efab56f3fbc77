"""Pages on PostgreSQL: every dashboard page renders on a store of 10,000,000 allocations with a
PostgreSQL catalog in at most 3x the time it takes on the demo data with a PostgreSQL catalog,
first render and after a filter change (the method of the pages target: AppTest in a child per
store, in turns, medians); and no element sends more than 10,000 rows or points.

Each run starts its own PostgreSQL (Debian's, through .ci/postgres on a free loopback port) and
stops it at the end, also on failure; a server that cannot be started is an error, never a skip.
Both stores are made fresh in new databases of that server, each with its own data folder:

- demo: the demo workbooks through the loaders, exactly as `make demo` ingests them;
- large: the large store's generator (benchmarks/largedb.py) with 10,000,000 allocations, in
  large INSERT ... SELECT statements through store.connect (no loader).

    python -m benchmarks.pagespg build N     (a child: fill the store the environment names)
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks.common import (
    CACHE,
    PY,
    ROOT,
    Config,
    Result,
    Row,
    env,
    free_port,
    log,
)

LIMIT = 3.0
N_ALLOCATIONS = 10_000_000
POSTGRES = ROOT / ".ci" / "postgres"


def _pg(port: int, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(POSTGRES), *args],
        cwd=ROOT,
        env={**os.environ, "PGPORT": str(port)},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _create_database(port: int, name: str) -> None:
    p = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "postgres", "-qc"]
        + [f"CREATE DATABASE {name}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if p.returncode != 0:
        raise RuntimeError(f"CREATE DATABASE {name} failed: {(p.stdout + p.stderr)[-500:]}")


def _store_env(port: int, name: str, data: Path) -> dict[str, str]:
    """The environment that points Overblik at the store in database name with data folder data."""
    return {
        "OVERBLIK_CATALOG": f"postgres:dbname={name} host=127.0.0.1 port={port} user=postgres",
        "OVERBLIK_DATA_PATH": str(data),
    }


def _demo_ingests() -> list[list[str]]:
    """The loader commands of `make demo`, read from the Makefile (make -n), without --db: the
    environment names the store."""
    marker = "__BENCH_STORE__"
    p = subprocess.run(
        ["make", "-n", "--no-print-directory", "demo", f"DB={marker}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    out = []
    for line in p.stdout.splitlines():
        if "-m loaders ingest" not in line:
            continue
        words = shlex.split(line)
        words = words[words.index("-m") :]  # after OVERBLIK_USER=demo .venv/bin/python
        i = words.index("--db")
        out.append(words[:i] + words[i + 2 :])
    if not out:
        raise RuntimeError("no `loaders ingest` lines in `make -n demo`")
    return out


def _load_demo(store_env: dict[str, str]) -> None:
    for args in _demo_ingests():
        p = subprocess.run(
            [PY, *args],
            cwd=ROOT,
            env=env(OVERBLIK_USER="demo", **store_env),
            capture_output=True,
            text=True,
            timeout=600,
        )
        if p.returncode != 0:
            raise RuntimeError(f"demo ingest {args[3:]} failed: {(p.stdout + p.stderr)[-800:]}")


def _build_large(store_env: dict[str, str], n: int) -> None:
    p = subprocess.run(
        [PY, "-m", "benchmarks.pagespg", "build", str(n)],
        cwd=ROOT,
        env=env(**store_env),
        capture_output=True,
        text=True,
        timeout=1800,
    )
    sys.stderr.write("".join(line + "\n" for line in p.stderr.splitlines() if line.startswith("[bench")))
    if p.returncode != 0:
        raise RuntimeError(f"building the large store failed:\n{p.stderr[-2000:]}")


def build(n: int) -> None:
    """In a child: fill the new store the environment names with the large store's generator."""
    import store
    from benchmarks import largedb

    loc = store.location()
    if loc.sqlite_file is not None:
        raise SystemExit("build: OVERBLIK_CATALOG must name a PostgreSQL catalog")
    con = store.connect()
    try:
        largedb.fill(con, n_allocations=n)
        got = con.execute("SELECT count(*) FROM allocations").fetchone()[0]
        catalog = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'lake'").fetchone()[
            0
        ]
    finally:
        con.close()
    if got != n or not str(catalog).startswith("postgres:"):
        raise SystemExit(f"build: {got:,} allocations in {catalog}, expected {n:,} in PostgreSQL")


def run(cfg: Config) -> Result:
    from benchmarks import pages

    res = Result("pagespg")
    n = 1_000_000 if cfg.quick else N_ALLOCATIONS
    port = free_port()  # never the port a `make test-postgres` running meanwhile uses
    folder = CACHE / "pagespg"
    shutil.rmtree(folder, ignore_errors=True)
    log(f"starting PostgreSQL on 127.0.0.1:{port} (.ci/postgres)")
    try:
        p = _pg(port, "start")
        if p.returncode != 0:
            raise RuntimeError(f".ci/postgres start failed: {(p.stdout + p.stderr).strip()[-500:]}")
        run_id = uuid.uuid4().hex[:8]
        stores = {}
        for kind in ("demo", "large"):
            name = f"bench_{kind}_{run_id}"
            _create_database(port, name)
            stores[kind] = _store_env(port, name, folder / kind)
        t = time.perf_counter()
        log("demo workbooks into the PostgreSQL catalog (the loaders, as make demo)")
        _load_demo(stores["demo"])
        log(f"  {time.perf_counter() - t:.0f} s")
        t = time.perf_counter()
        log(f"large store: {n:,} allocations into the PostgreSQL catalog (INSERT ... SELECT)")
        _build_large(stores["large"], n)
        log(f"  {time.perf_counter() - t:.0f} s")
        runs = 2  # one per turn: a run of every page on 10M allocations takes minutes
        halves = (runs // 2, runs - runs // 2)
        d: dict[str, Any] = {}
        g: dict[str, Any] = {}
        for turn, k in enumerate(halves, 1):
            log(f"AppTest on the demo data, PostgreSQL catalog, turn {turn} ({k} runs per page)")
            pages.pool(d, pages.measure("-", k, stores["demo"]))
            log(f"AppTest on {n:,} allocations, PostgreSQL catalog, turn {turn} ({k} runs per page)")
            pages.pool(g, pages.measure("-", k, stores["large"]))
        res.rows += pages.rows(g, d, LIMIT, f"{n / 1e6:g}M allocations, PostgreSQL", prefix="pg ")
    finally:
        stop = _pg(port, "stop", timeout=120)
        log(f"PostgreSQL stopped (exit {stop.returncode})")
        shutil.rmtree(folder, ignore_errors=True)
    if stop.returncode != 0:
        res.rows.append(Row("pg server stopped", f"exit {stop.returncode}", "exit 0", None, "stopped", False))
    return res


if __name__ == "__main__":
    if sys.argv[1:2] == ["build"]:
        build(int(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
