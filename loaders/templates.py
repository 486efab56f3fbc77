"""Excel templates: one workbook per sheet kind, Danish headers, drop-down lists, number formats."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.kinds import KINDS, Kind

FILE_NAMES = {
    "participants": "skabelon_deltagere.xlsx",
    "meetings": "skabelon_moeder.xlsx",
    "eu_projects": "skabelon_eu_projekter.xlsx",
    "eu_partners": "skabelon_eu_partnere.xlsx",
    "pools": "skabelon_puljer.xlsx",
    "allocations": "skabelon_bevillinger.xlsx",
    "networks": "skabelon_netvaerk.xlsx",
    "org_aliases": "skabelon_organisationer.xlsx",
}

# Drop-down lists in the words staff use; the loader reads each of them.
CHOICES = {
    "status": ["Søgt", "Bevilget", "Afslået", "Udbetalt"],
    "format": ["Fysisk", "Online", "Hybrid"],
    "kind": ["Netværksmøde", "Webinar", "Workshop", "Konference", "Udvalgsmøde"],
    "model": ["Engangsbeløb", "Årlig", "Trappemodel"],
    "external": ["Ja", "Nej"],
    "bool": ["Ja", "Nej"],
}
HELP_DA = {
    "amount": "Beløb i kr., fx 250.000 eller 1,5 mio.",
    "date": "Dato, fx 17-06-2019 eller 17. juni 2019",
    "year": "Årstal, fx 2025",
    "period": "Periode, fx 2024-2027",
    "int": "Helt tal",
    "number": "Tal, fx 2 eller 1,5",
    "text": "Tekst",
}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _instructions(wb: Workbook, kind: Kind) -> None:
    ws = wb.create_sheet("Vejledning")
    ws["A1"] = f"Skabelon: {kind.label_da}"
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        "Udfyld arket med data fra række 4 og nedefter. Lad overskrifterne i række 3 stå.",
        "Felter markeret med * skal udfyldes. Tomme felter betyder 'ikke oplyst' (aldrig 0).",
        "En række med kun 'I alt' (eller 'Total') og tomme nøglekolonner er en totalrække og springes over; "
        "Overblik tjekker, at den stemmer. Upload filen på siden Data i Overblik.",
        "",
        "Kolonne",
    ]
    for i, text in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=text)
    ws.cell(row=7, column=2, value="Indhold").font = Font(bold=True)
    ws.cell(row=7, column=1).font = Font(bold=True)
    for r, f in enumerate(kind.fields, start=8):
        ws.cell(row=r, column=1, value=f.label_da + (" *" if f.required else ""))
        choices = CHOICES.get(f.type)
        ws.cell(
            row=r,
            column=2,
            value=("Vælg: " + ", ".join(choices)) if choices else HELP_DA.get(f.type, "Tekst"),
        )
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70


def write_template(kind: Kind, path: Path, lang: str = "da") -> Path:
    """Write the template of one kind to path."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label_da if lang == "da" else kind.label_en
    ws["A1"] = f"{kind.label_da} - skabelon til Overblik"
    ws["A1"].font = Font(bold=True, size=14)
    for c, f in enumerate(kind.fields, start=1):
        label = f.label_da if lang == "da" else f.label_en
        # Required columns are marked in the header itself; the loader reads 'Navn *' as 'Navn'.
        cell = ws.cell(row=3, column=c, value=label + (" *" if f.required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(14, len(f.label_da) + 4)
        rng = f"{letter}4:{letter}2000"
        choices = CHOICES.get(f.type)
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            dv.error = "Vælg en værdi fra listen."
            ws.add_data_validation(dv)
            dv.add(rng)
        fmt = {"amount": "#,##0", "date": "DD-MM-YYYY", "year": "0", "int": "0"}.get(f.type)
        if fmt:
            for r in range(4, 204):
                ws.cell(row=r, column=c).number_format = fmt
        if f.type in ("text", "period"):
            for r in range(4, 204):
                ws.cell(row=r, column=c).number_format = "@"  # text stays text ("0499")
    ws.freeze_panes = "A4"
    _instructions(wb, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_templates(outdir: Path, lang: str = "da") -> list[Path]:
    """Write one template per kind into outdir."""
    return [write_template(k, Path(outdir) / FILE_NAMES[k.name], lang) for k in KINDS.values()]
