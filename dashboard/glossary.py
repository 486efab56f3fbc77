"""One meaning per word: each term the pages use, defined once. Help texts quote the definition and
point to the glossary page (Begreber), which lists them all."""

from __future__ import annotations

import streamlit as st

from dashboard import safe
from dashboard.i18n import t
from translations import N_

# term -> (the word on the pages, its definition)
TERMS: dict[str, tuple[str, str]] = {
    "granted": (
        N_("Bevilget i alt"),
        N_(
            "Alle bevillinger med status bevilget eller udbetalt: det, der er givet tilsagn om, også det, der "
            "allerede er udbetalt. 'Heraf udbetalt' er den del, der er betalt ud."
        ),
    ),
    "paid": (N_("Heraf udbetalt"), N_("Den del af det bevilgede, der er betalt ud.")),
    "capacity": (
        N_("Kapacitet"),
        N_(
            "Hvad en pulje kan give et år: årets tilførsel, for en trappemodel alt, der er tilført til og med "
            "året."
        ),
    ),
    "remaining": (N_("Resterende"), N_("Kapacitet minus bevilget i alt (søgte og afslåede tæller ikke).")),
    "region_share": (
        N_("Regionens EU-andel"),
        N_(
            "Den del af et EU-projekts budget, der går til regionen: de EU-midler, regionen henter hjem. "
            "Ukendt er ukendt, aldrig 0."
        ),
    ),
    "total_budget": (
        N_("Samlet budget"),
        N_("Hele EU-projektets budget for alle partnere; projekter uden oplyst budget tæller ikke med."),
    ),
    "active_networks": (
        N_("Aktive netværk"),
        N_(
            "Netværk uden slutdato, som har holdt mindst ét møde eller arrangement inden for det seneste år: "
            "regnet fra i dag, eller fra periodens sidste dag, når filtrene slutter før i dag. De øvrige er "
            "inaktive? eller ophørt."
        ),
    ),
    "inactive": (
        N_("Inaktivt?"),
        N_(
            "Et netværk uden møde i over et år og uden slutdato. Er det ophørt, så sæt slutdatoen i netværksarket "
            "eller på siden Data."
        ),
    ),
    "ended": (N_("Ophørt"), N_("Et netværk, hvis slutdato er nået.")),
    "participants": (N_("Deltagere"), N_("Forskellige personer i netværkene (en person i to netværk tæller én gang).")),
    "memberships": (N_("Medlemskaber"), N_("En person i et netværk; en person i to netværk er to medlemskaber.")),
    "organisations": (N_("Organisationer"), N_("Organisationer efter aliaslisten: navne skrevet forskelligt tæller én gang.")),
    "cadence": (N_("Mødekadence"), N_("Hvor ofte et netværk skal mødes; standard hver anden måned.")),
}  # fmt: skip

PAGE = "app_pages/glossary.py"

# How the pages name each sidebar filter when they say a figure does not follow it.
FILTER_WORDS = {
    "region": N_("Region"), "network": N_("Netværk"), "year": N_("År"), "programme": N_("Program"),
    "pool": N_("Pulje"), "organisation": N_("Organisation"),
}  # fmt: skip


def word(term: str, lang: str | None = None) -> str:
    """The one word the pages, charts and annex use for a term, in the page's language (or lang)."""
    return t(TERMS[term][0], lang)


def not_followed(names: tuple[str, ...], lang: str | None = None) -> str:
    """'Følger ikke filteret Organisation.': said under a figure the chosen filters do not narrow."""
    if not names:
        return ""
    words = ", ".join(t(FILTER_WORDS[n], lang) for n in names)
    one = len(names) == 1
    return (
        t("Følger ikke filteret {names}.", lang) if one else t("Følger ikke filtrene {names}.", lang)
    ).format(names=words)


def help_text(term: str) -> str:
    """A help tooltip: the definition, and where all the terms are."""
    _word, definition = TERMS[term]
    more = t("Alle begreber")
    return f"{t(definition)} [{more}](/begreber)"


def draw() -> None:
    st.title(t("Begreber"))
    st.caption(t("Hvad ordene på siderne betyder. Hvert ord betyder det samme på alle sider."))
    for word, definition in TERMS.values():
        st.markdown(f"**{safe.md(t(word))}**  \n{safe.md(t(definition))}")
