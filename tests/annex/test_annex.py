"""The committee annex on the demo data: the figures it shows are the overview's, the HTML fetches
nothing, the PDF has its pages numbered and the region in its header, the workbook holds typed
numbers and dates, a viewer's annex holds no name, and the next annex for the same filters lists
exactly what the uploads in between added or changed."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import store
from dashboard import annex, queries
from dashboard import format as fmt
from dashboard.queries import Filters
from loaders.ingest import ingest_file
from store import annexes
from store.backup import clone
from tests.builders import write_xlsx

ROOT = Path(__file__).resolve().parents[2]
SYD = Filters(region=("Region Syddanmark",), year_from=2024, year_to=2028)
FILTER_SETS = {"syddanmark-2024-2028": SYD, "all": Filters()}


@pytest.fixture
def demo(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    return demo_db


@pytest.fixture
def copy(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo store the test may write to (annexes are kept in the store)."""
    db = clone(demo_db, tmp_path / "copy.sqlite")
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db


def expected_figures(f: Filters, lang: str = "da") -> list[str]:
    k = queries.kpis(f)
    return [
        fmt.number(k.active_networks, lang), fmt.number(k.participants, lang), fmt.number(k.organisations, lang),
        fmt.number(k.meetings_last, lang), fmt.amount(k.eu_region_share, lang), fmt.amount(k.granted or 0, lang),
    ]  # fmt: skip


def shown_figures(doc: str) -> list[str]:
    return re.findall(r'<div class="value">(.*?)</div>', doc)


def member_names(db: Path) -> set[str]:
    with store.connect(db, read_only=True) as con:
        return {r[0] for r in con.execute("SELECT DISTINCT person FROM memberships").fetchall()}


