"""Danish first, English available: t('dansk tekst') is the text in the page's language, through the
project's one translation catalog (translations/).

The language lives in the URL as the switch shows it (`?lang=English`); absent means Danish.
"""

from __future__ import annotations

import streamlit as st

from translations import gettext, ngettext, pgettext


def lang() -> str:
    """'da' or 'en': the language switch once drawn, before that the URL."""
    chosen = st.session_state.get("lang") or st.query_params.get("lang")
    return "en" if chosen == "English" else "da"


def t(text: str, in_lang: str | None = None) -> str:
    """The text in the UI language, or in in_lang (the Danish text is the message id)."""
    return gettext(text, in_lang or lang())


def nt(singular: str, plural: str, n: int, in_lang: str | None = None) -> str:
    """The singular or plural form for n, in the UI language (placeholders still to fill)."""
    return ngettext(singular, plural, n, in_lang or lang())


def ct(context: str, text: str, in_lang: str | None = None) -> str:
    """A text whose English depends on where it is used ('Netværk' the kind: 'Networks')."""
    return pgettext(context, text, in_lang or lang())
