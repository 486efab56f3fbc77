"""Undo and redo, the list of batches, and what each batch did.

Every batch is reversible the same way. A batch *removed* the rows kept in <table>_history
with superseded_by = batch (the versions it replaced or deleted), and it *added*: for an
ingest, the rows written with its batch_id; for an undo, the rows the batch it undid had
removed. Undoing batch T is a new batch that takes T's added rows out (into the history, so
the undo can itself be undone) and puts T's removed rows back, with their own batch ids.
Undoing an undo is a redo; the chain can go on.
"""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from loaders.problems import LoaderError, Problem
from store import DATA_TABLES, first_row, next_batch_id, rollback, summary, write_lock


def current_user() -> str:
    """Who is acting when no login says so: env OVERBLIK_USER, else the login name."""
    try:
        return os.environ.get("OVERBLIK_USER") or getpass.getuser()
    except (KeyError, OSError):  # getpass finds no login name in some containers
        return "ukendt"


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]


def _key_match(keys: tuple[str, ...], a: str, b: str) -> str:
    return " AND ".join(f'{a}."{k}" = {b}."{k}"' for k in keys)


def _batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[Any, ...] | None:
    return first_row(
        con.execute(
            "SELECT action, undoes, undone_by, file_name, sheet, sha256, kind FROM batches WHERE batch_id = ?",
            [batch_id],
        )
    )


def _added_sql(con: duckdb.DuckDBPyConnection, table: str, batch_id: int) -> tuple[str, list[Any]]:
    """SELECT of the rows batch_id added to table (one per key), with its parameters."""
    row = _batch(con, batch_id)
    assert row is not None
    if row[0] == "undo":
        return _removed_sql(table, row[1])
    cols = ", ".join(f'"{c}"' for c in _columns(con, table))
    keys = ", ".join(f'"{k}"' for k in DATA_TABLES[table])
    # A row of the batch may sit in the table and, as a copy, in the history (superseded by a
    # batch that was later undone): one per key.
    sql = (
        f"SELECT {cols} FROM (SELECT {cols} FROM {table} WHERE batch_id = ? UNION ALL "
        f"SELECT {cols} FROM {table}_history WHERE batch_id = ?) "
        f"QUALIFY row_number() OVER (PARTITION BY {keys}) = 1"
    )
    return sql, [batch_id, batch_id]


def _touched(con: duckdb.DuckDBPyConnection, batch_id: int) -> list[str]:
    """The data tables where batch_id added or removed rows (for an undo, also where the batch it
    undoes removed rows, which it puts back), in DATA_TABLES order. Every other table holds
    nothing that undoing batch_id reads or changes, and a query of a DuckLake table costs tens of
    milliseconds even when it finds nothing: one query asks them all."""
    row = _batch(con, batch_id)
    ids = [int(batch_id)] + ([int(row[1])] if row is not None and row[0] == "undo" and row[1] else [])
    within = ", ".join(str(i) for i in ids)
    sql = " UNION ALL ".join(
        f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM {t} WHERE batch_id IN ({within})) "
        f"OR EXISTS (SELECT 1 FROM {t}_history WHERE batch_id IN ({within}) OR superseded_by IN ({within}))"
        for t in DATA_TABLES
    )
    found = {r[0] for r in con.execute(sql).fetchall()}
    return [t for t in DATA_TABLES if t in found]


def _removed_sql(table: str, batch_id: int) -> tuple[str, list[Any]]:
    return f"SELECT * EXCLUDE (superseded_by) FROM {table}_history WHERE superseded_by = ?", [batch_id]


def chain_head(con: duckdb.DuckDBPyConnection, batch_id: int) -> int:
    """The last batch of the undo chain that starts at batch_id (itself when never undone)."""
    while True:
        row = first_row(con.execute("SELECT undone_by FROM batches WHERE batch_id = ?", [batch_id]))
        if row is None or row[0] is None:
            return batch_id
        batch_id = int(row[0])


def undo(
    con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str | None = None, at: datetime | None = None
) -> int:
    """Take back what batch_id did and return the new batch's id.

    Undoing an undo is a redo. A batch that was undone and redone is undone again by reversing
    the redo, so "undo 7" always means: make 7's effect go away.
    """
    with write_lock(con):  # checked and done with no other writer in between
        if _batch(con, batch_id) is None:
            raise LoaderError(Problem("undo.not_found", params={"batch_id": batch_id}))
        if not live(con, batch_id):
            raise LoaderError(
                Problem("undo.already", params={"batch_id": batch_id, "by": chain_head(con, batch_id)})
            )
        return _reverse(con, chain_head(con, batch_id), user, at)


