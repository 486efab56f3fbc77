"""Roles under AppTest: what each role finds in its navigation, what each page shows it, and what
each download gives it, on the demo store.

What it proves: a viewer (committee member) has no Data or Administration page, and no member's
name or title reaches it in any element or any download of any page, the people page's counts
and the graph included; a leader sees the names; staff get the Data page, admins the
Administration page too; a page a role may not use refuses its address; with a login configured,
the role comes from the mapping file by e-mail or group, an unmapped user is a viewer and an
anonymous visitor sees only the login page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

import store
from dashboard import safe
from store.backup import clone
from tests.app.conftest import as_text, click

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's demo store: a leader's overview offers the annex, and clicking
    every download makes (and keeps) one, which must not reach the store other tests share."""
    return clone(demo_db, tmp_path_factory.mktemp("roles") / "roles.sqlite")


PAGES = [
    "app_pages/overview.py",
    "app_pages/network_activity.py",
    "app_pages/people.py",
    "app_pages/projects.py",
    "app_pages/eu_projects.py",
    "app_pages/funding_pools.py",
]
EVERY_ROLE_PAGES = ["", "netvaerk", "personer", "projekter", "eu", "puljer"]
END = ["begreber", "tilgaengelighed"]
NAV = {
    "viewer": [*EVERY_ROLE_PAGES, *END],
    "leader": [*EVERY_ROLE_PAGES, *END],
    "staff": [*EVERY_ROLE_PAGES, "data", *END],
    "admin": [*EVERY_ROLE_PAGES, "data", "admin", *END],
}


@pytest.fixture(scope="module")
def names(demo_db: Path) -> list[str]:
    """Every member's name and title in the demo store (longer than 3 letters, so a name is a name)."""
    con = store.connect(demo_db, read_only=True)
    try:
        rows = con.execute(
            "SELECT person, title FROM memberships UNION ALL SELECT person, role FROM project_members"
        ).fetchall()
    finally:
        con.close()
    found = {v for r in rows for v in r if v and len(v) > 3}
    # A title such as "Direktør" or "Professor" is also a word of the interface: names only, and
    # titles of several words (which identify a person as much as a name does).
    persons = {r[0] for r in rows if r[0] and len(r[0]) > 3}
    titles = {t for t in found - persons if len(t.split()) >= 3}
    return sorted(persons | titles)


def _run(role: str, demo_db: Path, monkeypatch: pytest.MonkeyPatch, page: str | None = None) -> AppTest:
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    if page:
        at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    return at


def _visible_nav(seen: dict[str, list]) -> list[str]:
    return [p.url_path for p in seen["nav"][-1] if p.visibility == "visible"]


def _shown(at: AppTest) -> str:
    """Everything an AppTest run drew, as text: every element's protobuf (markdown, captions,
    metrics, help texts, labels, options, charts' JSON) and every table's cells."""
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [tb.value.to_csv() for tb in at.table]
    return "\n".join(parts)


def _download_texts(seen: dict[str, list]) -> list[tuple[str, str]]:
    """Each download's file name and content as text."""
    return [(str(file_name), as_text(click(data))) for _label, file_name, data in seen["downloads"]]


@pytest.mark.parametrize("role", ["viewer", "leader", "staff", "admin"])
def test_each_role_has_exactly_its_pages_in_the_navigation(role, demo_db, monkeypatch, spies) -> None:
    at = _run(role, demo_db, monkeypatch)
    assert _visible_nav(spies) == NAV[role]
    assert role in at.sidebar.warning[0].value  # the demo banner names the role


@pytest.mark.parametrize(
    ("role", "script"), [("viewer", "data.py"), ("leader", "data.py"), ("staff", "admin.py")]
)
def test_a_page_the_role_may_not_use_refuses_to_draw(role, script, demo_db, monkeypatch) -> None:
    """The address of such a page is refused by app.py (tests/browser/test_login.py opens it); the
    page itself refuses too, should it ever be reached another way."""
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app_pages" / script), default_timeout=90).run()
    assert [e.value for e in at.exception] == []
    assert any("Din rolle giver ikke adgang" in e.value for e in at.error)
    assert not at.get("file_uploader") and not at.tabs and not at.title


