"""The committee annexes made, kept in the store: the next annex for the same filters compares
with the last one, and the overview lists them. A row is written once and never changed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

import store


@dataclass(frozen=True)
class Kept:
    """An annex as it was made."""

    annex_id: int
    made_at: datetime
    made_by: str | None
    role: str
    lang: str
    filters_text: str
    last_batch: int
    figures: dict[str, Any]
    file_name: str


def _kept(row: tuple) -> Kept:
    return Kept(*row[:7], json.loads(row[7]), row[8])


def last_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The newest batch in the store (0 when nothing was loaded)."""
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0])


def previous(con: duckdb.DuckDBPyConnection, filters_key: str) -> Kept | None:
    """The newest annex made for exactly these filters."""
    row = store.first_row(
        con.execute(
            "SELECT annex_id, made_at, made_by, role, lang, filters_text, last_batch, figures, file_name "
            "FROM annexes WHERE filters_key = ? ORDER BY annex_id DESC LIMIT 1",
            [filters_key],
        )
    )
    return _kept(row) if row else None


def keep(
    con: duckdb.DuckDBPyConnection,
    *,
    made_by: str | None,
    role: str,
    lang: str,
    filters_key: str,
    filters_text: str,
    last_batch: int,
    figures: dict[str, Any],
    file_name: str,
    content: bytes,
) -> int:
    """Record an annex (one commit, taken in turn with the other writers); its number."""
    with store.write_lock(con):
        con.execute("BEGIN TRANSACTION")
        try:
            annex_id = int(con.execute("SELECT coalesce(max(annex_id), 0) + 1 FROM annexes").fetchall()[0][0])
            con.execute(
                "INSERT INTO annexes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    annex_id, datetime.now(UTC), made_by, role, lang, filters_key, filters_text, last_batch,
                    json.dumps(figures, sort_keys=True, ensure_ascii=False), file_name, content,
                ],
            )  # fmt: skip
            con.execute("COMMIT")
        except BaseException:
            store.rollback(con)
            raise
    return annex_id


def listing(con: duckdb.DuckDBPyConnection, limit: int = 20) -> list[Kept]:
    """The annexes made, newest first."""
    rows = con.execute(
        "SELECT annex_id, made_at, made_by, role, lang, filters_text, last_batch, figures, file_name "
        "FROM annexes ORDER BY annex_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [_kept(r) for r in rows]


def content(con: duckdb.DuckDBPyConnection, annex_id: int) -> bytes | None:
    """The file an annex was handed out as."""
    row = store.first_row(con.execute("SELECT content FROM annexes WHERE annex_id = ?", [annex_id]))
    return bytes(row[0]) if row else None
