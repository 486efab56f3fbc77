"""Rename an organisation: every name written for `old` (and `old` itself) then means `new`, which
takes over its sector, and `old` leaves the organisation list. One batch, undone like any upload and
replayed by a rebuild (its options say {"rename": [old, new]}).

Not an upload: an alias sheet uploaded as a whole list replaces the names of the organisations it
lists, and a rename must empty the old organisation's list, which no sheet can list. The batch is
made as the loader makes one (the sheet of the names it moved kept as its file, the rows it replaced
in the history twins), so history, undo and "Kilde" treat it as an upload.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import duckdb

import store
from store import summary


def rename_organisation(
    con: duckdb.DuckDBPyConnection,
    old: str,
    new: str,
    *,
    user: str,
    content: bytes,
    file_name: str,
    sheet: str,
    at: datetime | None = None,
) -> int | None:
    """Rename old to new in one batch; its id, or None when old is no organisation of the list.
    content is the sheet of the names moved (aliases of old, old, new: one row each, from row 2)."""
    with store.write_lock(con):
        con.execute("BEGIN TRANSACTION")
        try:
            batch = _rename(
                con, old, new, user=user, content=content, file_name=file_name, sheet=sheet, at=at
            )
            if batch is None:
                con.execute("ROLLBACK")
                return None
            con.execute("COMMIT")
        except BaseException:
            store.rollback(con)
            raise
        summary.refresh(con)
    return batch


def moved_names(con: duckdb.DuckDBPyConnection, old: str, new: str) -> list[str]:
    """The names a rename of old to new moves, in the order its sheet lists them."""
    aliases = [
        r[0]
        for r in con.execute(
            "SELECT alias FROM org_aliases WHERE canonical = ? ORDER BY alias", [old]
        ).fetchall()
    ]
    return list(dict.fromkeys([*aliases, old, new]))


def _rename(
    con: duckdb.DuckDBPyConnection,
    old: str,
    new: str,
    *,
    user: str,
    content: bytes,
    file_name: str,
    sheet: str,
    at: datetime | None,
) -> int | None:
    had_aliases = store.first_row(con.execute("SELECT 1 FROM org_aliases WHERE canonical = ? LIMIT 1", [old]))
    sector = store.first_row(con.execute("SELECT sector FROM organisations WHERE canonical = ?", [old]))
    if had_aliases is None and sector is None:
        return None
    wanted = moved_names(con, old, new)
    sha = hashlib.sha256(content).hexdigest()
    batch = store.next_batch_id(con)
    if not con.execute("SELECT count(*) FROM files WHERE sha256 = ?", [sha]).fetchall()[0][0]:
        con.execute(
            "INSERT INTO files (sha256, file_name, size_bytes, content) VALUES (?, ?, ?, ?)",
            [sha, file_name, len(content), content],
        )
    added = [
        a
        for a in wanted
        if not con.execute(
            "SELECT count(*) FROM org_aliases WHERE alias = ? AND canonical = ?", [a, new]
        ).fetchall()[0][0]
    ]
    # The old organisation's names and sector go to the history twins (undo puts them back).
    con.execute(
        "INSERT INTO org_aliases_history (alias, canonical, src_row, batch_id, superseded_by) "
        "SELECT alias, canonical, src_row, batch_id, ? FROM org_aliases WHERE canonical = ?",
        [batch, old],
    )
    removed = con.execute("SELECT count(*) FROM org_aliases WHERE canonical = ?", [old]).fetchall()[0][0]
    con.execute("DELETE FROM org_aliases WHERE canonical = ?", [old])
    for row, alias in enumerate(wanted, start=2):  # row 1 of the sheet is its header
        if alias in added:
            con.execute(
                "INSERT INTO org_aliases (alias, canonical, src_row, batch_id) VALUES (?, ?, ?, ?)",
                [alias, new, row, batch],
            )
    if sector is not None:
        con.execute(
            "INSERT INTO organisations_history (canonical, sector, src_row, batch_id, superseded_by) "
            "SELECT canonical, sector, src_row, batch_id, ? FROM organisations WHERE canonical = ?",
            [batch, old],
        )
        con.execute("DELETE FROM organisations WHERE canonical = ?", [old])
        if store.first_row(con.execute("SELECT 1 FROM organisations WHERE canonical = ?", [new])) is None:
            con.execute(
                "INSERT INTO organisations (canonical, sector, batch_id) VALUES (?, ?, ?)",
                [new, sector[0], batch],
            )
    con.execute(
        "INSERT INTO batches (batch_id, file_name, sheet, sha256, kind, action, uploaded_by, uploaded_at, "
        "rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected, rows_removed, rows_skipped, "
        "options) VALUES (?, ?, ?, ?, 'org_aliases', 'ingest', ?, ?, ?, 0, ?, 0, 0, ?, 0, ?)",
        [
            batch, file_name, sheet[:31], sha, user, at or datetime.now(), len(added), len(wanted) - len(added),
            removed, json.dumps({"rename": [old, new]}, ensure_ascii=False),
        ],
    )  # fmt: skip
    return batch
