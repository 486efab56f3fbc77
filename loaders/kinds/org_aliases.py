"""Organisations: each name as staff write it, the organisation it means, and its sector."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders import parse as P
from loaders.kinds.spec import F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values

SECTOR_WORDS = {
    "hospital": "hospital",
    "sygehus": "hospital",
    "regionaladministration": "regional_administration",
    "regional administration": "regional_administration",
    "administration": "regional_administration",
    "universitet": "university",
    "university": "university",
    "vidensinstitution": "university",
    "virksomhed": "company",
    "company": "company",
    "erhverv": "company",
    "offentlig myndighed": "public_agency",
    "myndighed": "public_agency",
    "public agency": "public_agency",
    "andet": "other",
    "other": "other",
}
SECTORS = ("hospital", "regional_administration", "university", "company", "public_agency", "other")


def parse_sector(value: str | None) -> str | None:
    """A sector in Danish or English words, or its code."""
    if not value:
        return None
    t = value.strip().casefold().replace("_", " ")
    if t.replace(" ", "_") in SECTORS:
        return t.replace(" ", "_")
    if t in SECTOR_WORDS:
        return SECTOR_WORDS[t]
    raise P.ParseError("enum.invalid", value)


def derive(v: Values) -> dict[str, Any]:
    """The sector describes the canonical organisation (stored there at commit)."""
    return {
        "alias": v.col("alias"),
        "canonical": v.col("canonical"),
        "sector": v.combine(("sector",), parse_sector, allowed=", ".join(SECTOR_WORDS)),
    }


ORG_ALIASES = Kind(
    "org_aliases",
    "org_aliases",
    NC_("kind", "Organisationer"),
    (
        F(
            "alias",
            "text",
            "Navn som skrevet|Skrevet som|Alias|Written as|Variant",
            N_("Skrevet som"),
            True,
        ),
        F(
            "canonical",
            "text",
            "Organisation|Kanonisk navn|Canonical|Canonical name|Samlet navn",
            N_("Organisation"),
            True,
        ),
        F("sector", "text", "Sektor|Sector|Type", N_("Sektor")),
    ),
    ("alias", "canonical"),
    derive,
    identify=("alias",),
    scope_fields=("canonical",),
)
