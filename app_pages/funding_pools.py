"""Funding pools: capacity per year (staircase included), granted, paid, remaining, grant sizes, recipients."""

import streamlit as st

from dashboard import charts, glossary, pools_view, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Puljer"))
years = queries.pool_years(f)
widgets.guard_empty(f, years)

granted = years["granted_dkk"].sum() + years["paid_dkk"].sum()  # 'bevilget' includes what is paid
c = st.columns(3)
c[0].metric(
    t("Kapacitet"), fmt.amount(years["capacity_dkk"].sum(min_count=1), L), help=pools_view.term("capacity")
)
c[1].metric(t("Bevilget i alt"), fmt.amount(granted, L), help=pools_view.term("granted"))
c[1].caption(t("heraf udbetalt") + " " + fmt.amount(years["paid_dkk"].sum(), L))
c[2].metric(
    t("Resterende"), fmt.amount(years["remaining_dkk"].sum(min_count=1), L), help=pools_view.term("remaining")
)
if note := glossary.not_followed(queries.ignored_filters("allocations_v", f)):
    st.caption(note)

widgets.plot(charts.pool_capacity(years, L), "capacity")
widgets.source("pools_v", f, "capacity")
widgets.filter_chart(charts.pool_use(years, L), "use", "pool", pools_view.pool_years_picked)
pools_view.remaining_table(years)

allocations = queries.allocations(f)
if not allocations.empty:
    c1, c2 = st.columns(2)
    with c1:
        widgets.plot(charts.grant_sizes(allocations, L), "sizes")
    with c2:
        ranked = queries.recipients(f)
        if not ranked.empty:
            widgets.plot(charts.recipients_ranked(ranked, L), "recipients")
    pools_view.outside_band(f)

st.subheader(t("Bevillinger"))
widgets.detail_table(
    allocations,
    queries.allocation_count(f),
    pools_view.allocations_table,
    lambda: queries.export_rows("allocations", f),
    kind="allocations",
    key="allocations",
    file_name="bevillinger",
)
widgets.source("allocations_v", f, "allocations")
