"""Concurrent: ten browser sessions on two dashboard processes while the command line commits.

Two `streamlit run app.py` servers on two ports serve one copy of the demo store (a clone, so the
cached demo store is never written). Headless Chromium (one browser, one context per session) runs
ten sessions at once, five per server, each walking every page (/, /netvaerk, /personer, /eu,
/puljer, /data), starting on different pages. Meanwhile `python -m loaders ingest` uploads a
small allocations sheet into the same store over and over, two versions in turn, so every upload
commits (40 amounts change) during the whole walk.

A visit is timed from page.goto to a rendered page: connected, the script not running, no
skeleton, a heading, every visible chart drawn and every visible table painted (the tests' settle,
checked as one condition). Baseline: one session walking the same pages alone (no other
session, no uploads), once before and once after the load, on the same servers, in the same run.

Rows (the target holds when all do):
- the 95th percentile of the visits under load at most 3x the single session's 95th percentile
  (the medians are in the note);
- error boxes, uncaught page errors, tracebacks in the servers' logs and visits that never
  rendered: zero;
- every upload exited 0 with status loaded, and several committed while the sessions walked;
- both dashboards saw the commits: each showed the overview's granted total of both versions
  during the walk (never any other figure), and after the last upload each shows exactly the
  total the store holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import subprocess
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from benchmarks.common import (
    CACHE,
    PY,
    ROOT,
    Config,
    Result,
    Row,
    copy_db,
    demo_db,
    env,
    fmt_s,
    fresh,
    log,
    machine_cpu,
    median,
    percentile,
    streamlit_server,
    tree_cpu,
)

PATHS = ["/", "/netvaerk", "/personer", "/eu", "/puljer", "/data"]
SESSIONS = 10
SERVERS = 2
LIMIT = 3.0
VISIT_TIMEOUT = 90.0
ROUNDS = 1  # walks of every page per session under load: 60 visits
BASE_ROUNDS = 1  # walks of the single session, before the load and again after it: 12 visits
MIN_COMMITS = 3  # uploads that must commit while the sessions walk
POOL, YEAR, REGION = "Benchmarkpuljen", 2025, "Region Syddanmark"  # a pool the demo data lacks
PROJECTS, BUMP = 40, 5_000  # version B has every amount of version A plus BUMP
GRANTED = "Puljemidler bevilget"  # the overview's metric of granted and paid allocations

# The tests' settle (tests/browser/helpers.py) as one condition, so no intermediate state passes it.
RENDERED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED'
      || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  // A page's heading, or the error box that took its place (counted as an error, not a timeout).
  if (!document.querySelector('h1, [data-testid="stException"], [data-testid="stAlertContentError"]'))
    return false;
  const visible = s => [...document.querySelectorAll(s)].filter(e => e.checkVisibility());
  return visible('[data-testid="stPlotlyChart"]').every(e => e.querySelector('.main-svg'))
      && visible('[data-testid="stDataFrame"]').every(e => e.querySelector('canvas'));
}"""
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'


@dataclass
class Visit:
    server: int
    path: str
    seconds: float
    started: float
    errors: list[str] = field(default_factory=list)
    granted: str | None = None  # the overview's granted total, as shown


@dataclass
class Upload:
    started: float
    ended: float
    returncode: int
    status: str


def _workbooks() -> tuple[Path, Path]:
    """Two versions of one small allocations sheet: every upload of the other one commits."""
    from benchmarks.generate import write_allocations

    out = []
    for name, bump in (("a", 0), ("b", BUMP)):
        rows: list[list[object]] = [
            [POOL, YEAR, f"Benchmarkprojekt {i:02d}", "Rigshospitalet", 100_000 + 1_000 * i + bump,
             "Bevilget", None, f"25/{i:05d}"]
            for i in range(PROJECTS)
        ]  # fmt: skip
        out.append(write_allocations(CACHE / f"concurrent_{name}.xlsx", PROJECTS, rows=rows))
    return out[0], out[1]


