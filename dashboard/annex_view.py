"""On the overview, right under the headline figures: "Bilag til udvalget", the committee annex of
the view on screen as PDF, HTML or Excel, built only when a button is clicked (for the reader's own
role, or for the committee without names); and the annexes made before, each downloadable again
as it was handed out (staff and leaders)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import PurePath

import pandas as pd
import streamlit as st

import store
from dashboard import access, db
from dashboard import format as fmt
from dashboard.i18n import lang, t
from dashboard.queries import Filters

LABELS = {"pdf": "PDF", "html": "HTML", "xlsx": "Excel"}
COMMITTEE = "viewer"  # the role an annex for the committee is built for: no names
KEPT_SHOWN = 10


def section(f: Filters) -> None:
    """The annex's heading, the choice of whose eyes it is for, a button per format, the kept ones."""
    from dashboard import annex

    L, who = lang(), access.who()
    own = who.role if who else COMMITTEE
    st.markdown("##### " + t("Bilag til udvalget"))
    st.caption(t("Et bilag til udvalgets møde med tallene for filtrene i sidepanelet."))
    committee = True  # a role without names has none to leave out: its annex is the committee's
    if access.may("names", own):
        committee = st.toggle(
            t("Til udvalget (uden navne)"),
            key="annex_for_committee",
            help=t(
                "Bygger bilaget, som et udvalgsmedlem må se det: ingen personnavne, rollen står på bilaget."
            ),
        )
    role = COMMITTEE if committee else own
    stem = t("bilag-til-udvalget", L) if committee and role != own else t("bilag", L)

    def build(kind: str) -> Callable[[], bytes]:
        def data() -> bytes:
            out, _ = annex.make(f, kind, role, L, made_by=who.name if who else None)
            return out

        return data

    row = st.container(horizontal=True)
    for kind, mime in annex.FORMATS.items():
        row.download_button(
            LABELS[kind], build(kind), file_name=f"{stem}.{kind}", mime=mime, key=f"annex_{kind}",
            on_click="ignore", icon=":material/description:",
        )  # fmt: skip
    kept()


def kept() -> None:
    """The annexes made before, newest first, and any of them as the file that was handed out."""
    from dashboard import annex
    from store import annexes

    with contextlib.closing(store.cursor(db.get_connection())) as cur:
        rows = annexes.listing(cur, limit=KEPT_SHOWN)
    if not rows:
        return
    L, who = lang(), access.who()
    with st.expander(t("Tidligere bilag ({n})").format(n=fmt.number(len(rows), L)), key="annex_kept_box"):
        st.dataframe(
            pd.DataFrame(
                {
                    t("Dato"): [fmt.date_short(r.made_at, L) for r in rows],
                    t("Filtre"): [r.filters_text for r in rows],
                    t("Rolle"): [t(access.ROLE_LABELS.get(r.role, r.role)) for r in rows],
                    t("Fil"): [r.file_name for r in rows],
                }
            ),
            hide_index=True,
            key="annex_kept",
            placeholder="",
        )
        by_id = {r.annex_id: r for r in rows}

        def named(annex_id: int) -> str:
            r = by_id[annex_id]
            day = fmt.date_short(r.made_at, L)
            return f"{day} · {r.filters_text} · {t(access.ROLE_LABELS.get(r.role, r.role))} · {r.file_name}"

        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        chosen = c1.selectbox(
            t("Hent et tidligere bilag igen"), list(by_id), format_func=named, key="annex_again"
        )
        r = by_id[chosen]

        def again() -> bytes:
            access.record(who, "annex", "overblik", f"{r.file_name} (hentet igen): {r.filters_text}")
            with contextlib.closing(store.cursor(db.get_connection())) as cur:
                return annexes.content(cur, r.annex_id) or b""

        kind = PurePath(r.file_name).suffix.lstrip(".")
        c2.download_button(
            t("Hent"), again, file_name=r.file_name, mime=annex.FORMATS.get(kind, "application/octet-stream"),
            key="annex_again_go", on_click="ignore", icon=":material/download:", disabled=not r.size,
        )  # fmt: skip
        if not r.size:
            st.caption(t("Filen er slettet, fordi den nævnte en person, hvis navn er slettet."))
