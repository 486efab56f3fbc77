"""A chart in words and as a table, made from the figure's own data: the text alternative a screen
reader meets with the chart, and the numbers behind a "show as table" control.

Pure functions of a plotly Figure (no Streamlit), so they are unit tested with the builders. A
builder that draws something the generic reading cannot (a timeline of periods, a graph) puts its
own words and rows in fig.layout.meta["alt"] and fig.layout.meta["rows"].
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from babel.dates import format_date

from dashboard import format as fmt
from translations import gettext as _

MIO = re.compile(r"mio\.|DKK million|DKK m\b", re.I)


def _plain(text: str | None) -> str:
    """A title or label as text: plotly's markup and HTML escapes removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", text or "")).strip()


def _number(v: Any) -> float | None:
    if v is None or isinstance(v, str):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _category(v: Any, lang: str) -> str:
    if isinstance(v, pd.Timestamp | dt.datetime):
        return fmt.date_long(v.date() if hasattr(v, "date") else v, lang)
    if isinstance(v, dt.date):
        return fmt.date_long(v, lang)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return _plain(str(v))


ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")


def _value(v: Any) -> Any:
    """A category as Python: plotly keeps dates as ISO text and numbers as numpy scalars."""
    if isinstance(v, str) and ISO.match(v):
        return pd.Timestamp(v).date()
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.datetime64):
        return pd.Timestamp(v).date()
    return v


def _series(trace: Any) -> tuple[Sequence[Any], Sequence[Any], Sequence[Any] | None]:
    """(categories, values, shown texts) of one bar or scatter trace."""
    horizontal = getattr(trace, "orientation", None) == "h"
    cats, vals = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
    cats = [_value(c) for c in ([] if cats is None else list(cats))]
    vals = [] if vals is None else list(vals)
    text = trace.text
    texts = list(text) if text is not None and not isinstance(text, str) and len(text) == len(vals) else None
    return cats, vals, texts


def _value_axis_is_mio(fig: go.Figure) -> bool:
    horizontal = any(getattr(t, "orientation", None) == "h" for t in fig.data)
    axis = fig.layout.xaxis if horizontal else fig.layout.yaxis
    return bool(MIO.search(_plain(axis.title.text)))


def _format(v: float, mio: bool, lang: str) -> str:
    return fmt.amount(v * 1e6, lang) if mio else fmt.number(v, lang)


def _is_time(cats: Sequence[Any]) -> bool:
    if not cats:
        return False
    if all(isinstance(c, dt.date | pd.Timestamp) for c in cats):
        return True
    return all(
        isinstance(c, int | float) and not isinstance(c, bool) and 1900 < float(c) < 2200 for c in cats
    )


def table(fig: go.Figure, lang: str = "da") -> pd.DataFrame:
    """The chart's numbers: a row per category (project, year, network...), a column per series."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    if "rows" in meta:
        return pd.DataFrame(meta["rows"])
    mio = _value_axis_is_mio(fig)
    columns: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for i, trace in enumerate(fig.data):
        if trace.type not in ("bar", "scatter") or getattr(trace, "showlegend", True) is False and i:
            continue
        cats, vals, texts = _series(trace)
        name = _plain(trace.name) or _("Værdi", lang)
        col = columns.setdefault(name, {})
        for j, (c, v) in enumerate(zip(cats, vals, strict=False)):
            key = _category(c, lang)
            if key not in col:
                if key not in order:
                    order.append(key)
                n = _number(v)
                col[key] = (
                    _plain(str(texts[j]))
                    if texts is not None
                    else ("" if n is None else _format(n, mio, lang))
                )
    out = pd.DataFrame({name: [col.get(k, "") for k in order] for name, col in columns.items()}, index=order)
    out.index.name = ""
    return out.reset_index().rename(columns={"index": "", "": ""})


def _described(fig: go.Figure) -> list[Any]:
    """The traces whose values the words sum per category: those meta["series"] names (a grouped
    chart's main series; not a target marker), else every bar and scatter trace (stacked charts,
    or series over different categories)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    chosen = meta.get("series")
    traces = [t for t in fig.data if t.type in ("bar", "scatter")]
    return [fig.data[i] for i in chosen] if chosen is not None else traces


