"""The project register's summary: one row per project over every link the store holds (money,
sources, organisations), and one per project and region, kept beside the data so the projects page
does not group a national store's million allocations again for every reader who opens it
unfiltered or for some regions.

It is derived data. After every write (upload, undo, erasure, organisation edit, rebuild) the
writer brings it up to date in a commit of its own: only the projects the write touched, found in
DuckLake's change feed; everything when the feed cannot say (the snapshots since are expired).
`project_summary_state` names the data version (store.data_version) it was made for, and a reader
uses it only when that is the version it reads: a summary behind the data (a refresh that failed
or lost a race) is never shown, only not used.
"""

from __future__ import annotations

import duckdb

from store import BOOKKEEPING, LAKE, data_version, rollback, write_lock


def sorted_list(column: str, where: str = "TRUE") -> str:
    """The distinct values of a column in a group, sorted (NULL left out). list() then
    list_distinct, not list(DISTINCT ...): a distinct aggregate keeps a hash table per group, and a
    national store has a million groups of one link each (the refresh's 3,2 s to 2,2 s on 1M)."""
    return f"list_sort(list_distinct(list({column}) FILTER (WHERE {where})))"


def joined(column: str, sep: str, where: str = "TRUE") -> str:
    """string_agg(DISTINCT column ORDER BY column) without its cost (an ordered aggregate over a
    million groups takes 17 s in DuckDB); NULL when there is none."""
    return f"nullif(array_to_string({sorted_list(column, where)}, '{sep}'), '')"


# Per project of a relation of links (project_links_b's columns): granted in all and of that paid,
# every amount whatever its status (the order of the list to start from), whether it is an EU project.
MONEY = """sum(amount_dkk) FILTER (WHERE status IN ('granted', 'paid')) AS granted_dkk,
       sum(amount_dkk) FILTER (WHERE status = 'paid') AS paid_dkk,
       sum(coalesce(amount_dkk, 0)) AS amount_dkk,
       bool_or(source_kind = 'eu') AS is_eu"""

# How the register writes a list of source kinds, of sources and of organisations.
KIND_SEP, SOURCE_SEP, ORG_SEP = ",", ", ", ", "

# Per project: its organisations (how many, and the sorted list), source kinds and sources.
TEXT = f"""len({sorted_list("organisation")}) AS organisations,
       {joined("source_kind", KIND_SEP, "source_kind <> 'members'")} AS kinds,
       {joined("source", SOURCE_SEP)} AS sources,
       {sorted_list("organisation")} AS orgs"""

COLUMNS = "project, granted_dkk, paid_dkk, amount_dkk, is_eu, organisations, kinds, sources, orgs"

# The same per project and region (of the link), with the words as sorted lists, so the rows of the
# regions a reader chooses merge exactly: sums add, lists are joined and made distinct.
LISTS = f"""{sorted_list("source_kind", "source_kind <> 'members'")} AS kinds,
       {sorted_list("source")} AS sources,
       {sorted_list("organisation")} AS orgs"""
REGION_COLUMNS = "project, region, granted_dkk, paid_dkk, amount_dkk, is_eu, kinds, sources, orgs"


def _rows_sql(where: str = "TRUE") -> str:
    return f"SELECT project, {MONEY}, {TEXT} FROM project_links_b WHERE {where} GROUP BY project"  # noqa: S608 - our own SQL


def _region_rows_sql(where: str = "TRUE") -> str:
    """Written in the order of their region: a reader's scan of some regions skips the data of the
    others by the files' min/max statistics (0,15 s to 0,09 s for one region of five, 1M links)."""
    return (
        f"SELECT project, region, {MONEY}, {LISTS} FROM project_links_b WHERE {where} "  # noqa: S608 - our own SQL
        "GROUP BY project, region ORDER BY region, project"
    )


def words(lists: str) -> str:
    """TEXT's columns (project, organisations, kinds, sources, orgs) from a relation of one row per
    project whose kinds, sources and orgs are sorted lists (LISTS, merged over regions)."""
    return (
        f"SELECT project, coalesce(len(orgs), 0) AS organisations, "  # noqa: S608 - our own SQL
        f"nullif(array_to_string(kinds, '{KIND_SEP}'), '') AS kinds, "
        f"nullif(array_to_string(sources, '{SOURCE_SEP}'), '') AS sources, orgs FROM ({lists})"
    )


def merged(column: str) -> str:
    """A list column of project_region_summary over the rows of one project: joined, distinct,
    sorted (NULL lists add nothing)."""
    return f"list_sort(list_distinct(flatten(list({column}) FILTER (WHERE {column} IS NOT NULL))))"


