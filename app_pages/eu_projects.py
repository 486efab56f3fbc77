"""EU projects: what the region takes part in, and what it brings home."""

import streamlit as st

from dashboard import charts, glossary, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

L = lang()
f = current()
st.title(t("EU-projekter"))
projects = queries.eu_projects(f)
widgets.guard_empty(f, projects)

n_projects, share, budget, unknown = queries.eu_totals(f)
c = st.columns(3)
c[0].metric(t("Projekter"), fmt.number(n_projects, L))
c[1].metric(glossary.word("region_share"), fmt.amount(share, L), help=glossary.help_text("region_share"))
c[2].metric(t("Samlet budget (kendte)"), fmt.amount(budget, L),
            help=t("Projekter uden oplyst budget tæller ikke med") + f": {unknown}")  # fmt: skip
if note := glossary.not_followed(queries.ignored_filters("eu_projects_v", f)):
    st.caption(note)

picked = widgets.chart(charts.eu_budget_vs_share(projects, L), "budget")
widgets.source("eu_projects_v", f, "budget")
c1, c2 = st.columns(2)
with c1:
    widgets.plot(charts.eu_gantt(projects, L), "gantt")
with c2:
    widgets.plot(charts.eu_by_programme(queries.eu_by_programme(f), L), "eu_programme")
per_year = queries.eu_share_per_year(f)
if not per_year.empty:
    widgets.plot(charts.eu_share_per_year(per_year, L), "per_year")

st.subheader(t("Projekter"))
name = projects["acronym"].fillna(projects["title"])
shown = projects[name.isin(picked)] if picked else projects
widgets.picked_note(picked)


def build(frame):
    """The table as shown and downloaded."""
    out = frame.assign(
        total=[fmt.amount(v, L) for v in frame["total_budget_dkk"]],
        share=[fmt.amount(v, L) for v in frame["region_share_dkk"]],
        period=[fmt.period(a, b, L) for a, b in zip(frame["start_year"], frame["end_year"], strict=True)],
        lead=frame["lead_partner"].fillna(fmt.unknown(L)),
        partners=[fmt.number(p, L) for p in frame["partners"]],
    )[
        [
            "acronym",
            "title",
            "programme",
            "action_type",
            "region",
            "total",
            "share",
            "period",
            "lead",
            "lead_country",
            "partners",
        ]
    ]
    out.columns = [t("Akronym"), t("Titel"), t("Program"), t("Type"), t("Region"), t("Samlet budget"), glossary.word("region_share"),
                     t("Periode"), t("Lead partner"), t("Land"), t("Antal partnere")]  # fmt: skip
    return out


def stored():
    """The projects behind the table (those clicked, if any), with every column of a project list."""
    rows = queries.export_rows("eu_projects", f)
    return rows[rows["acronym"].fillna(rows["title"]).isin(picked)] if picked else rows


widgets.detail_table(
    shown,
    len(shown) if picked else n_projects,
    build,
    stored,
    kind="eu_projects",
    key="eu",
    file_name="eu_projekter",
)
