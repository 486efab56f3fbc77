"""The column reader (fastexcel text + exact types on demand) against the row reader it replaced.

python-calamine, row by row, is the reference: every cell's type and every Excel row number
must come out the same, and a text that a number cell could also have given must be read by
what the cell really is, wherever that changes the value.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.styles import Font

import store
from loaders import parse as P
from loaders import read as R
from loaders.ingest import ingest_file
from loaders.validate import INT_BLIND, _outcome, _same

CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda x: round(x, 4)),
    st.sampled_from(["1.125", "1.250", "0499", "true", "false", "12", "1.5", "-0", "7,6 mio.", "I alt"]),
    st.text(alphabet="abcæøå ÆØÅ.,-0123456789", min_size=1, max_size=12),
    st.booleans(),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


def reference_rows(path: Path) -> list[tuple[int, list[object]]]:
    """The row reader's view of the first sheet (python-calamine), trailing blanks dropped."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    try:
        sheet = R._rows_sheet(wb, path.name, wb.sheet_names[0], False)
    finally:
        wb.close()
    return sheet.rows


def trimmed(rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[object]]]:
    out = []
    for n, cells in rows:
        cells = list(cells)
        while cells and cells[-1] is None:
            cells.pop()
        out.append((n, cells))
    return out


def write(
    path: Path, rows: list[list[object]], *, top: int = 1, left: int = 1, styled_blank: bool = False
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ark"
    if styled_blank:
        ws.cell(1, 1).font = Font(bold=True)  # <c r="A1" s="1"/>: formatted, no value
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v is not None:
                ws.cell(top + i, left + j, v)
    wb.save(path)
    return path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8),
    top=st.integers(min_value=1, max_value=4),
    left=st.integers(min_value=1, max_value=3),
    styled_blank=st.booleans(),
)
def test_column_reader_gives_the_row_readers_cells_and_row_numbers(
    tmp_path_factory, rows, top, left, styled_blank
):
    path = write(
        tmp_path_factory.mktemp("c") / "ark.xlsx", rows, top=top, left=left, styled_blank=styled_blank
    )
    (sheet,) = R.read_file(path)
    expected = reference_rows(path)
    if not expected:
        assert sheet.n == 0
        return
    assert sheet.columnar
    assert trimmed(sheet.rows) == trimmed(expected)


def test_number_cell_and_danish_text_with_the_same_digits_are_told_apart(tmp_path):
    """1.125 typed as a number is one and an eighth; "1.125" typed as text is Danish for 1125."""
    path = write(
        tmp_path / "bevillinger.xlsx",
        [
            ["Pulje", "År", "Projekt", "Modtager", "Beløb"],
            ["AI-puljen", 2024, "Tal", "Rigshospitalet", 1.125],
            ["AI-puljen", 2024, "Tekst", "Rigshospitalet", "1.125"],
            ["AI-puljen", 2024, "Heltal", "Rigshospitalet", 1250000],
            ["AI-puljen", 2024, "Heltal som tekst", "Rigshospitalet", "1250000"],
        ],
    )
    con = store.connect(tmp_path / "o.duckdb")
    (res,) = ingest_file(con, path)
    assert res.status == "loaded", res.as_dict()
    got = dict(con.execute("SELECT project, amount_dkk FROM allocations").fetchall())
    assert got == {
        "Tal": Decimal("1.12"),  # to whole øre, half to even, as parse_amount rounds every amount
        "Tekst": Decimal("1125.00"),
        "Heltal": Decimal("1250000.00"),
        "Heltal som tekst": Decimal("1250000.00"),
    }


