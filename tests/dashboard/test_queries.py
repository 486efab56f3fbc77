"""The query layer on the demo database: the first rows of a table are the first rows of all."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import queries
from dashboard.queries import Filters


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    return demo_db


@pytest.mark.parametrize("limit", [1, 3, 7, 12])
@pytest.mark.parametrize("f", [Filters(), Filters(region=("Region Syddanmark",))], ids=["all", "syddanmark"])
def test_first_rows_of_allocations_are_the_first_rows_of_all(demo: Path, f: Filters, limit: int) -> None:
    everything = queries.allocations(f, limit=None)
    assert len(everything) > limit
    first = queries.allocations(f, limit=limit)
    cols = ["pool", "year", "project", "recipient"]
    assert first[cols].values.tolist() == everything[cols].head(limit).values.tolist()


def test_counts_match_the_rows(demo: Path) -> None:
    f = Filters()
    assert queries.allocation_count(f) == len(queries.allocations(f, limit=None))
    assert queries.meeting_count(f) == len(queries.meetings(f, limit=None))
    total, internal, external = queries.people_counts(f)
    people = queries.people(f, limit=None)
    assert total == len(people) and internal + external == total
    assert queries.eu_totals(f)[0] == len(queries.eu_projects(f, limit=None))