def redo(
    con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str | None = None, at: datetime | None = None
) -> int:
    """Put back what an undone batch did (by reversing its undo); return the new batch's id."""
    with write_lock(con):
        if _batch(con, batch_id) is None:
            raise LoaderError(Problem("undo.not_found", params={"batch_id": batch_id}))
        if live(con, batch_id):
            raise LoaderError(Problem("redo.not_undone", params={"batch_id": batch_id}))
        return _reverse(con, chain_head(con, batch_id), user, at)


def reverse_head(
    con: duckdb.DuckDBPyConnection, batch_id: int, *, user: str | None = None, at: datetime | None = None
) -> int:
    """Reverse batch_id, which must be the head of its undo chain (a rebuild replaying an undo or
    a redo exactly as recorded)."""
    with write_lock(con):
        if _batch(con, batch_id) is None or chain_head(con, batch_id) != batch_id:
            raise LoaderError(Problem("undo.not_found", params={"batch_id": batch_id}))
        return _reverse(con, batch_id, user, at)


def _reverse(con: duckdb.DuckDBPyConnection, batch_id: int, user: str | None, at: datetime | None) -> int:
    """Reverse batch_id, the head of its chain: a new undo batch (under the writers' lock)."""
    row = _batch(con, batch_id)
    assert row is not None and row[2] is None
    if row[0] == "erase":  # an erased name never comes back
        raise LoaderError(Problem("undo.erase", params={"batch_id": batch_id}))
    for table in _touched(con, batch_id):
        later = _blocking_batch(con, table, batch_id)
        if later is not None:
            raise LoaderError(Problem("undo.superseded", params={"batch_id": batch_id, "later": later}))
    new = _reverse_now(con, batch_id, row, user, at)
    summary.refresh(con)
    return new


def _reverse_now(
    con: duckdb.DuckDBPyConnection, batch_id: int, row: tuple[Any, ...], user: str | None, at: datetime | None
) -> int:
    con.execute("BEGIN TRANSACTION")
    try:
        new = next_batch_id(con)
        for table in _touched(con, batch_id):
            _reverse_table(con, table, batch_id, new)
        con.execute(
            "INSERT INTO batches (batch_id, file_name, sheet, sha256, kind, action, undoes, uploaded_by, uploaded_at) "
            "VALUES (?, ?, ?, ?, ?, 'undo', ?, ?, ?)",
            [new, row[3], row[4], row[5], row[6], batch_id, user or current_user(), at or datetime.now()],
        )
        con.execute("UPDATE batches SET undone_by = ? WHERE batch_id = ?", [new, batch_id])
        con.execute("COMMIT")
    except (duckdb.TransactionException, duckdb.ConstraintException) as exc:
        rollback(con)  # someone else changed the same rows at the same moment
        raise LoaderError(Problem("plan.stale")) from exc
    except BaseException:
        rollback(con)
        raise
    return new


def _blocking_batch(con: duckdb.DuckDBPyConnection, table: str, batch_id: int) -> int | None:
    """The later batch that changed rows batch_id added, or put rows where it removed some."""
    keys = DATA_TABLES[table]
    added, p_added = _added_sql(con, table, batch_id)
    removed, p_removed = _removed_sql(table, batch_id)
    # An added row no longer in the table as added: the batch that replaced it blocks.
    gone = con.execute(
        f"SELECT min(h.superseded_by) FROM ({added}) a JOIN {table}_history h ON {_key_match(keys, 'a', 'h')} "
        f"AND h.batch_id IS NOT DISTINCT FROM a.batch_id AND h.superseded_by > ? "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {_key_match(keys, 'a', 't')} "
        f"AND t.batch_id IS NOT DISTINCT FROM a.batch_id)",
        p_added + [batch_id],
    ).fetchall()[0][0]
    if gone is not None:
        return int(gone)
    # A removed row whose key is taken by a row the batch did not add: that row's batch blocks.
    taken = con.execute(
        f"SELECT min(t.batch_id) FROM ({removed}) r JOIN {table} t ON {_key_match(keys, 'r', 't')} "
        f"WHERE NOT EXISTS (SELECT 1 FROM ({added}) a WHERE {_key_match(keys, 'a', 't')} "
        f"AND a.batch_id IS NOT DISTINCT FROM t.batch_id)",
        p_removed + p_added,
    ).fetchall()[0][0]
    return int(taken) if taken is not None else None


