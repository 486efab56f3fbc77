"""The audit log: one entry per audited action, with who, when, the role, the page and what.

Audited: logins, uploads, undos and redos, erasures (that one happened, with counts, never whom),
downloads of tables with names and of original files, exports, backups and restores. The log is a
table of the store, so it is shared by every process and server, backed up with the data, and
read by admins on the audit page (and exported from there)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import duckdb

import store

ACTIONS = (
    "login", "upload", "undo", "redo", "erase", "download_names", "download_original", "export",
    "backup", "restore", "maintain", "rebuild", "asof", "annex",
)  # fmt: skip


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    user: str,
    role: str | None,
    action: str,
    page: str | None,
    detail: str | None = None,
) -> None:
    """Add one entry (its own small commit: an audit entry never waits for, or fails with, the
    action's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audited action {action!r}")
    # A commit like any other: on an embedded store writers take turns (two overlapping commits
    # to a SQLite catalog would fail the second, which may be a secretary's upload).
    with store.write_lock(con):
        con.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)",
            [datetime.now(UTC), user, role, action, page, detail],
        )


def record_asof(
    con: duckdb.DuckDBPyConnection, *, user: str, role: str | None, page: str | None, moment: datetime
) -> None:
    """Someone looked at the data as they stood at `moment` (an ?asof= link): recorded, and the
    moment pinned, so maintenance keeps that state readable within the retention (a link shared
    with a committee shows what it showed)."""
    from store.maintain import pin

    with store.write_lock(con):
        con.execute("BEGIN TRANSACTION")
        try:
            record(con, user=user, role=role, action="asof", page=page, detail=moment.isoformat())
            pin(con, moment, f"asof link ({page or 'cli'})")
            con.execute("COMMIT")
        except BaseException:
            store.rollback(con)
            raise


def record_once(
    con: duckdb.DuckDBPyConnection, *, user: str, role: str | None, action: str, page: str | None, detail: str
) -> bool:
    """Add the entry unless one with the same person, action and detail is there already (a login:
    every browser tab and page load is a new session of the same login); whether it was added."""
    seen = con.execute(
        "SELECT count(*) FROM audit_log WHERE user_name = ? AND action = ? AND detail = ?",
        [user, action, detail],
    ).fetchall()[0][0]
    if seen:
        return False
    record(con, user=user, role=role, action=action, page=page, detail=detail)
    return True


def entries(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict[str, Any]]:
    """The log, newest first."""
    cur = con.execute(
        'SELECT "at", user_name, role, action, page, detail FROM audit_log ORDER BY "at" DESC LIMIT ?',
        [limit if limit else 2**62],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
