"""Hostile files: for each class (tests/hostile_files.py), the command line's exit code, its message
and its peak memory (parent and child). It holds when every class is refused with exit 1 (the big
CSV: loaded, exit 0) within the child's memory limit."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from benchmarks.common import PY, Config, Result, Row, fmt_mb, log, run_child
from loaders.isolate import Limits
from tests.hostile_files import CLASSES


def run(cfg: Config) -> Result:
    res = Result("hostile")
    limit_kb = Limits.from_env().memory_mb * 1024
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        for name, build in CLASSES.items():
            if cfg.quick and name.startswith("zip lying"):
                continue  # 6 s to build
            path = build(tmp)
            db = tmp / "h.sqlite"
            p = run_child(
                [PY, "-m", "loaders", "ingest", str(path), "--db", str(db), "--json", "--set", "network=AI"]
            )
            try:
                doc = json.loads(p.stdout)
                errors = doc["files"][0]["errors"] if "files" in doc else [doc["error"]]
                message = (
                    f"{errors[0]['code']}: {errors[0]['message'][:70]}"
                    if errors
                    else doc["files"][0]["status"]
                )
            except (ValueError, KeyError, IndexError):
                message = (p.stdout or p.stderr)[-120:]
            expected = 0 if name.startswith("20 MB") else 1
            log(f"  {name}: exit {p.returncode}, {fmt_mb(p.maxrss_kb)}, {message}")
            res.rows.append(
                Row(
                    f"hostile: {name} ({path.stat().st_size / 1e6:.2f} MB)",
                    f"exit {p.returncode}, {fmt_mb(p.maxrss_kb)}",
                    f"exit {expected}, < {fmt_mb(limit_kb)}",
                    None,
                    "refused" if expected else "loaded",
                    p.returncode == expected and p.maxrss_kb < limit_kb,
                    message,
                )
            )
    return res
