"""Overview: the handful of numbers a committee asks for first, with trend and source."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import access, annex_view, charts, glossary, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Overblik"))
widgets.guard_empty(f)
k = queries.kpis(f, dt.date.today().isoformat())
when = queries.data_as_of()
st.caption(
    t("Data pr. {day}").format(day=fmt.date_long(when, L))
    + " · "
    + t("Tallene følger filtrene i sidepanelet.")
)


def not_followed(view: str) -> None:
    """Under a figure: the chosen filters it does not follow (a pool has no organisation)."""
    note = glossary.not_followed(queries.ignored_filters(view, f))
    if note:
        st.caption(note)


row1 = st.columns(3)
row1[0].metric(
    glossary.word("active_networks"),
    fmt.number(k.active_networks, L),
    help=glossary.help_text("active_networks"),
)
row1[1].metric(
    glossary.word("participants"),
    fmt.number(k.participants, L),
    help=glossary.help_text("participants")
    + " "
    + t("Heraf eksterne: {n}.").format(n=fmt.number(k.external, L)),
)
row1[2].metric(
    glossary.word("organisations"), fmt.number(k.organisations, L), help=glossary.help_text("organisations")
)
with row1[0]:
    not_followed("meetings_v")
    widgets.source("meetings_v", f, "kpi_net")
with row1[1]:
    not_followed("participants_v")
    widgets.source("participants_v", f, "kpi_people")
with row1[2]:
    not_followed("participants_v")

row2 = st.columns(3)
meetings_label = t("Møder {year}").format(year=k.last_year) if k.last_year else t("Møder")
row2[0].metric(
    meetings_label, fmt.number(k.meetings_last, L), delta=fmt.delta(k.meetings_last, k.meetings_before, L)
)
row2[1].metric(
    glossary.word("region_share"), fmt.amount(k.eu_region_share, L), help=glossary.help_text("region_share")
)
share = f"{fmt.number(100 * k.granted / k.capacity, L)} %" if k.granted and k.capacity else None
row2[2].metric(
    t("Puljemidler bevilget i alt"), fmt.amount(k.granted or 0, L), help=glossary.help_text("granted")
)
row2[2].caption(
    t("heraf udbetalt")
    + f" {fmt.amount(k.paid or 0, L)} · "
    + t("af kapacitet")
    + f" {fmt.amount(k.capacity, L)}"
    + (f" ({share})" if share else "")
)
with row2[0]:
    not_followed("meetings_v")
    widgets.source("meetings_v", f, "kpi_meetings")
with row2[1]:
    st.caption(f"{fmt.number(k.eu_projects, L)} " + t("projekter"))
    not_followed("eu_projects_v")
    widgets.source("eu_projects_v", f, "kpi_eu")
with row2[2]:
    not_followed("allocations_v")
    widgets.source("allocations_v", f, "kpi_pools")

if access.may("annex"):
    annex_view.section(f)

st.divider()
activity = queries.activity_per_month(f)
if activity.empty:
    st.info(t("Ingen møder eller arrangementer i perioden."))
else:
    widgets.plot(charts.activity_timeline(activity, L), "activity")
    latest = queries.meetings(f, limit=8)
    table = pd.DataFrame(
        {
            t("Dato"): [fmt.date_long(d, L) for d in latest["meeting_date"]],
            t("Netværk"): latest["network"],
            t("Type"): [charts.label(x, L) for x in latest["kind"]],
            t("Tema"): latest["theme"],
        }
    )
    st.subheader(t("Seneste aktivitet"))
    widgets.table(table, "latest")
