"""The committee's own question, under AppTest on the demo store: who works on which project.
And one meaning per word: a headline figure is the same number on every page that shows it.

What it proves: the register joins pool allocations, EU projects and project member lists with the
organisations and the network members who work there; starting from an organisation shows its
projects with the money from each source and the people (names for a leader, counts and no name for
a committee member); a 'Projektdeltagere' sheet is a kind of its own whose people appear on their
project; networks that ended or fell quiet are never measured as overdue; the granted amount (paid
included), the EU share and the participants are the same on every page, for several filters;
and staff reconcile organisation names on the data page, each change a batch that undo reverses.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from dashboard import format as fmt
from loaders.ingest import ingest_file
from store.backup import clone
from tests.builders import write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def _app(db: Path, monkeypatch, page: str | None = None, role: str = "leader", **params: str) -> AppTest:
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    return at


def _frame(at: AppTest, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_the_register_has_every_project_with_its_money_and_organisations(demo_db, monkeypatch) -> None:
    at = _app(demo_db, monkeypatch, "app_pages/projects.py")
    reg = _frame(at, "Regionens EU-andel")
    by = {r["Projekt"]: r for r in reg.to_dict("records")}
    assert by["JA PreventNCD"]["Regionens EU-andel"] == fmt.amount(41_000_000, "da")
    assert by["RAIT: Radiologisk AI Testcenter"]["Bevilget i alt"] == fmt.amount(275_000, "da")
    assert "Herlev og Gentofte Hospital" in by["RAIT: Radiologisk AI Testcenter"]["Organisationer"]
    with store.connect(demo_db, read_only=True) as con:
        projects = {r[0] for r in con.execute("SELECT project FROM allocations").fetchall()}
        projects |= {r[0] for r in con.execute("SELECT coalesce(acronym, title) FROM eu_projects").fetchall()}
    assert set(by) == projects


def test_a_project_with_no_partner_rows_or_no_organisation_is_in_the_register(tmp_path, monkeypatch) -> None:
    """An EU project whose sheet lists no local units and no partners (its lead partner stands for
    them), and a project known only from a member list without organisations: both are projects."""
    db = tmp_path / "t.sqlite"
    con = store.connect(db)
    header = ["Akronym", "Projekt", "Program", "Region", "Regionens andel", "Periode", "Lead partner"]
    files = {
        "eu.xlsx": {"EU": [header, ["SOLO", "Alene", "Interreg", "Region Syddanmark", 500_000, "2024-2026", "OUH"]]},
        "pd.xlsx": {"Projektdeltagere": [["Projekt", "Navn", "Rolle"], ["Ukendt AI", "Ida Holm", "Projektleder"]]},
    }  # fmt: skip
    for name, sheets in files.items():
        assert [r.status for r in ingest_file(con, write_xlsx(tmp_path / name, sheets))] == ["loaded"]
    con.close()
    reg = _frame(_app(db, monkeypatch, "app_pages/projects.py"), "Regionens EU-andel")
    by = {r["Projekt"]: r for r in reg.to_dict("records")}
    assert set(by) == {"SOLO", "Ukendt AI"}
    assert by["SOLO"]["Organisationer"] == "OUH"
    assert by["SOLO"]["Regionens EU-andel"] == fmt.amount(500_000, "da")


def test_from_an_organisation_to_its_projects_money_and_people(demo_db, monkeypatch) -> None:
    org = {"start": "Organisation", "chosen_organisation": "Herlev og Gentofte Hospital"}
    at = _app(demo_db, monkeypatch, "app_pages/projects.py", **org)
    links = _frame(at, "Pulje eller program")
    assert set(links["Projekt"]) == {"RAIT: Radiologisk AI Testcenter", "SmartChest"}
    assert set(links["Pulje eller program"]) == {"AI-puljen 2020"}
    people = _frame(at, "Hvordan")
    assert "Michel Nèmery" in set(people["Navn"])  # a leader sees who works there
    # A committee member: how many, never who.
    at = _app(demo_db, monkeypatch, "app_pages/projects.py", role="viewer", **org)
    counts = _frame(at, "Hvordan")
    assert "Navn" not in counts.columns and counts["Personer"].astype(int).sum() > 0
    assert "Michel Nèmery" not in str([d.value.to_csv() for d in at.dataframe])
    assert [o.label for o in at.get("segmented_control")][:1] == ["Start fra"]


def test_a_project_member_list_is_its_own_kind_and_names_people_on_their_project(
    demo_db, tmp_path, monkeypatch
) -> None:
    db = clone(demo_db, tmp_path / "p.sqlite")
    rows = [
        ["Projektdeltagere i AI-projekterne"],
        ["Projekt", "Navn", "Rolle i projektet", "Organisation"],
        ["RAIT: Radiologisk AI Testcenter", "Tove Testperson", "Projektleder", "Herlev/Gentofte"],
        ["RAIT: Radiologisk AI Testcenter", "Ulla Udvikler", "Dataforsker", "Rigshospitalet"],
    ]
    with store.connect(db) as con:
        (plan,) = ingest_file(con, write_xlsx(tmp_path / "pd.xlsx", {"Projektdeltagere": rows}))
    assert plan.kind == "project_members" and plan.status == "loaded" and plan.rows["new"] == 2
    at = _app(
        db,
        monkeypatch,
        "app_pages/projects.py",
        start="Projekt",
        chosen_project="RAIT: Radiologisk AI Testcenter",
    )
    people = _frame(at, "Hvordan")
    named = people[people["Hvordan"] == "Navngivet på projektet"]
    assert set(named["Navn"]) == {
        "Charlotte Trap-Kinberg",
        "Tove Testperson",
        "Ulla Udvikler",
    }  # + the demo's
    # Written 'Herlev/Gentofte': the organisation the alias list maps it to.
    assert set(named[named["Navn"] == "Tove Testperson"]["Organisation"]) == {"Herlev og Gentofte Hospital"}
    # Rigshospitalet is now on the project: it shows up from the organisation too.
    at = _app(
        db, monkeypatch, "app_pages/projects.py", start="Organisation", chosen_organisation="Rigshospitalet"
    )
    assert "RAIT: Radiologisk AI Testcenter" in set(_frame(at, "Pulje eller program")["Projekt"])


def test_networks_that_ended_or_fell_quiet_are_never_overdue(demo_db, monkeypatch) -> None:
    at = _app(demo_db, monkeypatch, "app_pages/network_activity.py")
    info = " ".join(i.value for i in at.info).replace("\\", "")  # escaped data: the text as read
    assert "Inaktive?" in info and "AI-Innovationsnetværket" in info  # its last meeting: 2020
    assert not any("AI-Innovationsnetværket" in w.value for w in at.warning)
    assert not any("dage" in w.value and "forsink" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "filters",
    [{}, {"region": "Region Syddanmark"}, {"from": "2020", "to": "2020"}, {"region": "Region Hovedstaden"}],
    ids=["all", "syddanmark", "2020", "hovedstaden"],
)
def test_a_headline_figure_is_the_same_number_on_every_page(filters, demo_db, monkeypatch) -> None:
    def metrics(page: str | None) -> dict[str, str]:
        at = _app(demo_db, monkeypatch, page, **filters)
        return {m.label: m.value for m in at.metric}

    overview = metrics(None)
    pools = metrics("app_pages/funding_pools.py")
    eu = metrics("app_pages/eu_projects.py")
    if "Bevilget i alt" in pools:
        assert overview["Puljemidler bevilget i alt"] == pools["Bevilget i alt"]
    if "Regionens andel i alt" in eu:
        assert overview["EU-midler hjemtaget"] == eu["Regionens andel i alt"]


def test_staff_merge_a_name_into_its_organisation_and_undo_it(demo_db, tmp_path, monkeypatch) -> None:
    db = clone(demo_db, tmp_path / "o.sqlite")
    with store.connect(db) as con:
        ingest_file(
            con,
            write_xlsx(
                tmp_path / "m.xlsx", {"Deltagere": [["Navn", "Organisation"], ["Bo Bech", "Rigshospitalett"]]}
            ),
            set_values={"network": "AI-Innovationsnetværket"},
        )
    at = _app(db, monkeypatch, "app_pages/data.py", role="staff")
    lines = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("\\'")]
    i = next(
        i for i, line in enumerate(lines) if line.startswith("'Rigshospitalett' ligner 'Rigshospitalet'")
    )
    at.button(key=f"merge_{i}").click().run()
    assert [e.value for e in at.exception] == []

    def canonical() -> str:
        with store.connect(db, read_only=True) as con:
            return con.execute(
                "SELECT organisation_canonical FROM participants_v WHERE person = 'Bo Bech'"
            ).fetchone()[0]

    assert canonical() == "Rigshospitalet"
    with store.connect(db, read_only=True) as con:
        batch = con.execute("SELECT max(batch_id) FROM batches WHERE kind = 'org_aliases'").fetchone()[0]
    at.selectbox(key="hist_pick").set_value(batch).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert canonical() == "Rigshospitalett"
