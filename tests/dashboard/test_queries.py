"""The query layer on the demo database: the first rows of a table are the first rows of all; the
headline figures count what their words say (the year before, active networks) and a figure knows
which filters it does not follow."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
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


def test_the_meetings_delta_counts_the_year_before_outside_the_range(demo: Path) -> None:
    k = queries.kpis(Filters(year_from=2020, year_to=2020))
    assert (k.last_year, k.meetings_last, k.meetings_before) == (2020, 13, 12)
    # The other filters still apply to the year before.
    k = queries.kpis(Filters(year_from=2020, year_to=2020, network=("AI-Innovationsnetværket",)))
    assert (k.meetings_last, k.meetings_before) == (9, 4)


def test_a_network_is_active_ended_or_inactive_at_the_day_the_view_ends(demo: Path) -> None:
    today = queries.network_status(Filters(), "2026-12-07")
    assert dict(zip(today["network"], today["status"], strict=True)) == {
        "AI netværk for sundhedsdata projekter": "inactive",
        "AI-Innovationsnetværket": "inactive",
        "Digitaliserings- og Innovationsudvalget": "ended",
        "Innovationsnetværk om digitale services": "inactive",
        "Innovationsnetværk om hurtig diagnostik": "inactive",
        "Trial Nation: AI i medicinsk udstyr": "ended",
    }
    assert queries.kpis(Filters(), "2026-12-07").active_networks == 0
    # Seen from the end of 2021: the Trial Nation project runs (it ends in January 2022).
    in_2021 = queries.network_status(Filters(year_to=2021), "2026-12-07")
    assert set(in_2021[in_2021["status"] == "active"]["network"]) == {
        "AI netværk for sundhedsdata projekter",
        "Trial Nation: AI i medicinsk udstyr",
    }
    assert queries.kpis(Filters(year_to=2021), "2026-12-07").active_networks == 2
    assert queries.reference_day(Filters(year_to=2021), "2026-12-07") == "2021-12-31"
    assert queries.reference_day(Filters(year_to=2028), "2026-12-07") == "2026-12-07"


def test_an_uploads_time_is_a_timestamp(demo: Path) -> None:
    src = queries.sources("eu_projects_v", Filters())
    assert pd.api.types.is_datetime64_any_dtype(src["Indlæst"])


def test_the_filters_a_figure_does_not_follow() -> None:
    f = Filters(
        region=("Region Syddanmark",), year_from=2020, organisation=("Roche",), pool=("AI-puljen 2020",)
    )
    assert queries.ignored_filters("allocations_v", f) == ("organisation",)
    assert queries.ignored_filters("eu_projects_v", f) == ("pool", "organisation")
    assert queries.ignored_filters("participants_v", f) == ("year", "pool")
    assert queries.ignored_filters("meetings_v", f) == ("pool", "organisation")
    assert queries.ignored_filters("allocations_v", Filters(region=("Region Syddanmark",))) == ()


@pytest.mark.parametrize(
    "f",
    [Filters(), Filters(region=("Region Syddanmark",)), Filters(year_from=2019, year_to=2021)],
    ids=["all", "syddanmark", "2019-2021"],
)
def test_the_registers_totals_are_the_overviews_and_its_rows_add_up_to_them(demo: Path, f: Filters) -> None:
    n, granted, paid, _, share = queries.project_totals(f)
    k = queries.kpis(f)
    assert (granted or 0, paid or 0) == (k.granted or 0, k.paid or 0)
    assert (share or 0) == k.eu_region_share
    reg = queries.project_register(f)
    assert len(reg) == n
    assert reg["share_dkk"].sum() == pytest.approx(float(share or 0))  # the region's share, in its regions
