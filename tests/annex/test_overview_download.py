"""The overview's "Hent bilag": a button per format for a leader, the annex made only on a click
(and then kept), none for a committee member."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

import store
from store.backup import clone
from tests.annex.test_annex import member_names, xlsx_text
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


def kept_roles(db: Path) -> list[str]:
    with store.connect(db, read_only=True) as con:
        return [r[0] for r in con.execute("SELECT role FROM annexes ORDER BY annex_id").fetchall()]


def order(at: AppTest) -> list[str]:
    """The main area's texts top to bottom: where each part of the page sits."""
    out: list[str] = []

    def walk(node) -> None:
        value = getattr(node, "value", None)
        if isinstance(value, str):
            out.append(value)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return out


def test_the_annex_sits_under_the_headline_figures(demo_db, monkeypatch, spies) -> None:
    texts = order(overview(demo_db, monkeypatch, "leader"))
    annex = next(i for i, x in enumerate(texts) if "Bilag til udvalget" in x)
    latest = next(i for i, x in enumerate(texts) if x == "Seneste aktivitet")
    assert annex < latest


def test_a_leader_makes_the_committees_annex_without_names(demo_db, tmp_path, monkeypatch, spies) -> None:
    db = clone(demo_db, tmp_path / "c.sqlite")
    at = overview(db, monkeypatch, "leader")
    spies["downloads"].clear()
    at.toggle(key="annex_for_committee").set_value(True).run()
    annex = {n: d for _, n, d in spies["downloads"] if n and n.startswith("bilag")}
    assert set(annex) >= {"bilag-til-udvalget.xlsx", "bilag-til-udvalget.pdf", "bilag-til-udvalget.html"}
    raw = click(annex["bilag-til-udvalget.xlsx"])
    text = xlsx_text(raw)
    assert not [n for n in member_names(db) if len(n) > 5 and n in text]
    assert kept_roles(db) == ["viewer"]
    assert "Medlemmer" not in openpyxl.load_workbook(io.BytesIO(raw)).sheetnames  # the names' sheet


def test_a_kept_annex_is_downloaded_again_as_it_was(demo_db, tmp_path, monkeypatch, spies) -> None:
    db = clone(demo_db, tmp_path / "c.sqlite")
    overview(db, monkeypatch, "leader")
    made = click(next(d for _, n, d in spies["downloads"] if n == "bilag.xlsx"))
    spies["downloads"].clear()
    at = overview(db, monkeypatch, "leader")  # the next visit lists it
    assert at.selectbox(key="annex_again").value is not None
    again = [(n, d) for label, n, d in spies["downloads"] if label == "Hent"]
    assert len(again) == 1 and again[0][0].endswith(".xlsx")
    assert click(again[0][1]) == made
    assert kept(db) == 1  # handing it out again makes no new annex
