"""Participants: the members of a network, as the member list names them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.spec import NETWORK, NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values


def derive(v: Values) -> dict[str, Any]:
    """Every field is stored as read."""
    return {
        c: v.col(c)
        for c in (
            "person",
            "network",
            "title",
            "organisation",
            "region",
            "is_external",
            "joined",
            "left_on",
            "note",
        )
    }


PARTICIPANTS = Kind(
    "participants",
    "memberships",
    NC_("kind", "Deltagere"),
    (
        F(
            "person",
            "text",
            "Navn|Name|Deltager|Medlem|Member|Participant|Fulde navn|Full name",
            N_("Navn"),
            True,
        ),
        F(
            "title",
            "text",
            "Titel|Stilling|Stillingsbetegnelse|Title|Position|Job title|Rolle",
            N_("Titel"),
        ),
        F(
            "organisation",
            "text",
            "Organisation|Arbejdssted|Organization|Ansættelsessted|Virksomhed|Institution|Affiliation|Employer",
            N_("Organisation"),
        ),
        NETWORK,
        REGION,
        F(
            "is_external",
            "external",
            "Ekstern|External|Intern/ekstern|Intern ekstern|Internal/external",
            N_("Ekstern"),
        ),
        F("joined", "date", "Indtrådt|Tiltrådt|Medlem siden|Joined|Member since", N_("Indtrådt")),
        F("left_on", "date", "Udtrådt|Fratrådt|Left", N_("Udtrådt")),
        NOTE,
    ),
    ("person", "network"),
    derive,
    identify=("person",),
    scope_fields=("network",),
)