def _upload_cmd(path: Path, db: Path) -> list[str]:
    return [PY, "-m", "loaders", "ingest", str(path), "--db", str(db), "--json", "--set", f"region={REGION}"]


def _status(stdout: str) -> str:
    try:
        return ",".join(f["status"] for f in json.loads(stdout)["files"])
    except (ValueError, KeyError, TypeError):
        return "?"


def _granted_total(db: Path) -> Decimal:
    """The granted total the overview must show for the store as it is."""
    import store

    con = store.connect(db, read_only=True)
    try:
        total = con.execute(
            "SELECT sum(amount_dkk) FROM allocations_v WHERE status IN ('granted', 'paid')"
        ).fetchone()[0]
    finally:
        con.close()
    return Decimal(total)


def _shown(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


def _as_shown(total: Decimal) -> str:
    """An amount as the overview shows it (dashboard/format.py, Danish)."""
    from dashboard import format as fmt

    return _shown(fmt.amount(total, "da"))


async def _visit(page, server: int, base: str, path: str, js_errors: list[str]) -> Visit:
    from playwright.async_api import Error as PlaywrightError

    before = len(js_errors)
    t0 = time.perf_counter()
    v = Visit(server, path, VISIT_TIMEOUT, t0)
    try:
        await page.goto(base + path, timeout=VISIT_TIMEOUT * 1000)
        left = max(1.0, VISIT_TIMEOUT - (time.perf_counter() - t0))
        await page.wait_for_function(RENDERED, timeout=left * 1000, polling=50)
        v.seconds = time.perf_counter() - t0
    except PlaywrightError as e:
        v.errors.append(f"{path} did not render within {VISIT_TIMEOUT:.0f} s: {str(e).splitlines()[0][:100]}")
        return v
    v.errors += [f"{path}: {t.strip()[:150]}" for t in await page.locator(ERROR_BOXES).all_inner_texts()]
    v.errors += [f"{path}: page error {e}" for e in js_errors[before:]]
    if path == "/":
        metric = page.locator('[data-testid="stMetric"]').filter(has_text=GRANTED)
        if await metric.count() == 1:
            v.granted = _shown(await metric.locator('[data-testid="stMetricValue"]').inner_text())
    return v


async def _session(browser, server: int, base: str, rounds: int, offset: int) -> list[Visit]:
    """One reader: its own browser context, walking every page `rounds` times from PATHS[offset]."""
    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="da-DK")
    try:
        page = await ctx.new_page()
        js_errors: list[str] = []
        page.on("pageerror", lambda e: js_errors.append(str(e)[:150]))
        out = []
        for _ in range(rounds):
            for k in range(len(PATHS)):
                out.append(await _visit(page, server, base, PATHS[(k + offset) % len(PATHS)], js_errors))
        return out
    finally:
        await ctx.close()


async def _uploader(db: Path, files: tuple[Path, Path], stop: asyncio.Event, out: list[Upload]) -> None:
    """Upload the two versions in turn, one after the other, until stop is set."""
    i = 1  # version a is in the store already: b first
    while not stop.is_set():
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *_upload_cmd(files[i % 2], db),
            cwd=ROOT,
            env=env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await proc.communicate()
        status = _status(stdout.decode())
        out.append(Upload(t0, time.perf_counter(), proc.returncode or 0, status))
        if proc.returncode != 0 or status != "loaded":
            log(f"  upload {i}: exit {proc.returncode}, {status}: {(stdout + stderr).decode()[-300:]}")
        i += 1


