"""People and organisations: who takes part, from which organisations and sectors, and how they connect."""

import streamlit as st

from dashboard import access, charts, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("Personer og organisationer"))
names = access.may("names")  # the queries decide it too: without the right they never select names
people = queries.people(f)
widgets.guard_empty(f, people)

total, internal, external = queries.people_counts(f)
c = st.columns(3)
c[0].metric(t("Medlemskaber"), fmt.number(total, L))
c[1].metric(t("Interne"), fmt.number(internal, L))
c[2].metric(t("Eksterne"), fmt.number(external, L))

by_org = queries.members_by_organisation(f)
widgets.filter_chart(charts.members_by_organisation(by_org, L), "by_org", "organisation")
widgets.source("participants_v", f, "by_org")
sectors = queries.members_by_sector(f)
widgets.plot(charts.counts(sectors, "sector", t("Medlemmer pr. sektor"), L, value="members"), "sectors")

# The graph is drawn on request when there are many members: a region-wide layout takes seconds.
if st.toggle(
    t("Vis netværksgraf: personer, organisationer, netværk og projekter"),
    value=total <= 500,
    key="show_graph",
):
    widgets.plot(
        charts.network_graph(queries.graph_edges(f, t("Deltager")), L, projects=queries.graph_projects(f)),
        "graph",
    )

if not names:
    # A committee member sees people as counts: per organisation and network, no names or titles.
    st.subheader(t("Medlemmer pr. organisation og netværk"))
    counts = queries.members_by_organisation_and_network(f)
    out = counts.assign(sector=[charts.label(s, L) for s in counts["sector"]])[
        ["organisation", "sector", "network", "internal", "external", "total"]
    ]
    out.columns = [t("Organisation"), t("Sektor"), t("Netværk"), t("Interne"), t("Eksterne"), t("I alt")]
    widgets.table(out, "people_counts")
    widgets.downloads(out, "medlemmer_pr_organisation", "people_counts")
    st.stop()

st.subheader(t("Deltagere"))
search = st.text_input(
    t("Søg i navn, titel eller organisation"), key="people_search", placeholder=t("Skriv og tryk Enter")
).strip()
# The search narrows the table in the database, not in the first rows only.
narrowed = f
shown = queries.people(narrowed, search=search) if search else people


def build(frame):
    """The table as shown and downloaded: Danish headers, sector and internal/external in words."""
    out = frame.assign(
        sector=[charts.label(s, L) for s in frame["sector"]],
        is_external=[t("Ekstern") if e else t("Intern") for e in frame["is_external"].fillna(False)],
    )[["person", "title", "organisation", "organisation_canonical", "sector", "network", "is_external"]]
    out.columns = [
        t("Navn"),
        t("Titel"),
        t("Organisation (som skrevet)"),
        t("Organisation"),
        t("Sektor"),
        t("Netværk"),
        t("Intern/ekstern"),
    ]
    return out


def stored():
    """The memberships behind the table, with every column of a member list."""
    rows = queries.export_rows("participants", narrowed)
    if search:
        hits = queries.people(narrowed, search=search, limit=None)[["person", "network"]]
        rows = rows.merge(hits, on=["person", "network"])
    return rows


widgets.detail_table(
    shown,
    len(shown) if search else queries.people_counts(narrowed)[0],  # a search's total is not counted
    build,
    stored,
    kind="participants",
    key="people",
    file_name="deltagere",
    audit="download_names",  # a member list with names: who downloaded it is in the audit log
)
