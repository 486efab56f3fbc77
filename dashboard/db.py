"""One DuckDB connection per process (Streamlit serves sessions on threads); a cursor per query."""

from __future__ import annotations

import duckdb
import streamlit as st

import store


@st.cache_resource(show_spinner=False)
def _connection(path: str) -> duckdb.DuckDBPyConnection:
    return store.connect(path)


def get_connection() -> duckdb.DuckDBPyConnection:
    """The process's connection; a clear message (not a traceback) when another program holds the file."""
    path = str(store.db_path())
    try:
        return _connection(path)
    except store.DatabaseBusy:
        st.error(
            "Databasen er i brug af et andet program (fx en indlæsning fra kommandolinjen). "
            "Vent til det er færdigt, og genindlæs siden."
        )
        st.stop()
        raise  # unreachable: st.stop() ends the script


def cursor() -> duckdb.DuckDBPyConnection:
    """A cursor for one query."""
    return get_connection().cursor()


def clear_caches() -> None:
    """After an upload or undo every cached query result is stale."""
    st.cache_data.clear()
