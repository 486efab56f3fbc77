"""`python -m loaders rebuild --catalog NEW`: a new store made only from the stored original files
and the history of what was done with them, then checked view by view against the old one.

Every upload is replayed from its original file with the options it was loaded with (kind, values
set for the whole sheet, whole-list mode, set-aside rows), by the person and at the time recorded;
every undo and redo is replayed on the batch it was made on. Erasures are kept: the erased names
and their key are copied first, and an erasure's batch is recorded again where it was (the stored
originals were rewritten by it, so the uploads replayed give the tokens, never the names). The loaders are deterministic given
the file, the options and the store before, so the new store's public views hold exactly the old
rows: rebuild compares every view and every row, and says which differ if any do.

Sources: a store of this version (a damaged data folder is exactly when one needs this: only the
catalog's `files` and `batches` must read), or `--from` a DuckDB file from before version 3, whose
originals are replayed by today's loaders (the views may then differ where the loaders improved;
the report says where).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb

import store

PUBLIC_VIEWS = ("participants_v", "meetings_v", "eu_projects_v", "pools_v", "allocations_v")


class RebuildError(Exception):
    """The rebuild cannot start or its result differs: the message says which and why."""


def _open_source(path: str | os.PathLike[str] | None) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """The source read-only, and whether it is a DuckDB file from before version 3."""
    loc = store.location(path)
    if loc.sqlite_file is not None and loc.sqlite_file.exists():
        with loc.sqlite_file.open("rb") as fh:
            legacy = fh.read(16)[8:12] == b"DUCK"
        if legacy:
            return duckdb.connect(str(loc.sqlite_file), read_only=True), True
    try:
        return store.connect(path, read_only=True), False
    except store.StoreDamaged as e:
        raise RebuildError(f"the store to rebuild from cannot be opened: {e}") from None


def _uploads(src: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The history as steps: an upload (consecutive ingest batches of one file, one commit) or an
    undo/redo (one batch), in the order they were made."""
    cols = {
        r[0]
        for r in src.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = 'batches'"
        ).fetchall()
    }
    rows = src.execute(
        "SELECT batch_id, action, undoes, file_name, sheet, sha256, kind, uploaded_by, uploaded_at, options "
        "FROM batches ORDER BY batch_id"
        if "options" in cols
        else "SELECT batch_id, action, undoes, file_name, sheet, sha256, kind, uploaded_by, uploaded_at, "
        "NULL FROM batches ORDER BY batch_id"
    ).fetchall()
    steps: list[dict[str, Any]] = []
    for batch_id, action, undoes, file_name, sheet, sha, kind, user, at, opts in rows:
        last = steps[-1] if steps else None
        if (
            action == "ingest"
            and last is not None
            and last["action"] == "ingest"
            and (last["sha"], last["options"], last["at"]) == (sha, opts, at)
        ):
            last["batches"].append((batch_id, sheet, kind))
            continue
        steps.append(
            {
                "action": action, "undoes": undoes, "file_name": file_name, "sha": sha, "user": user,
                "at": at, "options": opts, "batches": [(batch_id, sheet, kind)],
            }
        )  # fmt: skip
    return steps


def _options(raw: str | None) -> Any:
    from loaders.ingest import Options

    if not raw:
        return Options()
    o = json.loads(raw)
    return Options(
        o.get("kind"), dict(o.get("set") or {}), bool(o.get("replace")), bool(o.get("skip_invalid"))
    )


