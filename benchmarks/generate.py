"""Seeded, realistic allocation workbooks for the benchmarks (never committed: built on demand).

Shaped like a secretary's sheet: a title row, a blank row, Danish headers, amounts as numbers in
most rows and as Danish text ("1.250.000", "250.000 kr.") in some, dates as Excel dates and as
"17. juni 2024" text, and a totals row at the bottom.
"""

from __future__ import annotations

import datetime as dt
import random
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
