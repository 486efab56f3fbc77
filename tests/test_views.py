"""The public views are a contract: exact names and columns, in this order."""

from __future__ import annotations

from pathlib import Path

import store

CONTRACT = {
    "participants_v": "person title organisation organisation_canonical network region is_external batch_id",
    "meetings_v": "network region meeting_date kind host theme format duration_hours attendees",
    "eu_projects_v": "acronym title programme action_type region total_budget_dkk eu_contribution_dkk "
    "region_share_dkk currency start_year end_year lead_partner lead_country partners",
    "pools_v": "pool region year model added_dkk capacity_dkk",
    "allocations_v": "pool region year project recipient amount_dkk status decided_on",
}


def test_public_views_have_exactly_the_contract_columns(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "v.sqlite")
    try:
        for view, columns in CONTRACT.items():
            got = [r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()]
            assert got == columns.split(), view
        # Amounts are DKK as DECIMAL(18,2).
        types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE allocations_v)").fetchall())
        assert types["amount_dkk"] == "DECIMAL(18,2)"
    finally:
        con.close()
