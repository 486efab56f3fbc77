"""Network activity: how often each network meets against its cadence, themes, formats, attendance."""

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import charts, glossary, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Netværksaktivitet"))
meetings = queries.meetings(f)
widgets.guard_empty(f, meetings)

# Active, inactive? and ended as the overview, the annex and the glossary count them: measured at
# today, or at the last day of the period when the filters end before today.
today = dt.date.today().isoformat()
status = queries.network_status(f, today)
day = queries.reference_day(f, today)
named = {s: list(status[status["status"] == s]["network"]) for s in ("active", "inactive", "ended")}
c = st.columns(3)
for col, key, word, term in zip(
    c, ("active", "inactive", "ended"), (glossary.word("active_networks"), t("Inaktive?"), t("Ophørte")),
    ("active_networks", "inactive", "ended"), strict=True,
):  # fmt: skip
    col.metric(word, fmt.number(len(named[key]), L), help=glossary.help_text(term))
if day != today:
    st.caption(
        t("Målt pr. {day}, den sidste dag i perioden.").format(
            day=fmt.date_long(dt.date.fromisoformat(day), L)
        )
    )
# Ended networks are history; a network without a meeting for a year and no end date is asked
# about ('inaktivt?'), never shown as thousands of days overdue; the active ones are measured.
widgets.names_note(
    st.info, t("Inaktive? Intet møde i over et år og ingen slutdato"), named["inactive"],
    t("Er de ophørt, så sæt slutdatoen i netværksarket eller på siden Data."),
)  # fmt: skip

widgets.filter_chart(charts.meetings_timeline(meetings, L), "timeline", "network")
widgets.source("meetings_v", f, "timeline")

cad = queries.cadence(f, day)
if not cad.empty:
    active = cad[cad["network"].isin(named["active"])]
    late = active[active["days_since"] > active["target_months"].astype(float) * 30.4]
    widgets.names_note(
        st.warning, t("Over mødekadencen"), list(late.sort_values("days_since", ascending=False)["network"])
    )
    if not active.empty:
        widgets.plot(charts.cadence(active, L), "cadence")

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

themes = queries.themes_by_year(f)
if not themes.empty:
    with st.expander(t("Temaer over tid, pr. netværk"), key="themes"):
        widgets.table(
            pd.DataFrame(
                {t("Netværk"): themes["network"], t("År"): themes["year"].astype(str), t("Temaer"): themes["themes"],
                 t("Møder"): themes["meetings"]}
            ),
            "themes_table",
        )  # fmt: skip

st.subheader(t("Møder og temaer"))
narrowed, shown = f, meetings


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
