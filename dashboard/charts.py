"""Charts: pure functions DataFrame -> plotly Figure, no Streamlit calls, so they are unit tested.

Colour-blind-safe Okabe-Ito palette; titles and axes in Danish with units; hover texts are
pre-formatted the Danish way (plotly's own number format would print 7.6M); unknown amounts are
written as "ikke oplyst", never drawn as 0.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
from collections.abc import Callable
from typing import Any

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.glossary import TERMS
from translations import N_
from translations import gettext as _

OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
GREY = "#767676"  # 4.5:1 on white
INK = "#1f1f1f"  # text on a light bar (white text is for dark bars only)
REGION_SHARE = TERMS["region_share"][0]  # the glossary's one word for the region's EU share
# Series never differ by colour alone (WCAG 1.4.1): bars also by fill pattern, points by symbol,
# lines by dash, each in the order of the palette.
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "star", "cross", "x", "triangle-down"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid", "dash"]

# Stored codes and the Danish word shown for each (English through the catalog).
LABELS: dict[str, str] = {
    "network_meeting": N_("Netværksmøde"), "webinar": N_("Webinar"), "workshop": N_("Workshop"),
    "conference": N_("Konference"), "committee_meeting": N_("Udvalgsmøde"), "physical": N_("Fysisk"),
    "online": N_("Online"), "hybrid": N_("Hybrid"), "applied": N_("Søgt"), "granted": N_("Bevilget"),
    "rejected": N_("Afslået"), "paid": N_("Udbetalt"), "one_off": N_("Engangsbeløb"), "yearly": N_("Årlig"),
    "staircase": N_("Trappemodel"), "hospital": N_("Hospital"),
    "regional_administration": N_("Regional administration"), "university": N_("Universitet"),
    "company": N_("Virksomhed"), "public_agency": N_("Offentlig myndighed"), "other": N_("Andet"),
    "unknown": N_("Ikke oplyst"),
}  # fmt: skip


def label(code: object, lang: str = "da") -> str:
    """The Danish (or English) word for a stored code."""
    if code is None or (isinstance(code, float) and code != code):
        return fmt.unknown(lang)
    word = LABELS.get(str(code))
    return _(word, lang) if word else str(code)


def _escapes_user_text(builder: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """Every chart builder takes its frames through here: each text cell is HTML-escaped before a
    figure is built, so a name like '<a href=...>' or '<b>' is shown as written in ticks, legends,
    hover texts and annotations, never rendered (plotly reads a subset of HTML in all of them).
    What is clicked comes back escaped: widgets.chart unescapes it."""

    @functools.wraps(builder)
    def wrapper(*args: Any, **kwargs: Any) -> go.Figure:
        args = tuple(_escaped(a) for a in args)
        kwargs = {k: _escaped(v) for k, v in kwargs.items()}
        return builder(*args, **kwargs)

    wrapper.escapes_user_text = True  # type: ignore[attr-defined]
    return wrapper


def _escaped(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        out = value.copy()
        for col in out.columns:
            if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
                out[col] = [html.escape(v, quote=False) if isinstance(v, str) else v for v in out[col]]
        return out
    if isinstance(value, str):
        return value  # the builder's own title or label, not data
    return value


def _layout(
    fig: go.Figure, title: str, x: str | None = None, y: str | None = None, height: int = 380
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        template="plotly_white",
        colorway=OKABE_ITO,
        height=height,
        margin={"l": 10, "r": 10, "t": 56, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hoverlabel={"font_size": 13},
        separators=",.",
        font={"family": "DejaVu Sans, Arial, sans-serif", "color": "#1f1f1f"},
    )
    if x is not None:
        fig.update_xaxes(title_text=x, automargin=True)
    if y is not None:
        fig.update_yaxes(title_text=y, automargin=True)
    return fig


def _count_axis(fig: go.Figure, axis: str, top: float | None) -> None:
    """A count axis in whole numbers: never a tick at 0,2 meetings."""
    update: dict[str, Any] = {"tickformat": "d", "rangemode": "tozero"}
    if top is not None and not pd.isna(top) and top <= 10:
        update["dtick"] = 1
    (fig.update_xaxes if axis == "x" else fig.update_yaxes)(**update)


def _month_axis(fig: go.Figure, dates: Any, lang: str) -> None:
    """A date axis in the page's language ('okt. 2025', not 'Oct'), ticked on whole months (or
    quarters, or years, as the span asks); a span of a month or two still reads as months."""
    ds = sorted({pd.Timestamp(d).date() for d in dates if not fmt.missing(d)})
    if not ds:
        return
    first, last = ds[0].replace(day=1), ds[-1].replace(day=1)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks, d = [], first
    while d <= last:
        ticks.append(d)
        m = d.month - 1 + step
        d = dt.date(d.year + m // 12, m % 12 + 1, 1)
    text = [str(x.year) if step == 12 else fmt.month(x, lang) for x in ticks]
    pad = dt.timedelta(days=20)
    fig.update_xaxes(tickvals=ticks, ticktext=text, range=[first - pad, last + dt.timedelta(days=31) + pad])


def _top_note(n: int, top: int, lang: str, which: str = N_("største")) -> str:
    """' (de 25 største af 30)': a chart showing only part of what there is says so in its title."""
    if n <= top:
        return ""
    return _(" (de {top} {which} af {n})", lang).format(top=top, which=_(which, lang), n=n)


def _mio(series: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) / 1e6 for v in series]


# ---------------------------------------------------------------- overview and activity


@_escapes_user_text
def activity_timeline(df: pd.DataFrame, lang: str = "da") -> go.Figure:
    """Meetings and events per month, stacked by kind."""
    fig = go.Figure()
    for i, (kind, g) in enumerate(df.groupby("kind", sort=True)):
        fig.add_bar(
            x=g["month"],
            y=g["meetings"],
            name=label(kind, lang),
            marker_color=OKABE_ITO[i % len(OKABE_ITO)],
            marker_pattern_shape=PATTERNS[i % len(PATTERNS)],
            hovertemplate="%{x|%m.%Y}: %{y} " + _("arrangementer", lang) + "<extra>%{fullData.name}</extra>",
        )
    fig.update_layout(barmode="stack", bargap=0.15)
    _month_axis(fig, df["month"], lang)
    _count_axis(fig, "y", df.groupby("month")["meetings"].sum().max() if len(df) else None)
    return _layout(fig, _("Møder og arrangementer pr. måned", lang),
                   _("Måned", lang), _("Antal", lang), height=300)  # fmt: skip


@_escapes_user_text
def meetings_timeline(df: pd.DataFrame, lang: str = "da", top: int = 20) -> go.Figure:
    """A row per network, a marker per meeting: colour by format, symbol by kind; with many
    networks, the most active ones."""
    n_networks = df["network"].nunique()
    if n_networks > top:
        df = df[df["network"].isin(df["network"].value_counts().index[:top])]
    symbols = {"network_meeting": "circle", "webinar": "diamond", "workshop": "square", "conference": "star",
               "committee_meeting": "triangle-up"}  # fmt: skip
    fig = go.Figure()
    colors = {"physical": OKABE_ITO[0], "online": OKABE_ITO[1], "hybrid": OKABE_ITO[2], None: GREY}
    # The format shows in the marker's fill as well as its colour: filled, open, or open with a dot.
    FILLS = {"physical": "", "online": "-open", "hybrid": "-open-dot", "unknown": "-dot"}  # noqa: N806
    for (form, kind), g in df.groupby([df["format"].fillna("unknown"), "kind"], sort=True):
        hover = [
            f"<b>{n}</b><br>{fmt.date_long(d, lang)}<br>{label(k, lang)} · {label(fo, lang)}<br>{'' if fmt.missing(th) else th}"
            for n, d, k, fo, th in zip(
                g["network"], g["meeting_date"], g["kind"], g["format"], g["theme"], strict=True
            )
        ]
        fig.add_scatter(
            x=g["meeting_date"],
            y=g["network"],
            mode="markers",
            name=f"{label(kind, lang)} ({label(None if form == 'unknown' else form, lang).lower()})",
            marker={"symbol": symbols.get(kind, "circle") + FILLS.get(form, ""), "size": 12,
                    "color": colors.get(None if form == "unknown" else form), "line": {"width": 1.5}},
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            customdata=g["network"],
        )  # fmt: skip
    n = df["network"].nunique()
    _month_axis(fig, df["meeting_date"], lang)
    if len(df):
        per = (
            df.groupby("network")["meeting_date"]
            .agg(["count", "min", "max"])
            .sort_values("count", ascending=False)
        )
        fig.update_layout(
            meta={
                "alt": _("{n} møder i {k} netværk fra {first} til {last}; flest: {top}, {m} møder", lang).format(
                    n=fmt.number(len(df), lang), k=fmt.number(n, lang), first=fmt.date_long(df["meeting_date"].min(), lang),
                    last=fmt.date_long(df["meeting_date"].max(), lang), top=html.unescape(str(per.index[0])),
                    m=fmt.number(int(per.iloc[0]["count"]), lang),
                ),
                "rows": [
                    {_("Netværk", lang): html.unescape(str(net)), _("Møder", lang): int(r["count"]),
                     _("Første", lang): fmt.date_short(r["min"], lang), _("Seneste", lang): fmt.date_short(r["max"], lang)}
                    for net, r in per.iterrows()
                ],
            }
        )  # fmt: skip
    note = _top_note(n_networks, top, lang, N_("mest aktive"))
    return _layout(fig, _("Møder pr. netværk over tid", lang) + note,
                   _("Dato", lang), None, height=max(260, 90 + 48 * n))  # fmt: skip


@_escapes_user_text
def cadence(df: pd.DataFrame, lang: str = "da", top: int = 25) -> go.Figure:
    """Days since each network's last meeting against its target interval; overdue bars in orange.
    With many networks, the longest since their last meeting."""
    d = df.sort_values("days_since").tail(top)
    target = d["target_months"].astype(float) * 30.4
    overdue = (d["days_since"] > target) & d["ended"].isna()
    fig = go.Figure()
    for late, colour, pattern, name in (
        (False, OKABE_ITO[0], PATTERNS[0], _("Inden for målet", lang)),
        (True, OKABE_ITO[1], PATTERNS[1], _("Forsinket", lang)),
    ):
        part = d[overdue == late]
        fig.add_bar(
            y=part["network"],
            x=part["days_since"],
            orientation="h",
            marker_color=colour,
            marker_pattern_shape=pattern,
            customdata=part["network"],
            hovertemplate="%{y}: %{x} " + _("dage siden sidste møde", lang) + "<extra></extra>",
            name=name,
        )
    fig.add_scatter(
        y=d["network"],
        x=target,
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 22, "color": "#000000", "line": {"width": 3}},
        name=_("Mål for interval", lang),
        hovertemplate=_("Mål: hver %{x:.0f}. dag", lang) + "<extra></extra>",
    )
    if "median_gap_days" in d:  # how often the network has met, beside how often it should
        fig.add_scatter(
            y=d["network"],
            x=d["median_gap_days"],
            mode="markers",
            marker={"symbol": "diamond-open", "size": 11, "color": "#000000", "line": {"width": 2}},
            name=_("Medianinterval mellem møder", lang),
            hovertemplate=_("Mødes i median hver %{x:.0f}. dag", lang) + "<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(d["network"]))
    fig.update_layout(barmode="overlay", meta={"series": [0, 1]})  # in words: the days, not the target
    note = _top_note(len(df), top, lang, N_("med længst siden"))
    return _layout(fig, _("Mødekadence: dage siden sidste møde", lang) + note,
                   _("Dage", lang), None, height=max(240, 90 + 44 * len(d)))  # fmt: skip


@_escapes_user_text
def counts(df: pd.DataFrame, column: str, title: str, lang: str = "da", value: str = "n") -> go.Figure:
    """A simple bar chart of counts per code (formats, kinds, sectors), codes shown in words."""
    d = df.sort_values(value, ascending=True)
    fig = go.Figure(
        go.Bar(
            y=[label(c, lang) for c in d[column]],
            x=d[value],
            orientation="h",
            marker_color=OKABE_ITO[0],
            customdata=d[column],
            text=[fmt.number(v, lang) for v in d[value]],
            textposition="auto",
            hovertemplate="%{y}: %{x}<extra></extra>",
        )
    )
    _count_axis(fig, "x", d[value].max() if len(d) else None)
    return _layout(fig, title, _("Antal", lang), None, height=max(220, 80 + 36 * len(d)))


@_escapes_user_text
def attendance(df: pd.DataFrame, lang: str = "da") -> go.Figure:
    """Attendees per meeting where known."""
    d = df.dropna(subset=["attendees"]).sort_values("meeting_date")
    # One bar per meeting: two meetings on the same day (in two networks) each keep their own bar.
    days = [fmt.date_short(x, lang) for x in d["meeting_date"]]
    seen: dict[str, int] = {}
    x = []
    for day in days:
        seen[day] = seen.get(day, 0) + 1
        x.append(day if seen[day] == 1 else f"{day} ({seen[day]})")
    fig = go.Figure(
        go.Bar(
            x=x,
            y=d["attendees"],
            marker_color=OKABE_ITO[2],
            customdata=d["network"],
            hovertemplate="%{customdata}<br>%{x}: %{y} " + _("deltagere", lang) + "<extra></extra>",
        )
    )
    _count_axis(fig, "y", d["attendees"].max() if len(d) else None)
    return _layout(fig, _("Fremmøde pr. møde (hvor det kendes)", lang),
                   _("Møde", lang), _("Deltagere", lang), height=320)  # fmt: skip


# ---------------------------------------------------------------- people


@_escapes_user_text
def members_by_organisation(df: pd.DataFrame, lang: str = "da", top: int = 15) -> go.Figure:
    """Members per organisation, internal and external stacked; the largest first."""
    d = df.head(top).iloc[::-1]
    fig = go.Figure()
    for i, (col, name, color) in enumerate((("internal", _("Interne", lang), OKABE_ITO[0]),
                                            ("external", _("Eksterne", lang), OKABE_ITO[1]))):  # fmt: skip
        fig.add_bar(
            y=[fmt.unknown(lang) if fmt.missing(o) else o for o in d["organisation"]], x=d[col], name=name,
            orientation="h", marker_color=color, marker_pattern_shape=PATTERNS[i], customdata=d["organisation"],
            hovertemplate="%{y}: %{x} " + name.lower() + "<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    title = _("Medlemmer pr. organisation", lang)
    if len(df) > top:
        title += _(" (de {top} største)", lang).format(top=top)
    _count_axis(fig, "x", (d["internal"] + d["external"]).max() if len(d) else None)
    return _layout(fig, title, _("Medlemmer", lang), None, height=max(260, 90 + 28 * len(d)))


@_escapes_user_text
def network_graph(
    edges: pd.DataFrame,
    lang: str = "da",
    max_people: int = 500,
    max_networks: int = 20,
    max_organisations: int = 200,
    projects: pd.DataFrame | None = None,
    max_projects: int = 30,
) -> go.Figure:
    """People, organisations and networks as a graph; beyond max_people, people fold into organisations.
    projects (project, organisation): the projects the organisations take part in, as nodes of their
    own (the max_projects with most organisations in the graph)."""
    summary = _graph_summary(edges, lang)
    g = nx.Graph()
    fold = edges["person"].nunique() > max_people
    capped = False
    if fold:  # one edge per organisation and network, however many people connect them
        members = edges.groupby(["organisation", "network"], dropna=False).size().rename("n").reset_index()
        # Readable means a few hundred nodes: the networks and organisations with most members.
        top_nets = members.groupby("network")["n"].sum().nlargest(max_networks).index
        members = members[members["network"].isin(top_nets)]
        top_orgs = members.groupby("organisation", dropna=False)["n"].sum().nlargest(max_organisations).index
        capped = len(top_nets) < edges["network"].nunique() or members["organisation"].nunique() > len(
            top_orgs
        )
        members = members[members["organisation"].isin(top_orgs)]
        edges = members.assign(person=None)[["person", "organisation", "network"]]
    for person, org, net in edges.itertuples(index=False):
        org_node, net_node = ("org", fmt.unknown(lang) if fmt.missing(org) else org), ("net", net)
        if fold:
            g.add_edge(org_node, net_node)
        else:
            g.add_edge(("person", person), org_node)
            g.add_edge(org_node, net_node)
    if projects is not None and not projects.empty:
        present = {n[1] for n in g.nodes if n[0] == "org"}
        links = projects[projects["organisation"].isin(present)]
        top = (
            links.groupby("project")["organisation"]
            .nunique()
            .sort_values(ascending=False)
            .index[:max_projects]
        )
        for project, org in links[links["project"].isin(top)][["project", "organisation"]].itertuples(
            index=False
        ):
            g.add_edge(("project", project), ("org", org))
        summary["alt"] += "; " + _("{n} projekter", lang).format(n=fmt.number(len(top), lang))
    # Networks sit fixed on a circle so that their labels never collide; the rest settles around them.
    nets = sorted(n for n in g.nodes if n[0] == "net")
    ring = {
        n: (math.cos(2 * math.pi * i / len(nets)), math.sin(2 * math.pi * i / len(nets)))
        for i, n in enumerate(nets)
    }
    k = 1.2 / max(1, len(g) ** 0.5)
    steps = 50 if len(g) <= 500 else 20  # a region-wide graph settles enough in fewer steps
    if len(nets) > 1:
        pos = nx.spring_layout(g, pos=ring, fixed=nets, seed=7, k=k, iterations=steps)
    else:
        pos = nx.spring_layout(g, seed=7, k=k, iterations=steps) if len(g) else {}
    fig = go.Figure()
    ex, ey = [], []
    for a, b in g.edges():
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    fig.add_scatter(
        x=ex, y=ey, mode="lines", line={"width": 0.6, "color": "#b0b0b0"}, hoverinfo="skip", showlegend=False
    )
    styles = {
        "net": (_("Netværk", lang), OKABE_ITO[1], 22, "diamond"),
        "org": (_("Organisation", lang), OKABE_ITO[0], 13, "circle"),
        "person": (_("Person", lang), OKABE_ITO[2], 8, "triangle-up"),
        "project": (_("Projekt", lang), OKABE_ITO[3], 12, "square"),
    }
    for kind, (name, color, size, symbol) in styles.items():
        nodes = [n for n in g.nodes if n[0] == kind]
        if not nodes:
            continue
        fig.add_scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers",
            text=[n[1] for n in nodes],
            marker={"size": [size + (2 * g.degree(n) ** 0.5 if kind == "org" else 0) for n in nodes], "color": color,
                    "symbol": symbol, "line": {"width": 1, "color": "white"}},
            name=name,
            hovertemplate="%{text}<extra>" + name + "</extra>",
        )  # fmt: skip
    # Labels on a white ground, above the upper networks and below the lower ones; with many
    # networks only the 12 with most connections are labelled (the rest say who they are on hover).
    labelled = sorted(nets, key=lambda n: -g.degree(n))[:12]
    fig.update_layout(
        annotations=[
            {"x": pos[n][0], "y": pos[n][1], "text": f"<b>{n[1]}</b>", "showarrow": False,
             "yshift": 20 if pos[n][1] >= 0 else -20, "bgcolor": "rgba(255,255,255,0.9)", "font": {"size": 13}}
            for n in labelled
        ]
    )  # fmt: skip
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    title = (
        _("Hvem hænger sammen: personer, organisationer, netværk og projekter", lang)
        if any(n[0] == "project" for n in g.nodes)
        else _("Hvem hænger sammen: personer, organisationer og netværk", lang)
    )
    if fold:
        title = _("Organisationer og netværk (personer samlet i deres organisation)", lang)
        if capped:
            title += _(
                " · de {networks} største netværk og {organisations} største organisationer", lang
            ).format(networks=max_networks, organisations=max_organisations)
    fig.update_layout(meta=summary)
    return _layout(fig, title, height=560)


def _graph_summary(edges: pd.DataFrame, lang: str) -> dict[str, Any]:
    """The graph in words and rows: per network its members and organisations."""
    per_net = (
        edges.groupby("network")
        .agg(members=("person", "nunique"), organisations=("organisation", "nunique"))
        .sort_values("members", ascending=False)
    )
    if per_net.empty:
        return {"alt": _("Ingen forbindelser at vise.", lang), "rows": []}
    top = per_net.index[0]
    alt = _("{nets} netværk, {orgs} organisationer og {people} personer; flest medlemmer: {top}, {n}", lang).format(
        nets=fmt.number(len(per_net), lang), orgs=fmt.number(edges["organisation"].nunique(), lang),
        people=fmt.number(edges["person"].nunique(), lang), top=html.unescape(str(top)),
        n=fmt.number(int(per_net.iloc[0]["members"]), lang),
    )  # fmt: skip
    rows = [
        {_("Netværk", lang): html.unescape(str(net)), _("Medlemmer", lang): int(r["members"]),
         _("Organisationer", lang): int(r["organisations"])}
        for net, r in per_net.iterrows()
    ]  # fmt: skip
    return {"alt": alt, "rows": rows}


# ---------------------------------------------------------------- EU projects


TOP_PROJECTS = 25  # per-project charts show the largest; the table below lists every project


def _largest(df: pd.DataFrame, top: int) -> pd.DataFrame:
    return df.sort_values("region_share_dkk", ascending=False, na_position="last").head(top)


@_escapes_user_text
def eu_budget_vs_share(df: pd.DataFrame, lang: str = "da", top: int = TOP_PROJECTS) -> go.Figure:
    """Per project: total budget against the region's share, in mio. kr. on a linear axis (lengths
    compare as the amounts do: 1,65 mio. is a sliver of 41 mio., never a third); each bar's amount
    written beside it, unknown totals as 'ikke oplyst', the axis long enough for the largest label."""
    d = _largest(df, top)
    d = d.assign(name=d["acronym"].fillna(d["title"])).sort_values("region_share_dkk", na_position="first")
    unknown = fmt.unknown(lang)
    share = _(REGION_SHARE, lang)
    fig = go.Figure()
    fig.add_bar(
        y=d["name"], x=_mio(d["total_budget_dkk"]), orientation="h", name=_("Samlet budget", lang),
        marker_color=OKABE_ITO[5], customdata=d["name"],
        text=[unknown if pd.isna(v) else fmt.amount(v, lang) for v in d["total_budget_dkk"]],
        textposition="outside", cliponaxis=False, textfont={"color": INK},
        hovertemplate="%{y}: " + _("samlet budget", lang) + " %{text}<extra></extra>",
    )  # fmt: skip
    fig.add_bar(
        y=d["name"], x=_mio(d["region_share_dkk"]), orientation="h", name=share,
        marker_color=OKABE_ITO[0], marker_pattern_shape=PATTERNS[1], customdata=d["name"],
        text=[unknown if pd.isna(v) else fmt.amount(v, lang) for v in d["region_share_dkk"]],
        textposition="outside", cliponaxis=False, textfont={"color": INK},
        hovertemplate="%{y}: " + share[:1].lower() + share[1:] + " %{text}<extra></extra>",
    )  # fmt: skip
    fig.update_layout(barmode="group", meta={"series": [1]})  # in words: the region's share
    values = [v for v in _mio(d["total_budget_dkk"]) + _mio(d["region_share_dkk"]) if v is not None]
    top_value = max(values, default=0.0) or 1.0
    # Room right of the longest bar for its label ('828 mio. kr.' is ~12 characters): a third more.
    fig.update_xaxes(type="linear", range=[0, top_value * 1.35], rangemode="tozero")
    return _layout(fig, _("Samlet budget og regionens EU-andel pr. projekt", lang)
                   + _top_note(len(df), top, lang),
                   _("mio. kr.", lang), None, height=max(300, 100 + 62 * len(d)))  # fmt: skip


@_escapes_user_text
def eu_gantt(df: pd.DataFrame, lang: str = "da", top: int = TOP_PROJECTS) -> go.Figure:
    """Project periods on a timeline, one bar per project (the largest shares when there are many)."""
    d = _largest(df.dropna(subset=["start_year", "end_year"]), top).copy()
    d["name"] = d["acronym"].fillna(d["title"])
    d = d.sort_values(["start_year", "name"], ascending=[False, True])
    starts = [dt.date(int(y), 1, 1) for y in d["start_year"]]
    ends = [dt.date(int(y), 12, 31) for y in d["end_year"]]
    fig = go.Figure(
        go.Bar(
            y=d["name"],
            base=starts,
            x=[(e - s).days * 86_400_000 for s, e in zip(starts, ends, strict=True)],
            orientation="h",
            marker_color=OKABE_ITO[0],
            customdata=d["name"],
            text=[f"{int(a)}-{int(b)}" for a, b in zip(d["start_year"], d["end_year"], strict=True)],
            textposition="inside",
            insidetextanchor="middle",
            textfont={"color": "white"},
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )
    fig.update_xaxes(type="date")
    n = int(df[["start_year", "end_year"]].notna().all(axis=1).sum())
    if len(d):
        first, last = int(d["start_year"].min()), int(d["end_year"].max())
        longest = d.assign(span=d["end_year"] - d["start_year"]).sort_values("span").iloc[-1]
        fig.update_layout(
            meta={
                "alt": _("{n} projekter fra {first} til {last}; længst: {name}, {a}-{b}", lang).format(
                    n=len(d), first=first, last=last, name=html.unescape(str(longest["name"])),
                    a=int(longest["start_year"]), b=int(longest["end_year"]),
                ),
                "rows": [
                    {_("Projekt", lang): html.unescape(str(nm)), _("Fra", lang): int(a), _("Til", lang): int(b)}
                    for nm, a, b in zip(d["name"], d["start_year"], d["end_year"], strict=True)
                ][::-1],
            }
        )  # fmt: skip
    return _layout(fig, _("Projektperioder", lang) + _top_note(n, top, lang), _("År", lang), None,
                   height=max(240, 90 + 40 * len(d)))  # fmt: skip


@_escapes_user_text
def eu_by_programme(df: pd.DataFrame, lang: str = "da") -> go.Figure:
    """The region's share by programme."""
    d = df.sort_values("region_share_dkk", na_position="first")
    fig = go.Figure(
        go.Bar(
            y=d["programme"], x=_mio(d["region_share_dkk"]), orientation="h", marker_color=OKABE_ITO[0],
            customdata=d["programme"], text=[fmt.amount(v, lang) for v in d["region_share_dkk"]], textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )  # fmt: skip
    return _layout(fig, _("Regionens EU-andel pr. program", lang),
                   _("mio. kr.", lang), None, height=max(220, 90 + 40 * len(d)))  # fmt: skip


@_escapes_user_text
def eu_share_per_year(df: pd.DataFrame, lang: str = "da", top: int = 8) -> go.Figure:
    """The region's share spread evenly over each project's years, stacked by project; beyond the
    largest projects the rest are stacked together as one grey 'other projects'."""
    totals = df.groupby("project")["share_dkk"].sum().sort_values(ascending=False)
    if len(totals) > top:
        rest = _("Øvrige {n} projekter", lang).format(n=len(totals) - top)
        keep = set(totals.index[:top])
        df = df.assign(project=[p if p in keep else rest for p in df["project"]])
        df = df.groupby(["project", "year"], as_index=False)["share_dkk"].sum()
    else:
        rest = None
    fig = go.Figure()
    for i, (project, g) in enumerate(df.groupby("project", sort=True)):
        colour = GREY if project == rest else OKABE_ITO[i % len(OKABE_ITO)]
        fig.add_bar(
            x=g["year"], y=_mio(g["share_dkk"]), name=project, marker_color=colour,
            marker_pattern_shape=PATTERNS[i % len(PATTERNS)],
            customdata=[project] * len(g), text=[fmt.amount(v, lang) for v in g["share_dkk"]],
            hovertemplate="%{customdata} %{x}: %{text}<extra></extra>",
        )  # fmt: skip
    fig.update_layout(barmode="stack")
    fig.update_xaxes(dtick=1)
    return _layout(fig, _("Regionens EU-andel pr. år (fordelt jævnt over projektårene)", lang),
                   _("År", lang), _("mio. kr.", lang))  # fmt: skip


# ---------------------------------------------------------------- funding pools


@_escapes_user_text
def pool_capacity(df: pd.DataFrame, lang: str = "da", top: int = len(OKABE_ITO)) -> go.Figure:
    """Capacity per year per pool, drawn as steps: a staircase pool climbs every year. With more
    pools than the palette has colours, the pools with the largest total capacity."""
    n_pools = df["pool"].nunique()
    if n_pools > top:
        df = df[df["pool"].isin(df.groupby("pool")["capacity_dkk"].sum().nlargest(top).index)]
    fig = go.Figure()
    for i, (pool, g) in enumerate(df.groupby("pool", sort=True)):
        g = g.sort_values("year")
        fig.add_scatter(
            x=g["year"], y=_mio(g["capacity_dkk"]), mode="lines+markers", line_shape="hv", name=pool,
            line={"color": OKABE_ITO[i % len(OKABE_ITO)], "width": 3, "dash": DASHES[i % len(DASHES)]},
            marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 8}, customdata=[pool] * len(g),
            text=[f"{label(m, lang)}: {fmt.amount(c, lang)}" for m, c in zip(g["model"], g["capacity_dkk"], strict=True)],
            hovertemplate="%{customdata} %{x}<br>%{text}<extra></extra>",
        )  # fmt: skip
    fig.update_xaxes(dtick=1)
    note = _top_note(n_pools, top, lang)
    return _layout(fig, _("Puljernes kapacitet pr. år", lang) + note,
                   _("År", lang), _("mio. kr.", lang))  # fmt: skip


