"""Target 4, pages: every dashboard page renders on a large database in at most 2x the time it takes
on the demo database, both on first render (cold caches) and after a filter change; and no element
sends more than 10,000 rows (table rows or chart points) to the browser.

Each database is measured in its own child process (`python -m benchmarks.pages DB REPEATS`)
under streamlit.testing.v1.AppTest, so the two never share a cached connection or query.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import PY, ROOT, Config, Result, Row, demo_db, env, fmt_s, log, median

PAGES = ["overview", "network_activity", "people", "projects", "eu_projects", "funding_pools"]
LIMIT = 2.0
MAX_ROWS = 10_000
REGION = "Region Syddanmark"  # in every view of the demo data (and of the large database)
DTYPE_SIZE = {"i1": 1, "u1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "f4": 4, "i8": 8, "u8": 8, "f8": 8}
ARRAY_KEYS = ("x", "y", "z", "values", "labels", "lat", "lon", "r", "theta", "ids", "customdata", "text")


def _length(v: Any) -> int:
    """Points in one plotly data array: a list, or plotly's typed array {dtype, bdata}."""
    if isinstance(v, list):
        return len(v)
    if isinstance(v, dict) and "bdata" in v:
        return len(base64.b64decode(v["bdata"])) // DTYPE_SIZE.get(str(v.get("dtype", "f8")), 8)
    return 0


def figure_points(spec: str) -> int:
    """Points a plotly figure sends: per trace the longest data array, summed over traces."""
    fig = json.loads(spec)
    data = fig.get("data", []) if isinstance(fig, dict) else []
    return sum(max((_length(tr.get(k)) for k in ARRAY_KEYS), default=0) for tr in data)


def _elements(at: Any) -> list[tuple[str, int]]:
    """(element label, rows or points) of every table and chart on the page."""
    out: list[tuple[str, int]] = []
    for i, df in enumerate(at.dataframe):
        out.append((f"dataframe {df.key or f'#{i}'}", len(df.value)))
    for el in at.get("plotly_chart"):
        out.append((f"plotly {getattr(el, 'key', None) or '?'}", figure_points(el.proto.spec)))
    return out


def child(db: str, repeats: int) -> dict[str, Any]:
    """In this process: time every page's first render and a region filter change on db (the
    catalog of an embedded store; '-': the store the environment names, OVERBLIK_CATALOG and
    OVERBLIK_DATA_PATH)."""
    if db != "-":
        os.environ["OVERBLIK_DB"] = db
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    app = str(ROOT / "app.py")

    def fresh_app() -> Any:
        return AppTest.from_file(app, default_timeout=300)

    def check(at: Any, what: str, errors: list[str] | None = None) -> None:
        """A page that raises is reported (and fails its row); the app itself failing is fatal."""
        if at.exception:
            msg = f"{what}: {at.exception[0].message}"
            if errors is None:
                raise RuntimeError(msg)
            if msg not in errors:
                errors.append(msg)

    # Warm the process once (imports, the cached connection, the schema check), untimed.
    fresh_app().run()
    out: dict[str, Any] = {}
    for page in PAGES:
        first, filt, elements, errors = [], [], {}, []
        for _ in range(repeats):
            at = fresh_app()
            at.run()  # the default page first, as a reader arrives
            check(at, "app")
            st.cache_data.clear()
            t0 = time.perf_counter()
            at.switch_page(f"app_pages/{page}.py").run()
            first.append(time.perf_counter() - t0)
            check(at, "first render", errors)
            for label, n in _elements(at):
                elements[label] = max(n, elements.get(label, 0))
            ms = at.multiselect(key="region")
            region = REGION if REGION in ms.options else ms.options[0]
            t0 = time.perf_counter()
            ms.set_value([region]).run()
            filt.append(time.perf_counter() - t0)
            check(at, "filtered", errors)
            for label, n in _elements(at):
                elements[label] = max(n, elements.get(label, 0))
        out[page] = {"first": first, "filter": filt, "elements": elements, "errors": errors}
        print(
            f"[pages]   {page}: first {median(first):.3f} s, filter {median(filt):.3f} s"
            + (f", ERRORS: {errors}" if errors else ""),
            file=sys.stderr,
            flush=True,
        )
    return out


