"""On the overview: "Hent bilag", the committee annex of the view on screen as PDF, HTML or Excel,
built only when a button is clicked; and the annexes made before (staff and leaders)."""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st

import store
from dashboard import access, db
from dashboard import format as fmt
from dashboard.i18n import lang, t
from dashboard.queries import Filters

LABELS = {"pdf": "PDF", "html": "HTML", "xlsx": "Excel"}


def downloads(f: Filters) -> None:
    """A popover with a button per format; the annex is made (and kept) when one is clicked."""
    from dashboard import annex

    L, who = lang(), access.who()
    role = who.role if who else "viewer"

    def build(kind: str):
        def data() -> bytes:
            out, _ = annex.make(f, kind, role, L, made_by=who.name if who else None)
            return out

        return data

    with st.popover(t("Hent bilag"), icon=":material/description:"):
        st.caption(t("Et bilag til udvalgets møde med tallene for filtrene i sidepanelet."))
        cols = st.columns(len(annex.FORMATS))
        for col, (kind, mime) in zip(cols, annex.FORMATS.items(), strict=True):
            col.download_button(
                LABELS[kind], build(kind), file_name=t("bilag", L) + f".{kind}", mime=mime,
                key=f"annex_{kind}", on_click="ignore",
            )  # fmt: skip
        kept()


def kept() -> None:
    """The annexes made before, newest first."""
    from store import annexes

    with contextlib.closing(store.cursor(db.get_connection())) as cur:
        rows = annexes.listing(cur, limit=10)
    if not rows:
        return
    L = lang()
    st.markdown("**" + t("Tidligere bilag") + "**")
    st.dataframe(
        pd.DataFrame(
            {
                t("Dato"): [fmt.date_short(r.made_at.astimezone(db.DANISH_TIME), L) for r in rows],
                t("Filtre"): [r.filters_text for r in rows],
                t("Rolle"): [t(access.ROLE_LABELS.get(r.role, r.role)) for r in rows],
                t("Fil"): [r.file_name for r in rows],
            }
        ),
        hide_index=True,
        key="annex_kept",
        placeholder="",
    )
