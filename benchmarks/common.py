"""Shared helpers: paths, timing, child processes with peak RSS, free ports, result rows."""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
PY = sys.executable
VENV_BIN = Path(PY).parent
TIME_BIN = "/usr/bin/time"


@dataclass
class Row:
    """One line of the report. ratio is measured/baseline; holds = ratio <= limit (or >= for mode 'min')."""

    target: str
    measured: str
    baseline: str
    ratio: float | None
    limit: str
    holds: bool | None
    note: str = ""


@dataclass
class Result:
    """One of the five targets: it holds when all of its rows hold."""

    name: str
    rows: list[Row] = field(default_factory=list)
    error: str | None = None

    @property
    def holds(self) -> bool:
        return self.error is None and bool(self.rows) and all(r.holds for r in self.rows)


@dataclass
class Config:
    quick: bool = False

    @property
    def small(self) -> int:
        return 20_000 if self.quick else 100_000

    @property
    def large(self) -> int:
        return 50_000 if self.quick else 500_000

    peer_rows: int = 20_000

    @property
    def repeats(self) -> int:
        return 3


def log(msg: str) -> None:
    """Progress to stderr, with a wall-clock stamp."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def fmt_s(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def fmt_mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def fmt_rate(x: float) -> str:
    return f"{x:,.0f} rows/s"


def env(**extra: str) -> dict[str, str]:
    e = dict(os.environ)
    e.setdefault("OVERBLIK_USER", "bench")
    e.update(extra)
    return e


@dataclass
class Proc:
    seconds: float
    maxrss_kb: int
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


def run_child(argv: Sequence[str], *, extra_env: dict[str, str] | None = None, timeout: float = 900) -> Proc:
    """Run argv in a child, return wall time and the child's peak RSS (KB).

    Peak RSS comes from GNU time -v when present, else from a Python wrapper that execs the
    command and reads getrusage(RUSAGE_CHILDREN): either way it is that one child's, not the sum.
    """
    e = env(**(extra_env or {}))
    if Path(TIME_BIN).exists():
        cmd = [TIME_BIN, "-v", *argv]
    else:
        wrapper = (
            "import resource,subprocess,sys;"
            "r=subprocess.run(sys.argv[1:]).returncode;"
            "sys.stderr.write('Maximum resident set size (kbytes): %d\\n'"
            "%resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(r)"
        )
        cmd = [PY, "-c", wrapper, *argv]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=e, cwd=ROOT, timeout=timeout)
    secs = time.perf_counter() - t0
    rss = 0
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.rsplit(":", 1)[1].strip())
    return Proc(secs, rss, p.returncode, p.stdout, p.stderr)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fresh(path: Path) -> Path:
    """Remove a database file (and its WAL) so the next run starts empty."""
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def copy_db(src: Path, dst: Path) -> Path:
    fresh(dst)
    shutil.copyfile(src, dst)
    wal = src.with_name(src.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, dst.with_name(dst.name + ".wal"))
    return dst


def workbook(n: int, name: str | None = None) -> Path:
    """The seeded n-row allocations workbook, generated once into the cache."""
    from benchmarks.generate import write_allocations

    path = CACHE / (name or f"allocations_{n}.xlsx")
    if not path.exists():
        log(f"generating {path.name} ({n:,} rows)")
        tmp = path.with_suffix(".tmp.xlsx")
        write_allocations(tmp, n)
        tmp.rename(path)
    return path


def demo_db() -> Path:
    """The demo database, built through `make demo` into the cache when absent."""
    path = CACHE / "demo.duckdb"
    if not path.exists():
        log("building demo database (make demo)")
        subprocess.run(
            ["make", "--no-print-directory", "demo", f"DB={path.relative_to(ROOT)}"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env=env(OVERBLIK_USER="demo"),
        )
    return path


def ratio_row(
    target: str,
    measured: float,
    baseline: float,
    limit: float,
    fmt: Callable[[float], str] = fmt_s,
    note: str = "",
) -> Row:
    """measured/baseline must be at most limit."""
    r = measured / baseline if baseline > 0 else float("inf")
    return Row(target, fmt(measured), fmt(baseline), r, f"<= {limit:g}x", r <= limit, note)


def ingest(path: Path, db: Path, extra_env: dict[str, str] | None = None) -> tuple[Proc, str]:
    """`python -m loaders ingest FILE --db DB --json` in a child: (process, the sheet's status)."""
    p = run_child([PY, "-m", "loaders", "ingest", str(path), "--db", str(db), "--json"], extra_env=extra_env)
    try:
        statuses = [f["status"] for f in p.json()["files"]]  # type: ignore[index]
        status = ",".join(statuses)
    except (ValueError, KeyError, TypeError):
        status = f"exit {p.returncode}: {(p.stdout or p.stderr)[-300:]}"
    return p, status


_FIRST: dict[int, tuple[Proc, str, Path]] = {}


def first_ingest(n: int) -> tuple[Proc, str, Path]:
    """Ingest the n-row workbook into an empty database, once per run (shared by three targets)."""
    if n not in _FIRST:
        path = workbook(n)
        db = fresh(CACHE / f"ingest_{n}.duckdb")
        log(f"ingest {path.name} into an empty database")
        p, status = ingest(path, db)
        log(f"  {p.seconds:.1f} s, peak RSS {fmt_mb(p.maxrss_kb)}, status {status}")
        if p.returncode != 0 or status != "loaded":
            raise RuntimeError(f"ingest of {path.name} failed: {status}\n{p.stderr[-2000:]}")
        _FIRST[n] = (p, status, db)
    return _FIRST[n]


def child(mode: str, *args: str) -> tuple[Proc, dict]:
    """Run one baseline of benchmarks/children.py: (process, its JSON line)."""
    p = run_child([PY, "-m", "benchmarks.children", mode, *args])
    if p.returncode != 0:
        raise RuntimeError(f"baseline {mode} failed:\n{p.stderr[-2000:]}")
    return p, json.loads(p.stdout.strip().splitlines()[-1])


def changed_workbook(n: int) -> Path:
    """The n-row workbook with 1% of the amounts changed (a re-upload of an updated sheet)."""
    from benchmarks.generate import allocation_rows, changed_copy, write_allocations

    path = CACHE / f"allocations_{n}_changed.xlsx"
    if not path.exists():
        log(f"generating {path.name} ({n:,} rows, 1% changed)")
        tmp = path.with_suffix(".tmp.xlsx")
        write_allocations(tmp, n, rows=changed_copy(allocation_rows(n), 0.01))
        tmp.rename(path)
    return path


def _make(spec: tuple[str, int]) -> str:
    kind, n = spec
    return str(changed_workbook(n) if kind == "changed" else workbook(n))


def prepare_workbooks(specs: list[tuple[str, int]]) -> None:
    """Generate the missing workbooks up front, two at a time (generation is single-threaded)."""
    from concurrent.futures import ProcessPoolExecutor

    todo = [
        s
        for s in specs
        if not (
            CACHE / (f"allocations_{s[1]}_changed.xlsx" if s[0] == "changed" else f"allocations_{s[1]}.xlsx")
        ).exists()
    ]
    if not todo:
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    # Largest first so the two workers finish close together.
    todo.sort(key=lambda s: -s[1])
    with ProcessPoolExecutor(max_workers=min(2, len(todo))) as ex:
        for p in ex.map(_make, todo):
            log(f"  ready: {Path(p).name}")
    log(f"generated {len(todo)} workbook(s) in {time.perf_counter() - t0:.0f} s")
