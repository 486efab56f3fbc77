"""Network activity: how often each network meets against its cadence, themes, formats, attendance."""

import datetime as dt
from dataclasses import replace

import streamlit as st

from dashboard import charts, queries, safe, widgets
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
        names = list(overdue.sort_values("days_since", ascending=False)["network"])
        more = t(" og {n} flere").format(n=fmt.number(len(names) - 10, L)) if len(names) > 10 else ""
        st.warning(t("Over mødekadencen") + ": " + safe.md(", ".join(names[:10])) + more)
    widgets.plot(charts.cadence(cad, L), "cadence")

c1, c2 = st.columns(2)
with c1:
    widgets.plot(charts.counts(queries.meetings_by(f, "format"), "format", t("Mødeformer"), L), "formats")
with c2:
    widgets.plot(
        charts.counts(queries.meetings_by(f, "kind"), "kind", t("Typer af arrangementer"), L), "kinds"
    )

known = meetings.dropna(subset=["attendees"]).head(60)  # the latest 60 meetings with a head count
if not known.empty:
    widgets.plot(charts.attendance(known, L), "attendance")
st.caption(
    t("Nye og tilbagevendende deltagere pr. år kræver deltagerlister pr. møde, som ikke er indlæst endnu.")
)

st.subheader(t("Møder og temaer"))
narrowed = replace(f, network=tuple(picked)) if picked else f
shown = queries.meetings(narrowed) if picked else meetings
widgets.picked_note(picked)


def build(frame):
    """The table as shown and downloaded."""
    out = frame.assign(
        meeting_date=[fmt.date_short(d, L) for d in frame["meeting_date"]],
        kind=[charts.label(x, L) for x in frame["kind"]],
        format=[charts.label(x, L) for x in frame["format"]],
    )[["meeting_date", "network", "kind", "format", "host", "theme", "attendees"]]
    out.columns = [
        t("Dato"),
        t("Netværk"),
        t("Type"),
        t("Format"),
        t("Sted"),
        t("Tema"),
        t("Antal deltagere"),
    ]
    return out


widgets.detail_table(
    shown,
    queries.meeting_count(narrowed),
    build,
    lambda: queries.export_rows("meetings", narrowed),
    kind="meetings",
    key="meetings",
    file_name="moeder",
)