def measure(db: str, repeats: int, store_env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run child() in its own process: on db, or with db '-' on the store store_env names."""
    p = subprocess.run(
        [PY, "-m", "benchmarks.pages", db, str(repeats)],
        cwd=ROOT,
        env=env(**(store_env or {})),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    sys.stderr.write(
        "".join(line[8:] + "\n" for line in p.stderr.splitlines() if line.startswith("[pages] "))
    )
    if p.returncode != 0:
        raise RuntimeError(f"AppTest run on {db if db != '-' else store_env} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def pool(into: dict[str, Any], more: dict[str, Any]) -> None:
    """Add one child's timings, errors and element sizes (the largest) to those of earlier turns."""
    for page, m in more.items():
        if page not in into:
            into[page] = m
            continue
        for phase in ("first", "filter"):
            into[page][phase] = list(into[page][phase]) + list(m[phase])
        into[page]["errors"] = list(into[page]["errors"]) + [
            e for e in m["errors"] if e not in into[page]["errors"]
        ]
        el = into[page]["elements"]
        into[page]["elements"] = {
            k: max(el.get(k, 0), m["elements"].get(k, 0)) for k in {*el, *m["elements"]}
        }


def run(cfg: Config) -> Result:
    from benchmarks import largedb

    res = Result("pages")
    demo = demo_db()
    large = largedb.build()
    # Both sides get the same number of runs and the median; the two sides run in turns (demo,
    # large, demo, large), so a slow minute of the machine falls on both, and the runs of each side
    # are pooled. Four, not eight: with the browser targets beside it, eight runs of every page
    # on both stores took a quarter of the 15 minutes `make bench` may use.
    runs = 2 if cfg.quick else 4
    halves = (runs // 2, runs - runs // 2)
    d: dict[str, Any] = {}
    g: dict[str, Any] = {}
    for turn, k in enumerate(halves, 1):
        log(f"AppTest on the demo database, turn {turn} ({k} runs per page)")
        pool(d, measure(str(demo), k))
        log(f"AppTest on the large database, turn {turn} ({k} runs per page)")
        pool(g, measure(str(large), k))
    res.rows += rows(g, d, LIMIT, "large db")
    return res


def rows(g: dict[str, Any], d: dict[str, Any], limit: float, what: str, prefix: str = "") -> list[Row]:
    """A row per page and phase (the large store's median over the demo's, at most limit, and no
    page raised on either), and the largest element the large store's pages sent."""
    out: list[Row] = []
    worst: tuple[int, str] = (0, "-")
    for page in PAGES:
        for phase, label in (("first", "first render"), ("filter", "filter change")):
            a, b = median(g[page][phase]), median(d[page][phase])
            r = a / b
            errs = [e for e in g[page]["errors"] if e.startswith("first" if phase == "first" else "filtered")]
            errs += [
                f"demo {e}"
                for e in d[page]["errors"]
                if e.startswith("first" if phase == "first" else "filtered")
            ]
            out.append(
                Row(
                    f"{prefix}page {page}: {label}",
                    fmt_s(a),
                    f"{fmt_s(b)} (demo)",
                    r,
                    f"<= {limit:g}x",
                    r <= limit and not errs,
                    ("page raised " + "; ".join(e.split(": ", 1)[1] for e in errs)[:120]) if errs else "",
                )
            )
        for label, n in g[page]["elements"].items():
            if n > worst[0]:
                worst = (n, f"{page}: {label}")
    out.append(
        Row(
            f"{prefix}largest element sent ({what})",
            f"{worst[0]:,} rows/points",
            f"{MAX_ROWS:,} max",
            None,
            f"<= {MAX_ROWS:,}",
            worst[0] <= MAX_ROWS,
            worst[1],
        )
    )
    return out


if __name__ == "__main__":
    result = child(sys.argv[1], int(sys.argv[2]))
    print(json.dumps(result))
