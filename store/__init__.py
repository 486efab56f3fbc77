"""The store: DuckDB's SQL over a DuckLake (a catalog database plus Parquet data files).

One code path, two catalogs. Embedded by default: the catalog is a SQLite file and the data files
a folder beside it (data/overblik.sqlite and data/overblik.lake/), so the dashboard, the command
line and a second dashboard process read and write the same store at once. For several servers,
OVERBLIK_CATALOG names a PostgreSQL catalog ('postgres:dbname=overblik host=db.region.dk') and
OVERBLIK_DATA_PATH the data folder every server mounts. DuckLake keeps every commit as a
snapshot: a page can show the data as it stood on a date, and a commit made by another process
is seen on the next query.

DuckDB and its DuckLake, SQLite and PostgreSQL extensions are pinned together (requirements.txt):
the extensions come as PyPI packages for exactly that DuckDB version, so nothing is downloaded at
run time. A deployment with internet may let DuckDB INSTALL them instead.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import hashlib
import importlib.util
import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from store.tables import DATA_TABLES, TABLES, Table

__all__ = [
    "DATA_TABLES", "TABLES", "Table", "Location", "StoreDamaged", "connect", "location", "ensure_schema",
    "snapshot_id", "readable_at", "is_damage", "location_of", "write_lock", "writer_excluded", "cursor", "first_snapshot_time", "first_row", "rollback", "next_batch_id",
]  # fmt: skip

SCHEMA_VERSION = 3
HERE = Path(__file__).parent
ROOT = HERE.parent
DEFAULT_DB = ROOT / "data" / "overblik.sqlite"
LAKE = "lake"  # the name the store is attached under; every query runs with it as default


class StoreDamaged(Exception):
    """The catalog or a data file cannot be read: the app says so and points to restore or rebuild."""

    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"{where}: {detail}")
        self.where, self.detail = where, detail


class LegacyStore(StoreDamaged):
    """A DuckDB file from before the store moved to DuckLake (schema version 1 or 2)."""


@dataclass(frozen=True)
class Location:
    """Where a store lives: its catalog ('sqlite:/abs/file' or 'postgres:...') and its data folder."""

    catalog: str
    data_path: str
    sqlite_file: Path | None  # the catalog file of an embedded store

    @property
    def lock_file(self) -> Path | None:
        """The file writers lock (SQLite takes one writer at a time); None for PostgreSQL."""
        return self.sqlite_file.with_name(self.sqlite_file.name + ".lock") if self.sqlite_file else None


def location(path: str | os.PathLike[str] | None = None, data_path: str | None = None) -> Location:
    """The store: the path given (--db), else OVERBLIK_DB, else OVERBLIK_CATALOG, else
    data/overblik.sqlite. A path is the catalog file of an embedded store, its data folder beside
    it (<name>.lake/); 'postgres:<libpq settings>' is a PostgreSQL catalog. The data folder is
    data_path if given, else OVERBLIK_DATA_PATH for the store the environment names (which a
    PostgreSQL catalog needs: the folder every server mounts), else beside the catalog file.
    ':memory:' is a new store in a temporary folder removed when the process ends (tests, trying
    things)."""
    if str(path) == ":memory:":
        return location(_temporary_store())
    configured = os.environ.get("OVERBLIK_DB") or os.environ.get("OVERBLIK_CATALOG")
    target = str(path) if path else configured
    data = data_path
    if data is None and (
        not path or _same_catalog(str(path), configured) or str(path).startswith("postgres:")
    ):
        # OVERBLIK_DATA_PATH belongs to the store the environment names; another catalog file
        # given by path (a rebuild's new store, a restored copy) keeps its data beside it.
        data = os.environ.get("OVERBLIK_DATA_PATH")
    if target and target.startswith("postgres:"):
        if not data:
            raise StoreDamaged("OVERBLIK_DATA_PATH", "a PostgreSQL catalog needs the shared data folder")
        return Location(target, _folder(data), None)
    if target and target.startswith("sqlite:"):
        target = target.removeprefix("sqlite:")
    file = Path(target or DEFAULT_DB).expanduser().resolve()
    return Location(f"sqlite:{file}", _folder(data or str(file.with_name(file.stem + ".lake"))), file)


def _same_catalog(a: str, b: str | None) -> bool:
    if not b:
        return False
    if a.startswith("postgres:") or b.startswith("postgres:"):
        return a == b
    return Path(a.removeprefix("sqlite:")).expanduser().resolve() == (
        Path(b.removeprefix("sqlite:")).expanduser().resolve()
    )


# Each catalog this process attached, with the data folder it was attached with: a store opened
# with its own data folder (a rebuild's new store) is never taken for OVERBLIK_DATA_PATH's.
_ATTACHED: dict[str, Location] = {}


def location_of(con: duckdb.DuckDBPyConnection) -> Location:
    """The location of the lake a connection has attached (as store.connect found it)."""
    row = first_row(con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [LAKE]))
    catalog = row[0] if row else ""
    if catalog in _ATTACHED:
        return _ATTACHED[catalog]
    if catalog.startswith("sqlite:"):
        return location(catalog.removeprefix("sqlite:"))
    return location()


def _temporary_store() -> Path:
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="overblik-store-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder) / "store.sqlite"


def _folder(path: str) -> str:
    if "://" in path:
        return path.rstrip("/") + "/"  # an object store (s3://...) as given
    return str(Path(path).expanduser().resolve()) + "/"


def _extension_file(name: str) -> str | None:
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        return None
    found = glob.glob(
        os.path.join(
            os.path.dirname(spec.origin), "extensions", f"v{duckdb.__version__}", f"{name}.duckdb_extension"
        )
    )
    return found[0] if found else None


def _load_extensions(con: duckdb.DuckDBPyConnection, loc: Location) -> None:
    """DuckLake and the scanner of the catalog's kind (each LOAD checks a 30 MB signature: the one
    not needed is not loaded)."""
    for name in ("ducklake", "sqlite_scanner" if loc.sqlite_file is not None else "postgres_scanner"):
        path = _extension_file(name)
        if path:
            con.execute(f"LOAD '{path}'")  # signed by DuckDB; checked on LOAD
        else:
            con.execute(f"INSTALL {name}")  # a deployment with internet only
            con.execute(f"LOAD {name}")


_WAL_DONE: set[Path] = set()


def _prepare_sqlite(file: Path, create: bool) -> None:
    """A catalog file that exists is SQLite (not an old DuckDB store) and in WAL mode, so readers
    never wait for a writer."""
    if file.exists():
        with file.open("rb") as fh:
            head = fh.read(16)
        if head[8:12] == b"DUCK":
            raise LegacyStore(str(file), "a DuckDB file from before version 3")
        if head and not head.startswith(b"SQLite format 3\x00"):
            raise StoreDamaged(str(file), "not a SQLite catalog")
    elif not create:
        raise StoreDamaged(str(file), "the catalog file is missing")
    if file in _WAL_DONE:
        return
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        with contextlib.closing(sqlite3.connect(file, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError as e:
        raise StoreDamaged(str(file), str(e)) from None
    _WAL_DONE.add(file)


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    snapshot_time: datetime | None = None,
    data_path: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """Open the store (creating an embedded one if needed) with its schema up to date.

    The connection is in-memory DuckDB with the lake attached as `lake` and used as default, so
    every query names tables and views as before. snapshot_time opens the store as it stood then
    (read-only); data_path overrides OVERBLIK_DATA_PATH (as in location())."""
    loc = location(path, data_path)
    # No Python variable is ever read as a table by accident (a missing table is an error, not
    # whatever object of that name the caller has in scope); tables come in by register().
    con = duckdb.connect(config={"python_enable_replacements": False})
    _load_extensions(con, loc)
    if loc.sqlite_file is not None:
        data_exists = Path(loc.data_path).is_dir() and any(Path(loc.data_path).iterdir())
        # A missing catalog beside existing data files is damage, never a new empty store.
        _prepare_sqlite(loc.sqlite_file, create=not read_only and not data_exists)
    attach(con, loc, LAKE, snapshot_time=snapshot_time, read_only=read_only)
    con.execute(f"USE {LAKE}")
    if not read_only and snapshot_time is None:
        ensure_schema(con)
    return con


def attach(
    con: duckdb.DuckDBPyConnection,
    loc: Location,
    name: str,
    *,
    snapshot_time: datetime | None = None,
    snapshot_version: int | None = None,
    read_only: bool = False,
) -> None:
    """ATTACH the lake under name (at a moment in time or a snapshot: read-only)."""
    options = [f"DATA_PATH '{_quote(loc.data_path)}'", "OVERRIDE_DATA_PATH true"]
    past = snapshot_time is not None or snapshot_version is not None
    if snapshot_time is not None:
        options.append(f"SNAPSHOT_TIME '{snapshot_time.isoformat(sep=' ')}'")
    elif snapshot_version is not None:
        options.append(f"SNAPSHOT_VERSION {int(snapshot_version)}")
    elif read_only:
        options.append("READ_ONLY")
    create = not past and not read_only
    if loc.sqlite_file is None and create and _has_data_files(loc):
        create = False  # an empty PostgreSQL database beside existing data files is damage, not a new store
    if not create:
        options.append("CREATE_IF_NOT_EXISTS false")
    try:
        con.execute(f"ATTACH '{_quote('ducklake:' + loc.catalog)}' AS {name} ({', '.join(options)})")
    except duckdb.Error as e:
        raise StoreDamaged(_public(loc.catalog), str(e).splitlines()[0][:300]) from None
    _ATTACHED[loc.catalog] = loc


def _has_data_files(loc: Location) -> bool:
    folder = Path(loc.data_path)
    return (
        "://" not in loc.data_path and folder.is_dir() and any(p.is_file() for p in folder.rglob("*.parquet"))
    )


def _public(catalog: str) -> str:
    """A catalog as it may be shown or logged: a PostgreSQL password is left out."""
    return re.sub(r"password=\S+", "password=***", catalog)


def cursor(con: duckdb.DuckDBPyConnection, name: str = LAKE) -> duckdb.DuckDBPyConnection:
    """A cursor of con (its own transactions and registrations) reading the lake attached as name."""
    cur = con.cursor()
    cur.execute(f"USE {name}")
    return cur


def first_snapshot_time(con: duckdb.DuckDBPyConnection) -> datetime | None:
    """When the store was created: no moment before it can be shown."""
    row = first_row(con.execute(f"SELECT min(snapshot_time) FROM {LAKE}.snapshots()"))
    return row[0] if row else None


def readable_at(con: duckdb.DuckDBPyConnection, when: datetime) -> bool:
    """Whether the store can show exactly how it stood at `when`: the snapshot current then exists
    and so does the one after it (snapshot ids are consecutive; a gap means expired snapshots,
    one of which may have been the state at `when`)."""
    row = first_row(
        con.execute(f"SELECT max(snapshot_id) FROM {LAKE}.snapshots() WHERE snapshot_time <= ?", [when])
    )
    if not row or row[0] is None:
        return False
    after = first_row(
        con.execute(
            f"SELECT count(*) FILTER (snapshot_id = ? + 1), max(snapshot_id) FROM {LAKE}.snapshots()",
            [row[0]],
        )
    )
    return bool(after and (after[0] or after[1] == row[0]))


def _quote(text: str) -> str:
    return text.replace("'", "''")


# ---------------------------------------------------------------- writers


_LOCAL = threading.Lock()


@contextlib.contextmanager
def write_lock(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One writer at a time for an embedded store (SQLite takes one, and the loser of two
    overlapping commits fails): a lock file beside the catalog, held from the check of the newest
    batch to COMMIT. A PostgreSQL catalog needs none: there every write transaction updates the
    store's version row, so the second of two overlapping commits fails with a conflict."""
    with _flock(location_of(con).sqlite_file):
        yield


