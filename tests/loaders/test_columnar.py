"""The column reader (fastexcel text, exact types where they change a value) against the row reader.

python-calamine, row by row, is the reference: every cell and every Excel row number must come
out the same. Digits typed as text and a number cell with the same digits are allowed to come
out alike only because every parser reads them alike (tested below); where a parser would not
("1.125", "true", 16 digits), the reader types the cell exactly.
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
from loaders.validate import PARSERS

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
    assert [(n, [_alike(c) for c in cells]) for n, cells in trimmed(sheet.rows)] == [
        (n, [_alike(c) for c in cells]) for n, cells in trimmed(expected)
    ]


def _alike(cell: object) -> object:
    """A cell as every parser sees it: number text that reads the same as its number is the number."""
    if isinstance(cell, str) and not R._TYPE_MATTERS_RE.match(cell):
        guessed = R.guess(cell)
        if isinstance(guessed, float):
            return guessed
    if isinstance(cell, int) and not isinstance(cell, bool):
        return float(cell)
    return cell


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
    con = store.connect(tmp_path / "o.sqlite")
    (res,) = ingest_file(con, path)
    assert res.status == "loaded", res.as_dict()
    got = dict(con.execute("SELECT project, amount_dkk FROM allocations").fetchall())
    assert got == {
        "Tal": Decimal("1.13"),  # to whole øre, half up (Danish practice)
        "Tekst": Decimal("1125.00"),
        "Heltal": Decimal("1250000.00"),
        "Heltal som tekst": Decimal("1250000.00"),
    }


def test_the_second_read_happens_only_when_a_cells_type_changes_its_value(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERBLIK_ISOLATE", "0")  # the spy counts in this process, not in a child
    reads: list[list[int]] = []
    real = R.RawSheet.from_arrow.__func__

    def spy(cls, file, sheet, batch, first_row, exact, hidden=False):
        def counted(columns):
            reads.append(columns)
            return exact(columns)

        return real(cls, file, sheet, batch, first_row, counted, hidden)

    monkeypatch.setattr(R.RawSheet, "from_arrow", classmethod(spy))
    whole = [["Pulje", "År", "Projekt", "Modtager", "Beløb"]] + [
        ["AI-puljen", 2024, f"P{i}", "Rigshospitalet", 1000 * i if i % 2 else f"{i}.000"]
        for i in range(1, 50)
    ]
    con = store.connect(tmp_path / "o.sqlite")
    (res,) = ingest_file(con, write(tmp_path / "hele.xlsx", whole))
    assert res.status == "loaded"
    # "2.000" can only be text (a number cell is written without trailing zeros): no second read.
    assert reads == []
    whole.append(["AI-puljen", 2024, "Øre", "Rigshospitalet", 1.125])
    (res,) = ingest_file(con, write(tmp_path / "oere.xlsx", whole))
    assert res.status == "loaded"
    assert reads == [[4]]  # "1.125" may be a number or text: only the amount column is read again
    assert con.execute("SELECT amount_dkk FROM allocations WHERE project = 'Øre'").fetchall()[0][
        0
    ] == Decimal("1.13")


NUMBER_TEXT = st.one_of(
    st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1).map(str),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3, allow_nan=False).map(str),
)


@settings(max_examples=300)
@given(text=NUMBER_TEXT)
def test_every_parser_reads_number_text_like_its_number_unless_the_reader_types_it(text):
    """The reader keeps number text as a float unless its type matters: so it must not matter."""
    value = R.guess(text)
    if not isinstance(value, float) or R._TYPE_MATTERS_RE.match(text):
        return
    for name, parser in PARSERS.items():
        assert _outcome(parser, value) == _outcome(parser, text), (name, text)


def _outcome(parser, v):
    try:
        return ("ok", parser(v), type(parser(v)).__name__)
    except P.ParseError as e:
        return ("error", e.code)


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
    con = store.connect(tmp_path / "o.sqlite")
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
    con = store.connect(tmp_path / "o.sqlite")
    (res,) = ingest_file(con, path, set_values={"network": "AI-Innovationsnetværket"})
    assert res.status == "loaded", res.as_dict()
    assert sorted(s.reason for s in res.skipped) == ["repeated_header", "section", "title", "total"]
    assert con.execute(
        "SELECT count(*), count(*) FILTER (WHERE is_external) FROM memberships"
    ).fetchone() == (
        2 * n,
        n,
    )