def xlsx_text(raw: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.mark.parametrize("f", FILTER_SETS.values(), ids=FILTER_SETS.keys())
def test_the_html_shows_the_overview_figures_and_fetches_nothing(demo: Path, f: Filters) -> None:
    raw, a = annex.make(f, "html", keep=False)
    doc = raw.decode("utf-8")
    assert shown_figures(doc) == expected_figures(f)
    assert a.filters_text in doc and "ledelse" in doc
    assert "Plotly.newPlot" in doc and len(raw) > 1_000_000  # plotly's JavaScript is in the file
    tags = re.findall(r"<(?:script|link)\b[^>]*>", doc, flags=re.I)
    assert tags and not [t for t in tags if re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", t, re.I)]


def test_filters_in_words() -> None:
    assert annex.filters_in_words(SYD) == "Region Syddanmark, 2024-2028, alle programmer"
    assert annex.filters_in_words(Filters(), "en") == "All regions, all years, all programmes"


def pdf_pages_and_text(raw: bytes, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "annex.pdf"
    path.write_bytes(raw)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return pages, text.stdout.replace("\xa0", " ")


@pytest.mark.parametrize(
    ("f", "lang", "pages", "words"),
    [(SYD, "da", (3, 6), "Side 1 af"), (Filters(), "en", (4, 9), "Page 1 of")],
    ids=["syddanmark-da", "all-en"],
)
def test_the_pdf_has_numbered_pages_the_region_and_the_figures(
    demo: Path, tmp_path: Path, f: Filters, lang: str, pages: tuple[int, int], words: str
) -> None:
    raw, a = annex.make(f, "pdf", lang=lang, keep=False)
    n, text = pdf_pages_and_text(raw, tmp_path)
    assert pages[0] <= n <= pages[1]
    assert f"{words} {n}" in text
    assert (f"Side {n} af {n}" if lang == "da" else f"Page {n} of {n}") in text
    assert a.head_text.replace("\xa0", " ") in text  # the running header: region and date
    for value in expected_figures(f, lang):
        assert value.replace("\xa0", " ") in text


def test_the_workbook_has_typed_numbers_and_dates_and_every_row(demo: Path) -> None:
    raw, _ = annex.make(SYD, "xlsx", keep=False)
    wb = openpyxl.load_workbook(io.BytesIO(raw))
    assert {"Nøgletal", "Bevillinger", "Seneste aktivitet", "Kilder"} <= set(wb.sheetnames)
    ws = wb["Bevillinger"]
    header = [c.value for c in ws[1]]
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) == len(queries.allocations(SYD, limit=None))
    amounts = [r[header.index("Beløb")] for r in rows]
    assert amounts and all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in amounts)
    assert all(isinstance(r[header.index("År")].value, int) for r in rows)
    meetings = wb["Seneste aktivitet"]
    assert all(isinstance(r[0].value, dt.datetime) for r in meetings.iter_rows(min_row=2))
    figures = {r[0].value: r[1].value for r in wb["Nøgletal"].iter_rows(min_row=2)}
    assert figures["Deltagere"] == queries.kpis(SYD).participants


def test_a_viewers_annex_holds_no_name_and_a_leaders_does(demo: Path) -> None:
    names = {n for n in member_names(demo) if len(n) > 5}
    f = Filters()
    leader = annex.make(f, "html", "leader", keep=False)[0].decode() + xlsx_text(
        annex.make(f, "xlsx", "leader", keep=False)[0]
    )
    viewer = annex.make(f, "html", "viewer", keep=False)[0].decode() + xlsx_text(
        annex.make(f, "xlsx", "viewer", keep=False)[0]
    )
    assert [n for n in names if n in leader]
    assert [n for n in names if n in viewer] == []
    assert "udvalgsmedlem" in viewer and "uden personnavne" in viewer


def test_the_next_annex_lists_what_the_uploads_since_changed(copy: Path, tmp_path: Path) -> None:
    first, a1 = annex.make(SYD, "html", keep=True)
    assert a1.since is None and "Siden sidste bilag" not in first.decode()
    annex.make(Filters(region=("Region Hovedstaden",)), "html", keep=True)  # other filters: not compared
    header = ["Netværk", "Dato", "Tema", "Type"]
    rows = [
        ["Digitaliserings- og Innovationsudvalget", dt.datetime(2025, 11, 20), "Ny dagsorden", "Udvalgsmøde"],
        ["Digitaliserings- og Innovationsudvalget", dt.datetime(2025, 12, 15), "Budget 2026", "Udvalgsmøde"],
        ["AI-Innovationsnetværket", dt.datetime(2025, 12, 1), "Uden for filtrene", "Netværksmøde"],
    ]
    con = store.connect(copy)
    try:
        assert [
            p.status for p in ingest_file(con, write_xlsx(tmp_path / "m.xlsx", {"Møder": [header, *rows]}))
        ] == ["loaded"]
    finally:
        con.close()
    queries.kpis.clear()
    second, a2 = annex.make(SYD, "html", keep=True)
    assert a2.since is not None
    listed = a2.since.rows.values.tolist()
    assert listed == [
        ["Møder", "Ændret", "20.11.2025, Digitaliserings- og Innovationsudvalget, Udvalgsmøde: Ny dagsorden"],
        ["Møder", "Ny", "15.12.2025, Digitaliserings- og Innovationsudvalget, Udvalgsmøde: Budget 2026"],
    ]
    deltas = {r["Nøgletal"]: r["Ændring"] for r in a2.since.deltas.to_dict("records")}
    assert deltas.pop("Møder 2025") == "+1"
    assert set(deltas.values()) == {"uændret"}
    doc = second.decode()
    assert f"Siden sidste bilag ({fmt.date_long(a1.made_at)})" in doc and "Budget 2026" in doc
    assert "Uden for filtrene" not in doc
    with store.connect(copy, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM annexes").fetchall()[0][0] == 3


def run_cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "OVERBLIK_DB": str(db), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "dashboard.annex", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_the_command_line_writes_the_annex_and_refuses_a_bad_year(copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "bilag.xlsx"
    ok = run_cli(
        "--region", "Region Syddanmark", "--from", "2024", "--to", "2028", "--out", str(out), db=copy
    )
    assert ok.returncode == 0, ok.stderr
    assert "Bevillinger" in openpyxl.load_workbook(out).sheetnames
    bad = run_cli("--from", "tjuefireogtyve", "--out", str(tmp_path / "x.pdf"), db=copy)
    assert bad.returncode == 2
    assert "--from" in bad.stderr and "Traceback" not in bad.stderr + bad.stdout
    assert not (tmp_path / "x.pdf").exists()


def load_meetings(db: Path, tmp_path: Path) -> None:
    """A batch that changes one meeting under SYD and adds one (and one outside the filters)."""
    header = ["Netværk", "Dato", "Tema", "Type"]
    rows = [
        ["Digitaliserings- og Innovationsudvalget", dt.datetime(2025, 11, 20), "Ny dagsorden", "Udvalgsmøde"],
        ["Digitaliserings- og Innovationsudvalget", dt.datetime(2025, 12, 15), "Budget 2026", "Udvalgsmøde"],
        ["AI-Innovationsnetværket", dt.datetime(2025, 12, 1), "Uden for filtrene", "Netværksmøde"],
    ]
    con = store.connect(db)
    try:
        plans = ingest_file(con, write_xlsx(tmp_path / "m.xlsx", {"Møder": [header, *rows]}))
        assert [p.status for p in plans] == ["loaded"]
    finally:
        con.close()
    queries.kpis.clear()


def test_every_copy_of_the_same_state_tells_the_same_changes(copy: Path, tmp_path: Path) -> None:
    """A leader downloads the PDF, then the Excel, then the committee's copy: each compares with the
    annex made before the upload, never with the copy just made (which would say 'nothing new')."""
    _, first = annex.make(SYD, "html", keep=True)
    load_meetings(copy, tmp_path)
    _, pdf = annex.make(SYD, "pdf", keep=True)
    raw, xlsx = annex.make(SYD, "xlsx", keep=True)
    _, committee = annex.make(SYD, "html", "viewer", keep=True)
    expected = [
        ["Møder", "Ændret", "20.11.2025, Digitaliserings- og Innovationsudvalget, Udvalgsmøde: Ny dagsorden"],
        ["Møder", "Ny", "15.12.2025, Digitaliserings- og Innovationsudvalget, Udvalgsmøde: Budget 2026"],
    ]
    with store.connect(copy, read_only=True) as con:
        (first_kept,) = [k for k in annexes.listing(con) if k.last_batch == first.last_batch]
    for a in (pdf, xlsx, committee):
        assert a.since is not None and a.since.made_at == first_kept.made_at
        assert a.since.rows.values.tolist() == expected
    sheet = openpyxl.load_workbook(io.BytesIO(raw))["Siden sidste bilag"]
    listed = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [r[:3] for r in listed[:2]] == expected


def test_the_change_sheet_has_the_headline_figures_as_numbers(copy: Path, tmp_path: Path) -> None:
    annex.make(SYD, "html", keep=True)
    load_meetings(copy, tmp_path)
    raw, a = annex.make(SYD, "xlsx", keep=True)
    ws = openpyxl.load_workbook(io.BytesIO(raw))["Siden sidste bilag"]
    header = [c.value for c in ws[1]]
    assert header == ["Område", "Ændring", "Hvad", "Sidste bilag", "Nu", "Forskel"]
    figures = {r[2].value: r for r in ws.iter_rows(min_row=2) if r[0].value == "Nøgletal"}
    assert set(figures) == {x.label for x in a.figures}
    meetings = figures["Møder 2025"]
    assert (meetings[3].value, meetings[4].value, meetings[5].value) == (2, 3, 1)
    assert meetings[1].value == "+1" and meetings[4].data_type == "n"
    share = figures["Regionens EU-andel"]
    assert share[4].value == pytest.approx(103_250_000) and share[5].value == 0


def test_the_sources_sheet_has_the_upload_time_as_a_date(demo: Path) -> None:
    raw, a = annex.make(SYD, "xlsx", keep=False)
    ws = openpyxl.load_workbook(io.BytesIO(raw))["Kilder"]
    header = [c.value for c in ws[1]]
    when = [r[header.index("Indlæst")] for r in ws.iter_rows(min_row=2)]
    assert when and all(isinstance(c.value, dt.datetime) and c.is_date for c in when)
    # The document writes it as the pages do: '07.12.2026 01:37'.
    shown = a.sources.shown("da")["Indlæst"]
    assert all(re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", v) for v in shown)


def test_the_annex_compares_2020_with_2019_and_says_which_filters_a_figure_ignores(demo: Path) -> None:
    _, a = annex.make(Filters(year_from=2020, year_to=2020, organisation=("Roche",)), "html", keep=False)
    by = {x.key: x for x in a.figures}
    assert by["meetings_last"].label == "Møder 2020" and by["meetings_last"].text == "13"
    assert by["meetings_last"].note.startswith("+1 fra året før")  # 2019 had 12, whatever the range
    assert "Følger ikke filteret Organisation." in by["granted"].note
    assert "Følger ikke filteret Organisation." in by["eu_region_share"].note
    assert "Følger ikke filteret År." in by["participants"].note
    assert by["active_networks"].value == 3  # the networks active at the end of 2020
