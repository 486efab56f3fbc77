"""Shared by the browser targets (start, pagesweb, upload): Debian's Chromium through Playwright,
a Streamlit server started by the benchmark, and what "fully rendered" means.

Never downloads a browser: Playwright launches /usr/bin/chromium (tests/browser/helpers.py).
"""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.common import ROOT, VENV_BIN, env, free_port, stop_group, wait_healthy

# A page is rendered when all of this holds at once (the tests' settle, as one condition, so no
# intermediate state passes it): connected, the script not running and no running indicator, no
# skeleton, a heading (or the error box that took its place), every visible plotly chart drawn
# and every visible table painted.
RENDERED = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.dataset.testConnectionState !== 'CONNECTED'
      || app.dataset.testScriptState !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"], '
                             + '[data-testid="stStatusWidgetRunningManIcon"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (!document.querySelector('h1, [data-testid="stException"], [data-testid="stAlertContentError"]'))
    return false;
  const visible = s => [...document.querySelectorAll(s)].filter(e => e.checkVisibility());
  return visible('[data-testid="stPlotlyChart"]').every(e => e.querySelector('.main-svg'))
      && visible('[data-testid="stDataFrame"]').every(e => e.querySelector('canvas'));
}"""
CHARTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                  .filter(e => e.checkVisibility()).length"""
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
VIEWPORT = {"width": 1400, "height": 1000}


@contextlib.contextmanager
def browser() -> Iterator[Any]:
    """Headless Debian Chromium (sync Playwright), closed after."""
    from playwright.sync_api import sync_playwright

    from tests.browser.helpers import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()


def new_page(b: Any) -> tuple[Any, list[str]]:
    """A page in its own context (no cookies or cache shared with another visit), Danish locale;
    with the list its uncaught page errors are collected in."""
    ctx = b.new_context(viewport=VIEWPORT, locale="da-DK")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)[:150]))
    return page, errors


def close(page: Any) -> None:
    page.context.close()


def wait_rendered(page: Any, timeout: float = 120.0) -> None:
    page.wait_for_function(RENDERED, timeout=timeout * 1000, polling=50)


def errors(page: Any, page_errors: list[str]) -> list[str]:
    """Error boxes on the page and its uncaught page errors so far."""
    boxes = [t.strip()[:150] for t in page.locator(ERROR_BOXES).all_inner_texts()]
    return boxes + [f"page error {e}" for e in page_errors]


def visit(page: Any, url: str, timeout: float = 120.0) -> float:
    """Seconds from page.goto(url) to a rendered page."""
    t0 = time.perf_counter()
    page.goto(url, timeout=timeout * 1000)
    wait_rendered(page, max(1.0, timeout - (time.perf_counter() - t0)))
    return time.perf_counter() - t0


def launch(script: Path, store_env: dict[str, str], log_file: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run script` on a free port (not waited for): (the process, its URL)."""
    port = free_port()
    out = open(log_file, "wb")  # noqa: SIM115 - handed to the child, closed with the process
    proc = subprocess.Popen(
        [str(VENV_BIN / "streamlit"), "run", str(script), "--server.port", str(port)]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT,
        env=env(**store_env),
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    out.close()
    return proc, f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def server(script: Path, store_env: dict[str, str], log_file: Path) -> Iterator[str]:
    """A Streamlit server on script, healthy; stopped (its whole process group) after."""
    proc, url = launch(script, store_env, log_file)
    try:
        wait_healthy(proc, url, log_file)
        yield url
    finally:
        stop_group(proc)


def server_errors(log_file: Path) -> list[str]:
    """Tracebacks and logged error ids (dashboard/errors.py) in a server's output."""
    text = log_file.read_text(errors="replace") if log_file.exists() else ""
    return [line.strip()[:150] for line in text.splitlines() if "Traceback" in line or "error id" in line]
