"""Operations on the store: backup while writing, restore, rebuild from the originals, maintain,
and what a damaged or missing catalog or data file does to the command line and the app.

What each proves:
- backup_while_writing: a backup taken while another process commits is one committed state:
  restored, every public view equals the source's views at the backup's snapshot, row for row.
- restore_keeps/refuses: a restore never destroys a store silently; a changed backup is refused.
- rebuild_*: replaying originals, options, undos and redos gives the same rows in every view, with
  the recorded people and times; and the comparison is real (a row changed behind the loaders'
  back makes the rebuild fail, naming the view).
- maintain_*: small files merged, old snapshots expired, but a pinned moment and every moment
  within the retention still read exactly as before.
- damaged_*: truncated catalog, deleted data file, missing catalog beside its data: the command
  line exits 2 with a plain message, the app shows a plain Danish message (no traceback, no new
  empty store), and after a restore the same running app works again.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import store
from store import backup as backups
from store import maintain, rebuild
from store.audit import entries as audit_entries
from tests.builders import write_xlsx
from tests.store.conftest import ROOT, Lake, make_lake
from tests.store.test_store import HEADER, allocations
from tests.store.timeline import date_snapshots_after, upload_at

DK = ZoneInfo("Europe/Copenhagen")
DEMO = ROOT / "data" / "demo"


def views_of(con) -> dict[str, list[tuple]]:
    return {v: sorted(con.execute(f"SELECT * FROM {v}").fetchall(), key=repr) for v in rebuild.PUBLIC_VIEWS}


def load_demo(lake: Lake) -> None:
    for args in (
        ["netvaerk.xlsx", "organisationer.xlsx"],
        ["deltagere_ai_netvaerk.xlsx", "--set", "network=AI-Innovationsnetværket", "--set", "region=Region Hovedstaden"],
        ["udvalg_og_projekter_deltagere.xlsx", "moeder.xlsx", "eu_projekter.xlsx", "puljer.xlsx", "bevillinger.xlsx"],
    ):  # fmt: skip
        files = [str(DEMO / a) if a.endswith(".xlsx") else a for a in args]
        p = lake.cli("ingest", *files)
        assert p.returncode == 0, p.stdout + p.stderr


# ---------------------------------------------------------------- backup and restore

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    import store
    from loaders.ingest import ingest_file
    con = store.connect(sys.argv[1])
    for f in sorted(Path(sys.argv[2]).glob("w*.xlsx")):
        ingest_file(con, f, user="writer")
        print(f.name, flush=True)
    """
)


