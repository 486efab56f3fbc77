"""A keyboard-only path through Overblik in headless Chromium: no mouse at all, only Tab, Enter,
typing and Escape. Choose a filter, switch page, open "Kilde", download a table, upload a file and
save it. Every step asserts what happened and that the focused element shows a visible focus
indicator; a screenshot of each step lands in tests/artifacts/keyboard_*.png to be looked at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.backup import clone
from tests.browser.helpers import ARTIFACTS, settle, streamlit_server
from tests.builders import MEMBERS, write_xlsx

pytestmark = pytest.mark.browser

# The focused element, described, and whether its focus can be seen: an outline, a ring drawn as a
# box shadow, on the element or on the box a widget draws around its input.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body', visible: false, text: ''};
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  let inner = false;  // a widget whose focus ring is drawn on the element around the input
  for (let p = el.parentElement, i = 0; p && i < 4; p = p.parentElement, i++) {
    const ps = getComputedStyle(p);
    if ((ps.outlineStyle !== 'none' && parseFloat(ps.outlineWidth) > 0) || (ps.boxShadow && ps.boxShadow !== 'none')) {
      inner = true; break;
    }
  }
  return {tag: el.tagName.toLowerCase(), role: el.getAttribute('role') || '',
          label: el.getAttribute('aria-label') || '', text: (el.innerText || el.value || '').trim().slice(0, 80),
          visible: outline || ring || inner};
}"""


@pytest.fixture(scope="module")
def server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = clone(demo_db, tmp_path_factory.mktemp("keyboard") / "demo.sqlite")
    with streamlit_server(db, env={"OVERBLIK_ROLE": "staff"}) as url:
        yield url


