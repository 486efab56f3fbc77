"""The real app, page by page, under streamlit.testing.v1.AppTest on the demo database.

Expected figures come either from the source documents (the committee minutes give Region
Syddanmark's EU shares, 103,25 mio. kr. in all) or from the public views queried directly, so a
page that sums, filters or formats wrongly fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from dashboard import format as fmt
from dashboard.queries import DETAIL_LIMIT
from store.backup import clone

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "app_pages/overview.py",
    "app_pages/network_activity.py",
    "app_pages/people.py",
    "app_pages/eu_projects.py",
    "app_pages/funding_pools.py",
    "app_pages/data.py",
]
TITLES = {
    "app_pages/overview.py": "Overblik",
    "app_pages/network_activity.py": "Netværksaktivitet",
    "app_pages/people.py": "Personer og organisationer",
    "app_pages/eu_projects.py": "EU-projekter",
    "app_pages/funding_pools.py": "Puljer",
    "app_pages/data.py": "Data",
}


@pytest.fixture(scope="module")
def views(demo_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """A read-only connection to the demo store (read beside the app), to compute what the pages must show."""
    con = store.connect(demo_db, read_only=True)
    yield con
    con.close()


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    return demo_db


def _app(page: str | None = None, **params: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    return at


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _one(con, sql: str, params: list | None = None):
    return con.execute(sql, params or []).fetchone()[0]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_its_title_without_exception(demo: Path, page: str) -> None:
    at = _app(page)
    assert at.title[0].value == TITLES[page]
    assert not at.error


def test_overview_kpis_match_the_public_views(demo: Path, views) -> None:
    m = _metrics(_app())
    # Active: no end date reached, and a meeting within the last year (the glossary's definition).
    active = _one(
        views,
        "SELECT count(*) FROM (SELECT m.network, max(m.meeting_date) AS last, any_value(n.ended) AS ended "
        "FROM meetings_v m LEFT JOIN networks n USING (network) GROUP BY 1) "
        "WHERE coalesce(ended > current_date, TRUE) AND current_date - last <= 365",
    )
    assert m["Aktive netværk"] == str(active)
    assert m["Deltagere"] == fmt.number(
        _one(views, "SELECT count(DISTINCT lower(person)) FROM participants_v"), "da", 0
    )
    assert m["Organisationer"] == fmt.number(
        _one(views, "SELECT count(DISTINCT organisation_canonical) FROM participants_v"), "da", 0
    )
    assert m["Regionens EU-andel"] == fmt.amount(
        _one(views, "SELECT sum(region_share_dkk) FROM eu_projects_v"), "da"
    )
    granted = _one(views, "SELECT sum(amount_dkk) FROM allocations_v WHERE status IN ('granted', 'paid')")
    assert m["Puljemidler bevilget i alt"] == fmt.amount(granted, "da")
    # The last year with meetings is 2025 (the committee meeting and the conference).
    assert m["Møder 2025"] == str(
        _one(views, "SELECT count(*) FROM meetings_v WHERE year(meeting_date) = 2025")
    )


def test_region_syddanmark_brought_home_103_25_mio(demo: Path) -> None:
    """The committee minutes: 7,6 + 41 + 18 + 35 + 1,65 mio. kr. as the region's shares."""
    m = _metrics(_app(region="Region Syddanmark"))
    assert m["Regionens EU-andel"] == "103,25\xa0mio.\xa0kr."
    eu = _metrics(_app("app_pages/eu_projects.py", region="Region Syddanmark"))
    assert eu["Regionens EU-andel"] == "103,25\xa0mio.\xa0kr."
    assert eu["Projekter"] == "5"


