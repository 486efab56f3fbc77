"""The committee annex (reported, no target yet): the time to build the PDF annex for the demo data
against the time AppTest takes to render the same pages (overview, network activity, people, EU
projects, pools) with the same filters. Both in one child process, in turns, medians; the annex's
chart browser (kaleido's Chromium) is started once before timing, as in a running dashboard.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from typing import Any

from benchmarks.common import PY, ROOT, Config, Result, Row, demo_db, env, fmt_s, log, median

PAGES = ["overview", "network_activity", "people", "eu_projects", "funding_pools"]


def child(db: str, repeats: int) -> dict[str, Any]:
    os.environ["OVERBLIK_DB"] = db
    os.environ["OVERBLIK_ROLE"] = "leader"
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard import annex
    from dashboard.queries import Filters

    def pages() -> float:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        st.cache_data.clear()
        t0 = time.perf_counter()
        for page in PAGES:
            at.switch_page(f"app_pages/{page}.py").run()
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].message}")
        return time.perf_counter() - t0

    def pdf() -> float:
        st.cache_data.clear()
        t0 = time.perf_counter()
        data = annex.to_pdf(annex.collect(Filters(), role="leader"))
        assert data.startswith(b"%PDF")
        return time.perf_counter() - t0

    pages(), pdf()  # warm: imports, the connection, the chart browser
    out: dict[str, list[float]] = {"pdf": [], "pages": []}
    for _ in range(repeats):
        out["pdf"].append(pdf())
        out["pages"].append(pages())
    return out


def run(cfg: Config) -> Result:
    res = Result("annex")
    repeats = 2 if cfg.quick else 4
    log(f"annex: PDF of the demo data vs AppTest of the same pages ({repeats} turns)")
    p = subprocess.run(
        [PY, "-m", "benchmarks.annex", str(demo_db()), str(repeats)],
        cwd=ROOT, env=env(), capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    if p.returncode != 0:
        raise RuntimeError((p.stderr.strip().splitlines() or ["child failed"])[-1][:200])
    m = json.loads(p.stdout.strip().splitlines()[-1])
    a, b = median(m["pdf"]), median(m["pages"])
    res.rows.append(
        Row(
            "annex: PDF for the demo data",
            fmt_s(a),
            f"{fmt_s(b)} (AppTest, {len(PAGES)} pages)",
            a / b,
            "reported",
            None,
            "no target yet",
        )  # fmt: skip
    )
    return res


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], int(sys.argv[2]))))