def _tab_to(page, wanted, what: str, limit: int = 120, back: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element is the one wanted(focus) describes."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focus = page.evaluate(FOCUS)
        if wanted(focus):
            return focus
    page.screenshot(path=str(ARTIFACTS / "keyboard_failed.png"), full_page=True)
    raise AssertionError(f"Tab never reached {what}")


def _step(page, name: str, focus: dict) -> None:
    assert focus["visible"], f"{name}: no visible focus on {focus}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"keyboard_{name}.png"))


def _open_file_chooser(page, attempts: int = 3):
    """Tab to the uploader's button and open it with Space, as a keyboard user does.

    The choice just made reruns the page; on a loaded machine that rerun can start only after the
    button was reached and redraw it, which drops the focus to the page body, where Space does
    nothing. So: wait for the page to settle, make sure the focus is still on the button, and try
    again from the keyboard if no file chooser came. A button Space cannot open fails every attempt.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    is_upload = lambda f: f["tag"] == "button" and f["text"].endswith("Upload")  # noqa: E731
    for attempt in range(1, attempts + 1):
        settle(page)
        focus = page.evaluate(FOCUS)
        if not is_upload(focus):
            focus = _tab_to(page, is_upload, "the file field")
        _step(page, "5_file_field", focus)
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")  # as a keyboard user opens a button
            return chooser.value
        except PlaywrightTimeout:
            page.screenshot(path=str(ARTIFACTS / f"keyboard_5_no_chooser_{attempt}.png"), full_page=True)
    raise AssertionError(f"Space on the focused Upload button opened no file chooser in {attempts} tries")


def test_the_main_tasks_with_the_keyboard_alone(server: str, browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(server + "/")
    settle(page)

    # 1. A filter: the region, typed and chosen with Enter.
    focus = _tab_to(page, lambda f: f["tag"] == "input" and "Region" in f["label"], "the region filter")
    page.keyboard.type("Region Syd")
    page.keyboard.press("Enter")
    settle(page)
    assert "region=Region+Syddanmark" in page.url
    focus = page.evaluate(FOCUS)
    _step(page, "1_filter", focus)
    assert "103,25" in page.inner_text('[data-testid="stMain"]')  # the region's EU share

    # 2. Another page, from the navigation: the filter stays.
    focus = _tab_to(
        page,
        lambda f: f["tag"] == "a" and f["text"].endswith("EU-projekter"),
        "the EU page's link",
        back=True,
    )
    _step(page, "2_navigation", focus)
    page.keyboard.press("Enter")
    settle(page)
    assert page.locator("h1").first.inner_text() == "EU-projekter"
    assert "region=Region+Syddanmark" in page.url

    # 3. "Kilde": open it, read the uploads behind the figure, close it with Escape.
    focus = _tab_to(page, lambda f: f["tag"] == "button" and f["text"].startswith("Kilde"), "Kilde")
    page.keyboard.press("Enter")
    popover = page.locator('[data-testid="stPopoverBody"]')
    popover.wait_for(timeout=30_000)
    # The list is a table: its cells are in the grid's accessible cells.
    popover.locator('[role="gridcell"]', has_text="eu_projekter.xlsx").first.wait_for(
        state="attached", timeout=30_000
    )
    _step(page, "3_kilde", page.evaluate(FOCUS) if page.evaluate(FOCUS)["tag"] != "body" else focus)
    page.keyboard.press("Escape")
    popover.wait_for(state="hidden", timeout=30_000)

    # 4. A table downloaded.
    focus = _tab_to(page, lambda f: f["tag"] == "button" and f["text"].endswith("Hent CSV"), "Hent CSV")
    _step(page, "4_download", focus)
    with page.expect_download(timeout=60_000) as info:
        page.keyboard.press("Enter")
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert "JA PreventNCD" in data

    # 5. The data page: a member list chosen from the file field and saved.
    focus = _tab_to(
        page, lambda f: f["tag"] == "a" and f["text"].endswith("Data"), "the data page's link", back=True
    )
    page.keyboard.press("Enter")
    settle(page)
    focus = _tab_to(
        page, lambda f: f["tag"] == "input" and "Netværk for hele arket" in f["label"], "the network choice"
    )
    page.keyboard.type("AI-Innovations")
    # the network that exists, not the text typed as a new one: down the list until it is the one
    # highlighted (a loaded machine filters the list after a delay; pressing blind picks the wrong one)
    option = page.get_by_role("option", name="AI-Innovationsnetværket", exact=True)
    option.wait_for(timeout=30_000)
    for _ in range(6):
        page.keyboard.press("ArrowDown")
        if option.get_attribute("data-focused") == "true":
            break
    else:
        raise AssertionError("the arrow keys never reached the existing network in the list")
    page.keyboard.press("Enter")
    settle(page)
    box = page.locator('[data-testid="stSelectbox"]', has_text="Netværk for hele arket")
    chosen = box.evaluate("e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value)")
    assert "AI-Innovationsnetværket" in chosen, chosen
    path = write_xlsx(
        tmp_path / "tastatur.xlsx", {"Deltagere": MEMBERS + [["Tove Taster", "Sygeplejerske", "OUH"]]}
    )
    chooser = _open_file_chooser(page)
    chooser.set_files(str(path))
    settle(page)
    # the preview is read in a child process: wait for it (its Gem button) before tabbing there
    page.locator('[data-testid="stMain"] button', has_text="Gem (").first.wait_for(timeout=90_000)
    focus = _tab_to(page, lambda f: f["tag"] == "button" and f["text"].startswith("Gem ("), "Gem")
    _step(page, "6_save", focus)
    page.keyboard.press("Enter")
    page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').first.wait_for(
        timeout=60_000
    )
    settle(page)
    receipt = page.locator('[data-testid="stMain"] [data-testid="stAlertContentSuccess"]').first.inner_text()
    assert "Gemt: 1 nye deltagere i AI-Innovationsnetværket" in receipt or "Gemt: 1 ny deltager" in receipt
    page.screenshot(path=str(ARTIFACTS / "keyboard_7_receipt.png"))
    context.close()
