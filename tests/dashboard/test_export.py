"""Exports for Danish Excel (dashboard/export.py): CSV with BOM and ';', .xlsx with typed text, no formulas.

Both are checked from the outside: the CSV by its bytes, the csv module and the loaders that read an
upload back; the workbook with openpyxl, its raw XML and python-calamine (the loaders' reader).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import export
from loaders.parse import clean_text
from loaders.read import read_csv, read_file

BOM = b"\xef\xbb\xbf"
DANGEROUS = ["=SUM(A1)", "+45 12 34 56", "-2+3", "@SUM(A1)", '=HYPERLINK("http://x";"klik")']


def frame() -> pd.DataFrame:
    """Shaped like a query result: pandas str columns (NaN for missing), float64, Int32, datetime64."""
    return pd.DataFrame(
        {
            "Netværk": ["=SUM(A1)", "+45 12 34 56", "-2+3", "@SUM(A1)", 'Ærø; "Sønderjylland"', None],
            "Beløb (kr.)": [1.5, -5.0, 0.0, 2_000_000.0, np.nan, 1_650_000.25],
            "Deltagere": pd.array([1, None, 3, -5, 5, 6], dtype="Int32"),
            "Mødedato": pd.to_datetime(
                ["2025-10-28", "2025-01-05", None, "2019-06-17", "2025-10-28", "2025-10-28"]
            ),
        }
    ).astype({"Netværk": "str"})


def parse(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


# ---------------------------------------------------------------- CSV


def test_csv_starts_with_the_utf8_bom_and_is_utf8():
    data = export.to_csv(frame())
    assert data.startswith(BOM)
    assert not data[3:].startswith(BOM)  # exactly one BOM
    data[3:].decode("utf-8")  # strict: no cp1252 bytes


def test_csv_is_semicolon_separated_with_danish_headers_kept():
    data = export.to_csv(frame())
    first_line = data[3:].decode("utf-8").splitlines()[0]
    assert first_line == "Netværk;Beløb (kr.);Deltagere;Mødedato"
    rows = parse(data)
    assert all(len(r) == 4 for r in rows)  # the ';' inside a cell is quoted, not a new column
    assert len(rows) == 1 + len(frame())
    assert "æ".encode() in data and "ø".encode() in data


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_text_starting_with_a_formula_character_gets_an_apostrophe(text):
    df = pd.DataFrame({"Tekst": [text]}).astype("str")
    rows = parse(export.to_csv(df))
    assert rows[1][0] == "'" + text


def test_csv_guards_every_formula_start_in_the_frame():
    rows = parse(export.to_csv(frame()))
    cells = [r[0] for r in rows[1:]]
    assert cells[:4] == ["'=SUM(A1)", "'+45 12 34 56", "'-2+3", "'@SUM(A1)"]
    assert cells[4] == 'Ærø; "Sønderjylland"'  # ordinary text untouched
    assert cells[5] == ""  # missing text is an empty cell, not "nan"


@pytest.mark.parametrize("text", ["SUM(A1)", "Region Syddanmark", "a=b", "e-mail", " =x", "'quoted"])
def test_csv_leaves_text_without_a_leading_formula_character(text):
    df = pd.DataFrame({"Tekst": [text]}).astype("str")
    assert parse(export.to_csv(df))[1][0] == text


def test_csv_numbers_are_not_apostrophed_and_use_decimal_comma():
    rows = parse(export.to_csv(frame()))
    amounts = [r[1] for r in rows[1:]]
    counts = [r[2] for r in rows[1:]]
    assert amounts == ["1,5", "-5,0", "0,0", "2000000,0", "", "1650000,25"]  # NaN is empty, never 0
    assert counts == ["1", "", "3", "-5", "5", "6"]  # a negative number stays a number; pd.NA is empty
    assert not any(c.startswith("'") for c in amounts + counts)


def test_csv_negative_integer_column_stays_plain():
    df = pd.DataFrame({"Antal": [-5, 3]})
    assert parse(export.to_csv(df))[1:] == [["-5"], ["3"]]


def test_csv_dates_day_first_and_missing_date_empty():
    rows = parse(export.to_csv(frame()))
    assert [r[3] for r in rows[1:]] == [
        "28-10-2025",
        "05-01-2025",
        "",
        "17-06-2019",
        "28-10-2025",
        "28-10-2025",
    ]


def test_csv_has_no_index_column():
    rows = parse(export.to_csv(frame()))
    assert rows[0][0] == "Netværk"


def test_csv_does_not_change_the_frame():
    df = frame()
    before = df.copy()
    export.to_csv(df)
    pd.testing.assert_frame_equal(df, before)


def test_csv_round_trip_through_the_loaders_strips_the_apostrophe(tmp_path):
    """Exported, then uploaded again: loaders.read.read_csv + clean_text give the original text back."""
    path = tmp_path / "moeder.csv"
    path.write_bytes(export.to_csv(frame()))
    sheet = read_csv(path)
    assert not sheet.problems
    header = sheet.rows[0][1]
    assert header == ["Netværk", "Beløb (kr.)", "Deltagere", "Mødedato"]  # the BOM is not in the first header
    cells = [clean_text(cells[0]) for _, cells in sheet.rows[1:]]
    assert cells == ["=SUM(A1)", "+45 12 34 56", "-2+3", "@SUM(A1)", 'Ærø; "Sønderjylland"', None]
    # the raw cell still has the guard: only clean_text removes it
    assert sheet.rows[1][1][0] == "'=SUM(A1)"
    # the negative number was never guarded, so it reads back as the same text
    assert sheet.rows[4][1][2] == "-5"


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_round_trip_each_dangerous_value(tmp_path, text):
    path = tmp_path / "x.csv"
    path.write_bytes(export.to_csv(pd.DataFrame({"A": [text], "B": ["b"]}).astype("str")))
    sheet = read_csv(path)
    assert clean_text(sheet.rows[1][1][0]) == text


# ---------------------------------------------------------------- XLSX


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def test_xlsx_headers_in_the_first_row_bold():
    ws = workbook(export.to_xlsx(frame())).active
    assert [c.value for c in ws[1]] == ["Netværk", "Beløb (kr.)", "Deltagere", "Mødedato"]
    assert all(c.font.bold for c in ws[1])
    assert ws.max_row == 1 + len(frame())


def test_xlsx_formula_like_text_is_a_string_cell_not_a_formula():
    ws = workbook(export.to_xlsx(frame())).active
    col = [ws.cell(row=r, column=1) for r in range(2, 6)]
    assert [c.value for c in col] == ["=SUM(A1)", "+45 12 34 56", "-2+3", "@SUM(A1)"]  # no apostrophe in xlsx
    assert [c.data_type for c in col] == ["s", "s", "s", "s"]
    assert ws["A2"].data_type != "f"


def test_xlsx_raw_xml_holds_no_formula_element():
    data = export.to_xlsx(pd.DataFrame({"A": DANGEROUS}).astype("str"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in xml and "<f " not in xml
    assert xml.count('t="inlineStr"') == 1 + len(DANGEROUS)  # header + every value as typed text


def test_xlsx_read_by_calamine_as_text(tmp_path):
    """The loaders' own reader sees the text, not a formula or its result."""
    path = tmp_path / "moeder.xlsx"
    path.write_bytes(export.to_xlsx(frame(), "Møder"))
    (sheet,) = read_file(path)
    assert sheet.sheet == "Møder"
    assert [r for _, r in sheet.rows][0] == ["Netværk", "Beløb (kr.)", "Deltagere", "Mødedato"]
    assert [clean_text(r[0]) for _, r in sheet.rows[1:5]] == ["=SUM(A1)", "+45 12 34 56", "-2+3", "@SUM(A1)"]


