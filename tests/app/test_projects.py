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

import datetime as dt
import json
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


def _parts(at: AppTest) -> list[tuple[str, object]]:
    """The main area top to bottom as (element type, value): a table is found under its heading."""
    out: list[tuple[str, object]] = []

    def walk(node) -> None:
        if hasattr(node, "value") and type(node).__name__ in ("Markdown", "Dataframe", "Info", "Caption"):
            out.append((type(node).__name__, node.value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return out


def _under(at: AppTest, heading: str):
    """The heading that starts with `heading` (its count after it), and the table under it (None
    when another heading comes first)."""
    parts = _parts(at)
    i = next(
        i for i, (k, v) in enumerate(parts) if k == "Markdown" and str(v).startswith(f"##### {heading} (")
    )
    table = None
    for kind, value in parts[i + 1 :]:
        if kind == "Markdown" and str(value).startswith("#"):
            break
        if kind == "Dataframe":
            table = value
            break
    return str(parts[i][1]), table


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
    _, people = _under(at, "Netværksmedlemmer, der arbejder i organisationen")
    assert "Michel Nèmery" in set(people["Navn"])  # a leader sees who works there
    # A committee member: how many, never who.
    at = _app(demo_db, monkeypatch, "app_pages/projects.py", role="viewer", **org)
    _, counts = _under(at, "Netværksmedlemmer, der arbejder i organisationen")
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
    _, named = _under(at, "Navngivet på projektet")
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


RAIT = {"start": "Projekt", "chosen_project": "RAIT: Radiologisk AI Testcenter"}


def test_a_projects_people_named_on_it_are_apart_from_network_members_at_its_organisations(
    demo_db, monkeypatch
) -> None:
    """Only Charlotte Trap-Kinberg is named on RAIT; the Herlev members of the AI network work at
    one of its organisations, which does not make them RAIT's people."""
    at = _app(demo_db, monkeypatch, "app_pages/projects.py", **RAIT)
    heading, named = _under(at, "Navngivet på projektet")
    assert heading == "##### Navngivet på projektet (1)" and list(named["Navn"]) == ["Charlotte Trap-Kinberg"]
    heading, members = _under(at, "Netværksmedlemmer hos de deltagende organisationer")
    assert "Michel Nèmery" in set(members["Navn"])
    assert set(named["Hvordan"]) == {"Navngivet på projektet"}
    assert set(members["Hvordan"]) == {"Medlem af et netværk, arbejder hos organisationen"}
    # A committee member sees the same two parts, as counts.
    at = _app(demo_db, monkeypatch, "app_pages/projects.py", role="viewer", **RAIT)
    heading, named = _under(at, "Navngivet på projektet")
    assert heading == "##### Navngivet på projektet (1)" and "Navn" not in named.columns
    heading, members = _under(at, "Netværksmedlemmer hos de deltagende organisationer")
    assert int(heading.rsplit("(", 1)[1].rstrip(")")) == members["Personer"].astype(int).sum() > 1
    assert "Michel Nèmery" not in str([d.value.to_csv() for d in at.dataframe])


FILTER_SETS = {
    "all": {},
    "syddanmark": {"region": "Region Syddanmark"},
    "hovedstaden": {"region": "Region Hovedstaden"},
    "2020": {"from": "2020", "to": "2020"},
    "2019-2021": {"from": "2019", "to": "2021"},
    "pool": {"pool": "AI-puljen 2020"},
    "organisation": {"organisation": "Herlev og Gentofte Hospital"},
}
NOT_ORGANISATION = "Følger ikke filteret Organisation."


@pytest.mark.parametrize("filters", FILTER_SETS.values(), ids=FILTER_SETS.keys())
def test_a_headline_figure_is_the_same_number_on_every_page(filters, demo_db, monkeypatch) -> None:
    """Each figure under every label that shows it, on the overview, the pools, EU, network and
    projects pages and in the annex; a label that went missing fails, never passes unseen. Where a
    page follows a filter another does not (the projects of an organisation), the other says so."""
    from dashboard import annex
    from dashboard.queries import Filters

    def page(name: str | None) -> tuple[dict[str, str], list[str]]:
        at = _app(demo_db, monkeypatch, name, **filters)
        return {m.label: m.value for m in at.metric}, [c.value for c in at.caption]

    overview, notes = page(None)
    pools, pool_notes = page("app_pages/funding_pools.py")
    eu, _ = page("app_pages/eu_projects.py")
    network, _ = page("app_pages/network_activity.py")
    projects, project_notes = page("app_pages/projects.py")
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    f = Filters(
        region=tuple(filters.get("region", "").split(",")) if "region" in filters else (),
        year_from=int(filters["from"]) if "from" in filters else None,
        year_to=int(filters["to"]) if "to" in filters else None,
        pool=(filters["pool"],) if "pool" in filters else (),
        organisation=(filters["organisation"],) if "organisation" in filters else (),
    )
    figures = {x.key: x for x in annex.collect(f, "leader").figures}  # the annex of the same view

    granted = overview["Puljemidler bevilget i alt"]
    paid = next(c for c in notes if c.startswith("heraf udbetalt")).split(" · ")[0]
    assert granted == pools["Bevilget i alt"] == figures["granted"].text
    assert paid in pool_notes and figures["granted"].note.startswith(paid)
    share = overview["Regionens EU-andel"]
    assert share == figures["eu_region_share"].text
    if eu:  # no EU project under the filters: the EU page says so instead of showing 0 kr.
        assert share == eu["Regionens EU-andel"]
    else:
        assert share == fmt.amount(0, "da")
    assert overview["Aktive netværk"] == network["Aktive netværk"] == figures["active_networks"].text
    assert overview["Deltagere"] == figures["participants"].text
    if "organisation" in filters:  # pools and EU money know no organisation: the overview says so
        assert notes.count(NOT_ORGANISATION) >= 2 and NOT_ORGANISATION in figures["granted"].note
        assert NOT_ORGANISATION in pool_notes
    else:
        assert projects["Bevilget i alt"] == granted and paid in project_notes
        if "pool" not in filters:  # a pool narrows the register to its projects, not the EU money
            assert projects["Regionens EU-andel"] == share


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


def _canonical(db: Path, person: str) -> str:
    with store.connect(db, read_only=True) as con:
        return con.execute(
            "SELECT organisation_canonical FROM participants_v WHERE person = ? LIMIT 1", [person]
        ).fetchone()[0]


def test_staff_rename_an_organisation_and_undo_it(demo_db, tmp_path, monkeypatch) -> None:
    db = clone(demo_db, tmp_path / "r.sqlite")
    old, new = "Herlev og Gentofte Hospital", "Herlev-Gentofte Hospital"
    at = _app(db, monkeypatch, "app_pages/data.py", role="staff")
    # The list shows sectors in words, never the stored codes.
    sectors = set(_frame(at, "Sektor")["Sektor"])
    assert "Hospital" in sectors and not sectors & {"hospital", "university", "company"}
    at.selectbox(key="rename_pick").set_value(old)
    at.text_input(key="rename_to").set_value(new).run()
    at.button(key="rename_go").click().run()
    assert [e.value for e in at.exception] == [] and not at.error
    assert any(f"'{old}' hedder nu '{new}'" in s.value.replace("\\", "") for s in at.success)
    assert _canonical(db, "Michel Nèmery") == new  # written 'Herlev og Gentofte Hospital'
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM org_aliases WHERE canonical = ?", [old]).fetchone()[0] == 0
        assert (
            con.execute("SELECT sector FROM organisations WHERE canonical = ?", [new]).fetchone()[0]
            == "hospital"
        )
        assert con.execute("SELECT count(*) FROM organisations WHERE canonical = ?", [old]).fetchone()[0] == 0
        links = {r[0] for r in con.execute("SELECT DISTINCT organisation FROM project_links_b").fetchall()}
        batch = con.execute("SELECT max(batch_id) FROM batches WHERE kind = 'org_aliases'").fetchone()[0]
    assert new in links and old not in links
    at.selectbox(key="hist_pick").set_value(batch).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert [e.value for e in at.exception] == []
    assert _canonical(db, "Michel Nèmery") == old
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM org_aliases WHERE canonical = ?", [new]).fetchone()[0] == 0
        assert (
            con.execute("SELECT sector FROM organisations WHERE canonical = ?", [old]).fetchone()[0]
            == "hospital"
        )
    # Renamed again, the history holds a rename, its undo and a rename in force: a rebuild from the
    # originals replays all three and ends with the same views (it compares every view itself).
    at.selectbox(key="rename_pick").set_value(old)
    at.text_input(key="rename_to").set_value(new).run()
    at.button(key="rename_go").click().run()
    assert _canonical(db, "Michel Nèmery") == new
    from store.rebuild import rebuild

    report = rebuild(db, tmp_path / "rebuilt" / "r.sqlite")
    assert all(v["only_old"] == v["only_new"] == 0 for v in report["views"].values())
    assert _canonical(tmp_path / "rebuilt" / "r.sqlite", "Michel Nèmery") == new


def test_staff_set_a_network_end_date_and_it_counts_as_ended(demo_db, tmp_path, monkeypatch) -> None:
    db = clone(demo_db, tmp_path / "e.sqlite")
    network = "AI netværk for sundhedsdata projekter"
    at = _app(db, monkeypatch, "app_pages/data.py", role="staff")
    assert at.button(key="end_go").disabled  # nothing chosen yet
    at.selectbox(key="end_network").set_value(network)
    at.date_input(key="end_date").set_value(dt.date(2022, 6, 30)).run()
    at.button(key="end_go").click().run()
    assert [e.value for e in at.exception] == [] and not at.error
    with store.connect(db, read_only=True) as con:
        ended = con.execute("SELECT ended FROM networks WHERE network = ?", [network]).fetchone()[0]
    assert ended == dt.date(2022, 6, 30)
    m = {x.label: x.value for x in _app(db, monkeypatch, "app_pages/network_activity.py").metric}
    assert (m["Aktive netværk"], m["Inaktive?"], m["Ophørte"]) == ("0", "3", "3")


def test_the_people_page_graph_has_the_projects_as_nodes(demo_db, monkeypatch) -> None:
    at = _app(demo_db, monkeypatch, "app_pages/people.py")
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    # The graph: the chart whose nodes are networks and organisations (drawn for the demo's 80 members).
    (fig,) = [x for x in figures if {"Netværk", "Organisation"} <= {tr.get("name") for tr in x["data"]}]
    projects = next(tr for tr in fig["data"] if tr.get("name") == "Projekt")
    assert "RAIT: Radiologisk AI Testcenter" in projects["text"]
