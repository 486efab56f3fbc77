"""The demo database holds the facts of the source documents."""

from __future__ import annotations

from decimal import Decimal

import pytest

import store


@pytest.fixture(scope="module")
def con(demo_db):
    c = store.connect(demo_db, read_only=True)
    yield c
    c.close()


def test_ai_network_has_49_members_of_whom_13_external(con):
    assert con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_external) FROM participants_v WHERE network = 'AI-Innovationsnetværket'"
    ).fetchone() == (49, 13)


def test_nine_network_meetings_in_2019_2020(con):
    assert con.execute(
        "SELECT count(*) FROM meetings_v WHERE network = 'AI-Innovationsnetværket' AND kind = 'network_meeting' "
        "AND meeting_date BETWEEN DATE '2019-01-01' AND DATE '2020-12-31'"
    ).fetchone() == (9,)
    # "Skype og hos CIMT" is hybrid, "Skype" alone online.
    assert con.execute("SELECT format FROM meetings_v WHERE host = 'Skype og hos CIMT'").fetchone() == (
        "hybrid",
    )


def test_five_eu_projects_whose_region_shares_sum_to_103_25_mio(con):
    assert con.execute("SELECT count(*), sum(region_share_dkk) FROM eu_projects_v").fetchone() == (
        5,
        Decimal("103250000.00"),
    )
    # What the minutes do not give stays unknown, never 0.
    unknown = con.execute(
        "SELECT acronym FROM eu_projects_v WHERE total_budget_dkk IS NULL ORDER BY acronym"
    ).fetchall()
    assert unknown == [("CARES",), ("eCAN Plus",)]
    assert con.execute("SELECT lead_partner FROM eu_projects_v WHERE acronym = 'EUnetCCC'").fetchone() == (
        None,
    )


def test_staircase_pool_capacity_3_6_9_12_mio(con):
    assert con.execute(
        "SELECT year, capacity_dkk FROM pools_v WHERE pool = 'Pulje til digital innovation' ORDER BY year"
    ).fetchall() == [(y, Decimal(c) * 1_000_000) for y, c in ((2025, 3), (2026, 6), (2027, 9), (2028, 12))]


def test_every_row_traces_to_a_batch_and_a_source_row(con):
    for table in ("memberships", "meetings", "eu_projects", "pools", "allocations"):
        assert con.execute(
            f"SELECT count(*) FROM {table} t LEFT JOIN batches b USING (batch_id) WHERE b.file_name IS NULL OR t.src_row IS NULL"
        ).fetchone() == (0,), table


def test_illustrative_rows_say_so(con):
    rows = con.execute("SELECT note FROM allocations WHERE pool = 'AI-puljen 2020'").fetchall()
    assert rows and all(n.startswith("Illustrativ") for (n,) in rows)


def test_rebuilding_the_workbooks_changes_nothing(tmp_path):
    """build_demo.py is how the committed workbooks were made: running it again gives the same cells."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import python_calamine as pc

    demo = Path(__file__).resolve().parents[1] / "data" / "demo"
    copy = tmp_path / "demo"
    shutil.copytree(demo, copy)
    subprocess.run([sys.executable, str(copy / "build_demo.py")], check=True, capture_output=True)
    for f in sorted(demo.glob("*.xlsx")):
        a = pc.CalamineWorkbook.from_path(str(f)).get_sheet_by_index(0).to_python()
        b = pc.CalamineWorkbook.from_path(str(copy / f.name)).get_sheet_by_index(0).to_python()
        assert a == b, f.name
