"""Projekter: who works on which project. Start from a project, an organisation or a person and see
the others: the money from each pool or EU programme, the organisations, and the people."""

import streamlit as st

from dashboard import access, projects_view, queries, widgets
from dashboard import format as fmt
from dashboard.filters import current
from dashboard.i18n import lang, t

f = current()
names = access.may("names")  # the queries decide it too: without the right they never select names
st.title(t("Projekter"))
st.caption(
    t(
        "Projekterne fra puljernes bevillinger, EU-projekterne og listerne over projektdeltagere, med de "
        "organisationer, der tager del, og de personer, der arbejder på dem eller hos dem."
    )
)
widgets.guard_empty(f)
starts = {"project": t("Projekt"), "organisation": t("Organisation")} | (
    {"person": t("Person")} if names else {}
)
start = st.segmented_control(
    t("Start fra"), list(starts), format_func=starts.get, default="project", key="start", bind="query-params",
    required=True,
)  # fmt: skip
options, cut = queries.project_choices(f, start)
chosen = st.selectbox(
    starts[start],
    options,
    index=None,
    key=f"chosen_{start}",
    bind="query-params",
    placeholder=t("Alle (vælg én for at se, hvad der hører til)"),
)
if cut:
    st.caption(
        t("Listen har de {n} første; afgræns med filtrene i sidepanelet for at finde andre.").format(
            n=fmt.number(queries.CHOICES_MAX, lang())
        )
    )
if chosen is None:
    front = queries.project_front(f)
    reg = front.register
    if reg.empty:
        st.info(t("Intet matcher filtrene. Ret filtrene i sidepanelet, eller nulstil dem."))
        st.stop()
    st.subheader(t("Projektregister"))
    projects_view.totals(f)
    total = front.totals[0]  # the count the headline shows
    if total > len(reg):  # a national store: the projects with the most money, the download has all
        st.caption(
            t("De {shown} projekter med flest penge af {total}; hent hele registret nedenfor.").format(
                shown=fmt.number(len(reg), lang()), total=fmt.number(total, lang())
            )
        )
    widgets.table(projects_view.register_table(reg, names), "register")
    widgets.downloads(
        lambda: projects_view.register_table(queries.project_register(f), names),
        "projektregister",
        "register",
    )
elif start == "project":
    projects_view.one_project(f, chosen, names)
elif start == "organisation":
    projects_view.one_organisation(f, chosen, names)
else:
    projects_view.one_person(f, chosen)
