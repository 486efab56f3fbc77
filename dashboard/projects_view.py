"""The project register's parts: the register, and one project, organisation or person with what
connects to it. Logic in dashboard/queries.py; this module only builds tables and draws."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, glossary, queries, safe, widgets
from dashboard import format as fmt
from dashboard.i18n import lang, t
from dashboard.queries import Filters
from translations import N_

KINDS = {"pool": N_("Pulje"), "eu": N_("EU-projekt"), "members": N_("Projektdeltagere")}
HOW = {
    "named": N_("Navngivet på projektet"),
    "network": N_("Medlem af et netværk, arbejder hos organisationen"),
}
# The people of a project come in two kinds that must never read as one: those a source names on
# the project, and the members of our networks who work at its organisations (who may never have
# heard of it). Each kind under its own heading, per starting point.
SECTIONS = {
    "project": {
        "named": N_("Navngivet på projektet"),
        "network": N_("Netværksmedlemmer hos de deltagende organisationer"),
    },
    "organisation": {
        "named": N_("Navngivet på organisationens projekter"),
        "network": N_("Netværksmedlemmer, der arbejder i organisationen"),
    },
    "person": {  # counted in projects
        "named": N_("Projekter, personen er navngivet på"),
        "network": N_("Projekter hos organisationer, hvor personen er netværksmedlem"),
    },
}
SECTION_NOTES = {
    "named": N_("Navngivet i en kilde (en liste over projektdeltagere) som en, der arbejder på projektet."),
    "network": N_(
        "Medlemmer af netværkene, der arbejder hos en organisation på projektet. De er ikke dermed en del af "
        "projektet."
    ),
}
NONE_NAMED = N_("Ingen er navngivet på projektet endnu. Upload en liste over projektdeltagere på siden Data.")


def _parts(v: object) -> list[str]:
    """A comma-joined list from the database; none for NULL."""
    return [] if fmt.missing(v) else [x for x in str(v).split(",") if x]


def _amount(v: object, L: str) -> str:
    return "" if fmt.missing(v) else fmt.amount(v, L)


def totals(f: Filters) -> None:
    """The register's headline figures, the overview's words: projects, granted in all (of that
    paid) and the region's EU share, summed over every project the filters hold."""
    L = lang()
    n, granted, paid, eu_projects, share = queries.project_totals(f)
    c = st.columns(3)
    c[0].metric(t("Projekter"), fmt.number(n, L))
    c[1].metric(glossary.word("granted"), fmt.amount(granted or 0, L), help=glossary.help_text("granted"))
    c[1].caption(t("heraf udbetalt") + " " + fmt.amount(paid or 0, L))
    c[2].metric(
        glossary.word("region_share"),
        fmt.amount(0 if eu_projects == 0 else share, L),
        help=glossary.help_text("region_share"),
    )
    if f.organisation:
        st.caption(t("Tallene er de projekter, organisationen tager del i, med alle deres bevillinger."))


def register_table(reg: pd.DataFrame, names: bool) -> pd.DataFrame:
    """The register as read and downloaded: a row per project."""
    L = lang()
    kinds = {k: t(v, L) for k, v in KINDS.items()}  # once, not per row (a national register: 1,000 rows)
    out = pd.DataFrame(
        {
            t("Projekt"): reg["project"],
            t("Kilde"): [", ".join(kinds[k] for k in _parts(v)) for v in reg["kinds"]],
            t("Pulje eller program"): reg["sources"].fillna(""),
            t("Bevilget i alt"): [_amount(v, L) for v in reg["granted_dkk"]],
            t("Heraf udbetalt"): [_amount(v, L) for v in reg["paid_dkk"]],
            glossary.word("region_share"): [_amount(v, L) for v in reg["share_dkk"]],
            t("Organisationer"): reg["organisation_names"].fillna(""),
            t("Personer på projektet"): reg["people_named"],
            t("Netværksmedlemmer hos organisationerne"): reg["network_members"],
        }
    )
    return out


