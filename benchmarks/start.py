"""Target 5, start: from launching `streamlit run app.py` (on the demo store) to the overview fully
rendered in headless Chromium, at most 2x the same for a hello-world app with one plotly chart,
started and measured the same way.

"Fully rendered" is benchmarks/chromium.py's RENDERED: connected, the script not running and no
running indicator, a heading, every visible plotly chart drawn (and every table painted). The
clock starts before Popen and stops when that holds, so everything app.py and the overview do on a
cold process (imports, the store's connection, the first queries with empty caches, building the
figures, plotly drawing them) counts. The browser is open before the clock starts (it is the
reader's), each start gets a new browser context. /_stcore/health, which answers before app.py
has run at all, is reported beside it (no target: it cannot fail because of the app).

Ours and the hello app run in turns after one untimed warm-up each (a cold disk cache is not what a
restart of the service sees); medians.

    python -m benchmarks.start --slow SECONDS   (check that the target can fail: the same measurement
                                                 for a copy of app.py that sleeps first; exit 0 when
                                                 the target fails for it, as it must)
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks import chromium
from benchmarks.common import (
    CACHE,
    ROOT,
    Config,
    Result,
    Row,
    demo_db,
    fmt_s,
    log,
    median,
    ratio_row,
    stop_group,
)

LIMIT = 2.0
HELLO = """import plotly.express as px
import streamlit as st

st.title("Hello, world")
st.plotly_chart(px.bar(x=["a", "b", "c"], y=[1, 3, 2]))
"""


def time_to_rendered(b: Any, script: Path, store_env: dict[str, str], log_file: Path) -> tuple[float, float]:
    """(seconds to /_stcore/health, seconds to the first page rendered) from Popen; stopped after."""
    page, page_errors = chromium.new_page(b)
    try:
        t0 = time.perf_counter()
        proc, url = chromium.launch(script, store_env, log_file)
        try:
            chromium.wait_healthy(proc, url, log_file)
            health = time.perf_counter() - t0
            page.goto(url, timeout=120_000)
            chromium.wait_rendered(page)
            rendered = time.perf_counter() - t0
            charts = page.evaluate(chromium.CHARTS)
            problems = chromium.errors(page, page_errors)
        finally:
            stop_group(proc)
    finally:
        chromium.close(page)
    if problems or not charts:
        raise RuntimeError(f"{script.name}: {problems[:1] or 'no chart drawn'}")
    return health, rendered


def measure(app: Path, store_env: dict[str, str], repeats: int) -> tuple[list[Row], dict[str, list[float]]]:
    """The start rows for app against the hello app, in turns after a warm-up of each."""
    hello = CACHE / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    logs = {"app": CACHE / "start_app.log", "hello": CACHE / "start_hello.log"}
    t: dict[str, list[float]] = {"app": [], "hello": [], "app_health": [], "hello_health": []}
    with chromium.browser() as b:
        time_to_rendered(b, hello, store_env, logs["hello"])
        time_to_rendered(b, app, store_env, logs["app"])
        for i in range(repeats):
            for side, script in (("hello", hello), ("app", app)):
                health, rendered = time_to_rendered(b, script, store_env, logs[side])
                t[side].append(rendered)
                t[f"{side}_health"].append(health)
            log(
                f"  run {i + 1}/{repeats}: app {t['app'][-1]:.2f} s (health {t['app_health'][-1]:.2f}), "
                f"hello {t['hello'][-1]:.2f} s (health {t['hello_health'][-1]:.2f})"
            )
    a, h = median(t["app_health"]), median(t["hello_health"])
    rows = [
        ratio_row(
            "start to overview rendered (Chromium)",
            median(t["app"]),
            median(t["hello"]),
            LIMIT,
            note="hello: one plotly chart",
        ),
        Row("start to /_stcore/health", fmt_s(a), fmt_s(h), a / h, "reported", None, "before app.py runs"),
    ]
    return rows, t


def run(cfg: Config) -> Result:
    res = Result("start")
    rows, _ = measure(ROOT / "app.py", {"OVERBLIK_DB": str(demo_db())}, cfg.repeats)
    res.rows += rows
    return res


def slow_copy(seconds: float) -> Path:
    """app.py with a sleep before its first line, in the cache beside links to what it loads by path
    (the pages, the icon); the project itself is untouched."""
    folder = CACHE / "slowapp"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("app_pages", "assets"):
        (folder / name).symlink_to(ROOT / name)
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    (folder / "app.py").write_text(f"import time\n\ntime.sleep({seconds})\n{text}", encoding="utf-8")
    return folder / "app.py"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.start")
    ap.add_argument("--slow", type=float, required=True, help="seconds the copy of app.py sleeps first")
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    app = slow_copy(args.slow)
    store_env = {"OVERBLIK_DB": str(demo_db()), "PYTHONPATH": str(ROOT)}
    try:
        rows, _ = measure(app, store_env, args.repeats)
    finally:
        shutil.rmtree(app.parent, ignore_errors=True)
    for r in rows:
        print(f"{r.target}: {r.measured} vs {r.baseline} = {r.ratio:.2f}x ({r.limit}): {r.holds}")
    failed = rows[0].holds is False
    print(f"a {args.slow:g} s sleep in app.py {'fails' if failed else 'does NOT fail'} the start target")
    return 0 if failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
