"""Erasure of a person (GDPR): the name is gone from every byte of the store, the figures stay.

What each proves:
- erased_everywhere: a demo member who is a network's leader, a member of two uploads, a meeting's
  place and note (a cp1252 CSV), a set-aside row's key, value and message, an older version in
  the history, an audit entry and a pinned moment is erased from the command line while another
  connection holds the store open (a dashboard). The preview changes nothing. Afterwards the name
  is in no byte of any file of the store (catalog and its WAL, every data file raw and with every
  text column read back, so Parquet's compressed pages and its uncompressed statistics are both
  searched), no table or view, no export, no audit entry and no stored original (every XML part of
  every workbook). The figures are the same and every view is the old one with the name replaced.
  A rebuild gives the same views and history; re-uploading the unredacted demo file flags the
  person and stores the token, never the name, in the rows and in the stored file.
- first_and_last_of_a_column: the smallest and largest person of a column (what Parquet footers
  and the catalog's statistics keep as min/max) leave no trace either; tokens are numbered.
- xls: an .xls is stored again as an .xlsx with the same cells; a rebuild reads it the same.
- hook: with no erased names the upload path never looks (the benchmarks' 500k rows); with one,
  a name inside a free text is replaced and the row flagged.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sqlite3
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import store
from loaders import erase
from loaders.ingest import ingest_file
from store import audit, maintain
from store.rebuild import PUBLIC_VIEWS
from tests.builders import write_text, write_xlsx
from tests.store.conftest import Lake, make_lake
from tests.store.test_operations import DEMO, load_demo, views_of

NAME = "Freddy Lippert"
ASKED = "freddy  LIPPERT"  # as an admin types it: case and spacing do not matter
TOKEN = "Slettet deltager 1"
WORDS = re.compile(r"freddy[\s._-]*lippert", re.IGNORECASE)

MEETINGS_CSV = (
    "Netværk;Dato;Sted;Tema;Type;Bemærkning\r\n"
    "AI-Innovationsnetværket;01-03-2021;hos Freddy Lippert;Præhospital AI;Netværksmøde;"
    "Oplæg ved FREDDY  LIPPERT om akutmodtagelsen\r\n"
    "AI-Innovationsnetværket;02-03-2021;Rigshospitalet;Øvrigt;Netværksmøde;Ingen bemærkning\r\n"
)
ALLOCATIONS = [
    ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status"],
    ["Pulje til digital innovation", 2025, "Præhospital AI", "Freddy Lippert", "5.000", "Bevilget"],
    ["Pulje til digital innovation", 2025, "Akut AI", "Freddy Lippert", "mange penge", "Bevilget"],
    ["Pulje til digital innovation", 2025, "Triage", "Region H", 1000, "Freddy Lippert"],
]
MEMBER_CHANGED = [
    ["Navn", "Titel", "Organisation"],
    ["Freddy Lippert", "Direktør, Akutberedskabet", "Akutberedskabet"],
]
AI = ["--set", "network=AI-Innovationsnetværket", "--set", "region=Region Hovedstaden"]


# ---------------------------------------------------------------- where a name could be


def store_files(lake: Lake) -> list[Path]:
    """Every file the store consists of: the catalog with its WAL (embedded) and the data folder."""
    con = lake.connect(read_only=True)
    try:
        loc = store.location_of(con) if lake.db else store.location()
    finally:
        con.close()
    files = [p for p in Path(loc.data_path).rglob("*") if p.is_file()]
    if loc.sqlite_file is not None:
        files += [p for p in loc.sqlite_file.parent.iterdir() if p.name.startswith(loc.sqlite_file.name)]
    return files


def in_bytes(data: bytes, words: re.Pattern[str] = WORDS) -> bool:
    """Whether the name is in the bytes, as UTF-8 or Latin-1 text (case-insensitive)."""
    return any(words.search(data.decode(enc, errors="ignore")) for enc in ("latin-1", "utf-8"))


def in_value(v: object, words: re.Pattern[str] = WORDS) -> bool:
    if isinstance(v, bytes | bytearray | memoryview):
        return in_bytes(bytes(v), words)
    if isinstance(v, str):
        return words.search(v) is not None
    if isinstance(v, dict | list | tuple):
        return in_value(json.dumps(v, default=str, ensure_ascii=False), words)
    return False


def parquet_hits(path: Path, words: re.Pattern[str] = WORDS) -> list[str]:
    """Every text or binary column of a Parquet file read back (pages decompressed)."""
    table = pq.read_table(path)
    out = []
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_binary(col.type):
            if any(in_value(v, words) for v in col.to_pylist()):
                out.append(f"{path.name}:{name}")
    return out


def original_hits(name: str, content: bytes, words: re.Pattern[str] = WORDS) -> list[str]:
    """Where a stored original holds the name: every part of a workbook unzipped, else the text."""
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            return [f"{name}/{m}" for m in zf.namelist() if in_bytes(zf.read(m), words)]
    return [name] if in_bytes(content, words) else []


def store_hits(lake: Lake, words: re.Pattern[str] = WORDS, analyze: bool = False) -> list[str]:
    """Every place the name is: raw bytes of each file, Parquet read back, every table and view
    (text and blobs), every stored original file (unzipped). Empty when erased. With analyze,
    PostgreSQL's statistics are made first, as its autovacuum may make them at any moment: two
    looks before an erasure then agree (after it, the erasure's own ANALYZE must have run)."""
    hits = []
    for f in store_files(lake):
        if in_bytes(f.read_bytes(), words):
            hits.append(f"bytes of {f}")
        if f.suffix == ".parquet":
            hits += parquet_hits(f, words)
    if lake.kind == "postgres":
        hits += postgres_heap_hits(lake, words, analyze)
    con = lake.connect(read_only=True)
    try:
        objects = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' UNION ALL "
            "SELECT view_name FROM duckdb_views() WHERE database_name = 'lake'"
        ).fetchall()
        assert len(objects) > 30
        for (obj,) in objects:
            for row in con.execute(f'SELECT * FROM "{obj}"').fetchall():  # noqa: S608 - the store's own names
                if any(in_value(v, words) for v in row):
                    hits.append(f"table {obj}")
                    break
        for name, content in con.execute("SELECT file_name, content FROM files").fetchall():
            hits += original_hits(name, bytes(content), words)
        if any(in_value(e, words) for e in audit.entries(con)):
            hits.append("audit log")
    finally:
        con.close()
    return hits


