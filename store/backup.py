"""Backup and restore of an embedded store, consistent while the dashboard and loaders run.

A backup is a folder: `catalog.sqlite` (the catalog, taken with SQLite's online backup API, so it
holds one committed state even while another process writes), `lake/` (the data files) and
`manifest.json` (what the backup holds, with each file's size and SHA-256, so a restore can tell
a whole backup from a damaged one).

Why the order makes it consistent: DuckLake never changes a data file, it only adds new ones, so
every file the copied catalog names exists when the copy of the folder starts. Files written after
the catalog copy are copied too and are simply unreferenced. Only deletion could break this
(`maintain`, erasure); those take the maintenance lock exclusively, a backup takes it shared.

A PostgreSQL catalog is backed up with PostgreSQL's own tools (pg_dump), then the data folder:
see docs/deploy.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import store

MANIFEST = "manifest.json"
FORMAT = "overblik-backup-1"


class BackupError(Exception):
    """A backup cannot be made or restored: the message says why, in words for the operator."""


@contextlib.contextmanager
def maintenance(loc: store.Location, *, exclusive: bool) -> Iterator[None]:
    """The lock between file deletion (exclusive: maintain, erasure) and copying (shared: backup):
    a file beside an embedded store's catalog, or in the shared data folder of a PostgreSQL one."""
    if loc.sqlite_file is not None:
        lock = loc.sqlite_file.with_name(loc.sqlite_file.name + ".maintenance.lock")
    elif "://" in loc.data_path:
        yield  # an object store: no file lock; run maintain outside backup windows (docs/deploy.md)
        return
    else:
        Path(loc.data_path).mkdir(parents=True, exist_ok=True)
        lock = Path(loc.data_path) / ".maintenance.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _embedded(loc: store.Location) -> Path:
    if loc.sqlite_file is None:
        raise BackupError(
            "the store's catalog is in PostgreSQL: back it up with pg_dump, then copy the data folder "
            "(docs/deploy.md, 'Backup')"
        )
    if not loc.sqlite_file.exists():
        raise BackupError(f"there is no store at {loc.sqlite_file}")
    return loc.sqlite_file


def _data_files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                yield path


def copy_catalog(src: Path, dst: Path) -> None:
    """A consistent copy of a SQLite catalog, including what its WAL holds."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with (
        contextlib.closing(sqlite3.connect(src, timeout=60)) as s,
        contextlib.closing(sqlite3.connect(dst)) as d,
    ):
        s.backup(d)


def backup(out: Path, path: str | os.PathLike[str] | None = None) -> dict:
    """Back up the store (path, else the configured one) into the new folder out; its manifest."""
    loc = store.location(path)
    catalog = _embedded(loc)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty: choose a new folder")
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with maintenance(loc, exclusive=False):
            copy_catalog(catalog, tmp / "catalog.sqlite")
            snapshot = _newest_snapshot(tmp / "catalog.sqlite")
            data = Path(loc.data_path)
            files = []
            for f in _data_files(data):
                rel = f.relative_to(data)
                target = tmp / "lake" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, target)
                files.append({"path": str(rel), "bytes": target.stat().st_size, "sha256": _sha256(target)})
        manifest = {
            "format": FORMAT,
            "made": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": str(catalog),
            "snapshot": snapshot,
            "schema_version": store.SCHEMA_VERSION,
            "catalog_sha256": _sha256(tmp / "catalog.sqlite"),
            "files": files,
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def _newest_snapshot(catalog: Path) -> int | None:
    with contextlib.closing(sqlite3.connect(catalog)) as db:
        row = db.execute("SELECT max(snapshot_id) FROM ducklake_snapshot").fetchone()
    return row[0] if row else None


def verify(folder: Path) -> dict:
    """The backup's manifest, after checking every file against it."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{folder} is not an Overblik backup (no readable {MANIFEST}: {e})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{folder}: unknown backup format {manifest.get('format')!r}")
    problems = []
    catalog = folder / "catalog.sqlite"
    if not catalog.is_file() or _sha256(catalog) != manifest["catalog_sha256"]:
        problems.append("catalog.sqlite")
    for f in manifest["files"]:
        p = folder / "lake" / f["path"]
        if not p.is_file() or p.stat().st_size != f["bytes"] or _sha256(p) != f["sha256"]:
            problems.append(f"lake/{f['path']}")
    if problems:
        shown = ", ".join(problems[:5]) + (f" and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise BackupError(f"{folder} is damaged: {shown} missing or changed since the backup was made")
    return manifest


def restore(folder: Path, path: str | os.PathLike[str] | None = None, *, replace: bool = False) -> dict:
    """Put a verified backup in place as the store at path (else the configured one). An existing
    store is only replaced when asked; it is moved aside (<name>.before-restore-<time>), not deleted."""
    manifest = verify(folder)
    loc = store.location(path)
    catalog = _embedded(loc) if loc.sqlite_file is not None and loc.sqlite_file.exists() else loc.sqlite_file
    if catalog is None:
        _embedded(loc)  # raises: PostgreSQL
        raise AssertionError
    data = Path(loc.data_path)
    exists = catalog.exists() or (data.is_dir() and any(_data_files(data)))
    if exists and not replace:
        raise BackupError(f"a store exists at {catalog}: restore with --replace to put it aside and restore")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    catalog.parent.mkdir(parents=True, exist_ok=True)
    staged_catalog = catalog.with_name(catalog.name + ".restoring")
    staged_data = data.with_name(data.name + ".restoring")
    shutil.rmtree(staged_data, ignore_errors=True)
    shutil.copy2(Path(folder) / "catalog.sqlite", staged_catalog)
    if (Path(folder) / "lake").is_dir():
        shutil.copytree(Path(folder) / "lake", staged_data)
    else:
        staged_data.mkdir()
    with store.writer_excluded(loc), maintenance(loc, exclusive=True):
        if exists:
            aside = f".before-restore-{stamp}"
            for suffix in ("", "-wal", "-shm"):
                p = catalog.with_name(catalog.name + suffix)
                if p.exists():
                    p.rename(p.with_name(catalog.name + aside + suffix))
            if data.exists():
                data.rename(data.with_name(data.name + aside))
        staged_data.rename(data)
        staged_catalog.rename(catalog)
    return manifest


def clone(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> Path:
    """A working copy of an embedded store under a new catalog path (tests, benchmarks, trying a
    change on a copy): the catalog through the backup API, then its data folder."""
    s, d = store.location(src), store.location(dst)
    catalog = _embedded(s)
    assert d.sqlite_file is not None
    with maintenance(s, exclusive=False):
        copy_catalog(catalog, d.sqlite_file)
        if Path(s.data_path).is_dir():
            shutil.copytree(s.data_path, d.data_path, ignore=shutil.ignore_patterns(".*"))
    return d.sqlite_file
