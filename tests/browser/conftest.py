"""Debian's Chromium through Playwright, one per test module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import ARGS, CHROMIUM
from tests.needs import missing


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        missing("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def context(browser) -> Iterator[object]:
    """One browser context for a module's pages (open_page(context, ...)): each page is still a new
    Streamlit session, with its language and role from the URL and the server, but Chromium loads
    Streamlit's scripts once per module instead of once per page. Tests of login, cookies or
    uploads across servers open contexts of their own."""
    ctx = browser.new_context(locale="da-DK", accept_downloads=True)
    yield ctx
    ctx.close()
