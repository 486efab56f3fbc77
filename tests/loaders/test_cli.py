"""The command line end to end, as a separate process on a temporary database."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import store
from store.backup import clone
from tests.builders import ALLOCATIONS, MEMBERS, write_text, write_xlsx

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "loaders", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "OVERBLIK_USER": "tester", **(env or {})},
    )


def doc(p: subprocess.CompletedProcess[str]) -> dict:
    return json.loads(p.stdout)  # exactly one JSON document


def test_ingest_summary_history_undo(tmp_path):
    db = str(tmp_path / "c.sqlite")
    members = write_xlsx(tmp_path / "deltagere.xlsx", {"Deltagere": MEMBERS})
    p = cli(
        "ingest",
        str(members),
        "--db",
        db,
        "--json",
        "--set",
        "network=AI-Innovationsnetværket",
        "--set",
        "region=Region Hovedstaden",
    )
    assert p.returncode == 0, p.stderr
    files = doc(p)["files"]
    assert [(f["status"], f["kind"], f["rows"]["new"]) for f in files] == [("loaded", "participants", 6)]
    batch = files[0]["batch_id"]

    s = doc(cli("summary", "--db", db, "--json"))
    assert (s["participants"], s["external_participants"], s["eu_region_share_dkk"]) == (6, 2, "0.00")

    h = doc(cli("history", "--db", db, "--json"))["batches"]
    assert [(b["batch_id"], b["uploaded_by"], b["file_name"], b["sheet"]) for b in h] == [
        (batch, "tester", "deltagere.xlsx", "Deltagere")
    ]

    u = cli("undo", str(batch), "--db", db, "--json")
    assert u.returncode == 0 and doc(u)["undone"] == batch
    assert doc(cli("summary", "--db", db, "--json"))["participants"] == 0


def test_rejected_file_exits_1_with_row_and_column_in_english(tmp_path):
    db = str(tmp_path / "c.sqlite")
    rows = [list(r) for r in ALLOCATIONS]
    rows[2][5] = "Måske"
    p = cli(
        "ingest",
        str(write_xlsx(tmp_path / "b.xlsx", {"Bevillinger": rows})),
        "--db",
        db,
        "--json",
        "--lang",
        "en",
    )
    assert p.returncode == 1
    f = doc(p)["files"][0]
    assert f["status"] == "rejected"
    assert [(e["row"], e["column"], e["field"], e["code"]) for e in f["errors"]] == [
        (3, "Status", "status", "enum.invalid")
    ]
    assert "not a valid value" in f["errors"][0]["message"]
    assert doc(cli("history", "--db", db, "--json"))["batches"] == []


def test_dry_run_exit_0_writes_nothing_and_human_output_is_danish(tmp_path):
    db = str(tmp_path / "c.sqlite")
    f = write_xlsx(tmp_path / "b.xlsx", {"Bevillinger": ALLOCATIONS})
    p = cli("ingest", str(f), "--db", db, "--dry-run")
    assert p.returncode == 0
    assert "plan, intet skrevet" in p.stdout and "3 nye" in p.stdout
    assert doc(cli("history", "--db", db, "--json"))["batches"] == []


def test_usage_errors_exit_2_with_one_json_document(tmp_path):
    p = cli("ingest", "--json")
    assert p.returncode == 2 and doc(p)["error"]["code"] == "usage"
    p = cli(
        "ingest",
        str(tmp_path / "x.xlsx"),
        "--set",
        "nonsense=1",
        "--json",
        "--db",
        str(tmp_path / "c.sqlite"),
    )
    assert p.returncode == 2 and "nonsense" in doc(p)["error"]["message"]
    db = str(tmp_path / "c.sqlite")
    f = write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": ALLOCATIONS})
    assert cli("ingest", str(f), "--db", db).returncode == 0
    p = cli("erase", "Anna Ukendt", "--json", "--db", db)  # nobody of that name: nothing to erase
    assert p.returncode == 2 and doc(p)["error"]["code"] == "erase.not_found"


def test_the_command_line_reads_and_writes_while_another_process_holds_the_store_open(tmp_path):
    """Phase 1's DuckDB file was locked by the dashboard: history and dry runs exited 2 (db.busy).
    Now a process holding a read-write connection open does not stop the command line."""
    db = tmp_path / "c.sqlite"
    first = write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": ALLOCATIONS})
    assert cli("ingest", str(first), "--db", str(db)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import store, sys, time; c = store.connect(sys.argv[1]); "
            "c.execute('SELECT count(*) FROM allocations').fetchall(); print('ok', flush=True); time.sleep(60)",
            str(db),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        assert len(doc(cli("history", "--db", str(db), "--json"))["batches"]) == 1
        extra = ["AI-puljen 2020", 2020, "Nyt", "Modtager", "5.000", "Bevilget", "17-06-2020"]
        more = write_xlsx(tmp_path / "b.xlsx", {"Bevillinger": [*ALLOCATIONS, extra]})
        p = cli("ingest", str(more), "--db", str(db), "--dry-run", "--json")
        assert p.returncode == 0 and doc(p)["files"][0]["rows"]["new"] == 1
        p = cli("ingest", str(more), "--db", str(db), "--json")
        assert p.returncode == 0
        assert len(doc(cli("history", "--db", str(db), "--json"))["batches"]) == 2
    finally:
        holder.kill()
        holder.wait()


def test_templates_are_written_and_a_filled_template_loads(tmp_path):
    import openpyxl

    p = cli("templates", str(tmp_path / "t"), "--json")
    assert p.returncode == 0
    names = sorted(Path(x).name for x in doc(p)["templates"])
    assert (
        "skabelon_bevillinger.xlsx" in names and "skabelon_projektdeltagere.xlsx" in names and len(names) == 9
    )
    path = tmp_path / "t" / "skabelon_bevillinger.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[3]][:4] == ["Pulje *", "År *", "Projekt *", "Modtager *"]  # required, marked
    assert any("Bevilget" in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    ws.append(
        [
            "AI-puljen 2020",
            2020,
            "RAIT",
            "Herlev og Gentofte Hospital",
            250000,
            "Bevilget",
            None,
            "20/123",
            None,
        ]
    )
    wb.save(path)
    r = cli("ingest", str(path), "--db", str(tmp_path / "c.sqlite"), "--json")
    assert r.returncode == 0, r.stdout
    f = [(x["sheet"], x["kind"], x["status"], x["rows"]["new"]) for x in doc(r)["files"]]
    # The guidance sheet is listed as not data, never as an error.
    assert f == [("Bevillinger", "allocations", "loaded", 1), ("Vejledning", None, "not_data", 0)]
    assert all(not x["errors"] for x in doc(r)["files"])


def _fingerprint(db: Path) -> tuple:
    con = store.connect(db, read_only=True)
    try:
        return (
            con.execute("SELECT count(*), sum(amount_dkk) FROM allocations").fetchall()[0],
            con.execute("SELECT count(*) FROM allocations_history").fetchall()[0],
            con.execute("SELECT count(*), max(batch_id) FROM batches").fetchall()[0],
            con.execute("SELECT count(*) FROM files").fetchall()[0],
        )
    finally:
        con.close()


def test_sigkill_at_any_moment_of_a_load_leaves_the_before_or_the_after_state(tmp_path):
    """Killed from outside at points spread over a whole load (read, plan, commit): the database is
    exactly as before or exactly as after, never in between. No hook in the loader helps the test."""
    db = tmp_path / "c.sqlite"
    assert (
        cli(
            "ingest", str(write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": ALLOCATIONS})), "--db", str(db)
        ).returncode
        == 0
    )
    n = 60_000
    big = "Pulje;År;Projekt;Modtager;Beløb\n" + "".join(
        f"AI-puljen 2020;2020;Projekt {i};Modtager {i % 97};{1000 + i}\n" for i in range(n)
    )
    f = write_text(tmp_path / "big.csv", big)
    before = _fingerprint(db)
    pristine = clone(db, tmp_path / "pristine.sqlite")
    cmd = [sys.executable, "-m", "loaders", "ingest", str(f), "--db", str(db)]
    started = time.monotonic()
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    whole = time.monotonic() - started
    after = _fingerprint(db)
    assert after[0][0] == 3 + n and after != before
    seen = set()
    for share in (0.3, 0.5, 0.7, 0.8, 0.9, 0.95):
        _put_back(pristine, db)
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(whole * share)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert _children_of(f) == []  # the killed load left no child running
        state = _fingerprint(db)
        assert state in (before, after), (share, state)
        seen.add(state == after)
    assert False in seen  # the kills did land inside the load
    # What a kill leaves behind (the lock file, data files of an unfinished commit) stops nobody.
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0


def _put_back(pristine: Path, db: Path) -> None:
    import shutil

    for p in db.parent.glob(db.name + "*"):
        p.unlink()
    shutil.rmtree(db.with_suffix(".lake"), ignore_errors=True)
    clone(pristine, db)


def _children_of(path: Path, wait: float = 3.0) -> list[int]:
    """Processes still running with path on their command line, after a grace period."""
    deadline = time.monotonic() + wait
    while True:
        left = []
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    cmdline = (proc / "cmdline").read_bytes()
                except OSError:
                    continue
                if str(path).encode() in cmdline:
                    left.append(int(proc.name))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def test_sigkill_while_parsing_leaves_the_database_as_before(tmp_path):
    db = tmp_path / "c.sqlite"
    assert (
        cli(
            "ingest", str(write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": ALLOCATIONS})), "--db", str(db)
        ).returncode
        == 0
    )
    big = "Pulje;År;Projekt;Modtager;Beløb\n" + "".join(f"P;2020;Projekt {i};M;{i}\n" for i in range(300_000))
    f = write_text(tmp_path / "big.csv", big)
    proc = subprocess.Popen([sys.executable, "-m", "loaders", "ingest", str(f), "--db", str(db)], cwd=ROOT)
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert _children_of(f) == []
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM allocations").fetchone() == (3,)
    con.close()


@pytest.mark.parametrize("lang,word", [("da", "afvist"), ("en", "rejected")])
def test_not_a_workbook_human_message(tmp_path, lang, word):
    f = write_text(tmp_path / "x.xlsx", "hello")
    p = cli("ingest", str(f), "--db", str(tmp_path / "c.sqlite"), "--lang", lang, "--json")
    assert p.returncode == 1
    assert doc(p)["files"][0]["errors"][0]["code"] == "file.type_mismatch"
