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
        + " "
        + t(
            "Sikkerhedskopier taget før sletningen indeholder stadig navnet: tag en ny, og slet de ældre "
            "(se docs/deploy.md)."
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
    # Every value that names the person, where it is and how many rows hold it: the admin sees
    # exactly what will be replaced (a value that only contains the name is rewritten in place).
    match = {"exact": t("Hele værdien"), "text": t("I en tekst")}
    rows = [
        {
            t("Tabel"): v["table"],
            t("Kolonne"): v["column"],
            t("Fundet som"): match.get(v["match"], v["match"]),
            t("Værdi"): v["value"],
            t("Rækker"): v["rows"],
        }
        for v in preview.get("values", [])
    ]
    st.dataframe(rows, hide_index=True, key="erase_preview", placeholder="")
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