@_escapes_user_text
def pool_use(df: pd.DataFrame, lang: str = "da", top: int = 30) -> go.Figure:
    """Per pool and year: paid, granted and remaining, stacked up to the capacity; with many pool
    years, the latest (the largest capacity first within a year)."""
    d = df
    if len(d) > top:
        d = d.sort_values(["year", "capacity_dkk"], ascending=[False, False], na_position="last").head(top)
    d = d.sort_values(["pool", "year"])
    names = [f"{p} {y}" for p, y in zip(d["pool"], d["year"], strict=True)]
    keys = [f"{p}|{y}" for p, y in zip(d["pool"], d["year"], strict=True)]
    fig = go.Figure()
    # 'Bevilget i alt' (the glossary) is paid plus granted-not-yet-paid: the middle bar is the latter
    # and says so. Each bar's label is in the ink that reads on it: dark on the green and on the light
    # grey remainder (outlined, so it stands out from the page), white on the blue.
    series = (
        ("paid_dkk", _("Udbetalt", lang), OKABE_ITO[2], INK, None),
        ("granted_dkk", _("Bevilget, ikke udbetalt", lang), OKABE_ITO[0], "white", None),
        ("remaining_dkk", _("Resterende", lang), "#d9d9d9", INK, GREY),
    )
    for i, (col, name, color, ink, outline) in enumerate(series):
        vals = d[col].where(d[col].isna() | (d[col] > 0), 0) if col == "remaining_dkk" else d[col]
        fig.add_bar(
            y=names, x=_mio(vals), name=name, orientation="h", marker_color=color,
            marker_pattern={"shape": PATTERNS[i], "fgopacity": 0.4, **({"fgcolor": GREY} if outline else {})},
            marker_line={"color": outline or color, "width": 1 if outline else 0}, customdata=keys,
            text=[fmt.amount(v, lang) for v in d[col]], textposition="inside", insidetextanchor="middle",
            insidetextfont={"color": ink}, constraintext="inside",
            hovertemplate="%{y}: " + name.lower() + " %{text}<extra></extra>",
        )  # fmt: skip
    # A label that does not fit its bar at a readable size is left out (the hover and the table have it).
    fig.update_layout(barmode="stack", uniformtext={"minsize": 10, "mode": "hide"})
    note = _top_note(len(df), top, lang, N_("seneste"))
    return _layout(fig, _("Bevilget, udbetalt og resterende pr. pulje og år", lang) + note,
                   _("mio. kr.", lang), None, height=max(260, 90 + 26 * len(d)))  # fmt: skip


