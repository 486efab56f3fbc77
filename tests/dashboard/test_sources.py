"""The Kilde lists' row ranges ("4–8, 11, 13–20"), against runs counted in Python from the rows
themselves: for an upload shown whole (told by its count, first and last row, without a sort) and
for one with gaps (sorted into runs), under several filters.

What it proves: the shortcut for an unbroken batch gives the same text as the sort, and a batch
with a gap never reads as one run."""

from __future__ import annotations

from pathlib import Path

import pytest

import store
from dashboard import queries
from dashboard.queries import MAX_ROW_RANGES, Filters, where
from store.backup import clone


def _runs(rows: list[int]) -> str:
    """Consecutive row numbers as ranges, the first MAX_ROW_RANGES of them, as the page writes them."""
    runs: list[list[int]] = []
    for r in sorted(rows):
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    text = ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs[:MAX_ROW_RANGES])
    return text + (", …" if len(runs) > MAX_ROW_RANGES else "")


@pytest.fixture
def gapped(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo store with two allocations of one upload deleted: that upload has a gap."""
    db = tmp_path / "demo.sqlite"
    clone(demo_db, db)
    with store.connect(db) as con:
        batch, lo = con.execute(
            "SELECT batch_id, min(src_row) FROM allocations GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
        con.execute(
            "DELETE FROM allocations WHERE batch_id = ? AND src_row IN (?, ?)", [batch, lo + 2, lo + 3]
        )
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db


FILTERS = [
    Filters(),
    Filters(region=("Region Syddanmark",)),
    Filters(region=("Region Hovedstaden",)),
    Filters(year_from=2024, year_to=2025),
]


@pytest.mark.parametrize("f", FILTERS, ids=["all", "syddanmark", "hovedstaden", "2024-2025"])
@pytest.mark.parametrize(
    "view", ["allocations_v", "participants_v", "meetings_v", "eu_projects_v", "pools_v"]
)
def test_row_ranges_are_the_runs_of_the_rows_themselves(gapped: Path, view: str, f: Filters) -> None:
    got = queries.sources(view, f)
    w, p = where(view, f, "v")
    with store.connect(gapped, read_only=True) as con:
        rows = con.execute(
            f"SELECT batch_id, list(src_row) FILTER (WHERE src_row IS NOT NULL), count(*) "
            f"FROM {view.removesuffix('_v')}_b v WHERE {w} GROUP BY 1 ORDER BY 1",
            p,
        ).fetchall()
    expected = {batch: (_runs(numbers) or None, n) for batch, numbers, n in rows}
    assert {
        int(b): (r, int(n)) for b, r, n in zip(got["Nr."], got["Rækker i arket"], got["Antal"], strict=True)
    } == expected
    if view == "allocations_v" and f == Filters():
        assert any(text and "," in text for text, _ in expected.values())  # the gap is there to see
