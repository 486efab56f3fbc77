"""What a network secretary does on the data page, in Chromium, at desktop and phone width:
upload a filled template (no error shown), save (a receipt with the count), upload a second
list and save, undo the newest upload after a confirmation naming its file, find on the people
page that exactly the second list's members are gone and the first's remain, then redo it.
A screenshot of every step lands in tests/artifacts/ to be looked at."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from loaders.kinds import KINDS
from loaders.templates import write_template
from tests.browser.helpers import errors, open_page, screenshot, settle, streamlit_server

pytestmark = pytest.mark.browser
NETWORK = "Netværk for telemedicin"
FIRST = [("Anne Holm", "Overlæge", "OUH"), ("Bent Lund", "Sygeplejerske", "Sygehus Lillebælt")]
SECOND = [
    ("Carla Juhl", "Projektleder", "Syddansk Sundhedsinnovation"),
    ("Dorte Kjær", "Direktør", "Firma ApS"),
]


def filled_template(path: Path, people: list[tuple[str, str, str]]) -> Path:
    """The participants template as staff fill it: the header row left as it is, data from row 4."""
    write_template(KINDS["participants"], path)
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    header = [c.value for c in ws[3]]
    for i, (name, title, org) in enumerate(people, start=4):
        values = {"Navn *": name, "Titel": title, "Organisation": org, "Netværk *": NETWORK}
        for j, h in enumerate(header, start=1):
            if h in values:
                ws.cell(row=i, column=j, value=values[h])
    wb.save(path)
    return path


@pytest.fixture
def app(tmp_path: Path) -> Iterator[str]:
    with streamlit_server(tmp_path / "empty.sqlite") as url:
        yield url


def _upload_and_save(page, path: Path, shot: str) -> str:
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name=re.compile(r"^Gem \(\d")).wait_for(timeout=30_000)
    settle(page)
    assert errors(page) == []  # a correct template shows no red
    screenshot(page, f"{shot}_preview")
    page.get_by_role("button", name=re.compile(r"^Gem \(\d")).click()
    receipt = page.locator('[data-testid="stAlertContentSuccess"]').first
    receipt.wait_for(timeout=30_000)
    settle(page)
    screenshot(page, f"{shot}_receipt")
    return receipt.inner_text()


def _people(page, url: str, name: str) -> bool:
    """Whether the people page's search finds name (its table's cells are in the accessible grid)."""
    page.goto(url + "/personer")
    settle(page)
    box = page.get_by_label("Søg i navn, titel eller organisation")
    box.fill(name)
    box.press("Enter")
    settle(page)
    page.locator('[data-testid="stDataFrame"]').last.scroll_into_view_if_needed()  # cells drawn in view
    # The table's accessible grid says how many rows the search found (header included): none means
    # not found at once; rows found are waited for, so a slow machine is not taken for an absence.
    grid = page.locator('[data-testid="stDataFrame"] table[role="grid"]').last
    grid.wait_for(state="attached", timeout=30_000)
    if int(grid.get_attribute("aria-rowcount")) <= 1:
        return False
    try:
        page.locator('[role="gridcell"]', has_text=name).first.wait_for(state="attached", timeout=30_000)
    except PlaywrightTimeout:
        return False
    return True


def _history_act(page, url: str, batch: int, verb: str, file_name: str, shot: str) -> None:
    page.goto(url + "/data")
    settle(page)
    page.get_by_role("tab", name="Historik").click()
    page.get_by_label("Vælg en indlæsning for at fortryde den (eller gendanne en fortrudt)").click()
    page.get_by_role("option", name=re.compile(rf"^Nr\. {batch} ")).click()
    settle(page)
    page.get_by_role("button", name=f"{verb} indlæsning {batch}…").click()
    settle(page)
    question = page.locator('[data-testid="stMain"] [data-testid="stAlertContentWarning"]').inner_text()
    assert file_name in question  # the confirmation names the file it will undo
    screenshot(page, f"{shot}_confirm")
    page.get_by_role("button", name=f"Ja, {verb.lower()} indlæsning {batch}").click()
    page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').wait_for(timeout=30_000)
    settle(page)
    screenshot(page, f"{shot}_done")


def test_a_secretary_uploads_two_lists_undoes_the_second_and_redoes_it(app, browser, tmp_path):
    shot = "data_flow_desktop"
    first = filled_template(tmp_path / "medlemmer_marts.xlsx", FIRST)
    second = filled_template(tmp_path / "medlemmer_april.xlsx", SECOND)
    page = open_page(browser, app + "/data", width=1400, height=2200)
    try:
        text = _upload_and_save(page, first, f"{shot}_1")
        assert re.search(rf"Gemt: 2 nye deltagere i {NETWORK} \(indlæsning 1\)", text), text
        # The file left the uploader: the page is ready for the next one.
        assert page.get_by_role("button", name=re.compile(r"^Gem \(\d")).count() == 0
        text = _upload_and_save(page, second, f"{shot}_2")
        assert "Gemt: 2 nye deltagere" in text and "indlæsning 2" in text

        _history_act(page, app, 2, "Fortryd", "medlemmer_april.xlsx", f"{shot}_undo")
        assert not _people(page, app, "Carla Juhl") and not _people(page, app, "Dorte Kjær")
        assert _people(page, app, "Anne Holm") and _people(page, app, "Bent Lund")
        screenshot(page, f"{shot}_people_after_undo")

        _history_act(page, app, 2, "Gendan", "medlemmer_april.xlsx", f"{shot}_redo")
        assert _people(page, app, "Carla Juhl")
    finally:
        page.close()


def test_on_a_phone_a_secretary_uploads_undoes_and_nothing_scrolls_sideways(app, browser, tmp_path):
    """The same steps at 390 px, once each: upload and save, undo after the question naming the
    file (the desktop test checks the people page after undo and redo)."""
    shot = "data_flow_phone"
    first = filled_template(tmp_path / "medlemmer_marts.xlsx", FIRST)
    page = open_page(browser, app + "/data", width=390, height=2200)
    try:
        text = _upload_and_save(page, first, f"{shot}_1")
        assert re.search(rf"Gemt: 2 nye deltagere i {NETWORK} \(indlæsning 1\)", text), text
        _history_act(page, app, 1, "Fortryd", "medlemmer_marts.xlsx", f"{shot}_undo")
        done = page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').inner_text()
        assert done.startswith("Indlæsning 1 er fortrudt"), done
        for tab in ("Historik", "Upload"):  # nothing on the data page scrolls sideways on a phone
            page.get_by_role("tab", name=tab).click()
            settle(page)
            overflow = page.evaluate(
                "() => document.querySelector('[data-testid=\"stMain\"]').scrollWidth - window.innerWidth"
            )
            assert overflow <= 1, tab
    finally:
        page.close()


@pytest.mark.parametrize("limited", [False, True])
def test_a_hostile_upload_is_refused_clearly_and_the_server_lives_on(browser, tmp_path, limited):
    """The sparse-cell workbook through the real data page: refused by the check (or, with the
    check switched off, by the child's memory limit), with a clear message; the next page loads."""
    from tests.hostile_files import sparse_cells

    env = {"OVERBLIK_MAX_CELLS": str(10**12), "OVERBLIK_PARSE_MEMORY_MB": "1024"} if limited else None
    with streamlit_server(tmp_path / "s.sqlite", env=env) as url:
        page = open_page(browser, url + "/data", height=1600)
        try:
            page.locator('input[type="file"]').set_input_files(str(sparse_cells(tmp_path)))
            message = page.locator('[data-testid="stAlertContentError"]').first
            message.wait_for(timeout=60_000)
            settle(page)
            text = message.inner_text()
            if limited:
                assert "for stor eller beskadiget" in text and "1.024 MB" in text
            else:
                assert "1.048.576 x 16.384" in text and "Deltagere" in text
            assert "Traceback" not in page.inner_text("body")
            screenshot(page, f"data_hostile_{'limit' if limited else 'check'}")
            page.goto(url + "/")  # the server lives on
            settle(page)
            assert page.locator("h1").first.inner_text() == "Overblik"
        finally:
            page.close()
