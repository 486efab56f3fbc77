"""The project summary the writers keep (store/summary.py) and the projects page's use of it.

What each proves:
- every_write_keeps_it_exact: after an upload that changes a project's amount and adds a project,
  its undo, an alias that gives recipients another organisation, an organisation renamed on the
  data page and an erasure of a person named on a project, the summary names the data version and
  holds exactly the rows a full recomputation gives (per project, and per project and region, also
  after a pool's region changed); each write brought it up to date from the
  change feed (only the projects touched), never by recomputing everything; only the erasure's
  second refresh, after its purge expired the snapshots, recomputes everything.
- feed_that_cannot_say: when the snapshots since the summary was made are gone, the refresh
  recomputes everything, and is exact.
- maintain_names_the_new_version: `maintain` merges files and expires snapshots (a new data
  version); the summary names it afterwards, so the page keeps using it.
- page_reads_it_unfiltered_and_by_region: unfiltered and for one, two or no-project regions, the
  projects page's lists, headline and register come from the summaries without grouping the links
  (the live path is made to fail) and are the same as the live path's.
- page_reads_it_only_when_current: another filter groups the links; a data commit that did not
  refresh the summary (another writer lost a race) makes the page compute from the links again and
  show the new project.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import store
from dashboard import queries
from loaders import erase
from loaders.history import undo
from loaders.ingest import ingest_file
from loaders.rename import rename_organisation
from store import summary
from store.backup import clone
from tests.builders import write_xlsx

ALLOCATIONS = ["Pulje", "År", "Projekt", "Modtager", "Beløb", "Status", "Beslutningsdato"]
NEW_PROJECT = "Summary-testprojekt"


@pytest.fixture
def con(demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mine = tmp_path / "demo.sqlite"
    clone(demo_db, mine)
    monkeypatch.setenv("OVERBLIK_DB", str(mine))
    c = store.connect(str(mine))
    yield c
    c.close()


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each refresh a writer made did ('changed', 'full', 'current')."""
    seen: list[str] = []
    real = summary.refresh

    def spy(con, **kw):
        seen.append(real(con, **kw))
        return seen[-1]

    monkeypatch.setattr(summary, "refresh", spy)
    return seen


def _kept(con) -> list[tuple]:
    return sorted(con.execute(f"SELECT {summary.COLUMNS} FROM project_summary").fetchall(), key=repr)


def _whole(con) -> list[tuple]:
    return sorted(con.execute(summary._rows_sql()).fetchall(), key=repr)


def _exact(con) -> None:
    assert summary.state(con) == store.data_version(con)
    assert _kept(con) == _whole(con)
    kept = con.execute(f"SELECT {summary.REGION_COLUMNS} FROM project_region_summary").fetchall()
    assert sorted(kept, key=repr) == sorted(con.execute(summary._region_rows_sql()).fetchall(), key=repr)


def _project(con, name: str) -> tuple | None:
    rows = con.execute("SELECT granted_dkk, orgs FROM project_summary WHERE project = ?", [name]).fetchall()
    return rows[0] if rows else None


