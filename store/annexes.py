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
    size: int | None = None  # bytes of the file kept (0: erased, as it named an erased person)


def _kept(row: tuple) -> Kept:
    return Kept(*row[:7], json.loads(row[7]), *row[8:])


def last_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The newest batch in the store (0 when nothing was loaded)."""
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0])


def previous(
    con: duckdb.DuckDBPyConnection,
    filters_key: str,
    last_batch: int | None = None,
    day_starts: datetime | None = None,
) -> Kept | None:
    """The annex a new one for these filters compares with: the newest made for exactly these
    filters that saw less of the store (a last batch older than `last_batch`) or was made before
    `day_starts` (an earlier day). The same state handed out again the same day (the PDF, then the
    Excel; a leader's copy, then the committee's) is no earlier annex, so every copy tells the same
    changes. Without the two: the newest annex for the filters."""
    cond, params = "", [filters_key]
    if last_batch is not None and day_starts is not None:
        cond, params = " AND (last_batch < ? OR made_at < ?)", [filters_key, last_batch, day_starts]
    row = store.first_row(
        con.execute(
            "SELECT annex_id, made_at, made_by, role, lang, filters_text, last_batch, figures, file_name "  # noqa: S608
            f"FROM annexes WHERE filters_key = ?{cond} ORDER BY annex_id DESC LIMIT 1",  # cond: our own text
            params,
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
        "SELECT annex_id, made_at, made_by, role, lang, filters_text, last_batch, figures, file_name, "
        "octet_length(content) FROM annexes ORDER BY annex_id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [_kept(r) for r in rows]


def content(con: duckdb.DuckDBPyConnection, annex_id: int) -> bytes | None:
    """The file an annex was handed out as."""
    row = store.first_row(con.execute("SELECT content FROM annexes WHERE annex_id = ?", [annex_id]))
    return bytes(row[0]) if row else None