async def _measure(
    urls: list[str], pids: list[int], db: Path, files: tuple[Path, Path], rounds: int, base_rounds: int
) -> dict:
    from playwright.async_api import async_playwright

    from tests.browser.helpers import ARGS, CHROMIUM

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            log("  warm-up: one walk per server (imports, connection, caches), untimed")
            warm = await asyncio.gather(*(_session(browser, s, u, 1, 0) for s, u in enumerate(urls)))
            for v in (v for vs in warm for v in vs):
                if v.errors:
                    raise RuntimeError(f"the warm-up walk failed: {v.errors[0]}")
            log(f"  baseline: one session alone, {base_rounds} walk(s)")
            single = await _session(browser, 0, urls[0], base_rounds, 0)
            log(f"    median {median([v.seconds for v in single]):.2f} s")
            log(f"  load: {SESSIONS} sessions on {len(urls)} servers, {rounds} walks each, uploads meanwhile")
            stop = asyncio.Event()
            uploads: list[Upload] = []
            cpu0 = _cpu(pids)
            up = asyncio.create_task(_uploader(db, files, stop, uploads))
            t0 = time.perf_counter()
            try:
                walks = await asyncio.gather(
                    *(
                        _session(browser, k % len(urls), urls[k % len(urls)], rounds, k % len(PATHS))
                        for k in range(SESSIONS)
                    )
                )
            finally:
                t1 = time.perf_counter()
                stop.set()
                await up  # the upload running now finishes: the store is quiet after
            cpu = {k: v - cpu0[k] for k, v in _cpu(pids).items()}
            _log_cpu(cpu, time.perf_counter() - t0)
            load = [v for w in walks for v in w]
            log(f"    {len(load)} visits in {t1 - t0:.0f} s, {len(uploads)} uploads; median "
                f"{median([v.seconds for v in load]):.2f} s")  # fmt: skip
            log(f"  baseline again: one session alone, {base_rounds} walk(s)")
            single += await _session(browser, 0, urls[0], base_rounds, 0)
            log("  after the last upload: the overview of each server")
            final = [await _session(browser, s, u, 1, 0) for s, u in enumerate(urls)]
            return {
                "single": single,
                "load": load,
                "uploads": uploads,
                "walk": (t0, t1),
                "final": [next(v for v in f if v.path == "/") for f in final],
                "final_errors": [e for f in final for v in f for e in v.errors],
            }
        finally:
            await browser.close()


def _cpu(servers: list[int]) -> dict[str, float]:
    """CPU seconds so far: the servers, the uploads (reaped children), this process, everything
    else this process started (the Playwright driver and Chromium), and the whole machine."""
    mine = tree_cpu(os.getpid())
    srv = sum(tree_cpu(p) for p in servers)
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    own, reaped = me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
    return {
        "servers": srv,
        "uploads": reaped,
        "bench": own,
        "browser": mine - srv - reaped - own,
        "machine": machine_cpu(),
    }


def _log_cpu(cpu: dict[str, float], wall: float) -> None:
    """Where the machine's CPU went while the sessions walked: is the dashboard the bottleneck?"""
    others = cpu["machine"] - cpu["servers"] - cpu["uploads"] - cpu["bench"] - cpu["browser"]
    log(
        f"    CPU seconds in {wall:.0f} s x {os.cpu_count()} cores: servers {cpu['servers']:.0f}, "
        f"Chromium and driver {cpu['browser']:.0f}, uploads {cpu['uploads']:.0f}, "
        f"bench {cpu['bench']:.0f}, other processes {max(0.0, others):.0f}"
    )


def _server_errors(logs: list[Path]) -> list[str]:
    """Tracebacks and logged error ids (dashboard/errors.py) in the servers' output."""
    out = []
    for f in logs:
        for line in f.read_text(errors="replace").splitlines():
            if "Traceback" in line or "error id" in line:
                out.append(f"{f.name}: {line.strip()[:150]}")
    return out


