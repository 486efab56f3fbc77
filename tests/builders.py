"""Small workbooks and CSV files built in code, the way staff shape them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

FIXED = dt.datetime(2025, 1, 1, 12, 0, 0)


def write_xlsx(
    path: Path, sheets: dict[str, Sequence[Sequence[Any]]], *, created: dt.datetime = FIXED
) -> Path:
    """Write rows per sheet (None = empty cell) to an .xlsx file; the workbook dates make the bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.properties.created = created
    wb.properties.modified = created
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write a CSV (or any text) file in the given encoding."""
    path.write_bytes(text.encode(encoding))
    return path


MEMBERS = [
    ["Oversigt over deltagere i AI-Innovationsnetværket pr. oktober 2020"],
    [],
    ["Navn", "Titel", "Organisation"],
    ["Anna Pors", "1. reservelæge, ph.d.", "Amager og Hvidovre Hospital"],
    ["Freddy Lippert", "Direktør", "Akutberedskabet"],
    ["Michel Nèmery", "Ledende overlæge", "Herlev/Gentofte"],
    ["Navn", "Titel", "Organisation"],  # the header repeated on the next printed page
    ["Jack Karrer", "Radiograf", "Bispebjerg & Frederiksberg"],
    ["Eksterne"],
    ["Andreas Cleve Lohmann", "CEO", "Corti"],
    ["Jan Madsen", "Professor", "DTU COMPUTE"],
]

EU = [
    ["Region Syddanmarks EU-projekter"],
    [],
    [
        "Akronym",
        "Projektitel / Project title",
        "Program",
        "Samlet budget / Total budget",
        "Regionens andel",
        "Periode",
        "Lead partner",
        "Antal partnere",
    ],
    [
        "Hope4Kids",
        "Familier med børn",
        "EU4Health",
        "90 mio. kr.",
        "ca. 7,6 mio. kr.",
        "2025-2029",
        "Princess Maxima hospital",
        75,
    ],
    [
        "JA PreventNCD",
        "Forebyggelse",
        "EU4Health",
        "ca. 703 mio. kr.",
        "ca. 41 mio. kr.",
        "2024–2027",
        "Helsedirektoratet",
        "105",
    ],
    ["eCAN Plus", "Kræftcentre", "EU4Health", "Ikke oplyst", "18 mio. kr.", "2025 - 2029", "Sciensano", 83],
    ["CARES", "Telemedicin", "Interreg", None, "1.650.000", "2023-2026", "Kujawsko-Pomorskie", None],
    ["I alt", None, None, 1_621_000_000, 68_250_000, None, None, None],
]

ALLOCATIONS = [
    ["Bevillinger fra AI-puljen"],
    ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status", "Beslutningsdato"],
    ["AI-puljen 2020", 2020, "RAIT", "Herlev og Gentofte Hospital", "250.000", "Bevilget", "17-06-2020"],
    [
        "AI-puljen 2020",
        2020,
        "AI-KOA",
        "Bispebjerg og Frederiksberg Hospital",
        150000,
        "Udbetalt",
        dt.date(2020, 9, 1),
    ],
    ["AI-puljen 2020", 2020, "SmartChest", "Herlev og Gentofte Hospital", "kr. 300.000", "Søgt", None],
    ["I alt", None, None, None, 700000, None, None],
]