def test_narrowing_the_year_range_changes_the_meetings_count(demo: Path, views) -> None:
    at = _app(**{"from": "2019", "to": "2019"})
    m = _metrics(at)
    in_2019 = _one(views, "SELECT count(*) FROM meetings_v WHERE year(meeting_date) = 2019")
    assert in_2019 > 2  # the 2019 network meetings, not the default view's 2025 count
    assert m["Møder 2019"] == str(in_2019)
    delta = next(x for x in at.metric if x.label == "Møder 2019").delta
    in_2018 = _one(views, "SELECT count(*) FROM meetings_v WHERE year(meeting_date) = 2018")
    assert str(in_2019 - in_2018) in (delta or "")


def test_the_year_before_is_counted_even_when_the_range_starts_after_it(demo: Path, views) -> None:
    """?from=2020&to=2020: 13 meetings in 2020 against 12 in 2019 (outside the range, still the year
    before), not '+13' as if 2019 had none."""
    at = _app(**{"from": "2020", "to": "2020"})
    meetings = next(x for x in at.metric if x.label == "Møder 2020")
    in_2019 = _one(views, "SELECT count(*) FROM meetings_v WHERE year(meeting_date) = 2019")
    assert (meetings.value, in_2019) == ("13", 12)
    assert meetings.delta == "+1 fra året før"


def test_active_networks_mean_the_same_on_the_overview_and_the_network_page(demo: Path) -> None:
    """Today no demo network is active (four are quiet, two ended); at the end of 2020, three were."""
    for params, active in (({}, "0"), ({"from": "2020", "to": "2020"}, "3")):
        overview = _metrics(_app(**params))
        network = _metrics(_app("app_pages/network_activity.py", **params))
        assert overview["Aktive netværk"] == network["Aktive netværk"] == active
    assert (network["Inaktive?"], network["Ophørte"]) == ("0", "0")
    today = _metrics(_app("app_pages/network_activity.py"))
    assert (today["Inaktive?"], today["Ophørte"]) == ("4", "2")


def test_the_pools_page_lists_a_grant_outside_its_pools_band(demo_db: Path, tmp_path, monkeypatch) -> None:
    """The demo's one grant outside its band was rejected; a granted one of 450.000 kr. in a
    100.000-300.000 kr. pool is listed with its band."""
    from loaders.ingest import ingest_file
    from tests.builders import write_xlsx

    db = clone(demo_db, tmp_path / "band.sqlite")
    header = ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status"]
    row = ["AI-puljen 2020", 2020, "Stor AI-pilot", "Rigshospitalet", 450_000, "Bevilget"]
    with store.connect(db) as con:
        (plan,) = ingest_file(con, write_xlsx(tmp_path / "b.xlsx", {"Bevillinger": [header, row]}))
    assert plan.status == "loaded"
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    at = _app("app_pages/funding_pools.py")
    assert any(m.value == "##### Bevillinger uden for puljens interval (1)" for m in at.markdown)
    listed = next(d.value for d in at.dataframe if "Interval" in d.value.columns)
    assert listed.values.tolist() == [
        ["AI-puljen 2020", "2020", "Stor AI-pilot", "Rigshospitalet", fmt.amount(450_000, "da"),
         f"{fmt.amount(100_000, 'da')} – {fmt.amount(300_000, 'da')}", "Bevilget"]
    ]  # fmt: skip


def test_selecting_a_network_narrows_the_people_table(demo: Path, views) -> None:
    at = _app("app_pages/people.py")
    everyone = len(at.dataframe[-1].value)
    assert everyone == _one(views, "SELECT count(*) FROM participants_v")
    at.multiselect(key="network").set_value(["AI-Innovationsnetværket"]).run()
    assert not at.exception
    narrowed = at.dataframe[-1].value
    # The network's member list of October 2020: 49 members, 36 internal and 13 external.
    assert len(narrowed) == 49 < everyone
    m = _metrics(at)
    assert (m["Interne"], m["Eksterne"]) == ("36", "13")
    # The filter holds when the reader moves to another page (the URL part is in the browser test).
    at.switch_page("app_pages/overview.py").run()
    assert _metrics(at)["Deltagere"] == "49"


