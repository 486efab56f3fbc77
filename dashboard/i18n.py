"""Danish first, English available: t('dansk tekst') returns English when the UI language is English.

The language lives in the URL as the switch shows it (`?lang=English`); absent means Danish.
"""

from __future__ import annotations

import streamlit as st

EN: dict[str, str] = {
    "Overblik": "Overview",
    "Netværksaktivitet": "Network activity",
    "Personer og organisationer": "People and organisations",
    "EU-projekter": "EU projects",
    "Puljer": "Funding pools",
    "Data": "Data",
    "Filtre": "Filters",
    "Alle": "All",
    "Region": "Region",
    "Netværk": "Network",
    "Fra år": "From year",
    "Til år": "To year",
    "Program": "Programme",
    "Pulje": "Pool",
    "Organisation": "Organisation",
    "Sprog": "Language",
    "Nulstil filtre": "Reset filters",
    "Aktive netværk": "Active networks",
    "Deltagere": "Participants",
    "Organisationer": "Organisations",
    "Møder": "Meetings",
    "EU-midler hjemtaget": "EU funding brought home",
    "Puljemidler bevilget": "Pool money granted",
    "Kilde": "Source",
    "Data pr.": "Data as of",
    "Ingen data endnu": "No data yet",
    "Hent CSV": "Download CSV",
    "Hent Excel": "Download Excel",
    "Vis netværksgraf: personer, organisationer og netværk": "Show the network graph: people, organisations and networks",
    "Viser de første": "Showing the first",
    "af": "of",
    "og": "and",
    "flere": "more",
    "rækker. Knapperne henter hele tabellen.": "rows. The buttons download the whole table.",
    "Intet matcher filtrene. Ret filtrene i sidepanelet, eller nulstil dem.": "Nothing matches the filters. Change them in the sidebar, or reset them.",
    "Databasen er tom. Indlæs regneark på siden Data, eller kør `make demo` for demodata.": "The database is empty. Load spreadsheets on the Data page, or run `make demo` for demo data.",
}


def lang() -> str:
    """'da' or 'en': the language switch once drawn, before that the URL."""
    chosen = st.session_state.get("lang") or st.query_params.get("lang")
    return "en" if chosen == "English" else "da"


def t(text: str, in_lang: str | None = None) -> str:
    """The text in the UI language, or in in_lang (Danish is the key)."""
    return EN.get(text, text) if (in_lang or lang()) == "en" else text