def run(cfg: Config) -> Result:
    res = Result("concurrent")
    db = copy_db(demo_db(), CACHE / "concurrent.sqlite")
    files = _workbooks()
    logs = [CACHE / f"concurrent_server{i}.log" for i in range(SERVERS)]
    try:
        # Version a once before anything is timed: every page shows the same rows from here on,
        # only the 40 amounts change with each upload.
        setup = subprocess.run(
            _upload_cmd(files[0], db), cwd=ROOT, env=env(), capture_output=True, text=True, timeout=300
        )
        if setup.returncode != 0 or _status(setup.stdout) != "loaded":
            raise RuntimeError(f"the first upload failed: {(setup.stdout + setup.stderr)[-500:]}")
        total_a = _granted_total(db)
        with contextlib.ExitStack() as stack:
            servers = [stack.enter_context(streamlit_server({"OVERBLIK_DB": str(db)}, f)) for f in logs]
            urls, pids = [u for u, _ in servers], [p for _, p in servers]
            log(f"  servers: {', '.join(urls)} on {db.name}")
            m = asyncio.run(_measure(urls, pids, db, files, ROUNDS, BASE_ROUNDS))
        expected_final = _as_shown(_granted_total(db))
    finally:
        fresh(db)
    load, single, uploads = m["load"], m["single"], m["uploads"]
    t0, t1 = m["walk"]

    # 1. time to a rendered page
    ok = [v.seconds for v in load if not v.errors]
    base = [v.seconds for v in single if not v.errors]
    p_load, p_base = percentile(ok or [VISIT_TIMEOUT], 95), percentile(base or [VISIT_TIMEOUT], 95)
    r = p_load / p_base
    slowest = max(load, key=lambda v: v.seconds)
    res.rows.append(
        Row(
            f"concurrent: page p95, {SESSIONS} sessions on {SERVERS} servers + uploads",
            fmt_s(p_load),
            f"{fmt_s(p_base)} (1 session alone)",
            r,
            f"<= {LIMIT:g}x",
            r <= LIMIT and len(ok) == len(load),
            f"{len(load)} vs {len(single)} visits; median {fmt_s(median(ok or [0]))} vs "
            f"{fmt_s(median(base or [0]))}; slowest {slowest.path} {fmt_s(slowest.seconds)}",
        )
    )
    # 2. errors anywhere
    errors = [e for v in [*load, *single] for e in v.errors] + m["final_errors"] + _server_errors(logs)
    for e in errors[:10]:
        log(f"    error: {e}")
    res.rows.append(
        Row(
            "concurrent: error boxes, page errors, tracebacks",
            f"{len(errors)} errors",
            "0",
            None,
            "= 0",
            not errors,
            errors[0][:120] if errors else f"{len(load) + len(single)} visits",
        )
    )
    # 3. uploads
    bad = [u for u in uploads if u.returncode != 0 or u.status != "loaded"]
    during = [u for u in uploads if t0 < u.ended < t1 and u.returncode == 0 and u.status == "loaded"]
    secs = [u.ended - u.started for u in uploads]
    res.rows.append(
        Row(
            "concurrent: uploads committed during the walk",
            f"{len(uploads) - len(bad)} of {len(uploads)} loaded, {len(during)} during the walk",
            f"all exit 0; >= {MIN_COMMITS} during",
            None,
            "all loaded",
            not bad and len(during) >= MIN_COMMITS,
            (f"{len(bad)} failed: exit {bad[0].returncode}, {bad[0].status}" if bad else "")
            + f"upload median {fmt_s(median(secs or [0]))}",
        )
    )
    # 4. commits seen: the overview's granted total during the walk and after the last upload
    a, b = _as_shown(total_a), _as_shown(total_a + PROJECTS * BUMP)
    per_server = [
        {v.granted for v in load if v.server == s and v.path == "/" and not v.errors} for s in range(SERVERS)
    ]
    other = {g for seen in per_server for g in seen} - {a, b}
    finals = [v.granted for v in m["final"]]
    seen_ok = all(seen == {a, b} for seen in per_server) and all(g == expected_final for g in finals)
    res.rows.append(
        Row(
            "concurrent: commits seen by both dashboards",
            " / ".join(f"{len(seen)} totals" for seen in per_server)
            + f"; after: {', '.join(map(str, finals))}",
            f"2 totals each; after: {expected_final}",
            None,
            "both, exact",
            seen_ok,
            f"a figure no commit made: {sorted(other)}" if other else "",
        )
    )
    return res
