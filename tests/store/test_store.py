"""The store shared by many processes: commits seen by others, keys kept unique under concurrent
commits, the past readable by date, views exported as data. Each test runs on the SQLite catalog
and on PostgreSQL (make test-postgres)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq

from tests.builders import write_xlsx
from tests.store.conftest import ROOT, Lake
from tests.store.timeline import date_snapshots_after, upload_at

DK = ZoneInfo("Europe/Copenhagen")
HEADER = ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status"]


def allocations(tmp: Path, name: str, amounts: dict[str, int]) -> Path:
    """An allocations sheet: one row per project of pool P, year 2025, recipient R."""
    rows = [HEADER] + [["P", 2025, project, "R", amount, "Bevilget"] for project, amount in amounts.items()]
    return write_xlsx(tmp / name, {"Bevillinger": rows})


def test_a_commit_by_another_process_is_seen_on_the_next_query(lake: Lake, tmp_path: Path) -> None:
    assert lake.cli("ingest", str(allocations(tmp_path, "a.xlsx", {"A": 1000}))).returncode == 0
    reader = lake.connect(read_only=True)
    try:
        before = reader.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0]
        assert reader.execute("SELECT count(*) FROM allocations_v").fetchone() == (1,)
        p = lake.cli("ingest", str(allocations(tmp_path, "b.xlsx", {"A": 1000, "B": 2000})))
        assert p.returncode == 0, p.stderr
        # The same open connection, no reconnect: the next query reads the new snapshot.
        assert reader.execute("SELECT id FROM lake.current_snapshot()").fetchone()[0] > before
        assert reader.execute("SELECT count(*) FROM allocations_v").fetchone() == (2,)
    finally:
        reader.close()


RACER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import store
    from loaders.ingest import Options, commit_plan, plan_file
    from loaders.problems import LoaderError

    path, go = Path(sys.argv[1]), Path(sys.argv[2])
    con = store.connect(sys.argv[3] if len(sys.argv) > 3 else None)
    fp = plan_file(con, path, options=Options())
    print("planned", flush=True)
    while not go.exists():
        time.sleep(0.001)
    try:
        commit_plan(con, fp, user="racer")
        print(json.dumps({"result": "committed"}), flush=True)
    except LoaderError as e:
        print(json.dumps({"result": e.problem.code}), flush=True)
    """
)


def test_two_commits_on_the_same_keys_never_both_apply_unseen(lake: Lake, tmp_path: Path) -> None:
    """Two processes plan against the same state and commit at the same moment, round after
    round: one commits, the other is refused as stale ('data changed since your preview'); never
    a duplicate key, never an update lost without a word."""
    assert lake.cli("ingest", str(allocations(tmp_path, "start.xlsx", {"X": 1, "Y": 1}))).returncode == 0
    script = tmp_path / "racer.py"
    script.write_text(RACER)
    outcomes = []
    for round_ in range(8):
        files = {
            "a": allocations(tmp_path, f"a{round_}.xlsx", {"X": 1000 + round_, "Y": 1000 + round_}),
            "b": allocations(
                tmp_path, f"b{round_}.xlsx", {"X": 2000 + round_, "Y": 2000 + round_, "Z": round_ + 1}
            ),
        }
        go = tmp_path / f"go{round_}"
        procs = {
            name: subprocess.Popen(
                [sys.executable, str(script), str(f), str(go), *([lake.db] if lake.db else [])],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, **lake.env, "PYTHONPATH": str(ROOT)},
            )  # fmt: skip
            for name, f in files.items()
        }
        for p in procs.values():
            assert p.stdout.readline().strip() == "planned", p.stderr.read()
        go.touch()
        results = {}
        for name, p in procs.items():
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results[name] = json.loads(out.strip().splitlines()[-1])["result"]
        assert sorted(results.values()) == ["committed", "plan.stale"], results
        winner = next(n for n, r in results.items() if r == "committed")
        outcomes.append(winner)
        con = lake.connect(read_only=True)
        try:
            dupes = con.execute(
                "SELECT pool, year, project, recipient, count(*) FROM allocations "
                "GROUP BY ALL HAVING count(*) > 1"
            ).fetchall()
            assert dupes == []
            amounts = dict(con.execute("SELECT project, amount_dkk FROM allocations").fetchall())
        finally:
            con.close()
        # What the winner's preview showed is exactly what is stored: nothing of the loser slipped in.
        expected = 1000 + round_ if winner == "a" else 2000 + round_
        assert amounts["X"] == amounts["Y"] == Decimal(expected)
        if winner == "b":
            assert amounts["Z"] == Decimal(round_ + 1)
    assert len(outcomes) == 8