@_escapes_user_text
def grant_sizes(df: pd.DataFrame, lang: str = "da", max_points: int = 600) -> go.Figure:
    """Each allocation's size, per pool, against the pool's usual band (shaded); a fixed random
    sample of the allocations when there are more than max_points."""
    d = df.dropna(subset=["amount_dkk"])
    n = len(d)
    if n > max_points:
        d = d.sample(max_points, random_state=7)
    fig = go.Figure()
    pools = sorted(d["pool"].unique())
    for i, pool in enumerate(pools):
        band = d.loc[d["pool"] == pool, ["band_min_dkk", "band_max_dkk"]].dropna()
        if not band.empty:
            lo, hi = float(band.iloc[0, 0]) / 1e6, float(band.iloc[0, 1]) / 1e6
            fig.add_shape(
                type="rect",
                x0=lo,
                x1=hi,
                y0=i - 0.4,
                y1=i + 0.4,
                fillcolor="rgba(0,114,178,0.12)",
                line_width=0,
            )
    for j, (status, g) in enumerate(d.groupby("status", sort=True)):
        fig.add_scatter(
            x=_mio(g["amount_dkk"]), y=[pools.index(p) for p in g["pool"]], mode="markers", name=label(status, lang),
            marker={"size": 11, "color": OKABE_ITO[j % len(OKABE_ITO)], "symbol": SYMBOLS[j % len(SYMBOLS)],
                    "line": {"width": 1, "color": "white"}},
            customdata=g["pool"], text=[f"{p}: {r}<br>{fmt.amount(a, lang)}" for p, r, a in zip(g["project"], g["recipient"], g["amount_dkk"], strict=True)],
            hovertemplate="%{text}<extra>%{fullData.name}</extra>",
        )  # fmt: skip
    fig.update_yaxes(tickvals=list(range(len(pools))), ticktext=pools)
    if n:
        big, small = d.loc[d["amount_dkk"].idxmax()], d.loc[d["amount_dkk"].idxmin()]
        per_pool = d.groupby("pool")["amount_dkk"]
        fig.update_layout(
            meta={
                "alt": _("{n} bevillinger i {p} puljer; størst: {big}, {a}; mindst: {small}, {b}", lang).format(
                    n=fmt.number(n, lang), p=len(pools), big=html.unescape(str(big["project"])),
                    a=fmt.amount(big["amount_dkk"], lang), small=html.unescape(str(small["project"])),
                    b=fmt.amount(small["amount_dkk"], lang),
                ),
                "rows": [
                    {_("Pulje", lang): html.unescape(str(pool)), _("Bevillinger", lang): int(g.count()),
                     _("Mindste", lang): fmt.amount(g.min(), lang), _("Median", lang): fmt.amount(g.median(), lang),
                     _("Største", lang): fmt.amount(g.max(), lang)}
                    for pool, g in per_pool
                ],
            }
        )  # fmt: skip
    sample = ""
    if n > max_points:
        sample = _(" · udsnit af {n}", lang).format(n=fmt.number(max_points, lang))
    return _layout(fig, _("Bevillingernes størrelse mod puljens interval (skraveret)", lang) + sample,
                   _("mio. kr.", lang), None, height=max(240, 100 + 60 * len(pools)))  # fmt: skip


@_escapes_user_text
def recipients_ranked(df: pd.DataFrame, lang: str = "da") -> go.Figure:
    """Recipients ranked by money granted or paid."""
    d = df.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            y=d["recipient"], x=_mio(d["amount_dkk"]), orientation="h", marker_color=OKABE_ITO[0],
            customdata=d["recipient"], text=[fmt.amount(v, lang) for v in d["amount_dkk"]], textposition="auto",
            hovertemplate="%{y}: %{text}<extra></extra>",
        )
    )  # fmt: skip
    return _layout(fig, _("Modtagere (bevilget og udbetalt)", lang),
                   _("mio. kr.", lang), None, height=max(240, 90 + 28 * len(d)))  # fmt: skip