def test_a_copied_link_reopens_the_same_view(demo: Path) -> None:
    at = _app("app_pages/people.py", network="AI-Innovationsnetværket")
    assert at.multiselect(key="network").value == ["AI-Innovationsnetværket"]
    assert len(at.dataframe[-1].value) == 49


def test_staircase_pool_capacity(demo: Path) -> None:
    """3 mio. kr. added each year from 2025: the yearly capacity is 3, 6, 9, 12 mio. kr. (30 in all)."""
    at = _app("app_pages/funding_pools.py", pool="Pulje til digital innovation")
    m = _metrics(at)
    assert m["Kapacitet"] == "30\xa0mio.\xa0kr."
    assert at.multiselect(key="pool").value == ["Pulje til digital innovation"]


def test_filters_that_match_nothing_say_so(demo: Path) -> None:
    at = _app("app_pages/eu_projects.py", region="Region Hovedstaden")
    assert any("Intet matcher" in i.value for i in at.info)
    assert not at.metric


def test_english_interface(demo: Path) -> None:
    at = _app(lang="English")
    assert at.title[0].value == "Overview"
    assert "Active networks" in _metrics(at)


@pytest.mark.parametrize("page", PAGES[:-1])
def test_empty_database_explains_how_to_load_data(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERBLIK_DB", str(tmp_path / "empty.sqlite"))
    at = _app(page)
    assert any("Databasen er tom" in i.value and "make demo" in i.value for i in at.info)
    assert not at.metric


def test_search_finds_people_in_the_database(demo: Path, views) -> None:
    at = _app("app_pages/people.py")
    at.text_input(key="people_search").set_value("anna").run()
    rows = at.dataframe[-1].value
    expected = _one(
        views,
        "SELECT count(*) FROM participants_v WHERE person ILIKE '%anna%' OR title ILIKE '%anna%' "
        "OR organisation ILIKE '%anna%' OR organisation_canonical ILIKE '%anna%'",
    )
    assert 0 < len(rows) == expected
    assert all("anna" in " ".join(map(str, r)).lower() for r in rows.itertuples(index=False))


@pytest.fixture
def big(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo database with 6,000 more memberships than a table shows at once."""
    db = clone(demo_db, tmp_path / "big.sqlite")
    with store.connect(db) as con:
        batch = con.execute("SELECT max(batch_id) FROM batches").fetchone()[0]
        con.execute(
            "INSERT INTO memberships (person, network, organisation, region, is_external, batch_id) "
            "SELECT 'Person ' || i, 'AI-Innovationsnetværket', 'Rigshospitalet', 'Region Hovedstaden', i % 4 = 0, ? "
            "FROM range(6000) t(i)",
            [batch],
        )
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db


def test_counts_come_from_the_database_not_from_the_rows_shown(big: Path) -> None:
    """A table shows its first rows (DETAIL_LIMIT); the figures above it count every row."""
    at = _app("app_pages/people.py")
    m = _metrics(at)
    assert m["Medlemskaber"] == "6.081"
    assert m["Eksterne"] == fmt.number(38 + 1500, "da", 0)
    assert len(at.dataframe[-1].value) == DETAIL_LIMIT < 6081
    first = fmt.number(DETAIL_LIMIT, "da", 0)
    assert any(f"Viser de første {first} af 6.081 rækker" in c.value for c in at.caption)


def test_kilde_names_the_upload_behind_a_figure(demo: Path, views) -> None:
    at = _app("app_pages/eu_projects.py", region="Region Syddanmark")
    src = next(d.value for d in at.dataframe if "Fil" in d.value.columns)
    assert list(src["Fil"]) == ["eu_projekter.xlsx"]
    assert list(src["Antal"]) == [5]
    # The rows behind the figure, as Excel numbers them: the five projects sit in rows 4-8.
    assert list(src["Rækker i arket"]) == ["4–8"]
    assert list(src["Af"]) == ["demo"]
