"""The store as the pages read it: one connection per process, a cursor per query.

Every cached query result is keyed by the moment it reads: the store's newest snapshot that
changed data (store.data_version), so a commit made by any process (another dashboard, the
command line, another server) is seen on the next rerun without clearing anything by hand, and a
log-in recorded in the audit log clears nothing; or a date (`?asof=2025-11-20`), when a page shows
the data as they stood at the end of that day.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, ParamSpec, TypeVar

import duckdb
import streamlit as st

import store
from dashboard.format import DANISH_TIME

P = ParamSpec("P")
R = TypeVar("R")

Moment = tuple[str, Any]  # ("live", snapshot id) or ("asof", datetime)
_ASOF_KEPT = 8  # attached past states per process; the oldest is detached when a ninth is asked for


@st.cache_resource(show_spinner=False, max_entries=1)
def _connection(catalog: str, identity: tuple[int, int] | None) -> duckdb.DuckDBPyConnection:
    return store.connect()


def _identity(loc: store.Location) -> tuple[int, int] | None:
    """Which catalog file is in place: a restored or replaced one gets a new connection."""
    try:
        st_ = loc.sqlite_file.stat() if loc.sqlite_file else None
    except FileNotFoundError:
        return (0, 0)
    return (st_.st_dev, st_.st_ino) if st_ else None


def get_connection() -> duckdb.DuckDBPyConnection:
    """The process's connection; when the store is damaged or missing, a plain message and the page
    stops (the next rerun tries again: nothing is cached about a failure)."""
    try:
        loc = store.location()
        return _connection(loc.catalog, _identity(loc))
    except store.StoreDamaged as e:
        from dashboard.errors import store_damaged

        store_damaged(e)
        st.stop()
        raise  # unreachable: st.stop() ends the script


# ---------------------------------------------------------------- the moment a page reads


def _url_day(raw: object) -> date | None:
    try:
        return date.fromisoformat(str(raw or ""))
    except ValueError:
        return None


def asof_day() -> date | None:
    """The day chosen (the date picker, else `?asof=` in the URL before the picker is drawn), or
    None for the live store. A day from today on is the live store."""
    day = st.session_state["asof"] if "asof" in st.session_state else _url_day(st.query_params.get("asof"))
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date) or day >= datetime.now(DANISH_TIME).date():
        return None
    return day


def asof() -> datetime | None:
    """The moment the pages read: the end of the chosen day in Danish time, or None (live, also
    for a day the store cannot show exactly: asof_problem() says why)."""
    if getattr(_run, "live", False):
        return None
    day = asof_day()
    if day is None or day < first_day():
        return None
    when = datetime.combine(day, time.max, tzinfo=DANISH_TIME)
    if not _readable(when):
        return None
    _remember(when)
    return when


def _remember(when: datetime) -> None:
    """A past moment a session reads is in the audit log and pinned (once per session and moment),
    so `maintain` never expires what a shared ?asof= link shows."""
    try:
        seen = st.session_state.setdefault("_asof_recorded", set())
    except Exception:  # no session (a script outside Streamlit): nothing to remember
        return
    if when in seen:
        return
    from dashboard import access
    from store import audit

    w = access.who()
    with contextlib.closing(store.cursor(get_connection())) as cur:
        audit.record_asof(
            cur, user=w.name if w else "anonym", role=w.role if w else None,
            page=st.session_state.get("_page") or "overblik", moment=when,
        )  # fmt: skip
    seen.add(when)


def _readable(when: datetime) -> bool:
    """store.readable_at, asked once per script run and moment."""
    seen = getattr(_run, "readable", None)
    if seen is None:
        seen = _run.readable = {}
    if when not in seen:
        with contextlib.closing(store.cursor(get_connection())) as cur:
            seen[when] = store.readable_at(cur, when)
    return seen[when]


def asof_problem() -> str | None:
    """Why the day asked for (in the URL this run started with, or the picker) is not shown:
    'early' (before the store existed) or 'expired' (older than the retention, not pinned)."""
    if getattr(_run, "live", False):
        return None
    day = asof_day() or getattr(_run, "url_day", None)
    if day is None or day >= datetime.now(DANISH_TIME).date():
        return None
    if day < first_day():
        return "early"
    return None if _readable(datetime.combine(day, time.max, tzinfo=DANISH_TIME)) else "expired"


_run = threading.local()


def start_run(*, live: bool) -> None:
    """At the top of every script run: whether this page reads the live store whatever the URL
    says (the data page: uploads and undo act on the store as it is now)."""
    _run.live = live
    _run.readable = {}
    _run.url_day = _url_day(st.query_params.get("asof"))
    _run.started, _run.snapshot = True, None


_first: dict[int, date] = {}


def first_day() -> date:
    """The day the store was created (in Danish time): no earlier day can be shown."""
    con = get_connection()
    if id(con) not in _first:
        with contextlib.closing(store.cursor(con)) as cur:
            when = store.first_snapshot_time(cur)
        _first.clear()
        _first[id(con)] = when.astimezone(DANISH_TIME).date() if when else date.today()
    return _first[id(con)]


def moment() -> Moment:
    """What the next query reads: the live store at its newest snapshot, or a past moment."""
    when = asof()
    if when is not None:
        return ("asof", when)
    # Once per script run: a page asks a dozen cached queries, and each question costs a catalog
    # round trip (about 14 ms on a SQLite catalog, 0,2 s a page). The run's first answer is its
    # key throughout, so one page is never drawn from two snapshots; the next run asks again, and
    # a write of this process (clear_caches) makes the same run ask again.
    seen = getattr(_run, "snapshot", None)
    if seen is not None:
        return seen
    # A cursor of its own: sessions run on threads, and one connection answers one query at a time
    # (the shared connection itself gave one session another's empty result under load).
    with contextlib.closing(store.cursor(get_connection())) as cur:
        live: Moment = ("live", store.data_version(cur))
    if getattr(_run, "started", False):  # inside a script run (start_run): kept until its end
        _run.snapshot = live
    return live


_reading = threading.local()
_attach_lock = threading.Lock()
_attached: OrderedDict[datetime, str] = OrderedDict()
_attached_to: list[int] = [0]  # which connection the names above belong to


def _past(con: duckdb.DuckDBPyConnection, when: datetime) -> str:
    """The name the store as it stood at `when` is attached under (read-only), attaching it once."""
    with _attach_lock:
        if _attached_to[0] != id(con):  # a new connection (the catalog was restored): none attached
            _attached.clear()
            _attached_to[0] = id(con)
        if when in _attached:
            _attached.move_to_end(when)
            return _attached[when]
        name = f"lake_{when:%Y%m%d%H%M%S%f}"
        store.attach(con, store.location(), name, snapshot_time=when)
        _attached[when] = name
        while len(_attached) > _ASOF_KEPT:
            _, old = _attached.popitem(last=False)
            con.execute(f"DETACH {old}")
        return name


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for one query, on the moment the calling cached function reads (live by default)."""
    con = get_connection()
    m: Moment | None = getattr(_reading, "moment", None)
    if m is not None and m[0] == "asof":
        return store.cursor(con, _past(con, m[1]))
    return store.cursor(con)