def links_table(links: pd.DataFrame) -> pd.DataFrame:
    """A project's (or organisation's) sources and organisations, with the money each carries."""
    L = lang()
    return pd.DataFrame(
        {
            t("Projekt"): links["project"],
            t("Kilde"): [t(KINDS.get(k, k), L) for k in links["source_kind"]],
            t("Pulje eller program"): links["source"].fillna(""),
            t("Organisation"): links["organisation"].fillna(""),
            t("Bevilget i alt"): [_amount(v, L) for v in links["granted_dkk"]],
            t("Heraf udbetalt"): [_amount(v, L) for v in links["paid_dkk"]],
            t("Status"): [
                ", ".join(charts.label(s, L) for s in _parts(v)) for v in links["statuses"]
            ],
            t("Periode"): [fmt.period(a, b, L) if not fmt.missing(a) else "" for a, b in zip(
                links["first_year"], links["last_year"], strict=True)],
        }
    )  # fmt: skip


def people_table(people: pd.DataFrame, names: bool) -> pd.DataFrame:
    """The people: by name for roles that see names, else how many per organisation and link."""
    if names:
        return pd.DataFrame(
            {
                t("Projekt"): people["project"],
                t("Navn"): people["person"],
                t("Rolle eller titel"): people["role"].fillna(""),
                t("Organisation"): people["organisation"].fillna(""),
                t("Netværk"): people["network"].fillna(""),
                t("Hvordan"): [t(HOW[h]) for h in people["how"]],
            }
        )
    return pd.DataFrame(
        {
            t("Projekt"): people["project"],
            t("Organisation"): people["organisation"].fillna(""),
            t("Hvordan"): [t(HOW[h]) for h in people["how"]],
            t("Personer"): people["people"],
        }
    )


def one_project(f: Filters, project: str, names: bool) -> None:
    L = lang()
    links = queries.project_links(f, project=project)
    row = queries.project_register(f, project=project)
    st.subheader(safe.md(project))
    if not row.empty:
        r = row.iloc[0]
        c = st.columns(3)
        c[0].metric(t("Bevilget i alt"), _amount(r["granted_dkk"], L) or "–")
        c[0].caption(t("heraf udbetalt") + " " + (_amount(r["paid_dkk"], L) or fmt.amount(0, L)))
        c[1].metric(glossary.word("region_share"), _amount(r["share_dkk"], L) or "–")
        c[2].metric(t("Organisationer"), fmt.number(r["organisations"], L))
    widgets.table(links_table(links), "project_links")
    _people(queries.project_people(f, project=project), names, "project_people")


def one_organisation(f: Filters, organisation: str, names: bool) -> None:
    st.subheader(safe.md(organisation))
    links = queries.project_links(f, organisation=organisation)
    st.markdown("##### " + t("Projekter, organisationen tager del i"))
    widgets.table(links_table(links), "org_links")
    people = queries.project_people(f, organisation=organisation)
    if names and not people.empty:  # each person once, with every project they are linked to here
        people = (
            people.groupby(["person", "role", "organisation", "network", "how"], dropna=False, sort=False)[
                "project"
            ]
            .agg(lambda ps: ", ".join(sorted(set(ps))))
            .reset_index()
        )
    _people(people, names, "org_people", start="organisation")


def one_person(f: Filters, person: str) -> None:
    st.subheader(safe.md(person))
    _people(queries.project_people(f, person=person), True, "person_projects", start="person")


def _people(people: pd.DataFrame, names: bool, key: str, start: str = "project") -> None:
    """The people named on the project(s) and the network members at their organisations, each
    kind under its own heading with how many there are; one download holds both, with how."""
    L = lang()
    if people.empty:
        st.info(
            t("Ingen personer er knyttet hertil endnu. Upload en liste over projektdeltagere på siden Data.")
        )
        return
    for how in ("named", "network"):
        part = people[people["how"] == how]
        if start == "person":
            n = part["project"].nunique()
        else:
            n = part["person"].str.lower().nunique() if names else int(part["people"].sum())
        st.markdown("##### " + t(SECTIONS[start][how]) + f" ({fmt.number(n, L)})")
        st.caption(t(SECTION_NOTES[how]))
        if part.empty:
            if how == "named":
                st.info(t(NONE_NAMED))
            continue
        # 'Hvordan' stays in the table though the heading says it: tests/app/test_national.py finds
        # the people's table by it (drop it there first).
        widgets.table(people_table(part, names), f"{key}_{how}")
    widgets.downloads(
        people_table(people, names), "projektdeltagere", key, audit="download_names" if names else None
    )