@contextlib.contextmanager
def writer_excluded(loc: Location) -> Iterator[None]:
    """Hold the writers' lock of a store by its location (restore, maintenance)."""
    with _flock(loc.sqlite_file):
        yield


_held = threading.local()


@contextlib.contextmanager
def _flock(catalog: Path | None) -> Iterator[None]:
    """The lock file of a catalog, exclusive between processes and threads; a thread that holds it
    may take it again (a restore that rebuilds, an erasure that commits)."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    with _LOCAL:
        _held.depth = 1
        try:
            if catalog is None:
                yield
                return
            with open(catalog.with_name(catalog.name + ".lock"), "a") as fh:
                fcntl.flock(fh, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        finally:
            _held.depth = 0


def next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """The next batch id, inside a write transaction (DuckLake has no sequences). Taking it also
    bumps the store's version row: two overlapping commits on PostgreSQL conflict there."""
    con.execute("UPDATE store_version SET version = version + 1")
    return int(con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM batches").fetchall()[0][0])


def snapshot_id(con: duckdb.DuckDBPyConnection) -> int:
    """The newest commit's snapshot."""
    return int(con.execute(f"SELECT id FROM {LAKE}.current_snapshot()").fetchall()[0][0])


# Tables no page's figures read: what a session does (log-ins, a past day looked at, an annex
# made) is recorded there, and each record is a commit; and the project summary, data derived from
# the rest, which names the data version it was made for (store/summary.py).
BOOKKEEPING = (
    "audit_log", "annexes", "snapshot_pins", "project_summary", "project_region_summary", "project_summary_state",
)  # fmt: skip
_ROW_CHANGES = ["inlined_delete", "inlined_insert", "tables_deleted_from", "tables_inserted_into"]


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    """The newest snapshot that changed what the pages read: the key every cached query result is
    stored under. A commit that only adds or removes rows of the bookkeeping tables keeps it, so a
    log-in on one server does not make every server compute every page again."""
    row = con.execute(
        f"""WITH kept AS (SELECT list(table_id::VARCHAR) AS ids FROM ducklake_table_info('{LAKE}')
                          WHERE table_name IN (SELECT unnest(?)))
            -- none left after `maintain` expired it: the data are as they were at the oldest kept
            SELECT coalesce(max(s.snapshot_id) FILTER (WHERE NOT (list_has_all(?, map_keys(s.changes))
                                AND list_has_all(kept.ids, flatten(map_values(s.changes))))),
                            min(s.snapshot_id))
            FROM {LAKE}.snapshots() s, kept""",
        [list(BOOKKEEPING), _ROW_CHANGES],
    ).fetchall()
    return int(row[0][0])


# ---------------------------------------------------------------- schema


def _views_sql() -> str:
    return (HERE / "views.sql").read_text(encoding="utf-8")


def _schema_hash() -> str:
    """What the schema and views are made of: a change of either makes ensure_schema run again."""
    h = hashlib.sha256((HERE / "schema.sql").read_bytes() + _views_sql().encode())
    for t in TABLES.values():
        h.update(t.create_sql().encode())
    return h.hexdigest()[:16]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables and views of this version, in one transaction (one snapshot), unless the
    store already has them; a store of a newer version is refused."""
    wanted = _schema_hash()
    try:
        row = con.execute(
            "SELECT max(version), arg_max(schema_hash, version) FROM schema_version"
        ).fetchall()[0]
    except duckdb.CatalogException:
        row = (None, None)
    if row[0] is not None and row[0] > SCHEMA_VERSION:
        raise StoreDamaged(
            "schema", f"the store is version {row[0]}, newer than this program ({SCHEMA_VERSION})"
        )
    if row[0] == SCHEMA_VERSION and row[1] == wanted:
        return
    with write_lock(con):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute((HERE / "schema.sql").read_text(encoding="utf-8"))
            for table in TABLES.values():
                con.execute(table.create_sql())
                con.execute(table.create_sql(history=True))
            con.execute(_views_sql())
            if not con.execute("SELECT count(*) FROM store_version").fetchall()[0][0]:
                con.execute("INSERT INTO store_version VALUES (0)")
            if not con.execute("SELECT count(*) FROM store_settings WHERE key = 'erasure_key'").fetchall()[0][
                0
            ]:
                import secrets

                # The key of erased names' hashes: random per store, so a hash says nothing elsewhere.
                con.execute("INSERT INTO store_settings VALUES ('erasure_key', ?)", [secrets.token_hex(32)])
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)", [SCHEMA_VERSION, datetime.now(), wanted]
            )
            con.execute("COMMIT")
        except BaseException:
            rollback(con)
            raise
    # Original files are stored whole: never inlined into the catalog (a blob there also writes
    # its whole value into the catalog's statistics).
    con.execute(f"CALL {LAKE}.set_option('data_inlining_row_limit', 0, table_name => 'files')")
    con.execute(f"CALL {LAKE}.set_option('data_inlining_row_limit', 0, table_name => 'annexes')")


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the store."""
    return int(con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0])


# ---------------------------------------------------------------- small helpers


def first_row(cur: duckdb.DuckDBPyConnection) -> tuple | None:
    """The first row of a result, or None; the result is read to its end."""
    rows = cur.fetchall()
    return rows[0] if rows else None


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back if a transaction is still open (a failed COMMIT has already ended it, and a
    second error would hide the first)."""
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass


_DAMAGE = (
    re.compile(r"Cannot open file .*\.parquet", re.S),
    re.compile(r"No magic bytes found at end of file", re.S),
    re.compile(r"database disk image is malformed|file is not a database", re.S),
    re.compile(r"Failed to (probe|load) DuckLake metadata", re.S),
)


def is_damage(exc: BaseException) -> bool:
    """Whether a DuckDB error says the store's files are missing or damaged (not a bug of ours)."""
    if isinstance(exc, StoreDamaged):
        return True
    return isinstance(exc, duckdb.Error) and any(p.search(str(exc)) for p in _DAMAGE)
