"""Every chart in words and as a table (dashboard/describe.py), made from the figure's own data.

What it proves: the words name the largest and smallest item with their figures as the page
formats them, a time axis gets its trend, a chart whose words come from its builder (periods, a
graph, grant sizes) says what the builder knows, unknown values are never counted as 0, and the
table holds every category the chart draws; in Danish and in English.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import charts, describe
from tests.dashboard.test_charts import BUILDERS, activity_df, eu_df, pools_df

NBSP = "\xa0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


@pytest.mark.parametrize("name", sorted(BUILDERS))
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_chart_has_words_and_a_table(name: str, lang: str) -> None:
    fig = BUILDERS[name](lang)
    words = describe.describe(fig, lang)
    rows = describe.table(fig, lang)
    assert len(words) > 20 and "nan" not in words.lower() and "none" not in words.lower()
    assert isinstance(rows, pd.DataFrame) and len(rows) > 0


def test_a_ranking_names_its_largest_and_smallest_with_their_amounts() -> None:
    fig = charts.eu_budget_vs_share(eu_df())
    words = plain(describe.describe(fig, "da", with_title=False))
    # The region's share is described (not the total budget beside it); CARES's share is unknown.
    assert words.startswith("Regionens EU-andel er størst i JA PreventNCD, 41 mio. kr.; mindst i ")
    assert "Grænseløs sundhed, 1,65 mio. kr." in words and "CARES" not in words
    assert "(3 vist)" in words
    en = plain(describe.describe(charts.eu_budget_vs_share(eu_df(), "en"), "en"))
    assert "The region's EU share is largest in JA PreventNCD, DKK 41 m" in en


def test_the_table_has_every_project_and_both_series_as_the_chart_writes_them() -> None:
    rows = describe.table(charts.eu_budget_vs_share(eu_df()), "da")
    assert list(rows.columns) == ["", "Samlet budget", "Regionens EU-andel"]
    by_name = {r[""]: r for r in rows.to_dict("records")}
    assert set(by_name) == {"JA PreventNCD", "eCAN Plus", "Grænseløs sundhed", "CARES"}
    assert plain(by_name["JA PreventNCD"]["Samlet budget"]) == "703 mio. kr."
    assert by_name["eCAN Plus"]["Samlet budget"] == "ikke oplyst"  # unknown, never 0


def test_a_time_axis_gets_its_trend() -> None:
    words = describe.describe(charts.activity_timeline(activity_df()), "da")
    assert "Fra " in words and (" stiger " in words or " falder " in words or " ender " in words)


def months(*counts: int) -> pd.DataFrame:
    dates = pd.date_range("2025-10-01", periods=len(counts), freq="MS")
    return pd.DataFrame(
        {"month": dates, "kind": ["committee_meeting"] * len(counts), "meetings": list(counts)}
    )


@pytest.mark.parametrize(
    ("counts", "lang", "said"),
    [
        ((1,), "da", "Kun oktober 2025: 1."),
        ((1, 1), "da", "Fra oktober 2025 til november 2025 er tallet 1 hver gang."),
        (
            (2, 5, 2),
            "da",
            "Fra oktober 2025 til december 2025 ender tallet, hvor det begyndte: 2. Højest i november 2025: 5.",
        ),
        (
            (1, 4, 2),
            "da",
            "Fra oktober 2025 til december 2025 stiger tallet fra 1 til 2. Højest i november 2025: 4.",
        ),
        ((3, 1), "da", "Fra oktober 2025 til november 2025 falder tallet fra 3 til 1."),
        ((1, 1), "en", "From October 2025 to November 2025 the figure is 1 each time."),
        ((1,), "en", "Only October 2025: 1."),
    ],
)
def test_a_short_or_flat_series_reads_as_words(counts: tuple[int, ...], lang: str, said: str) -> None:
    """Never 'er uændret tallet fra 1 til 1. Højest i 1. november 2025': a month is named as a month,
    one point is said once, a flat series has no peak, a peak at either end is said already."""
    words = describe.describe(charts.activity_timeline(months(*counts), lang), lang, with_title=False)
    assert words == said


def test_a_staircase_pool_rises_year_by_year() -> None:
    words = plain(describe.describe(charts.pool_capacity(pools_df()), "da"))
    assert "stiger" in words


def test_builders_that_know_better_give_their_own_words() -> None:
    gantt = describe.describe(charts.eu_gantt(eu_df()), "da")
    assert "projekter fra 2023 til 2029" in gantt and "længst: eCAN Plus, 2025-2029" in gantt
    rows = describe.table(charts.eu_gantt(eu_df()), "da")
    assert list(rows.columns) == ["Projekt", "Fra", "Til"] and len(rows) == 3


def test_user_text_in_the_words_is_the_text_as_written() -> None:
    """Builders escape user text for plotly; the words and the table give it back as written
    (the page escapes it again for markdown)."""
    df = eu_df()
    df.loc[0, "acronym"] = "<b>R&D</b>"
    words = describe.describe(charts.eu_budget_vs_share(df), "da")
    assert "<b>R&D</b>" in words and "&lt;" not in words
