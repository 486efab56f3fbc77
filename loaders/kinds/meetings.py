"""Meetings and events of a network: when, where, what about, in which format, how many came."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders import parse as P
from loaders.kinds.spec import NETWORK, NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values


def derive(v: Values) -> dict[str, Any]:
    """The format comes from its column, else from the host text ("Skype og hos CIMT" is hybrid)."""
    return {
        "network": v.col("network"),
        "meeting_date": v.col("meeting_date"),
        "kind": v.col("kind").map(lambda k: k or "network_meeting"),
        "number": v.col("number"),
        "region": v.col("region"),
        "host": v.col("host"),
        "theme": v.col("theme"),
        "format": v.combine(("format", "host"), P.parse_format, allowed="fysisk, online, hybrid"),
        "duration_hours": v.col("duration_hours"),
        "attendees": v.col("attendees"),
        "note": v.col("note"),
    }


MEETINGS = Kind(
    "meetings",
    "meetings",
    NC_("kind", "Møder"),
    (
        NETWORK,
        F("number", "int", "Møde nr|Mødenr|Møde|Nr|Number|Meeting no|No", N_("Møde nr.")),
        F("meeting_date", "date", "Dato|Mødedato|Date|Meeting date|Tidspunkt", N_("Dato"), True),
        F("host", "text", "Sted|Vært|Mødested|Host|Place|Venue|Location", N_("Sted")),
        F("theme", "text", "Tema|Emne|Theme|Topic|Overskrift|Titel|Title", N_("Tema")),
        F("kind", "kind", "Type|Mødetype|Art|Kind|Event type|Arrangement", N_("Type")),
        F("format", "format", "Format|Mødeform|Form", N_("Format")),
        F(
            "duration_hours",
            "number",
            "Varighed|Varighed timer|Timer|Duration|Duration hours|Hours",
            N_("Varighed (timer)"),
        ),
        F(
            "attendees",
            "int",
            "Deltagere|Antal deltagere|Fremmøde|Attendees|Attendance|Participants",
            N_("Antal deltagere"),
        ),
        REGION,
        NOTE,
    ),
    ("network", "meeting_date", "kind"),
    derive,
    identify=("meeting_date",),
    scope_fields=("network",),
    depends={"format": ("format", "host")},
)
