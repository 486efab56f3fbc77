"""Organisations taking part in an EU project (a CORDIS organisation export, a partner list)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.money import amounts
from loaders.kinds.spec import CURRENCY, FX_RATE, NOTE, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values

AMOUNTS = ("eu_contribution", "total_cost")


def derive(v: Values) -> dict[str, Any]:
    """The project is its id when the source has one (acronyms repeat across CORDIS), else its acronym."""
    acronym, pid = v.list("acronym"), v.list("project_id")
    keys = []
    for i in range(v.n):
        if not acronym[i] and not pid[i]:
            v.err(i, "value.required", "acronym")
        keys.append(pid[i] or acronym[i])
    out: dict[str, Any] = amounts(v, AMOUNTS)
    out.update(
        project_key=keys,
        organisation=v.col("organisation"),
        acronym=acronym,
        project_id=pid,
        country=v.col("country"),
        role=v.col("role"),
        activity_type=v.col("activity_type"),
        note=v.col("note"),
    )
    return out


EU_PARTNERS = Kind(
    "eu_partners",
    "eu_partners",
    NC_("kind", "EU-projektpartnere"),
    (
        F("acronym", "text", "Akronym|Acronym|projectAcronym|Projektakronym", N_("Akronym")),
        F(
            "project_id",
            "text",
            "Projekt-ID|Projektnummer|projectID|Project ID|Grant agreement|Aftalenummer",
            N_("Projekt-ID"),
        ),
        F(
            "organisation",
            "text",
            "Partner|Organisation|Organisationsnavn|Deltager|name|Organisation name|Legal name|Beneficiary|Participant",
            N_("Partner"),
            True,
        ),
        F("country", "text", "Land|Country", N_("Land")),
        F("role", "text", "Rolle|Role|Partnerrolle", N_("Rolle")),
        F(
            "activity_type",
            "text",
            "Type|activityType|Activity type|Organisationstype",
            N_("Organisationstype"),
        ),
        F(
            "eu_contribution",
            "amount",
            "EU-tilskud|ecContribution|EU contribution|EU-bidrag|Max EU contribution",
            N_("EU-tilskud"),
        ),
        F(
            "total_cost",
            "amount",
            "Samlede omkostninger|totalCost|Total cost|Budget|Total estimated eligible costs",
            N_("Samlede omkostninger"),
        ),
        CURRENCY,
        FX_RATE,
        NOTE,
    ),
    ("project_key", "organisation"),
    derive,
    identify=("organisation",),
    required_somewhere=("acronym|project_id",),
    scope_fields=("project_key",),
    depends={
        "eu_contribution_dkk": ("eu_contribution",),
        "total_cost_dkk": ("total_cost",),
        "currency": ("currency", "eu_contribution", "total_cost"),
        "fx_rate": ("fx_rate", "currency", "eu_contribution", "total_cost"),
        "acronym": ("acronym",),
        "project_id": ("project_id",),
    },
)
