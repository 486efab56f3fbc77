"""Hostile files (issue 12, findings 1-4): no upload can crash or exhaust the process that reads it.

Each file is built in code (tests/hostile_files.py). What is checked: the file is refused with
the right code and a message naming it, before a reader allocates, and the process that asked
lives on; what gets past the checks meets the limits of the child process the readers run in.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import store
from loaders import read as read_mod
from loaders.ingest import examine_isolated, ingest_file
from loaders.isolate import Limits, run_isolated
from loaders.problems import LoaderError
from loaders.read import read_csv
from loaders.safety import XLS_MAX_CELLS, check_file, member_chunks
from tests import hostile_files as H

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def con(tmp_path: Path):
    c = store.connect(tmp_path / "t.sqlite")
    yield c
    c.close()


@pytest.fixture
def no_reader(monkeypatch):
    """A refused file must be refused before any workbook reader runs."""

    def boom(*a, **k):
        raise AssertionError("a reader ran")

    monkeypatch.setattr(read_mod, "_read_excel", boom)


def refused(path: Path, code: str, **kw) -> LoaderError:
    with pytest.raises(LoaderError) as e:
        check_file(path, **kw)
    assert e.value.problem.code == code, e.value.problem.as_dict()
    return e.value


# ---------------------------------------------------------------- 1 sparse cells


@pytest.mark.parametrize("dimension", [None, b"A1:C2"])
def test_one_cell_at_xfd1048576_is_refused_by_what_the_sheet_holds_before_any_reader(
    tmp_path, no_reader, dimension
):
    f = H.sparse_cells(tmp_path, dimension)
    assert f.stat().st_size < 10_000
    e = refused(f, "file.dimensions")
    assert e.problem.params == {"sheet": "Deltagere", "dims": "1.048.576 x 16.384"}  # the tab, not 'sheet1'
    assert "Deltagere" in e.problem.message() and "1.048.576 x 16.384" in e.problem.message()


@pytest.mark.parametrize("form", list(H.FAR_CELL_FORMS))
def test_a_far_cell_is_found_however_the_xml_writes_its_reference(tmp_path, no_reader, form):
    """Quotes, spaces, case, character references, prefixes, a quoted '>', cells without r: each
    is XML a reader accepts, and each asked it for 512 GiB past the old scan."""
    e = refused(H.far_cell(tmp_path, form), "file.dimensions")
    assert e.problem.params == {"sheet": "Deltagere", "dims": "1.048.576 x 16.384"}


def test_cells_without_references_are_placed_as_a_reader_places_them(tmp_path):
    """Rows without r follow the row before; a cell without r takes the next place in its row:
    a sheet written so is read, and its size counted exactly."""
    rows = b"".join(b"<row>" + b"<c><v>%d</v></c>" % i * 3 + b"</row>" for i in range(5))
    f = H._far_rows(tmp_path, rows, "no_refs.xlsx")
    assert check_file(f, max_cells=16 * 3) == "xlsx"  # 11 rows of the list, then 5 more, 3 wide
    e = refused(f, "file.dimensions", max_cells=16 * 3 - 1)
    assert e.problem.params["dims"] == "16 x 3"
    (sheet,) = read_mod.read_file(f)  # where the reader puts them
    assert sheet.rows[-2:] == [(15, [3.0, 3.0, 3.0]), (16, [4.0, 4.0, 4.0])]


def test_a_declared_huge_dimension_is_not_trusted_either_way(tmp_path):
    """A <dimension> that claims the whole grid over three cells is only a claim: the sheet reads."""
    src = H._members(tmp_path)
    xml = H._sheet_xml(src)
    start = xml.index(b"<dimension")
    xml = xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[xml.index(b">", start) + 1 :]
    f = H._rezip(src, tmp_path / "claims.xlsx", {H.SHEET1: xml})
    (sheet,) = read_mod.read_file(f)
    assert sheet.n == 10


def test_the_server_lives_on_when_a_reader_is_asked_for_too_much(tmp_path):
    """Past the checks (here: the check itself switched off), the reader aborts in the child at its
    memory limit; the parent gets a message naming the limit, not a dead process."""
    f = H.sparse_cells(tmp_path)
    limits = Limits(memory_mb=1024, max_cells=10**12)
    with pytest.raises(LoaderError) as e:
        examine_isolated(f, limits=limits)
    assert e.value.problem.code == "file.limit"
    assert (
        "1.024 MB" in e.value.problem.message() and "for stor eller beskadiget" in e.value.problem.message()
    )


def _slow(progress=None):
    """Sleeps far past any test's wall limit (module level: the helper gets it by pickle)."""
    import time

    time.sleep(30)


@pytest.mark.parametrize("threaded", [False, True], ids=["forked-directly", "through-the-helper"])
def test_a_child_that_runs_out_of_time_is_stopped(threaded, monkeypatch):
    """Both ways a child is made: forked by a single-threaded command line, and by the helper
    process of a threaded server (which is what pytest-xdist's threads look like)."""
    import threading
    import time

    monkeypatch.setattr(threading, "active_count", lambda: 2 if threaded else 1)
    started = time.monotonic()
    with pytest.raises(LoaderError) as e:
        run_isolated(_slow, (), limits=Limits(wall_seconds=1))
    assert e.value.problem.code == "file.limit" and time.monotonic() - started < 10