def _reverse_table(con: duckdb.DuckDBPyConnection, table: str, batch_id: int, new: int) -> None:
    keys = DATA_TABLES[table]
    cols = ", ".join(f'"{c}"' for c in _columns(con, table))
    added, p_added = _added_sql(con, table, batch_id)
    removed, p_removed = _removed_sql(table, batch_id)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _undo_added AS {added}", p_added)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _undo_removed AS {removed}", p_removed)
    try:
        con.execute(
            f"INSERT INTO {table}_history SELECT {cols}, ? FROM _undo_added a "
            f"WHERE EXISTS (SELECT 1 FROM {table} t WHERE {_key_match(keys, 'a', 't')})",
            [new],
        )
        con.execute(
            f"DELETE FROM {table} t USING _undo_added a WHERE {_key_match(keys, 'a', 't')} "
            f"AND t.batch_id IS NOT DISTINCT FROM a.batch_id"
        )
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _undo_removed")
    finally:
        con.execute("DROP TABLE IF EXISTS _undo_added")
        con.execute("DROP TABLE IF EXISTS _undo_removed")


def undo_preview(con: duckdb.DuckDBPyConnection, batch_id: int) -> dict[str, Any]:
    """What undoing batch_id would do: rows it takes out and rows it puts back, per table, and
    the batch that blocks it (None when it can be undone)."""
    out: dict[str, Any] = {"remove": 0, "restore": 0, "blocked_by": None}
    row = _batch(con, batch_id)
    if row is None:
        return out
    for table in _touched(con, batch_id):
        added, p_added = _added_sql(con, table, batch_id)
        removed, p_removed = _removed_sql(table, batch_id)
        keys = DATA_TABLES[table]
        # A changed row is taken out and put back in its old version: count it once, as restored.
        restored_keys = con.execute(f"SELECT count(*) FROM ({removed})", p_removed).fetchall()[0][0]
        replaced = con.execute(
            f"SELECT count(*) FROM ({added}) a WHERE EXISTS (SELECT 1 FROM ({removed}) r "
            f"WHERE {_key_match(keys, 'a', 'r')})",
            p_added + p_removed,
        ).fetchall()[0][0]
        out["remove"] += con.execute(f"SELECT count(*) FROM ({added})", p_added).fetchall()[0][0] - replaced
        out["restore"] += restored_keys
        if out["blocked_by"] is None:
            out["blocked_by"] = _blocking_batch(con, table, batch_id)
    return out


def live(con: duckdb.DuckDBPyConnection, batch_id: int) -> bool:
    """Whether a batch's effect stands: it was never undone, or its undo was undone, and so on."""
    undone_by = first_row(con.execute("SELECT undone_by FROM batches WHERE batch_id = ?", [batch_id]))
    if undone_by is None or undone_by[0] is None:
        return True
    return not live(con, int(undone_by[0]))


def history(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every batch, newest first."""
    cur = con.execute(
        "SELECT batch_id, action, undoes, undone_by, file_name, sheet, kind, uploaded_by, uploaded_at, "
        "rows_new, rows_changed, rows_unchanged, rows_missing, rows_rejected, rows_removed, sha256 FROM batches "
        "ORDER BY batch_id DESC"
    )
    names = [d[0] for d in cur.description]
    out = []
    for r in cur.fetchall():
        d = dict(zip(names, r, strict=True))
        d["uploaded_at"] = d["uploaded_at"].isoformat(timespec="seconds")
        out.append(d)
    return out


def original_file(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, bytes] | None:
    """The file a batch came from, as uploaded (as stored after an erasure: an erased person's
    name replaced, an .xls converted to .xlsx, which its name then says)."""
    row = first_row(
        con.execute(
            "SELECT b.file_name, f.content, f.file_name FROM batches b JOIN files f ON f.sha256 = b.sha256 "
            "WHERE b.batch_id = ?",
            [batch_id],
        )
    )
    if not row or not row[1]:  # no such batch, or its file was emptied by the retention of originals
        return None
    name, stored = Path(row[0]), Path(row[2])
    if stored.suffix and stored.suffix.lower() != name.suffix.lower():
        name = name.with_suffix(stored.suffix)
    return (str(name), bytes(row[1]))
