"""Networks, committees and project groups: who leads them, how often they should meet, when they ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.spec import NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values


def _kind(text: str | None) -> str | None:
    t = (text or "").casefold()
    if "udvalg" in t or "committee" in t:
        return "committee"
    if "projekt" in t or "project" in t:
        return "project"
    return "network" if text else None


def derive(v: Values) -> dict[str, Any]:
    """The type is a committee, a project group or (anything else) a network."""
    out = {c: v.col(c) for c in ("network", "region", "theme", "leader", "facilitator", "started", "ended")}
    out["kind"] = v.col("kind").map(_kind)
    out["cadence_months"] = v.col("cadence_months")
    out["note"] = v.col("note")
    return out


NETWORKS = Kind(
    "networks",
    "networks",
    NC_("kind", "Netværk"),
    (
        F("network", "text", "Netværk|Network|Netværksnavn|Network name|Udvalg", N_("Netværk"), True),
        REGION,
        F("theme", "text", "Tema|Emne|Theme|Topic", N_("Tema")),
        F("kind", "text", "Type|Art|Kind", N_("Type")),
        F("leader", "text", "Netværksleder|Leder|Formand|Leader|Chair", N_("Netværksleder")),
        F(
            "facilitator",
            "text",
            "Facilitator|Faciliteret af|Sekretariat|Secretariat",
            N_("Facilitator"),
        ),
        F("started", "date", "Startet|Etableret|Start|Startdato|Started", N_("Startet")),
        F("ended", "date", "Afsluttet|Slut|Slutdato|Ended|Ophørt", N_("Afsluttet")),
        F(
            "cadence_months",
            "number",
            "Mødekadence|Mødekadence mdr|Kadence|Cadence|Cadence months|Mødefrekvens",
            N_("Mødekadence (mdr.)"),
        ),
        NOTE,
    ),
    ("network",),
    derive,
    identify=("network", "leader", "facilitator", "cadence_months"),
    scope_fields=("region",),
)
