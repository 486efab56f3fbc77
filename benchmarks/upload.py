"""The web upload: the 100,000-row allocations workbook (--quick: 20,000) through the real data page
in headless Chromium, as staff do it (demo mode, OVERBLIK_ROLE=staff, on a fresh copy of the demo
store each turn): choose the file, wait for the preview (the Save button "Gem (...)" and the page
rendered), press Save, wait for the receipt ("Gemt: ...", the page rendered).

Baselines, on the same file and a fresh copy of the same store: the command line's `python -m
loaders ingest --dry-run` (the preview's work: read, check, plan) and its ingest (plan and commit).
The preview at most 1.5x the dry run, preview plus save at most 2x the ingest. Both command lines
are timed end to end (interpreter start included); the web side from choosing the file (its upload
to the server included) to the rendered receipt. The server is started before the clock, and the
data page is open (as a person at the page has it). Web, dry run and ingest in turns; medians.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from benchmarks import chromium
from benchmarks.common import (
    CACHE,
    PY,
    ROOT,
    Config,
    Result,
    copy_db,
    demo_db,
    fmt_s,
    fresh,
    log,
    median,
    ratio_row,
    run_child,
    workbook,
)

PREVIEW_LIMIT = 1.5
SAVE_LIMIT = 2.0
SAVE_BUTTON = re.compile(r"^Gem \(\d")
# The preview's Save button is gone and a receipt is shown.
RECEIPT = """() => ![...document.querySelectorAll('button')].some(b => b.innerText.startsWith('Gem ('))
           && document.querySelector('[data-testid="stAlertContentSuccess"]') !== null"""


def web(b: Any, path: Path, db: Path, n: int) -> tuple[float, float]:
    """(seconds to the preview, seconds from Save to the receipt) through the data page."""
    log_file = CACHE / "upload_server.log"
    with chromium.server(
        ROOT / "app.py", {"OVERBLIK_DB": str(db), "OVERBLIK_ROLE": "staff"}, log_file
    ) as url:
        page, page_errors = chromium.new_page(b)
        try:
            chromium.visit(page, url + "/data")
            t0 = time.perf_counter()
            page.locator('input[type="file"]').set_input_files(str(path))
            save = page.get_by_role("button", name=SAVE_BUTTON)
            save.wait_for(timeout=600_000)
            chromium.wait_rendered(page, 600)
            preview = time.perf_counter() - t0
            t1 = time.perf_counter()
            save.click()
            page.wait_for_function(RECEIPT, timeout=600_000, polling=50)
            chromium.wait_rendered(page, 600)
            saved = time.perf_counter() - t1
            receipt = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
            problems = chromium.errors(page, page_errors)
        finally:
            chromium.close(page)
    problems += chromium.server_errors(log_file)
    counts = rf"\b({n}|{re.escape(f'{n:,}'.replace(',', '.'))})\b"  # 20000 or 20.000
    if problems or not re.search(counts, receipt):
        raise RuntimeError(f"the web upload of {path.name}: {problems[:1] or receipt[:200]}")
    return preview, saved


def cli(path: Path, db: Path, *extra: str) -> float:
    p = run_child([PY, "-m", "loaders", "ingest", str(path), "--db", str(db), "--json", *extra])
    want = "planned" if "--dry-run" in extra else "loaded"
    if p.returncode != 0 or f'"status": "{want}"' not in p.stdout:
        raise RuntimeError(f"ingest {' '.join(extra)} of {path.name}: exit {p.returncode} {p.stdout[-300:]}")
    return p.seconds


def run(cfg: Config) -> Result:
    res = Result("upload")
    n = cfg.small
    path = workbook(n)
    demo = demo_db()
    db = CACHE / "upload.sqlite"
    t: dict[str, list[float]] = {"preview": [], "save": [], "dry": [], "ingest": []}
    repeats = 2 if cfg.quick else 3
    try:
        with chromium.browser() as b:
            for i in range(repeats):
                preview, saved = web(b, path, copy_db(demo, db), n)
                t["preview"].append(preview)
                t["save"].append(saved)
                t["dry"].append(cli(path, copy_db(demo, db), "--dry-run"))
                t["ingest"].append(cli(path, copy_db(demo, db)))
                log(
                    f"  turn {i + 1}/{repeats}: web preview {preview:.2f} s + save {saved:.2f} s; "
                    f"CLI dry run {t['dry'][-1]:.2f} s, ingest {t['ingest'][-1]:.2f} s"
                )
    finally:
        fresh(db)
    whole = [a + b for a, b in zip(t["preview"], t["save"], strict=True)]
    res.rows.append(
        ratio_row(
            f"web upload {n:,} rows: preview vs CLI --dry-run",
            median(t["preview"]),
            median(t["dry"]),
            PREVIEW_LIMIT,
        )
    )
    res.rows.append(
        ratio_row(
            f"web upload {n:,} rows: preview + save vs CLI ingest",
            median(whole),
            median(t["ingest"]),
            SAVE_LIMIT,
            note=f"save alone {fmt_s(median(t['save']))}",
        )
    )
    return res
