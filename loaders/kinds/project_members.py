"""Project members ("Projektdeltagere"): who works on which project, in which role, from which
organisation. What the committees ask in so many words: who works on which AI project."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.spec import NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values


def derive(v: Values) -> dict[str, Any]:
    """Every field is stored as read."""
    return {c: v.col(c) for c in ("project", "person", "role", "organisation", "network", "region", "note")}


PROJECT_MEMBERS = Kind(
    "project_members",
    "project_members",
    NC_("kind", "Projektdeltagere"),
    (
        F(
            "project",
            "text",
            "Projekt|Project|Projektnavn|Project name|Projekttitel|Akronym|Acronym",
            N_("Projekt"),
            True,
        ),
        F(
            "person",
            "text",
            "Navn|Name|Person|Deltager|Projektdeltager|Medarbejder|Participant|Project member",
            N_("Navn"),
            True,
        ),
        F("role", "text", "Rolle|Role|Rolle i projektet|Funktion|Project role", N_("Rolle i projektet")),
        F(
            "organisation",
            "text",
            "Organisation|Arbejdssted|Organization|Institution|Affiliation|Virksomhed",
            N_("Organisation"),
        ),
        F("network", "text", "Netværk|Network", N_("Netværk")),
        REGION,
        NOTE,
    ),
    ("project", "person"),
    derive,
    # A member list names people too; only a sheet with a project column and a role column is this.
    identify=("role",),
    required_somewhere=(),
    scope_fields=("project",),
)