def state(con: duckdb.DuckDBPyConnection) -> int | None:
    """The data version the summary was made for (None: never made)."""
    return con.execute("SELECT max(data_version) FROM project_summary_state").fetchall()[0][0]


def _changed_projects(con: duckdb.DuckDBPyConnection, since: int, until: int) -> list[str] | None:
    """The projects whose links changed in the snapshots after `since` up to `until`; None when
    the change feed cannot say which (a snapshot in between is expired)."""
    span = [since + 1, until]
    try:
        # An organisation whose alias changed: every name its links may have shown before or show
        # now (the alias itself, a canonical name it had, the one it has now).
        names = [
            r[0]
            for r in con.execute(
                f"""WITH al AS (SELECT alias, canonical FROM {LAKE}.table_changes('org_aliases', $1, $2))
                    SELECT alias FROM al UNION SELECT canonical FROM al
                    UNION SELECT min(canonical) FROM org_aliases WHERE alias IN (SELECT alias FROM al) GROUP BY alias""",  # noqa: S608
                span,
            ).fetchall()
        ]
        rows = con.execute(
            f"""SELECT project FROM {LAKE}.table_changes('allocations', $1, $2)
                UNION SELECT project FROM {LAKE}.table_changes('project_members', $1, $2)
                UNION SELECT COALESCE(acronym, title) FROM {LAKE}.table_changes('eu_projects', $1, $2)
                UNION SELECT COALESCE(e.acronym, e.title) FROM eu_projects e
                      WHERE e.project_key IN (SELECT project_key FROM {LAKE}.table_changes('eu_partners', $1, $2))
                -- a pool's region is its allocations' region when they name none
                UNION SELECT project FROM allocations
                      WHERE pool IN (SELECT pool FROM {LAKE}.table_changes('pools', $1, $2))""",  # noqa: S608
            span,
        ).fetchall()
    except duckdb.Error:  # expired snapshots, or a table the store did not have then
        return None
    found = {r[0] for r in rows if r[0] is not None}
    if names:
        found |= {
            r[0]
            for r in con.execute(
                "SELECT DISTINCT project FROM project_links_b WHERE organisation IN (SELECT unnest(?))",
                [names],
            ).fetchall()
        }
    return sorted(found)


def refresh(con: duckdb.DuckDBPyConnection, *, tries: int = 3) -> str:
    """Bring the summary up to the store's data version. Returns 'current', 'changed' (only the
    projects the writes since touched), 'full' or 'behind': a refresh that loses a race to another
    writer is tried again, and after `tries` the summary stays behind (readers do not use it) until
    the next."""
    whole = False
    for _ in range(tries):
        with write_lock(con):
            con.execute("BEGIN TRANSACTION")
            try:
                version = data_version(con)
                made = state(con)
                if made == version:
                    con.execute("ROLLBACK")
                    return "current"
                whole = whole or made is None
                projects = None if whole else _changed_projects(con, made, version)
                if projects is None and not whole:
                    # The feed's error ended the transaction: everything, in a new one.
                    rollback(con)
                    whole = True
                    continue
                if whole:
                    con.execute("DELETE FROM project_summary")
                    con.execute("DELETE FROM project_region_summary")
                    con.execute(f"INSERT INTO project_summary ({COLUMNS}) {_rows_sql()}")
                    con.execute(f"INSERT INTO project_region_summary ({REGION_COLUMNS}) {_region_rows_sql()}")
                elif projects:
                    these = "project IN (SELECT unnest($1))"
                    for table in ("project_summary", "project_region_summary"):
                        con.execute(f"DELETE FROM {table} WHERE {these}", [projects])  # noqa: S608 - our own SQL
                    con.execute(f"INSERT INTO project_summary ({COLUMNS}) {_rows_sql(these)}", [projects])
                    con.execute(
                        f"INSERT INTO project_region_summary ({REGION_COLUMNS}) {_region_rows_sql(these)}",
                        [projects],
                    )
                con.execute("DELETE FROM project_summary_state")
                con.execute("INSERT INTO project_summary_state VALUES (?)", [version])
                con.execute("COMMIT")
                return "full" if whole else "changed"
            except duckdb.TransactionException:
                rollback(con)  # another writer committed first
            except BaseException:
                rollback(con)
                raise
    return "behind"


assert {"project_summary", "project_region_summary", "project_summary_state"} <= set(BOOKKEEPING), (
    "a refresh is not a data change"
)
