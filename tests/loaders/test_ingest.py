"""Ingest end to end on files built in code and a real DuckDB file: shape, validate, plan, commit, undo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import store
from loaders.history import history, undo
from loaders.ingest import ingest_file, summary
from loaders.problems import LoaderError
from tests.builders import ALLOCATIONS, EU, MEMBERS, write_text, write_xlsx

AI = {"network": "AI-Innovationsnetværket", "region": "Region Hovedstaden"}


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(tmp_path / "t.sqlite")
    yield c
    c.close()


def state(con) -> dict[str, list[tuple]]:
    """Everything stored, to compare before and after an operation that must change nothing."""
    out = {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall())) for t in store.DATA_TABLES}
    out["batches"] = con.execute("SELECT count(*) FROM batches").fetchall()
    out["files"] = con.execute("SELECT count(*) FROM files").fetchall()
    return out


def one(results):
    assert len(results) == 1, [r.as_dict() for r in results]
    return results[0]


def test_member_list_title_section_repeated_header(con, tmp_path):
    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    r = one(ingest_file(con, p, set_values=AI))
    assert r.status == "loaded", r.as_dict()
    assert r.kind == "participants"
    assert r.rows == {
        "new": 6,
        "changed": 0,
        "unchanged": 0,
        "missing": 0,
        "removed": 0,
        "rejected": 0,
        "skipped": 2,
    }
    assert [(s.row, s.reason) for s in r.skipped] == [(1, "title"), (7, "repeated_header"), (9, "section")]
    # Every row below the header is loaded, rejected or skipped: 6 + 0 + 2 of 8.
    assert r.validated.rows_below_header == 8
    rows = con.execute(
        "SELECT person, is_external, network, region, organisation FROM participants_v ORDER BY person"
    ).fetchall()
    assert rows == [
        ("Andreas Cleve Lohmann", True, "AI-Innovationsnetværket", "Region Hovedstaden", "Corti"),
        ("Anna Pors", False, "AI-Innovationsnetværket", "Region Hovedstaden", "Amager og Hvidovre Hospital"),
        ("Freddy Lippert", False, "AI-Innovationsnetværket", "Region Hovedstaden", "Akutberedskabet"),
        ("Jack Karrer", False, "AI-Innovationsnetværket", "Region Hovedstaden", "Bispebjerg & Frederiksberg"),
        ("Jan Madsen", True, "AI-Innovationsnetværket", "Region Hovedstaden", "DTU COMPUTE"),
        ("Michel Nèmery", False, "AI-Innovationsnetværket", "Region Hovedstaden", "Herlev/Gentofte"),
    ]
    # Provenance: the Excel row number of each member.
    assert con.execute("SELECT src_row FROM memberships WHERE person = 'Jan Madsen'").fetchone() == (11,)


def test_eu_projects_bilingual_headers_danish_amounts_periods_and_totals_row(con, tmp_path):
    p = write_xlsx(tmp_path / "eu.xlsx", {"EU-projekter": EU})
    r = one(ingest_file(con, p, set_values={"region": "Region Syddanmark"}))
    assert r.status == "loaded", r.as_dict()
    assert (8, "total") in [(s.row, s.reason) for s in r.skipped]
    # The sheet's own total counts unknown budgets as known ones: the loader says so, naming both figures.
    [mismatch] = [w for w in r.warnings if w.code == "sheet.total_mismatch"]
    assert (mismatch.row, mismatch.params["total"], mismatch.params["sum"]) == (
        8,
        "1.621.000.000 kr.",
        "793.000.000 kr.",
    )
    rows = con.execute(
        "SELECT acronym, title, total_budget_dkk, region_share_dkk, start_year, end_year, partners, currency "
        "FROM eu_projects_v ORDER BY acronym"
    ).fetchall()
    assert rows == [
        ("CARES", "Telemedicin", None, Decimal("1650000.00"), 2023, 2026, None, "DKK"),
        (
            "Hope4Kids",
            "Familier med børn",
            Decimal("90000000.00"),
            Decimal("7600000.00"),
            2025,
            2029,
            75,
            "DKK",
        ),
        (
            "JA PreventNCD",
            "Forebyggelse",
            Decimal("703000000.00"),
            Decimal("41000000.00"),
            2024,
            2027,
            105,
            "DKK",
        ),
        ("eCAN Plus", "Kræftcentre", None, Decimal("18000000.00"), 2025, 2029, 83, "DKK"),
    ]


def test_cordis_style_csv_converts_euro_and_keeps_the_currency(con, tmp_path):
    text = (
        "id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;frameworkProgramme\n"
        "101165535;TOY;SIGNED;Machine learning;2025-01-01;2029-12-31;1500000;1500000,5;HORIZON\n"
        '101000001;CARE;SIGNED;"Care, with a\nline break";2024-03-01;2026-02-28;2000000;1000000;HORIZON\n'
    )
    p = write_text(tmp_path / "project.csv", text)
    r = one(ingest_file(con, p, set_values={"region": "Region Syddanmark"}))
    assert r.status == "loaded", r.as_dict()
    rows = con.execute(
        "SELECT acronym, title, programme, total_budget_dkk, eu_contribution_dkk, region_share_dkk, currency, "
        "start_year, end_year FROM eu_projects_v ORDER BY acronym"
    ).fetchall()
    assert rows == [
        (
            "CARE",
            "Care, with a line break",
            "HORIZON",
            Decimal("14920000.00"),
            Decimal("7460000.00"),
            None,
            "EUR",
            2024,
            2026,
        ),
        (
            "TOY",
            "Machine learning",
            "HORIZON",
            Decimal("11190000.00"),
            Decimal("11190003.73"),
            None,
            "EUR",
            2025,
            2029,
        ),
    ]
    assert con.execute("SELECT DISTINCT fx_rate FROM eu_projects").fetchall() == [(Decimal("7.4600"),)]
    assert con.execute("SELECT src_row FROM eu_projects WHERE acronym = 'CARE'").fetchone() == (3,)


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_semicolon_csv_in_danish_encodings_with_multiline_fields(con, tmp_path, encoding):
    text = (
        "Netværk;Dato;Sted;Tema;Type;Deltagere\n"
        "AI-Innovationsnetværket;17. juni 2019;hos Akutberedskabet;Igangsætning;Netværksmøde;25\n"
        'AI-Innovationsnetværket;17-06-2020;Skype og hos CIMT;"Erfaringer under COVID-19\nog anbefalinger";Netværksmøde;\n'
        "AI-Innovationsnetværket;29.09.2020;Skype;Pseudonymisering af data;Netværksmøde;Ikke oplyst\n"
    )
    p = write_text(tmp_path / "moeder.csv", text, encoding)
    r = one(ingest_file(con, p))
    assert r.status == "loaded", r.as_dict()
    rows = con.execute(
        "SELECT meeting_date, host, theme, format, kind, attendees FROM meetings_v ORDER BY 1"
    ).fetchall()
    assert rows == [
        (dt.date(2019, 6, 17), "hos Akutberedskabet", "Igangsætning", "physical", "network_meeting", 25),
        (
            dt.date(2020, 6, 17),
            "Skype og hos CIMT",
            "Erfaringer under COVID-19 og anbefalinger",
            "hybrid",
            "network_meeting",
            None,
        ),
        (dt.date(2020, 9, 29), "Skype", "Pseudonymisering af data", "online", "network_meeting", None),
    ]
    # The record after the two-line field starts on line 5.
    assert con.execute("SELECT src_row FROM meetings ORDER BY meeting_date").fetchall() == [(2,), (3,), (5,)]


def test_legacy_xls(con, tmp_path):
    import xlwt  # requirements-dev.txt: a missing one is an install bug, not a skip

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Puljer")
    ws.write(0, 0, "Puljeoversigt")
    for c, h in enumerate(["Pulje", "Region", "År", "Model", "Beløb"]):
        ws.write(2, c, h)
    for r, year in enumerate(range(2025, 2029), start=3):
        for c, v in enumerate(
            ["Pulje til digital innovation", "Region Syddanmark", year, "Trappemodel", 3_000_000]
        ):
            ws.write(r, c, v)
    p = tmp_path / "puljer.xls"
    wb.save(str(p))
    r = one(ingest_file(con, p))
    assert r.status == "loaded", r.as_dict()
    assert con.execute("SELECT year, capacity_dkk FROM pools_v ORDER BY year").fetchall() == [
        (2025, Decimal("3000000.00")),
        (2026, Decimal("6000000.00")),
        (2027, Decimal("9000000.00")),
        (2028, Decimal("12000000.00")),
    ]


def test_byte_duplicate_and_resaved_duplicate_change_nothing(con, tmp_path):
    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    first = one(ingest_file(con, p, set_values=AI))
    before = state(con)
    again = one(ingest_file(con, p, set_values=AI))
    assert (again.status, again.batch_id) == ("duplicate", first.batch_id)
    resaved = write_xlsx(
        tmp_path / "deltagere2.xlsx", {"Deltagere": MEMBERS}, created=dt.datetime(2026, 3, 3)
    )
    assert resaved.read_bytes() != p.read_bytes()
    r = one(ingest_file(con, resaved, set_values=AI))
    assert r.status == "duplicate"
    assert state(con) == before


def test_one_member_list_for_two_networks_is_not_a_duplicate(con, tmp_path):
    """The same bytes with other --set values are other rows: loaded, not taken for a re-upload."""
    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    one(ingest_file(con, p, set_values=AI))
    other = {"network": "Innovationsnetværk om digitale services", "region": "Region Hovedstaden"}
    r = one(ingest_file(con, p, set_values=other))
    assert (r.status, r.rows["new"]) == ("loaded", 6)
    assert con.execute("SELECT count(DISTINCT network) FROM participants_v").fetchone() == (2,)


def test_byte_identical_upload_is_known_before_reading(con, tmp_path, monkeypatch):
    """A re-upload of the very same file is recognised from its hash: no cell is read again."""
    import loaders.ingest as ingest_mod

    p = write_xlsx(tmp_path / "bevillinger.xlsx", {"Bevillinger": ALLOCATIONS})
    first = ingest_file(con, p)
    assert {r.status for r in first} == {"loaded"}

    def no_read(*a, **k):
        raise AssertionError("the file was read again")

    monkeypatch.setattr(ingest_mod, "read_file", no_read)
    again = ingest_file(con, p)
    assert [(r.status, r.batch_id) for r in again] == [("duplicate", r.batch_id) for r in first]
    assert again[0].rows["unchanged"] == first[0].rows["new"]
    # Once undone, the same bytes are read and loaded again.
    undo(con, first[0].batch_id)
    monkeypatch.undo()
    assert {r.status for r in ingest_file(con, p)} == {"loaded"}


def test_updated_sheet_new_changed_missing_and_dry_run(con, tmp_path):
    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    one(ingest_file(con, p, set_values=AI))
    updated = [list(r) for r in MEMBERS]
    updated[3][1] = "Afdelingslæge"  # Anna Pors changed title
    del updated[4]  # Freddy Lippert missing
    updated.append(["Mads Nielsen", "Institutleder", "KU"])  # new
    p2 = write_xlsx(tmp_path / "deltagere_v2.xlsx", {"Deltagere": updated})
    before = state(con)
    plan = one(ingest_file(con, p2, set_values=AI, dry_run=True))
    assert plan.status == "planned"
    assert plan.rows == {
        "new": 1, "changed": 1, "unchanged": 4, "missing": 1, "removed": 0, "rejected": 0, "skipped": 2,
    }  # fmt: skip
    assert [k["person"] for k in plan.kept] == ["Freddy Lippert"]
    assert plan.changes == [
        {
            "key": "Anna Pors | AI-Innovationsnetværket",
            "row": 4,
            "field": "title",
            "old": "1. reservelæge, ph.d.",
            "new": "Afdelingslæge",
        }
    ]
    assert state(con) == before
    r = one(ingest_file(con, p2, set_values=AI))
    assert r.status == "loaded"
    # Missing rows are reported, never deleted.
    assert con.execute("SELECT count(*) FROM memberships").fetchone() == (7,)
    assert con.execute("SELECT title FROM memberships WHERE person = 'Anna Pors'").fetchone() == (
        "Afdelingslæge",
    )


def test_undo_restores_added_and_changed_rows_and_refuses_out_of_order(con, tmp_path):
    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    b1 = one(ingest_file(con, p, set_values=AI)).batch_id
    after_first = state(con)
    updated = [list(r) for r in MEMBERS]
    updated[3][1] = "Afdelingslæge"
    updated.append(["Mads Nielsen", "Institutleder", "KU"])
    b2 = one(
        ingest_file(con, write_xlsx(tmp_path / "v2.xlsx", {"Deltagere": updated}), set_values=AI)
    ).batch_id
    with pytest.raises(LoaderError) as e:
        undo(con, b1)
    assert e.value.problem.code == "undo.superseded"
    assert str(b2) in e.value.problem.message()
    u = undo(con, b2)
    assert state(con)["memberships"] == after_first["memberships"]
    assert [h["undone_by"] for h in history(con) if h["batch_id"] == b2] == [u]
    undo(con, b1)
    assert con.execute("SELECT count(*) FROM memberships").fetchone() == (0,)
    with pytest.raises(LoaderError) as e:
        undo(con, b1)
    assert e.value.problem.code == "undo.already"


def test_bad_values_are_reported_with_row_column_and_change_nothing(con, tmp_path):
    rows = [list(r) for r in ALLOCATIONS]
    rows[2][4] = "to hundrede"  # row 3: not an amount
    rows[3][4] = "-1.250,00"  # row 4: negative
    rows[4][6] = "31-02-2021"  # row 5: impossible date
    p = write_xlsx(tmp_path / "bevillinger.xlsx", {"Bevillinger": rows})
    before = state(con)
    r = one(ingest_file(con, p))
    assert r.status == "rejected"
    got = [(e.row, e.column, e.code, e.value) for e in r.errors]
    assert got == [
        (3, "Beløb", "amount.invalid", "to hundrede"),
        (4, "Beløb", "amount.negative", "-1.250,00"),
        (5, "Beslutningsdato", "date.impossible", "31-02-2021"),
    ]
    assert r.errors[0].message() == "'to hundrede' kan ikke læses som et beløb."
    assert r.errors[0].message("en") == "'to hundrede' cannot be read as an amount."
    assert state(con) == before


def test_skip_invalid_loads_valid_rows_and_quarantines_the_rest(con, tmp_path):
    rows = [list(r) for r in ALLOCATIONS]
    rows[2][4] = "to hundrede"
    p = write_xlsx(tmp_path / "bevillinger.xlsx", {"Bevillinger": rows})
    r = one(ingest_file(con, p, skip_invalid=True))
    assert r.status == "loaded"
    assert r.rows["new"] == 2 and r.rows["rejected"] == 1
    assert con.execute("SELECT row_no, col, code FROM quarantine").fetchall() == [
        (3, "Beløb", "amount.invalid")
    ]


def test_duplicate_columns_are_an_error_naming_both(con, tmp_path):
    p = write_xlsx(
        tmp_path / "d.xlsx",
        {
            "Ark1": [
                ["Navn", "Titel", "Organisation", "Arbejdssted"],
                ["Anna Pors", "Læge", "AHH", "Hvidovre"],
            ]
        },
    )
    r = one(ingest_file(con, p, set_values=AI))
    assert r.status == "rejected"
    assert [(e.code, e.column, e.params["other"]) for e in r.errors] == [
        ("sheet.duplicate_column", "Organisation", "Arbejdssted")
    ]


def test_unknown_columns_are_reported_as_not_used_and_never_stored(con, tmp_path):
    p = write_xlsx(
        tmp_path / "d.xlsx",
        {
            "Ark1": [
                ["Navn", "Titel", "Organisation", "E-mail", "Telefon", "Bemærkning"],
                ["Anna Pors", "Læge", "AHH", "anna@example.dk", "1234 5678", "Formand"],
            ]
        },
    )
    r = one(ingest_file(con, p, set_values=AI))
    assert r.status == "loaded"
    assert [(w.code, w.params["columns"]) for w in r.warnings] == [
        ("sheet.unused_columns", "E-mail, Telefon")
    ]
    assert r.validated.unused == ["E-mail", "Telefon"]
    assert con.execute("SELECT note FROM memberships").fetchall() == [("Formand",)]
    stored = repr(con.execute("SELECT * FROM memberships").fetchall())
    assert "anna@example.dk" not in stored and "1234 5678" not in stored


def test_header_only_and_not_a_workbook_are_rejected(con, tmp_path):
    before = state(con)
    r = one(
        ingest_file(
            con, write_xlsx(tmp_path / "h.xlsx", {"Ark1": [["Navn", "Titel", "Organisation"]]}), set_values=AI
        )
    )
    assert (r.status, [e.code for e in r.errors]) == ("rejected", ["sheet.no_rows"])
    fake = write_text(tmp_path / "fake.xlsx", "Navn;Titel\nAnna;Læge\n")
    r = one(ingest_file(con, fake))
    assert (r.status, [e.code for e in r.errors]) == ("rejected", ["file.type_mismatch"])
    assert state(con) == before


def test_unrecognisable_sheet_is_rejected(con, tmp_path):
    p = write_xlsx(tmp_path / "x.xlsx", {"Ark1": [["Foo", "Bar"], [1, 2]]})
    r = one(ingest_file(con, p))
    assert (r.status, [e.code for e in r.errors]) == ("rejected", ["sheet.unknown_kind"])


def test_csv_row_with_too_many_fields_rejects_the_file_with_its_line(con, tmp_path):
    text = "Pulje;År;Beløb\nAI-puljen;2020;3.000.000\nAI-puljen;2021;1;2;3\n"
    r = one(ingest_file(con, write_text(tmp_path / "p.csv", text)))
    assert r.status == "rejected"
    assert [(e.code, e.row) for e in r.errors] == [("csv.field_count", 3)]
    assert con.execute("SELECT count(*) FROM pools").fetchone() == (0,)


def test_allocation_warnings_pool_created_and_outside_band(con, tmp_path):
    pools = [["Pulje", "Region", "År", "Model", "Beløb", "Min. bevilling", "Maks. bevilling"],
             ["AI-puljen 2020", "Region Hovedstaden", 2020, "Engangsbeløb", 3_000_000, 100_000, 200_000]]  # fmt: skip
    one(ingest_file(con, write_xlsx(tmp_path / "p.xlsx", {"Puljer": pools})))
    rows = [list(r) for r in ALLOCATIONS]
    rows.insert(2, ["Ny pulje", 2021, "X", "Y", 1000, "Bevilget", None])
    r = one(ingest_file(con, write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": rows})))
    assert r.status == "loaded", r.as_dict()
    codes = sorted((w.code, w.row) for w in r.warnings)
    assert codes == [
        ("allocation.outside_band", 4),
        ("allocation.outside_band", 6),
        ("pool.created", 3),
        ("sheet.total_mismatch", 7),  # the inserted row is not in the sheet's "I alt"
    ]
    assert con.execute("SELECT pool, year, added_dkk FROM pools WHERE pool = 'Ny pulje'").fetchall() == [
        ("Ny pulje", 2021, None)
    ]


def test_summary_counts_and_amounts(con, tmp_path):
    one(ingest_file(con, write_xlsx(tmp_path / "d.xlsx", {"Deltagere": MEMBERS}), set_values=AI))
    one(
        ingest_file(
            con, write_xlsx(tmp_path / "eu.xlsx", {"EU": EU}), set_values={"region": "Region Syddanmark"}
        )
    )
    s = summary(con)
    assert s["participants"] == 6 and s["external_participants"] == 2
    assert s["eu_projects"] == 4
    assert s["eu_region_share_dkk"] == "68250000.00"
    assert s["eu_total_budget_dkk"] == "793000000.00"


def test_undo_of_an_undo_redoes_and_undo_again_reverses_the_redo(con, tmp_path):
    from loaders.history import redo, undo_preview

    p = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    one(ingest_file(con, p, set_values=AI))
    after_first = state(con)["memberships"]
    updated = [list(r) for r in MEMBERS]
    updated[3][1] = "Afdelingslæge"
    updated.append(["Mads Nielsen", "Institutleder", "KU"])
    b2 = one(
        ingest_file(con, write_xlsx(tmp_path / "v2.xlsx", {"Deltagere": updated}), set_values=AI)
    ).batch_id
    after_second = state(con)["memberships"]
    assert undo_preview(con, b2) == {"remove": 1, "restore": 1, "blocked_by": None}
    u = undo(con, b2)
    assert state(con)["memberships"] == after_first
    r = redo(con, b2)  # the undo reversed: the second file's rows are back, exactly
    assert state(con)["memberships"] == after_second
    assert [h["undone_by"] for h in history(con) if h["batch_id"] in (b2, u)] == [r, u]
    undo(con, b2)  # "undo b2" again: reverses the redo
    assert state(con)["memberships"] == after_first
    with pytest.raises(LoaderError) as e:
        undo(con, b2)
    assert e.value.problem.code == "undo.already"
    redo(con, b2)
    assert state(con)["memberships"] == after_second