# ---------------------------------------------------------------- 2 a zip that lies


def test_a_member_is_counted_by_what_it_unpacks_to_not_what_it_declares(tmp_path):
    f = H.lying_zip(tmp_path, rows=20_000)
    import zipfile

    with zipfile.ZipFile(f) as zf:
        info = zf.getinfo(H.SHEET1)
        assert info.file_size == 900_000  # the lie
        assert sum(len(c) for c in member_chunks(zf, info)) > 900_000  # the truth
    e = refused(f, "file.zip_bomb", max_unpacked_bytes=500_000)
    assert e.problem.params == {"limit_mb": 0}


def test_a_gigabyte_deflate_bomb_stops_at_the_limit_in_bounded_memory(tmp_path, no_reader):
    import resource

    f = H.deflate_bomb(tmp_path)
    assert f.stat().st_size < 2_000_000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    refused(f, "file.zip_bomb")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KB: counted, never held


def test_more_rows_than_excel_has_are_refused_though_the_zip_declares_little(tmp_path, no_reader):
    src = H._members(tmp_path)
    xml = H._sheet_xml(src).replace(
        b"</sheetData>", b'<row r="3000001"><c r="A3000001"><v>1</v></c></row></sheetData>'
    )
    f = H._rezip(src, tmp_path / "tall.xlsx", {H.SHEET1: xml})
    H._forge_sizes(f, H.SHEET1, 900_000)
    e = refused(f, "file.dimensions")
    assert e.problem.params["dims"] == "3.000.001 x 26"


