"""Excel templates: one workbook per sheet kind, headers in the reader's language (Danish by
default), drop-down lists, number formats, a guidance sheet."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from loaders.kinds import KINDS, Kind
from translations import N_, gettext

FILE_NAMES = {
    "participants": "skabelon_deltagere.xlsx",
    "meetings": "skabelon_moeder.xlsx",
    "eu_projects": "skabelon_eu_projekter.xlsx",
    "eu_partners": "skabelon_eu_partnere.xlsx",
    "pools": "skabelon_puljer.xlsx",
    "allocations": "skabelon_bevillinger.xlsx",
    "networks": "skabelon_netvaerk.xlsx",
    "org_aliases": "skabelon_organisationer.xlsx",
    "project_members": "skabelon_projektdeltagere.xlsx",
}

# Drop-down lists in the words staff use (in English: the English words); the loader reads each.
CHOICES = {
    "status": [N_("Søgt"), N_("Bevilget"), N_("Afslået"), N_("Udbetalt")],
    "format": [N_("Fysisk"), N_("Online"), N_("Hybrid")],
    "kind": [N_("Netværksmøde"), N_("Webinar"), N_("Workshop"), N_("Konference"), N_("Udvalgsmøde")],
    "model": [N_("Engangsbeløb"), N_("Årlig"), N_("Trappemodel")],
    "external": [N_("Ja"), N_("Nej")],
    "bool": [N_("Ja"), N_("Nej")],
}
HELP = {
    "amount": N_("Beløb i kr., fx 250.000 eller 1,5 mio."),
    "date": N_("Dato, fx 17-06-2019 eller 17. juni 2019"),
    "year": N_("Årstal, fx 2025"),
    "period": N_("Periode, fx 2024-2027"),
    "int": N_("Helt tal"),
    "number": N_("Tal, fx 2 eller 1,5"),
    "text": N_("Tekst"),
}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def _choices(field_type: str, lang: str) -> list[str] | None:
    words = CHOICES.get(field_type)
    return [gettext(w, lang) for w in words] if words else None


def _instructions(wb: Workbook, kind: Kind, lang: str) -> None:
    ws = wb.create_sheet(gettext("Vejledning", lang))
    ws["A1"] = gettext("Skabelon: {kind}", lang).format(kind=kind.label_in(lang))
    ws["A1"].font = Font(bold=True, size=14)
    lines = [
        gettext("Udfyld arket med data fra række 4 og nedefter. Lad overskrifterne i række 3 stå.", lang),
        gettext("Felter markeret med * skal udfyldes. Tomme felter betyder 'ikke oplyst' (aldrig 0).", lang),
        gettext(
            "En række med kun 'I alt' (eller 'Total') og tomme nøglekolonner er en totalrække og springes over; "
            "Overblik tjekker, at den stemmer. Upload filen på siden Data i Overblik.",
            lang,
        ),
        "",
        gettext("Kolonne", lang),
    ]
    for i, text in enumerate(lines, start=3):
        ws.cell(row=i, column=1, value=text)
    ws.cell(row=7, column=2, value=gettext("Indhold", lang)).font = Font(bold=True)
    ws.cell(row=7, column=1).font = Font(bold=True)
    for r, f in enumerate(kind.fields, start=8):
        ws.cell(row=r, column=1, value=f.label_in(lang) + (" *" if f.required else ""))
        choices = _choices(f.type, lang)
        ws.cell(
            row=r,
            column=2,
            value=(gettext("Vælg: {choices}", lang).format(choices=", ".join(choices)))
            if choices
            else gettext(HELP.get(f.type, HELP["text"]), lang),
        )
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 70


def write_template(kind: Kind, path: Path, lang: str = "da") -> Path:
    """Write the template of one kind to path."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.label_in(lang)
    ws["A1"] = gettext("{kind} - skabelon til Overblik", lang).format(kind=kind.label_in(lang))
    ws["A1"].font = Font(bold=True, size=14)
    for c, f in enumerate(kind.fields, start=1):
        label = f.label_in(lang)
        # Required columns are marked in the header itself; the loader reads 'Navn *' as 'Navn'.
        cell = ws.cell(row=3, column=c, value=label + (" *" if f.required else ""))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        letter = get_column_letter(c)
        ws.column_dimensions[letter].width = max(14, len(label) + 4)
        rng = f"{letter}4:{letter}2000"
        choices = _choices(f.type, lang)
        if choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True)
            dv.error = gettext("Vælg en værdi fra listen.", lang)
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
    _instructions(wb, kind, lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_templates(outdir: Path, lang: str = "da") -> list[Path]:
    """Write one template per kind into outdir."""
    return [write_template(k, Path(outdir) / FILE_NAMES[k.name], lang) for k in KINDS.values()]