def test_xlsx_numbers_stay_numbers_and_missing_is_empty():
    ws = workbook(export.to_xlsx(frame())).active
    amounts = [ws.cell(row=r, column=2) for r in range(2, 8)]
    counts = [ws.cell(row=r, column=3) for r in range(2, 8)]
    assert [c.value for c in amounts] == [1.5, -5, 0, 2_000_000, None, 1_650_000.25]
    assert [c.data_type for c in amounts] == ["n"] * 6
    assert [c.value for c in counts] == [1, None, 3, -5, 5, 6]  # pd.NA -> empty cell, never 0
    assert ws.cell(row=7, column=1).value is None  # NaN text -> empty cell, never "nan"


def test_xlsx_dates_are_dates():
    ws = workbook(export.to_xlsx(frame())).active
    assert ws["D2"].value == dt.datetime(2025, 10, 28)
    assert ws["D2"].is_date
    assert ws["D4"].value is None  # NaT -> empty


def test_xlsx_decimal_written_as_number():
    from decimal import Decimal

    ws = workbook(export.to_xlsx(pd.DataFrame({"Beløb": [Decimal("41000000.00"), Decimal("0.5")]}))).active
    assert [ws["A2"].value, ws["A3"].value] == [41_000_000, 0.5]
    assert ws["A2"].data_type == "n"


def test_xlsx_sheet_name_cut_to_excels_31_characters():
    wb = workbook(export.to_xlsx(frame(), "Bevillinger pr. pulje og år, alle regioner"))
    assert wb.sheetnames == ["Bevillinger pr. pulje og år, al"]
    assert len(wb.sheetnames[0]) == 31
    assert workbook(export.to_xlsx(frame())).sheetnames == ["Data"]


def test_xlsx_column_widths_fit_within_bounds():
    df = pd.DataFrame({"A": ["x" * 200], "Et langt dansk kolonnenavn": ["y"]}).astype("str")
    ws = workbook(export.to_xlsx(df)).active
    assert ws.column_dimensions["A"].width == 60  # capped
    assert ws.column_dimensions["B"].width == len("Et langt dansk kolonnenavn") + 2


def test_xlsx_empty_frame_has_only_headers():
    df = frame().iloc[0:0]
    ws = workbook(export.to_xlsx(df)).active
    assert ws.max_row == 1
    assert [c.value for c in ws[1]] == list(df.columns)
