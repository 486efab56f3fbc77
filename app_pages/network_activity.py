"""Network activity: how often each network meets against its cadence, themes, formats, attendance."""

import datetime as dt

import streamlit as st

from dashboard import charts, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Netværksaktivitet"))
meetings = queries.meetings(f)
widgets.guard_empty(f, meetings)

picked = widgets.chart(charts.meetings_timeline(meetings, L), "timeline")
widgets.source("meetings_v", f, "timeline")

cad = queries.cadence(f, dt.date.today().isoformat())
if not cad.empty:
    overdue = cad[(cad["days_since"] > cad["target_months"].astype(float) * 30.4) & cad["ended"].isna()]
    if not overdue.empty:
        st.warning(t("Over mødekadencen") + ": " + ", ".join(overdue["network"]))
    widgets.plot(charts.cadence(cad, L), "cadence")

c1, c2 = st.columns(2)
formats = (
    meetings.assign(format=meetings["format"].fillna("unknown"))
    .groupby("format")
    .size()
    .reset_index(name="n")
)
with c1:
    widgets.plot(charts.counts(formats, "format", t("Mødeformer"), L), "formats")
kinds = meetings.groupby("kind").size().reset_index(name="n")
with c2:
    widgets.plot(charts.counts(kinds, "kind", t("Typer af arrangementer"), L), "kinds")

if meetings["attendees"].notna().any():
    widgets.plot(charts.attendance(meetings, L), "attendance")
st.caption(
    t("Nye og tilbagevendende deltagere pr. år kræver deltagerlister pr. møde, som ikke er indlæst endnu.")
)

st.subheader(t("Møder og temaer"))
shown = meetings[meetings["network"].isin(picked)] if picked else meetings
if picked:
    st.caption(t("Viser kun") + ": " + ", ".join(picked) + " · " + t("klik i grafen igen for at vælge andre"))
table = shown.assign(
    meeting_date=[fmt.date_short(d, L) for d in shown["meeting_date"]],
    kind=[charts.label(x, L) for x in shown["kind"]],
    format=[charts.label(x, L) for x in shown["format"]],
)[["meeting_date", "network", "kind", "format", "host", "theme", "attendees"]]
table.columns = [t("Dato"), t("Netværk"), t("Type"), t("Format"), t("Sted"), t("Tema"), t("Deltagere")]
widgets.table(table, "meetings_table")
widgets.downloads(table, "moeder", "meetings")
