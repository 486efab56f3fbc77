"""Funding pools: capacity per year (staircase included), granted, paid, remaining, grant sizes, recipients."""

import streamlit as st

from dashboard import charts, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Puljer"))
years = queries.pool_years(f)
widgets.guard_empty(f, years)

c = st.columns(4)
c[0].metric(t("Kapacitet"), fmt.amount(years["capacity_dkk"].sum(min_count=1), L))
c[1].metric(t("Bevilget"), fmt.amount(years["granted_dkk"].sum(), L))
c[2].metric(t("Udbetalt"), fmt.amount(years["paid_dkk"].sum(), L))
c[3].metric(t("Resterende"), fmt.amount(years["remaining_dkk"].sum(min_count=1), L))

widgets.plot(charts.pool_capacity(years, L), "capacity")
widgets.source("pools_v", f, "capacity")
picked = widgets.chart(charts.pool_use(years, L), "use")

allocations = queries.allocations(f)
if not allocations.empty:
    c1, c2 = st.columns(2)
    with c1:
        widgets.plot(charts.grant_sizes(allocations, L), "sizes")
    with c2:
        ranked = queries.recipients(f)
        if not ranked.empty:
            widgets.plot(charts.recipients_ranked(ranked, L), "recipients")

st.subheader(t("Bevillinger"))
keys = allocations["pool"] + "|" + allocations["year"].astype(str)
shown = allocations[keys.isin(picked)] if picked else allocations
if picked:
    st.caption(t("Viser kun") + ": " + ", ".join(p.replace("|", " ") for p in picked))
table = shown.assign(
    year=[fmt.period(y, y, L) for y in shown["year"]],
    amount=[fmt.amount(v, L) for v in shown["amount_dkk"]],
    status=[charts.label(s, L) for s in shown["status"]],
    decided_on=[fmt.date_short(d, L) for d in shown["decided_on"]],
)[["pool", "year", "project", "recipient", "amount", "status", "decided_on"]]
table.columns = [
    t("Pulje"),
    t("År"),
    t("Projekt"),
    t("Modtager"),
    t("Beløb"),
    t("Status"),
    t("Beslutningsdato"),
]
widgets.table(table, "alloc_table")
widgets.downloads(table, "bevillinger", "allocations")
widgets.source("allocations_v", f, "allocations")
