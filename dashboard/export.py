"""Tables out: CSV for Danish Excel and .xlsx, with Danish headers and no live formulas.

CSV: ';' separator and UTF-8 with BOM (what Danish Excel opens correctly); text beginning with
= + - @ gets a leading apostrophe, which the loaders strip again on upload. XLSX: strings are
written as typed text, so '=1+1' stays text.
"""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@")


def _guard(v: object) -> object:
    if isinstance(v, str) and v.startswith(FORMULA_START):
        return "'" + v
    return v


def to_csv(df: pd.DataFrame) -> bytes:
    """CSV bytes for Danish Excel; decimal comma in numbers."""
    out = df.map(_guard)
    text = out.to_csv(sep=";", index=False, decimal=",", date_format="%d-%m-%Y")
    return ("\ufeff" + text).encode("utf-8")


def to_xlsx(df: pd.DataFrame, sheet: str = "Data") -> bytes:
    """An .xlsx workbook; every string cell is typed text, never a formula."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
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
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
