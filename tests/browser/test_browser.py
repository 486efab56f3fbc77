"""The running app in headless Chromium: every page renders without an error box, a chart click
narrows its table, every page passes axe-core (WCAG 2.1 AA), and a screenshot of each page lands
in tests/artifacts/ to be looked at."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

import store
from store.backup import clone
from tests.browser.helpers import ARTIFACTS, ROOT, axe, errors, open_page, settle, streamlit_server

PAGES = {
    "overblik": "",
    "netvaerk": "netvaerk",
    "personer": "personer",
    "projekter": "projekter",
    "eu": "eu",
    "puljer": "puljer",
    "data": "data",
    "begreber": "begreber",
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Streamlit serving app.py on a private copy of the demo store (the tests upload to it)."""
    db = clone(demo_db, tmp_path_factory.mktemp("browser") / "demo.sqlite")
    with streamlit_server(db) as url:
        yield url


@pytest.mark.parametrize("name", list(PAGES))
def test_page_renders_accessible_and_is_screenshotted(server: str, context, name: str) -> None:
    # Streamlit scrolls inside its main container, so a tall window is what shows the whole page.
    page = open_page(context, f"{server}/{PAGES[name]}", height=3000)
    try:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert errors(page) == []
        # Something real is on the page: its own title, not a "Page not found".
        assert "Page not found" not in page.inner_text("body")
        assert page.locator("h1").count() >= 1
        assert axe(page) == []
    finally:
        page.close()


def test_phone_width_overview(server: str, context) -> None:
    """A director on a phone: the overview's KPIs stack and nothing overflows sideways."""
    page = open_page(context, server + "/", width=390, height=844)
    try:
        page.screenshot(path=str(ARTIFACTS / "overblik_phone.png"), full_page=True)
        assert errors(page) == []
        overflow = page.evaluate(
            "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - window.innerWidth"
        )
        assert overflow <= 1
    finally:
        page.close()


def _last_table_rows(page) -> int:
    """Rows in the page's last st.dataframe (its accessible grid has aria-rowcount, header included)."""
    grid = page.locator('[data-testid="stDataFrame"] table[role="grid"]').last
    grid.wait_for(state="attached", timeout=30_000)
    return int(grid.get_attribute("aria-rowcount")) - 1


def test_a_click_on_a_chart_narrows_the_whole_page_and_is_a_filter_in_the_url(
    server: str, context, demo_db: Path, tmp_path: Path
) -> None:
    """Clicking a network's marker on the timeline makes that network the page's filter: in the
    sidebar (a chip that removes it), in the address (a shared link keeps it), and on every figure
    of the page, the table's rows included."""
    page = open_page(context, f"{server}/netvaerk")
    try:
        before = _last_table_rows(page)
        # The very first session after the server starts loses its first plotly selection (a
        # Streamlit start-up quirk: later sessions never do), so a click is tried up to three times.
        for _ in range(3):
            point = page.locator(".st-key-timeline .scatterlayer .point").first
            point.wait_for(timeout=30_000)
            point.scroll_into_view_if_needed()
            box = point.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.mouse.move(x, y)  # plotly finds the clicked point through its hover
            page.wait_for_timeout(300)
            page.mouse.click(x, y)
            try:
                page.wait_for_url("**network=*", timeout=8_000)
                break
            except PlaywrightTimeout:
                continue
        settle(page)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]', has_text="Netværk")
        network = box.locator('[data-testid="stMultiSelectTagsContainer"]').inner_text().strip()  # its chip
        after = _last_table_rows(page)
        page.screenshot(path=str(ARTIFACTS / "netvaerk_klik.png"), full_page=True)
        with store.connect(demo_db, read_only=True) as con:
            total, of_network = con.execute(
                "SELECT count(*), count(*) FILTER (network = ?) FROM meetings_v", [network]
            ).fetchone()
        assert before == total
        assert after == of_network
        assert 0 < after < before
        # The headline figures on the next page follow too: the filter lives in the address.
        page.get_by_role("link", name="Overblik").click()
        settle(page)
        assert "network=" in page.url
    finally:
        page.close()


def test_filters_live_in_the_url_and_survive_switching_pages(server: str, context) -> None:
    """A copied link reopens the view; moving to another page keeps the filter in the address."""
    page = open_page(context, f"{server}/personer?network=AI-Innovationsnetv%C3%A6rket")
    try:
        assert _last_table_rows(page) == 49
        page.get_by_role("link", name="Overblik").click()
        page.wait_for_url("**/?*network=*", timeout=30_000)
        settle(page)
        assert "network=AI-Innovationsnetv" in page.url
        assert page.locator('[data-testid="stMetric"]', has_text="Deltagere").inner_text().split()[-1] == "49"
    finally:
        page.close()


def test_download_is_the_whole_table_as_data_that_uploads_again_without_a_change(
    server: str, context, demo_db: Path, tmp_path: Path
) -> None:
    """The Excel button builds the file when clicked, from the database: every membership, the
    member list's own headers, and uploaded again it plans no change at all."""
    import json

    page = open_page(context, f"{server}/personer")
    try:
        with page.expect_download(timeout=30_000) as info:
            page.get_by_role("button", name="Hent Excel").click()
        path = tmp_path / "deltagere.xlsx"
        info.value.save_as(path)
    finally:
        page.close()
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    assert [c.value for c in ws[1]][:4] == ["Navn", "Titel", "Organisation", "Netværk"]
    clone(demo_db, tmp_path / "q.sqlite")
    with store.connect(tmp_path / "q.sqlite", read_only=True) as con:
        (total,) = con.execute("SELECT count(*) FROM participants_v").fetchone()
    assert ws.max_row - 1 == total
    p = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(path), "--db", str(tmp_path / "q.sqlite"), "--dry-run", "--json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    [sheet] = json.loads(p.stdout)["files"]
    assert (sheet["status"], sheet["rows"]["new"], sheet["rows"]["changed"]) == ("duplicate", 0, 0)
    assert sheet["rows"]["unchanged"] == total


def _toolbar_labels(page) -> list[str]:
    """The buttons a table's own toolbar offers once the pointer is over it."""
    table = page.locator('[data-testid="stDataFrame"]').last
    table.scroll_into_view_if_needed()
    table.hover()
    page.wait_for_timeout(500)
    buttons = page.locator('[data-testid="stElementToolbar"] button')
    return [buttons.nth(i).get_attribute("aria-label") or "" for i in range(buttons.count())]


def test_a_table_offers_no_download_of_its_own_only_ours_which_are_audited(server: str, context) -> None:
    """Streamlit's table toolbar would download every row as CSV, names included, past the audit
    log and past the viewer's name rules: it is switched off (client.disableDataExport)."""
    page = open_page(context, f"{server}/personer")
    try:
        labels = _toolbar_labels(page)
        assert labels, "the toolbar did not appear: the test would prove nothing"
        assert not [x for x in labels if "download" in x.lower() or "csv" in x.lower()], labels
        assert page.get_by_role("button", name="Hent Excel").count() == 1  # our own, audited
    finally:
        page.close()
