"""Allocations from the pools: who got how much for which project, decided when, with what status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.pools import derive_year
from loaders.kinds.spec import NOTE, REGION, F, Kind

if TYPE_CHECKING:
    from loaders.validate import Values


def derive(v: Values) -> dict[str, Any]:
    """Stored as read; a sheet without a year column takes each row's year from its decision date
    or the pool's name, and says so."""
    return {
        "pool": v.col("pool"),
        "year": derive_year(v, "decided_on"),
        "project": v.col("project"),
        "recipient": v.col("recipient"),
        "region": v.col("region"),
        "amount_dkk": v.col("amount"),
        "status": v.col("status"),
        "decided_on": v.col("decided_on"),
        "reference": v.col("reference"),
        "note": v.col("note"),
    }


ALLOCATIONS = Kind(
    "allocations",
    "allocations",
    "Bevillinger",
    "Allocations",
    (
        F("pool", "text", "Pulje|Pool|Puljenavn|Pool name", "Pulje", "Pool", True),
        F("year", "year", "År|Year|Puljeår|Budgetår", "År", "Year", True),
        F(
            "project",
            "text",
            "Projekt|Project|Projekttitel|Projektnavn|Formål|Purpose|Titel|Title",
            "Projekt",
            "Project",
            True,
        ),
        F(
            "recipient",
            "text",
            "Modtager|Recipient|Ansøger|Applicant|Bevillingsmodtager|Grantee",
            "Modtager",
            "Recipient",
            True,
        ),
        F(
            "amount",
            "amount",
            "Beløb|Amount|Bevilget beløb|Ansøgt beløb|Tilskud|Grant",
            "Beløb",
            "Amount",
            column="amount_dkk",
        ),
        F("status", "status", "Status|Afgørelse|Decision", "Status", "Status"),
        F(
            "decided_on",
            "date",
            "Beslutningsdato|Decision date|Afgørelsesdato|Bevillingsdato|Dato|Date",
            "Beslutningsdato",
            "Decision date",
        ),
        F(
            "reference",
            "text",
            "Sagsnr|Sagsnummer|Journalnr|Reference|Decision reference|Ref",
            "Sagsnr.",
            "Reference",
        ),
        REGION,
        NOTE,
    ),
    ("pool", "year", "project", "recipient"),
    derive,
    identify=("pool", "recipient"),
    derivable=("year",),
    scope_fields=("pool", "year"),
)
