"""The overview's "Hent bilag": a button per format for a leader, the annex made only on a click
(and then kept), none for a committee member."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from store.backup import clone
from tests.app.conftest import click

ROOT = Path(__file__).resolve().parents[2]


def kept(db: Path) -> int:
    with store.connect(db, read_only=True) as con:
        return con.execute("SELECT count(*) FROM annexes").fetchall()[0][0]


def overview(db: Path, monkeypatch: pytest.MonkeyPatch, role: str) -> AppTest:
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    assert [e.value for e in at.exception] == []
    return at


def test_a_leader_gets_the_annex_only_when_clicking(demo_db, tmp_path, monkeypatch, spies) -> None:
    db = clone(demo_db, tmp_path / "c.sqlite")
    overview(db, monkeypatch, "leader")
    annex = {name: data for label, name, data in spies["downloads"] if name and name.startswith("bilag.")}
    assert set(annex) == {"bilag.pdf", "bilag.html", "bilag.xlsx"}
    assert all(callable(d) for d in annex.values())
    assert kept(db) == 0  # drawing the page made nothing
    raw = click(annex["bilag.xlsx"])
    assert raw[:2] == b"PK" and kept(db) == 1


def test_a_committee_member_has_no_annex_button(demo_db, monkeypatch, spies) -> None:
    overview(demo_db, monkeypatch, "viewer")
    assert not [n for _, n, _ in spies["downloads"] if n and n.startswith("bilag.")]
