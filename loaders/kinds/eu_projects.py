"""EU projects the region takes part in: budgets, the region's share, period, lead partner."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from loaders.kinds.money import amounts
from loaders.kinds.spec import CURRENCY, FX_RATE, NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Values

AMOUNTS = ("total_budget", "eu_contribution", "region_share")


def derive(v: Values) -> dict[str, Any]:
    """Period from its column or start/end; amounts in kroner; the key is the acronym, else title,
    start and lead partner (numbered in a whole-list upload, where a source repeats them)."""
    periods, starts, ends = v.list("period"), v.list("start"), v.list("end")
    raw_end, raw_period = v.raw("end"), v.raw("period")
    acronym, title, lead = v.list("acronym"), v.list("title"), v.list("lead_partner")
    cofin, notes = v.list("cofinancing_rate"), v.list("note")
    out: dict[str, Any] = amounts(v, AMOUNTS)
    keys, start_years, end_years, note_out = [], [], [], []
    seen: Counter[str] = Counter()
    for i in range(v.n):
        start, end = periods[i] if periods[i] else (None, None)
        start = starts[i] if starts[i] is not None else start
        end = ends[i] if ends[i] is not None else end
        if start is not None and end is not None and end < start:
            v.err(i, "period.reversed", "end" if v.header("end") else "period", raw_end[i] or raw_period[i])
        if not acronym[i] and not title[i]:
            v.err(i, "value.required", "title")
        key = acronym[i] or f"{title[i]}|{start or ''}|{lead[i] or ''}"
        if not acronym[i] and v.replace:
            # A register without identifiers (one project split over two priority axes): in a
            # whole-list upload the repeats are rows of their own, numbered in sheet order.
            seen[key] += 1
            if seen[key] > 1:
                key = f"{key}#{seen[key]}"
        keys.append(key)
        start_years.append(start)
        end_years.append(end)
        note = notes[i]
        if cofin[i] is not None:
            rate_note = f"Medfinansieringssats: {cofin[i]} %"
            note = f"{note}; {rate_note}" if note else rate_note
        note_out.append(note)
    out.update(
        project_key=keys,
        region=v.col("region"),
        acronym=acronym,
        title=title,
        programme=v.col("programme"),
        action_type=v.col("action_type"),
        start_year=start_years,
        end_year=end_years,
        lead_partner=lead,
        lead_country=v.col("lead_country"),
        partners=v.col("partners"),
        local_units=v.col("local_units"),
        note=note_out,
    )
    return out


EU_PROJECTS = Kind(
    "eu_projects",
    "eu_projects",
    NC_("kind", "EU-projekter"),
    (
        F("acronym", "text", "Akronym|Acronym|projectAcronym|Projektakronym", N_("Akronym")),
        F(
            "title",
            "text",
            "Projekt|Projektitel|Projekttitel|Projektnavn|Project|Project title|Title|Titel|Operation name|"
            "Bezeichnung des Vorhabens",
            N_("Projekt"),
        ),
        F(
            "programme",
            "text",
            "Program|Programme|Program name|Fond|Fund|frameworkProgramme|Finansieringsprogram|Funding programme",
            N_("Program"),
        ),
        F(
            "action_type",
            "text",
            "Type|Aktionstype|Action type|Projekttype|fundingScheme|Funding scheme",
            N_("Aktionstype"),
        ),
        REGION,
        F(
            "total_budget",
            "amount",
            "Samlet budget|Budget|Total budget|totalCost|Total cost|Totalbudget|Samlet EU-budget|"
            "Total eligible expenditure|Gesamtbetrag der förderfähigen Ausgaben",
            N_("Samlet budget"),
        ),
        F(
            "eu_contribution",
            "amount",
            "EU-tilskud|EU-medfinansiering|EU contribution|ecMaxContribution|EU-bidrag|Max EU contribution",
            N_("EU-tilskud"),
        ),
        F(
            "region_share",
            "amount",
            "Regionens andel|Region share|Regional share|Andel|Regionens budget|Bevilget til regionen",
            N_("Regionens andel"),
        ),
        CURRENCY,
        FX_RATE,
        F(
            "period",
            "period",
            "Periode|Period|Projektperiode|Løbetid|Duration",
            N_("Periode"),
            column=None,
        ),
        F(
            "start",
            "yearish",
            "Start|Startdato|startDate|Start date|Startår|Start year|Operation start date|Datum des Beginns des Vorhabens",
            N_("Startår"),
            column="start_year",
        ),
        F(
            "end",
            "yearish",
            "Slut|Slutdato|endDate|End date|Slutår|End year|Operation end date|Datum des Endes des Vorhabens",
            N_("Slutår"),
            column="end_year",
        ),
        F(
            "lead_partner",
            "text",
            "Lead partner|Leadpartner|Koordinator|Coordinator|Projektleder|Lead|Beneficiary name|Name des Begünstigten",
            N_("Lead partner"),
        ),
        F(
            "lead_country",
            "text",
            "Land|Lead country|Country|Koordinatorland|Leadpartnerland",
            N_("Leadpartnerland"),
        ),
        F(
            "partners",
            "int",
            "Antal partnere|Partners|Partnere|Number of partners|Antal partnerer",
            N_("Antal partnere"),
        ),
        F(
            "local_units",
            "text",
            "Deltagende enheder|Lokale enheder|Deltagere fra regionen|Participating units|Local units",
            N_("Deltagende enheder"),
        ),
        F(
            "cofinancing_rate",
            "number",
            "Medfinansieringssats|Co-financing rate|Union co-financing rate|Unions-Kofinanzierungssatz",
            N_("Medfinansieringssats"),
            column=None,
        ),
        NOTE,
    ),
    ("project_key", "region"),
    derive,
    identify=("acronym", "title", "region_share", "eu_contribution"),
    required_somewhere=("acronym|title", "region"),
    synthetic_key=True,
    scope_fields=("region",),
    depends={
        "total_budget_dkk": ("total_budget",),
        "eu_contribution_dkk": ("eu_contribution",),
        "region_share_dkk": ("region_share",),
        "currency": ("currency", "total_budget", "eu_contribution", "region_share"),
        "fx_rate": ("fx_rate", "currency", "total_budget", "eu_contribution", "region_share"),
        "start_year": ("start", "period"),
        "end_year": ("end", "period"),
        "note": ("note", "cofinancing_rate"),
    },
)
