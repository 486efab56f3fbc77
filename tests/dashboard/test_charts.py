"""Charts (dashboard/charts.py): every builder on a small hand-made frame shaped like its query's result.

The frames use the dtypes DuckDB's .df() gives (pandas str columns with NaN for NULL, float64 for
DECIMAL, Int32 for a nullable INTEGER, datetime64 for DATE). Each test checks values that could be
wrong: trace names and counts, totals against the input, mio. kr. = value / 1e6, Danish titles and
hover texts, and that an unknown value is "ikke oplyst", never 0.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import store
from dashboard import charts
from dashboard.charts import GREY, OKABE_ITO

NBSP = "\xa0"
S = "str"  # pandas' string dtype, as DuckDB returns VARCHAR


def kr(text: str) -> str:
    """'1,65 mio. kr.' with the non-breaking spaces babel puts before 'mio.' and 'kr.'."""
    return text.replace(" mio.", NBSP + "mio.").replace(" kr.", NBSP + "kr.")


def total(values) -> float:
    return sum(0.0 if v is None else float(v) for v in values)


def traces(fig: go.Figure, type_: str | None = None) -> list:
    return [t for t in fig.data if type_ is None or t.type == type_]


# ---------------------------------------------------------------- label()


@pytest.mark.parametrize(
    ("code", "da", "en"),
    [
        ("network_meeting", "Netværksmøde", "Network meeting"),
        ("committee_meeting", "Udvalgsmøde", "Committee meeting"),
        ("physical", "Fysisk", "In person"),
        ("online", "Online", "Online"),
        ("granted", "Bevilget", "Granted"),
        ("paid", "Udbetalt", "Paid"),
        ("applied", "Søgt", "Applied"),
        ("staircase", "Trappemodel", "Staircase"),
        ("regional_administration", "Regional administration", "Regional administration"),
        ("unknown", "Ikke oplyst", "Not given"),
    ],
)
def test_label_maps_codes_to_words(code, da, en):
    assert charts.label(code) == da
    assert charts.label(code, "da") == da
    assert charts.label(code, "en") == en


def test_label_of_missing_is_ikke_oplyst_and_unknown_codes_pass_through():
    assert charts.label(None) == "ikke oplyst"
    assert charts.label(float("nan")) == "ikke oplyst"
    assert charts.label(np.nan, "en") == "not given"
    assert charts.label("Some new kind") == "Some new kind"
    assert charts.label("granted", "fr") == "Bevilget"  # unknown language -> Danish


def test_every_code_has_both_languages():
    for code, word in charts.LABELS.items():
        assert charts.label(code, "da") == word
        assert charts.label(code, "en") not in ("", code), code


# ---------------------------------------------------------------- activity_timeline


def activity_df() -> pd.DataFrame:
    # SELECT date_trunc('month', meeting_date) AS month, kind, count(*) AS meetings
    return pd.DataFrame(
        {
            "month": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-02-01", "2025-03-01"]),
            "kind": ["webinar", "network_meeting", "network_meeting", "conference"],
            "meetings": np.array([2, 3, 1, 4], dtype="int64"),
        }
    ).astype({"kind": S})


def test_activity_timeline_one_stacked_bar_trace_per_kind_in_danish():
    fig = charts.activity_timeline(activity_df())
    bars = traces(fig, "bar")
    assert len(bars) == len(fig.data) == 3
    assert [t.name for t in bars] == ["Konference", "Netværksmøde", "Webinar"]  # sorted by code
    assert fig.layout.barmode == "stack"
    assert [t.marker.color for t in bars] == OKABE_ITO[:3]
    assert total(v for t in bars for v in t.y) == 10
    nm = bars[1]
    assert list(nm.y) == [3, 1]
    assert [pd.Timestamp(x) for x in nm.x] == [pd.Timestamp("2025-01-01"), pd.Timestamp("2025-02-01")]
    assert "arrangementer" in nm.hovertemplate and "%{x|%m.%Y}" in nm.hovertemplate


def test_activity_timeline_titles():
    fig = charts.activity_timeline(activity_df())
    assert fig.layout.title.text == "Møder og arrangementer pr. måned"
    assert fig.layout.xaxis.title.text == "Måned"
    assert fig.layout.yaxis.title.text == "Antal"
    en = charts.activity_timeline(activity_df(), lang="en")
    assert en.layout.title.text == "Meetings and events per month"
    assert en.layout.xaxis.title.text == "Month"
    assert [t.name for t in en.data] == ["Conference", "Network meeting", "Webinar"]
    assert "events" in en.data[0].hovertemplate


# ---------------------------------------------------------------- meetings_timeline


def meetings_df() -> pd.DataFrame:
    # SELECT network, region, meeting_date, kind, format, host, theme, duration_hours, attendees
    return pd.DataFrame(
        {
            "network": ["AI-netværket", "AI-netværket", "Udvalget", "Udvalget"],
            "region": ["Region Syddanmark"] * 4,
            "meeting_date": pd.to_datetime(["2025-10-28", "2025-06-17", "2025-01-05", "2025-03-01"]),
            "kind": ["network_meeting", "webinar", "network_meeting", "webinar"],
            "format": ["physical", "online", "physical", None],
            "host": ["OUH", None, None, None],
            "theme": ["AI i klinikken", "Data", "Budget", "Status"],
            "duration_hours": [2.0, 1.0, np.nan, 1.5],
            "attendees": pd.array([12, None, 5, 30], dtype="Int32"),
        }
    ).astype({c: S for c in ("network", "region", "kind", "format", "host", "theme")})


def test_meetings_timeline_traces_by_format_and_kind():
    fig = charts.meetings_timeline(meetings_df())
    assert all(t.type == "scatter" and t.mode == "markers" for t in fig.data)
    names = {t.name: t for t in fig.data}
    assert set(names) == {"Netværksmøde (fysisk)", "Webinar (online)", "Webinar (ikke oplyst)"}
    assert sum(len(t.x) for t in fig.data) == 4  # every meeting is one marker
    phys = names["Netværksmøde (fysisk)"]
    assert list(phys.y) == ["AI-netværket", "Udvalget"]
    assert phys.marker.symbol == "circle" and phys.marker.color == OKABE_ITO[0]
    assert names["Webinar (online)"].marker.symbol == "diamond-open"  # the kind's symbol, open: online
    assert names["Webinar (online)"].marker.color == OKABE_ITO[1]
    assert names["Webinar (ikke oplyst)"].marker.color == GREY  # unknown format is grey, not a colour


def test_meetings_timeline_danish_hover_texts():
    fig = charts.meetings_timeline(meetings_df())
    names = {t.name: t for t in fig.data}
    texts = list(names["Netværksmøde (fysisk)"].text)
    assert texts[0] == "<b>AI-netværket</b><br>28. oktober 2025<br>Netværksmøde · Fysisk<br>AI i klinikken"
    assert (
        names["Webinar (ikke oplyst)"].text[0]
        == "<b>Udvalget</b><br>1. marts 2025<br>Webinar · ikke oplyst<br>Status"
    )
    assert fig.layout.title.text == "Møder pr. netværk over tid"
    assert fig.layout.xaxis.title.text == "Dato"
    assert fig.layout.height == max(260, 90 + 48 * 2)
    assert list(names["Webinar (online)"].customdata) == ["AI-netværket"]


def test_meetings_timeline_english():
    fig = charts.meetings_timeline(meetings_df(), lang="en")
    assert fig.layout.title.text == "Meetings per network over time"
    assert {t.name for t in fig.data} == {
        "Network meeting (in person)",
        "Webinar (online)",
        "Webinar (not given)",
    }
    phys = next(t for t in fig.data if t.name == "Network meeting (in person)")
    assert (
        phys.text[0]
        == "<b>AI-netværket</b><br>28 October 2025<br>Network meeting · In person<br>AI i klinikken"
    )


def test_meetings_timeline_missing_theme_is_not_nan_in_hover():
    df = meetings_df()
    df.loc[0, "theme"] = None
    fig = charts.meetings_timeline(df)
    texts = [x for t in fig.data for x in t.text]
    assert not any(x.endswith("nan") for x in texts)


# ---------------------------------------------------------------- cadence


def cadence_df() -> pd.DataFrame:
    # network, meetings, last_meeting, median_gap_days, target_months, ended, days_since
    return pd.DataFrame(
        {
            "network": ["Alfa", "Beta", "Gamma", "Delta", "Epsilon"],
            "meetings": np.array([3, 4, 1, 2, 6], dtype="int64"),
            "last_meeting": pd.to_datetime(["2025-09-01"] * 5),
            "median_gap_days": [60.0, np.nan, np.nan, 180.0, 30.0],
            "target_months": [2.0, 2.0, 1.0, 6.0, 1.5],
            "ended": pd.to_datetime([None, None, "2024-12-31", None, None]),
            "days_since": np.array([40, 70, 400, 182, 46], dtype="int64"),
        }
    ).astype({"network": S})


def test_cadence_splits_within_target_and_overdue():
    # targets: Alfa 60.8, Beta 60.8, Gamma 30.4 (ended), Delta 182.4, Epsilon 45.6
    fig = charts.cadence(cadence_df())
    bars = traces(fig, "bar")
    assert [t.name for t in bars] == ["Inden for målet", "Forsinket"]
    within, late = bars
    assert list(within.y) == ["Alfa", "Delta", "Gamma"]  # Gamma is 400 days but the network has ended
    assert list(late.y) == ["Epsilon", "Beta"]  # 46 > 45.6 and 70 > 60.8; sorted by days_since
    assert list(late.x) == [46, 70]
    assert within.marker.color == OKABE_ITO[0] and late.marker.color == OKABE_ITO[1]
    assert within.orientation == late.orientation == "h"
    assert total(within.x) + total(late.x) == cadence_df()["days_since"].sum()


def test_cadence_target_markers_are_months_times_30_4():
    fig = charts.cadence(cadence_df())
    target, median = traces(fig, "scatter")
    assert target.name == "Mål for interval"
    order = ["Alfa", "Epsilon", "Beta", "Delta", "Gamma"]  # by days_since
    assert list(target.y) == order
    assert list(target.x) == pytest.approx([60.8, 45.6, 60.8, 182.4, 30.4])
    assert list(fig.layout.yaxis.categoryarray) == order
    assert "Mål: hver %{x:.0f}. dag" in target.hovertemplate
    # how often each has met, beside how often it should: Alfa 60, Epsilon 30, Delta 180 days
    assert median.name == "Medianinterval mellem møder"
    assert list(median.y) == order
    got = dict(zip(median.y, median.x, strict=True))
    assert (got["Alfa"], got["Epsilon"], got["Delta"]) == (60.0, 30.0, 180.0)
    assert np.isnan(got["Beta"]) and np.isnan(got["Gamma"])  # never met twice: no marker


def test_cadence_exactly_on_target_is_not_late_and_ended_never_late():
    df = pd.DataFrame(
        {
            "network": ["På dagen", "Lukket"],
            "meetings": [2, 2],
            "last_meeting": pd.to_datetime(["2025-01-01", "2020-01-01"]),
            "median_gap_days": [np.nan, np.nan],
            "target_months": [1.0, 2.0],
            "ended": pd.to_datetime([None, "2021-01-01"]),
            "days_since": [30.4, 2000.0],  # exactly on the target; long since, but ended
        }
    ).astype({"network": S})
    within, late = traces(charts.cadence(df), "bar")
    assert set(within.y) == {"På dagen", "Lukket"}
    assert len(late.y) == 0


def test_cadence_titles():
    fig = charts.cadence(cadence_df())
    assert fig.layout.title.text == "Mødekadence: dage siden sidste møde"
    assert fig.layout.xaxis.title.text == "Dage"
    assert "dage siden sidste møde" in fig.data[0].hovertemplate
    assert fig.layout.barmode == "overlay"
    en = charts.cadence(cadence_df(), lang="en")
    assert en.layout.title.text == "Cadence: days since the last meeting"
    assert [t.name for t in en.data] == [
        "Within target",
        "Overdue",
        "Target interval",
        "Median interval between meetings",
    ]


# ---------------------------------------------------------------- counts


def sector_df() -> pd.DataFrame:
    # SELECT coalesce(o.sector, 'unknown') AS sector, count(*) AS members ... ORDER BY 2 DESC
    return pd.DataFrame(
        {"sector": ["hospital", "company", "unknown", "university"], "members": np.array([1234, 18, 4, 9])}
    ).astype({"sector": S})


def test_counts_codes_in_danish_sorted_with_danish_numbers():
    fig = charts.counts(sector_df(), "sector", "Medlemmer pr. sektor", value="members")
    (bar,) = fig.data
    assert bar.type == "bar" and bar.orientation == "h"
    assert list(bar.y) == [
        "Ikke oplyst",
        "Universitet",
        "Virksomhed",
        "Hospital",
    ]  # ascending: largest on top
    assert list(bar.x) == [4, 9, 18, 1234]
    assert total(bar.x) == 1265
    assert list(bar.text) == ["4", "9", "18", "1.234"]  # thousands dot
    assert list(bar.customdata) == ["unknown", "university", "company", "hospital"]  # codes for clicks
    assert fig.layout.title.text == "Medlemmer pr. sektor"
    assert fig.layout.xaxis.title.text == "Antal"
    assert fig.layout.height == max(220, 80 + 36 * 4)


def test_counts_default_value_column_and_english():
    df = pd.DataFrame({"format": ["physical", "online", "hybrid"], "n": [5, 7, 1]}).astype({"format": S})
    fig = charts.counts(df, "format", "Formats", lang="en")
    assert list(fig.data[0].y) == ["Hybrid", "In person", "Online"]
    assert fig.layout.xaxis.title.text == "Number"
    assert fig.layout.title.text == "Formats"


# ---------------------------------------------------------------- attendance


def test_attendance_known_attendees_only_in_date_order():
    df = meetings_df()  # attendees 12, <NA>, 5, 30
    fig = charts.attendance(df)
    (bar,) = fig.data
    assert bar.type == "bar"
    assert list(bar.x) == ["05.01.2025", "01.03.2025", "28.10.2025"]  # Danish short dates, oldest first
    assert list(bar.y) == [5, 30, 12]
    assert total(bar.y) == 47  # the unknown count is left out, not drawn as 0
    assert list(bar.customdata) == ["Udvalget", "Udvalget", "AI-netværket"]
    assert "deltagere" in bar.hovertemplate
    assert fig.layout.title.text == "Fremmøde pr. møde (hvor det kendes)"
    assert fig.layout.xaxis.title.text == "Møde"
    assert fig.layout.yaxis.title.text == "Deltagere"
    en = charts.attendance(df, lang="en")
    assert en.layout.title.text == "Attendance per meeting (where known)"
    assert list(en.data[0].x) == ["2025-01-05", "2025-03-01", "2025-10-28"]


def test_attendance_two_meetings_on_the_same_day_get_two_bars():
    df = meetings_df()
    df["meeting_date"] = pd.to_datetime(["2025-10-28", "2025-06-17", "2025-10-28", "2025-03-01"])
    (bar,) = charts.attendance(df).data
    assert len(set(bar.x)) == len(bar.x) == 3


# ---------------------------------------------------------------- members_by_organisation


def members_df() -> pd.DataFrame:
    # organisation, internal, external, total ORDER BY total DESC, organisation
    return pd.DataFrame(
        {
            "organisation": ["Rigshospitalet", "Region Syddanmark", "OUH", "Aarhus Universitet"],
            "internal": np.array([13, 7, 4, 0], dtype="int64"),
            "external": np.array([1, 1, 0, 2], dtype="int64"),
            "total": np.array([14, 8, 4, 2], dtype="int64"),
        }
    ).astype({"organisation": S})


def test_members_by_organisation_stacked_internal_and_external():
    fig = charts.members_by_organisation(members_df())
    assert [t.name for t in fig.data] == ["Interne", "Eksterne"]
    assert fig.layout.barmode == "stack"
    internal, external = fig.data
    assert list(internal.y) == [
        "Aarhus Universitet",
        "OUH",
        "Region Syddanmark",
        "Rigshospitalet",
    ]  # largest on top
    assert list(internal.x) == [0, 4, 7, 13]
    assert list(external.x) == [2, 0, 1, 1]
    assert total(internal.x) + total(external.x) == members_df()["total"].sum()
    assert "interne" in internal.hovertemplate and "eksterne" in external.hovertemplate
    assert fig.layout.title.text == "Medlemmer pr. organisation"  # no "(de N største)" when all fit
    assert fig.layout.xaxis.title.text == "Medlemmer"


def test_members_by_organisation_top_n_says_so_in_the_title():
    fig = charts.members_by_organisation(members_df(), top=2)
    assert fig.layout.title.text == "Medlemmer pr. organisation (de 2 største)"
    internal, external = fig.data
    assert list(internal.y) == ["Region Syddanmark", "Rigshospitalet"]
    assert total(internal.x) + total(external.x) == 14 + 8
    en = charts.members_by_organisation(members_df(), lang="en", top=2)
    assert en.layout.title.text == "Members per organisation (top 2)"
    assert [t.name for t in en.data] == ["Internal", "External"]


def test_members_by_organisation_unknown_organisation_is_ikke_oplyst():
    df = members_df()
    df.loc[3, "organisation"] = None
    fig = charts.members_by_organisation(df)
    assert "ikke oplyst" in list(fig.data[0].y)


# ---------------------------------------------------------------- network_graph


def edges_df() -> pd.DataFrame:
    # SELECT person, organisation_canonical AS organisation, network FROM participants_v
    return pd.DataFrame(
        {
            "person": ["Anna", "Bo", "Carl", "Anna", "Dorte"],
            "organisation": ["OUH", "OUH", "SDU", "OUH", "SDU"],
            "network": ["AI-netværket", "AI-netværket", "AI-netværket", "Udvalget", "Udvalget"],
        }
    ).astype(S)


def test_network_graph_people_organisations_networks():
    fig = charts.network_graph(edges_df())
    lines, *nodes = fig.data
    assert lines.mode == "lines" and lines.showlegend is False
    by_name = {t.name: t for t in nodes}
    assert list(by_name) == ["Netværk", "Organisation", "Person"]
    assert sorted(by_name["Netværk"].text) == ["AI-netværket", "Udvalget"]
    assert sorted(by_name["Organisation"].text) == ["OUH", "SDU"]
    assert sorted(by_name["Person"].text) == ["Anna", "Bo", "Carl", "Dorte"]
    # edges: 4 person-organisation + 4 organisation-network (OUH-AI, SDU-AI, OUH-Udv, SDU-Udv)
    assert len(lines.x) == 3 * 8 and list(lines.x[2::3]) == [None] * 8
    assert by_name["Netværk"].marker.symbol == "diamond"
    assert fig.layout.title.text == "Hvem hænger sammen: personer, organisationer og netværk"


def test_network_graph_networks_labelled_on_a_fixed_ring():
    fig = charts.network_graph(edges_df())
    nets = next(t for t in fig.data if t.name == "Netværk")
    anns = fig.layout.annotations
    assert sorted(a.text for a in anns) == ["<b>AI-netværket</b>", "<b>Udvalget</b>"]
    for name, x, y in zip(nets.text, nets.x, nets.y, strict=True):
        assert math.hypot(x, y) == pytest.approx(1.0)  # networks sit on the unit circle
        (ann,) = [a for a in anns if a.text == f"<b>{name}</b>"]
        assert (ann.x, ann.y) == pytest.approx((x, y))
        assert ann.yshift == (20 if y >= 0 else -20)
        assert ann.showarrow is False


def test_network_graph_folds_people_beyond_max_people():
    fig = charts.network_graph(edges_df(), max_people=3)  # 4 people > 3
    names = [t.name for t in fig.data[1:]]
    assert names == ["Netværk", "Organisation"]  # no "Person" trace when folded
    assert "Person" not in names
    assert fig.layout.title.text == "Organisationer og netværk (personer samlet i deres organisation)"
    assert len(fig.data[0].x) == 3 * 4  # only organisation-network edges
    assert len(fig.layout.annotations) == 2
    en = charts.network_graph(edges_df(), lang="en", max_people=3)
    assert en.layout.title.text == "Organisations and networks (people folded into organisations)"
    assert charts.network_graph(edges_df(), max_people=4).layout.title.text.startswith("Hvem hænger sammen")


def test_network_graph_single_network_and_english():
    df = edges_df().iloc[:3]
    fig = charts.network_graph(df, lang="en")
    assert [t.name for t in fig.data[1:]] == ["Network", "Organisation", "Person"]
    assert fig.layout.title.text == "Who connects: people, organisations and networks"
    assert [a.text for a in fig.layout.annotations] == ["<b>AI-netværket</b>"]


def test_network_graph_is_deterministic():
    a = charts.network_graph(edges_df())
    b = charts.network_graph(edges_df())
    assert list(a.data[2].x) == list(b.data[2].x)


def test_network_graph_unknown_organisation_is_ikke_oplyst():
    df = edges_df()
    df.loc[4, "organisation"] = None
    fig = charts.network_graph(df)
    orgs = next(t for t in fig.data if t.name == "Organisation")
    assert "ikke oplyst" in list(orgs.text)


# ---------------------------------------------------------------- EU projects


def eu_df() -> pd.DataFrame:
    # eu_projects(): acronym, title, programme, ..., total_budget_dkk, eu_contribution_dkk, region_share_dkk,
    # start_year, end_year, ... (DECIMAL -> float64, nullable INTEGER -> Int32)
    return pd.DataFrame(
        {
            "acronym": ["JA PreventNCD", "eCAN Plus", None, "CARES"],
            "title": ["Forebyggelse", "Kræftcentre", "Grænseløs sundhed", "Care"],
            "programme": ["EU4Health", "EU4Health", "Interreg", None],
            "region": ["Region Syddanmark"] * 4,
            "total_budget_dkk": [703_000_000.0, np.nan, 9_000_000.0, 4_000_000.0],
            "eu_contribution_dkk": [np.nan] * 4,
            "region_share_dkk": [41_000_000.0, 18_000_000.0, 1_650_000.0, np.nan],
            "start_year": pd.array([2024, 2025, 2023, None], dtype="Int32"),
            "end_year": pd.array([2027, 2029, 2023, 2026], dtype="Int32"),
        }
    ).astype({c: S for c in ("acronym", "title", "programme", "region")})


def test_eu_budget_vs_share_two_bars_in_mio_with_danish_texts():
    fig = charts.eu_budget_vs_share(eu_df())
    budget, share = fig.data
    assert [budget.name, share.name] == ["Samlet budget", "Regionens EU-andel"]
    assert fig.layout.barmode == "group"
    # sorted by the region's share, unknown share first; a missing acronym falls back to the title
    order = ["CARES", "Grænseløs sundhed", "eCAN Plus", "JA PreventNCD"]
    assert list(budget.y) == list(share.y) == order
    assert list(share.x) == [None, pytest.approx(1.65), pytest.approx(18.0), pytest.approx(41.0)]
    assert list(share.text) == ["ikke oplyst", kr("1,65 mio. kr."), kr("18 mio. kr."), kr("41 mio. kr.")]
    assert total(share.x) == pytest.approx((41_000_000 + 18_000_000 + 1_650_000) / 1e6)
    assert list(budget.customdata) == order


def test_eu_budget_vs_share_unknown_total_budget_is_ikke_oplyst_never_zero():
    fig = charts.eu_budget_vs_share(eu_df())
    budget = fig.data[0]
    i = list(budget.y).index("eCAN Plus")
    assert budget.x[i] is None  # not 0: unknown, in meaning
    assert budget.text[i] == "ikke oplyst"
    assert [x for x in budget.x if x is not None] == pytest.approx([4.0, 9.0, 703.0])
    assert budget.text[list(budget.y).index("JA PreventNCD")] == kr("703 mio. kr.")
    assert "samlet budget %{text}" in budget.hovertemplate


def test_eu_budget_vs_share_titles():
    fig = charts.eu_budget_vs_share(eu_df())
    assert fig.layout.title.text == "Samlet budget og regionens EU-andel pr. projekt"
    assert fig.layout.xaxis.title.text == "mio. kr."
    en = charts.eu_budget_vs_share(eu_df(), lang="en")
    assert en.layout.title.text == "Total budget and the region's EU share per project"
    assert en.layout.xaxis.title.text == "DKK million"
    assert [t.name for t in en.data] == ["Total budget", "The region's EU share"]
    assert en.data[0].text[list(en.data[0].y).index("eCAN Plus")] == "not given"


def test_eu_budget_vs_share_lengths_compare_as_the_amounts_and_no_label_is_cut():
    """A linear axis: 1,65 mio. kr. is a sliver of 41 mio. kr. (on the log axis it looked a third);
    the axis runs far enough past the largest bar (703 mio.) for its label written outside it."""
    fig = charts.eu_budget_vs_share(eu_df())
    assert fig.layout.xaxis.type == "linear"
    lo, hi = fig.layout.xaxis.range
    assert lo == 0 and hi >= 703 * 1.3
    assert all(t.textposition == "outside" and t.cliponaxis is False for t in fig.data)


def test_eu_gantt_periods_as_date_bars():
    fig = charts.eu_gantt(eu_df())
    (bar,) = fig.data
    # CARES has no start year and is left out; newest start first
    assert list(bar.y) == ["eCAN Plus", "JA PreventNCD", "Grænseløs sundhed"]
    assert list(bar.base) == [dt.date(2025, 1, 1), dt.date(2024, 1, 1), dt.date(2023, 1, 1)]
    ends = [b + dt.timedelta(milliseconds=ms) for b, ms in zip(bar.base, bar.x, strict=True)]
    assert ends == [dt.date(2029, 12, 31), dt.date(2027, 12, 31), dt.date(2023, 12, 31)]
    assert list(bar.text) == ["2025-2029", "2024-2027", "2023-2023"]
    assert fig.layout.xaxis.type == "date"
    assert fig.layout.title.text == "Projektperioder"
    assert fig.layout.xaxis.title.text == "År"
    assert charts.eu_gantt(eu_df(), lang="en").layout.title.text == "Project periods"


def eu_programme_df() -> pd.DataFrame:
    # programme, projects, region_share_dkk, total_budget_dkk, unknown_budgets
    return pd.DataFrame(
        {
            "programme": ["EU4Health", "Interreg / EU's Regionalfond", "ikke oplyst"],
            "projects": np.array([4, 1, 1]),
            "region_share_dkk": [101_600_000.0, 1_650_000.0, np.nan],
            "total_budget_dkk": [1.621e9, np.nan, np.nan],
            "unknown_budgets": np.array([1, 1, 1]),
        }
    ).astype({"programme": S})


def test_eu_by_programme_in_mio_with_unknown_share_as_ikke_oplyst():
    fig = charts.eu_by_programme(eu_programme_df())
    (bar,) = fig.data
    assert list(bar.y) == ["ikke oplyst", "Interreg / EU's Regionalfond", "EU4Health"]
    assert list(bar.x) == [None, pytest.approx(1.65), pytest.approx(101.6)]
    assert list(bar.text) == ["ikke oplyst", kr("1,65 mio. kr."), kr("101,6 mio. kr.")]
    assert total(bar.x) == pytest.approx(103.25)
    assert fig.layout.title.text == "Regionens EU-andel pr. program"
    assert fig.layout.xaxis.title.text == "mio. kr."
    en = charts.eu_by_programme(eu_programme_df(), lang="en")
    assert en.layout.title.text == "The region's EU share by programme"
    assert list(en.data[0].text)[1:] == [f"DKK{NBSP}1.65{NBSP}m", f"DKK{NBSP}101.6{NBSP}m"]


def eu_year_df() -> pd.DataFrame:
    # project, year, share_dkk: CARES 825.000 over 2023-2024, EUnetCCC 35 mio. over 2024-2028
    return pd.DataFrame(
        {
            "project": ["CARES", "CARES"] + ["EUnetCCC"] * 5,
            "year": np.array([2023, 2024, 2024, 2025, 2026, 2027, 2028], dtype="int64"),
            "share_dkk": [412_500.0] * 2 + [7_000_000.0] * 5,
        }
    ).astype({"project": S})


def test_eu_share_per_year_stacked_by_project():
    df = eu_year_df()
    fig = charts.eu_share_per_year(df)
    assert [t.name for t in fig.data] == ["CARES", "EUnetCCC"]
    assert fig.layout.barmode == "stack"
    cares, ccc = fig.data
    assert list(cares.x) == [2023, 2024]
    assert list(cares.y) == pytest.approx([0.4125, 0.4125])
    assert list(cares.text) == [kr("412.500 kr.")] * 2
    assert list(ccc.text) == [kr("7 mio. kr.")] * 5
    assert total(cares.y) + total(ccc.y) == pytest.approx(35.825)
    assert fig.layout.title.text == "Regionens EU-andel pr. år (fordelt jævnt over projektårene)"
    assert fig.layout.xaxis.title.text == "År"
    assert fig.layout.yaxis.title.text == "mio. kr."
    assert fig.layout.xaxis.dtick == 1
    assert charts.eu_share_per_year(df, lang="en").layout.yaxis.title.text == "DKK million"


# ---------------------------------------------------------------- funding pools


def pools_df() -> pd.DataFrame:
    # pool_years(): pool, region, year, model, added_dkk, capacity_dkk, granted_dkk, paid_dkk, applied_dkk,
    # remaining_dkk, band_min_dkk, band_max_dkk
    return pd.DataFrame(
        {
            "pool": ["Trappen"] * 4 + ["AI-puljen 2020"],
            "region": ["Region Syddanmark"] * 5,
            "year": np.array([2027, 2025, 2028, 2026, 2020], dtype="int32"),  # unsorted on purpose
            "model": ["staircase"] * 4 + ["one_off"],
            "added_dkk": [3e6] * 5,
            "capacity_dkk": [9e6, 3e6, 12e6, 6e6, 3e6],
            "granted_dkk": [0.0, 1e6, 0.0, 6.2e6, 725_000.0],
            "paid_dkk": [0.0, 0.5e6, 0.0, 0.3e6, 450_000.0],
            "applied_dkk": [0.0] * 5,
            "remaining_dkk": [9e6, 1.5e6, 12e6, -0.5e6, 1_825_000.0],
            "band_min_dkk": [np.nan] * 4 + [100_000.0],
            "band_max_dkk": [np.nan] * 4 + [300_000.0],
        }
    ).astype({"pool": S, "region": S, "model": S})


def test_pool_capacity_staircase_drawn_as_steps():
    fig = charts.pool_capacity(pools_df())
    assert [t.name for t in fig.data] == ["AI-puljen 2020", "Trappen"]
    trappen = fig.data[1]
    assert trappen.line.shape == "hv"  # a step, not a slope between years
    assert trappen.mode == "lines+markers"
    assert list(trappen.x) == [2025, 2026, 2027, 2028]
    assert list(trappen.y) == pytest.approx([3, 6, 9, 12])
    assert list(trappen.text) == [kr(f"Trappemodel: {n} mio. kr.") for n in (3, 6, 9, 12)]
    assert fig.data[0].text[0] == kr("Engangsbeløb: 3 mio. kr.")
    assert fig.layout.title.text == "Puljernes kapacitet pr. år"
    assert fig.layout.xaxis.title.text == "År"
    assert fig.layout.yaxis.title.text == "mio. kr."
    en = charts.pool_capacity(pools_df(), lang="en")
    assert en.layout.title.text == "Pool capacity per year"
    assert en.data[1].text[0] == f"Staircase: DKK{NBSP}3{NBSP}m"


def test_pool_capacity_from_the_pools_view_climbs_3_6_9_12():
    """3 mio. a year 2025-2028 in a staircase pool, through the real pools_v view, gives 3, 6, 9, 12."""
    con = store.connect(":memory:")
    try:
        con.executemany(
            "INSERT INTO pools (pool, year, region, model, added_dkk, batch_id) VALUES (?, ?, ?, ?, ?, 1)",
            [["Trappen", y, "Region Syddanmark", "staircase", 3_000_000] for y in (2028, 2025, 2027, 2026)]
            + [["Årlig", y, "Region Syddanmark", "yearly", 250_000] for y in (2025, 2026)],
        )
        df = con.execute("SELECT pool, year, model, capacity_dkk FROM pools_v").df()
    finally:
        con.close()
    fig = charts.pool_capacity(df)
    by = {t.name: t for t in fig.data}
    assert list(by["Trappen"].x) == [2025, 2026, 2027, 2028]
    assert list(by["Trappen"].y) == pytest.approx([3, 6, 9, 12])
    assert list(by["Årlig"].y) == pytest.approx([0.25, 0.25])  # a yearly pool does not accumulate
    assert by["Årlig"].text[0] == kr("Årlig: 250.000 kr.")


def test_pool_capacity_unknown_capacity_is_a_gap_not_zero():
    df = pools_df()
    df.loc[df["year"] == 2026, "capacity_dkk"] = np.nan
    trappen = charts.pool_capacity(df).data[1]
    assert list(trappen.y) == [pytest.approx(3), None, pytest.approx(9), pytest.approx(12)]
    assert trappen.text[1] == "Trappemodel: ikke oplyst"


def test_pool_use_paid_granted_remaining_stacked():
    fig = charts.pool_use(pools_df())
    # 'Bevilget i alt' on every page is paid plus this middle bar: the legend says which part it is.
    assert [t.name for t in fig.data] == ["Udbetalt", "Bevilget, ikke udbetalt", "Resterende"]
    assert fig.layout.barmode == "stack"
    paid, granted, remaining = fig.data
    rows = ["AI-puljen 2020 2020", "Trappen 2025", "Trappen 2026", "Trappen 2027", "Trappen 2028"]
    assert list(paid.y) == list(granted.y) == list(remaining.y) == rows
    assert list(paid.customdata) == [
        "AI-puljen 2020|2020",
        "Trappen|2025",
        "Trappen|2026",
        "Trappen|2027",
        "Trappen|2028",
    ]
    assert list(granted.x) == pytest.approx([0.725, 1.0, 6.2, 0.0, 0.0])
    assert list(paid.x) == pytest.approx([0.45, 0.5, 0.3, 0.0, 0.0])
    # the bars add up to the capacity where the pool is not overspent
    for i, cap in enumerate([3.0, 3.0, None, 9.0, 12.0]):
        if cap is not None:
            assert paid.x[i] + granted.x[i] + remaining.x[i] == pytest.approx(cap)
    assert granted.text[1] == kr("1 mio. kr.")
    assert paid.text[0] == kr("450.000 kr.")


def _luminance(colour: str) -> float:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_pool_use_labels_read_on_their_bars():
    """WCAG 1.4.3: each bar's label at least 4.5:1 against the bar (white on the grey remainder was
    about 3:1, on top of its dots); the light remainder is outlined so it stands out from the page."""
    fig = charts.pool_use(pools_df())
    for bar in fig.data:
        ink = bar.insidetextfont.color
        colour = {"white": "#ffffff"}.get(ink, ink)
        assert bar.textposition == "inside" and _contrast(colour, bar.marker.color) >= 4.5, bar.name
    remaining = fig.data[2]
    assert remaining.marker.line.width >= 1 and _contrast(remaining.marker.line.color, "#ffffff") >= 3


def test_pool_use_overspent_remaining_bar_is_zero_but_text_shows_the_minus():
    remaining = charts.pool_use(pools_df()).data[2]
    i = list(remaining.y).index("Trappen 2026")
    assert remaining.x[i] == 0  # no bar backwards into the granted part
    assert remaining.text[i] == kr("-500.000 kr.")


def test_pool_use_titles():
    fig = charts.pool_use(pools_df())
    assert fig.layout.title.text == "Bevilget, udbetalt og resterende pr. pulje og år"
    assert fig.layout.xaxis.title.text == "mio. kr."
    assert "resterende %{text}" in fig.data[2].hovertemplate
    en = charts.pool_use(pools_df(), lang="en")
    assert en.layout.title.text == "Granted, paid and remaining per pool and year"
    assert [t.name for t in en.data] == ["Paid", "Granted, not yet paid", "Remaining"]


def test_pool_use_unknown_remaining_is_not_drawn_as_zero():
    df = pools_df()
    df.loc[df["year"] == 2027, ["capacity_dkk", "remaining_dkk"]] = np.nan
    remaining = charts.pool_use(df).data[2]
    i = list(remaining.y).index("Trappen 2027")
    assert remaining.text[i] == "ikke oplyst"
    assert remaining.x[i] is None


def allocations_df() -> pd.DataFrame:
    # allocations(): pool, region, year, project, recipient, amount_dkk, status, decided_on, band_min_dkk, band_max_dkk
    return pd.DataFrame(
        {
            "pool": ["AI-puljen", "AI-puljen", "AI-puljen", "Digital", "Digital"],
            "region": ["Region Hovedstaden"] * 5,
            "year": np.array([2020] * 3 + [2026] * 2, dtype="int32"),
            "project": ["Triage", "Billeder", "Tale", "Forvaltning", "Ukendt"],
            "recipient": ["Rigshospitalet", "Herlev", "OUH", "OUH", "SDU"],
            "amount_dkk": [150_000.0, 275_000.0, 1_650_000.0, 500_000.0, np.nan],
            "status": ["granted", "paid", "granted", "applied", "applied"],
            "decided_on": pd.to_datetime(["2020-03-01", "2020-03-01", None, None, None]),
            "band_min_dkk": [100_000.0] * 3 + [np.nan] * 2,
            "band_max_dkk": [300_000.0] * 3 + [np.nan] * 2,
        }
    ).astype({c: S for c in ("pool", "region", "project", "recipient", "status")})


def test_grant_sizes_points_by_status_against_the_band():
    fig = charts.grant_sizes(allocations_df())
    assert [t.name for t in fig.data] == ["Søgt", "Bevilget", "Udbetalt"]  # applied, granted, paid
    by = {t.name: t for t in fig.data}
    assert list(by["Bevilget"].x) == pytest.approx([0.15, 1.65])
    assert list(by["Bevilget"].y) == [0, 0]  # row of "AI-puljen"
    assert list(by["Søgt"].y) == [1]  # "Digital"; the unknown amount is left out, not put at 0
    assert sum(len(t.x) for t in fig.data) == 4
    assert total(v for t in fig.data for v in t.x) == pytest.approx(0.15 + 0.275 + 1.65 + 0.5)
    assert list(by["Bevilget"].text) == [
        kr("Triage: Rigshospitalet<br>150.000 kr."),
        kr("Tale: OUH<br>1,65 mio. kr."),
    ]
    (band,) = fig.layout.shapes  # only the pool with a band is shaded
    assert (band.type, band.x0, band.x1, band.y0, band.y1) == ("rect", 0.1, 0.3, -0.4, 0.4)
    assert list(fig.layout.yaxis.ticktext) == ["AI-puljen", "Digital"]
    assert list(fig.layout.yaxis.tickvals) == [0, 1]


def test_grant_sizes_titles():
    fig = charts.grant_sizes(allocations_df())
    assert fig.layout.title.text == "Bevillingernes størrelse mod puljens interval (skraveret)"
    assert fig.layout.xaxis.title.text == "mio. kr."
    en = charts.grant_sizes(allocations_df(), lang="en")
    assert en.layout.title.text == "Grant sizes against the pool's band (shaded)"
    assert [t.name for t in en.data] == ["Applied", "Granted", "Paid"]


def recipients_df() -> pd.DataFrame:
    # SELECT recipient, sum(amount_dkk) AS amount_dkk, count(*) AS allocations ORDER BY 2 DESC NULLS LAST
    return pd.DataFrame(
        {
            "recipient": ["Region Syddanmark (SDSI)", "Regionshuset", "OUH", "Ukendt"],
            "amount_dkk": [2_750_000.0, 1_200_000.0, 250_000.0, np.nan],
            "allocations": np.array([11, 1, 1, 1]),
        }
    ).astype({"recipient": S})


def test_recipients_ranked_largest_on_top_in_mio():
    df = recipients_df()
    fig = charts.recipients_ranked(df)
    (bar,) = fig.data
    assert list(bar.y) == [
        "Ukendt",
        "OUH",
        "Regionshuset",
        "Region Syddanmark (SDSI)",
    ]  # plotly draws bottom-up
    assert list(bar.x) == [None, pytest.approx(0.25), pytest.approx(1.2), pytest.approx(2.75)]
    assert list(bar.text) == ["ikke oplyst", kr("250.000 kr."), kr("1,2 mio. kr."), kr("2,75 mio. kr.")]
    assert total(bar.x) == pytest.approx(4.2)
    assert fig.layout.title.text == "Modtagere (bevilget og udbetalt)"
    assert fig.layout.xaxis.title.text == "mio. kr."
    assert charts.recipients_ranked(df, lang="en").layout.title.text == "Recipients (granted and paid)"


# ---------------------------------------------------------------- every builder


BUILDERS = {
    "activity_timeline": lambda lang: charts.activity_timeline(activity_df(), lang),
    "meetings_timeline": lambda lang: charts.meetings_timeline(meetings_df(), lang),
    "cadence": lambda lang: charts.cadence(cadence_df(), lang),
    "counts": lambda lang: charts.counts(sector_df(), "sector", "Titel", lang, value="members"),
    "attendance": lambda lang: charts.attendance(meetings_df(), lang),
    "members_by_organisation": lambda lang: charts.members_by_organisation(members_df(), lang),
    "network_graph": lambda lang: charts.network_graph(edges_df(), lang),
    "eu_budget_vs_share": lambda lang: charts.eu_budget_vs_share(eu_df(), lang),
    "eu_gantt": lambda lang: charts.eu_gantt(eu_df(), lang),
    "eu_by_programme": lambda lang: charts.eu_by_programme(eu_programme_df(), lang),
    "eu_share_per_year": lambda lang: charts.eu_share_per_year(eu_year_df(), lang),
    "pool_capacity": lambda lang: charts.pool_capacity(pools_df(), lang),
    "pool_use": lambda lang: charts.pool_use(pools_df(), lang),
    "grant_sizes": lambda lang: charts.grant_sizes(allocations_df(), lang),
    "recipients_ranked": lambda lang: charts.recipients_ranked(recipients_df(), lang),
}


def test_every_public_chart_builder_is_tested():
    public = {
        name
        for name, obj in vars(charts).items()
        if callable(obj) and not name.startswith("_") and getattr(obj, "__module__", "") == charts.__name__
    }
    assert public - {"label"} == set(BUILDERS)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_common_layout_danish_separators_palette_and_a_title(name):
    fig = BUILDERS[name]("da")
    assert isinstance(fig, go.Figure)
    assert fig.layout.separators == ",."  # plotly's own numbers with a decimal comma
    assert list(fig.layout.colorway) == OKABE_ITO
    assert fig.layout.title.text
    assert fig.layout.height >= 220


@pytest.mark.parametrize("name", sorted(set(BUILDERS) - {"counts"}))  # counts takes its title as given
def test_english_title_differs_from_danish(name):
    da, en = BUILDERS[name]("da"), BUILDERS[name]("en")
    assert en.layout.title.text != da.layout.title.text
    assert not any(ch in en.layout.title.text for ch in "æøåÆØÅ")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_no_trace_text_says_nan_or_none(name):
    """Unknown values are written as words; the known bugs above are kept out of these frames."""
    fig = BUILDERS[name]("da")
    for t in fig.data:
        for field in ("text", "name"):
            value = getattr(t, field, None)
            texts = [value] if isinstance(value, str) else list(value or [])
            for x in texts:
                assert not re.search(r"\b(nan|none|null)\b", str(x), re.IGNORECASE), (field, x)


# ---------------------------------------------------------------- many projects, many networks


def many_projects(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "acronym": [f"P{i:03d}" for i in range(n)],
            "title": [f"Projekt {i}" for i in range(n)],
            "programme": ["Horizon Europe"] * n,
            "region": ["Region Syddanmark"] * n,
            "total_budget_dkk": [float(10_000_000 + i) for i in range(n)],
            "eu_contribution_dkk": [np.nan] * n,
            "region_share_dkk": [float(1_000_000 * (i + 1)) for i in range(n)],
            "start_year": pd.array([2020 + i % 5 for i in range(n)], dtype="Int32"),
            "end_year": pd.array([2024 + i % 5 for i in range(n)], dtype="Int32"),
        }
    ).astype({c: S for c in ("acronym", "title", "programme", "region")})


def test_per_project_charts_show_the_largest_and_say_so():
    df = many_projects(30)
    fig = charts.eu_budget_vs_share(df)
    assert len(fig.data[1].y) == 25
    assert "P000" not in fig.data[1].y and "P029" in fig.data[1].y  # the smallest shares drop out
    assert fig.layout.title.text.endswith("(de 25 største af 30)")
    gantt = charts.eu_gantt(df)
    assert len(gantt.data[0].y) == 25 and gantt.layout.title.text.endswith("(de 25 største af 30)")
    # Five projects: every one shown, no note.
    assert (
        charts.eu_budget_vs_share(df.head(5)).layout.title.text
        == "Samlet budget og regionens EU-andel pr. projekt"
    )


def test_per_year_stacks_the_largest_projects_and_the_rest_as_one_grey_trace():
    rows = [(f"P{i:02d}", y, float((i + 1) * 1_000_000)) for i in range(12) for y in (2024, 2025)]
    df = pd.DataFrame(rows, columns=["project", "year", "share_dkk"]).astype({"project": S})
    fig = charts.eu_share_per_year(df, top=8)
    names = [t.name for t in fig.data]
    assert len(names) == 9 and "Øvrige 4 projekter" in names
    rest = next(t for t in fig.data if t.name == "Øvrige 4 projekter")
    assert rest.marker.color == GREY
    # The four smallest (P00-P03: 1+2+3+4 mio. a year) are the grey stack; nothing is lost.
    assert list(rest.y) == pytest.approx([10.0, 10.0])
    assert sum(sum(t.y) for t in fig.data) == pytest.approx(df["share_dkk"].sum() / 1e6)


def test_a_region_wide_graph_folds_people_and_labels_at_most_twelve_networks():
    n_people = 2_000
    edges = pd.DataFrame(
        {
            "person": [f"Person {i}" for i in range(n_people)],
            "organisation": [f"Org {i % 40}" for i in range(n_people)],
            "network": [f"Netværk {i % 20}" for i in range(n_people)],
        }
    ).astype(S)
    fig = charts.network_graph(edges, max_people=500)
    assert "Person" not in [t.name for t in fig.data]
    assert len(fig.layout.annotations) == 12
    nets = next(t for t in fig.data if t.name == "Netværk")
    assert len(nets.x) == 20


def test_a_national_graph_keeps_the_largest_networks_and_organisations():
    n_people = 6_000
    edges = pd.DataFrame(
        {
            "person": [f"Person {i}" for i in range(n_people)],
            "organisation": [f"Org {i % 300}" for i in range(n_people)],
            "network": [f"Netværk {i % 30}" if i % 7 else "Netværk 0" for i in range(n_people)],
        }
    ).astype(S)
    fig = charts.network_graph(edges, max_people=500, max_networks=20, max_organisations=200)
    nets = next(t for t in fig.data if t.name == "Netværk")
    orgs = next(t for t in fig.data if t.name == "Organisation")
    assert len(nets.x) == 20 and len(orgs.x) == 200
    assert "Netværk 0" in list(nets.text)  # the largest network is kept
    assert "de 20 største netværk og 200 største organisationer" in fig.layout.title.text


EVIL = '<a href="http://evil.example/x">klik</a><img src="http://evil.example/i.png"><b>FED</b>'


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_builder_shows_markup_in_the_data_as_text(name, monkeypatch):
    """Every text cell of every frame starts with live markup: the figure holds it escaped only."""
    module = sys.modules[__name__]
    for fn_name, fn in list(vars(module).items()):
        if fn_name.endswith("_df") and callable(fn):

            def hostile(fn=fn):
                df = fn()
                for col in df.columns:
                    if df[col].dtype == object or pd.api.types.is_string_dtype(df[col]):
                        df[col] = [EVIL + v if isinstance(v, str) else v for v in df[col]]
                return df

            monkeypatch.setattr(module, fn_name, hostile)
    assert getattr(getattr(charts, name), "escapes_user_text", False)
    text = BUILDERS[name]("da").to_json()
    assert "evil.example" in text  # the data is there ...
    assert "<a href" not in text and "<img" not in text and "<b>FED" not in text  # ... as text only


def _look(trace) -> tuple:
    """What tells a trace apart besides its colour: bar pattern, marker symbol, line dash."""
    pattern = getattr(getattr(trace.marker, "pattern", None), "shape", None) if trace.type == "bar" else None
    symbol = trace.marker.symbol if trace.type == "scatter" else None
    dash = trace.line.dash if trace.type == "scatter" and "lines" in (trace.mode or "") else None
    return (pattern or "", symbol or "", dash or "")


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_series_never_differ_by_colour_alone(name):
    """WCAG 1.4.1: two series of a chart differ in pattern, symbol or dash too (a target marker
    and an unnamed helper trace are not series of their own)."""
    fig = BUILDERS[name]("da")
    series = [t for t in fig.data if t.name and t.showlegend is not False and t.type in ("bar", "scatter")]
    looks = [_look(t) for t in series]
    assert len(set(looks)) == len(looks), list(zip([t.name for t in series], looks, strict=True))


# ---------------------------------------------------------------- axes that read right


def test_a_date_axis_is_in_danish_months_and_two_events_still_read_as_months():
    df = pd.DataFrame(
        {"month": pd.to_datetime(["2025-10-01", "2025-11-01"]), "kind": ["conference", "committee_meeting"],
         "meetings": [1, 1]}
    )  # fmt: skip
    fig = charts.activity_timeline(df, "da")
    assert list(fig.layout.xaxis.ticktext) == ["okt. 2025", "nov. 2025"]
    en = charts.activity_timeline(df, "en")
    assert list(en.layout.xaxis.ticktext) == ["Oct 2025", "Nov 2025"]


def test_count_axes_have_whole_numbers():
    fig = charts.activity_timeline(activity_df(), "da")
    assert fig.layout.yaxis.tickformat == "d" and fig.layout.yaxis.dtick == 1
    counts = charts.counts(sector_df(), "sector", "Titel", "da", value="members")
    assert counts.layout.xaxis.tickformat == "d"


def test_the_network_graph_has_projects_as_nodes():
    projects = pd.DataFrame(
        {"project": ["AI-KOA", "AI-KOA", "Fjernt"], "organisation": ["OUH", "Rigshospitalet", "Ingen"]}
    )
    fig = charts.network_graph(edges_df(), projects=projects)
    names = {t.name: t for t in fig.data if t.name}
    assert list(names["Projekt"].text) == ["AI-KOA"]  # a project of no organisation in the graph is left out
    assert "projekter" in fig.layout.title.text