def _replay_upload(
    dst: duckdb.DuckDBPyConnection, src: duckdb.DuckDBPyConnection, step: dict[str, Any], work: Path
) -> dict[int, int]:
    """Replay one upload; the old batch ids mapped to the new ones (by sheet)."""
    from loaders.ingest import commit_plan, plan_file

    has_note = "note" in _columns(src, "files")
    row = store.first_row(
        src.execute(
            f"SELECT content, file_name, {'note' if has_note else 'NULL'} FROM files WHERE sha256 = ?",  # noqa: S608
            [step["sha"]],
        )
    )
    if row is None or not row[0]:
        why = "is not stored" if row is None else f"was emptied ({row[2] or 'retention of original files'})"
        raise RebuildError(f"the original of {step['file_name']} (batch {step['batches'][0][0]}) {why}")
    folder = work / str(step["batches"][0][0])
    folder.mkdir()
    # An .xls an erasure converted is stored as .xlsx: read as what it is now, recorded as it was.
    name = Path(step["file_name"])
    stored = Path(row[1] or name.name)
    shown = step["file_name"]
    if stored.suffix and stored.suffix.lower() != name.suffix.lower():
        shown = str(name.with_suffix(stored.suffix))
    path = folder / Path(shown).name
    path.write_bytes(bytes(row[0]))
    before = _latest(dst)
    fp = plan_file(dst, path, display_name=shown, options=_options(step["options"]))
    planned = {(p.sheet, p.kind) for p in fp.sheets if p.status == "planned"}
    wanted = {(sheet, kind) for _, sheet, kind in step["batches"]}
    if planned != wanted:
        raise RebuildError(
            f"{step['file_name']}: replaying batch {step['batches'][0][0]} plans the sheets "
            f"{sorted(planned)}, the history recorded {sorted(wanted)}"
        )
    commit_plan(dst, fp, user=step["user"], at=step["at"])
    new = {
        sheet: b
        for b, sheet in dst.execute(
            "SELECT batch_id, sheet FROM batches WHERE batch_id > ? ORDER BY batch_id", [before]
        ).fetchall()
    }
    mapping = {old: new[sheet] for old, sheet, _ in step["batches"]}
    _keep_erasure_marks(dst, src, step, mapping, shown, row[1], row[2])
    return mapping


def _keep_erasure_marks(
    dst: duckdb.DuckDBPyConnection,
    src: duckdb.DuckDBPyConnection,
    step: dict[str, Any],
    mapping: dict[int, int],
    shown: str,
    stored_name: str | None,
    note: str | None,
) -> None:
    """What an erasure recorded about a file: the hash it was received with, its stored name and
    why it changed, and the file name of its batches as recorded (a converted .xls)."""
    received = (
        dict(
            src.execute(
                "SELECT batch_id, sha256_received FROM batches WHERE list_contains(?, batch_id)",
                [list(mapping)],
            ).fetchall()
        )
        if "sha256_received" in _columns(src, "batches")
        else {}
    )
    if not any(received.values()) and not note and shown == step["file_name"]:
        return
    dst.execute("BEGIN TRANSACTION")
    try:
        for old, new in mapping.items():
            dst.execute(
                "UPDATE batches SET sha256_received = ?, file_name = ? WHERE batch_id = ?",
                [received.get(old), step["file_name"], new],
            )
        dst.execute(
            "UPDATE files SET note = ?, file_name = ? WHERE sha256 = ?",
            [note, stored_name or shown, step["sha"]],
        )
        dst.execute("COMMIT")
    except BaseException:
        store.rollback(dst)
        raise


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND database_name = current_database()",
            [table],
        ).fetchall()
    }


def _copy_erasures(dst: duckdb.DuckDBPyConnection, src: duckdb.DuckDBPyConnection) -> None:
    """The erased names and the key of their hashes, before anything is replayed: an upload made
    after an erasure is anonymised again as it was then."""
    try:
        key = src.execute("SELECT value FROM store_settings WHERE key = 'erasure_key'").fetchall()
        names = src.execute("SELECT name_hash, token, erased_at FROM erased_names").fetchall()
    except duckdb.CatalogException:
        return  # a store from before erasures
    with store.write_lock(dst):
        dst.execute("BEGIN TRANSACTION")
        try:
            if key:
                dst.execute("DELETE FROM store_settings WHERE key = 'erasure_key'")
                dst.execute("INSERT INTO store_settings VALUES ('erasure_key', ?)", [key[0][0]])
            for row in names:
                dst.execute("INSERT INTO erased_names VALUES (?, ?, ?)", list(row))
            dst.execute("COMMIT")
        except BaseException:
            store.rollback(dst)
            raise


def _renamed(raw: str | None) -> list[str] | None:
    """The [old, new] of an organisation's rename (loaders.rename), None for an upload."""
    rename = json.loads(raw).get("rename") if raw else None
    return rename if isinstance(rename, list) and len(rename) == 2 else None


def _replay_rename(
    dst: duckdb.DuckDBPyConnection, src: duckdb.DuckDBPyConnection, step: dict[str, Any]
) -> int:
    """A rename made on the data page, made again with its own sheet, person and time."""
    from loaders.rename import rename_organisation

    old, new = _renamed(step["options"]) or ["", ""]
    row = store.first_row(src.execute("SELECT content FROM files WHERE sha256 = ?", [step["sha"]]))
    (batch_id, sheet, _kind) = step["batches"][0]
    made = rename_organisation(
        dst, old, new, user=step["user"], content=bytes(row[0]) if row and row[0] else b"",
        file_name=step["file_name"], sheet=sheet, at=step["at"],
    )  # fmt: skip
    if made is None:
        raise RebuildError(f"batch {batch_id} renames {old!r}, which the replayed store does not hold")
    return made


