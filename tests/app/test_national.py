"""Every page on a generated national-scale store (300 networks, 70,000 people, 20,000 meetings,
2,000 EU projects, 50,000 allocations, 20,000 people named on projects), under AppTest: no page
fails, none sends more than 10,000 rows or chart points to the browser, the projects page answers
from an organisation and a project, and a committee member sees no name anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from benchmarks import largedb
from benchmarks.pages import MAX_ROWS, _elements

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["overview", "network_activity", "people", "projects", "eu_projects", "funding_pools"]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("national") / "national.sqlite"
    con = store.connect(db)
    try:
        largedb.fill(con, n_allocations=50_000)
    finally:
        con.close()
    return db


def _page(db: Path, monkeypatch, page: str, role: str, **params: str) -> AppTest:
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert [e.value for e in at.exception] == [], page
    return at


def _shown(at: AppTest) -> str:
    parts = [
        str(e.value) for kind in ("markdown", "caption", "info", "warning", "subheader") for e in at.get(kind)
    ]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [el.proto.spec for el in at.get("plotly_chart")]
    return "\n".join(parts)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_at_national_scale_sends_a_bounded_amount_and_a_viewer_no_name(
    national, monkeypatch, page
) -> None:
    leader = _page(national, monkeypatch, page, "leader")
    sizes = _elements(leader)
    assert sizes, page  # the page drew tables or charts
    assert [(what, n) for what, n in sizes if n > MAX_ROWS] == []
    viewer = _page(national, monkeypatch, page, "viewer")
    assert "Person 0" not in _shown(viewer)  # every generated name is 'Person 000123'


def test_from_an_organisation_to_its_projects_at_national_scale(national, monkeypatch) -> None:
    with store.connect(national, read_only=True) as con:
        (org,) = con.execute("SELECT recipient FROM allocations WHERE src_row = 4").fetchone()
        projects = {
            r[0] for r in con.execute("SELECT project FROM allocations WHERE recipient = ?", [org]).fetchall()
        }
    assert 50 < len(projects) < 500
    at = _page(national, monkeypatch, "projects", "leader", start="Organisation", chosen_organisation=org)
    links = next(d.value for d in at.dataframe if "Pulje eller program" in d.value.columns)
    assert set(links["Projekt"]) == projects
    people = next(d.value for d in at.dataframe if "Hvordan" in d.value.columns)
    assert people["Navn"].str.startswith("Person ").all() and len(people) > 0
