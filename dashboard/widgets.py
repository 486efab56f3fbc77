"""Small page parts used on every page: downloads, the source list, chart selections, empty states."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from dashboard import describe, export, queries, safe
from dashboard import format as fmt
from dashboard.access import ROLE_LABELS
from dashboard.i18n import lang, t
from dashboard.queries import Filters
from translations import N_

CONFIG = {"displaylogo": False}


def guard_empty(f: Filters, df: pd.DataFrame | None = None) -> None:
    """Stop the page with a helpful message when there is no data, or nothing matches the filters."""
    if queries.is_empty():
        st.info(t("Databasen er tom. Indlæs regneark på siden Data, eller kør `make demo` for demodata."))
        st.stop()
    if df is not None and df.empty:
        st.info(t("Intet matcher filtrene. Ret filtrene i sidepanelet, eller nulstil dem."))
        st.stop()


def table(df: pd.DataFrame, key: str) -> None:
    """A detail table as a reader wants it: Danish number format, 'ikke oplyst' instead of an empty cell."""
    L = lang()
    shown = df.copy()
    for col in shown.columns:
        if pd.api.types.is_bool_dtype(shown[col]):
            continue
        if pd.api.types.is_numeric_dtype(shown[col]):
            digits = 0 if pd.api.types.is_integer_dtype(shown[col]) else 2
            shown[col] = [fmt.number(v, L, digits) for v in shown[col]]
        else:
            shown[col] = [fmt.unknown(L) if fmt.missing(v) else v for v in shown[col]]
    st.dataframe(shown, hide_index=True, key=key, placeholder="")


def downloads(
    table: pd.DataFrame | Callable[[], pd.DataFrame], name: str, key: str, audit: str | None = None
) -> None:
    """CSV and Excel buttons for a table, with the Danish headers it is shown with.

    `table` may be a function that builds the whole table: it runs only when a button is
    clicked, so a page with a million rows behind its table renders as fast as a small one.
    `audit` names the audited action a click is (a table with names): recorded when the file is
    made, with the person and page of the session that drew the button.
    """
    build = table if callable(table) else (lambda: table)
    who, page = None, _page()
    if audit:
        from dashboard import access

        who = access.who()

    def made(fmt_: str) -> pd.DataFrame:
        if audit:
            from dashboard import access

            access.record(who, audit, page, f"{name}.{fmt_}")
        return build()

    def csv() -> bytes:
        return export.to_csv(made("csv"))

    def xlsx() -> bytes:
        return export.to_xlsx(made("xlsx"), name)

    c1, c2, _ = st.columns([1, 1, 3])
    c1.download_button(
        t("Hent CSV"),
        csv,
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    c2.download_button(
        t("Hent Excel"),
        xlsx,
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def detail_table(
    shown: pd.DataFrame,
    total: int,
    build: Callable[[pd.DataFrame], pd.DataFrame],
    stored: Callable[[], pd.DataFrame],
    *,
    kind: str,
    key: str,
    file_name: str,
    audit: str | None = None,
) -> None:
    """A page's detail table: its first rows as built for reading, a note when there are more, and
    download buttons with the stored rows behind it as data (every column of the kind, numbers as
    numbers), built only when clicked: uploaded again, such a file changes nothing."""
    table(build(shown), f"{key}_table")
    shown_of(len(shown), total)
    downloads(lambda: export.kind_sheet(kind, stored(), lang()), file_name, key, audit)


def _page() -> str:
    """The url path of the page being drawn, as app.py noted it (for the audit log)."""
    return st.session_state.get("_page") or "overblik"


def picked_note(labels: list[str]) -> None:
    """Say what a click in a chart narrowed the table to, and how to undo it."""
    if labels:
        st.caption(
            t("Viser kun")
            + ": "
            + safe.md(", ".join(str(x) for x in labels))
            + " · "
            + t("klik i grafen igen for at vælge andre")
        )


def names_note(box: Callable[..., Any], lead: str, names: list[str], after: str = "") -> None:
    """'Lead: A, B, C og 4 flere.' in a box (st.info, st.warning); names are data, escaped."""
    if not names:
        return
    L = lang()
    more = t(" og {n} flere").format(n=fmt.number(len(names) - 10, L)) if len(names) > 10 else ""
    box(f"{lead}: " + safe.md(", ".join(names[:10])) + more + "." + (f" {after}" if after else ""))


def shown_of(shown: int, total: int) -> None:
    """Say so when the table holds only the first rows of more."""
    if total > shown:
        L = lang()
        st.caption(
            t("Viser de første")
            + f" {fmt.number(shown, L)} "
            + t("af")
            + f" {fmt.number(total, L)} "
            + t("rækker. Knapperne henter hele tabellen.")
        )


# The source list's columns as queries.sources names them (Danish, the message ids).
SOURCE_COLUMNS = (N_("Nr."), N_("Fil"), N_("Ark"), N_("Rækker i arket"), N_("Antal"), N_("Indlæst"), N_("Af"))


def source_table(src: pd.DataFrame) -> pd.DataFrame:
    """The source list in the page's language: headers, the uploader a viewer sees as a role, and
    the time as the page writes it (Danish 07.12.2026 13:05, English 2026-12-07 13:05)."""
    L = lang()
    out = src.copy()
    if "Af" in out:
        staff = ROLE_LABELS["staff"]  # 'medarbejder' (a name gettext extraction must not see as text)
        out["Af"] = out["Af"].replace({staff: t(staff)})
    if "Indlæst" in out and pd.api.types.is_datetime64_any_dtype(out["Indlæst"]):
        pattern = "%d.%m.%Y %H:%M" if L == "da" else "%Y-%m-%d %H:%M"
        out["Indlæst"] = out["Indlæst"].dt.strftime(pattern)
    return out.rename(columns={c: t(c) for c in out.columns if c in SOURCE_COLUMNS})


def source(view: str, f: Filters, key: str) -> None:
    """'Kilde': the upload batches behind a figure."""
    with st.popover(t("Kilde"), help=t("Hvilke indlæsninger tallet bygger på")):
        src = queries.sources(view, f)
        if src.empty:
            st.write(t("Ingen rækker."))
        else:
            st.dataframe(source_table(src), hide_index=True, key=f"src_{key}", placeholder="")


def _titled(fig: Any) -> Any:
    """Draw the chart's title as a real heading above it (screen readers find it, and plotly cannot
    keep a long title and a wrapping legend apart on a narrow screen); the figure keeps the rest."""
    title = fig.layout.title.text
    if title:
        # The builder escaped the data in it for plotly; for markdown it is escaped again, as text.
        st.markdown("#### " + safe.md(html.unescape(title)))
        fig.update_layout(title_text=None, margin_t=8)  # builders return a fresh figure: no copy needed
    return fig


def _in_words(alt: str, rows: pd.DataFrame, key: str) -> None:
    """What a chart shows, said in words right under it (where a screen reader meets it), and its
    numbers as a table on request: no one needs to see the chart to read it."""
    st.caption(safe.md(alt))
    with st.expander(t("Vis som tabel"), key=f"{key}_as_table"):
        st.dataframe(rows, hide_index=True, placeholder="", key=f"{key}_rows")


def plot(fig: Any, key: str) -> None:
    """A chart to look at (hover, zoom), not to click."""
    L = lang()
    alt, rows = describe.describe(fig, L, with_title=False), describe.table(fig, L)
    st.plotly_chart(_titled(fig), key=key, config=CONFIG, alt=alt)
    _in_words(alt, rows, key)


def filter_chart(
    fig: Any, key: str, dimension: str, to_values: Callable[[list[Any]], dict[str, Any]] | None = None
) -> None:
    """A chart whose click narrows the whole page: the clicked items become the sidebar's filter
    (`dimension`, bound to the URL: a shared link keeps it, a chip removes it, and keyboard users
    choose the same in the sidebar's select box). to_values maps the clicked customdata to filter
    values (default: the dimension gets them as they are)."""
    L = lang()
    alt, rows = describe.describe(fig, L, with_title=False), describe.table(fig, L)

    def narrow() -> None:
        state = st.session_state.get(key)
        points = (state or {}).get("selection", {}).get("points", []) if isinstance(state, dict) else []
        picked = []
        for pt in points:
            cd = pt.get("customdata")
            cd = cd[0] if isinstance(cd, list) and cd else cd
            if cd is not None:
                picked.append(html.unescape(cd) if isinstance(cd, str) else cd)
        if not picked:
            return
        values = to_values(picked) if to_values else {dimension: sorted(set(picked))}
        st.session_state.update(values)

    st.plotly_chart(
        _titled(fig), key=key, on_select=narrow, selection_mode=("points",), config=CONFIG, alt=alt
    )
    st.caption(t("Klik i grafen for at vise kun det valgte på hele siden; fjern det igen i sidepanelet."))
    _in_words(alt, rows, key)


def chart(fig: Any, key: str) -> list[Any]:
    """Draw a chart whose points can be clicked; return the customdata of the selected points."""
    L = lang()
    alt, rows = describe.describe(fig, L, with_title=False), describe.table(fig, L)
    event = st.plotly_chart(
        _titled(fig), key=key, on_select="rerun", selection_mode=("points",), config=CONFIG, alt=alt
    )
    _in_words(alt, rows, key)
    points = (
        (event or {}).get("selection", {}).get("points", [])
        if isinstance(event, dict)
        else event.selection.points
    )
    picked = []
    for p in points:
        cd = p.get("customdata")
        if isinstance(cd, list):
            cd = cd[0] if cd else None
        if cd is not None:
            # The chart holds data escaped for plotly (charts._escapes_user_text): back to the value.
            picked.append(html.unescape(cd) if isinstance(cd, str) else cd)
    return picked
