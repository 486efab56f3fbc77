"""Profile one ingest of the small workbook with pyinstrument and list the hotspots.

    python -m benchmarks.profile [N] [--unkind]  (default: 100,000 rows; also `python -m benchmarks
                                                  --profile`; --unkind: the less kind workbook of N rows)

Writes benchmarks/.cache/profile_N.pyisession and .txt and prints two top-10 lists: by cumulative
time (the project's own functions, which is where a fix goes) and by self time (any function).
The file is read in the same process (OVERBLIK_ISOLATE=0): in the reader's child process the
profiler would see only the parent waiting.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from benchmarks.common import CACHE, PY, ROOT, Config, env, fresh, log, unkind_workbook, workbook


def _walk(frame: Any, stack: set[tuple[str, str]], cum: dict, own: dict) -> None:
    key = (frame.function, f"{_short(frame.file_path or '')}:{frame.line_no}")
    if key not in stack:  # recursion counts once
        cum[key] += frame.time
    own[key] += frame.total_self_time
    stack = stack | {key}
    for c in frame.children:
        _walk(c, stack, cum, own)


def _short(path: str) -> str:
    p = str(path)
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in p:
            return p.split(marker, 1)[1]
    return p


def hotspots(session_file: Path, top: int = 10) -> tuple[float, list[tuple], list[tuple]]:
    """(total seconds, top by cumulative among project functions, top by self time)."""
    from pyinstrument.session import Session

    root = Session.load(str(session_file)).root_frame()
    cum: dict[tuple[str, str], float] = defaultdict(float)
    own: dict[tuple[str, str], float] = defaultdict(float)
    _walk(root, set(), cum, own)
    project = ("loaders/", "store/", "dashboard/")
    skip = {"main", "run", "<module>", "_run_code", "_run_module_as_main", "ingest_file"}
    by_cum = sorted(
        ((f, p, t) for (f, p), t in cum.items() if p.startswith(project) and f not in skip),
        key=lambda x: -x[2],
    )[:top]
    by_self = sorted(((f, p, t) for (f, p), t in own.items() if "[self]" not in f), key=lambda x: -x[2])[:top]
    return root.time, by_cum, by_self


def run(cfg: Config, n: int | None = None, unkind: bool = False) -> str:
    n = n or cfg.small
    path = unkind_workbook(n) if unkind else workbook(n)
    db = fresh(CACHE / f"profile_{n}.sqlite")
    session = CACHE / f"profile_{path.stem}.pyisession"
    log(f"profiling the ingest of {path.name} (pyinstrument)")
    base = [PY, "-m", "pyinstrument", "--interval", "0.001"]
    args = ["-m", "loaders", "ingest", str(path), "--db", str(db), "--json"]
    subprocess.run(
        [*base, "-r", "pyinstrument.renderers.SessionRenderer", "-o", str(session), *args],
        cwd=ROOT,
        env=env(
            OVERBLIK_ISOLATE="0"
        ),  # read, shape and validate in this process, where pyinstrument sees them
        check=True,
        capture_output=True,
    )
    fresh(db)
    # A readable tree too, from the saved session (no second run).
    subprocess.run(
        [
            PY,
            "-m",
            "pyinstrument",
            "--load",
            str(session),
            "-r",
            "text",
            "-o",
            str(session.with_suffix(".txt")),
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    total, by_cum, by_self = hotspots(session)
    lines = [
        f"Profile of `python -m loaders ingest` of {path.name}: {total:.1f} s sampled ({session.with_suffix('.txt')})"
    ]
    lines.append("Top 10 by cumulative seconds (project functions):")
    lines += [f"  {t:7.2f} s  {f}  ({p})" for f, p, t in by_cum]
    lines.append("Top 10 by self seconds (any function):")
    lines += [f"  {t:7.2f} s  {f}  ({p})" for f, p, t in by_self]
    text = "\n".join(lines)
    print(text, file=sys.stderr)
    return text


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--unkind"]
    size = int(args[0]) if args else 100_000
    print(run(Config(), size, unkind="--unkind" in sys.argv[1:]))
