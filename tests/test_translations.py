"""The one translation catalog: every text the code marks has an English translation, with the
same placeholders, and the catalog on disk is the one the code asks for.

What it proves: a text added to a page, a chart, a loader message, the command line or a
template without English fails here (run `make messages`, then translate it in
translations/en/LC_MESSAGES/messages.po); a translation that drops or renames a {placeholder}
fails too, since .format() would then show the wrong value or none.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po

import translations
from translations import KEYWORDS, catalog_file

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _extracted() -> dict[tuple[str | None, str | tuple[str, ...]], str]:
    """(context, msgid) -> file, for every text the code marks, as `make messages` extracts them."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = dict(DEFAULT_KEYWORDS)
    keywords.update(parse_keywords(list(KEYWORDS)))
    found = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found[(context, message)] = filename
    return found


@pytest.fixture(scope="module")
def extracted() -> dict:
    found = _extracted()
    assert len(found) > 400  # pages, charts, loader messages, the command line, templates
    return found


@pytest.fixture(scope="module")
def english() -> dict:
    with catalog_file("en").open("rb") as fh:
        cat = read_po(fh, locale="en")
    return {(m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m for m in cat if m.id}


def test_every_marked_text_has_an_english_translation(extracted, english) -> None:
    missing = []
    for (context, msgid), where in sorted(extracted.items(), key=str):
        key = (context, msgid if isinstance(msgid, str) else tuple(msgid))
        m = english.get(key)
        strings = (m.string,) if m is not None and isinstance(m.string, str) else tuple(m.string if m else ())
        if m is None or m.fuzzy or not strings or not all(strings):
            missing.append(f"{where}: {msgid!r}")
    assert missing == [], "run `make messages` and translate:\n" + "\n".join(missing)


def test_translations_keep_the_placeholders(english) -> None:
    wrong = []
    for (_context, msgid), m in english.items():
        ids = [msgid] if isinstance(msgid, str) else list(msgid)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        wanted = {p for i in ids for p in PLACEHOLDER.findall(i)}
        for s in strings:
            if s and set(PLACEHOLDER.findall(s)) != wanted:
                wrong.append(f"{msgid!r} -> {s!r}")
    assert wrong == []


def test_the_catalog_holds_only_what_the_code_asks_for(extracted, english) -> None:
    """No English entry is left behind for a text the code no longer has (it would hide a typo)."""
    stale = sorted(
        str(k) for k in english if k not in {(c, m if isinstance(m, str) else tuple(m)) for c, m in extracted}
    )
    assert stale == []


def test_lookups_in_both_languages() -> None:
    translations.reload()
    assert translations.gettext("Gem", "en") == "Save"
    assert translations.gettext("Gem", "da") == "Gem"
    assert translations.pgettext("kind", "Netværk", "en") == "Networks"  # the kind
    assert translations.gettext("Netværk", "en") == "Network"  # the column
    assert translations.ngettext("{n} række fjernes", "{n} rækker fjernes", 1, "en") == "{n} row removed"
    assert translations.ngettext("{n} række fjernes", "{n} rækker fjernes", 3, "en") == "{n} rows removed"
    assert translations.ngettext("{n} række fjernes", "{n} rækker fjernes", 3, "da") == "{n} rækker fjernes"
    assert translations.gettext("Ikke i kataloget", "en") == "Ikke i kataloget"  # shown as written


def test_the_app_reads_the_po_when_the_compiled_catalog_is_missing_or_old(tmp_path, monkeypatch) -> None:
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(catalog_file("en").read_bytes())
    monkeypatch.setattr(translations, "HERE", tmp_path)
    translations.reload()
    try:
        assert not catalog_file("en", ".mo").exists()
        assert translations.gettext("Gem", "en") == "Save"
    finally:
        monkeypatch.undo()
        translations.reload()
