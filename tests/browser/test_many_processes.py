"""Two dashboard processes on two ports and a command-line ingest at the same time, on the
embedded store and (make test-postgres) on a PostgreSQL catalog: both dashboards keep answering
while the upload commits, and both show the new data on their next rerun, with no restart."""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path

import pytest

from dashboard import format as fmt
from tests.browser.helpers import errors, open_page, settle, streamlit_server
from tests.store.conftest import make_lake
from tests.store.test_operations import load_demo
from tests.store.test_store import allocations

pytestmark = pytest.mark.browser


def _granted(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Puljemidler bevilget i alt")
    return metric.locator('[data-testid="stMetricValue"]').inner_text()


def _expected(lake) -> str:
    con = lake.connect(read_only=True)
    try:
        total = con.execute(
            "SELECT sum(amount_dkk) FROM allocations_v WHERE status IN ('granted', 'paid')"
        ).fetchone()[0]
    finally:
        con.close()
    return fmt.amount(Decimal(total), "da").replace("\xa0", " ")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_dashboards_and_a_command_line_ingest_at_once(kind, browser, tmp_path: Path, monkeypatch) -> None:
    lake = make_lake(kind, tmp_path, monkeypatch)
    load_demo(lake)
    before = _expected(lake)
    extra = allocations(tmp_path, "ekstra.xlsx", {"Nyt projekt A": 1_500_000, "Nyt projekt B": 250_000})
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(streamlit_server(None, lake.env)) for _ in range(2)]
        pages = [open_page(browser, url) for url in urls]
        for page in pages:
            assert _granted(page).replace("\xa0", " ") == before
        ingest = lake.popen("ingest", str(extra), "--set", "region=Region Midtjylland")
        # Both dashboards keep serving reruns while the upload reads, plans and commits.
        reruns = 0
        while ingest.poll() is None:
            for page in pages:
                page.reload()
                settle(page)
                assert errors(page) == []
                reruns += 1
        out, err = ingest.communicate()
        assert ingest.returncode == 0, out + err
        after = _expected(lake)
        assert after != before
        for page in pages:
            page.reload()
            settle(page)
            assert errors(page) == []
            assert _granted(page).replace("\xa0", " ") == after
        assert reruns >= 2