def live_version() -> int | None:
    """The data version the calling cached function reads (store.data_version), or None when it
    reads a past day."""
    m: Moment = getattr(_reading, "moment", None) or moment()
    return int(m[1]) if m[0] == "live" else None


def names_visible() -> bool:
    """Whether the query being run may select members' names and titles: decided by the session's
    role (dashboard.access) and part of every cached result's key, so a viewer's results never
    hold a name, whatever page asks."""
    seen = getattr(_reading, "names", None)
    if seen is not None:
        return seen
    from dashboard import access

    return access.may("names")


def cached(fn: Callable[P, R]) -> Callable[P, R]:
    """st.cache_data keyed by the moment read and whether names may be read, as well as by the
    arguments."""

    def run(m: Moment, names: bool, *args: Any, **kwargs: Any) -> R:
        before = getattr(_reading, "moment", None), getattr(_reading, "names", None)
        _reading.moment, _reading.names = m, names
        try:
            return fn(*args, **kwargs)
        finally:
            _reading.moment, _reading.names = before

    # Streamlit keys a cache by module and qualified name: one cache per wrapped function.
    run.__module__, run.__qualname__, run.__name__ = fn.__module__, fn.__qualname__, fn.__name__
    inner = st.cache_data(show_spinner=False)(run)

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        m = getattr(_reading, "moment", None) or moment()  # a cached call inside another reads the same
        return inner(m, names_visible(), *args, **kwargs)

    wrapper.clear = inner.clear  # type: ignore[attr-defined]
    return wrapper


def clear_caches() -> None:
    """After this process's own upload, undo or edit: the run reads the new snapshot from here on,
    and the memory of old results is freed (results are keyed by snapshot: not needed for other
    processes' commits)."""
    _run.snapshot = None
    st.cache_data.clear()
