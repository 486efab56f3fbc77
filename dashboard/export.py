"""Tables out as data: CSV for Danish Excel and .xlsx, with headers the loaders recognise.

A kind's export (kind_sheet) has every column of the kind under its template header, numbers as
numbers, dates as dates, codes in the Danish words staff use and unknown as an empty cell, so a
downloaded table uploaded again changes nothing. CSV: ';' and UTF-8 with BOM (what Danish Excel
opens correctly). XLSX: numbers show Danish grouping through their number format; strings are
typed text, so '=1+1' stays text.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.charts import label
from loaders.kinds import KINDS
from loaders.parse import formula_like
from translations import N_, gettext


def _guard(v: object) -> object:
    """An apostrophe before text a spreadsheet would evaluate (loaders.parse.formula_like); the
    loaders take it off again on upload. Numbers, and text that is a plain number, are untouched."""
    if isinstance(v, str) and formula_like(v):
        return "'" + v
    return v


def to_csv(df: pd.DataFrame) -> bytes:
    """CSV bytes for Danish Excel; decimal comma in numbers."""
    out = df.map(lambda v: format(v, "f").replace(".", ",") if isinstance(v, Decimal) else _guard(v))
    # CRLF line ends: a field holding a line break of either kind is then quoted, never split.
    text = out.to_csv(sep=";", index=False, decimal=",", date_format="%d-%m-%Y", lineterminator="\r\n")
    return ("\ufeff" + text).encode("utf-8")


def to_xlsx(df: pd.DataFrame, sheet: str = "Data") -> bytes:
    """An .xlsx workbook; every string cell is typed text, never a formula."""
    return to_xlsx_sheets({sheet: df})


def to_xlsx_sheets(sheets: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with a sheet per table (in order), each as to_xlsx writes one."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, df in sheets.items():
        _write_sheet(wb.create_sheet(_sheet_name(name, used)), df)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join("_" if c in "[]:*?/\\" else c for c in name)[:31] or "Ark"
    out, n = base, 2
    while out.casefold() in used:
        out = f"{base[: 31 - len(str(n)) - 1]} {n}"
        n += 1
    used.add(out.casefold())
    return out


def _write_sheet(ws: Worksheet, df: pd.DataFrame) -> None:
    ws.append([str(c) for c in df.columns])
    for c in ws[1]:
        c.font = Font(bold=True)
    for row in df.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT else
                   (float(v) if isinstance(v, Decimal) else v) for v in row])  # fmt: skip
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = TYPE_STRING  # openpyxl would otherwise store "=..." as a formula
    for i, col in enumerate(df.columns, start=1):
        width = min(60, max(10, len(str(col)) + 2, *(len(str(v)) + 2 for v in df[col].head(200))))
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
        number_format = _number_format(df[col])
        if number_format:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = number_format
    ws.freeze_panes = "A2"  # the header stays in view


def _number_format(col: pd.Series) -> str | None:
    """Danish Excel shows these with its own grouping and decimal mark: 1.650.000,50 and 17-06-2019."""
    values = [v for v in col.head(500) if not _missing(v)]
    if not values:
        return None
    if all(isinstance(v, (dt.date, pd.Timestamp)) for v in values):
        return "DD-MM-YYYY"
    if all(isinstance(v, Decimal) for v in values):
        return "#,##0.00"
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and any(
        abs(v) >= 10_000 for v in values
    ):
        return "#,##0" if all(float(v).is_integer() for v in values) else "#,##0.00"
    return None


# Field types whose stored codes are written back in the words the templates offer.
_CODED = {"kind", "status", "model", "format"}


def kind_sheet(kind: str, rows: pd.DataFrame, lang: str = "da") -> pd.DataFrame:
    """Stored rows of a kind (its table's columns) as the kind's sheet: a column per stored field
    under its template header, values as the loader reads them back unchanged."""
    k = KINDS[kind]
    out = {}
    for f in k.fields:
        col = f.stored_in
        if col is None or col not in rows.columns:
            continue
        values = [None if _missing(v) else v for v in rows[col]]
        if f.type == "amount" or (
            f.type == "number" and values and any(isinstance(v, float) for v in values)
        ):
            # Amounts leave as exact decimals (a float from the database carries its cents exactly).
            values = [None if v is None else _decimal(v) for v in values]
        elif f.type in ("int", "year", "yearish"):
            values = pd.array(values, dtype="Int64")  # 75, never 75.0
        if kind == "networks" and f.name == "kind":
            values = [v and gettext(NETWORK_KINDS.get(v, v), lang) for v in values]
        elif f.type in _CODED or f.name == "sector":
            values = [v and label(v, lang) for v in values]
        elif f.type in ("external", "bool"):
            values = [None if v is None else gettext(N_("Ja") if v else N_("Nej"), lang) for v in values]
        out[f.label_in(lang)] = values
    return pd.DataFrame(out)


def _decimal(v: object) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(repr(float(v)))  # type: ignore[arg-type]


# A network's type in the words its sheet uses (and the loader reads back).
NETWORK_KINDS = {"committee": N_("Udvalg"), "project": N_("Projekt"), "network": N_("Netværk")}


def _missing(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    return isinstance(v, float) and v != v
