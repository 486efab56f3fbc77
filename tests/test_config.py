"""The settings that make the server safe to put in front of users (issue 12, finding 7 and the
settings it asks for), read from the file Streamlit reads, and what a user sees when our own code
fails: a plain sentence with an error id, never a traceback."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loaders.isolate import Limits

ROOT = Path(__file__).resolve().parents[1]


def _config() -> dict:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_production_settings_hide_tracebacks_refuse_cross_site_posts_and_match_the_loader_limit():
    c = _config()
    assert c["client"]["showErrorDetails"] in ("none", "type")
    assert c["client"]["disableDataExport"] is True  # every table download is ours (audited)
    assert c["server"]["enableXsrfProtection"] is True
    assert c["server"]["maxUploadSize"] == Limits().max_file_mb
    assert c["browser"]["gatherUsageStats"] is False
    # Bound to all addresses, Streamlit looks its external address up on the internet at start.
    assert c["server"]["address"] == "127.0.0.1"


def test_our_own_bug_shows_an_error_id_and_the_log_has_the_traceback(
    demo_db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from dashboard import queries

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug of ours")

    monkeypatch.setenv("OVERBLIK_DB", str(demo_db))
    monkeypatch.setenv("OVERBLIK_ROLE", "viewer")
    monkeypatch.setattr(queries, "kpis", broken)
    with caplog.at_level(logging.ERROR, logger="overblik"):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert [e.value for e in at.exception] == []  # no traceback element
    [shown] = [e.value for e in at.error]
    assert "fejl-id" in shown and "ZeroDivisionError" not in shown and "a bug of ours" not in shown
    error_id = shown.split("fejl-id ")[1].split(")")[0]
    [record] = [r for r in caplog.records if error_id in r.getMessage()]
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError
