"""People and organisations: who takes part, from which organisations and sectors, and how they connect."""

import streamlit as st

from dashboard import charts, queries, widgets
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Personer og organisationer"))
people = queries.people(f, with_names=True)
widgets.guard_empty(f, people)

internal = int((~people["is_external"].fillna(False).astype(bool)).sum())
external = int(people["is_external"].fillna(False).astype(bool).sum())
c = st.columns(3)
c[0].metric(t("Medlemskaber"), len(people))
c[1].metric(t("Interne"), internal)
c[2].metric(t("Eksterne"), external)

by_org = queries.members_by_organisation(f)
picked = widgets.chart(charts.members_by_organisation(by_org, L), "by_org")
widgets.source("participants_v", f, "by_org")
sectors = queries.members_by_sector(f)
widgets.plot(charts.counts(sectors, "sector", t("Medlemmer pr. sektor"), L, value="members"), "sectors")

with st.expander(t("Netværksgraf: personer, organisationer og netværk"), expanded=len(people) <= 150):
    widgets.plot(charts.network_graph(queries.graph_edges(f), L), "graph")

st.subheader(t("Deltagere"))
search = st.text_input(t("Søg i navn, titel eller organisation"), key="people_search")
shown = people[people["organisation_canonical"].isin(picked)] if picked else people
if picked:
    st.caption(t("Viser kun") + ": " + ", ".join(picked))
if search:
    hay = (
        shown[["person", "title", "organisation", "organisation_canonical"]].fillna("").agg(" ".join, axis=1)
    )
    shown = shown[hay.str.contains(search, case=False, regex=False)]
table = shown.assign(
    sector=[charts.label(s, L) for s in shown["sector"]],
    is_external=[t("Ekstern") if e else t("Intern") for e in shown["is_external"].fillna(False)],
)[["person", "title", "organisation", "organisation_canonical", "sector", "network", "is_external"]]
table.columns = [
    t("Navn"),
    t("Titel"),
    t("Organisation (som skrevet)"),
    t("Organisation"),
    t("Sektor"),
    t("Netværk"),
    t("Intern/ekstern"),
]
widgets.table(table, "people_table")
widgets.downloads(table, "deltagere", "people")