def test_backup_while_writing_is_one_committed_state_and_restores_with_the_same_views(tmp_path: Path) -> None:
    db = tmp_path / "live.sqlite"
    lake = Lake("sqlite", str(db), {"OVERBLIK_DB": str(db)})
    load_demo(lake)
    work = tmp_path / "writes"
    work.mkdir()
    for i in range(12):
        allocations(work, f"w{i:02}.xlsx", {f"P{j}": 1000 * i + j for j in range(i + 1)})
    (tmp_path / "writer.py").write_text(WRITER)
    writer = subprocess.Popen(
        [sys.executable, str(tmp_path / "writer.py"), str(db), str(work)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert writer.stdout.readline()  # the writer is committing
    p = lake.cli("backup", str(tmp_path / "backup"), "--json")
    assert p.returncode == 0, p.stderr
    snapshot = json.loads(p.stdout)["snapshot"]
    writer.communicate(timeout=300)
    assert writer.returncode == 0
    con = store.connect(db, read_only=True)
    try:
        latest = con.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0]
        assert latest > snapshot  # the writer went on after the backup: the test is not trivial
        store.attach(con, store.location(db), "at_backup", snapshot_version=snapshot)
        con.execute("USE at_backup")
        expected = views_of(con)
    finally:
        con.close()
    target = tmp_path / "elsewhere" / "restored.sqlite"
    p = subprocess.run(
        [sys.executable, "-m", "loaders", "restore", str(tmp_path / "backup"), "--db", str(target), "--json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    con = store.connect(target, read_only=True)
    try:
        assert views_of(con) == expected
        assert sum(len(v) for v in expected.values()) > 150
    finally:
        con.close()


def test_restore_never_replaces_a_store_unasked_and_keeps_the_old_one_aside(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    lake = Lake("sqlite", str(db), {"OVERBLIK_DB": str(db)})
    assert lake.cli("ingest", str(allocations(tmp_path, "a.xlsx", {"A": 1}))).returncode == 0
    assert lake.cli("backup", str(tmp_path / "b1")).returncode == 0
    assert lake.cli("ingest", str(allocations(tmp_path, "b.xlsx", {"A": 1, "B": 2}))).returncode == 0
    p = lake.cli("restore", str(tmp_path / "b1"))
    assert p.returncode == 2 and "--replace" in p.stderr
    assert lake.cli("restore", str(tmp_path / "b1"), "--replace").returncode == 0
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM allocations").fetchone() == (1,)
    finally:
        con.close()
    aside = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert {p.suffix for p in aside} == {".sqlite", ".lake"} or len(aside) >= 2
    kept = next(
        p for p in aside if p.name.startswith("s.sqlite.before-restore-") and p.name.count("-wal") == 0
    )
    assert kept.stat().st_size > 0


def test_a_changed_backup_is_refused_and_names_the_file(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    lake = Lake("sqlite", str(db), {"OVERBLIK_DB": str(db)})
    load_demo(lake)
    assert lake.cli("backup", str(tmp_path / "b")).returncode == 0
    victim = next((tmp_path / "b" / "lake").rglob("*.parquet"))
    victim.write_bytes(victim.read_bytes()[:-10])
    p = lake.cli("restore", str(tmp_path / "b"), "--db", str(tmp_path / "new.sqlite"))
    assert p.returncode == 2 and victim.name in p.stderr and "damaged" in p.stderr
    assert not (tmp_path / "new.sqlite").exists()


def test_backup_of_a_postgresql_catalog_points_to_pg_dump(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OVERBLIK_CATALOG", "postgres:dbname=x host=127.0.0.1")
    monkeypatch.setenv("OVERBLIK_DATA_PATH", str(tmp_path / "lake"))
    monkeypatch.delenv("OVERBLIK_DB", raising=False)
    with pytest.raises(backups.BackupError, match="pg_dump"):
        backups.backup(tmp_path / "b")


# ---------------------------------------------------------------- rebuild


def _history(lake: Lake, tmp_path: Path) -> None:
    """Uploads with options, a whole-list upload, rows set aside, an undo, a redo, an undo again."""
    load_demo(lake)
    more = write_xlsx(
        tmp_path / "ekstra.xlsx",
        {"Bevillinger": [HEADER, ["AI-puljen 2020", 2020, "Nyt", "R", 5000, "Bevilget"], ["AI-puljen 2020", 2020, None, "R", 1, "Søgt"]]},
    )  # fmt: skip
    assert lake.cli("ingest", str(more), "--skip-invalid").returncode == 0
    whole = write_xlsx(tmp_path / "hele.xlsx", {"Bevillinger": [HEADER, ["P2", 2021, "Kun", "R", 7, "Søgt"]]})
    assert lake.cli("ingest", str(whole), "--replace").returncode == 0
    batches = json.loads(lake.cli("history", "--json").stdout)["batches"]
    newest = batches[0]["batch_id"]
    assert lake.cli("undo", str(newest)).returncode == 0
    assert lake.cli("redo", str(newest)).returncode == 0
    assert lake.cli("undo", str(newest - 1)).returncode == 0


def test_rebuild_replays_originals_and_history_into_a_store_with_the_same_views(
    lake: Lake, tmp_path: Path
) -> None:
    _history(lake, tmp_path)
    new = tmp_path / "rebuilt" / "new.sqlite"
    p = lake.cli("rebuild", "--catalog", str(new), "--json")
    assert p.returncode == 0, p.stdout + p.stderr
    report = json.loads(p.stdout)
    assert report["replayed"] >= 9
    assert all(v["only_old"] == v["only_new"] == 0 for v in report["views"].values())
    old, fresh = lake.connect(read_only=True), store.connect(new, read_only=True)
    try:
        assert views_of(old) == views_of(fresh)  # checked here as well, not only by the command
        assert sum(len(v) for v in views_of(fresh).values()) > 150
        cols = "batch_id, action, undoes, undone_by, file_name, sheet, kind, uploaded_by, uploaded_at"
        assert (
            old.execute(f"SELECT {cols} FROM batches ORDER BY 1").fetchall()
            == fresh.execute(f"SELECT {cols} FROM batches ORDER BY 1").fetchall()
        )
        q = "SELECT batch_id, row_no, code, resolved_by FROM quarantine ORDER BY ALL"
        assert old.execute(q).fetchall() == fresh.execute(q).fetchall() != []
    finally:
        old.close()
        fresh.close()
    p = lake.cli("rebuild", "--catalog", str(new))
    assert p.returncode == 2  # never over an existing store


def test_rebuild_notices_a_row_that_did_not_come_from_an_upload(tmp_path: Path, monkeypatch) -> None:
    lake = make_lake("sqlite", tmp_path, monkeypatch)
    load_demo(lake)
    con = lake.connect()
    try:
        project = con.execute("SELECT min(project) FROM allocations").fetchone()[0]
        assert project
        con.execute("UPDATE allocations SET amount_dkk = amount_dkk + 1 WHERE project = ?", [project])
    finally:
        con.close()
    p = lake.cli("rebuild", "--catalog", str(tmp_path / "new.sqlite"))
    assert p.returncode == 2 and "allocations_v (1 rows only in the old, 1 only in the new)" in p.stderr


def test_rebuild_from_a_pre_ducklake_file(tmp_path: Path) -> None:
    """A region's phase-1 DuckDB file moves over: its stored originals are replayed."""
    import duckdb

    legacy = tmp_path / "old.duckdb"
    content = (DEMO / "bevillinger.xlsx").read_bytes()
    import hashlib

    sha = hashlib.sha256(content).hexdigest()
    con = duckdb.connect(str(legacy))
    con.execute("CREATE TABLE files (sha256 VARCHAR, file_name VARCHAR, size_bytes BIGINT, content BLOB)")
    con.execute("INSERT INTO files VALUES (?, 'bevillinger.xlsx', ?, ?)", [sha, len(content), content])
    con.execute(
        "CREATE TABLE batches (batch_id INTEGER, file_name VARCHAR, sheet VARCHAR, sha256 VARCHAR, kind VARCHAR, "
        "action VARCHAR, undoes INTEGER, uploaded_by VARCHAR, uploaded_at TIMESTAMP)"
    )
    con.execute(
        "INSERT INTO batches VALUES (1, 'bevillinger.xlsx', 'Bevillinger', ?, 'allocations', 'ingest', NULL, 'anna', "
        "TIMESTAMP '2024-05-01 10:00')",
        [sha],
    )
    for view in rebuild.PUBLIC_VIEWS:
        con.execute(f"CREATE VIEW {view} AS SELECT 1 AS x WHERE false")
    con.close()
    p = subprocess.run(
        [sys.executable, "-m", "loaders", "summary", "--db", str(legacy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert p.returncode == 2 and "rebuild --from" in p.stderr
    new = tmp_path / "new.sqlite"
    p = subprocess.run(
        [sys.executable, "-m", "loaders", "rebuild", "--from", str(legacy), "--catalog", str(new), "--json"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads(p.stdout)["legacy"] is True
    con = store.connect(new, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM allocations_v").fetchone() == (22,)
        assert con.execute("SELECT uploaded_by, uploaded_at FROM batches").fetchall() == [
            ("anna", datetime(2024, 5, 1, 10, 0))
        ]
    finally:
        con.close()


# ---------------------------------------------------------------- maintain


def test_maintain_merges_expires_and_keeps_what_is_pinned_or_within_the_retention(
    lake: Lake, tmp_path: Path
) -> None:
    con = lake.connect()
    now = datetime.now(UTC)
    try:
        date_snapshots_after(con, -1, now - timedelta(days=900))
        for i, days_ago in enumerate((800, 700, 600, 550, 500, 300, 200, 100)):
            f = allocations(tmp_path, f"v{i}.xlsx", {f"P{j}": 100 * i + j for j in range(i + 2)})
            upload_at(con, f, now - timedelta(days=days_ago))
        pinned = now - timedelta(days=650)  # between the 700- and 600-day uploads: version 1
        maintain.pin(con, pinned, "annex for the committee meeting")
        moments = {
            "pinned": pinned,
            "retention start": now - timedelta(days=400),
            "in retention": now - timedelta(days=150),
        }

        def read(when: datetime) -> list[tuple]:
            name = f"at_{abs(hash(when)) % 10**8}"
            store.attach(con, store.location_of(con), name, snapshot_time=when)
            rows = con.execute(f"SELECT project, amount_dkk FROM {name}.allocations_v ORDER BY 1").fetchall()
            con.execute(f"DETACH {name}")
            return rows

        before = {k: read(v) for k, v in moments.items()}
        files_before = _parquet_files(lake, con)
        snaps_before = con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0]
        report = maintain.maintain(con, keep_days=400)
        assert report["expired"] > 0 and report["merged"] > 0
        assert con.execute("SELECT count(*) FROM lake.snapshots()").fetchone()[0] < snaps_before
        assert len(_parquet_files(lake, con)) < len(files_before)
        assert {k: read(v) for k, v in moments.items()} == before
        assert before["pinned"] != before["in retention"]  # the moments are really different states
        for when in moments.values():
            assert store.readable_at(con, when)
        # An unpinned moment older than the retention is not shown as some other state: refused.
        # (575 days ago the state was the 600-day upload's until the expired 550-day one came.)
        unpinned = now - timedelta(days=575)
        assert not store.readable_at(con, unpinned)
        day = unpinned.astimezone(DK).date().isoformat()
        p = lake.cli("export", "allocations_v", "--asof", day)
        assert p.returncode == 2 and "nøjagtigt" in p.stderr
        older = (now - timedelta(days=750)).astimezone(DK).date().isoformat()
        p = lake.cli("export", "allocations_v", "--asof", older)
        assert p.returncode == 2 and "fra og med" in p.stderr
    finally:
        con.close()


def test_an_asof_link_that_was_looked_at_is_kept_by_maintenance(tmp_path: Path, monkeypatch) -> None:
    """A page opened with ?asof= (and an export --asof) is in the audit log and pins its moment:
    the state it showed still reads exactly after maintain expires everything around it."""
    from streamlit.testing.v1 import AppTest

    lake = make_lake("sqlite", tmp_path, monkeypatch)
    con = lake.connect()
    now = datetime.now(UTC)
    try:
        date_snapshots_after(con, -1, now - timedelta(days=900))
        for i, days_ago in enumerate((800, 700, 600, 550, 500, 300)):
            f = allocations(tmp_path, f"v{i}.xlsx", {f"P{j}": 100 * i + j for j in range(i + 2)})
            upload_at(con, f, now - timedelta(days=days_ago))
    finally:
        con.close()
    shared = (now - timedelta(days=575)).astimezone(DK).date()  # the 600-day state, soon expired
    scripted = (now - timedelta(days=520)).astimezone(DK).date()  # the 550-day state
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["asof"] = shared.isoformat()
    at.run()
    assert [e.value for e in at.exception] == []
    shown = next(m.value for m in at.metric if m.label == "Puljemidler bevilget i alt")
    p = lake.cli("export", "allocations_v", "--asof", scripted.isoformat(), "--format", "json")
    assert p.returncode == 0, p.stderr
    exported = json.loads(p.stdout)
    con = lake.connect()
    try:
        log = [e for e in audit_entries(con) if e["action"] == "asof"]
        assert len(log) == 1 and log[0]["page"] == "overblik"
        assert con.execute("SELECT count(*) FROM snapshot_pins").fetchone()[0] == 2
        report = maintain.maintain(con, keep_days=400)
        assert report["expired"] > 0
    finally:
        con.close()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["asof"] = shared.isoformat()
    at.run()
    assert not [w for w in at.warning if "kan ikke vises" in w.value]  # still shown exactly
    assert next(m.value for m in at.metric if m.label == "Puljemidler bevilget i alt") == shown
    p = lake.cli("export", "allocations_v", "--asof", scripted.isoformat(), "--format", "json")
    assert p.returncode == 0 and json.loads(p.stdout) == exported


def _parquet_files(lake: Lake, con) -> list[Path]:
    return [p for p in Path(store.location_of(con).data_path).rglob("*.parquet")]


def test_maintain_on_the_command_line_uses_the_documented_retention(lake: Lake, tmp_path: Path) -> None:
    assert lake.cli("ingest", str(allocations(tmp_path, "a.xlsx", {"A": 1}))).returncode == 0
    p = lake.cli("maintain", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["retention_days"] == maintain.DEFAULT_RETENTION_DAYS == 400


def test_originals_are_kept_forever_unless_a_retention_empties_the_old_ones(
    tmp_path: Path, monkeypatch
) -> None:
    """OVERBLIK_ORIGINALS_DAYS: maintain empties the stored file of uploads older than the setting;
    their rows and batches stay, the newer file stays whole, a rebuild says which file is gone."""
    from loaders.history import original_file

    lake = make_lake("sqlite", tmp_path, monkeypatch)
    assert lake.cli("ingest", str(allocations(tmp_path, "gammel.xlsx", {"A": 1}))).returncode == 0
    assert lake.cli("ingest", str(allocations(tmp_path, "ny.xlsx", {"B": 2}))).returncode == 0
    con = lake.connect()
    try:
        con.execute(
            "UPDATE batches SET uploaded_at = uploaded_at - INTERVAL 40 DAY WHERE file_name = 'gammel.xlsx'"
        )
        before = views_of(con)
    finally:
        con.close()
    p = lake.cli("maintain", "--json")  # no setting: originals are kept
    assert p.returncode == 0 and json.loads(p.stdout)["originals_removed"] == 0
    p = lake.cli("maintain", "--json", "--originals-days", "30")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["originals_removed"] == 1
    con = lake.connect(read_only=True)
    try:
        assert views_of(con) == before  # the figures do not change
        assert original_file(con, 1) is None  # the old upload's file is gone
        assert original_file(con, 2)[0] == "ny.xlsx"
        assert con.execute("SELECT octet_length(content) FROM files ORDER BY file_name").fetchall() != [
            (0,),
            (0,),
        ]
    finally:
        con.close()
    monkeypatch.setenv("OVERBLIK_ORIGINALS_DAYS", "30")  # the setting does the same, nightly
    p = lake.cli("maintain", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["originals_removed"] == 0  # nothing more to do
    p = lake.cli("rebuild", "--catalog", str(tmp_path / "again.sqlite"))
    assert p.returncode == 2 and "gammel.xlsx" in p.stderr and "retention" in p.stderr


# ---------------------------------------------------------------- damage


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path, monkeypatch) -> Path:
    db = backups.clone(demo_db, tmp_path / "d.sqlite")
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    monkeypatch.delenv("OVERBLIK_CATALOG", raising=False)
    return db


def _app_messages(page: str = "app_pages/overview.py") -> list[str]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    if page != "app_pages/overview.py" and not at.error:
        at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    return [e.value for e in at.error]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "loaders", *args], cwd=ROOT, capture_output=True, text=True)


def test_a_truncated_catalog_gives_plain_messages_and_a_restore_brings_the_running_app_back(
    demo_copy: Path, tmp_path: Path
) -> None:
    assert _cli("backup", str(tmp_path / "b"), "--db", str(demo_copy)).returncode == 0
    data = demo_copy.read_bytes()
    demo_copy.write_bytes(data[: len(data) // 2])
    p = _cli("summary", "--db", str(demo_copy))
    assert p.returncode == 2 and "kan ikke åbnes" in p.stderr and "restore" in p.stderr
    assert "Traceback" not in p.stderr
    for _ in range(2):  # the next rerun tries again: no crash loop, the same plain message
        errors = _app_messages()
        assert len(errors) == 1 and "mangler eller er beskadiget" in errors[0] and "restore" in errors[0]
        assert str(demo_copy) not in errors[0]  # paths stay in the log
    assert _cli("restore", str(tmp_path / "b"), "--db", str(demo_copy), "--replace").returncode == 0
    assert _app_messages() == []


def test_a_deleted_data_file_is_named_as_damage_not_shown_as_a_bug(demo_copy: Path) -> None:
    con = store.connect(demo_copy, read_only=True)
    try:
        files = con.execute("SELECT data_file FROM ducklake_list_files('lake', 'meetings')").fetchall()
    finally:
        con.close()
    assert files, "the demo's meetings are in a data file"
    Path(files[0][0]).unlink()
    errors = _app_messages("app_pages/network_activity.py")
    assert len(errors) == 1 and "kataloget eller en datafil" in errors[0] and "Fejl-id" in errors[0]
    p = _cli("export", "meetings_v", "--db", str(demo_copy))
    assert p.returncode == 2 and "Traceback" not in p.stdout + p.stderr and "kan ikke åbnes" in p.stderr


def test_a_missing_catalog_beside_its_data_is_damage_never_a_new_empty_store(demo_copy: Path) -> None:
    demo_copy.unlink()
    p = _cli("ingest", str(DEMO / "puljer.xlsx"), "--db", str(demo_copy))
    assert p.returncode == 2 and "kan ikke åbnes" in p.stderr
    assert not demo_copy.exists()
    errors = _app_messages()
    assert len(errors) == 1 and "mangler eller er beskadiget" in errors[0]
    assert not demo_copy.exists()


def test_sqlite_catalog_is_in_wal_mode_so_readers_never_wait(demo_copy: Path) -> None:
    with sqlite3.connect(demo_copy) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_rebuilt_store_keeps_the_upload_times(tmp_path: Path, monkeypatch) -> None:
    """Its history reads the same; its snapshots are new (dated at the rebuild)."""
    lake = make_lake("sqlite", tmp_path, monkeypatch)
    con = lake.connect()
    try:
        upload_at(con, allocations(tmp_path, "a.xlsx", {"A": 1}), datetime(2025, 3, 1, 12, tzinfo=DK))
    finally:
        con.close()
    new = tmp_path / "n.sqlite"
    assert lake.cli("rebuild", "--catalog", str(new)).returncode == 0
    con = store.connect(new, read_only=True)
    try:
        assert con.execute("SELECT uploaded_at FROM batches").fetchone() == (datetime(2025, 3, 1, 12, 0),)
    finally:
        con.close()