def test_the_second_read_happens_only_when_a_cells_type_changes_its_value(tmp_path, monkeypatch):
    reads: list[str] = []
    real = R._columns_sheet

    def spy(reader, *a, **k):
        sheet = real(reader, *a, **k)
        inner = sheet._exact_reader

        def counted(dtype):
            reads.append(dtype)
            return inner(dtype)

        sheet._exact_reader = counted
        return sheet

    monkeypatch.setattr(R, "_columns_sheet", spy)
    whole = [["Pulje", "År", "Projekt", "Modtager", "Beløb"]] + [
        ["AI-puljen", 2024, f"P{i}", "Rigshospitalet", 1000 * i if i % 2 else f"{i}.000"]
        for i in range(1, 50)
    ]
    con = store.connect(tmp_path / "o.duckdb")
    (res,) = ingest_file(con, write(tmp_path / "hele.xlsx", whole))
    assert res.status == "loaded"
    assert reads == []  # whole kroner: a number cell and its digits as text parse alike
    whole.append(["AI-puljen", 2024, "Øre", "Rigshospitalet", 1.125])
    (res,) = ingest_file(con, write(tmp_path / "oere.xlsx", whole))
    assert res.status == "loaded"
    assert reads == ["boolean", "float"]


@given(n=st.integers(min_value=0, max_value=10**15 - 1))
def test_whole_numbers_read_alike_from_a_number_cell_and_from_text_for_int_blind_parsers(n):
    for parser in INT_BLIND:
        assert _same(_outcome(parser, float(n)), _outcome(parser, str(n))), (parser, n)


@given(texts=st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=20))
def test_text_the_clean_pattern_passes_is_text_clean_text_keeps(texts):
    import pyarrow as pa
    import pyarrow.compute as pac

    mask = pac.match_substring_regex(pa.array(texts), R._CLEAN_TEXT).to_pylist()
    for text, clean in zip(texts, mask, strict=True):
        if clean:
            assert P.clean_text(text) == text, repr(text)


def test_clean_pattern_in_arrow_agrees_with_clean_text_on_awkward_text():
    import pyarrow as pa
    import pyarrow.compute as pac

    samples = [
        "Rigshospitalet", " foran", "bagved ", "to  mellemrum", "'=SUM(A1)", "linje\nskift", "tab\there",
        "hård\xa0mellemrum", "Ærø Å", "a", "x y z", "nul\u200bbredde", "€ 5", "A-B/C (D)", "ﬁ ligatur",
    ]  # fmt: skip
    mask = pac.match_substring_regex(pa.array(samples), R._CLEAN_TEXT).to_pylist()
    for text, clean in zip(samples, mask, strict=True):
        if clean:
            assert P.clean_text(text) == text, text
    assert mask[0] and not mask[1] and not mask[2] and not mask[3] and not mask[4] and not mask[5]


def test_sheet_that_starts_below_and_right_keeps_excels_row_numbers_through_ingest(tmp_path):
    path = write(
        tmp_path / "b.xlsx",
        [
            ["Bevillinger 2024"],
            [None],
            ["Pulje", "År", "Projekt", "Modtager", "Beløb"],
            ["AI-puljen", 2024, "A", "Rigshospitalet", "1.250.000"],
            ["AI-puljen", 2024, "B", "Rigshospitalet", "ikke et tal"],
        ],
        top=4,
        left=3,
        styled_blank=True,
    )
    con = store.connect(tmp_path / "o.duckdb")
    (res,) = ingest_file(con, path)
    assert res.status == "rejected"
    assert [(e.row, e.column) for e in res.errors] == [(8, "Beløb")]
    assert isinstance(con, duckdb.DuckDBPyConnection)


@pytest.mark.parametrize("n", [3, 2000])
def test_totals_repeated_headers_and_sections_are_found_in_a_long_sheet(tmp_path, n):
    header = ["Navn", "Titel", "Organisation"]
    rows: list[list[object]] = [["Deltagere i netværket"], header]
    for i in range(n):
        rows.append([f"Person {i}", "Læge", "Rigshospitalet"])
    rows += [["Eksterne"], header]
    for i in range(n):
        rows.append([f"Ekstern {i}", "Direktør", "Firma A/S"])
    rows.append(["I alt", None, None])
    path = write(tmp_path / "d.xlsx", rows)
    con = store.connect(tmp_path / "o.duckdb")
    (res,) = ingest_file(con, path, set_values={"network": "AI-Innovationsnetværket"})
    assert res.status == "loaded", res.as_dict()
    assert sorted(why for _, why in res.skipped) == ["repeated_header", "section", "total"]
    assert con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_external) FROM memberships"
    ).fetchone() == (
        2 * n,
        n,
    )
