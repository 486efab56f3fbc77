"""The one translation catalog of Overblik: Danish is the source language, English is translated.

Every text a person reads (pages, charts, loader messages, the command line, templates, the
annex) is written in Danish in the code and marked for extraction:

    gettext("Filen findes ikke.", lang)             # a text, now
    ngettext("{n} række", "{n} rækker", n, lang)     # a text that depends on a count
    pgettext("kind", "Netværk", lang)               # a word whose English depends on its use
    N_("Bevilget")                                  # a text kept in a table, translated when shown
    NC_("kind", "Netværk")                          # the same, with its context

`pybabel` extracts the marked texts into translations/messages.pot and keeps the English
catalog translations/en/LC_MESSAGES/messages.po up to date (`make messages`); `make` compiles it
to messages.mo. A text with no English is shown in Danish, and tests/test_translations.py fails.
Placeholders are `str.format` names ({name}); the caller fills them after translating.
"""

from __future__ import annotations

import functools
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent
DOMAIN = "messages"
LANGS = ("da", "en")  # da is the source language: its texts are the message ids
# The functions that mark a text, as pybabel's -k options (besides its defaults: _, gettext,
# ngettext, pgettext, N_): dashboard.i18n's t, nt and ct, and NC_.
KEYWORDS = ("t", "nt:1,2", "ct:1c,2", "NC_:1c,2")


def catalog_file(lang: str, suffix: str = ".po") -> Path:
    """The catalog file of a language (its .po, or with suffix='.mo' the compiled one)."""
    return HERE / lang / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def _catalog(lang: str) -> dict[str | tuple[str, str], str | tuple[str, ...]]:
    """msgid (or (singular, plural)) -> translation, from the compiled catalog when it is up to
    date, else straight from the .po (a fresh checkout before `make`); fuzzy entries never count."""
    po, mo = catalog_file(lang), catalog_file(lang, ".mo")
    if not po.exists():
        return {}
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as fh:
            cat = read_mo(fh)
    else:
        with po.open("rb") as fh:
            cat = read_po(fh, locale=lang)
    out: dict[str | tuple[str, str], str | tuple[str, ...]] = {}
    for m in cat:
        # The .mo reader gives plural forms as lists and contexts as bytes; the .po reader tuples, str.
        string = tuple(m.string) if isinstance(m.string, list | tuple) else m.string
        if not m.id or m.fuzzy or not string or (isinstance(string, tuple) and not all(string)):
            continue
        key = m.id if isinstance(m.id, str) else tuple(m.id)
        context = m.context.decode() if isinstance(m.context, bytes) else m.context
        if context and isinstance(key, str):  # gettext's convention: context and text joined by EOT
            key = f"{context}\x04{key}"
        out[key] = string  # type: ignore[assignment]
    return out


def gettext(text: str, lang: str = "da") -> str:
    """text (Danish) in lang; the Danish text itself when lang is Danish or has no translation."""
    if lang == "da" or not text:
        return text
    found = _catalog(lang).get(text)
    return found if isinstance(found, str) else text


def ngettext(singular: str, plural: str, n: int, lang: str = "da") -> str:
    """The singular or plural form for n, in lang (Danish and English both have two forms)."""
    if lang != "da":
        found = _catalog(lang).get((singular, plural))
        if isinstance(found, tuple) and len(found) == 2:
            return found[0] if n == 1 else found[1]
    return singular if n == 1 else plural


def pgettext(context: str, text: str, lang: str = "da") -> str:
    """text in lang where its translation depends on the context it is used in."""
    if lang == "da" or not text:
        return text
    found = _catalog(lang).get(f"{context}\x04{text}")
    return found if isinstance(found, str) else gettext(text, lang)


def NC_(context: str, text: str) -> str:  # noqa: N802 - gettext's own name, with a context
    """N_() for a text with a context (translate it with pgettext(context, text, lang))."""
    return text


def N_(text: str) -> str:  # noqa: N802 - gettext's own name for a deferred text
    """Mark a text for the catalog where it is defined (a table of labels); gettext() it when shown."""
    return text


def reload() -> None:
    """Read the catalogs again (after `make messages` in a running process; tests)."""
    _catalog.cache_clear()
