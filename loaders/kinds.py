"""One declarative spec per sheet kind: fields, the header synonyms staff use, types, natural key.

Adding a column is one line: a Field with its Danish and English header names. Synonyms are
compared after loaders.parse.normalise_header, so case, spacing, punctuation and line breaks
do not matter, and a bilingual header ("Budget / Budget") matches on either half.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    """A field of a sheet kind: our name, its type, and the header texts that mean it."""

    name: str
    type: str  # text amount number int year date period bool external format kind status model
    synonyms: tuple[str, ...]
    label_da: str
    label_en: str
    required: bool = False
    column: str | None = None  # the table column, when it differs from name; None = not stored directly


@dataclass(frozen=True)
class Kind:
    """A sheet kind: which table it fills and how its rows are keyed."""

    name: str
    table: str
    label_da: str
    label_en: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]  # table columns of the natural key
    identify: tuple[str, ...] = ()  # a sheet is this kind only if its header names one of these

    def field(self, name: str) -> Field:
        """The field called name."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def F(name: str, type_: str, synonyms: str, da: str, en: str, required: bool = False) -> Field:
    """Shorthand: synonyms as one '|'-separated string, Danish first."""
    return Field(name, type_, tuple(s.strip() for s in synonyms.split("|")), da, en, required)


NOTE = F("note", "text", "Bemærkning|Bemærkninger|Note|Noter|Kommentar|Comment|Remarks", "Bemærkning", "Note")
REGION = F("region", "text", "Region|Regioner", "Region", "Region")
NETWORK = F("network", "text", "Netværk|Network|Udvalg|Netværksnavn|Network name", "Netværk", "Network", True)

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
        F("ended", "date", "Afsluttet|Slut|Slutdato|Ended", "Afsluttet", "Ended"),
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
    ("network", "leader", "facilitator", "cadence_months"),
)

PARTICIPANTS = Kind(
    "participants",
    "memberships",
    "Deltagere",
    "Participants",
    (
        F(
            "person",
            "text",
            "Navn|Name|Deltager|Medlem|Member|Participant|Fulde navn|Full name",
            "Navn",
            "Name",
            True,
        ),
        F(
            "title",
            "text",
            "Titel|Stilling|Stillingsbetegnelse|Title|Position|Job title|Rolle",
            "Titel",
            "Title",
        ),
        F(
            "organisation",
            "text",
            "Organisation|Arbejdssted|Organization|Ansættelsessted|Virksomhed|Institution|Affiliation|Employer",
            "Organisation",
            "Organisation",
        ),
        NETWORK,
        REGION,
        F(
            "is_external",
            "external",
            "Ekstern|External|Intern/ekstern|Intern ekstern|Internal/external",
            "Ekstern",
            "External",
        ),
        F("joined", "date", "Indtrådt|Tiltrådt|Medlem siden|Joined|Member since", "Indtrådt", "Joined"),
        F("left_on", "date", "Udtrådt|Fratrådt|Left", "Udtrådt", "Left"),
        NOTE,
    ),
    ("person", "network"),
    ("person",),
)

MEETINGS = Kind(
    "meetings",
    "meetings",
    "Møder",
    "Meetings",
    (
        NETWORK,
        F("number", "int", "Møde nr|Mødenr|Møde|Nr|Number|Meeting no|No", "Møde nr.", "Meeting no."),
        F("meeting_date", "date", "Dato|Mødedato|Date|Meeting date|Tidspunkt", "Dato", "Date", True),
        F("host", "text", "Sted|Vært|Mødested|Host|Place|Venue|Location", "Sted", "Host"),
        F("theme", "text", "Tema|Emne|Theme|Topic|Overskrift|Titel|Title", "Tema", "Theme"),
        F("kind", "kind", "Type|Mødetype|Art|Kind|Event type|Arrangement", "Type", "Kind"),
        F("format", "format", "Format|Mødeform|Form", "Format", "Format"),
        F(
            "duration_hours",
            "number",
            "Varighed|Varighed timer|Timer|Duration|Duration hours|Hours",
            "Varighed (timer)",
            "Duration (hours)",
        ),
        F(
            "attendees",
            "int",
            "Deltagere|Antal deltagere|Fremmøde|Attendees|Attendance|Participants",
            "Deltagere",
            "Attendees",
        ),
        REGION,
        NOTE,
    ),
    ("network", "meeting_date", "kind"),
    ("meeting_date",),
)