def _replay_erase(dst: duckdb.DuckDBPyConnection, src: duckdb.DuckDBPyConnection, old: int) -> int:
    """An erasure's batch, recorded again in its place (its effect is in the originals already)."""
    cols = sorted(_columns(src, "batches") & _columns(dst, "batches") - {"batch_id"})
    row = store.first_row(
        src.execute(f"SELECT {', '.join(cols)} FROM batches WHERE batch_id = ?", [old])  # noqa: S608
    )
    assert row is not None
    with store.write_lock(dst):
        dst.execute("BEGIN TRANSACTION")
        try:
            new = store.next_batch_id(dst)
            dst.execute(
                f"INSERT INTO batches (batch_id, {', '.join(cols)}) VALUES (?{', ?' * len(cols)})",  # noqa: S608
                [new, *row],
            )
            dst.execute("COMMIT")
        except BaseException:
            store.rollback(dst)
            raise
    return new


def _latest(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT coalesce(max(batch_id), 0) FROM batches").fetchall()[0][0])


def _rows(con: duckdb.DuckDBPyConnection, view: str) -> Counter:
    cur = con.execute(f"SELECT * FROM {view}")  # noqa: S608 - our own view names
    return Counter(cur.fetchall())


def compare(a: duckdb.DuckDBPyConnection, b: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """For each public view: rows in both, only in a, only in b (as multisets of whole rows)."""
    out = {}
    for view in PUBLIC_VIEWS:
        ra, rb = _rows(a, view), _rows(b, view)
        out[view] = {
            "rows": sum(ra.values()),
            "only_old": sum((ra - rb).values()),
            "only_new": sum((rb - ra).values()),
        }
    return out


def rebuild(source: str | os.PathLike[str] | None, new_catalog: str | os.PathLike[str]) -> dict[str, Any]:
    """Replay the source's history into a new store at new_catalog; the report, views compared."""
    from loaders.history import reverse_head

    # A new catalog file keeps its data folder beside it, never the one OVERBLIK_DATA_PATH names
    # for the store being rebuilt (store.location).
    target = store.location(new_catalog)
    if target.sqlite_file is None:
        raise RebuildError("--catalog names the new store's catalog file")
    if target.sqlite_file.exists() or (
        Path(target.data_path).exists() and any(Path(target.data_path).iterdir())
    ):
        raise RebuildError(f"{target.sqlite_file} exists: rebuild writes a new store, never over one")
    src, legacy = _open_source(source)
    dst = store.connect(new_catalog)
    mapping: dict[int, int] = {}
    replayed = 0
    try:
        if not legacy:
            _copy_erasures(dst, src)
        with tempfile.TemporaryDirectory(prefix="overblik-rebuild-") as tmp:
            for step in _uploads(src):
                if step["action"] == "ingest" and _renamed(step["options"]):
                    mapping[step["batches"][0][0]] = _replay_rename(dst, src, step)
                elif step["action"] == "ingest":
                    mapping.update(_replay_upload(dst, src, step, Path(tmp)))
                elif step["action"] == "undo":
                    head = mapping.get(step["undoes"])
                    if head is None:
                        raise RebuildError(
                            f"batch {step['batches'][0][0]} undoes {step['undoes']}, never replayed"
                        )
                    # The batch reversed was the head of its undo chain then, as its replay is now.
                    mapping[step["batches"][0][0]] = reverse_head(dst, head, user=step["user"], at=step["at"])
                elif step["action"] == "erase":
                    mapping[step["batches"][0][0]] = _replay_erase(dst, src, step["batches"][0][0])
                else:
                    raise RebuildError(f"batch {step['batches'][0][0]}: unknown action {step['action']!r}")
                replayed += 1
        views = compare(src, dst)
    finally:
        src.close()
        dst.close()
    differs = {v: d for v, d in views.items() if d["only_old"] or d["only_new"]}
    if differs and not legacy:
        raise RebuildError(
            f"the new store {target.sqlite_file} differs from the old one in "
            + ", ".join(
                f"{v} ({d['only_old']} rows only in the old, {d['only_new']} only in the new)"
                for v, d in differs.items()
            )
        )
    return {"replayed": replayed, "legacy": legacy, "views": views, "catalog": str(target.sqlite_file)}
