"""The global filters in the sidebar, bound to the URL so a copied link reopens the same view.

URL parameters: region, network, from, to, programme, pool, organisation (repeat a name for
several values), lang. Values are stored values, whatever the UI language.
"""

from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.i18n import lang, t
from dashboard.queries import Filters
from translations import N_

MULTI = (("region", N_("Region")), ("network", N_("Netværk")))
MORE = (("programme", N_("Program")), ("pool", N_("Pulje")), ("organisation", N_("Organisation")))


def _int(v: object) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except (TypeError, ValueError):
        return None


def current() -> Filters:
    """The filters as the widgets (and so the URL) hold them now."""
    s = st.session_state
    lo, hi = _int(s.get("from")), _int(s.get("to"))
    bounds = queries.year_bounds()
    if bounds:
        # The full range is the same as no range: a project starting before the data still counts.
        lo = None if lo == bounds[0] else lo
        hi = None if hi == bounds[1] else hi
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return Filters(
        region=tuple(s.get("region") or ()),
        network=tuple(s.get("network") or ()),
        year_from=lo,
        year_to=hi,
        programme=tuple(s.get("programme") or ()),
        pool=tuple(s.get("pool") or ()),
        organisation=tuple(s.get("organisation") or ()),
    )


def _reset() -> None:
    for key, _ in MULTI + MORE:
        st.session_state[key] = []
    bounds = queries.year_bounds()
    if bounds:
        st.session_state["from"], st.session_state["to"] = bounds


def _choice(key: str, label: str, options: list[str]) -> None:
    """A filter bound to the URL; what is chosen stays offered even when other filters exclude it."""
    chosen = st.session_state.get(key) or []
    st.multiselect(
        t(label),
        sorted(set(options) | set(chosen)),
        key=key,
        bind="query-params",
        placeholder=t("Alle"),
        select_all=False,  # its option is written by Streamlit, in English
    )


def language_switch() -> None:
    """The language switch, bound to the URL (?lang=English)."""
    with st.sidebar:
        # Bound widgets write their shown option to the URL: ?lang=English.
        st.segmented_control(
            t("Sprog"), ["Dansk", "English"], default="Dansk", key="lang", bind="query-params", required=True
        )


def sidebar() -> Filters:
    """Draw the filters; choices narrow to what exists under the other filters."""
    language_switch()
    with st.sidebar:
        if queries.is_empty():
            return Filters()
        st.header(t("Filtre"))
        f = current()
        options = queries.filter_options(f)
        for key, label in MULTI:
            _choice(key, label, options[key])
        bounds = queries.year_bounds()
        if bounds:
            years = list(range(bounds[0], bounds[1] + 1))
            c1, c2 = st.columns(2)
            c1.selectbox(
                t("Fra år"), years, index=0, key="from", bind="query-params", placeholder=t("Vælg et år")
            )
            c2.selectbox(
                t("Til år"),
                years,
                index=len(years) - 1,
                key="to",
                bind="query-params",
                placeholder=t("Vælg et år"),
            )
        with st.expander(t("Flere filtre"), expanded=any(st.session_state.get(k) for k, _ in MORE)):
            for key, label in MORE:
                _choice(key, label, options[key])
        st.button(t("Nulstil filtre"), on_click=_reset, key="reset_filters")
        from dashboard import access

        if access.may("asof_picker"):  # an ?asof= link works for every role
            asof_picker()
    return current()


def asof_picker() -> None:
    """The day the pages show the data as they stood (bound to `?asof=`); empty is today."""
    from datetime import datetime

    from dashboard import db

    today = datetime.now(db.DANISH_TIME).date()
    st.date_input(
        t("Vis data som de var den"),
        value=None,
        min_value=db.first_day(),
        max_value=today,
        key="asof",
        bind="query-params",
        format="DD.MM.YYYY" if lang() == "da" else "YYYY-MM-DD",
        help=t(
            "Tom: de nyeste data. En dato: alle sider viser data, som de var ved dagens slutning, "
            "fx som udvalget så dem på sit sidste møde."
        ),
    )


def _back_to_today() -> None:
    st.session_state["asof"] = None


def asof_banner() -> None:
    """Above every page that shows data of the past: which day, and the way back to today."""
    from dashboard import db
    from dashboard import format as fmt

    problem = db.asof_problem()
    if problem == "early":
        st.warning(
            t("Overblik kan vise data fra og med {day}. Siden viser de nyeste data.").format(
                day=fmt.date_long(db.first_day(), lang())
            )
        )
        return
    if problem == "expired":
        st.warning(
            t(
                "Data fra {day} kan ikke vises: så gamle tilstande gemmes kun for datoer, som et bilag "
                "eller et gemt link bruger. Siden viser de nyeste data."
            ).format(day=fmt.date_long(db.asof_day() or db.first_day(), lang()))
        )
        return
    day = db.asof_day() if db.asof() else None
    if day is None:
        return
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    c1.info(
        t(
            "Du ser data, som de var ved udgangen af {day}. Senere indlæsninger og rettelser er ikke med."
        ).format(day=fmt.date_long(day, lang())),
        icon=":material/history:",
    )
    c2.button(t("Vis dagens data"), on_click=_back_to_today, key="asof_today")
