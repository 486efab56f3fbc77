"""The moment a page reads: the newest snapshot that changed data, asked of the store once per
script run, asked again on the next run and after the process's own write.

What it proves: a page's dozen cached queries share one catalog round trip for the snapshot (each
costs about 14 ms on a SQLite catalog), while a commit made between two runs is still seen on the
next one, and a write made within a run (an upload, an undo) is seen by the rest of that run. A
commit that only records what a session did (the audit log) keeps the key, so it clears no page's
cached results; after `maintain` has expired the last data commit, the key is the oldest snapshot
kept, never an older key again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from dashboard import db
from store.backup import clone

ROOT = Path(__file__).resolve().parents[2]
GRANTED = "Puljemidler bevilget i alt"


@pytest.fixture
def demo_copy(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo store this test may write to, named by OVERBLIK_DB."""
    mine = tmp_path / "demo.sqlite"
    clone(demo_db, mine)
    monkeypatch.setenv("OVERBLIK_DB", str(mine))
    return mine


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every data version the store is asked for (by any code in this process)."""
    seen: list[int] = []
    real = store.data_version

    def counting(con):
        seen.append(real(con))
        return seen[-1]

    monkeypatch.setattr(store, "data_version", counting)
    return seen


def _granted(at: AppTest) -> str:
    return next(m.value for m in at.metric if m.label == GRANTED)


def test_a_run_asks_once_and_the_next_run_sees_a_commit(demo_copy: Path, asked: list[int]) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert [e.value for e in at.exception] == []
    assert len(asked) == 1  # the overview's cached queries all keyed by the one answer
    before = _granted(at)
    # Another process commits: every granted allocation gets 1.000 kr. more.
    with store.connect(demo_copy) as con:
        con.execute(
            "UPDATE allocations SET amount_dkk = amount_dkk + 1000 WHERE status IN ('granted', 'paid')"
        )
    at.run()
    assert [e.value for e in at.exception] == []
    assert len(asked) == 2 and asked[1] > asked[0]
    assert _granted(at) != before  # not the result cached under the first run's snapshot


def test_a_write_of_this_process_makes_the_run_ask_again(
    demo_copy: Path, asked: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db._run, "started", True, raising=False)
    monkeypatch.setattr(db._run, "snapshot", None, raising=False)
    first = db.moment()
    assert db.moment() == first and len(asked) == 1  # within a run: the answer kept
    with store.connect(demo_copy) as con:
        con.execute("UPDATE allocations SET amount_dkk = amount_dkk + 1000")
    assert db.moment() == first  # a commit elsewhere waits for the next run
    db.clear_caches()  # what the data page calls after its own upload, undo or edit
    again = db.moment()
    assert again[0] == "live" and again[1] > first[1]


def test_an_audit_entry_keeps_the_key_and_a_data_commit_moves_it(demo_copy: Path) -> None:
    from store import audit

    with store.connect(demo_copy) as con:
        first = store.data_version(con)
        audit.record(con, user="test", role="admin", action="login", page=None)
        assert store.snapshot_id(con) > first  # the entry is a commit of its own
        assert store.data_version(con) == first  # that changed no figure
        con.execute("UPDATE allocations SET amount_dkk = amount_dkk + 1000")
        moved = store.data_version(con)
        assert moved == store.snapshot_id(con) > first
        audit.record(con, user="test", role="admin", action="login", page=None)
        kept = store.snapshot_id(con)
        # `maintain` expires every snapshot but the newest: the data commit is gone from the list
        old = [
            r[0]
            for r in con.execute(
                "SELECT snapshot_id FROM lake.snapshots() WHERE snapshot_id < ?", [kept]
            ).fetchall()
        ]
        con.execute("CALL ducklake_expire_snapshots('lake', versions => ?)", [old]).fetchall()
        assert store.data_version(con) == kept  # the oldest kept: newer than every key before it
