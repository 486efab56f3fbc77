"""Target 5, start: from launching `streamlit run app.py` (on the demo database) to HTTP 200 from
/_stcore/health, at most 2x the same for a bare hello-world script started the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks.common import (
    CACHE,
    ROOT,
    VENV_BIN,
    Config,
    Result,
    demo_db,
    env,
    fmt_s,
    free_port,
    log,
    median,
    ratio_row,
)

LIMIT = 2.0
TIMEOUT = 120.0
HELLO = 'import streamlit as st\n\nst.write("Hello, world")\n'


def time_to_health(script: Path, db: Path) -> float:
    """Seconds from Popen to the first HTTP 200 on /_stcore/health; the server is stopped after."""
    port = free_port()
    cmd = [
        str(VENV_BIN / "streamlit"),
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    url = f"http://127.0.0.1:{port}/_stcore/health"
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env(OVERBLIK_DB=str(db)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"streamlit exited with {proc.returncode}: {err[-1000:]}")
            try:
                with urllib.request.urlopen(url, timeout=1) as r:
                    if r.status == 200:
                        return time.perf_counter() - t0
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            if time.perf_counter() - t0 > TIMEOUT:
                raise RuntimeError(f"{script.name}: no HTTP 200 from {url} within {TIMEOUT:.0f} s")
            time.sleep(0.02)
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM the server's own process group (it was started in a new session), SIGKILL if it lingers."""
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
    if proc.stderr:
        proc.stderr.close()


def run(cfg: Config) -> Result:
    res = Result("start")
    db = demo_db()
    hello = CACHE / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    app, bare = [], []
    # Interleaved, so a busy moment on the machine hits both sides alike; one untimed warm-up each
    # (the first start after a cold disk cache is not what a user restarting the service sees).
    time_to_health(hello, db)
    time_to_health(ROOT / "app.py", db)
    for i in range(cfg.repeats):
        bare.append(time_to_health(hello, db))
        app.append(time_to_health(ROOT / "app.py", db))
        log(f"  run {i + 1}/{cfg.repeats}: app.py {app[-1]:.2f} s, hello.py {bare[-1]:.2f} s")
    res.rows.append(ratio_row("start to /_stcore/health", median(app), median(bare), LIMIT, fmt=fmt_s))
    return res
