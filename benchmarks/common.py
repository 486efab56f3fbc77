"""Shared helpers: paths, timing, child processes with peak RSS, free ports, result rows."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
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
    """One target: it holds when all of its rows with a limit hold."""

    name: str
    rows: list[Row] = field(default_factory=list)
    error: str | None = None

    @property
    def reported(self) -> bool:
        """Only figures, no target (yet): not counted among the targets."""
        return self.error is None and bool(self.rows) and all(r.holds is None for r in self.rows)

    @property
    def holds(self) -> bool:
        return (
            self.error is None and bool(self.rows) and all(r.holds for r in self.rows if r.holds is not None)
        )


@dataclass
class Config:
    quick: bool = False

    @property
    def small(self) -> int:
        return 20_000 if self.quick else 100_000

    @property
    def large(self) -> int:
        return 50_000 if self.quick else 500_000

    @property
    def repeats(self) -> int:
        return 3


def log(msg: str) -> None:
    """Progress to stderr, with a wall-clock stamp."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs)


def percentile(xs: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of xs, linear between the closest ranks."""
    s = sorted(xs)
    if not s:
        raise ValueError("no values")
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


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


# Where a store is: every child is told explicitly (--db, or these in extra), never by whatever
# the shell running the benchmarks happens to have set.
STORE_ENV = ("OVERBLIK_DB", "OVERBLIK_CATALOG", "OVERBLIK_DATA_PATH")


def env(**extra: str) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if k not in STORE_ENV}
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
    cpu: float = 0.0  # user + system seconds of the child and its children (GNU time -v; 0 without it)

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
    rss, cpu = 0, 0.0
    for line in p.stderr.splitlines():
        if "Maximum resident set size" in line:
            rss = int(line.rsplit(":", 1)[1].strip())
        elif line.strip().startswith(("User time (seconds)", "System time (seconds)")):
            cpu += float(line.rsplit(":", 1)[1].strip())
    return Proc(secs, rss, p.returncode, p.stdout, p.stderr, cpu)


def stop_group(proc: subprocess.Popen) -> None:
    """SIGTERM a child started in its own session (and its children), SIGKILL if it lingers."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@contextlib.contextmanager
def streamlit_server(
    store_env: dict[str, str], log_file: Path, timeout: float = 120
) -> Iterator[tuple[str, int]]:
    """`streamlit run app.py` on the store store_env names (OVERBLIK_DB, or OVERBLIK_CATALOG and
    OVERBLIK_DATA_PATH), its output in log_file; yields (its URL, its pid) once /_stcore/health
    answers."""
    port = free_port()
    with open(log_file, "wb") as out:
        proc = subprocess.Popen(
            [str(VENV_BIN / "streamlit"), "run", "app.py", "--server.port", str(port)]
            + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT,
            env=env(**store_env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, log_file, timeout, poll=0.1)
        yield url, proc.pid
    finally:
        stop_group(proc)


def wait_healthy(
    proc: subprocess.Popen, url: str, log_file: Path, timeout: float = 120.0, poll: float = 0.02
) -> None:
    """Until /_stcore/health answers 200 (polled every poll seconds); an exit or a timeout raises."""
    t0 = time.perf_counter()
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {log_file.read_text()[-1000:]}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(
                f"streamlit did not answer within {timeout:.0f} s: {log_file.read_text()[-1000:]}"
            )
        time.sleep(poll)


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and its live descendants, with the children they have reaped."""
    stats: dict[int, tuple[int, int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            text = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue
        rest = text[text.rindex(")") + 2 :].split()
        stats[int(d)] = (int(rest[1]), sum(int(x) for x in rest[11:15]))  # ppid; utime..cstime
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo, seen = 0, [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        total += stats[pid][1]
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> float:
    """CPU seconds the whole machine has been busy (every core, every process) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def lake_dir(path: Path) -> Path:
    """The data folder of the embedded store whose catalog is path (store.location's rule:
    data/overblik.sqlite keeps its Parquet files in data/overblik.lake/)."""
    return path.with_name(path.stem + ".lake")


def fresh(path: Path) -> Path:
    """Remove an embedded store (its catalog, the catalog's WAL and lock files, its data folder)
    so the next run starts empty."""
    for suffix in ("", "-wal", "-shm", "-journal", ".lock", ".maintenance.lock", ".wal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.rmtree(lake_dir(path), ignore_errors=True)
    return path


def move_store(src: Path, dst: Path) -> Path:
    """Rename a closed embedded store, catalog and data folder together (DuckLake names its data
    files relative to the data folder, and store.connect gives the folder beside the catalog)."""
    fresh(dst)
    if lake_dir(src).exists():
        lake_dir(src).rename(lake_dir(dst))
    for suffix in ("-wal", "-shm"):  # normally gone once the last connection closed
        side = src.with_name(src.name + suffix)
        if side.exists():
            side.rename(dst.with_name(dst.name + suffix))
    src.rename(dst)
    fresh(src)  # its lock files
    return dst


def copy_db(src: Path, dst: Path) -> Path:
    """A working copy of the embedded store src at dst (store.backup.clone: the catalog through
    SQLite's backup API, then the data folder)."""
    from store import backup

    fresh(dst)
    backup.clone(src, dst)
    return dst


def code_version(*files: Path, extra: str = "") -> str:
    """A short hash of files' bytes: a cached store built from them is rebuilt when one changes."""
    h = hashlib.sha256(extra.encode())
    for f in files:
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:10]


SCHEMA_FILES = [ROOT / "store" / n for n in ("schema.sql", "views.sql", "tables.py", "summary.py")]


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
    """The demo store, built through `make demo` into the cache when absent; keyed by the demo
    workbooks and the schema, so a change of either builds it again."""
    demo_files = sorted((ROOT / "data" / "demo").glob("*.xlsx"))
    path = CACHE / f"demo_{code_version(*demo_files, *SCHEMA_FILES, ROOT / 'Makefile')}.sqlite"
    if not path.exists():
        for old in CACHE.glob("demo*.sqlite"):
            fresh(old)
        log("building demo store (make demo)")
        tmp = fresh(CACHE / "building_demo.sqlite")
        p = subprocess.run(
            ["make", "--no-print-directory", "demo", f"DB={tmp.relative_to(ROOT)}"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env=env(OVERBLIK_USER="demo"),
        )
        if p.returncode != 0:
            fresh(tmp)
            raise RuntimeError(f"make demo failed:\n{(p.stdout + p.stderr)[-2000:]}")
        move_store(tmp, path)
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
# Every run of our ingest of a workbook into an empty store this run made, by (workbook kind, rows):
# the cost curve takes those of the ingest target instead of running them again.
OURS: dict[tuple[str, int], list[Proc]] = {}


def first_ingest(n: int) -> tuple[Proc, str, Path]:
    """Ingest the n-row workbook into an empty database, once per run (shared by three targets)."""
    if n not in _FIRST:
        path = workbook(n)
        db = fresh(CACHE / f"ingest_{n}.sqlite")
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


def unkind_workbook(n: int) -> Path:
    """The less kind workbook (benchmarks/generate.py): n allocations with øre and distinct texts,
    and a meetings sheet under section rows; generated once into the cache."""
    from benchmarks.generate import UNKIND_VERSION, write_unkind

    path = CACHE / f"unkind_v{UNKIND_VERSION}_{n}.xlsx"
    if not path.exists():
        log(f"generating {path.name} ({n:,} allocations with øre, meetings under section rows)")
        tmp = path.with_suffix(".tmp.xlsx")
        write_unkind(tmp, n)
        tmp.rename(path)
    return path


WORKBOOKS: dict[str, Callable[[int], Path]] = {
    "plain": workbook,
    "changed": changed_workbook,
    "unkind": unkind_workbook,
}


def _cached_name(kind: str, n: int) -> str:
    from benchmarks.generate import UNKIND_VERSION

    return {
        "plain": f"allocations_{n}.xlsx",
        "changed": f"allocations_{n}_changed.xlsx",
        "unkind": f"unkind_v{UNKIND_VERSION}_{n}.xlsx",
    }[kind]


def _make(spec: tuple[str, int]) -> str:
    kind, n = spec
    return str(WORKBOOKS[kind](n))


def prepare_workbooks(specs: list[tuple[str, int]]) -> None:
    """Generate the missing workbooks up front, two at a time (generation is single-threaded)."""
    from concurrent.futures import ProcessPoolExecutor

    todo = [s for s in specs if not (CACHE / _cached_name(*s)).exists()]
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
