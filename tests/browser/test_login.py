"""Real login end to end: a real OpenID Connect provider on localhost (oidc-provider-mock), the app
configured against it exactly as a region configures Entra ID (an [auth] block in a secrets file,
roles from group claims in a roles file), and headless Chromium logging in through the pages.

What it proves: an anonymous visitor reaches nothing but the login page; a committee member
(viewer) finds no member's name in any page's HTML, in any chart's data, in any "Kilde" list or in
any download, has no Data page in the navigation and is refused it by URL; staff can upload; each
login and upload is in the audit log under the right person."""

from __future__ import annotations

import io
import json
import re
import secrets
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import store
from store.backup import clone
from tests.browser.helpers import errors, free_port, screenshot, settle, streamlit_server
from tests.browser.test_data_page_flow import _people, filled_template

pytestmark = pytest.mark.browser
USERS = {
    "viewer1": {"sub": "viewer1", "email": "viewer@region.dk", "groups": ["udvalg"], "name": "Vibeke Viewer"},
    "staff1": {"sub": "staff1", "email": "staff@region.dk", "groups": ["innovation"], "name": "Søren Staff"},
}
PAGES = ["", "netvaerk", "personer", "projekter", "eu", "puljer"]


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    port = free_port()
    claims = [a for u in USERS.values() for a in ("--user-claims", json.dumps(u))]
    proc = subprocess.Popen(
        [sys.executable, "-m", "oidc_provider_mock", "-p", str(port), *claims],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the OpenID Connect provider did not start: " + proc.stderr.read1().decode())
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def app(provider: str, demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("login")
    db = clone(demo_db, folder / "demo.sqlite")
    port = free_port()
    (folder / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "overblik"\nclient_secret = "hemmelig"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    (folder / "roles.toml").write_text('[groups]\nudvalg = "viewer"\ninnovation = "staff"\n')
    env = {"OVERBLIK_ROLES": str(folder / "roles.toml"), "OVERBLIK_USER": "os-user-must-not-appear"}
    args = ["--secrets.files", str(folder / "secrets.toml")]
    with streamlit_server(db, env, args, port=port) as url:
        yield url, db


def _personal_names(db: Path) -> list[str]:
    con = store.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT person FROM memberships").fetchall()
    finally:
        con.close()
    return sorted({r[0] for r in rows if r[0] and len(r[0]) > 3})


def _login(browser, url: str, sub: str, downloads: bool = False):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=downloads)
    page = context.new_page()
    page.goto(url + "/")
    page.get_by_role("button", name="Log ind").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's page: a predefined user
    page.wait_for_url(re.compile(re.escape(url)), timeout=30_000)
    settle(page)
    return page


def _everything_shown(page) -> str:
    """The page's HTML, every chart's data and layout, and every opened 'Kilde' list."""
    parts = [page.content()]
    parts.append(
        page.evaluate(
            """() => JSON.stringify([...document.querySelectorAll('.js-plotly-plot')]
                   .map(g => ({data: g.data, layout: g.layout})))"""
        )
    )
    sources = page.get_by_role("button", name="Kilde")
    for i in range(sources.count()):
        sources.nth(i).click()
        page.wait_for_timeout(600)
        parts.append(page.content())
        page.keyboard.press("Escape")
    return "\n".join(parts)


def _downloads(page) -> list[str]:
    """The text of every file the page's download buttons give."""
    out = []
    buttons = page.locator('[data-testid="stDownloadButton"] button')
    for i in range(buttons.count()):
        with page.expect_download(timeout=60_000) as info:
            buttons.nth(i).click()
        data = Path(info.value.path()).read_bytes()
        if data[:2] == b"PK":  # xlsx: every XML part
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                out.append("".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))
        else:
            out.append(data.decode("utf-8-sig", "replace"))
    return out


def test_an_anonymous_visitor_sees_only_the_login_page(app, browser) -> None:
    url, db = app
    names = _personal_names(db)
    page = browser.new_page()
    for path in ["", "personer", "data", "admin"]:
        page.goto(f"{url}/{path}")
        page.get_by_role("button", name="Log ind").wait_for(timeout=60_000)
        settle(page)
        html = page.content()
        assert page.locator('[data-testid="stMetric"]').count() == 0
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert not [n for n in names if n.lower() in html.lower()]
    screenshot(page, "login_page")
    page.close()


def test_a_committee_member_never_sees_a_name(app, browser) -> None:
    url, db = app
    names = _personal_names(db)
    assert len(names) > 50
    page = _login(browser, url, "viewer1", downloads=True)
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Overblik" in nav and "Data" not in nav and "Administration" not in nav
    assert "viewer" in page.locator('[data-testid="stSidebar"]').inner_text()
    seen = {}
    for path in PAGES:
        page.goto(f"{url}/{path}")
        settle(page)
        assert errors(page) == []
        seen[f"{path or 'overblik'} page"] = _everything_shown(page)
        for i, text in enumerate(_downloads(page)):
            seen[f"{path or 'overblik'} download {i}"] = text
    screenshot(page, "viewer_puljer")
    leaked = {(where, n) for where, text in seen.items() for n in names if n.lower() in text.lower()}
    assert leaked == set()
    assert "medlemmer pr. organisation og netværk" in seen["personer page"].lower()  # counts instead
    for path in ("data", "admin"):
        page.goto(f"{url}/{path}")
        settle(page)
        assert "Din rolle giver ikke adgang" in page.content()
        assert page.locator('input[type="file"]').count() == 0
    page.context.close()


def test_staff_can_upload_and_the_audit_log_names_them(app, browser, tmp_path) -> None:
    url, db = app
    page = _login(browser, url, "staff1")
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Data" in nav and "Administration" not in nav
    page.goto(url + "/data")
    settle(page)
    path = filled_template(tmp_path / "deltagere.xlsx", [("Gry Gregersen", "Læge", "OUH")])
    page.locator('input[type="file"]').set_input_files(str(path))
    page.get_by_role("button", name=re.compile(r"^Gem \(\d")).click()
    page.locator('[data-testid="stAlertContentSuccess"]').first.wait_for(timeout=60_000)
    settle(page)
    screenshot(page, "staff_upload_receipt")
    found = _people(page, url, "Gry Gregersen")
    screenshot(page, "staff_people_search")
    assert found  # staff see names
    page.context.close()
    con = store.connect(db, read_only=True)
    try:
        log = con.execute('SELECT user_name, role, action, page FROM audit_log ORDER BY "at"').fetchall()
        uploaded_by = con.execute(
            "SELECT uploaded_by FROM batches ORDER BY batch_id DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        con.close()
    assert ("staff@region.dk", "staff", "upload", "data") in log
    assert log.count(("staff@region.dk", "staff", "login", "login")) == 1  # one login, many page loads
    assert uploaded_by == "staff@region.dk"
