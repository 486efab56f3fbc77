"""The admin's erasure of a person: find, see every row that names them, confirm, done."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard import access, db, safe
from dashboard.i18n import t


def draw(con: Any) -> None:
    """Search for a person; a preview of every row and file that names them; erase on confirmation."""
    st.caption(
        t(
            "Sletning efter databeskyttelsesreglerne: navnet erstattes af en anonym betegnelse overalt, "
            "også i historikken, de gemte originalfiler og revisionsloggen. Tallene forbliver de samme. "
            "Tidsrejse til før sletningen er ikke længere mulig."
        )
    )
    from loaders import erase

    name = st.text_input(t("Personens navn, som det står i arkene"), key="erase_name").strip()
    if not name:
        return
    preview = erase.preview(con, name)
    if not preview.get("total"):
        st.info(t("Ingen rækker nævner {name}.").format(name=safe.md(name)))
        return
    st.write(
        safe.md(
            t("{name} nævnes i {n} rækker og {f} originalfiler:").format(
                name=name, n=preview["total"], f=len(preview.get("files", []))
            )
        )
    )
    st.dataframe(preview.get("table"), hide_index=True, key="erase_preview", placeholder="")
    confirm = st.checkbox(t("Jeg har kontrolleret, at det er den rette person"), key="erase_confirm")
    if st.button(
        safe.md(t("Slet {name}").format(name=name)), type="primary", disabled=not confirm, key="erase_go"
    ):
        w = access.who()
        result = erase.erase(
            con, name, user=w.name if w else "ukendt", role=w.role if w else None, page="admin"
        )
        db.clear_caches()
        st.success(safe.md(t("Slettet: navnet er erstattet af {token}.").format(token=result.get("token"))))