def _when(v: Any, key: str, monthly: bool, lang: str) -> str:
    """A point of a time axis in words: 'november 2025' for a month, else as the table writes it."""
    if monthly:
        return format_date(pd.Timestamp(v).date(), "MMMM y", locale=fmt.LOCALE.get(lang, "da_DK"))
    return key


def _trend(keys: list[str], totals: dict[str, float], raw: dict[str, Any], mio: bool, lang: str) -> list[str]:
    """The course of a time series in words: one point says its value; a flat series says it once;
    otherwise from the first to the last value, and the peak when it lies between them."""
    ordered = sorted(keys, key=lambda k: raw[k])
    monthly = all(isinstance(raw[k], dt.date) and raw[k].day == 1 for k in keys) and len(keys) > 0
    word = {k: _when(raw[k], k, monthly, lang) for k in ordered}
    first, last = ordered[0], ordered[-1]
    a, b = _format(totals[first], mio, lang), _format(totals[last], mio, lang)
    if len(ordered) == 1:
        return [_("Kun {first}: {a}", lang).format(first=word[first], a=a)]
    if len({totals[k] for k in ordered}) == 1:
        return [
            _("Fra {first} til {last} er tallet {a} hver gang", lang).format(
                first=word[first], last=word[last], a=a
            )
        ]
    if totals[first] == totals[last]:
        text = _("Fra {first} til {last} ender tallet, hvor det begyndte: {a}", lang).format(
            first=word[first], last=word[last], a=a
        )
    else:
        trend = _("stiger", lang) if totals[last] > totals[first] else _("falder", lang)
        text = _("Fra {first} til {last} {trend} tallet fra {a} til {b}", lang).format(
            first=word[first], last=word[last], trend=trend, a=a, b=b
        )
    peak = max(ordered, key=lambda k: totals[k])
    if peak in (first, last):  # a peak at either end is said already
        return [text]
    return [text, _("Højest i {peak}: {v}", lang).format(peak=word[peak], v=_format(totals[peak], mio, lang))]


def describe(fig: go.Figure, lang: str = "da", with_title: bool = True) -> str:
    """One or two sentences: what the chart shows, its largest and smallest items, and the trend
    over time where its axis is time (with_title=False: without the chart's title, for a page that
    shows the title as a heading right above)."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    title = _plain(fig.layout.title.text) if with_title else ""
    if "alt" in meta:
        return f"{title}. {meta['alt']}" if title else str(meta["alt"])
    mio = _value_axis_is_mio(fig)
    totals: dict[str, float] = {}
    raw: dict[str, Any] = {}
    names = []
    for trace in _described(fig):
        cats, vals, _texts = _series(trace)
        if _plain(trace.name):
            names.append(_plain(trace.name))
        for c, v in zip(cats, vals, strict=False):
            n = _number(v)
            if n is None:
                continue
            key = _category(c, lang)
            totals[key] = totals.get(key, 0.0) + n
            raw.setdefault(key, c)
    if not totals:
        return (title + ". " if title else "") + _("Ingen tal at vise.", lang)
    parts = [title] if title else []
    if len(names) > 1:
        parts.append(_("Serier: {names}", lang).format(names=", ".join(dict.fromkeys(names))))
    keys = list(totals)
    if _is_time([raw[k] for k in keys]):
        parts += _trend(keys, totals, raw, mio, lang)
    else:
        big = max(keys, key=lambda k: totals[k])
        small = min(keys, key=lambda k: totals[k])
        subject = names[0] if len(set(names)) == 1 else None
        if subject:  # 'Regionens andel er størst i JA PreventNCD, 41 mio. kr.; mindst i CARES, ...'
            text = _("{what} er størst i {name}, {v}", lang).format(
                what=subject, name=big, v=_format(totals[big], mio, lang)
            )
            if small != big:
                text += "; " + _("mindst i {name}, {v}", lang).format(
                    name=small, v=_format(totals[small], mio, lang)
                )
        else:
            text = _("Størst: {name}, {v}", lang).format(name=big, v=_format(totals[big], mio, lang))
            if small != big:
                text += "; " + _("mindst: {name}, {v}", lang).format(
                    name=small, v=_format(totals[small], mio, lang)
                )
        parts.append(text + " " + _("({n} vist)", lang).format(n=fmt.number(len(keys), lang)))
    return ". ".join(p.rstrip(".") for p in parts if p) + "."
