"""One error shape everywhere: a Problem names file, sheet, row, column, field, value and a stable code.

Loaders collect Problems; the CLI prints them as JSON, the data page as a table. Messages are
looked up by code in Danish (default) or English, so the code is the contract and the text can
improve without breaking scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

# code -> (Danish, English). Placeholders are filled from Problem.params plus column/value.
MESSAGES: dict[str, tuple[str, str]] = {
    # files and safety
    "file.not_found": ("Filen findes ikke.", "The file does not exist."),
    "file.too_large": (
        "Filen er for stor ({size_mb} MB); grænsen er {limit_mb} MB.",
        "The file is too large ({size_mb} MB); the limit is {limit_mb} MB.",
    ),
    "file.limit": (
        "Filen er for stor eller beskadiget: at læse den ville kræve mere end grænsen ({limit}). Intet er gemt. "
        "Del den i mindre filer, eller gem den igen i Excel.",
        "The file is too large or damaged: reading it would take more than the limit ({limit}). Nothing was "
        "saved. Split it into smaller files, or save it again in Excel.",
    ),
    "file.type_mismatch": (
        "Filen er ikke en {expected}-fil, selv om navnet siger det.",
        "The file is not a {expected} file, although its name says so.",
    ),
    "file.unsupported": (
        "Filtypen {ext} understøttes ikke. Brug .xlsx, .xlsm, .xls eller .csv.",
        "File type {ext} is not supported. Use .xlsx, .xlsm, .xls or .csv.",
    ),
    "file.zip_bomb": (
        "Filen pakker sig ud til mere end {limit_mb} MB og afvises af sikkerhedshensyn.",
        "The file unpacks to more than {limit_mb} MB and is rejected for safety.",
    ),
    "file.encrypted": (
        "Projektmappen er krypteret eller beskyttet med adgangskode. Gem den uden adgangskode og prøv igen.",
        "The workbook is encrypted or password-protected. Save it without a password and try again.",
    ),
    "file.dimensions": (
        "Arket '{sheet}' har celler ud til {dims} (rækker x kolonner): mere end Excel eller Overblik kan "
        "rumme, så filen afvises. Slet de tomme celler langt ude i arket, eller gem det igen.",
        "Sheet '{sheet}' has cells as far out as {dims} (rows x columns): more than Excel or Overblik can hold, "
        "so the file is rejected. Delete the stray cells far out in the sheet, or save it again.",
    ),
    "file.unreadable": (
        "Filen kan ikke læses som regneark: {detail}",
        "The file cannot be read as a spreadsheet: {detail}",
    ),
    "file.xml_entities": (
        "Filen indeholder XML-definitioner (DOCTYPE/ENTITY), som regneark ikke bruger, og afvises af sikkerhedshensyn.",
        "The file contains XML definitions (DOCTYPE/ENTITY) that spreadsheets do not use, and is rejected for safety.",
    ),
    "file.encoding": (
        "Tegnsættet i CSV-filen kan ikke genkendes.",
        "The character encoding of the CSV file cannot be recognised.",
    ),
    "csv.field_count": (
        "Linjen har {found} felter, men overskriften har {expected}. Tjek anførselstegn og skilletegn.",
        "The line has {found} fields, but the header has {expected}. Check quotes and delimiters.",
    ),
    # sheet shape
    "sheet.no_header": (
        "Der blev ikke fundet en overskriftsrække i de første 20 rækker.",
        "No header row was found in the first 20 rows.",
    ),
    "sheet.unknown_kind": (
        "Intet ark i filen kan genkendes. Overskriftsrækken skal have kolonner, som Overblik kender: {kinds}. "
        "Brug en skabelon fra siden Data, eller vælg arkets indhold.",
        "No sheet in the file can be recognised. The header row needs columns Overblik knows: {kinds}. "
        "Use a template from the Data page, or choose the sheet's content.",
    ),
    "sheet.no_rows": (
        "Arket har en overskrift men ingen datarækker.",
        "The sheet has a header but no data rows.",
    ),
    "sheet.duplicate_column": (
        "Kolonnerne '{column}' og '{other}' betyder begge '{field_label}'. Slet eller omdøb den ene.",
        "Columns '{column}' and '{other}' both mean '{field_label}'. Delete or rename one.",
    ),
    "sheet.missing_column": (
        "Kolonnen for '{field_label}' mangler (fx '{example}'). Tilføj kolonnen, eller angiv én værdi for hele "
        "arket (på siden Data eller med --set). Påkrævet: {required}. Kendte kolonner: {known}.",
        "The column for '{field_label}' is missing (e.g. '{example}'). Add the column, or give one value for the "
        "whole sheet (on the Data page or with --set). Required: {required}. Known columns: {known}.",
    ),
    "sheet.unused_columns": (
        "Disse kolonner bruges ikke og gemmes ikke: {columns}.",
        "These columns are not used and not stored: {columns}.",
    ),
    "sheet.label_column": (
        "Kolonnen '{column_header}' indeholder tekst, ikke tal, og bruges derfor ikke som '{field_label}'.",
        "Column '{column_header}' holds text, not numbers, so it is not used as '{field_label}'.",
    ),
    "sheet.cpr": (
        "Kolonnen '{column}' ser ud til at indeholde CPR-numre. CPR-numre er følsomme personoplysninger og må "
        "ikke uploades: slet kolonnen i regnearket, og upload igen. Intet er gemt.",
        "Column '{column}' appears to hold CPR numbers. CPR numbers are sensitive personal data and must not "
        "be uploaded: delete the column in the spreadsheet and upload again. Nothing was stored.",
    ),
    "sheet.total_mismatch": (
        "Rækken '{label}' siger {total} i '{column}', men de {counted} rækker ovenover giver {sum}.",
        "The row '{label}' says {total} in '{column}', but the {counted} rows above add up to {sum}.",
    ),
    "set.invalid": (
        "Værdien '{value}' for '{field_label}' kan ikke læses.",
        "The value '{value}' for '{field_label}' cannot be read.",
    ),
    "year.derived": (
        "Arket har ingen kolonne for år: året for {count} rækker er taget fra {source_da}.",
        "The sheet has no year column: the year of {count} rows is taken from {source_en}.",
    ),
    # values
    "value.required": ("'{column}' skal udfyldes.", "'{column}' must be filled in."),
    "amount.invalid": ("'{value}' kan ikke læses som et beløb.", "'{value}' cannot be read as an amount."),
    "amount.negative": ("Beløbet '{value}' er negativt.", "The amount '{value}' is negative."),
    "number.invalid": ("'{value}' kan ikke læses som et tal.", "'{value}' cannot be read as a number."),
    "integer.invalid": (
        "'{value}' kan ikke læses som et helt tal.",
        "'{value}' cannot be read as a whole number.",
    ),
    "date.invalid": ("'{value}' kan ikke læses som en dato.", "'{value}' cannot be read as a date."),
    "date.impossible": ("Datoen '{value}' findes ikke.", "The date '{value}' does not exist."),
    "date.year_only": (
        "'{value}' er et årstal, ikke en dato. Skriv hele datoen (fx 17-06-{value}).",
        "'{value}' is a year, not a date. Write the whole date (e.g. 17-06-{value}).",
    ),
    "year.invalid": ("'{value}' kan ikke læses som et årstal.", "'{value}' cannot be read as a year."),
    "year.implausible": ("Årstallet '{value}' er ikke plausibelt.", "The year '{value}' is not plausible."),
    "period.invalid": (
        "'{value}' kan ikke læses som en periode (fx 2024-2027).",
        "'{value}' cannot be read as a period (e.g. 2024-2027).",
    ),
    "period.reversed": ("Perioden slutter før den begynder.", "The period ends before it starts."),
    "band.reversed": (
        "Den største bevilling er mindre end den mindste.",
        "The largest grant is smaller than the smallest.",
    ),
    "bool.invalid": ("'{value}' kan ikke læses som ja/nej.", "'{value}' cannot be read as yes/no."),
    "enum.invalid": (
        "'{value}' er ikke en gyldig værdi. Brug en af: {allowed}.",
        "'{value}' is not a valid value. Use one of: {allowed}.",
    ),
    "text.too_long": ("Teksten er længere end {limit} tegn.", "The text is longer than {limit} characters."),
    "row.duplicate_key": (
        "Rækken gentager nøglen fra række {first_row} ({key}).",
        "The row repeats the key of row {first_row} ({key}).",
    ),
    # warnings
    "allocation.outside_band": (
        "Bevillingen på {value} ligger uden for puljens sædvanlige interval ({band}).",
        "The allocation of {value} is outside the pool's usual band ({band}).",
    ),
    "pool.over_capacity": (
        "Puljen '{pool}' {year} er bevilget ud over sin kapacitet ({allocated} af {capacity}).",
        "Pool '{pool}' {year} is allocated beyond its capacity ({allocated} of {capacity}).",
    ),
    "pool.created": (
        "Puljen '{pool}' {year} findes ikke endnu; den oprettes med ukendt kapacitet.",
        "Pool '{pool}' {year} does not exist yet; it is created with unknown capacity.",
    ),
    "organisation.similar": (
        "Organisationen '{value}' ligner '{similar}'. Tjek om det er den samme (aliaslisten).",
        "Organisation '{value}' looks like '{similar}'. Check whether they are the same (alias list).",
    ),
    "person.erased": (
        "Rækken nævner en person, der er slettet efter databeskyttelsesreglerne; navnet er gemt anonymiseret.",
        "The row names a person who was erased under the data protection rules; the name is stored anonymised.",
    ),
    # database
    "db.damaged": (
        "Datalageret {file} kan ikke åbnes: {detail}. Intet er ændret. Hent en sikkerhedskopi tilbage "
        "(python -m loaders restore) eller genopbyg fra de gemte originalfiler (python -m loaders rebuild).",
        "The store {file} cannot be opened: {detail}. Nothing was changed. Restore a backup "
        "(python -m loaders restore) or rebuild from the stored original files (python -m loaders rebuild).",
    ),
    "db.legacy": (
        "{file} er et datalager fra før version 3. Flyt det over med: python -m loaders rebuild --from {file}",
        "{file} is a store from before version 3. Move it over with: python -m loaders rebuild --from {file}",
    ),
    "plan.stale": (
        "Data er ændret siden forhåndsvisningen (en anden har gemt imellemtiden). Tjek forhåndsvisningen igen, "
        "og gem derefter.",
        "The data changed since your preview (someone else saved in between). Check the preview again, then save.",
    ),
    "internal": (
        "Der opstod en fejl i Overblik (fejl-id {error_id}). Intet er gemt. Prøv igen; sker det igen, så giv "
        "fejl-id'et til den, der driver Overblik.",
        "Overblik ran into an error (error id {error_id}). Nothing was saved. Try again; if it happens again, "
        "give the error id to whoever runs Overblik.",
    ),
    "undo.not_found": ("Indlæsning {batch_id} findes ikke.", "Batch {batch_id} does not exist."),
    "undo.already": (
        "Indlæsning {batch_id} er allerede fortrudt (af indlæsning {by}).",
        "Batch {batch_id} has already been undone (by batch {by}).",
    ),
    "redo.not_undone": (
        "Indlæsning {batch_id} er ikke fortrudt, så der er intet at gendanne.",
        "Batch {batch_id} has not been undone, so there is nothing to redo.",
    ),
    "undo.superseded": (
        "Indlæsning {batch_id} kan ikke fortrydes, fordi indlæsning {later} siden har ændret de samme rækker. Fortryd {later} først.",
        "Batch {batch_id} cannot be undone because batch {later} has since changed the same rows. Undo {later} first.",
    ),
    "undo.erase": (
        "Indlæsning {batch_id} er en sletning af en person efter databeskyttelsesreglerne og kan ikke fortrydes.",
        "Batch {batch_id} is the erasure of a person under the data protection rules and cannot be undone.",
    ),
    # erasure of a person
    "erase.not_found": (
        "Ingen rækker, originalfiler eller logposter nævner '{name}'. Intet er ændret. Tjek stavemåden; "
        "store og små bogstaver og mellemrum betyder ikke noget.",
        "No rows, original files or log entries name '{name}'. Nothing was changed. Check the spelling; "
        "case and spacing do not matter.",
    ),
    "erase.name": (
        "Skriv personens navn (mindst to bogstaver).",
        "Write the person's name (at least two letters).",
    ),
}


class LoaderError(Exception):
    """A problem that stops a whole file or command; carries its Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass
class Problem:
    """One reported problem, at the finest place it is known (file > sheet > row > column)."""

    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None
    value: Any = None
    severity: str = "error"  # error | warning
    params: dict[str, Any] = _field(default_factory=dict)

    def message(self, lang: str = "da") -> str:
        """The human text in Danish ('da') or English ('en')."""
        da, en = MESSAGES.get(self.code, (self.code, self.code))
        template = en if lang == "en" else da
        values = {"column": self.column or "", "value": _show(self.value), "sheet": self.sheet or ""}
        values.update({k: _show(v) for k, v in self.params.items()})
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return template

    def as_dict(self, lang: str = "da") -> dict[str, Any]:
        """The JSON shape of the command line and the data page."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "value": _show(self.value) if self.value is not None else None,
            "code": self.code,
            "message": self.message(lang),
        }


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
