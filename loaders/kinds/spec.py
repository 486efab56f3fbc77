"""What a sheet kind is: its fields (header synonyms, type, label), its table and key, its rules.

Adding a column is one line: a Field with its Danish header name (its English one is in the
translation catalog, translations/). Synonyms are
compared after loaders.parse.normalise_header, so case, spacing, punctuation and line breaks
do not matter, and a bilingual header ("Budget / Budget") matches on either half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from translations import N_, gettext, pgettext

if TYPE_CHECKING:
    from loaders.validate import Values

STORED = "="  # Field.column default: stored in the table column of the field's own name


@dataclass(frozen=True)
class Field:
    """A field of a sheet kind: our name, its type, and the header texts that mean it."""

    name: str
    type: str  # text amount number int year date yearish period bool external format kind status model
    synonyms: tuple[str, ...]
    label: str  # the header in Danish (templates, exports); label_in() gives it in a language
    required: bool = False
    # The table column holding the field's value as the sheet gave it (an export writes it back
    # under its label); None for a field that only feeds others (a period gives start and end).
    column: str | None = STORED

    def label_in(self, lang: str) -> str:
        """The header in lang (a template or export in English has English headers)."""
        return gettext(self.label, lang)

    @property
    def stored_in(self) -> str | None:
        """The table column, or None."""
        return self.name if self.column == STORED else self.column


@dataclass(frozen=True)
class Kind:
    """A sheet kind: which table it fills, how its rows are keyed, and its own rules."""

    name: str
    table: str
    label: str  # the kind in Danish, as a template's sheet is named; label_in() in a language
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # table columns of the natural key
    # The per-kind rules: parsed fields -> table columns (lists, Arrow arrays or parsed columns).
    derive: Callable[[Values], dict[str, Any]]
    identify: tuple[str, ...] = ()  # a sheet is this kind only if its header names one of these
    # Fields the kind needs although no single one is required ("a|b": either will do).
    required_somewhere: tuple[str, ...] = ()
    # Required fields the rules can work out when the sheet has no column for them.
    derivable: tuple[str, ...] = ()
    # The key is made up from other fields (no identifier in the source): a whole-list upload
    # numbers repeats instead of rejecting them.
    synthetic_key: bool = False
    # The scope columns a whole-list upload may take from --set or the rows.
    scope_fields: tuple[str, ...] = field(default=())
    # Table columns the rules work out from other fields: given by a sheet that has any of them.
    # (A column a sheet does not give keeps the value stored; it is never blanked.)
    depends: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label_in(self, lang: str) -> str:
        """The kind's name in lang ('Netværk' is 'Networks' as a kind, 'Network' as a column)."""
        return pgettext("kind", self.label, lang)

    def provided(self, given: set[str]) -> list[str]:
        """The table columns a sheet with the fields `given` sets (the key always)."""
        from store.tables import TABLES

        out = []
        for col, _ in TABLES[self.table].columns:
            sources = self.depends.get(col) or tuple(f.name for f in self.fields if f.stored_in == col)
            if col in self.key or any(f in given for f in sources):
                out.append(col)
        return out

    def field(self, name: str) -> Field:
        """The field called name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def required(self) -> list[Field]:
        """The fields every row must have."""
        return [f for f in self.fields if f.required]


def F(
    name: str,
    type_: str,
    synonyms: str,
    label: str,
    required: bool = False,
    column: str | None = STORED,
) -> Field:
    """Shorthand: synonyms as one '|'-separated string, Danish first; label marked N_() for the catalog."""
    return Field(name, type_, tuple(s.strip() for s in synonyms.split("|")), label, required, column)


NOTE = F("note", "text", "Bemærkning|Bemærkninger|Note|Noter|Kommentar|Comment|Remarks", N_("Bemærkning"))
REGION = F("region", "text", "Region|Regioner", N_("Region"))
NETWORK = F("network", "text", "Netværk|Network|Udvalg|Netværksnavn|Network name", N_("Netværk"), True)
CURRENCY = F("currency", "text", "Valuta|Currency", N_("Valuta"))
FX_RATE = F(
    "fx_rate",
    "number",
    "Kurs|Valutakurs|Exchange rate|Kurs DKK|Rate",
    N_("Kurs (kr. pr. enhed)"),
)