def _build_timeline(lake: Lake, tmp_path: Path) -> None:
    con = lake.connect()
    try:
        date_snapshots_after(con, -1, datetime(2025, 11, 1, 9, tzinfo=DK))
        upload_at(
            con, allocations(tmp_path, "nov10.xlsx", {"A": 100_000}), datetime(2025, 11, 10, 10, tzinfo=DK)
        )
        upload_at(
            con,
            allocations(tmp_path, "nov25.xlsx", {"A": 250_000, "B": 50_000}),
            datetime(2025, 11, 25, 10, tzinfo=DK),
        )
    finally:
        con.close()


def test_export_as_of_a_date_shows_the_data_as_they_stood_then(lake: Lake, tmp_path: Path) -> None:
    _build_timeline(lake, tmp_path)

    def exported(*extra: str) -> list[dict]:
        p = lake.cli("export", "allocations_v", "--format", "json", *extra)
        assert p.returncode == 0, p.stderr
        return sorted(json.loads(p.stdout), key=lambda r: r["project"])

    then = exported("--asof", "2025-11-20")
    now = exported()
    assert [(r["project"], r["amount_dkk"]) for r in then] == [("A", "100000.00")]
    assert [(r["project"], r["amount_dkk"]) for r in now] == [("A", "250000.00"), ("B", "50000.00")]
    p = lake.cli("export", "allocations_v", "--asof", "2025-10-01")
    assert p.returncode == 2 and "fra og med 2025-11-01" in p.stderr


def test_every_page_shows_the_data_as_they_stood_on_the_asof_date(lake: Lake, tmp_path: Path) -> None:
    from streamlit.testing.v1 import AppTest

    _build_timeline(lake, tmp_path)

    def granted(**params: str) -> tuple[str, list[str]]:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        assert not at.exception
        metrics = {m.label: m.value for m in at.metric}
        return metrics["Puljemidler bevilget i alt"], [i.value for i in at.info]

    then, banners = granted(asof="2025-11-20")
    assert then == "100.000\xa0kr."
    assert any("20. november 2025" in b for b in banners)
    now, banners = granted()
    assert now == "300.000\xa0kr." and not any("udgangen af" in b for b in banners)


def test_export_writes_every_view_as_exact_data(lake: Lake, tmp_path: Path) -> None:
    rows = [
        HEADER,
        ["P", 2025, "A", "R", "1.650.000,50", "Bevilget"],
        ["P", 2025, "@Projekt", "R", 0.1, "Søgt"],
    ]
    assert lake.cli("ingest", str(write_xlsx(tmp_path / "a.xlsx", {"Bevillinger": rows}))).returncode == 0
    con = lake.connect(read_only=True)
    try:
        expected = con.execute("SELECT project, amount_dkk FROM allocations_v ORDER BY project").fetchall()
    finally:
        con.close()
    p = lake.cli("export", "allocations_v", "--format", "json")
    got = sorted((r["project"], r["amount_dkk"]) for r in json.loads(p.stdout))
    assert got == [(project, format(amount, "f")) for project, amount in expected]
    assert ("A", "1650000.50") in got  # exact, as a string
    p = lake.cli("export", "allocations_v", "--format", "csv")
    text = p.stdout.lstrip("\ufeff")
    table = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert {r["project"] for r in table} == {"A", "'@Projekt"}  # a spreadsheet never evaluates a cell
    out = tmp_path / "a.parquet"
    assert lake.cli("export", "allocations_v", "--format", "parquet", "--out", str(out)).returncode == 0
    t = pq.read_table(out)
    assert sorted(zip(t["project"].to_pylist(), t["amount_dkk"].to_pylist(), strict=True)) == sorted(expected)
    for view, n in (("participants_v", 0), ("meetings_v", 0), ("eu_projects_v", 0), ("pools_v", 1)):
        p = lake.cli("export", view, "--format", "json")
        assert p.returncode == 0 and len(json.loads(p.stdout)) == n  # the pool the sheet created
    assert lake.cli("export", "batches").returncode == 2  # only the public views


def test_the_store_setting_switches_catalogs_without_a_code_change(lake: Lake, tmp_path: Path) -> None:
    """The same command, told only by the environment where the store is."""
    f = allocations(tmp_path, "a.xlsx", {"A": 1})
    p = subprocess.run(
        [sys.executable, "-m", "loaders", "ingest", str(f), "--json"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **lake.env},
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    con = lake.connect(read_only=True)
    try:
        catalog = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = 'lake'").fetchone()[
            0
        ]
        assert catalog.startswith("sqlite:" if lake.kind == "sqlite" else "postgres:")
        assert con.execute("SELECT count(*) FROM allocations").fetchone() == (1,)
    finally:
        con.close()