EU_PROJECTS = Kind(
    "eu_projects",
    "eu_projects",
    "EU-projekter",
    "EU projects",
    (
        F(
            "acronym",
            "text",
            "Akronym|Acronym|projectAcronym|Projektakronym",
            "Akronym",
            "Acronym",
        ),
        F(
            "title",
            "text",
            "Projekt|Projektitel|Projekttitel|Projektnavn|Project|Project title|Title|Titel|Operation name|"
            "Bezeichnung des Vorhabens",
            "Projekt",
            "Project",
        ),
        F(
            "programme",
            "text",
            "Program|Programme|Program name|Fond|Fund|frameworkProgramme|Finansieringsprogram|Funding programme",
            "Program",
            "Programme",
        ),
        F(
            "action_type",
            "text",
            "Type|Aktionstype|Action type|Projekttype|fundingScheme|Funding scheme",
            "Type",
            "Action type",
        ),
        REGION,
        F(
            "total_budget",
            "amount",
            "Samlet budget|Budget|Total budget|totalCost|Total cost|Totalbudget|Samlet EU-budget|"
            "Total eligible expenditure|Gesamtbetrag der förderfähigen Ausgaben",
            "Samlet budget",
            "Total budget",
        ),
        F(
            "eu_contribution",
            "amount",
            "EU-tilskud|EU-medfinansiering|EU contribution|ecMaxContribution|EU-bidrag|Max EU contribution",
            "EU-tilskud",
            "EU contribution",
        ),
        F(
            "region_share",
            "amount",
            "Regionens andel|Region share|Regional share|Andel|Regionens budget|Bevilget til regionen",
            "Regionens andel",
            "Region's share",
        ),
        F("currency", "text", "Valuta|Currency", "Valuta", "Currency"),
        F("period", "period", "Periode|Period|Projektperiode|Løbetid|Duration", "Periode", "Period"),
        F(
            "start",
            "date",
            "Start|Startdato|startDate|Start date|Startår|Start year|Operation start date|Datum des Beginns des Vorhabens",
            "Start",
            "Start",
        ),
        F(
            "end",
            "date",
            "Slut|Slutdato|endDate|End date|Slutår|End year|Operation end date|Datum des Endes des Vorhabens",
            "Slut",
            "End",
        ),
        F(
            "lead_partner",
            "text",
            "Lead partner|Leadpartner|Koordinator|Coordinator|Projektleder|Lead|Beneficiary name|Name des Begünstigten",
            "Lead partner",
            "Lead partner",
        ),
        F(
            "lead_country",
            "text",
            "Land|Lead country|Country|Koordinatorland|Leadpartnerland",
            "Land",
            "Lead country",
        ),
        F(
            "partners",
            "int",
            "Antal partnere|Partners|Partnere|Number of partners|Antal partnerer",
            "Antal partnere",
            "Partners",
        ),
        F(
            "local_units",
            "text",
            "Deltagende enheder|Lokale enheder|Deltagere fra regionen|Participating units|Local units",
            "Deltagende enheder",
            "Participating units",
        ),
        F(
            "cofinancing_rate",
            "number",
            "Medfinansieringssats|Co-financing rate|Union co-financing rate|Unions-Kofinanzierungssatz",
            "Medfinansieringssats",
            "Co-financing rate",
        ),
        NOTE,
    ),
    ("project_key", "region"),
    ("acronym", "title", "region_share", "eu_contribution"),
)

