"""Allocations from the pools: who got how much for which project, decided when, with what status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.pools import derive_year
from loaders.kinds.spec import NOTE, REGION, F, Kind
from translations import N_, NC_

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
    NC_("kind", "Bevillinger"),
    (
        F("pool", "text", "Pulje|Pool|Puljenavn|Pool name", N_("Pulje"), True),
        F("year", "year", "År|Year|Puljeår|Budgetår", N_("År"), True),
        F(
            "project",
            "text",
            "Projekt|Project|Projekttitel|Projektnavn|Formål|Purpose|Titel|Title",
            N_("Projekt"),
            True,
        ),
        F(
            "recipient",
            "text",
            "Modtager|Recipient|Ansøger|Applicant|Bevillingsmodtager|Grantee",
            N_("Modtager"),
            True,
        ),
        F(
            "amount",
            "amount",
            "Beløb|Amount|Bevilget beløb|Ansøgt beløb|Tilskud|Grant",
            N_("Beløb"),
            column="amount_dkk",
        ),
        F("status", "status", "Status|Afgørelse|Decision", N_("Status")),
        F(
            "decided_on",
            "date",
            "Beslutningsdato|Decision date|Afgørelsesdato|Bevillingsdato|Dato|Date",
            N_("Beslutningsdato"),
        ),
        F(
            "reference",
            "text",
            "Sagsnr|Sagsnummer|Journalnr|Reference|Decision reference|Ref",
            N_("Sagsnr."),
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
