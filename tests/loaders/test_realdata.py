"""The real files in ../shared/realdata load, or are rejected row by row, as their README says.

They are read from there and never copied into the project; on a clone without that folder
these tests skip, and under CI=true they fail (CI has it beside the clone).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import store
from loaders.ingest import ingest_file
from tests.needs import missing

REAL = Path(__file__).resolve().parents[3] / "shared" / "realdata"
EUR = Decimal("7.46")


@pytest.fixture(autouse=True)
def _real_files() -> None:
    if not REAL.is_dir():
        missing("../shared/realdata", "these tests read it from beside the clone")


@pytest.fixture
def con(tmp_path):
    c = store.connect(tmp_path / "r.sqlite")
    yield c
    c.close()


def test_cordis_projects_with_bare_quotes_report_their_lines_and_never_misread(con):
    f = REAL / "cordis_HE_project_subset_unescaped_quotes.csv"
    [r] = ingest_file(con, f, set_values={"region": "Region Syddanmark"})
    assert r.status == "rejected"
    assert [(e.code, e.row, e.params) for e in r.errors] == [
        ("csv.field_count", 2, {"found": 22, "expected": 20}),
        ("csv.field_count", 3, {"found": 23, "expected": 20}),
    ]
    assert con.execute("SELECT count(*) FROM eu_projects").fetchone() == (0,)

    [r] = ingest_file(con, f, set_values={"region": "Region Syddanmark"}, skip_invalid=True)
    assert (r.status, r.rows["new"], r.rows["rejected"]) == ("loaded", 2, 2)
    rows = con.execute(
        "SELECT acronym, programme, start_year, end_year, currency, total_budget_dkk, eu_contribution_dkk, "
        "region_share_dkk FROM eu_projects_v ORDER BY acronym"
    ).fetchall()
    assert [r[:5] for r in rows] == [
        ("Democracy in Action", "HORIZON", 2025, 2028, "EUR"),
        ("WISESHIFT", "HORIZON", 2025, 2029, "EUR"),
    ]
    # ecMaxContribution is the EU grant to the whole project, never the region's share.
    assert all(r[7] is None and r[6] > 0 for r in rows)
    assert con.execute("SELECT count(*) FROM quarantine").fetchone() == (2,)


def test_cordis_organisations_all_text_with_mixed_decimal_marks(con):
    [r] = ingest_file(con, REAL / "cordis_HE_organization_part1.xlsx")
    assert (r.status, r.kind, r.rows["new"], r.rows["rejected"]) == ("loaded", "eu_partners", 999, 0)
    assert con.execute("SELECT count(*) FROM eu_partners WHERE country = 'DK'").fetchone() == (15,)
    # Row 42 has netEcContribution '3095756.4' and totalCost '3095756,4': both mean 3.095.756,40 euro.
    assert con.execute("SELECT total_cost_dkk, currency FROM eu_partners WHERE src_row = 42").fetchone() == (
        (Decimal("3095756.40") * EUR).quantize(Decimal("0.01")),
        "EUR",
    )
    # Acronyms repeat across CORDIS projects; the project id keeps them apart.
    assert con.execute(
        "SELECT count(DISTINCT project_key) FROM eu_partners WHERE acronym = 'DE CADMEA'"
    ).fetchone() == (2,)


def test_regional_fund_list_with_title_rows_and_trilingual_header(con):
    sets = {"region": "Rheinland-Pfalz", "programme": "EFRE Rheinland-Pfalz 2014-2020"}
    [r] = ingest_file(con, REAL / "de_rlp_efre_liste_der_vorhaben_2016.xlsx", set_values=sets)
    assert (r.status, r.kind, r.rows["new"], r.rows["rejected"]) == ("loaded", "eu_projects", 14, 0)
    first = con.execute(
        "SELECT title, lead_partner, total_budget_dkk, currency, start_year, end_year, note FROM eu_projects WHERE src_row = 6"
    ).fetchone()
    assert first[:6] == (
        "Errichtung einer Betriebsstätte",
        "Nett GmbH,Meuspath",
        (Decimal("826022") * EUR).quantize(Decimal("0.01")),
        "EUR",
        2015,
        2017,
    )
    # A rate is never read as a thousands figure; the postcode column is reported unused, never stored.
    assert first[6] == "Medfinansieringssats: 25.45 %"
    [unused] = [w for w in r.warnings if w.code == "sheet.unused_columns"]
    assert "Postleitzahl" in unused.params["columns"]


def test_h2020_budget_needs_the_project_and_never_counts_a_totals_row(con):
    f = REAL / "h2020_euproofinfra_submitted_budget.xlsx"
    results = ingest_file(con, f)
    by_sheet = {r.sheet: r for r in results}
    assert by_sheet["Submission"].status == "rejected"
    assert [e.code for e in by_sheet["Submission"].errors] == ["sheet.missing_column"]
    assert {by_sheet[s].status for s in ("PM costs", "Missions", "Subcontracting", "In-kinds")} == {
        "not_data"
    }
    assert con.execute("SELECT count(*) FROM eu_partners").fetchone() == (0,)

    results = ingest_file(con, f, set_values={"acronym": "EuroProofNet"})
    sub = next(r for r in results if r.sheet == "Submission")
    assert (sub.status, sub.rows["new"]) == ("loaded", 28)
    assert (31, "total") in [(s.row, s.reason) for s in sub.skipped]
    inria = con.execute(
        "SELECT country, total_cost_dkk, currency FROM eu_partners WHERE organisation = 'Inria'"
    ).fetchone()
    assert inria == ("FR", (Decimal("1371298.75") * EUR).quantize(Decimal("0.01")), "EUR")