def test_a_viewer_meets_no_name_in_any_element_or_download(names, demo_db, monkeypatch, spies) -> None:
    assert len(names) > 50
    leaked, made = [], 0
    for page in PAGES:
        spies["downloads"].clear()
        at = _run("viewer", demo_db, monkeypatch, page)
        if page.endswith("people.py"):
            at.toggle[0].set_value(True).run()  # the network graph, drawn with people as counts
            assert [e.value for e in at.exception] == []
            assert any("Medlemmer pr. organisation" in s.value for s in at.subheader)
        shown = _shown(at).lower()
        leaked += [(page, n) for n in names if n.lower() in shown]
        downloads = _download_texts(spies)
        made += len(downloads)
        leaked += [(page, f, n) for f, text in downloads for n in names if n.lower() in text.lower()]
    assert leaked == []
    assert made >= 8  # the tables of four pages, as CSV and Excel


def test_a_leader_sees_names_on_the_people_page_and_in_its_download(
    names, demo_db, monkeypatch, spies
) -> None:
    at = _run("leader", demo_db, monkeypatch, "app_pages/people.py")
    shown = _shown(at).lower()
    assert sum(n.lower() in shown for n in names) > 40
    member_list = [text for f, text in _download_texts(spies) if f.startswith("deltagere")]
    assert member_list and all(sum(n in text for n in names) > 40 for text in member_list)


def test_a_viewers_sources_name_no_uploader(demo_db, tmp_path, monkeypatch, spies) -> None:
    """'Kilde' lists the uploads behind a figure: a viewer reads 'medarbejder' for the person."""
    db = clone(demo_db, tmp_path / "sources.sqlite")
    con = store.connect(db)
    try:
        con.execute("UPDATE batches SET uploaded_by = 'Karin Kildemand'")
    finally:
        con.close()
    for role, expect in (("viewer", False), ("leader", True)):
        at = _run(role, db, monkeypatch)
        text = _shown(at)
        assert ("Karin Kildemand" in text) is expect, role
        if not expect:
            assert "medarbejder" in text


def _login_app(monkeypatch, tmp_path: Path, demo_db: Path, user: dict | None) -> AppTest:
    roles = tmp_path / "roles.toml"
    roles.write_text(
        '[emails]\n"chef@region.dk" = "leader"\n[groups]\n"innovation" = "staff"\n"it-drift" = "admin"\n'
    )
    monkeypatch.setenv("OVERBLIK_ROLES", str(roles))
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    monkeypatch.delenv("OVERBLIK_ROLE", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "overblik",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
    if user is not None:
        at.user = user
    at.run()
    assert [e.value for e in at.exception] == []
    return at


@pytest.mark.parametrize(
    ("claims", "role"),
    [
        ({"email": "Chef@Region.dk", "groups": []}, "leader"),
        ({"email": "x@region.dk", "groups": ["innovation"]}, "staff"),
        ({"email": "chef@region.dk", "groups": ["it-drift"]}, "admin"),  # the highest match wins
        ({"email": "ukendt@region.dk", "groups": ["andet"]}, "viewer"),
    ],
)
def test_with_a_login_the_role_comes_from_the_mapping_file(
    claims, role, tmp_path, demo_db, monkeypatch, spies
) -> None:
    at = _login_app(monkeypatch, tmp_path, demo_db, {"is_logged_in": True, "sub": "u1", **claims})
    assert _visible_nav(spies) == NAV[role]
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert safe.md(claims["email"]) in sidebar  # escaped: an address is text, not a mailto link
    assert not at.sidebar.warning  # no demo banner once a login is configured


def test_with_a_login_an_anonymous_visitor_sees_only_the_login_page(
    tmp_path, demo_db, monkeypatch, spies
) -> None:
    at = _login_app(monkeypatch, tmp_path, demo_db, {"is_logged_in": False})
    assert spies["nav"] == []  # no page at all
    assert [b.label for b in at.button] == ["Log ind"]
    assert not at.metric and not at.dataframe
    assert at.title[0].value == "Overblik"
