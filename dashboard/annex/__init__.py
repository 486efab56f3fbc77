"""The committee annex ("bilag"): the view the sidebar filters show, as a document for the papers.

One content, three files: a self-contained HTML report (plotly's JavaScript embedded, nothing
fetched), a PDF of the same (WeasyPrint lays out the page; kaleido draws the charts as SVG with
the Debian Chromium, as WeasyPrint runs no JavaScript) and an .xlsx with a sheet per table, all
rows. Texts go through the catalog (Danish, or English on request), numbers and dates through
dashboard.format, as on screen. The role is written on the annex and decides the names: a
viewer's annex holds none.

Every annex made is kept in the store (store/annexes.py); the next one for the same filters opens
with what the uploads since then added or changed, and how each headline figure moved.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import html
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

import store
from dashboard import charts, db, describe, export, glossary, queries
from dashboard import format as fmt
from dashboard.access import ROLE_LABELS, ROLES, may
from dashboard.annex import changes
from dashboard.i18n import t
from dashboard.queries import Filters
from store import annexes
from translations import N_

FORMATS = {
    "pdf": "application/pdf",
    "html": "text/html",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
TOP_ROWS = 12  # rows of a table in the document; the .xlsx has all
CHART_WIDTH = 680  # px: the text width of an A4 page at WeasyPrint's 96 dpi, a little over
SHEET_SOURCES = N_("Kilder")


# ---------------------------------------------------------------- the content


@dataclass
class Table:
    """A table of the annex: typed values (the .xlsx) and how each column is written in the text."""

    title: str
    frame: pd.DataFrame  # headers in the annex's language, values typed
    kinds: dict[str, str] = field(default_factory=dict)  # column -> date | moment | amount | number | year

    def shown(self, lang: str, top: int = TOP_ROWS) -> pd.DataFrame:
        """The first rows written as on screen."""
        out = self.frame.head(top).copy()
        for col in out.columns:
            kind = self.kinds.get(col, "text")
            out[col] = [_text(v, kind, lang) for v in out[col]]
        return out


def _text(v: object, kind: str, lang: str) -> str:
    if fmt.missing(v):
        return "" if kind == "blank" else fmt.unknown(lang)
    if kind == "date":
        return fmt.date_short(pd.Timestamp(v).date(), lang)
    if kind == "amount":
        return fmt.amount(v, lang)
    if kind == "number":
        return fmt.number(v, lang)
    if kind == "year":
        return str(int(v))
    if kind == "moment":  # an upload's time: '07.12.2026 01:37'
        when = pd.Timestamp(v)
        return f"{fmt.date_short(when.date(), lang)} {when:%H:%M}"
    return str(v)


@dataclass
class Chart:
    title: str
    fig: go.Figure
    words: str  # what it shows, in a sentence or two (dashboard.describe)


@dataclass
class Figure:
    """A headline figure: its words, its value as written and as a number."""

    key: str
    label: str
    text: str
    value: float | None
    kind: str  # number | amount
    note: str = ""


@dataclass
class Since:
    """What changed since the previous annex for the same filters."""

    made_at: dt.datetime
    rows: pd.DataFrame  # Område, Ændring, Hvad (in the annex's language)
    deltas: pd.DataFrame  # Nøgletal, Sidste bilag, Nu, Ændring: a row per headline figure, as written
    before: list[float | None] = field(default_factory=list)  # each figure in the last annex, a number


@dataclass
class Annex:
    filters: Filters
    role: str
    lang: str
    made_at: dt.datetime
    data_as_of: Any
    title: str
    filters_text: str
    head_text: str  # the running header: the region(s) and the date
    figures: list[Figure]
    charts: list[Chart]
    tables: list[Table]
    sources: Table
    since: Since | None
    last_batch: int

    @property
    def names(self) -> bool:
        return may("names", self.role)


@contextlib.contextmanager
def as_role(role: str) -> Iterator[None]:
    """Queries in the block select names only if the role may see them (the session's role does
    not decide: the annex may be made for a committee member's eyes by a leader, or by cron)."""
    before = getattr(db._reading, "names", None)
    db._reading.names = may("names", role)
    try:
        yield
    finally:
        db._reading.names = before


def filters_key(f: Filters) -> str:
    """The filters as a key: the same view, in any order of choosing, has the same key."""
    d = {k: sorted(v) if isinstance(v, tuple) else v for k, v in f.__dict__.items()}
    return json.dumps(d, sort_keys=True, ensure_ascii=False)


def _names(values: tuple[str, ...], lang: str) -> str:
    values = tuple(sorted(values))
    if len(values) == 1:
        return values[0]
    return ", ".join(values[:-1]) + t(" og ", lang) + values[-1]


def filters_in_words(f: Filters, lang: str = "da") -> str:
    """'Region Syddanmark, 2024-2028, alle programmer'."""
    parts = [_names(f.region, lang) if f.region else t("alle regioner", lang)]
    if f.network:
        parts.append(_names(f.network, lang))
    if f.year_from is not None and f.year_to is not None:
        parts.append(fmt.period(f.year_from, f.year_to, lang))
    elif f.year_from is not None:
        parts.append(t("fra {year}", lang).format(year=f.year_from))
    elif f.year_to is not None:
        parts.append(t("til {year}", lang).format(year=f.year_to))
    else:
        parts.append(t("alle år", lang))
    parts.append(_names(f.programme, lang) if f.programme else t("alle programmer", lang))
    if f.pool:
        parts.append(_names(f.pool, lang))
    if f.organisation:
        parts.append(_names(f.organisation, lang))
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def _figures(k: queries.Kpis, f: Filters, lang: str) -> list[Figure]:
    L = lang
    meetings = t("Møder {year}", L).format(year=k.last_year) if k.last_year else t("Møder", L)
    share = f" ({fmt.number(100 * k.granted / k.capacity, L)} %)" if k.granted and k.capacity else ""

    def note(view: str, *before: str) -> str:
        """The figure's note, and the chosen filters it does not follow (as the overview says)."""
        return " ".join(x for x in (*before, glossary.not_followed(queries.ignored_filters(view, f), L)) if x)

    return [
        Figure(
            "active_networks", glossary.word("active_networks", L), fmt.number(k.active_networks, L),
            k.active_networks, "number", note("meetings_v"),
        ),
        Figure(
            "participants", glossary.word("participants", L), fmt.number(k.participants, L), k.participants,
            "number", note("participants_v", t("Heraf eksterne: {n}.", L).format(n=fmt.number(k.external, L))),
        ),
        Figure(
            "organisations", glossary.word("organisations", L), fmt.number(k.organisations, L), k.organisations,
            "number", note("participants_v"),
        ),
        Figure(
            "meetings_last", meetings, fmt.number(k.meetings_last, L), k.meetings_last, "number",
            note("meetings_v", fmt.delta(k.meetings_last, k.meetings_before, L) or ""),
        ),
        Figure(
            "eu_region_share", glossary.word("region_share", L), fmt.amount(k.eu_region_share, L),
            _float(k.eu_region_share), "amount",
            note("eu_projects_v", f"{fmt.number(k.eu_projects, L)} " + t("projekter", L)),
        ),
        Figure(
            "granted", t("Puljemidler bevilget i alt", L), fmt.amount(k.granted or 0, L), _float(k.granted or 0),
            "amount",
            note(
                "allocations_v",
                t("heraf udbetalt", L) + f" {fmt.amount(k.paid or 0, L)} · " + t("af kapacitet", L)
                + f" {fmt.amount(k.capacity, L)}{share}",
            ),
        ),
    ]  # fmt: skip


def _float(x: Decimal | float | int | None) -> float | None:
    return None if fmt.missing(x) else float(x)  # type: ignore[arg-type]


def _title(fig: go.Figure) -> tuple[str, go.Figure]:
    """The chart's title as a heading of its own (as the pages show it); the figure keeps the rest."""
    title = html.unescape(fig.layout.title.text or "")  # the builder escaped data in it for plotly
    fig.update_layout(title_text=None, margin_t=8)
    return title, fig


def _charts(f: Filters, lang: str) -> list[Chart]:
    made: list[go.Figure] = []
    activity = queries.activity_per_month(f)
    if not activity.empty:
        made.append(charts.activity_timeline(activity, lang))
    by_org = queries.members_by_organisation(f)
    if not by_org.empty:
        made.append(charts.members_by_organisation(by_org, lang))
    per_year = queries.eu_share_per_year(f)
    if not per_year.empty:
        made.append(charts.eu_share_per_year(per_year, lang))
    years = queries.pool_years(f)
    if not years.empty:
        made.append(charts.pool_use(years, lang))
    out = []
    for fig in made:
        words = describe.describe(fig, lang, with_title=False)
        title, fig = _title(fig)
        out.append(Chart(title, fig, words))
    return out


def _tables(f: Filters, lang: str, names: bool) -> list[Table]:
    L = lang
    out = []
    m = queries.meetings(f, limit=None)
    if not m.empty:
        d, n, k, th = t("Dato", L), t("Netværk", L), t("Type", L), t("Tema", L)
        frame = pd.DataFrame(
            {d: list(m["meeting_date"]), n: list(m["network"]), k: [charts.label(x, L) for x in m["kind"]],
             th: list(m["theme"])}
        )  # fmt: skip
        out.append(Table(t("Seneste aktivitet", L), frame, {d: "date", k: "label"}))
    e = queries.eu_projects(f, limit=None)
    if not e.empty:
        p, pr, pe, s = t("Projekt", L), t("Program", L), t("Periode", L), glossary.word("region_share", L)
        frame = pd.DataFrame(
            {p: [a if isinstance(a, str) and a else ti for a, ti in zip(e["acronym"], e["title"], strict=True)],
             pr: list(e["programme"]), t("Region", L): list(e["region"]),
             pe: [fmt.period(a, b, L) for a, b in zip(e["start_year"], e["end_year"], strict=True)],
             s: [None if fmt.missing(v) else float(v) for v in e["region_share_dkk"]]}
        )  # fmt: skip
        out.append(Table(t("EU-projekter", L), frame, {s: "amount"}))
    a = queries.allocations(f, limit=None)
    if not a.empty:
        y, b = t("År", L), t("Beløb", L)
        frame = pd.DataFrame(
            {t("Pulje", L): list(a["pool"]), y: pd.array(a["year"], dtype="Int64"),
             t("Projekt", L): list(a["project"]), t("Modtager", L): list(a["recipient"]),
             b: [None if fmt.missing(v) else float(v) for v in a["amount_dkk"]],
             t("Status", L): [charts.label(x, L) for x in a["status"]]}
        )  # fmt: skip
        out.append(Table(t("Bevillinger", L), frame, {y: "year", b: "amount", t("Status", L): "label"}))
    o = queries.members_by_organisation(f)
    if not o.empty:
        i, x, total = t("Interne", L), t("Eksterne", L), t("I alt", L)
        frame = pd.DataFrame(
            {t("Organisation", L): list(o["organisation"]), i: list(o["internal"]), x: list(o["external"]),
             total: list(o["total"])}
        )  # fmt: skip
        out.append(
            Table(t("Medlemmer pr. organisation", L), frame, {i: "number", x: "number", total: "number"})
        )
    if names:  # the members by name: only for a role that may see them
        people = queries.people(f, limit=None)
        if not people.empty:
            frame = pd.DataFrame(
                {t("Navn", L): list(people["person"]), t("Titel", L): list(people["title"]),
                 t("Organisation", L): list(people["organisation_canonical"]), t("Netværk", L): list(people["network"])}
            )  # fmt: skip
            out.append(Table(t("Medlemmer", L), frame, {t("Titel", L): "blank"}))
    return out


STAFF = ROLE_LABELS["staff"]
SOURCE_VIEWS = ("participants_v", "meetings_v", "eu_projects_v", "pools_v", "allocations_v")


def _sources(f: Filters, lang: str) -> Table:
    frames = [queries.sources(v, f) for v in SOURCE_VIEWS]
    src = pd.concat([x for x in frames if not x.empty] or [frames[0]], ignore_index=True)
    src = src.drop_duplicates("Nr.").sort_values("Nr.")
    frame = pd.DataFrame(
        {t("Nr.", lang): pd.array(src["Nr."], dtype="Int64"), t("Fil", lang): list(src["Fil"]),
         t("Ark", lang): list(src["Ark"]), t("Rækker", lang): pd.array(src["Antal"], dtype="Int64"),
         t("Indlæst", lang): [None if fmt.missing(v) else pd.Timestamp(v).to_pydatetime() for v in src["Indlæst"]],
         t("Af", lang): [_uploader(v, lang) for v in src["Af"]]}
    )  # fmt: skip
    kinds = {t("Rækker", lang): "number", t("Nr.", lang): "year", t("Indlæst", lang): "moment"}
    return Table(t(SHEET_SOURCES, lang), frame, kinds)


def _uploader(v: object, lang: str) -> str:
    """A viewer reads the uploader's role instead of their name (queries.sources)."""
    return t(STAFF, lang) if v == "medarbejder" else ("" if fmt.missing(v) else str(v))


# What the change section calls each part, and how a row of it is described.
PART_TITLES = {
    "eu_projects": N_("EU-projekter"),
    "allocations": N_("Bevillinger"),
    "members": N_("Medlemmer"),
    "meetings": N_("Møder"),
}


def _describe_change(part: str, r: dict[str, Any], lang: str, names: bool) -> str:
    L = lang
    if part == "eu_projects":
        name = r["acronym"] or r["title"]
        return f"{name} ({r['programme'] or fmt.unknown(L)}, {r['region']}): {fmt.amount(r['region_share_dkk'], L)}"
    if part == "allocations":
        return (
            f"{r['pool']} {int(r['year'])}: {r['project']}, {r['recipient']}, "
            f"{fmt.amount(r['amount_dkk'], L)} ({charts.label(r['status'], L).lower()})"
        )
    if part == "members":
        who = r["person"] if names and not fmt.missing(r["person"]) else t("En deltager", L)
        org = "" if fmt.missing(r["organisation"]) else f" ({r['organisation']})"
        return f"{who}{org}, {r['network']}"
    day = fmt.date_short(pd.Timestamp(r["meeting_date"]).date(), L)
    theme = "" if fmt.missing(r["theme"]) else f": {r['theme']}"
    return f"{day}, {r['network']}, {charts.label(r['kind'], L)}{theme}"


def _since(f: Filters, prev: annexes.Kept, figures: list[Figure], lang: str, names: bool) -> Since:
    L = lang
    rows = []
    for part, frame in changes.since(f, prev.last_batch).items():
        for r in frame.to_dict("records"):
            rows.append(
                {
                    t("Område", L): t(PART_TITLES[part], L),
                    t("Ændring", L): t("Ny", L) if r["change"] == "added" else t("Ændret", L),
                    t("Hvad", L): _describe_change(part, r, L, names),
                }
            )
    deltas, befores = [], []
    for fig in figures:
        before = prev.figures.get(fig.key)
        befores.append(None if before is None else float(before))
        now = fig.value
        if before is None or now is None:
            change = ""
        else:
            d = now - float(before)
            word = fmt.amount(abs(d), L) if fig.kind == "amount" else fmt.number(abs(d), L)
            change = t("uændret", L) if d == 0 else ("+" if d > 0 else "−") + word
        was = (fmt.amount if fig.kind == "amount" else fmt.number)(before, L)
        deltas.append(
            {
                t("Nøgletal", L): fig.label,
                t("Sidste bilag", L): was,
                t("Nu", L): fig.text,
                t("Ændring", L): change,
            }
        )
    cols = [t("Område", L), t("Ændring", L), t("Hvad", L)]
    return Since(prev.made_at, pd.DataFrame(rows, columns=cols), pd.DataFrame(deltas), befores)


def collect(f: Filters, role: str = "leader", lang: str = "da", *, now: dt.datetime | None = None) -> Annex:
    """Everything the annex shows, read at one moment, with names only if the role may see them."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; the roles are {', '.join(ROLES)}")
    made_at = now or dt.datetime.now(db.DANISH_TIME)
    with as_role(role), contextlib.closing(store.cursor(db.get_connection())) as cur:
        last_batch = annexes.last_batch(cur)  # before the figures: a batch arriving meanwhile is told again
        day_starts = dt.datetime.combine(
            made_at.astimezone(db.DANISH_TIME).date(), dt.time.min, db.DANISH_TIME
        )
        prev = annexes.previous(cur, filters_key(f), last_batch, day_starts)
        names = may("names", role)
        k = queries.kpis(f, made_at.astimezone(db.DANISH_TIME).date().isoformat())
        figures = _figures(k, f, lang)
        text = filters_in_words(f, lang)
        region = _names(f.region, lang) if f.region else t("Alle regioner", lang)
        return Annex(
            filters=f, role=role, lang=lang, made_at=made_at, data_as_of=queries.data_as_of(),
            title=t("Bilag: Netværk og finansiering", lang), filters_text=text,
            head_text=f"{region} · {fmt.date_long(made_at, lang)}", figures=figures,
            charts=_charts(f, lang), tables=_tables(f, lang, names), sources=_sources(f, lang),
            since=_since(f, prev, figures, lang, names) if prev else None, last_batch=last_batch,
        )  # fmt: skip


# ---------------------------------------------------------------- HTML and PDF


def _e(v: object) -> str:
    return html.escape("" if v is None else str(v))


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_counter(lang: str) -> str:
    """'Side X af Y' as CSS content: the translated words around the two counters."""
    words = t("Side {page} af {pages}", lang)
    before, rest = words.split("{page}", 1)
    middle, after = rest.split("{pages}", 1)
    parts = [_css_string(before), "counter(page)", _css_string(middle), "counter(pages)"]
    return " ".join(parts + ([_css_string(after)] if after else []))


CSS = """
@page { size: A4; margin: 20mm 15mm 18mm 15mm;
  @top-left { content: element(head); }
  @bottom-center { content: %(counter)s; font: 8pt 'DejaVu Sans', sans-serif; color: #555; } }
html { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 9.5pt; color: #1f1f1f; }
body { max-width: 190mm; margin: 0 auto; }
.head { position: running(head); font-size: 8pt; color: #555; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1px solid #ccc; padding-bottom: 1mm;
  break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p.meta { margin: 0.5mm 0; color: #333; }
.kpis { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3mm; }
.kpi { border: 1px solid #ccc; border-radius: 2mm; padding: 2mm 3mm; break-inside: avoid; }
.kpi .label { font-size: 8.5pt; color: #444; }
.kpi .value { font-size: 14pt; font-weight: bold; margin: 0.5mm 0; }
.kpi .note { font-size: 7.5pt; color: #555; }
figure, .table { break-inside: avoid; margin: 0 0 4mm; }
figure img, figure .plot { width: 100%%; }
figcaption, p.note { font-size: 8pt; color: #555; margin-top: 1mm; }
table { width: 100%%; border-collapse: collapse; table-layout: auto; font-size: 8pt; }
th, td { text-align: left; vertical-align: top; padding: 1mm 1.5mm; border-bottom: 1px solid #e3e3e3;
  overflow-wrap: anywhere; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.keep { white-space: nowrap; }
"""


def _table_html(tb: Table, lang: str, top: int = TOP_ROWS) -> str:
    shown = tb.shown(lang, top)
    num = {c for c, k in tb.kinds.items() if k in ("amount", "number")}
    # Dates, years and one-word labels never break inside (a year over two lines reads as two numbers).
    keep = {c for c, k in tb.kinds.items() if k in ("date", "year", "label")}
    cls = {c: " class=num" if c in num else (" class=keep" if c in keep else "") for c in shown.columns}
    head = "".join(f"<th{cls[c]}>{_e(c)}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td{cls[c]}>{_e(v)}</td>" for c, v in zip(shown.columns, r, strict=True)) + "</tr>"
        for r in shown.itertuples(index=False)
    )
    note = ""
    if len(tb.frame) > top:
        note = '<p class="note">' + _e(
            t("Viser de første {shown} af {n} rækker; regnearket (.xlsx) har dem alle.", lang).format(
                shown=top, n=fmt.number(len(tb.frame), lang)
            )
        ) + "</p>"  # fmt: skip
    title = f"<h3>{_e(tb.title)}</h3>" if tb.title else ""
    return f'<div class="table">{title}<table><tr>{head}</tr>{body}</table>{note}</div>'


def _since_html(s: Since, lang: str) -> str:
    heading = t("Siden sidste bilag ({day})", lang).format(day=fmt.date_long(s.made_at, lang))
    out = [f"<h2>{_e(heading)}</h2>"]
    if s.rows.empty:
        out.append("<p>" + _e(t("Ingen nye eller ændrede rækker under disse filtre.", lang)) + "</p>")
    else:
        out.append(_table_html(Table(t("Nyt og ændret", lang), s.rows), lang, top=40))
    out.append(_table_html(Table(t("Nøgletallene", lang), s.deltas), lang, top=len(s.deltas)))
    return "".join(out)


def _svg(fig: go.Figure) -> bytes:
    height = int(fig.layout.height or 380)
    with _kaleido_lock:
        _start_kaleido()
        return kaleido_calc(fig, {"format": "svg", "width": CHART_WIDTH, "height": height})


_kaleido_lock = threading.Lock()
_kaleido_started = [False]


def _start_kaleido() -> None:
    """One browser for the process, opened on the first chart (~4 s), then ~0.2 s a chart; MathJax
    off, so it fetches nothing."""
    if not _kaleido_started[0]:
        import atexit

        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _kaleido_started[0] = True


def kaleido_calc(fig: go.Figure, opts: dict[str, Any]) -> bytes:
    import kaleido

    out = kaleido.calc_fig_sync(fig, opts=opts)
    return out if isinstance(out, bytes) else str(out).encode()


def to_html(a: Annex, *, for_print: bool = False) -> str:
    """The annex as one HTML document: interactive charts with plotly's JavaScript embedded, or
    (for_print, for WeasyPrint) the charts as SVG pictures."""
    L = a.lang
    parts = [
        f'<!doctype html><html lang="{_e(L)}"><head><meta charset="utf-8"><title>{_e(a.title)}</title>',
        f"<style>{CSS % {'counter': _page_counter(L)}}</style></head><body>",
        f'<div class="head">{_e(a.head_text)}</div>',
        f"<h1>{_e(a.title)}</h1>",
        f'<p class="meta">{_e(a.filters_text)}</p>',
        '<p class="meta">'
        + _e(
            t("Udarbejdet {day} · Data pr. {asof}", L).format(
                day=fmt.date_long(a.made_at, L), asof=fmt.date_long(a.data_as_of, L)
            )
        )
        + "</p>",
        '<p class="meta">'
        + _e(t("Udarbejdet til rollen: {role}", L).format(role=t(ROLE_LABELS[a.role], L)))
        + ("" if a.names else " · " + _e(t("uden personnavne", L)))
        + "</p>",
    ]
    if a.since:
        parts.append(_since_html(a.since, L))
    parts.append("<h2>" + _e(t("Nøgletal", L)) + "</h2><div class='kpis'>")
    for fig in a.figures:
        parts.append(
            f'<div class="kpi"><div class="label">{_e(fig.label)}</div><div class="value">{_e(fig.text)}</div>'
            f'<div class="note">{_e(fig.note)}</div></div>'
        )
    parts.append("</div>")
    if a.charts:
        parts.append("<h2>" + _e(t("Grafer", L)) + "</h2>")
    first = True
    for c in a.charts:
        if for_print:
            src = "data:image/svg+xml;base64," + base64.b64encode(_svg(c.fig)).decode()
            drawn = f'<img src="{src}" alt="{_e(c.words)}">'
        else:
            drawn = c.fig.to_html(
                full_html=False, include_plotlyjs=first, config={"displaylogo": False, "responsive": True}
            )
            first = False
        parts.append(f"<figure><h3>{_e(c.title)}</h3>{drawn}<figcaption>{_e(c.words)}</figcaption></figure>")
    if a.tables:
        parts.append("<h2>" + _e(t("Tabeller", L)) + "</h2>")
        parts.extend(_table_html(tb, L) for tb in a.tables)
    parts.append("<h2>" + _e(t(SHEET_SOURCES, L)) + "</h2>")
    parts.append("<p>" + _e(t("Indlæsningerne, som tallene bygger på.", L)) + "</p>")
    parts.append(_table_html(Table("", a.sources.frame, a.sources.kinds), L, top=60))
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(a: Annex) -> bytes:
    """The annex laid out on A4 pages by WeasyPrint (charts as SVG: WeasyPrint runs no JavaScript)."""
    from weasyprint import HTML

    return HTML(string=to_html(a, for_print=True)).write_pdf()


def to_xlsx(a: Annex) -> bytes:
    """The annex's tables, a sheet each and every row, numbers and dates typed."""
    L = a.lang
    sheets = {
        t("Nøgletal", L): pd.DataFrame(
            {
                t("Nøgletal", L): [x.label for x in a.figures],
                t("Værdi", L): [x.value for x in a.figures],
                t("Note", L): [x.note for x in a.figures],
            }
        )  # fmt: skip
    }
    if a.since:
        sheets[t("Siden sidste bilag", L)] = _since_sheet(a.since, a.figures, L)
    for tb in a.tables:
        sheets[tb.title] = tb.frame
    sheets[a.sources.title] = a.sources.frame
    return export.to_xlsx_sheets(sheets)


def _since_sheet(s: Since, figures: list[Figure], lang: str) -> pd.DataFrame:
    """The change section as one sheet: the rows added or changed, then each headline figure with
    its value in the last annex, now and the change, as numbers."""
    L = lang
    area, change, what = t("Område", L), t("Ændring", L), t("Hvad", L)
    was, now, diff = t("Sidste bilag", L), t("Nu", L), t("Forskel", L)
    rows = [
        {area: r[area], change: r[change], what: r[what], was: None, now: None, diff: None}
        for r in s.rows.to_dict("records")
    ]
    for fig, before, written in zip(figures, s.before, s.deltas[change], strict=True):
        d = None if before is None or fig.value is None else fig.value - before
        rows.append(
            {area: t("Nøgletal", L), change: written, what: fig.label, was: before, now: fig.value, diff: d}
        )
    return pd.DataFrame(rows, columns=[area, change, what, was, now, diff])


RENDER: dict[str, Callable[[Annex], bytes]] = {
    "pdf": to_pdf,
    "html": lambda a: to_html(a).encode("utf-8"),
    "xlsx": to_xlsx,
}


def file_name(a: Annex, kind: str) -> str:
    return t("bilag", a.lang) + f"-{a.made_at:%Y-%m-%d}.{kind}"


def make(
    f: Filters,
    kind: str,
    role: str = "leader",
    lang: str = "da",
    *,
    made_by: str | None = None,
    keep: bool = True,
    page: str = "overblik",
) -> tuple[bytes, Annex]:
    """Build the annex as a file of `kind` (pdf, html, xlsx) and, with keep, record it in the store."""
    if kind not in RENDER:
        raise ValueError(f"unknown annex format {kind!r}; the formats are {', '.join(RENDER)}")
    a = collect(f, role, lang)
    data = RENDER[kind](a)
    if keep:
        from store import audit
        from store.maintain import pin

        with contextlib.closing(store.cursor(db.get_connection())) as cur:
            annexes.keep(
                cur, made_by=made_by, role=role, lang=lang, filters_key=filters_key(f),
                filters_text=a.filters_text, last_batch=a.last_batch,
                figures={x.key: x.value for x in a.figures}, file_name=file_name(a, kind), content=data,
            )  # fmt: skip
            audit.record(
                cur, user=made_by or "ukendt", role=role, action="annex", page=page,
                detail=f"{file_name(a, kind)}: {a.filters_text}",
            )  # fmt: skip
            pin(cur, a.made_at, "annex")  # maintenance keeps the state the annex showed readable
    return data, a
