"""Every SELECT of the dashboard: named functions over the public views, parameterised, cached.

Each function takes a Filters (hashable) and returns a DataFrame, cached under the filters and the
moment read (dashboard.db.cached: the newest snapshot, or the date of `?asof=`).
Filters reach SQL only as parameters; the WHERE fragments below hold nothing but our own
column names. Aggregation happens in DuckDB; detail tables are capped at DETAIL_LIMIT rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from dashboard.db import cached, cursor, live_version, names_visible
from store import summary

DETAIL_LIMIT = 1000  # rows sent to the browser in one table; the download buttons fetch everything


@dataclass(frozen=True)
class Filters:
    """The global filters of the sidebar; empty means 'all'."""

    region: tuple[str, ...] = ()
    network: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    programme: tuple[str, ...] = ()
    pool: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()

    def without(self, name: str) -> Filters:
        """The same filters with one dimension cleared (to offer its choices under the others)."""
        return Filters(**{**self.__dict__, name: () if name not in ("year_from", "year_to") else None})


# Which column of each view a filter applies to; a year filter is an overlap of [start, end].
_DIMS: dict[str, dict[str, str]] = {
    "participants_v": {"region": "region", "network": "network", "organisation": "organisation_canonical"},
    "meetings_v": {"region": "region", "network": "network"},
    "eu_projects_v": {"region": "region", "programme": "programme"},
    "pools_v": {"region": "region", "pool": "pool"},
    "allocations_v": {"region": "region", "pool": "pool"},
}
# (first year, last year) of a row: a row counts when [first, last] overlaps the range; unknown counts.
_YEARS: dict[str, tuple[str, str] | None] = {
    "participants_v": None,
    "meetings_v": ("year({a}meeting_date)", "year({a}meeting_date)"),
    "eu_projects_v": ("coalesce({a}start_year, {a}end_year)", "coalesce({a}end_year, {a}start_year)"),
    "pools_v": ("{a}year", "{a}year"),
    "allocations_v": ("{a}year", "{a}year"),
}


def where(view: str, f: Filters, alias: str = "") -> tuple[str, list[Any]]:
    """WHERE clause and parameters applying the filters to a view (alias optional)."""
    a = f"{alias}." if alias else ""
    parts, params = ["TRUE"], []
    for name, col in _DIMS[view].items():
        values = getattr(f, name)
        if values:
            parts.append(f"{a}{col} IN (SELECT unnest(?))")
            params.append(list(values))
    years = _YEARS[view]
    if years and f.year_from is not None:
        parts.append(f"coalesce({years[1].format(a=a)} >= ?, TRUE)")
        params.append(f.year_from)
    if years and f.year_to is not None:
        parts.append(f"coalesce({years[0].format(a=a)} <= ?, TRUE)")
        params.append(f.year_to)
    return " AND ".join(parts), params


# The filters a figure can follow, in the order the sidebar shows them ("year" is the year range).
FILTER_NAMES = ("region", "network", "year", "programme", "pool", "organisation")


def ignored_filters(view: str, f: Filters) -> tuple[str, ...]:
    """The filters set in `f` that a figure read from `view` does not follow (a pool has no
    organisation, a member no year): the pages say so under the figure instead of implying it."""
    out = []
    for name in FILTER_NAMES:
        if name == "year":
            if (f.year_from is not None or f.year_to is not None) and _YEARS[view] is None:
                out.append(name)
        elif getattr(f, name) and name not in _DIMS[view]:
            out.append(name)
    return tuple(out)


def _df(sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    return cursor().execute(sql, params or []).df()


def _limit(limit: int | None) -> str:
    """Detail tables send at most DETAIL_LIMIT rows to the browser; a download asks for all (None)."""
    return f" LIMIT {int(limit)}" if limit else ""


def _row(sql: str, params: list[Any] | None = None) -> tuple[Any, ...]:
    """The one row an aggregate returns."""
    return cursor().execute(sql, params or []).fetchone()


def _one(sql: str, params: list[Any] | None = None) -> Any:
    row = _row(sql, params)
    return row[0] if row else None


# ---------------------------------------------------------------- filters and status


@cached
def is_empty() -> bool:
    """True when nothing has been loaded yet."""
    return not _one(
        "SELECT (SELECT count(*) FROM memberships) + (SELECT count(*) FROM meetings) + "
        "(SELECT count(*) FROM eu_projects) + (SELECT count(*) FROM pools)"
    )


@cached
def year_bounds() -> tuple[int, int] | None:
    """The first and last year anything in the data touches."""
    row = _row(  # each table's bounds first: a national store has a million allocations
        """SELECT min(lo), max(hi) FROM (
         SELECT year(min(meeting_date)) AS lo, year(max(meeting_date)) AS hi FROM meetings
         UNION ALL SELECT least(min(start_year), min(end_year)), greatest(max(start_year), max(end_year))
                   FROM eu_projects
         UNION ALL SELECT min(year), max(year) FROM pools UNION ALL SELECT min(year), max(year) FROM allocations)"""
    )
    return (int(row[0]), int(row[1])) if row and row[0] is not None else None


@cached
def filter_options(f: Filters) -> dict[str, list[str]]:
    """Choices of each filter that exist under the other filters, asked in one statement (each
    statement on the lake begins by reading its catalog)."""
    dims = {
        "region": [
            ("participants_v", "region"),
            ("meetings_v", "region"),
            ("eu_projects_v", "region"),
            ("pools_v", "region"),
        ],
        "network": [("participants_v", "network"), ("meetings_v", "network")],
        "programme": [("eu_projects_v", "programme")],
        "pool": [("pools_v", "pool")],
        "organisation": [("participants_v", "organisation_canonical")],
    }
    lists, params = [], []
    for name, sources in dims.items():
        g = f.without(name)
        selects = []
        for view, col in sources:
            w, p = where(view, g)
            selects.append(f"SELECT DISTINCT {col} AS v FROM {view} WHERE {w}")
            params += p
        lists.append(
            f"(SELECT coalesce(list(DISTINCT v ORDER BY v), []) FROM ({' UNION ALL '.join(selects)}) "
            f"WHERE v IS NOT NULL) AS {name}"
        )
    row = cursor().execute("SELECT " + ", ".join(lists), params).fetchone()
    return {name: list(values) for name, values in zip(dims, row, strict=True)}


@cached
def data_as_of() -> pd.Timestamp | None:
    """When the latest upload was made."""
    return _one("SELECT max(uploaded_at) FROM batches")


MAX_ROW_RANGES = 20  # row ranges named per upload in a source list; the count is always whole


@cached
def sources(view: str, f: Filters) -> pd.DataFrame:
    """The uploads behind the rows a figure shows: file, sheet, the sheet's rows (Excel numbering,
    as ranges), when (a timestamp: a table writes it the page's way, a workbook types it) and by
    whom."""
    src = view.removesuffix("_v") + "_b"
    # Who uploaded is a staff member's name: a viewer reads their role instead.
    uploader = "b.uploaded_by" if names_visible() else "'medarbejder'"
    w, p = where(view, f, "v")
    if w == "TRUE" and view != "participants_v":  # no filter: the base table knows its batches
        src = view.removesuffix("_v").replace("participants", "memberships")
    return _df(
        # Rows become runs of consecutive row numbers ("4–12, 15"): computed per batch in the
        # database, named for the few batches there are. A batch whose rows here are one unbroken
        # run (an upload shown whole: the usual case) is told by its count, first and last row;
        # only the others are sorted into runs (a national store's allocations are one sort of ten
        # million rows otherwise).
        f"""WITH r AS (SELECT v.batch_id, v.src_row FROM {src} v WHERE {w}),
            c AS (SELECT batch_id, count(*) AS n, count(src_row) AS numbered, min(src_row) AS lo,
                         max(src_row) AS hi FROM r GROUP BY 1),
            whole AS (SELECT batch_id, lo, hi FROM c WHERE numbered = n AND hi - lo + 1 = n),
            g AS (SELECT batch_id, src_row,
                         src_row - row_number() OVER (PARTITION BY batch_id ORDER BY src_row) AS run
                  FROM r WHERE src_row IS NOT NULL AND batch_id NOT IN (SELECT batch_id FROM whole)),
            runs AS (SELECT batch_id, min(src_row) AS lo, max(src_row) AS hi FROM g GROUP BY batch_id, run
                     UNION ALL SELECT batch_id, lo, hi FROM whole),
            ranked AS (SELECT *, row_number() OVER (PARTITION BY batch_id ORDER BY lo) AS k FROM runs),
            txt AS (SELECT batch_id,
                           string_agg(CASE WHEN lo = hi THEN lo::VARCHAR ELSE lo::VARCHAR || '–' || hi::VARCHAR END,
                                      ', ' ORDER BY lo) FILTER (WHERE k <= {MAX_ROW_RANGES})
                           || CASE WHEN max(k) > {MAX_ROW_RANGES} THEN ', …' ELSE '' END AS rows
                    FROM ranked GROUP BY 1)
            SELECT b.batch_id AS "Nr.", b.file_name AS "Fil", b.sheet AS "Ark", txt.rows AS "Rækker i arket",
                   c.n AS "Antal", b.uploaded_at AS "Indlæst", {uploader} AS "Af"
            FROM c JOIN batches b ON b.batch_id = c.batch_id LEFT JOIN txt ON txt.batch_id = c.batch_id ORDER BY 1""",
        p,
    )


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class Kpis:
    """The handful of numbers a committee asks for first."""

    active_networks: int
    participants: int
    external: int
    organisations: int
    meetings_last: int
    meetings_before: int
    last_year: int | None
    eu_region_share: Decimal | None
    eu_projects: int
    granted: Decimal | None  # granted in all: status granted or paid
    paid: Decimal | None  # of which paid
    capacity: Decimal | None


ACTIVE_DAYS = 365  # a network without a meeting for longer is asked about ('inaktivt?')


def reference_day(f: Filters, today: str) -> str:
    """The day a network's activity is measured at (ISO): today, or the last day of the period
    the filters show when it ends before today (a view of 2020 counts the networks active then)."""
    if f.year_to is not None and f.year_to < int(today[:4]):
        return f"{f.year_to}-12-31"
    return today


def _network_status_sql(where_meetings: str) -> str:
    """Per network with a meeting or event under the filters: its last one, its end date and its
    status at the reference day (the first two parameters): 'ended' (an end date on or before
    it), 'inactive' (no meeting for more than ACTIVE_DAYS) or 'active'. One definition for the
    overview, the network page, the annex and the glossary."""
    return f"""SELECT m.network, max(m.meeting_date) AS last_meeting, any_value(n.ended) AS ended,
                   CASE WHEN any_value(n.ended) <= CAST(? AS DATE) THEN 'ended'
                        WHEN CAST(? AS DATE) - max(m.meeting_date) > {ACTIVE_DAYS} THEN 'inactive'
                        ELSE 'active' END AS status
            FROM meetings_v m LEFT JOIN networks n ON n.network = m.network
            WHERE {where_meetings} GROUP BY m.network"""


@cached
def network_status(f: Filters, today: str) -> pd.DataFrame:
    """Every network with a meeting under the filters: last meeting, end date, status (active,
    inactive, ended) at reference_day(f, today)."""
    w, p = where("meetings_v", f, "m")
    day = reference_day(f, today)
    return _df(_network_status_sql(w) + " ORDER BY m.network", [day, day, *p])


def kpis(f: Filters, today: str | None = None) -> Kpis:
    """Headline figures under the filters; networks are active as of `today` (ISO, default today)
    or the end of the period shown."""
    return _kpis(f, today or dt.date.today().isoformat())


@cached
def _kpis(f: Filters, today: str) -> Kpis:
    wm, pm = where("meetings_v", f)
    wn, pn = where("meetings_v", f, "m")
    wp, pp = where("participants_v", f)
    we, pe = where("eu_projects_v", f)
    wa, pa = where("allocations_v", f)
    wpo, ppo = where("pools_v", f)
    # The year before the last one is counted whatever the year range (2020's delta compares with
    # 2019 even when the range starts in 2020); the other filters still apply.
    wy, py = where("meetings_v", Filters(**{**f.__dict__, "year_from": None, "year_to": None}))
    bounds = year_bounds()
    last = f.year_to or (bounds[1] if bounds else None)
    # The last year with meetings in the range, when the range runs past today (pools run to 2028).
    last_meeting_year = _one(f"SELECT max(year(meeting_date)) FROM meetings_v WHERE {wm}", pm)
    if last_meeting_year is not None and (last is None or last_meeting_year < last):
        last = last_meeting_year
    per_year = dict(
        cursor()
        .execute(
            f"SELECT year(meeting_date), count(*) FROM meetings_v WHERE {wy} AND year(meeting_date) IN (?, ?) "
            "GROUP BY 1",
            py + [last, (last or 0) - 1],
        )
        .fetchall()
    )
    people = _row(
        f"SELECT count(DISTINCT lower(person)), count(DISTINCT lower(person)) FILTER (WHERE is_external), "
        f"count(DISTINCT organisation_canonical) FROM participants_v WHERE {wp}",
        pp,
    )
    eu = _row(f"SELECT sum(region_share_dkk), count(*) FROM eu_projects_v WHERE {we}", pe)
    # Granted in all and of that paid in one pass: a national store has ten million allocations.
    granted, paid = _row(
        f"SELECT sum(amount_dkk) FILTER (WHERE status IN ('granted', 'paid')), "
        f"sum(amount_dkk) FILTER (WHERE status = 'paid') FROM allocations_v WHERE {wa}",
        pa,
    )
    day = reference_day(f, today)
    active = _one(
        f"SELECT count(*) FROM ({_network_status_sql(wn)}) s WHERE status = 'active'", [day, day, *pn]
    )
    return Kpis(
        active_networks=int(active or 0),
        participants=int(people[0]),
        external=int(people[1]),
        organisations=int(people[2]),
        meetings_last=int(per_year.get(last, 0)) if last else 0,
        meetings_before=int(per_year.get(last - 1, 0)) if last else 0,
        last_year=last,
        # No project in range is a known zero; projects whose shares are all unknown stay unknown.
        eu_region_share=Decimal(0) if eu[1] == 0 else eu[0],
        eu_projects=int(eu[1]),
        granted=granted,
        paid=paid,
        capacity=_one(f"SELECT sum(capacity_dkk) FROM pools_v WHERE {wpo}", ppo),
    )


kpis.clear = _kpis.clear  # type: ignore[attr-defined]


@cached
def activity_per_month(f: Filters) -> pd.DataFrame:
    """Meetings and events per month and kind: the compact timeline of recent activity."""
    w, p = where("meetings_v", f)
    return _df(
        f"SELECT date_trunc('month', meeting_date) AS month, kind, count(*) AS meetings FROM meetings_v WHERE {w} "
        "GROUP BY ALL ORDER BY 1",
        p,
    )


# ---------------------------------------------------------------- network activity


@cached
def meetings(f: Filters, limit: int | None = DETAIL_LIMIT) -> pd.DataFrame:
    """One row per meeting or event."""
    w, p = where("meetings_v", f)
    return _df(
        f"SELECT network, region, meeting_date, kind, format, host, theme, duration_hours, attendees FROM meetings_v "
        f"WHERE {w} ORDER BY meeting_date DESC{_limit(limit)}",
        p,
    )


@cached
def cadence(f: Filters, today: str) -> pd.DataFrame:
    """Per network: meetings, last meeting, median interval, target interval and whether it is overdue."""
    w, p = where("meetings_v", f, "m")
    return _df(
        f"""WITH m AS (
              SELECT m.network, m.meeting_date,
                     m.meeting_date - lag(m.meeting_date) OVER (PARTITION BY m.network ORDER BY m.meeting_date) AS gap
              FROM meetings_v m WHERE {w} AND m.kind IN ('network_meeting', 'committee_meeting'))
            SELECT m.network, count(*) AS meetings, max(m.meeting_date) AS last_meeting,
                   median(m.gap) AS median_gap_days,
                   coalesce(any_value(n.cadence_months), 2) AS target_months,
                   any_value(n.ended) AS ended,
                   CAST(? AS DATE) - max(m.meeting_date) AS days_since
            FROM m LEFT JOIN networks n ON n.network = m.network
            GROUP BY m.network ORDER BY m.network""",
        p + [today],
    )


# ---------------------------------------------------------------- people and organisations


@cached
def people(f: Filters, limit: int | None = DETAIL_LIMIT, search: str = "") -> pd.DataFrame:
    """Memberships under the filters. For a role that may not see names, name and title are never
    selected (NULL): not hidden later, absent from the result and its cache.

    `search` matches name, title or organisation (as written or canonical), case-insensitively;
    without names, the organisation only.
    """
    with_names = names_visible()
    w, p = where("participants_v", f, "v")
    if search:
        cols = ["v.organisation", "v.organisation_canonical"] + (
            ["v.title", "v.person"] if with_names else []
        )
        w += " AND (" + " OR ".join(f"{c} ILIKE ?" for c in cols) + ")"
        like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        p = p + [like] * len(cols)
        w = w.replace("ILIKE ?", "ILIKE ? ESCAPE '\\'")
    person, title = ("v.person", "v.title") if with_names else ("NULL::VARCHAR", "NULL::VARCHAR")
    order = "v.person" if with_names else "v.organisation_canonical"
    return _df(
        f"SELECT {person} AS person, {title} AS title, v.organisation, v.organisation_canonical, coalesce(o.sector, 'unknown') AS sector, "
        f"v.network, v.region, v.is_external FROM participants_v v LEFT JOIN organisations o ON o.canonical = v.organisation_canonical "
        f"WHERE {w} ORDER BY v.network, {order}{_limit(limit)}",
        p,
    )


@cached
def members_by_organisation(f: Filters) -> pd.DataFrame:
    """Members per canonical organisation, internal and external."""
    w, p = where("participants_v", f)
    return _df(
        f"SELECT organisation_canonical AS organisation, count(*) FILTER (WHERE NOT coalesce(is_external, FALSE)) AS internal, "
        f"count(*) FILTER (WHERE is_external) AS external, count(*) AS total FROM participants_v WHERE {w} "
        "GROUP BY 1 ORDER BY total DESC, organisation",
        p,
    )


@cached
def members_by_organisation_and_network(f: Filters) -> pd.DataFrame:
    """Members counted per organisation and network, with the organisation's sector: what a role
    without names sees instead of the member list."""
    w, p = where("participants_v", f, "v")
    return _df(
        "SELECT v.organisation_canonical AS organisation, coalesce(o.sector, 'unknown') AS sector, v.network, "
        "count(*) FILTER (WHERE NOT coalesce(v.is_external, FALSE)) AS internal, "
        "count(*) FILTER (WHERE v.is_external) AS external, count(*) AS total "
        f"FROM participants_v v LEFT JOIN organisations o ON o.canonical = v.organisation_canonical WHERE {w} "
        "GROUP BY ALL ORDER BY total DESC, organisation, network",
        p,
    )


@cached
def members_by_sector(f: Filters) -> pd.DataFrame:
    """Members per sector of their organisation (unknown sector kept as 'unknown')."""
    w, p = where("participants_v", f, "v")
    return _df(
        f"SELECT coalesce(o.sector, 'unknown') AS sector, count(*) AS members FROM participants_v v "
        f"LEFT JOIN organisations o ON o.canonical = v.organisation_canonical WHERE {w} GROUP BY 1 ORDER BY 2 DESC",
        p,
    )


@cached
def graph_edges(f: Filters, anonymous: str = "Deltager") -> pd.DataFrame:
    """person - organisation - network edges for the network graph; without names, each person is
    an anonymous label numbered in the database ('Deltager 12', the word in the page's language),
    the same for one person's edges."""
    w, p = where("participants_v", f)
    if names_visible():
        person = "person"
    else:
        person = "? || ' ' || dense_rank() OVER (ORDER BY hash(lower(person)))"
        p = [anonymous, *p]
    return _df(
        f"SELECT {person} AS person, organisation_canonical AS organisation, network FROM participants_v WHERE {w}",
        p,
    )


@cached
def graph_projects(f: Filters) -> pd.DataFrame:
    """(project, organisation) links for the network graph's project nodes."""
    w, p = _links_where(f)
    return _df(
        f"SELECT DISTINCT project, organisation FROM project_links_b l WHERE {w} AND organisation IS NOT NULL",
        p,
    )


@cached
def people_counts(f: Filters) -> tuple[int, int, int]:
    """Memberships, internal and external, counted in the database (not in the shown rows)."""
    w, p = where("participants_v", f)
    row = _row(
        f"SELECT count(*), count(*) FILTER (WHERE NOT coalesce(is_external, FALSE)), count(*) FILTER (WHERE is_external) "
        f"FROM participants_v WHERE {w}",
        p,
    )
    return int(row[0]), int(row[1]), int(row[2])


# ---------------------------------------------------------------- EU projects


@cached
def eu_totals(f: Filters) -> tuple[int, Any, Any, int]:
    """Projects, the region's share, known total budgets and how many budgets are unknown."""
    w, p = where("eu_projects_v", f)
    row = _row(
        f"SELECT count(*), sum(region_share_dkk), sum(total_budget_dkk), count(*) FILTER (WHERE total_budget_dkk IS NULL) "
        f"FROM eu_projects_v WHERE {w}",
        p,
    )
    return int(row[0]), row[1], row[2], int(row[3])


@cached
def allocations_per_year(f: Filters) -> list[tuple[int, int]]:
    """(year, allocations) under the filters, the latest year first."""
    w, p = where("allocations_v", f, "a")
    source = "allocations a" if w == "TRUE" else "allocations_v a"  # no filter: no region to derive
    rows = cursor().execute(f"SELECT a.year, count(*) FROM {source} WHERE {w} GROUP BY 1 ORDER BY 1 DESC", p)
    return [(int(y), int(n)) for y, n in rows.fetchall()]


def allocation_count(f: Filters) -> int:
    """Allocations under the filters (the sum of the per-year counts, which are cached)."""
    return sum(n for _, n in allocations_per_year(f))


@cached
def meetings_by(f: Filters, column: str) -> pd.DataFrame:
    """Meetings counted per format or per kind (unknown format kept as 'unknown')."""
    col = {"format": "coalesce(format, 'unknown')", "kind": "kind"}[column]
    w, p = where("meetings_v", f)
    return _df(f"SELECT {col} AS {column}, count(*) AS n FROM meetings_v WHERE {w} GROUP BY 1 ORDER BY 1", p)


@cached
def meeting_count(f: Filters) -> int:
    w, p = where("meetings_v", f)
    return int(_one(f"SELECT count(*) FROM meetings_v WHERE {w}", p))


@cached
def eu_projects(f: Filters, limit: int | None = DETAIL_LIMIT) -> pd.DataFrame:
    """One row per project and region."""
    w, p = where("eu_projects_v", f)
    return _df(
        f"SELECT acronym, title, programme, action_type, region, total_budget_dkk, eu_contribution_dkk, region_share_dkk, "
        f"currency, start_year, end_year, lead_partner, lead_country, partners FROM eu_projects_v WHERE {w} "
        f"ORDER BY region_share_dkk DESC NULLS LAST, acronym{_limit(limit)}",
        p,
    )


@cached
def eu_share_per_year(f: Filters) -> pd.DataFrame:
    """The region's share of each project spread evenly over its years."""
    w, p = where("eu_projects_v", f)
    lo, hi = f.year_from or 1900, f.year_to or 2200
    return _df(
        f"""SELECT coalesce(acronym, title) AS project, y.year,
                   region_share_dkk / (end_year - start_year + 1) AS share_dkk
            FROM eu_projects_v, LATERAL (SELECT unnest(range(start_year, end_year + 1)) AS year) y
            WHERE {w} AND region_share_dkk IS NOT NULL AND start_year IS NOT NULL AND end_year IS NOT NULL
              AND y.year BETWEEN ? AND ?
            ORDER BY y.year, project""",
        p + [lo, hi],
    )


@cached
def eu_by_programme(f: Filters) -> pd.DataFrame:
    """Totals by programme: projects, the region's share, known total budgets."""
    w, p = where("eu_projects_v", f)
    return _df(
        f"SELECT coalesce(programme, 'ikke oplyst') AS programme, count(*) AS projects, sum(region_share_dkk) AS region_share_dkk, "
        f"sum(total_budget_dkk) AS total_budget_dkk, count(*) FILTER (WHERE total_budget_dkk IS NULL) AS unknown_budgets "
        f"FROM eu_projects_v WHERE {w} GROUP BY 1 ORDER BY region_share_dkk DESC NULLS LAST",
        p,
    )


# ---------------------------------------------------------------- funding pools


@cached
def pool_years(f: Filters) -> pd.DataFrame:
    """Per pool and year: model, added, capacity, granted, paid, applied, remaining, band."""
    w, p = where("pools_v", f, "pv")
    # Allocations are summed per pool year first (a million rows into a few hundred), then joined.
    return _df(
        f"""WITH a AS (
              SELECT pool, year,
                     sum(amount_dkk) FILTER (WHERE status = 'granted') AS granted,
                     sum(amount_dkk) FILTER (WHERE status = 'paid') AS paid,
                     sum(amount_dkk) FILTER (WHERE status = 'applied') AS applied
              FROM allocations GROUP BY pool, year)
            SELECT pv.pool, pv.region, pv.year, pv.model, pv.added_dkk, pv.capacity_dkk,
                   coalesce(a.granted, 0) AS granted_dkk, coalesce(a.paid, 0) AS paid_dkk,
                   coalesce(a.applied, 0) AS applied_dkk,
                   pv.capacity_dkk - coalesce(a.granted, 0) - coalesce(a.paid, 0) AS remaining_dkk,
                   po.band_min_dkk, po.band_max_dkk
            FROM pools_v pv
            JOIN pools po ON po.pool = pv.pool AND po.year = pv.year
            LEFT JOIN a ON a.pool = pv.pool AND a.year = pv.year
            WHERE {w} ORDER BY pv.pool, pv.year""",
        p,
    )


@cached
def allocations(f: Filters, limit: int | None = DETAIL_LIMIT) -> pd.DataFrame:
    """One row per allocation, with the pool's band; the latest years first."""
    w, p = where("allocations_v", f, "a")
    since = ""
    if limit:
        # The first `limit` rows lie in the latest years: the per-year counts (a dozen rows) say
        # from which year, so the sort sees those years instead of a million rows.
        seen = 0
        for year, n in allocations_per_year(f):
            seen += n
            if seen >= limit:
                since = f" AND a.year >= {int(year)}"
                break
    return _df(
        f"SELECT a.pool, a.region, a.year, a.project, a.recipient, a.amount_dkk, a.status, a.decided_on, "
        f"po.band_min_dkk, po.band_max_dkk FROM allocations_v a LEFT JOIN pools po ON po.pool = a.pool AND po.year = a.year "
        f"WHERE {w}{since} ORDER BY a.year DESC, a.pool, a.amount_dkk DESC NULLS LAST, a.project, a.recipient{_limit(limit)}",
        p,
    )


@cached
def allocations_outside_band(f: Filters, limit: int = DETAIL_LIMIT) -> pd.DataFrame:
    """Allocations below or above their pool year's usual size (its band), the furthest out first."""
    w, p = where("allocations_v", f, "a")
    return _df(
        f"""SELECT a.pool, a.year, a.project, a.recipient, a.amount_dkk, a.status, po.band_min_dkk, po.band_max_dkk
            FROM allocations_v a JOIN pools po ON po.pool = a.pool AND po.year = a.year
            WHERE {w} AND a.status IN ('granted', 'paid', 'applied')
              AND (a.amount_dkk < po.band_min_dkk OR a.amount_dkk > po.band_max_dkk)
            ORDER BY greatest(po.band_min_dkk - a.amount_dkk, a.amount_dkk - po.band_max_dkk) DESC, a.pool, a.year
            LIMIT ?""",
        p + [limit],
    )


@cached
def recipients(f: Filters, top: int = 15) -> pd.DataFrame:
    """Recipients ranked by money granted or paid."""
    w, p = where("allocations_v", f)
    return _df(
        f"SELECT recipient, sum(amount_dkk) AS amount_dkk, count(*) AS allocations FROM allocations_v "
        f"WHERE {w} AND status IN ('granted', 'paid') GROUP BY 1 ORDER BY 2 DESC NULLS LAST LIMIT ?",
        p + [top],
    )


# ---------------------------------------------------------------- who works on which project


def _links_where(f: Filters, alias: str = "l") -> tuple[str, list[Any]]:
    """The filters on project links: region; a pool or programme narrows to those sources; years
    overlap; an organisation keeps the projects it takes part in (with all their organisations)."""
    a = f"{alias}."
    parts, params = ["TRUE"], []
    if f.region:
        parts.append(f"{a}region IN (SELECT unnest(?))")
        params.append(list(f.region))
    sources = []
    if f.pool:
        sources.append(f"({a}source_kind = 'pool' AND {a}source IN (SELECT unnest(?)))")
        params.append(list(f.pool))
    if f.programme:
        sources.append(f"({a}source_kind = 'eu' AND {a}source IN (SELECT unnest(?)))")
        params.append(list(f.programme))
    if sources:
        parts.append("(" + " OR ".join(sources) + f" OR {a}source_kind = 'members')")
    if f.year_from is not None:
        parts.append(f"coalesce({a}last_year >= ?, TRUE)")
        params.append(f.year_from)
    if f.year_to is not None:
        parts.append(f"coalesce({a}first_year <= ?, TRUE)")
        params.append(f.year_to)
    if f.organisation:
        parts.append(
            f"{a}project IN (SELECT project FROM project_links_b WHERE organisation IN (SELECT unnest(?)))"
        )
        params.append(list(f.organisation))
    return " AND ".join(parts), params


def _links_into(cur: Any, f: Filters, project: str | None = None) -> None:
    """The temporary table project_links of the cursor: the links the filters hold (of one
    project). The projects page reads them several times, and the view joins a million rows."""
    w, p = _links_where(f)
    if project is not None:
        w, p = f"{w} AND l.project = ?", [*p, project]
    cur.execute(
        "CREATE TEMP TABLE project_links AS SELECT project, source_kind, source, organisation, amount_dkk, "
        f"status FROM project_links_b l WHERE {w}",
        p,
    )


# Per project of project_links: granted in all and of that paid, every amount whatever its status
# (the order of the list to start from), and whether it is an EU project.
_MONEY = f"SELECT project, {summary.MONEY} FROM project_links GROUP BY project"
# The same per project of the whole store with its words, kept by the writers (store/summary.py).
_SUMMARY = "SELECT project, granted_dkk, paid_dkk, organisations, kinds, sources, orgs FROM project_summary"
_SUMMARY_TEXT = "SELECT project, organisations, kinds, sources, orgs FROM top"
_IN_REGIONS = "region IN (SELECT unnest(?))"
# Per project of the regions chosen, from the summary per project and region: the money (sums add),
# and the words of the projects shown (the lists of each region's row joined, made distinct).
_REGIONS_MONEY = f"""SELECT project, sum(granted_dkk) AS granted_dkk, sum(paid_dkk) AS paid_dkk,
    sum(amount_dkk) AS amount_dkk, bool_or(is_eu) AS is_eu
    FROM project_region_summary WHERE {_IN_REGIONS} GROUP BY project"""
_REGIONS_TEXT = summary.words(
    f"""SELECT project, {summary.merged("kinds")} AS kinds, {summary.merged("sources")} AS sources,
               {summary.merged("orgs")} AS orgs
        FROM project_region_summary WHERE {_IN_REGIONS} AND project IN (SELECT project FROM top) GROUP BY project"""
)


def _register_sql(
    f: Filters, money: str, top: int | None, txt: str | None = None, txt_params: list[Any] | None = None
) -> tuple[str, list[Any]]:
    """The register's query over `money` (one row per project: project, granted_dkk, paid_dkk) for
    the `top` projects with the most money (None: all), with its parameters. What takes words or
    counting (sources, organisations, people) is asked only for the projects shown: from the links
    of project_links, or from `txt` (with `txt_params`) over the summaries the writers keep."""
    wm, pm = where("participants_v", f.without("organisation"), "m")
    we, pe = where("eu_projects_v", f)  # the region's share in the regions (and years) chosen
    txt = txt or (
        f"SELECT project, {summary.TEXT} FROM project_links WHERE project IN (SELECT project FROM top) GROUP BY project"
    )
    # Members per project: a project with one organisation (nearly all) takes that organisation's
    # count; only a project with several counts its people across them (a person at two of them
    # once). Joining every project with every member of its organisations is 250M rows nationally.
    sql = f"""WITH money AS ({money}),
            eu AS (SELECT COALESCE(acronym, title) AS project, sum(region_share_dkk) AS share_dkk
                   FROM eu_projects_v WHERE {we} GROUP BY 1),  -- few; the join below keeps money's
            top AS (SELECT money.*, eu.share_dkk FROM money LEFT JOIN eu USING (project)
                    ORDER BY coalesce(money.granted_dkk, 0) + coalesce(eu.share_dkk, 0) DESC, money.project{_limit(top)}),
            ranked AS (SELECT top.project, top.granted_dkk, top.paid_dkk, top.share_dkk,
                              coalesce(txt.organisations, 0) AS organisations, txt.kinds, txt.sources,
                              nullif(array_to_string(txt.orgs, '{summary.ORG_SEP}'), '') AS organisation_names, txt.orgs
                       FROM top LEFT JOIN ({txt}) txt USING (project)),
            lo AS (SELECT project, unnest(orgs) AS organisation FROM ranked),
            per_org AS (SELECT m.organisation_canonical AS organisation, count(DISTINCT lower(m.person)) AS n
                        FROM participants_v m WHERE {wm} GROUP BY 1),
            members AS (SELECT lo.project, po.n FROM lo JOIN ranked r USING (project)
                        JOIN per_org po USING (organisation) WHERE r.organisations = 1
                        UNION ALL
                        SELECT lo.project, count(DISTINCT lower(m.person)) FROM lo JOIN ranked r USING (project)
                        JOIN participants_v m ON m.organisation_canonical = lo.organisation
                        WHERE r.organisations > 1 AND {wm} GROUP BY 1),
            named AS (SELECT project, count(DISTINCT lower(person)) AS n FROM project_members
                      WHERE project IN (SELECT project FROM ranked) GROUP BY 1)
            SELECT r.project, r.kinds, r.sources, r.granted_dkk, r.paid_dkk, r.share_dkk,
                   r.organisations, r.organisation_names,
                   coalesce(named.n, 0) AS people_named, coalesce(members.n, 0) AS network_members
            FROM ranked r LEFT JOIN named USING (project) LEFT JOIN members USING (project)
            ORDER BY coalesce(r.granted_dkk, 0) + coalesce(r.share_dkk, 0) DESC, r.project"""
    return sql, pe + (txt_params or []) + pm + pm


@dataclass(frozen=True)
class ProjectFront:
    """What the projects page shows before a project is chosen."""

    projects: list[str]  # the CHOICES_MAX + 1 projects with the most money, most first
    organisations: list[str]  # the first CHOICES_MAX + 1 organisations taking part, alphabetically
    totals: tuple[int, Any, Any, int, Any]  # project_totals
    register: pd.DataFrame  # project_register(f) for the REGISTER_TOP projects with the most money


REGISTER_TOP = 1_000  # rows of the register drawn; the download holds every project


def _summary_kept(cur: Any) -> bool:
    """Whether the project summary the writers keep is of the data this run reads (the live
    store at its data version); a past day (`asof`) or a summary behind the data is not used."""
    version = live_version()
    return version is not None and summary.state(cur) == version


@cached
def project_front(f: Filters) -> ProjectFront:
    """The lists to start from, the headline and the register's first rows, from the links the
    filters hold, found once, and one grouping of them by project: a national store holds a million
    projects, and the page asked the links five times and grouped them three (3,4 s on 1M
    allocations, now 1,2 s). Unfiltered, or filtered by region only, they come from the summaries the
    writers keep, when they are of the data read: unfiltered no grouping at all (0,7 s to 0,5 s),
    by region the grouping of that region's rows only."""
    cur = cursor()
    with contextlib.closing(cur):  # closing it drops its temporary tables
        kept = f in (Filters(), Filters(region=f.region)) and _summary_kept(cur)
        orgs_params: list[Any] = []
        txt, txt_params = None, None
        if kept and not f.region:
            sums, money, txt = "project_summary", _SUMMARY, _SUMMARY_TEXT
            organisations_sql = f"SELECT organisation FROM ({_PROJECT_ORGANISATIONS})"
        elif kept:
            regions = list(f.region)
            cur.execute(f"CREATE TEMP TABLE project_sums AS {_REGIONS_MONEY}", [regions])
            sums, money, txt, txt_params = (
                "project_sums",
                "SELECT * FROM project_sums",
                _REGIONS_TEXT,
                [regions],
            )
            organisations_sql = (
                f"SELECT unnest(orgs) AS organisation FROM project_region_summary WHERE {_IN_REGIONS}"
            )
            orgs_params = [regions]
        else:
            _links_into(cur, f)
            cur.execute(f"CREATE TEMP TABLE project_sums AS {_MONEY}")
            sums, money = "project_sums", "SELECT * FROM project_sums"
            organisations_sql = "SELECT organisation FROM project_links"
        projects = [
            r[0]
            for r in cur.execute(
                f"SELECT project FROM {sums} ORDER BY amount_dkk DESC, project LIMIT {CHOICES_MAX + 1}"
            ).fetchall()
        ]
        organisations = [
            r[0]
            for r in cur.execute(
                f"SELECT DISTINCT organisation FROM ({organisations_sql}) WHERE organisation IS NOT NULL "
                f"ORDER BY 1 LIMIT {CHOICES_MAX + 1}",
                orgs_params,
            ).fetchall()
        ]
        we, pe = where("eu_projects_v", f, "e")
        row = cur.execute(
            f"""WITH e AS (SELECT e.region_share_dkk FROM eu_projects_v e WHERE {we}
                      AND COALESCE(e.acronym, e.title) IN (SELECT project FROM {sums} WHERE is_eu))
            SELECT (SELECT count(*) FROM {sums}), (SELECT sum(granted_dkk) FROM {sums}),
                   (SELECT sum(paid_dkk) FROM {sums}), (SELECT count(*) FROM e),
                   (SELECT sum(region_share_dkk) FROM e)""",
            pe,
        ).fetchone()
        register = cur.execute(*_register_sql(f, money, REGISTER_TOP, txt, txt_params)).df()
    totals = (int(row[0]), row[1], row[2], int(row[3]), row[4])
    return ProjectFront(projects, organisations, totals, register)


@cached
def project_register(f: Filters, project: str | None = None) -> pd.DataFrame:
    """One row per project: where its money comes from (pools, EU programmes), granted in all and of
    that paid, the region's EU share, its organisations, the people named on it and the members of
    the networks who work at its organisations (the download: every project; the page draws the
    first REGISTER_TOP from project_front). `project`: that project's row only."""
    with contextlib.closing(cursor()) as cur:  # closing it drops its temporary table
        _links_into(cur, f, project)
        return cur.execute(*_register_sql(f, _MONEY, None)).df()


def project_totals(f: Filters) -> tuple[int, Any, Any, int, Any]:
    """Over every project the filters hold: how many, granted in all and of that paid (their pool
    allocations, as the overview sums them), and their EU projects with the region's share."""
    return project_front(f).totals


@cached
def project_links(f: Filters, project: str | None = None, organisation: str | None = None) -> pd.DataFrame:
    """The links of one project, or of one organisation: source, organisation, money, status."""
    w, p = _links_where(f)
    if project is not None:
        w += " AND l.project = ?"
        p.append(project)
    if organisation is not None:
        w += " AND l.organisation = ?"
        p.append(organisation)
    return _df(
        f"""SELECT l.project, l.source_kind, l.source, l.organisation,
                   sum(l.amount_dkk) FILTER (WHERE l.status IN ('granted', 'paid')) AS granted_dkk,
                   sum(l.amount_dkk) FILTER (WHERE l.status = 'paid') AS paid_dkk,
                   string_agg(DISTINCT l.status, ',' ORDER BY l.status) AS statuses,
                   min(l.first_year) AS first_year, max(l.last_year) AS last_year
            FROM project_links_b l WHERE {w}
            GROUP BY l.project, l.source_kind, l.source, l.organisation
            ORDER BY l.project, l.source_kind, l.organisation""",
        p,
    )


@cached
def project_people(
    f: Filters, project: str | None = None, organisation: str | None = None, person: str | None = None
) -> pd.DataFrame:
    """The people of a project (named on it, or members of the networks at its organisations), of an
    organisation, or one person's projects. Without the right to see names: counts per project,
    organisation and link, never a name."""
    wm, pm = where("participants_v", f.without("organisation"), "m")
    cond, params = [], []
    if project is not None:
        cond.append("project = ?")
        params.append(project)
    if organisation is not None:
        cond.append("organisation = ?")
        params.append(organisation)
    if person is not None:
        cond.append("lower(person) = lower(?)")
        params.append(person)
    w = " AND ".join(cond) or "TRUE"
    base = f"""WITH orgs AS (SELECT DISTINCT project, organisation FROM project_links_b),
        al AS (SELECT alias, min(canonical) AS canonical FROM org_aliases GROUP BY alias),
        named AS (SELECT pm.project, pm.person, pm.role, COALESCE(al.canonical, pm.organisation) AS organisation,
                         pm.network, 'named' AS how
                  FROM project_members pm LEFT JOIN al ON al.alias = pm.organisation),
        members AS (SELECT o.project, m.person, m.title AS role, o.organisation, m.network, 'network' AS how
                    FROM orgs o JOIN participants_v m ON m.organisation_canonical = o.organisation WHERE {wm}),
        everyone AS (SELECT * FROM named UNION ALL SELECT * FROM members)"""
    if names_visible():
        return _df(
            base
            + f""" SELECT project, person, role, organisation, network, how FROM everyone WHERE {w}
                ORDER BY project, how DESC, organisation, person""",
            pm + params,
        )
    if person is not None:  # without names there is no starting from a person
        return pd.DataFrame(columns=["project", "organisation", "how", "people"])
    return _df(
        base
        + f""" SELECT project, organisation, how, count(DISTINCT lower(person)) AS people FROM everyone
            WHERE {w} GROUP BY ALL ORDER BY project, how DESC, organisation""",
        pm + params,
    )


CHOICES_MAX = 5_000  # a select box beyond this is slow to send and no one scrolls it

# Every organisation on a project: those of project_links_b, without reading each allocation through
# the view's joins. A national store's million allocations have a few hundred recipients, so they
# are made distinct before the alias list maps them, as the view maps them (0,22 s to 0,10 s).
_PROJECT_ORGANISATIONS = """SELECT organisation FROM project_links_b WHERE source_kind <> 'pool'
    UNION SELECT COALESCE(al.canonical, a.recipient) FROM (SELECT DISTINCT recipient FROM allocations) a
    LEFT JOIN (SELECT alias, min(canonical) AS canonical FROM org_aliases GROUP BY alias) al ON al.alias = a.recipient"""


@cached
def project_choices(f: Filters, start: str) -> tuple[list[str], bool]:
    """What a reader can start from (start: 'project', 'organisation' or, for roles that see names,
    'person'), and whether the list was cut: at most CHOICES_MAX (the projects with the most money,
    the people named on most projects), in alphabetical order. Only the list the page shows is
    asked: the people take a national store 0,15-0,3 s, and most readers start from a project."""
    if start == "person":
        found = _people_choices()
    else:
        front = project_front(f)
        found = front.projects if start == "project" else front.organisations
    return sorted(found[:CHOICES_MAX], key=str.lower), len(found) > CHOICES_MAX


@cached
def _people_choices() -> list[str]:
    """The people one may start from (for roles that see names; none otherwise): the first
    CHOICES_MAX + 1, those named on most projects first. The filters do not narrow them, so a
    filter change does not ask again."""
    cap = CHOICES_MAX + 1
    people: list[str] = []
    if names_visible():
        people = [
            r[0]
            for r in cursor()
            .execute(
                f"""WITH named AS (SELECT min(person) AS person, count(*) AS n FROM project_members GROUP BY lower(person)),
                    members AS (SELECT min(m.person) AS person, 0 AS n FROM participants_v m
                                JOIN ({_PROJECT_ORGANISATIONS}) o
                                  ON o.organisation = m.organisation_canonical GROUP BY lower(m.person))
                    SELECT person FROM (SELECT * FROM named UNION ALL SELECT * FROM members)
                    GROUP BY person ORDER BY max(n) DESC, person LIMIT {cap}"""
            )
            .fetchall()
        ]
    return people


# ---------------------------------------------------------------- organisations and networks (staff)


def organisation_names() -> dict[str, Any]:
    """The names organisations are written with (members, allocations, project members), how often,
    and the organisation list: {"written": [(name, uses)], "canonical": [...], "aliases": DataFrame}."""
    cur = cursor()
    written = cur.execute(
        """SELECT name, count(*) AS uses FROM (
               SELECT organisation AS name FROM memberships UNION ALL SELECT recipient FROM allocations
               UNION ALL SELECT organisation FROM project_members) x
           WHERE name IS NOT NULL AND name NOT IN (SELECT alias FROM org_aliases)
           GROUP BY 1 ORDER BY 2 DESC, 1"""
    ).fetchall()
    canonical = [
        r[0]
        for r in cur.execute(
            "SELECT canonical FROM org_aliases UNION SELECT canonical FROM organisations ORDER BY 1"
        ).fetchall()
    ]
    aliases = cur.execute(
        "SELECT a.alias, a.canonical, o.sector FROM org_aliases a LEFT JOIN organisations o "
        "ON o.canonical = a.canonical ORDER BY a.canonical, a.alias"
    ).df()
    return {"written": written, "canonical": canonical, "aliases": aliases}


def network_states(today: str) -> pd.DataFrame:
    """Every network with its last meeting and end date (the data page's end dates)."""
    return _df(
        """SELECT n.network, n.ended, max(m.meeting_date) AS last_meeting,
                  CAST(? AS DATE) - max(m.meeting_date) AS days_since
           FROM (SELECT network, ended FROM networks UNION
                 SELECT DISTINCT network, NULL FROM meetings WHERE network NOT IN (SELECT network FROM networks)) n
           LEFT JOIN meetings m ON m.network = n.network
           GROUP BY n.network, n.ended ORDER BY n.network""",
        [today],
    )


@cached
def themes_by_year(f: Filters) -> pd.DataFrame:
    """Per network and year, the themes of its meetings (the first meetings first)."""
    w, p = where("meetings_v", f)
    return _df(
        f"""SELECT network, year(meeting_date) AS year,
                   string_agg(DISTINCT theme, ' · ' ORDER BY theme) AS themes, count(*) AS meetings
            FROM meetings_v WHERE {w} AND theme IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2""",
        p,
    )


# ---------------------------------------------------------------- data page


def known_networks() -> list[str]:
    """Every network named anywhere, for the data page's 'network for the whole sheet' choice."""
    return [
        r[0]
        for r in cursor()
        .execute(
            "SELECT network FROM networks UNION SELECT network FROM memberships UNION SELECT network FROM meetings "
            "ORDER BY 1"
        )
        .fetchall()
    ]


def known_regions() -> list[str]:
    """Every region named anywhere, for the data page's 'region for the whole sheet' choice."""
    return [
        r[0]
        for r in cursor()
        .execute(
            "SELECT region FROM networks WHERE region IS NOT NULL UNION SELECT region FROM eu_projects "
            "UNION SELECT region FROM pools WHERE region IS NOT NULL ORDER BY 1"
        )
        .fetchall()
    ]


# ---------------------------------------------------------------- downloads as data

# kind -> (its table, the internal view carrying the public view's columns and the key)
_EXPORTS: dict[str, tuple[str, str, str]] = {
    "participants": ("memberships", "participants_b", "participants_v"),
    "meetings": ("meetings", "meetings_b", "meetings_v"),
    "eu_projects": ("eu_projects", "eu_projects_b", "eu_projects_v"),
    "pools": ("pools", "pools_b", "pools_v"),
    "allocations": ("allocations", "allocations_b", "allocations_v"),
}


def export_rows(kind: str, f: Filters, only: dict[str, list[Any]] | None = None) -> pd.DataFrame:
    """The stored rows of a kind under the filters (and, if given, only those whose column values
    are listed in `only`), with every column of the table: what a download of the page holds."""
    from store.tables import TABLES

    if kind == "participants" and not names_visible():
        raise PermissionError("member lists with names are for leaders, staff and admins")
    table, view, public = _EXPORTS[kind]
    keys = TABLES[table].key
    w, p = where(public, f, "v")
    for col, values in (only or {}).items():
        w += f' AND v."{col}" IN (SELECT unnest(?))'
        p.append(list(values))
    match = " AND ".join(f't."{k}" IS NOT DISTINCT FROM v."{k}"' for k in keys)
    # Free-text notes hold names ("Fravær: ..."): a role without names never gets them.
    cols = "t.*" if names_visible() or "note" not in dict(TABLES[table].columns) else 't.* EXCLUDE ("note")'
    return _df(
        f"SELECT {cols} FROM {table} t WHERE EXISTS (SELECT 1 FROM {view} v WHERE {w} AND {match}) "
        "ORDER BY t.batch_id, t.src_row",
        p,
    )
