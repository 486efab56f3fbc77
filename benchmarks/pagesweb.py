"""Pages in the browser: every page staff see, from navigation (page.goto of its address, as a link
or a bookmark opens it) to fully rendered in headless Chromium (benchmarks/chromium.py's RENDERED:
every visible plotly chart drawn, every table painted, no running indicator), on the 1M-allocation
store (benchmarks/largedb.py) at most 2x on the demo store.

Two servers, one per store, started once; one browser page per server (its static files cached, as
a returning reader's browser has them). A first walk over every page after the start (cold caches
of the queries) is untimed for the target and reported as a whole; then every page is visited on
the demo store and on the large store in turns, three times (--quick: two), and the medians are
compared. A page that shows an error box or raises in the browser fails its row.
"""

from __future__ import annotations

import contextlib
from typing import Any

from benchmarks import chromium
from benchmarks.common import CACHE, ROOT, Config, Result, Row, demo_db, fmt_s, log, median

LIMIT = 2.0
# Every page of the navigation staff see (the demo's role), by address; admin is not theirs.
PAGES = ["", "netvaerk", "personer", "projekter", "eu", "puljer", "data", "begreber", "tilgaengelighed"]


def _visit(page: Any, page_errors: list[str], url: str, errs: list[str]) -> float:
    before = len(page_errors)
    secs = chromium.visit(page, url)
    errs += [e for e in chromium.errors(page, page_errors[before:]) if e not in errs]
    return secs


def run(cfg: Config) -> Result:
    from benchmarks import largedb

    res = Result("pagesweb")
    stores = {"demo": demo_db(), "large": largedb.build()}
    repeats = 2 if cfg.quick else 3
    t: dict[str, dict[str, list[float]]] = {s: {p: [] for p in PAGES} for s in stores}
    cold: dict[str, float] = {}
    errs: dict[str, dict[str, list[str]]] = {s: {p: [] for p in PAGES} for s in stores}
    logs = {s: CACHE / f"pagesweb_{s}.log" for s in stores}
    with contextlib.ExitStack() as stack:
        urls = {
            s: stack.enter_context(
                chromium.server(ROOT / "app.py", {"OVERBLIK_DB": str(db), "OVERBLIK_ROLE": "staff"}, logs[s])
            )
            for s, db in stores.items()
        }
        b = stack.enter_context(chromium.browser())
        pages = {s: chromium.new_page(b) for s in stores}
        for s in stores:
            page, page_errors = pages[s]
            cold[s] = sum(_visit(page, page_errors, f"{urls[s]}/{p}", errs[s][p]) for p in PAGES)
            log(f"  first walk on the {s} store (cold caches): {cold[s]:.1f} s")
        for i in range(repeats):
            order = list(stores) if i % 2 == 0 else list(stores)[::-1]
            for p in PAGES:
                for s in order:
                    page, page_errors = pages[s]
                    t[s][p].append(_visit(page, page_errors, f"{urls[s]}/{p}", errs[s][p]))
            log(
                f"  turn {i + 1}/{repeats}: "
                + ", ".join(f"/{p} {t['large'][p][-1]:.2f}/{t['demo'][p][-1]:.2f}" for p in PAGES)
                + " s (large/demo)"
            )
        for page, _ in pages.values():
            chromium.close(page)
    for p in PAGES:
        a, d = median(t["large"][p]), median(t["demo"][p])
        bad = [f"large: {e}" for e in errs["large"][p]] + [f"demo: {e}" for e in errs["demo"][p]]
        r = a / d
        res.rows.append(
            Row(
                f"browser page /{p}: navigation to rendered",
                fmt_s(a),
                f"{fmt_s(d)} (demo)",
                r,
                f"<= {LIMIT:g}x",
                r <= LIMIT and not bad,
                "; ".join(bad)[:120],
            )
        )
    server = [f"{s}: {e}" for s in stores for e in chromium.server_errors(logs[s])]
    res.rows.append(
        Row(
            "browser pages: first walk after start (cold caches)",
            fmt_s(cold["large"]),
            f"{fmt_s(cold['demo'])} (demo)",
            cold["large"] / cold["demo"],
            "reported",
            None if not server else False,
            f"{len(PAGES)} pages" + (f"; server: {server[0]}" if server else ""),
        )
    )
    return res
