"""What a sheet kind is: its fields (header synonyms, type, label), its table and key, its rules.

Adding a column is one line: a Field with its Danish and English header names. Synonyms are
compared after loaders.parse.normalise_header, so case, spacing, punctuation and line breaks
do not matter, and a bilingual header ("Budget / Budget") matches on either half.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loaders.validate import Values

STORED = "="  # Field.column default: stored in the table column of the field's own name


@dataclass(frozen=True)
class Field:
    """A field of a sheet kind: our name, its type, and the header texts that mean it."""

    name: str
    type: str  # text amount number int year date yearish period bool external format kind status model
    synonyms: tuple[str, ...]
    label_da: str
    label_en: str
    required: bool = False
    # The table column holding the field's value as the sheet gave it (an export writes it back
    # under label_da); None for a field that only feeds others (a period gives start and end).
    column: str | None = STORED

    @property
    def stored_in(self) -> str | None:
        """The table column, or None."""
        return self.name if self.column == STORED else self.column


@dataclass(frozen=True)
class Kind:
    """A sheet kind: which table it fills, how its rows are keyed, and its own rules."""

    name: str
    table: str
    label_da: str
    label_en: str
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
    da: str,
    en: str,
    required: bool = False,
    column: str | None = STORED,
) -> Field:
    """Shorthand: synonyms as one '|'-separated string, Danish first."""
    return Field(name, type_, tuple(s.strip() for s in synonyms.split("|")), da, en, required, column)


NOTE = F("note", "text", "Bemærkning|Bemærkninger|Note|Noter|Kommentar|Comment|Remarks", "Bemærkning", "Note")
REGION = F("region", "text", "Region|Regioner", "Region", "Region")
NETWORK = F("network", "text", "Netværk|Network|Udvalg|Netværksnavn|Network name", "Netværk", "Network", True)
CURRENCY = F("currency", "text", "Valuta|Currency", "Valuta", "Currency")
FX_RATE = F(
    "fx_rate",
    "number",
    "Kurs|Valutakurs|Exchange rate|Kurs DKK|Rate",
    "Kurs (kr. pr. enhed)",
    "Rate (DKK per unit)",
)