def test_a_wide_sheet_within_the_limits_is_read(tmp_path):
    """1024 columns with values and a few rows: wide, but small; the exact height is counted."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Navn", "Titel"] + [f"K{i}" for i in range(1022)])
    ws.append(["Anna", "Læge"] + list(range(1022)))
    f = tmp_path / "bred.xlsx"
    wb.save(f)
    assert check_file(f) == "xlsx"


# ---------------------------------------------------------------- 3 the XML scan


@pytest.mark.parametrize("build", [H.doctype_after_comment, H.doctype_in_odd_member])
def test_a_dtd_anywhere_in_any_member_is_refused(tmp_path, no_reader, build):
    refused(build(tmp_path), "file.xml_entities")


# ---------------------------------------------------------------- 4 memory in proportion


def _peak_kb(*args: str) -> tuple[int, int, str]:
    p = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, *args], cwd=ROOT, capture_output=True, text=True
    )
    peak = next(int(x.rsplit(":", 1)[1]) for x in p.stderr.splitlines() if "Maximum resident set size" in x)
    return p.returncode, peak, p.stdout


def test_a_csv_is_read_in_memory_a_few_times_its_size(tmp_path):
    """The untrusted part (read, shape, validate) of a 10 MB CSV, in a process of its own."""
    f = H.big_csv(tmp_path, megabytes=10)
    small = H.big_csv(tmp_path / "small", megabytes=0) if (tmp_path / "small").mkdir() is None else None
    # The baseline reads a one-line CSV the same way: the interpreter and every library loaded.
    baseline = _peak_kb("-c", f"from loaders.ingest import examine; examine({str(small)!r})")[1]
    code, peak, out = _peak_kb("-c", f"from loaders.ingest import examine; examine({str(f)!r}); print('ok')")
    assert code == 0 and "ok" in out
    # Beyond what the interpreter and its libraries take anyway: at most 10x the file (the old
    # reader held the file as text plus a Python list per record: 70x).
    assert (peak - baseline) * 1024 < 10 * f.stat().st_size, (peak, baseline)


def test_the_csv_reader_streams_and_numbers_lines_as_the_file_has_them(tmp_path):
    text = 'Navn;Titel;Organisation\nAnna;"to\nlinjer";AHH\nBo;Læge;OUH\n'
    f = tmp_path / "d.csv"
    f.write_bytes(text.encode("cp1252"))
    sheet = read_csv(f)
    assert [n for n, _ in sheet.rows] == [1, 2, 4]
    assert sheet.rows[2][1] == ["Bo", "Læge", "OUH"]


def _cli_peak(tmp_path: Path, f: Path, *extra: str) -> tuple[int, int, dict]:
    code, peak, out = _peak_kb(
        "-m", "loaders", "ingest", str(f), "--db", str(tmp_path / f"{f.stem}.sqlite"), "--json", *extra
    )  # fmt: skip
    return code, peak, json.loads(out)


def test_a_legacy_xls_grid_past_its_cell_cap_is_refused_before_it_is_read_in_the_memory_of_a_small_file(
    tmp_path,
):
    """One cell at (65535, 255) asked calamine for a grid of 16,7 million cells (1,1 GB): the cell
    records say so before any reader runs, and the command line refusing it needs no more memory
    than it needs to read a small .xls."""
    small = tmp_path / "small"
    small.mkdir()
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Ark1")
    for j, h in enumerate(["Navn", "Titel"]):
        ws.write(0, j, h)
    ws.write(1, 0, "Anna Pors")
    wb.save(str(small / "small.xls"))
    args = ("--kind", "participants", "--set", "network=AI")
    _, baseline, _ = _cli_peak(small, small / "small.xls", *args)
    code, peak, doc = _cli_peak(tmp_path, H.xls_far_cell(tmp_path), *args)
    assert code == 1
    [e] = doc["files"][0]["errors"]
    assert (e["code"], e["sheet"]) == ("file.dimensions", None) and "65.536 x 256" in e["message"]
    assert peak - baseline < 64 * 1024, (peak, baseline)  # KB: the grid was never allocated


@pytest.mark.parametrize("col, fits", [(60, True), (61, False)])
def test_the_xls_cell_cap_is_counted_from_the_cell_records(tmp_path, col, fits):
    """65.536 rows x 61 columns is within the 4 million cells a legacy sheet may span; 62 is not."""
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("Ark1")
    ws.write(0, 0, "Navn")
    ws.write(65535, col, 1)
    f = tmp_path / "edge.xls"
    wb.save(str(f))
    assert 61 * 65_536 <= XLS_MAX_CELLS < 62 * 65_536
    if fits:
        assert check_file(f) == "xls"
    else:
        assert refused(f, "file.dimensions").problem.params == {"sheet": "Ark1", "dims": "65.536 x 62"}


# ---------------------------------------------------------------- 5 memory while building, one child at a time


def wide_line_csv(tmp: Path, lines: int = 100_000, fields: int = 60_000) -> Path:
    out = tmp / "wide_line.csv"
    with out.open("w") as fh:
        fh.write("x\n" * lines)
        fh.write("x;" * (fields - 1) + "x\n")
    return out


def test_a_csv_line_of_60000_fields_under_100000_short_ones_is_refused_while_the_grid_is_built(tmp_path):
    """0,8 MB drove the child to 2,6 GB (a 60.000-column grid of 100.000 rows) before its memory
    limit stopped it: refused by its width, as the grid is built, well within half a gigabyte."""
    f = wide_line_csv(tmp_path)
    assert f.stat().st_size < 1_000_000
    with pytest.raises(LoaderError) as e:
        examine_isolated(f, limits=Limits(memory_mb=512))
    assert e.value.problem.code == "file.dimensions", e.value.problem.as_dict()
    assert e.value.problem.params == {"sheet": "wide_line", "dims": "100.001 x 60.000"}


def test_a_csv_grid_past_max_cells_is_refused_while_it_is_built(tmp_path):
    f = wide_line_csv(tmp_path, lines=1_000, fields=1_000)
    with pytest.raises(LoaderError) as e:
        read_csv(f, max_cells=1_000_000)
    assert e.value.problem.params["dims"] == "1.001 x 1.000"
    assert read_csv(f, max_cells=1_001_000).n == 1_001


def _oom_score(progress=None) -> str:
    with open("/proc/self/oom_score_adj") as fh:
        return fh.read().strip()


def test_the_kernel_kills_a_parsing_child_before_the_server(monkeypatch):
    import threading

    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert run_isolated(_oom_score, (), limits=Limits()) == "1000"
    assert _oom_score() != "1000"  # the parent keeps its place


def _timed(seconds: float, progress=None) -> tuple[float, float]:
    """Its own start and end (CLOCK_MONOTONIC: one clock for every process on the machine)."""
    import time

    start = time.monotonic()
    time.sleep(seconds)
    return start, time.monotonic()


def test_one_parsing_child_at_a_time_and_a_waiting_upload_gets_its_whole_wall_clock():
    """Two uploads at once in a threaded server: the second child starts when the first has ended,
    and its wall limit (2 s) counts from then, so both finish though together they take 3 s."""
    import threading

    out: list[object] = [None, None]

    def upload(i: int) -> None:
        try:
            out[i] = run_isolated(_timed, (1.5,), limits=Limits(wall_seconds=2))
        except LoaderError as e:
            out[i] = e.problem.code

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(isinstance(r, tuple) for r in out), out
    (a0, a1), (b0, b1) = sorted(out)  # type: ignore[arg-type]
    assert a1 <= b0, out  # one after the other


def test_every_hostile_class_leaves_the_store_as_it_was(tmp_path, con):
    before = con.execute("SELECT count(*) FROM batches").fetchall()
    for name, build in H.CLASSES.items():
        if name.startswith(("20 MB", "zip lying")):
            continue  # an ordinary big file, and a slow one to build: covered above
        results = ingest_file(con, build(tmp_path), set_values={"network": "AI"})
        assert {r.status for r in results} == {"rejected"}, name
    assert con.execute("SELECT count(*) FROM batches").fetchall() == before
