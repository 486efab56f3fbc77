"""Every page, for a committee member (viewer) and for an admin (who sees every page), in Danish
and in English, at desktop and at phone width, in headless Chromium.

What it proves: axe-core finds no WCAG 2.1 A/AA violation of any impact; <html lang> says the
page's language; in English no text of the Danish catalog is left untranslated on screen
(labels, buttons, headings, tables, chart texts), so a text added without English, or shown
without going through the catalog, fails here; and in Danish none of the English words Streamlit
writes where the app can set its own (placeholders, the uploader's size note) is left. A screenshot of each English page lands in
tests/artifacts/ to be looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from store.backup import clone
from tests.browser.helpers import ARTIFACTS, axe, errors, open_page, settle, streamlit_server
from translations import catalog_file

pytestmark = pytest.mark.browser

PAGES = {"viewer": ["", "netvaerk", "personer", "projekter", "eu", "puljer", "begreber", "tilgaengelighed"]}
PAGES["admin"] = [*PAGES["viewer"], "data", "admin"]
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
# Streamlit's own English words, where Overblik sets its own (placeholders, the uploader's note,
# a multiselect's 'Select all'): none may show on a Danish page.
STREAMLIT_ENGLISH = (
    "Choose an option",
    "Choose options",
    "Choose or add",
    "Select all",
    "per file",
    "Drag and drop",
    "Skip to main content",
)

# What the page shows as text: every element's own text (not its children's), SVG texts of the
# charts, the grid cells and headers of tables, and accessible labels.
SHOWN_TEXTS = """() => {
  const out = [];
  // An open popover's table (a 'Kilde' list) holds data (file and sheet names): its headers only.
  for (const th of document.querySelectorAll('[data-testid="stPopoverBody"] [role="columnheader"]')) {
    out.push(th.textContent.trim());
  }
  const roots = document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stSidebar"], [data-testid="stSkipToContent"]');
  for (const root of roots) {
    for (const el of root.querySelectorAll('*')) {
      if (el.closest('[aria-hidden="true"]') && el.tagName !== 'text') continue;
      // What the app hides on purpose is neither seen nor read out (its own display: none); the
      // content of closed tabs and expanders is checked, since a click shows it.
      if (getComputedStyle(el).display === 'none') continue;
      let own = '';
      for (const n of el.childNodes) if (n.nodeType === 3) own += n.textContent;
      own = own.trim();
      if (own) out.push(own);
      const label = el.getAttribute('aria-label') || el.getAttribute('placeholder') || el.getAttribute('title');
      if (label) out.push(label.trim());
    }
  }
  return out;
}"""


def _danish_only() -> tuple[set[str], list[re.Pattern[str]]]:
    """The catalog's Danish texts whose English differs: whole texts, and patterns for those with
    placeholders (a placeholder stands for anything, {n} for a number)."""
    with catalog_file("en").open("rb") as fh:
        cat = read_po(fh, locale="en")
    whole, patterns = set(), []
    for m in cat:
        ids = [m.id] if isinstance(m.id, str) else list(m.id or [])
        strings = [m.string] if isinstance(m.string, str) else list(m.string or [])
        for i, s in zip(ids, strings, strict=False):
            text = i.strip()
            if not text or text == s.strip() or len(text) < 3:
                continue
            if "{" in text:
                parts = re.split(r"(\{[^{}]*\})", text)
                fixed = parts[0::2]
                if sum(len(p.strip()) for p in fixed) >= 6:  # enough fixed words to recognise it
                    # {n} is a count throughout the catalog: it stands for a number, so a
                    # network named "... projekter" is not taken for "{n} projekter".
                    holes = [r"[\d.,\s\u2212-]+" if h == "{n}" else r".+?" for h in parts[1::2]]
                    rx = re.escape(fixed[0]) + "".join(
                        h + re.escape(f) for h, f in zip(holes, fixed[1:], strict=True)
                    )
                    patterns.append(re.compile("^" + rx + "$"))
            else:
                whole.add(text)
    return whole, patterns


@pytest.fixture(scope="module")
def servers(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    db = clone(demo_db, tmp_path_factory.mktemp("a11y") / "demo.sqlite")
    with (
        streamlit_server(db, env={"OVERBLIK_ROLE": "viewer"}) as viewer,
        streamlit_server(db, env={"OVERBLIK_ROLE": "admin"}) as admin,
    ):
        yield {"viewer": viewer, "admin": admin}


def _open_first_source(page, lang: str) -> None:
    """Open the page's first 'Kilde' list, so its headers and cells are among the texts read."""
    button = page.get_by_role("button", name="Kilde" if lang == "da" else "Source", exact=True)
    if not button.count():
        return
    button.first.click()
    body = page.locator('[data-testid="stPopoverBody"] [role="columnheader"]')
    body.first.wait_for(state="attached", timeout=30_000)


CASES = [(role, path, lang) for role, paths in PAGES.items() for path in paths for lang in ("da", "en")]


@pytest.mark.parametrize(
    ("role", "path", "lang"), CASES, ids=[f"{r}-{p or 'overblik'}-{lang}" for r, p, lang in CASES]
)
def test_every_page_passes_axe_says_its_language_and_leaves_no_danish_in_english(
    servers: dict[str, str], context, role: str, path: str, lang: str
) -> None:
    query = "?lang=English" if lang == "en" else ""
    page = open_page(context, f"{servers[role]}/{path}{query}", height=1400)
    try:
        assert errors(page) == []
        assert page.evaluate("document.documentElement.lang") == lang
        assert axe(page, EVERY_IMPACT) == [], "desktop"
        _open_first_source(page, lang)  # a popover's table is drawn outside the page's main part
        if lang == "da":
            shown = page.evaluate(SHOWN_TEXTS)
            english = sorted({s for s in shown if any(e in s for e in STREAMLIT_ENGLISH)})
            assert english == [], f"Streamlit's English on the Danish page: {english}"
        if lang == "en":
            whole, patterns = _danish_only()
            shown = page.evaluate(SHOWN_TEXTS)
            left = sorted({s for s in shown if s in whole or any(p.match(s) for p in patterns)})
            assert left == [], f"Danish on the English page: {left}"
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"en_{role}_{path or 'overblik'}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(300)  # Streamlit lays the page out again (settle waits 500 ms more)
        settle(page)
        assert axe(page, EVERY_IMPACT) == [], "phone"
    finally:
        page.close()
