"""Shared by the browser tests: a Streamlit server on a private database, Debian's Chromium, waits,
error boxes and the axe-core audit."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.needs import missing

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    db: Path | None, env: dict[str, str] | None = None, args: list[str] | None = None, port: int | None = None
) -> Iterator[str]:
    """Streamlit serving app.py on db (None: the store env names); yields its URL once it answers."""
    port = port or free_port()
    base = {k: v for k, v in os.environ.items() if k != "OVERBLIK_DB"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        + ["--server.headless", "true", "--browser.gatherUsageStats", "false", *(args or [])],
        cwd=ROOT,
        env={**base, **({"OVERBLIK_DB": str(db)} if db else {}), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(url + "/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("Streamlit did not start: " + proc.stderr.read1().decode(errors="replace"))
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def open_page(where, url: str, width: int = 1400, height: int = 1000):
    """A new page at url, settled: in a fresh context of its own when `where` is the browser, or in
    a context a test module shares (its cache keeps Streamlit's scripts between pages)."""
    size = {"width": width, "height": height}
    if hasattr(where, "new_context"):
        page = where.new_page(viewport=size, locale="da-DK")
    else:
        page = where.new_page()
        page.set_viewport_size(size)
    page.goto(url)
    settle(page)
    return page


IDLE = '[data-testid="stApp"][data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


def settle(page) -> None:
    """Wait until the script run is over: the app is rendered and no element is still a skeleton.

    A key press or a click can start its rerun a moment after it returns; on a loaded machine the
    page still looks idle then. So the page must stay idle across the last half second too.
    """
    for _ in range(5):
        _settle_once(page)
        if page.locator(IDLE).count():
            return
    raise AssertionError("the app never stayed idle for half a second")


def _settle_once(page) -> None:
    page.wait_for_selector(IDLE, timeout=60_000)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
              && document.querySelectorAll('h1').length > 0""",
        timeout=60_000,
    )
    # Charts and tables load their code lazily: wait until every visible one has drawn.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .filter(e => e.checkVisibility()).every(e => e.querySelector('.main-svg'))
              && [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                    .filter(e => e.checkVisibility()).every(e => e.querySelector('canvas'))""",
        timeout=60_000,
    )
    page.wait_for_timeout(500)


def errors(page) -> list[str]:
    """The text of every error box on the page."""
    boxes = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def axe(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's WCAG 2.1 A/AA violations of the given impacts."""
    if not AXE.exists():
        missing("axe-core (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def screenshot(page, name: str) -> None:
    """The whole page to tests/artifacts/name.png (Streamlit scrolls inside its own container)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
