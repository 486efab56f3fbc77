"""Seeded, realistic allocation workbooks for the benchmarks (never committed: built on demand).

Shaped like a secretary's sheet: a title row, a blank row, Danish headers, amounts as numbers in
most rows and as Danish text ("1.250.000", "250.000 kr.") in some, dates as Excel dates and as
"17. juni 2024" text, and a totals row at the bottom.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

POOLS = [
    "Pulje til digital innovation",
    "AI-puljen",
    "Innovationspuljen",
    "Sundhedsinnovationspuljen",
    "Pulje til telemedicin",
    "Forskningspuljen",
]
REGIONS = [
    "Region Hovedstaden",
    "Region Sjælland",
    "Region Syddanmark",
    "Region Midtjylland",
    "Region Nordjylland",
]
RECIPIENTS = [
    "Rigshospitalet", "Herlev og Gentofte Hospital", "Amager og Hvidovre Hospital", "Bispebjerg og Frederiksberg Hospital",
    "Odense Universitetshospital", "Sygehus Lillebælt", "Aarhus Universitetshospital", "Regionshospitalet Gødstrup",
    "Aalborg Universitetshospital", "Sjællands Universitetshospital", "Akutberedskabet", "Center for IT, Medico og Telefoni",
    "Syddansk Sundhedsinnovation", "Psykiatrien i Region Syddanmark", "Hospitalsenhed Midt", "Nykøbing F. Sygehus",
]  # fmt: skip
TOPICS = ["AI-triage", "Telemedicin", "Robotteknologi", "Hjemmemonitorering", "Billeddiagnostik", "Talegenkendelse",
          "Patientflow", "Automatisering", "Digital rehabilitering", "Prædiktion af genindlæggelser"]  # fmt: skip
STATUSES = ["Bevilget", "Udbetalt", "Søgt", "Afslået"]
MONTHS = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
]
HEADER = ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status", "Beslutningsdato", "Sagsnr."]


def _danish_amount(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def allocation_rows(n: int, seed: int = 7) -> list[list[object]]:
    """n allocation rows with unique natural keys (pool, year, project, recipient)."""
    rnd = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(n):
        pool = POOLS[i % len(POOLS)]
        year = 2015 + (i // len(POOLS)) % 12
        project = f"{rnd.choice(TOPICS)} {i:06d}"
        recipient = RECIPIENTS[rnd.randrange(len(RECIPIENTS))]
        amount = rnd.randrange(50, 3000) * 1000
        kind = rnd.random()
        amount_cell: object = (
            amount
            if kind < 0.7
            else (_danish_amount(amount) if kind < 0.9 else f"{_danish_amount(amount)} kr.")
        )
        d = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        date_cell: object = d if rnd.random() < 0.7 else f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
        rows.append(
            [
                pool,
                year,
                project,
                recipient,
                amount_cell,
                rnd.choice(STATUSES),
                date_cell,
                f"{year % 100}/{i:05d}",
            ]
        )
    return rows


def write_allocations(path: Path, n: int, seed: int = 7, rows: list[list[object]] | None = None) -> Path:
    """Write an allocations workbook of n rows (write-only mode: constant memory)."""
    rows = rows if rows is not None else allocation_rows(n, seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bevillinger")
    ws.append(["Bevillinger fra regionale puljer (benchmark, genereret)"])
    ws.append([])
    ws.append(HEADER)
    total = 0
    for r in rows:
        ws.append(r)
        a = r[4]
        total += a if isinstance(a, int) else int(str(a).replace(" kr.", "").replace(".", ""))
    ws.append(["I alt", None, None, None, total])
    wb.properties.created = dt.datetime(2026, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def changed_copy(rows: list[list[object]], fraction: float = 0.01, seed: int = 11) -> list[list[object]]:
    """The same rows with a fraction of the amounts changed (a re-upload of an updated sheet)."""
    rnd = random.Random(seed)
    out = [list(r) for r in rows]
    for i in rnd.sample(range(len(out)), int(len(out) * fraction)):
        out[i][4] = rnd.randrange(50, 3000) * 1000 + 500
    return out


# ---------------------------------------------------------------- a less kind workbook

# A fifth of the amounts carry øre (number cells with decimals and "1.234.567,89" text), so the exact
# typing path runs; project titles and remarks are mostly distinct texts, recipients are departments
# of hospitals (hundreds of values); a second sheet of meetings is grouped under section rows (a
# region, then a network) instead of having those columns.
UNKIND_VERSION = 1  # bump when the contents change: the cached workbooks are named by it

VERBS = ["Udvikling af", "Afprøvning af", "Implementering af", "Evaluering af", "Skalering af",
         "Pilotprojekt om", "Forprojekt om", "Klinisk validering af", "Indkøb og test af", "Design af"]  # fmt: skip
SUBJECTS = ["AI-baseret triage", "hjemmemonitorering af KOL-patienter", "talegenkendelse i journalen",
            "robotassisteret sterilcentral", "prædiktion af genindlæggelser", "videokonsultationer",
            "digital rehabilitering efter hofteoperation", "automatisk kodning af diagnoser",
            "billedanalyse af røntgen af thorax", "sensorbaseret faldforebyggelse", "patientrapporterede data",
            "medicinhåndtering med stregkoder", "virtuel sygeplejerske om natten", "smart sengeplanlægning",
            "telepsykiatri for unge", "hjertesvigtsklinik i eget hjem", "AI-støttet screening for hudkræft",
            "chatbot til patientspørgsmål", "datadrevet kapacitetsstyring", "intelligent ambulancedisponering"]  # fmt: skip
SETTINGS = ["i akutmodtagelsen", "på sengeafsnit", "i almen praksis", "i kommunal hjemmepleje",
            "på intensivafsnit", "i ambulatoriet", "på tværs af sektorer", "i psykiatrien",
            "i præhospitalet", "på fødeafdelingen"]  # fmt: skip
DEPARTMENTS = ["Akutafdelingen", "Kardiologisk Afdeling", "Lungemedicinsk Afdeling", "Radiologisk Afdeling",
               "Ortopædkirurgisk Afdeling", "Neurologisk Afdeling", "Børne- og Ungeafdelingen",
               "Onkologisk Afdeling", "Gynækologisk-obstetrisk Afdeling", "Klinisk Biokemisk Afdeling",
               "Anæstesiologisk Afdeling", "Geriatrisk Afdeling", "Medicinsk Afdeling", "Kirurgisk Afdeling",
               "Dermatologisk Afdeling", "Øjenafdelingen", "Psykiatrisk Center", "Fysio- og Ergoterapi",
               "Klinisk Fysiologisk Afdeling", "Sterilcentralen", "IT-afdelingen", "Innovationsenheden",
               "Patientsikkerhed", "Forskningsenheden", "Hospitalsapoteket"]  # fmt: skip
CONDITIONS = ["at der afrapporteres halvårligt", "medfinansiering fra kommunen", "en godkendt DPIA",
              "at udstyret CE-mærkes", "inddragelse af patientrepræsentanter", "en evaluering efter et år",
              "at resultaterne deles i netværket", "aftale med leverandøren om data"]  # fmt: skip
HOSTS = ["hos {org}", "på {org}", "Skype og hos {org}", "Teams", "Online", "{org}, mødelokale {k}",
         "hos {org} og online"]  # fmt: skip
THEMES = ["Status på projekterne", "Erfaringer fra piloten", "Data og jura", "Gevinstrealisering",
          "Nye ansøgninger", "Besøg fra {org}", "Oplæg om {subject}", "Workshop om {subject}",
          "Kvalitet og patientsikkerhed", "Fremtidens {subject}"]  # fmt: skip
MEETING_KINDS = ["Netværksmøde"] * 6 + ["Webinar", "Workshop", "Konference"]
FORMATS_DA = ["Fysisk", "Online", "Hybrid", None, None]


def _amount_with_ore(rnd: random.Random) -> object:
    """A fifth with øre (a number with decimals or Danish text with a comma), the rest whole kroner."""
    kroner = rnd.randrange(25_000, 5_000_000)
    if rnd.random() < 0.2:
        ore = rnd.randrange(1, 100)
        kind = rnd.random()
        if kind < 0.5:
            return float(f"{kroner}.{ore:02d}")
        text = f"{_danish_amount(kroner)},{ore:02d}"
        return text if kind < 0.85 else f"{text} kr."
    kind = rnd.random()
    if kind < 0.7:
        return kroner
    return _danish_amount(kroner) if kind < 0.9 else f"{_danish_amount(kroner)} kr."


def _amount_value(cell: object) -> Decimal:
    if isinstance(cell, (int, float)):
        return Decimal(str(cell))
    return Decimal(str(cell).replace(" kr.", "").replace(".", "").replace(",", "."))


def _acronym(rnd: random.Random) -> str:
    letters = "".join(rnd.choice("ABDEFGHIKLMNOPRSTUV") for _ in range(rnd.randint(4, 6)))
    return letters + (f"-{rnd.randint(2, 9)}" if rnd.random() < 0.3 else "")


def unkind_allocation_rows(n: int, seed: int = 17) -> list[list[object]]:
    """n allocation rows, unique natural keys (pool, year, project, recipient), mostly distinct titles."""
    rnd = random.Random(seed)
    rows: list[list[object]] = []
    keys: set[tuple[object, ...]] = set()
    titles: list[str] = []
    while len(rows) < n:
        i = len(rows)
        pool = POOLS[rnd.randrange(len(POOLS))]
        year = 2015 + rnd.randrange(12)
        if titles and rnd.random() < 0.1:  # a project funded again (another pool, year or unit)
            project = rnd.choice(titles)
        else:
            project = f"{rnd.choice(VERBS)} {rnd.choice(SUBJECTS)} {rnd.choice(SETTINGS)} ({_acronym(rnd)})"
            titles.append(project)
        recipient = f"{rnd.choice(DEPARTMENTS)}, {rnd.choice(RECIPIENTS)}"
        if (pool, year, project, recipient) in keys:
            continue
        keys.add((pool, year, project, recipient))
        d = dt.date(year, rnd.randint(1, 12), rnd.randint(1, 28))
        date_cell: object = d if rnd.random() < 0.7 else f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
        note = (
            f"Bevilget på vilkår om {rnd.choice(CONDITIONS)}; jf. mail af {rnd.randint(1, 28)}. "
            f"{MONTHS[rnd.randrange(12)]} {year} (j.nr. {rnd.randrange(10**6):06d})"
            if rnd.random() < 0.4
            else None
        )
        rows.append(
            [pool, year, project, recipient, _amount_with_ore(rnd), rnd.choice(STATUSES), date_cell,
             f"{year % 100}/{i:06d}", note]
        )  # fmt: skip
    return rows


def unkind_meeting_rows(n: int, seed: int = 23) -> list[list[object]]:
    """About n meeting rows under section rows: a region, then each of its networks (one cell each)."""
    rnd = random.Random(seed)
    per_network = 40
    out: list[list[object]] = []
    networks = max(1, n // per_network)
    for k in range(networks):
        if k % 20 == 0:  # a region section row over its twenty networks
            out.append([REGIONS[(k // 20) % len(REGIONS)]])
        out.append([f"Innovationsnetværk for {rnd.choice(SUBJECTS)} nr. {k + 1}"])  # a network section row
        day = dt.date(2014, 1, 6) + dt.timedelta(days=rnd.randrange(300))
        for m in range(per_network):
            day += dt.timedelta(days=45 + rnd.randrange(30))
            org = rnd.choice(RECIPIENTS)
            subject = rnd.choice(SUBJECTS)
            date_cell: object = (
                day if rnd.random() < 0.7 else f"{day.day}. {MONTHS[day.month - 1]} {day.year}"
            )
            out.append(
                [m + 1, date_cell, rnd.choice(HOSTS).format(org=org, k=rnd.randint(1, 12)),
                 rnd.choice(THEMES).format(org=org, subject=subject), rnd.choice(MEETING_KINDS),
                 rnd.choice(FORMATS_DA), rnd.choice([1, 1.5, 2, 3, 6]), rnd.randint(5, 80) if rnd.random() < 0.8
                 else None, f"Referat nr. {k + 1}.{m + 1}" if rnd.random() < 0.3 else None]
            )  # fmt: skip
    return out


MEETING_HEADER = ["Møde nr.", "Dato", "Sted", "Tema", "Type", "Format", "Varighed (timer)", "Deltagere",
                  "Bemærkning"]  # fmt: skip


def write_unkind(path: Path, n: int) -> Path:
    """The less kind workbook: n allocations (øre, distinct texts) and n/25 meetings under section rows."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bevillinger")
    ws.append(["Bevillinger fra regionale puljer (benchmark, genereret, med øre)"])
    ws.append([])
    ws.append([*HEADER, "Bemærkning"])
    total = Decimal(0)
    for r in unkind_allocation_rows(n):
        ws.append(r)
        total += _amount_value(r[4])
    ws.append(["I alt", None, None, None, total])
    ws = wb.create_sheet("Møder")
    ws.append(["Møder i netværkene (benchmark, genereret)"])
    ws.append([])
    ws.append(MEETING_HEADER)
    for r in unkind_meeting_rows(max(40, n // 25)):
        ws.append(r)
    wb.properties.created = dt.datetime(2026, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