def test_every_write_keeps_it_exact(con, refreshed: list[str], tmp_path: Path) -> None:
    _exact(con)  # the demo, as `make demo` loads it
    pool, year, project, recipient, amount = con.execute(
        "SELECT pool, year, project, recipient, amount_dkk FROM allocations WHERE status = 'granted' "
        "ORDER BY project LIMIT 1"
    ).fetchall()[0]
    sheet = write_xlsx(
        tmp_path / "bevillinger_rettet.xlsx",
        {
            "Bevillinger": [
                ALLOCATIONS,
                [pool, year, project, recipient, float(amount) + 1000, "Bevilget", "2025-06-18"],
                [pool, year, NEW_PROJECT, "Summary Hospital", 123456, "Bevilget", "2025-06-18"],
            ]
        },
    )
    plans = ingest_file(con, sheet)
    assert [p.status for p in plans] == ["loaded"], [(p.status, p.errors) for p in plans]
    _exact(con)
    assert _project(con, project)[0] == amount + 1000
    assert _project(con, NEW_PROJECT) == (123456, ["Summary Hospital"])

    undo(con, plans[0].batch_id, user="test")
    _exact(con)
    assert _project(con, project)[0] == amount
    assert _project(con, NEW_PROJECT) is None

    ingest_file(con, sheet)
    aliases = write_xlsx(
        tmp_path / "organisationer_ny.xlsx",
        {
            "Organisationer": [
                ["Skrevet som", "Organisation", "Sektor"],
                ["Summary Hospital", "Summary Universitetshospital", "Hospital"],
            ]
        },
    )
    assert [p.status for p in ingest_file(con, aliases)] == ["loaded"]
    _exact(con)
    assert _project(con, NEW_PROJECT)[1] == ["Summary Universitetshospital"]

    assert rename_organisation(
        con, "Summary Universitetshospital", "Summary Sygehus", user="test", content=b"", file_name="omdøb.xlsx",
        sheet="Omdøbning",
    ) is not None  # fmt: skip
    _exact(con)
    assert _project(con, NEW_PROJECT)[1] == ["Summary Sygehus"]

    # A pool's region is its allocations' region when they name none (all of the demo's).
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE pools SET region = 'Region Nordjylland' WHERE pool = 'AI-puljen 2020'")
    con.execute("COMMIT")
    assert summary.refresh(con) == "changed"
    _exact(con)
    assert (
        con.execute(
            "SELECT count(*) FROM project_region_summary WHERE region = 'Region Nordjylland'"
        ).fetchall()[0][0]
        == con.execute(
            "SELECT count(DISTINCT project) FROM allocations WHERE pool = 'AI-puljen 2020'"
        ).fetchall()[0][0]
    )

    person, named_on = con.execute(
        "SELECT person, project FROM project_members ORDER BY person LIMIT 1"
    ).fetchall()[0]
    erase.erase(con, person, user="test")
    _exact(con)
    assert _project(con, named_on) is not None  # the project stays; only the name went

    # The erasure refreshes twice: before its purge (the names go with the old files) and after it,
    # when the snapshots the feed would read are expired.
    assert refreshed == ["changed"] * 7 + ["full"], refreshed


def test_feed_that_cannot_say(con) -> None:
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE allocations SET amount_dkk = amount_dkk + 1 WHERE status = 'paid'")
    con.execute("DELETE FROM project_summary_state")
    con.execute("INSERT INTO project_summary_state VALUES (-5)")  # made before any snapshot kept
    con.execute("COMMIT")
    assert summary.refresh(con) == "full"
    _exact(con)
    assert summary.refresh(con) == "current"


def test_maintain_names_the_new_version(con) -> None:
    from store import maintain

    maintain.maintain(con, keep_days=0)
    _exact(con)


def _front(monkeypatch: pytest.MonkeyPatch, f: queries.Filters, *, live: bool) -> queries.ProjectFront:
    def no_links(*a, **k):
        raise AssertionError("the links were grouped although the summary is current")

    with monkeypatch.context() as m:
        if live:
            m.setattr(queries, "_summary_kept", lambda cur: False)
        else:
            m.setattr(queries, "_links_into", no_links)
        return queries.project_front.__wrapped__(f)


@pytest.mark.parametrize(
    "regions",
    [(), ("Region Syddanmark",), ("Region Hovedstaden", "Region Syddanmark"), ("Region Nordjylland",)],
)
def test_page_reads_it_unfiltered_and_by_region(con, monkeypatch: pytest.MonkeyPatch, regions) -> None:
    f = queries.Filters(region=regions)
    live, kept = _front(monkeypatch, f, live=True), _front(monkeypatch, f, live=False)
    assert kept.projects == live.projects
    assert kept.organisations == live.organisations
    assert kept.totals == live.totals
    pd.testing.assert_frame_equal(kept.register, live.register)
    assert len(kept.register) == kept.totals[0]  # every project of the demo in those regions
    assert kept.totals[0] >= 5 or regions == ("Region Nordjylland",)  # the equality above says something


def test_page_reads_it_only_when_current(con, monkeypatch: pytest.MonkeyPatch) -> None:
    live = _front(monkeypatch, queries.Filters(), live=True)
    # Any other filter than regions groups the links.
    with pytest.raises(AssertionError, match="links were grouped"):
        _front(monkeypatch, queries.Filters(year_from=2020), live=False)

    # A data commit that did not bring the summary along: the page groups the links again.
    pool, year = con.execute("SELECT pool, year FROM allocations LIMIT 1").fetchall()[0]
    con.execute("BEGIN TRANSACTION")
    con.execute(
        "INSERT INTO allocations (pool, year, project, recipient, amount_dkk, status, batch_id, src_row) "
        "VALUES (?, ?, ?, 'Summary Hospital', 10000000000, 'granted', 1, 999)",
        [pool, year, NEW_PROJECT],
    )
    con.execute("COMMIT")
    assert summary.state(con) != store.data_version(con)
    behind = queries.project_front.__wrapped__(queries.Filters())
    assert behind.projects[0] == NEW_PROJECT
    assert behind.totals[0] == live.totals[0] + 1
