"""Funding pools: capacity per year (staircase included), granted, paid, remaining, grant sizes, recipients."""

from dataclasses import replace

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
# A click on a pool year narrows the table in the database (not in its first rows only).
pools_years = [(p, int(y)) for p, y in (k.rsplit("|", 1) for k in picked)]
narrowed = (
    replace(
        f,
        pool=tuple(sorted({p for p, _ in pools_years})),
        year_from=min(y for _, y in pools_years),
        year_to=max(y for _, y in pools_years),
    )
    if picked
    else f
)


def only_picked(frame):
    """Of the rows in the narrowed range, the pool years that were clicked."""
    if not picked:
        return frame
    return frame[(frame["pool"] + "|" + frame["year"].astype(str)).isin(picked)]


shown = only_picked(queries.allocations(narrowed)) if picked else allocations
total = queries.allocation_count(narrowed) if not picked or len(pools_years) == 1 else len(shown)
widgets.picked_note([k.replace("|", " ") for k in picked])


def build(frame):
    """The table as shown and downloaded."""
    out = frame.assign(
        year=[fmt.period(y, y, L) for y in frame["year"]],
        amount=[fmt.amount(v, L) for v in frame["amount_dkk"]],
        status=[charts.label(s, L) for s in frame["status"]],
        decided_on=[fmt.date_short(d, L) for d in frame["decided_on"]],
    )[["pool", "year", "project", "recipient", "amount", "status", "decided_on"]]
    out.columns = [
        t("Pulje"),
        t("År"),
        t("Projekt"),
        t("Modtager"),
        t("Beløb"),
        t("Status"),
        t("Beslutningsdato"),
    ]
    return out


widgets.detail_table(
    shown,
    total,
    build,
    lambda: only_picked(queries.export_rows("allocations", narrowed)),
    kind="allocations",
    key="allocations",
    file_name="bevillinger",
)
widgets.source("allocations_v", f, "allocations")
