"""The data page as a secretary uses it, under AppTest: upload, save, history, undo what you meant."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from loaders.ingest import ingest_file
from tests.builders import MEMBERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
AI = {"network": "AI-Innovationsnetværket", "region": "Region Hovedstaden"}


def _people(db: Path) -> list[str]:
    con = store.connect(db)
    try:
        return [r[0] for r in con.execute("SELECT person FROM memberships ORDER BY 1").fetchall()]
    finally:
        con.close()


@pytest.fixture
def two_uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, int, int]:
    """A store with two member lists loaded: the first and a second that adds one person."""
    db = tmp_path / "t.duckdb"
    con = store.connect(db)
    first = ingest_file(con, write_xlsx(tmp_path / "foerste.xlsx", {"Deltagere": MEMBERS}), set_values=AI)
    second = ingest_file(
        con,
        write_xlsx(
            tmp_path / "anden.xlsx", {"Deltagere": MEMBERS + [["Mads Nielsen", "Institutleder", "KU"]]}
        ),
        set_values=AI,
    )
    con.close()
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    return db, first[0].batch_id, second[0].batch_id


def _text(elements) -> str:
    """What the reader sees of markdown elements: escaped user text shown as written."""
    return " ".join(re.sub(r"\\(.)", r"\1", e.value) for e in elements)


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    return at


def test_undo_offers_no_upload_until_one_is_chosen_and_asks_naming_the_file(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    pick = at.selectbox(key="hist_pick")
    assert pick.value is None  # nothing is pre-selected: no stale choice can be undone by accident
    assert not [b for b in at.button if b.key == "undo_btn"]
    pick.set_value(second).run()
    at.button(key="undo_btn").click().run()
    # A confirmation that names the file and what will happen; nothing has happened yet.
    warning = _text(at.warning)
    assert "anden.xlsx" in warning and "1 række fjernes" in warning
    assert "Mads Nielsen" in _people(db)
    at.button(key="confirm_yes").click().run()
    assert not at.exception
    assert "Mads Nielsen" not in _people(db)
    assert len(_people(db)) == 6  # the first list is untouched
    assert at.selectbox(key="hist_pick").value is None
    assert f"Indlæsning {second} er fortrudt" in _text(at.success)
    # The history is redrawn after the action: the second upload shows as undone.
    hist = next(d.value for d in at.dataframe if "Status" in d.value.columns and "Fil" in d.value.columns)
    assert hist.loc[hist["Nr."] == second, "Status"].item().startswith("Fortrudt af")


def test_cancel_changes_nothing_and_an_undone_upload_can_be_redone(two_uploads) -> None:
    db, first, second = two_uploads
    at = _data_page()
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_no").click().run()
    assert "Mads Nielsen" in _people(db)
    at.selectbox(key="hist_pick").set_value(second).run()
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert "Mads Nielsen" not in _people(db)
    # Redo from the same list: the upload is offered as undone and brought back.
    at.selectbox(key="hist_pick").set_value(second).run()
    assert "Gendan" in at.button(key="undo_btn").label
    at.button(key="undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert "Mads Nielsen" in _people(db)
    assert f"Indlæsning {second} er gendannet" in _text(at.success)


def test_an_upload_changed_by_a_later_one_says_which_to_undo_first(two_uploads, tmp_path: Path) -> None:
    db, first, second = two_uploads
    changed = [list(r) for r in MEMBERS]
    changed[3][1] = "Afdelingslæge"  # Anna Pors, loaded by the first upload
    con = store.connect(db)
    third = ingest_file(con, write_xlsx(tmp_path / "tredje.xlsx", {"Deltagere": changed}), set_values=AI)
    con.close()
    at = _data_page()
    at.selectbox(key="hist_pick").set_value(first).run()
    assert not [b for b in at.button if b.key == "undo_btn"]
    assert f"før indlæsning {third[0].batch_id} er fortrudt" in _text(at.info)
