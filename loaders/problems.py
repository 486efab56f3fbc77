"""One error shape everywhere: a Problem names file, sheet, row, column, field, value and a stable code.

Loaders collect Problems; the CLI prints them as JSON, the data page as a table. Messages are
looked up by code (Danish, translated through the catalog in translations/), so the code is the
contract and the text can improve without breaking scripts.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any

from translations import N_, gettext, pgettext

# code -> the Danish message. Placeholders are filled from Problem.params plus column/value.
MESSAGES: dict[str, str] = {
    # files and safety
    "file.not_found": N_("Filen findes ikke."),
    "file.too_large": N_("Filen er for stor ({size_mb} MB); grænsen er {limit_mb} MB."),
    "file.limit": N_(
        "Filen er for stor eller beskadiget: at læse den ville kræve mere end grænsen ({limit}). Intet er gemt. "
        "Del den i mindre filer, eller gem den igen i Excel."
    ),
    "file.type_mismatch": N_("Filen er ikke en {expected}-fil, selv om navnet siger det."),
    "file.unsupported": N_("Filtypen {ext} understøttes ikke. Brug .xlsx, .xlsm, .xls eller .csv."),
    "file.zip_bomb": N_("Filen pakker sig ud til mere end {limit_mb} MB og afvises af sikkerhedshensyn."),
    "file.encrypted": N_(
        "Projektmappen er krypteret eller beskyttet med adgangskode. Gem den uden adgangskode og prøv igen."
    ),
    "file.dimensions": N_(
        "Arket '{sheet}' har celler ud til {dims} (rækker x kolonner): mere end Excel eller Overblik kan "
        "rumme, så filen afvises. Slet de tomme celler langt ude i arket, eller gem det igen."
    ),
    "file.unreadable": N_("Filen kan ikke læses som regneark: {detail}"),
    "file.xml_entities": N_(
        "Filen indeholder XML-definitioner (DOCTYPE/ENTITY), som regneark ikke bruger, og afvises af sikkerhedshensyn."
    ),
    "file.encoding": N_("Tegnsættet i CSV-filen kan ikke genkendes."),
    "csv.field_count": N_(
        "Linjen har {found} felter, men overskriften har {expected}. Tjek anførselstegn og skilletegn."
    ),
    # sheet shape
    "sheet.no_header": N_("Der blev ikke fundet en overskriftsrække i de første 20 rækker."),
    "sheet.unknown_kind": N_(
        "Intet ark i filen kan genkendes. Overskriftsrækken skal have kolonner, som Overblik kender: {kinds}. "
        "Brug en skabelon fra siden Data, eller vælg arkets indhold."
    ),
    "sheet.no_rows": N_("Arket har en overskrift men ingen datarækker."),
    "sheet.duplicate_column": N_(
        "Kolonnerne '{column}' og '{other}' betyder begge '{field_label}'. Slet eller omdøb den ene."
    ),
    "sheet.missing_column": N_(
        "Kolonnen for '{field_label}' mangler (fx '{example}'). Tilføj kolonnen, eller angiv én værdi for hele "
        "arket. Påkrævet: {required}. Kendte kolonner: {known}."
    ),
    "sheet.unused_columns": N_("Disse kolonner bruges ikke og gemmes ikke: {columns}."),
    "sheet.label_column": N_(
        "Kolonnen '{column_header}' indeholder tekst, ikke tal, og bruges derfor ikke som '{field_label}'."
    ),
    "sheet.cpr": N_(
        "Kolonnen '{column}' i arket '{sheet}' ser ud til at indeholde CPR-numre. CPR-numre er følsomme "
        "personoplysninger og må ikke uploades: slet dem i regnearket, og upload igen. Intet af filen er gemt."
    ),
    # No full stop after {sum}: it ends in "kr." already.
    "sheet.total_mismatch": N_(
        "Rækken '{label}' siger {total} i '{column}', men de {counted} rækker ovenover giver {sum}"
    ),
    "set.invalid": N_("Værdien '{value}' for '{field_label}' kan ikke læses."),
    "year.derived": N_("Arket har ingen kolonne for år: året er taget fra {source} (rækker: {count})."),
    # values
    "value.required": N_("'{column}' skal udfyldes."),
    "amount.invalid": N_("'{value}' kan ikke læses som et beløb."),
    "amount.negative": N_("Beløbet '{value}' er negativt."),
    "number.invalid": N_("'{value}' kan ikke læses som et tal."),
    "integer.invalid": N_("'{value}' kan ikke læses som et helt tal."),
    "date.invalid": N_("'{value}' kan ikke læses som en dato."),
    "date.impossible": N_("Datoen '{value}' findes ikke."),
    "date.year_only": N_("'{value}' er et årstal, ikke en dato. Skriv hele datoen (fx 17-06-{value})."),
    "year.invalid": N_("'{value}' kan ikke læses som et årstal."),
    "year.implausible": N_("Årstallet '{value}' er ikke plausibelt."),
    "period.invalid": N_("'{value}' kan ikke læses som en periode (fx 2024-2027)."),
    "period.reversed": N_("Perioden slutter før den begynder."),
    "band.reversed": N_("Den største bevilling er mindre end den mindste."),
    "bool.invalid": N_("'{value}' kan ikke læses som ja/nej."),
    "enum.invalid": N_("'{value}' er ikke en gyldig værdi. Brug en af: {allowed}."),
    "text.too_long": N_("Teksten er længere end {limit} tegn."),
    "row.duplicate_key": N_("Rækken gentager nøglen fra række {first_row} ({key})."),
    # warnings
    "allocation.outside_band": N_(
        "Bevillingen på {value} ligger uden for puljens sædvanlige interval ({band})."
    ),
    "pool.over_capacity": N_(
        "Puljen '{pool}' {year} er bevilget ud over sin kapacitet ({allocated} af {capacity})."
    ),
    "pool.created": N_("Puljen '{pool}' {year} findes ikke endnu; den oprettes med ukendt kapacitet."),
    "organisation.similar": N_(
        "Organisationen '{value}' ligner '{similar}'. Tjek om det er den samme (aliaslisten)."
    ),
    "replace.nothing_removed": N_(
        "{n} række(r) er sat til side, og mindst én af dem kan ikke knyttes til en række i databasen, så intet "
        "fjernes; ret rækkerne, og upload igen."
    ),
    "person.erased": N_(
        "Rækken nævner en person, der er slettet efter databeskyttelsesreglerne; navnet er gemt anonymiseret."
    ),
    # database
    "db.damaged": N_(
        "Datalageret {file} kan ikke åbnes: {detail}. Intet er ændret. Hent en sikkerhedskopi tilbage "
        "(python -m loaders restore) eller genopbyg fra de gemte originalfiler (python -m loaders rebuild)."
    ),
    "db.legacy": N_(
        "{file} er et datalager fra før version 3. Flyt det over med: python -m loaders rebuild --from {file}"
    ),
    "plan.stale": N_(
        "Data er ændret siden forhåndsvisningen (en anden har gemt imellemtiden). Tjek forhåndsvisningen igen, "
        "og gem derefter."
    ),
    "internal": N_(
        "Der opstod en fejl i Overblik (fejl-id {error_id}). Intet er gemt. Prøv igen; sker det igen, så giv "
        "fejl-id'et til den, der driver Overblik."
    ),
    "undo.not_found": N_("Indlæsning {batch_id} findes ikke."),
    "undo.already": N_("Indlæsning {batch_id} er allerede fortrudt (af indlæsning {by})."),
    "redo.not_undone": N_("Indlæsning {batch_id} er ikke fortrudt, så der er intet at gendanne."),
    "undo.superseded": N_(
        "Indlæsning {batch_id} kan ikke fortrydes, fordi indlæsning {later} siden har ændret de samme rækker. Fortryd {later} først."
    ),
    "undo.erase": N_(
        "Indlæsning {batch_id} er en sletning af en person efter databeskyttelsesreglerne og kan ikke fortrydes."
    ),
    # erasure of a person
    "erase.not_found": N_(
        "Ingen rækker, originalfiler eller logposter nævner '{name}'. Intet er ændret. Tjek stavemåden; "
        "store og små bogstaver og mellemrum betyder ikke noget."
    ),
    "erase.name": N_("Skriv personens navn (mindst to bogstaver)."),
}


class LoaderError(Exception):
    """A problem that stops a whole file or command; carries its Problem (and any more that stop
    it too: every column of CPR numbers, not one per upload)."""

    def __init__(self, problem: Problem, *more: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem
        self.more = list(more)

    @property
    def problems(self) -> list[Problem]:
        """Every problem that stops the file, the first one first."""
        return [self.problem, *self.more]


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
        template = gettext(MESSAGES.get(self.code, self.code), lang)
        values = {"column": self.column or "", "value": _show(self.value), "sheet": self.sheet or ""}
        values.update({k: _param(k, v, lang) for k, v in self.params.items()})
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


# Parameters that hold our own words (a field's header, a list of headers): shown in the
# message's language. A list is joined the way the message reads it.
N_("{memory} MB hukommelse, {cpu} s")  # the limit of a child process (below)
WORDS = {"field_label": " / ", "required": ", ", "known": ", ", "source": ""}


def _param(key: str, value: Any, lang: str) -> str:
    if key == "limit" and isinstance(value, list | tuple):  # Limits.words(): memory MB, CPU seconds
        memory = f"{value[0]:,}".replace(",", "." if lang == "da" else ",")
        return gettext("{memory} MB hukommelse, {cpu} s", lang).format(memory=memory, cpu=value[1])
    if key == "kinds":  # [[kind, [its required headers]], ...]
        return "; ".join(
            f"{pgettext('kind', k, lang)}: {', '.join(gettext(h, lang) for h in headers)}"
            for k, headers in value
        )
    if key in WORDS:
        words = value if isinstance(value, list | tuple) else [value]
        return WORDS[key].join(gettext(str(w), lang) for w in words)
    return _show(value)


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
