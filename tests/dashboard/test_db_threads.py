"""The dashboard's one connection, read by many sessions at once: Streamlit runs each session on a
thread of its own, so every query, the snapshot look-up included, takes its own cursor.

What it proves: sessions on threads asking for the newest snapshot and the first day at the same
time all get the true answer and no error (on the shared connection itself, one thread received
another's empty result: IndexError, an error box on a committee member's screen)."""

from __future__ import annotations

import threading
from pathlib import Path

import store
from dashboard import db


def test_many_sessions_ask_for_the_snapshot_at_once(demo_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    with store.connect(demo_db, read_only=True) as con:
        newest = store.data_version(con)
    errors: list[BaseException] = []
    answers: list[object] = []
    start = threading.Barrier(6)

    def session() -> None:
        try:
            start.wait()
            for _ in range(150):
                answers.append(db.moment())
                answers.append(db.first_day())
        except BaseException as e:  # noqa: BLE001 - any error is the finding
            errors.append(e)

    threads = [threading.Thread(target=session) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {a for a in answers if isinstance(a, tuple)} == {("live", newest)}