EU_PARTNERS = Kind(
    "eu_partners",
    "eu_partners",
    "EU-projektpartnere",
    "EU project partners",
    (
        F("acronym", "text", "Akronym|Acronym|projectAcronym|Projektakronym", "Akronym", "Acronym"),
        F(
            "project_id",
            "text",
            "Projekt-ID|Projektnummer|projectID|Project ID|Grant agreement|Aftalenummer",
            "Projekt-ID",
            "Project ID",
        ),
        F(
            "organisation",
            "text",
            "Partner|Organisation|Organisationsnavn|Deltager|name|Organisation name|Legal name|Beneficiary|Participant",
            "Partner",
            "Partner",
            True,
        ),
        F("country", "text", "Land|Country", "Land", "Country"),
        F("role", "text", "Rolle|Role|Partnerrolle", "Rolle", "Role"),
        F(
            "activity_type",
            "text",
            "Type|activityType|Activity type|Organisationstype",
            "Type",
            "Activity type",
        ),
        F(
            "eu_contribution",
            "amount",
            "EU-tilskud|ecContribution|EU contribution|EU-bidrag|Max EU contribution",
            "EU-tilskud",
            "EU contribution",
        ),
        F(
            "total_cost",
            "amount",
            "Samlede omkostninger|totalCost|Total cost|Budget|Total estimated eligible costs",
            "Samlede omkostninger",
            "Total cost",
        ),
        F("currency", "text", "Valuta|Currency", "Valuta", "Currency"),
        NOTE,
    ),
    ("project_key", "organisation"),
    ("organisation",),
)

POOLS = Kind(
    "pools",
    "pools",
    "Puljer",
    "Funding pools",
    (
        F("pool", "text", "Pulje|Pool|Puljenavn|Pool name|Fund", "Pulje", "Pool", True),
        REGION,
        F("year", "year", "År|Year|Puljeår|Budgetår|Pool year", "År", "Year", True),
        F("model", "model", "Model|Finansieringsmodel|Model type|Type", "Model", "Model"),
        F(
            "added",
            "amount",
            "Beløb|Amount|Tilført|Tilført beløb|Added|Ramme|Budget",
            "Beløb",
            "Amount added",
        ),
        F(
            "band_min",
            "amount",
            "Min bevilling|Mindste bevilling|Min|Minimum|Band min|Min grant",
            "Min. bevilling",
            "Min. grant",
        ),
        F(
            "band_max",
            "amount",
            "Maks bevilling|Max bevilling|Største bevilling|Maks|Max|Maximum|Band max|Max grant",
            "Maks. bevilling",
            "Max. grant",
        ),
        NOTE,
    ),
    ("pool", "year"),
    ("pool",),
)

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
        F("amount", "amount", "Beløb|Amount|Bevilget beløb|Ansøgt beløb|Tilskud|Grant", "Beløb", "Amount"),
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
        NOTE,
    ),
    ("pool", "year", "project", "recipient"),
    ("pool", "recipient"),
)

ORG_ALIASES = Kind(
    "org_aliases",
    "org_aliases",
    "Organisationer",
    "Organisations",
    (
        F(
            "alias",
            "text",
            "Navn som skrevet|Skrevet som|Alias|Written as|Variant",
            "Skrevet som",
            "Written as",
            True,
        ),
        F(
            "canonical",
            "text",
            "Organisation|Kanonisk navn|Canonical|Canonical name|Samlet navn",
            "Organisation",
            "Organisation",
            True,
        ),
        F("sector", "text", "Sektor|Sector|Type", "Sektor", "Sector"),
    ),
    ("alias", "canonical"),
    ("alias",),
)

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (PARTICIPANTS, MEETINGS, EU_PROJECTS, EU_PARTNERS, POOLS, ALLOCATIONS, NETWORKS, ORG_ALIASES)
}

# The order kinds load in when a workbook holds several: referenced things first.
LOAD_ORDER = (
    "networks", "org_aliases", "participants", "meetings", "eu_projects", "eu_partners", "pools", "allocations",
)  # fmt: skip

SECTORS = ("hospital", "regional_administration", "university", "company", "public_agency", "other")
