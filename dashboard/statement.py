"""The accessibility statement (tilgængelighedserklæring), in the structure the Danish Agency for
Digital Government (Digitaliseringsstyrelsen) uses: commitment, compliance status, content that is
not accessible, how the statement was prepared, feedback and contact, and the enforcement
procedure. Shown as its own page and from the login page, in the page's language."""

from __future__ import annotations

import os

import streamlit as st

from dashboard import safe
from dashboard.i18n import t

PREPARED = "2026-12-07"  # when the statement was last reviewed against the app (update with it)


def contact() -> str:
    """Where to report a problem: OVERBLIK_CONTACT (an address or a web page), else plain words."""
    return os.environ.get("OVERBLIK_CONTACT", "").strip() or t("den, der driver Overblik i din region")


def draw(heading_level: int = 1) -> None:
    """The statement; heading_level 1 as a page of its own, 2 inside another page."""
    h = "#" * heading_level
    st.markdown(f"{h} " + t("Tilgængelighedserklæring"))
    st.write(
        t(
            "Regionerne bag Overblik forpligter sig til at gøre Overblik tilgængeligt i overensstemmelse med "
            "lov om tilgængelighed af offentlige organers websteder og mobilapplikationer. Erklæringen gælder "
            "alle sider i Overblik, på dansk og engelsk."
        )
    )
    st.markdown(f"{h}# " + t("Overholdelsesstatus"))
    st.write(
        t(
            "Overblik er delvist i overensstemmelse med WCAG 2.1 niveau AA på grund af de forhold, der er "
            "nævnt herunder."
        )
    )
    st.markdown(f"{h}# " + t("Indhold, der ikke er tilgængeligt"))
    for gap in (
        t(
            "Graferne er billeder for en skærmlæser. Under hver graf står, hvad den viser, med det største og "
            "mindste tal og udviklingen, og knappen 'Vis som tabel' viser grafens tal som en tabel."
        ),
        t("Netværksgrafen kan ikke gennemgås med tastaturet; dens indhold står i tabellen under den."),
        t(
            "Nogle få tekster skriver Streamlit og plotly selv, som Overblik bygger på, og de er på engelsk: "
            "knappen 'Upload' i feltet til filer, skærmlæserens navn på hjælpeknapperne ('Help for …'), "
            "tabellernes værktøjer (søg, fuld skærm, vis og skjul kolonner) og grafernes værktøjslinje (zoom, "
            "gem som billede)."
        ),
    ):
        st.markdown("- " + safe.md(gap))
    st.markdown(f"{h}# " + t("Udarbejdelse af denne tilgængelighedserklæring"))
    st.write(
        t(
            "Erklæringen blev udarbejdet {day} på grundlag af en selvevaluering: hver side testes automatisk "
            "med axe-core for WCAG 2.1 A og AA på dansk og engelsk, på computer- og telefonbredde, som udvalgsmedlem "
            "og som administrator (der ser alle sider), og en test gennemgår de vigtigste opgaver med tastaturet "
            "alene. Erklæringen gennemgås, "
            "når Overblik ændres."
        ).format(day=PREPARED)
    )
    st.markdown(f"{h}# " + t("Feedback og kontaktoplysninger"))
    st.write(
        t(
            "Møder du indhold, du ikke kan bruge, så skriv til {contact}. Beskriv siden og hvad der ikke virker; "
            "du får svar inden for 10 arbejdsdage, og indholdet gøres tilgængeligt eller gives dig på anden vis."
        ).format(contact=contact())
    )
    st.markdown(f"{h}# " + t("Håndhævelsesprocedure"))
    st.write(
        t(
            "Digitaliseringsstyrelsen fører tilsyn med tilgængeligheden. Er du ikke tilfreds med svaret, kan du "
            "klage til Digitaliseringsstyrelsen på digst.dk."
        )
    )
