"""The audit log: each audited action leaves exactly one entry, with the person who did it, the
action and the page (or 'cli'); an erasure is recorded without whom it erased.

Logins are counted in the browser test (tests/browser/test_login.py), where a real identity
provider issues them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from store import audit
from tests.app.conftest import click
from tests.builders import MEMBERS, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
AI = ["--set", "network=AI-Innovationsnetværket", "--set", "region=Region Hovedstaden"]
WEB_USER = "Sofie Sekretær"
CLI_USER = "natlig-kørsel"


def _entries(db: Path) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return [(e["user_name"], e["action"], e["page"], e["detail"]) for e in reversed(audit.entries(con))]
    finally:
        con.close()


class Log:
    """The entries an action added."""

    def __init__(self, db: Path) -> None:
        self.db, self.seen = db, len(_entries(db))

    def new(self) -> list[tuple]:
        now = _entries(self.db)
        added, self.seen = now[self.seen :], len(now)
        return added


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, "-m", "loaders", *args, "--db", str(db)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "OVERBLIK_USER": CLI_USER},
    )  # fmt: skip
    assert p.returncode == 0, p.stdout + p.stderr
    return p


def _app(db: Path, role: str, monkeypatch: pytest.MonkeyPatch, page: str) -> AppTest:
    monkeypatch.setenv("OVERBLIK_DB", str(db))
    monkeypatch.setenv("OVERBLIK_ROLE", role)
    monkeypatch.setenv("OVERBLIK_USER", WEB_USER)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page(page).run()
    assert [e.value for e in at.exception] == []
    return at


def _download(spies: dict[str, list], file_name_start: str) -> bytes:
    found = [d for _label, name, d in spies["downloads"] if str(name).startswith(file_name_start)]
    assert found, [n for _l, n, _d in spies["downloads"]]
    return click(found[-1])


def test_each_audited_action_leaves_exactly_one_entry_with_the_right_person(
    tmp_path, monkeypatch, spies
) -> None:
    db = tmp_path / "a.sqlite"
    first = write_xlsx(tmp_path / "foerste.xlsx", {"Deltagere": MEMBERS})
    _cli(db, "ingest", str(first), *AI)
    log = Log(db)
    assert log.seen == 1 and _entries(db)[0][:3] == (CLI_USER, "upload", "cli")

    # The data page: an upload, its undo and its redo, the original downloaded.
    at = _app(db, "staff", monkeypatch, "app_pages/data.py")
    at.selectbox(key="upload_network").set_value("AI-Innovationsnetværket").run()
    more = write_xlsx(
        tmp_path / "anden.xlsx", {"Deltagere": MEMBERS + [["Mads Nielsen", "Institutleder", "KU"]]}
    )
    at.get("file_uploader")[0].set_value(("anden.xlsx", more.read_bytes(), "application/octet-stream")).run()
    next(b for b in at.button if b.key and b.key.startswith("save_")).click().run()
    assert [e[:3] for e in log.new()] == [(WEB_USER, "upload", "data")]
    at.selectbox(key="hist_pick").set_value(2).run()
    at.button(key="undo_btn").click().run()
    assert log.new() == []  # asked, not done
    at.button(key="confirm_yes").click().run()
    assert [e[:3] for e in log.new()] == [(WEB_USER, "undo", "data")]
    at.selectbox(key="hist_pick").set_value(2).run()
    next(b for b in at.button if b.key == "undo_btn").click().run()
    at.button(key="confirm_yes").click().run()
    assert [e[:3] for e in log.new()] == [(WEB_USER, "redo", "data")]
    at.selectbox(key="hist_pick").set_value(1).run()
    assert _download(spies, "foerste").startswith(b"PK")
    assert [e[:3] for e in log.new()] == [(WEB_USER, "download_original", "data")]

    # A member list with names, downloaded by a leader: one entry per file made.
    spies["downloads"].clear()
    _app(db, "leader", monkeypatch, "app_pages/people.py")
    assert log.new() == []  # drawing the buttons records nothing
    assert b"Mads Nielsen" in _download(spies, "deltagere.csv")
    assert [e[:3] for e in log.new()] == [(WEB_USER, "download_names", "personer")]
    # A table without names is not a download of personal data.
    spies["downloads"].clear()
    _app(db, "leader", monkeypatch, "app_pages/funding_pools.py")
    for _label, name, data in spies["downloads"]:
        if not str(name).startswith("bilag."):  # the overview's annex, drawn first; audited below
            click(data)
    assert log.new() == []
    # The committee annex, made on a click: one entry for the file made.
    spies["downloads"].clear()
    _app(db, "leader", monkeypatch, "app_pages/overview.py")
    assert log.new() == []
    assert _download(spies, "bilag.xlsx").startswith(b"PK")
    assert [e[:3] for e in log.new()] == [(WEB_USER, "annex", "overblik")]

    # Administration: a backup, and the audit log exported.
    spies["downloads"].clear()
    monkeypatch.setenv("OVERBLIK_BACKUP_DIR", str(tmp_path / "backups"))
    at = _app(db, "admin", monkeypatch, "app_pages/admin.py")
    at.button(key="backup_now").click().run()
    assert [e[:3] for e in log.new()] == [(WEB_USER, "backup", "admin")]
    _download(spies, "revisionslog.xlsx")
    assert [e[:3] for e in log.new()] == [(WEB_USER, "export", "admin")]
    # An erasure on the Administration page: previewed (nothing written), then confirmed.
    at.text_input(key="erase_name").input("Jack Karrer").run()
    assert log.new() == []
    assert any("Jack Karrer" in d.value.to_csv() for d in at.dataframe)  # the values it will replace
    at.checkbox(key="erase_confirm").check().run()
    at.button(key="erase_go").click().run()
    assert [e.value for e in at.exception] == []
    assert [e[:3] for e in log.new()] == [(WEB_USER, "erase", "admin")]
    assert not [e for e in _entries(db) if "Jack Karrer" in str(e)]

    # The command line: undo, redo, export, backup, maintain, erase.
    for args, action in (
        (["undo", "2"], "undo"),
        (["redo", "2"], "redo"),
        (["export", "meetings_v", "--format", "json"], "export"),
        (["backup", str(tmp_path / "cli-backup")], "backup"),
        (["maintain"], "maintain"),
        (["erase", "Mads", "Nielsen", "--yes"], "erase"),
    ):
        _cli(db, *args)
        assert [e[:3] for e in log.new()] == [(CLI_USER, action, "cli")], args
    erased = [e for e in _entries(db) if e[1] == "erase" and e[2] == "cli"]
    assert len(erased) == 1 and "Mads" not in str(erased) and "Nielsen" not in str(erased)
    # The erasure reached the audit log too: no entry names the person any more.
    assert not [e for e in _entries(db) if "Mads Nielsen" in str(e)]