def postgres_heap_hits(lake: Lake, words: re.Pattern[str], analyze: bool = False) -> list[str]:
    """The catalog database's own files on the PostgreSQL server (dead row versions included;
    its WAL segments are beyond an erasure's reach, docs/deploy.md)."""
    dsn = lake.env["OVERBLIK_CATALOG"].removeprefix("postgres:")
    settings = dict(part.split("=", 1) for part in dsn.split())
    sql = (
        "SELECT current_setting('data_directory') || '/base/' || oid FROM pg_database "
        f"WHERE datname = '{settings['dbname']}'"
    )
    p = subprocess.run(
        ["psql", "-X", "-At", "-h", settings.get("host", "127.0.0.1"), "-p", settings.get("port", "5432"),
         "-U", settings.get("user", "postgres"), "-d", "postgres", "-c", sql],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    folder = Path(p.stdout.strip())
    assert os.access(folder, os.R_OK), f"the test reads the catalog's heap files in {folder} (run as root)"
    if analyze:
        subprocess.run(["psql", "-X", "-q", "-d", dsn, "-c", "ANALYZE"], capture_output=True, check=True)
    if analyze:
        subprocess.run(["psql", "-X", "-q", "-d", dsn, "-c", "ANALYZE"], capture_output=True, check=True)
    subprocess.run(["psql", "-X", "-q", "-d", dsn, "-c", "CHECKPOINT"], capture_output=True, check=False)
    stats = subprocess.run(
        ["psql", "-X", "-At", "-d", dsn, "-c", "SELECT pg_relation_filenode('pg_catalog.pg_statistic')"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    return [
        f"catalog {'statistics' if f.name == stats else 'heap'} {f.name}"
        for f in folder.iterdir()
        if f.is_file() and in_bytes(f.read_bytes(), words)
    ]


def mapped(views: dict[str, list[tuple]], old: str, new: str) -> dict[str, list[tuple]]:
    """The views with every occurrence of a name replaced (as the erasure replaces it)."""
    t = erase.target(old, new)

    def one(v: object) -> object:
        return t.sub(v) if isinstance(v, str) else v

    return {k: sorted((tuple(one(v) for v in row) for row in rows), key=repr) for k, rows in views.items()}


def counts(lake: Lake) -> dict[str, object]:
    con = lake.connect(read_only=True)
    try:
        return {
            "memberships": con.execute("SELECT count(*) FROM memberships").fetchone()[0],
            "per_network": con.execute(
                "SELECT network, count(*), count(DISTINCT person) FROM participants_v GROUP BY 1 ORDER BY 1"
            ).fetchall(),
            "meetings": con.execute("SELECT count(*) FROM meetings").fetchone()[0],
            "quarantine": con.execute("SELECT count(*) FROM quarantine").fetchone()[0],
            "history": con.execute("SELECT count(*) FROM memberships_history").fetchone()[0],
        }
    finally:
        con.close()


def run_json(lake: Lake, *args: str) -> dict:
    p = lake.cli(*args, "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout)


# ---------------------------------------------------------------- the whole erasure


def test_a_person_is_erased_from_every_byte_of_the_store_and_the_figures_stay(
    lake: Lake, tmp_path: Path
) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    load_demo(lake)
    csv = write_text(inbox / "møder_marts.csv", MEETINGS_CSV, encoding="cp1252")
    assert lake.cli("ingest", str(csv)).returncode == 0
    alloc = write_xlsx(inbox / "bevillinger_2025.xlsx", {"Bevillinger": ALLOCATIONS})
    p = lake.cli("ingest", str(alloc), "--skip-invalid")
    assert p.returncode == 0, p.stdout + p.stderr
    changed = write_xlsx(inbox / "ny_titel.xlsx", {"Deltagere": MEMBER_CHANGED})
    assert lake.cli("ingest", str(changed), *AI).returncode == 0
    con = lake.connect()
    try:
        audit.record(con, user="freddy.lippert", role="editor", action="login", page="overview")
        audit.record(
            con, user="anna", role="admin", action="download_names", page="people", detail=f"{NAME}, AI"
        )
        maintain.pin(con, datetime.now(UTC), f"Bilag om {NAME}")
        # Where the name is before: the test looks where it must find nothing afterwards.
        assert (
            con.execute("SELECT count(*) FROM quarantine WHERE key_text LIKE '%Freddy%'").fetchone()[0] == 1
        )
        assert (
            con.execute("SELECT count(*) FROM memberships_history WHERE person = ?", [NAME]).fetchone()[0]
            == 1
        )
        before_views = views_of(con)
    finally:
        con.close()
    before = store_hits(lake, analyze=True)
    if lake.kind == "postgres":  # the planner's statistics sample names, as do the catalog's tables
        assert any(h.startswith("catalog statistics") for h in before)
        assert any(h.startswith("catalog heap") for h in before)
    assert any(h.startswith("bytes of") and h.endswith(".parquet") for h in before)  # a data file holds it
    assert any(".parquet:" in h for h in before)  # and so does a Parquet column read back
    assert any(".xlsx/xl/worksheets/" in h for h in before) and "møder_marts.csv" in before  # originals
    before_counts = counts(lake)
    before_summary = run_json(lake, "summary")

    # The preview: what would change, and nothing changes.
    shown = run_json(lake, "erase", ASKED)
    assert shown["erased"] is False and shown["name"] == "freddy LIPPERT"
    assert {"networks", "memberships", "memberships_history", "meetings", "quarantine", "audit_log",
            "snapshot_pins", "allocations"} <= set(shown["tables"])  # fmt: skip
    assert shown["total"] == sum(shown["tables"].values()) >= 10
    exact = {(v["table"], v["column"]) for v in shown["values"] if v["match"] == "exact"}
    text = {(v["table"], v["column"]) for v in shown["values"] if v["match"] == "text"}
    assert {("networks", "leader"), ("memberships", "person"), ("allocations", "recipient")} <= exact
    assert {("meetings", "host"), ("meetings", "note"), ("quarantine", "message")} <= text
    assert {f["file_name"] for f in shown["files"]} == {
        "netvaerk.xlsx", "deltagere_ai_netvaerk.xlsx", "møder_marts.csv", "bevillinger_2025.xlsx", "ny_titel.xlsx",
    }  # fmt: skip
    human = lake.cli("erase", ASKED, "--lang", "en")
    assert (
        human.returncode == 0
        and "--yes" in human.stdout
        and "networks.leader: 1 the whole value" in human.stdout
    )
    assert store_hits(lake, analyze=True) == before and counts(lake) == before_counts  # nothing changed

    # A dashboard holds the store open while the erasure runs; a reader of the catalog file keeps
    # its WAL file in place (SQLite deletes it when the last connection closes: this one is last).
    holder = lake.connect(read_only=True)
    catalog = sqlite3.connect(lake.db) if lake.kind == "sqlite" else None
    try:
        holder.execute("SELECT count(*) FROM participants_v").fetchall()
        if catalog is not None:
            assert catalog.execute("SELECT count(*) FROM ducklake_snapshot").fetchone()[0] > 10
        erasing = datetime.now(UTC)
        done = run_json(lake, "erase", ASKED, "--yes")
        assert done["erased"] is True and done["token"] == TOKEN and done["rows"] == shown["total"]
        assert len(done["files"]) == 5 and done["purge"]["snapshots_expired"] > 10
        if lake.kind == "sqlite":
            assert done["purge"]["wal_truncated"] is True
            wal = Path(lake.db + "-wal")
            assert wal.exists()  # the open connection keeps it: what is in it is checked below
        else:
            assert done["purge"]["vacuumed"] is True
        assert holder.execute("SELECT count(*) FROM participants_v").fetchone()[0] > 0  # still reads
        hits = store_hits(lake)
    finally:
        holder.close()
        if catalog is not None:
            catalog.close()
    assert hits == []

    # Every export, as data.
    for view in PUBLIC_VIEWS:
        for fmt in ("json", "csv"):
            p = lake.cli("export", view, "--format", fmt)
            assert p.returncode == 0 and p.stdout and not WORDS.search(p.stdout), (view, fmt)

    # The figures are the same; every view is the old one with the name replaced.
    assert counts(lake) == before_counts
    assert run_json(lake, "summary") == before_summary
    con = lake.connect(read_only=True)
    try:
        assert views_of(con) == mapped(before_views, NAME, TOKEN) != before_views
        assert con.execute(
            "SELECT leader FROM networks WHERE network = 'AI-Innovationsnetværket'"
        ).fetchone() == (TOKEN,)
        assert con.execute(
            "SELECT count(*) FROM memberships_history WHERE person = ?", [TOKEN]
        ).fetchone() == (1,)
        assert con.execute("SELECT host FROM meetings WHERE meeting_date = '2021-03-01'").fetchone() == (
            f"hos {TOKEN}",
        )
        # What is kept of the person: a keyed hash, never the name or its plain hash.
        ((h, token),) = con.execute("SELECT name_hash, token FROM erased_names").fetchall()
        plain = hashlib.sha256(b"freddy lippert").hexdigest()
        assert token == TOKEN and h != plain and len(h) == 64
        # The history shows the erasure; its batches point to the rewritten files.
        b = con.execute(
            "SELECT batch_id, kind, rows_changed, uploaded_by FROM batches WHERE action = 'erase'"
        ).fetchall()
        assert b == [(done["batch_id"], "erasure", shown["total"], "test")]
        received = dict(
            con.execute(
                "SELECT sha256, sha256_received FROM batches WHERE sha256_received IS NOT NULL"
            ).fetchall()
        )
        assert hashlib.sha256((DEMO / "netvaerk.xlsx").read_bytes()).hexdigest() in received.values()
        assert all(
            con.execute("SELECT count(*) FROM files WHERE sha256 = ?", [s]).fetchone()[0] == 1
            for s in received
        )
        assert con.execute("SELECT count(*) FROM files WHERE note IS NOT NULL").fetchone()[0] == 5
        # The audit log: one entry, counts only.
        entry = [e for e in audit.entries(con) if e["action"] == "erase"]
        assert len(entry) == 1 and json.loads(entry[0]["detail"])["rows"] == shown["total"]
        # Time travel before the erasure ended with it.
        # (every export since added an audit entry: a snapshot of its own, after the erasure)
        assert store.first_snapshot_time(con) >= erasing
    finally:
        con.close()
    p = lake.cli("undo", str(done["batch_id"]), "--json")
    assert p.returncode == 1 and json.loads(p.stdout)["error"]["code"] == "undo.erase"
    p = lake.cli("erase", NAME, "--json")  # nothing names the person any more
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == "erase.not_found"

    # A rebuild from the (rewritten) originals gives the same views and history.
    new = tmp_path / "rebuilt" / "new.sqlite"
    p = lake.cli("rebuild", "--catalog", str(new), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    old, fresh = lake.connect(read_only=True), store.connect(new, read_only=True)
    try:
        assert views_of(old) == views_of(fresh)
        q = "SELECT batch_id, action, kind, file_name, sheet, sha256, sha256_received, uploaded_by FROM batches ORDER BY 1"
        assert old.execute(q).fetchall() == fresh.execute(q).fetchall()
        for q in ("SELECT * FROM erased_names", "SELECT * FROM store_settings WHERE key = 'erasure_key'",
                  "SELECT sha256, file_name, note FROM files ORDER BY 1"):  # fmt: skip
            assert old.execute(q).fetchall() == fresh.execute(q).fetchall()
    finally:
        old.close()
        fresh.close()
    rebuilt = [f for f in new.parent.rglob("*") if f.is_file()]
    assert rebuilt and not [f for f in rebuilt if in_bytes(f.read_bytes())]

    # The unredacted demo files uploaded again: the person is flagged and stored as the token.
    again = run_json(lake, "ingest", str(DEMO / "netvaerk.xlsx"))["files"][0]
    assert again["status"] == "duplicate" and "person.erased" in [w["code"] for w in again["warnings"]]
    p = lake.cli("ingest", str(DEMO / "deltagere_ai_netvaerk.xlsx"), "--set", "network=Nyt netværk", "--json")
    assert p.returncode == 0 and not WORDS.search(p.stdout)  # the report does not repeat the name
    sheet = json.loads(p.stdout)["files"][0]
    assert sheet["status"] == "loaded" and sheet["rows"]["new"] == 49
    flagged = [w for w in sheet["warnings"] if w["code"] == "person.erased"]
    assert (
        len(flagged) == 1
        and flagged[0]["row"] == 16
        and "slettet efter databeskyttelsesreglerne" in flagged[0]["message"]
    )
    con = lake.connect(read_only=True)
    try:
        assert con.execute(
            "SELECT person FROM memberships WHERE network = 'Nyt netværk' AND src_row = 16"
        ).fetchone() == (TOKEN,)
        demo_sha = hashlib.sha256((DEMO / "deltagere_ai_netvaerk.xlsx").read_bytes()).hexdigest()
        stored = con.execute(
            "SELECT f.content FROM batches b JOIN files f ON f.sha256 = b.sha256 WHERE b.batch_id = ?",
            [sheet["batch_id"]],
        ).fetchone()[0]
        assert con.execute(
            "SELECT sha256_received FROM batches WHERE batch_id = ?", [sheet["batch_id"]]
        ).fetchone() == (demo_sha,)
    finally:
        con.close()
    with zipfile.ZipFile(io.BytesIO(bytes(stored))) as z:  # shared or inline strings: every part
        parts = b"".join(z.read(n) for n in z.namelist())
    assert original_hits("upload", bytes(stored)) == [] and b"Slettet deltager 1" in parts
    assert store_hits(lake) == []


# ---------------------------------------------------------------- statistics and numbering


def test_the_first_and_last_person_of_a_column_leave_no_statistics_behind(lake: Lake, tmp_path: Path) -> None:
    """Parquet footers and the catalog keep each column's smallest and largest value: erasing
    exactly those names must leave neither (and the two erasures get tokens 1 and 2)."""
    load_demo(lake)
    con = lake.connect(read_only=True)
    try:
        first, last = con.execute("SELECT min(person), max(person) FROM memberships").fetchone()
    finally:
        con.close()
    for n, name in enumerate((first, last), start=1):
        words = erase.target(name).pattern
        assert store_hits(lake, words) != []
        done = run_json(lake, "erase", name, "--yes")
        assert done["token"] == f"Slettet deltager {n}"
        assert store_hits(lake, words) == [], name


# ---------------------------------------------------------------- an .xls


def test_an_xls_original_is_stored_again_as_xlsx_with_the_same_cells(tmp_path: Path, monkeypatch) -> None:
    import xlwt

    lake = make_lake("sqlite", tmp_path, monkeypatch)
    wb = xlwt.Workbook()
    ws = wb.add_sheet("Deltagere")
    rows = [["Deltagere pr. marts 2021"], [], ["Navn", "Titel", "Organisation", "Tiltrådt"],
            ["Freddy Lippert", "Direktør", "Akutberedskabet", "01-02-2020"],
            ["Anna Pors", "1. reservelæge", "Hvidovre Hospital", None],
            ["Jan Madsen", "Professor, samarbejde med Freddy Lippert", "DTU", None]]  # fmt: skip
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r + 1, c + 1, v)  # from B2: the cells keep their places
    wb.add_sheet("Noter").write(0, 0, "Intet her")
    xls = tmp_path / "deltagere.xls"
    wb.save(str(xls))
    assert lake.cli("ingest", str(xls), *AI).returncode == 0
    done = run_json(lake, "erase", NAME, "--yes")
    assert [f["converted"] for f in done["files"]] == [True]
    con = lake.connect(read_only=True)
    try:
        ((name, note, content),) = con.execute("SELECT file_name, note, content FROM files").fetchall()
        assert name == "deltagere.xlsx" and ".xls til .xlsx" in note and bytes(content).startswith(b"PK")
        assert con.execute("SELECT file_name FROM batches WHERE action = 'ingest'").fetchall() == [
            ("deltagere.xls",)
        ]
        from loaders.history import original_file

        assert original_file(con, 1)[0] == "deltagere.xlsx"
        rows_after = con.execute("SELECT person, title, src_row FROM memberships ORDER BY src_row").fetchall()
        assert rows_after[0] == (TOKEN, "Direktør", 5)
        assert rows_after[2][1] == f"Professor, samarbejde med {TOKEN}"
    finally:
        con.close()
    assert original_hits("x", bytes(content)) == []
    p = lake.cli("rebuild", "--catalog", str(tmp_path / "rebuilt.sqlite"), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    fresh = store.connect(tmp_path / "rebuilt.sqlite", read_only=True)
    try:
        assert (
            fresh.execute("SELECT person, title, src_row FROM memberships ORDER BY src_row").fetchall()
            == rows_after
        )
        assert fresh.execute("SELECT file_name FROM batches ORDER BY batch_id").fetchall() == [
            ("deltagere.xls",),
            ("",),
        ]
    finally:
        fresh.close()


# ---------------------------------------------------------------- the hook


def test_no_erased_names_means_the_upload_path_never_looks(tmp_path: Path, monkeypatch) -> None:
    con = store.connect(tmp_path / "s.sqlite")
    try:

        def fail(*a, **k):
            raise AssertionError("anonymise called with no erased names")

        monkeypatch.setattr(erase, "anonymise", fail)
        f = write_xlsx(tmp_path / "d.xlsx", {"Deltagere": MEMBER_CHANGED})
        plans = ingest_file(con, f, set_values={"network": "N"}, user="t")
        assert plans[0].status == "loaded" and erase.erased(con) is None
    finally:
        con.close()


def test_a_later_upload_naming_an_erased_person_in_a_note_stores_the_token(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "s.sqlite")
    try:
        members = [
            ["Navn", "Titel"],
            ["Anne Marie Geisler Andersen", "Udvalgsmedlem"],
            ["Jens Wistoft", "Udvalgsmedlem"],
        ]
        ingest_file(
            con,
            write_xlsx(tmp_path / "u.xlsx", {"Deltagere": members}),
            set_values={"network": "Udvalget"},
            user="t",
        )
        with pytest.raises(Exception, match="erase.name"):
            erase.preview(con, " . ")
        assert erase.preview(con, "Anne-Marie Geisler Andersen")["total"] == 1  # a hyphen is a space
        assert (
            erase.erase(con, "Anne Marie Geisler Andersen", user="admin", role="admin", page="test")["token"]
            == TOKEN
        )
        csv = write_text(
            tmp_path / "m.csv",
            "Netværk;Dato;Type;Bemærkning\nUdvalget;20-11-2025;Netværksmøde;Fravær: anne marie GEISLER-andersen (B), Jens Wistoft (V)\n",
        )
        (plan,) = ingest_file(con, csv, user="t")
        assert (
            plan.status == "loaded"
            and [w.code for w in plan.warnings] == ["person.erased"]
            and plan.warnings[0].row == 2
        )
        assert con.execute("SELECT note FROM meetings").fetchall() == [
            (f"Fravær: {TOKEN} (B), Jens Wistoft (V)",)
        ]
        content, received = con.execute(
            "SELECT f.content, b.sha256_received FROM batches b JOIN files f USING (sha256) WHERE b.kind = 'meetings'"
        ).fetchone()
        assert received == hashlib.sha256(csv.read_bytes()).hexdigest()
        assert bytes(content).decode() == csv.read_text().replace("anne marie GEISLER-andersen", TOKEN)
    finally:
        con.close()


def test_erasure_removes_the_kept_annex_files_that_could_name_the_person(tmp_path: Path) -> None:
    """A committee annex made for a leader lists names; once someone is erased its file goes (its
    figures stay for the next annex's comparison); an annex for a committee member holds no name."""
    from store import annexes

    con = store.connect(tmp_path / "s.sqlite")
    try:
        members = [
            ["Navn", "Titel"],
            ["Anne Marie Geisler Andersen", "Udvalgsmedlem"],
            ["Jens Wistoft", "Formand"],
        ]
        ingest_file(
            con, write_xlsx(tmp_path / "u.xlsx", {"Deltagere": members}), set_values={"network": "Udvalget"}
        )
        common = {
            "lang": "da",
            "filters_key": "{}",
            "filters_text": "Alle",
            "last_batch": 1,
            "figures": {"x": 1},
        }
        leader = annexes.keep(con, made_by="staff", role="leader", file_name="bilag.pdf",
                              content=b"%PDF Anne Marie Geisler Andersen", **common)  # fmt: skip
        viewer = annexes.keep(
            con, made_by="staff", role="viewer", file_name="bilag_u.pdf", content=b"%PDF 2", **common
        )
        result = erase.erase(con, "Anne Marie Geisler Andersen", user="admin", role="admin", page="test")
        assert result["annexes"] == 1
        assert annexes.content(con, leader) == b""
        assert annexes.content(con, viewer) == b"%PDF 2"
        assert annexes.previous(con, "{}") is not None  # what the next annex compares with is kept
    finally:
        con.close()
