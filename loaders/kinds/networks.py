"""Networks, committees and project groups: who leads them, how often they should meet, when they ended."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from loaders.kinds.spec import NOTE, REGION, F, Kind

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
    "Netværk",
    "Networks",
    (
        F("network", "text", "Netværk|Network|Netværksnavn|Network name|Udvalg", "Netværk", "Network", True),
        REGION,
        F("theme", "text", "Tema|Emne|Theme|Topic", "Tema", "Theme"),
        F("kind", "text", "Type|Art|Kind", "Type", "Kind"),
        F("leader", "text", "Netværksleder|Leder|Formand|Leader|Chair", "Netværksleder", "Leader"),
        F(
            "facilitator",
            "text",
            "Facilitator|Faciliteret af|Sekretariat|Secretariat",
            "Facilitator",
            "Facilitator",
        ),
        F("started", "date", "Startet|Etableret|Start|Startdato|Started", "Startet", "Started"),
        F("ended", "date", "Afsluttet|Slut|Slutdato|Ended|Ophørt", "Afsluttet", "Ended"),
        F(
            "cadence_months",
            "number",
            "Mødekadence|Mødekadence mdr|Kadence|Cadence|Cadence months|Mødefrekvens",
            "Mødekadence (mdr.)",
            "Cadence (months)",
        ),
        NOTE,
    ),
    ("network",),
    derive,
    identify=("network", "leader", "facilitator", "cadence_months"),
    scope_fields=("region",),
)
