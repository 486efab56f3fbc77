"""Administration (admins only): the audit log, erasing a person, backups."""

import os
from datetime import datetime
from pathlib import Path

import pandas as pd
import streamlit as st

import store
from dashboard import access, db, widgets
from dashboard.i18n import lang, t
from store import audit
from store import backup as backups
from translations import N_

access.require("admin_page")  # also absent from the navigation of other roles
L = lang()
st.title(t("Administration"))
con = store.cursor(db.get_connection())  # this run's own: sessions run on threads
tab_log, tab_erase, tab_backup = st.tabs([t("Revisionslog"), t("Slet en person"), t("Sikkerhedskopi")])

ACTIONS = {
    "login": N_("Login"),
    "upload": N_("Indlæsning"),
    "undo": N_("Fortrydelse"),
    "redo": N_("Gendannelse"),
    "erase": N_("Sletning af person"),
    "download_names": N_("Download med navne"),
    "download_original": N_("Download af originalfil"),
    "export": N_("Eksport"),
    "backup": N_("Sikkerhedskopi"),
    "restore": N_("Gendannelse af sikkerhedskopi"),
    "maintain": N_("Vedligehold"),
    "rebuild": N_("Genopbygning"),
}

with tab_log:
    st.caption(
        t(
            "Hvem gjorde hvad, hvornår og fra hvilken side: logins, indlæsninger, fortrydelser, sletninger "
            "og downloads af tabeller med navne og af originalfiler."
        )
    )
    entries = pd.DataFrame(audit.entries(store.cursor(con)))
    chosen = st.multiselect(
        t("Handling"),
        list(ACTIONS),
        format_func=lambda a: t(ACTIONS[a]),
        key="audit_actions",
        placeholder=t("Alle"),
        select_all=False,
    )
    if entries.empty:
        st.info(t("Revisionsloggen er tom."))
    else:
        if chosen:
            entries = entries[entries["action"].isin(chosen)]
        shown = pd.DataFrame(
            {
                t("Tidspunkt"): [
                    pd.Timestamp(x).tz_convert("Europe/Copenhagen").strftime("%d.%m.%Y %H:%M:%S")
                    for x in entries["at"]
                ],
                t("Bruger"): entries["user_name"],
                t("Rolle"): entries["role"].fillna(""),
                t("Handling"): [t(ACTIONS.get(a, a)) for a in entries["action"]],
                t("Side"): entries["page"].fillna(""),
                t("Hvad"): entries["detail"].fillna(""),
            }
        )
        widgets.table(shown.head(1000), "audit_table")
        widgets.shown_of(min(len(shown), 1000), len(shown))
        widgets.downloads(shown, "revisionslog", "audit", audit="export")

with tab_erase:
    from dashboard import erase_view

    erase_view.draw(con)

with tab_backup:
    loc = store.location()
    if loc.sqlite_file is None:
        st.info(
            t(
                "Datalageret har et PostgreSQL-katalog: det sikkerhedskopieres med pg_dump og en kopi af "
                "datamappen (docs/deploy.md)."
            )
        )
    else:
        folder = Path(os.environ.get("OVERBLIK_BACKUP_DIR") or loc.sqlite_file.parent / "backups")
        st.caption(
            t(
                "En sikkerhedskopi tages, mens Overblik kører, og er ét sammenhængende øjebliksbillede. "
                "Den gemmes i {folder}."
            ).format(folder=folder)
        )
        if st.button(t("Tag sikkerhedskopi nu"), key="backup_now"):
            out = folder / datetime.now().strftime("%Y-%m-%d_%H%M%S")
            with st.spinner(t("Tager sikkerhedskopi ...")):
                manifest = backups.backup(out)
            access.audit("backup", "admin", f"{out.name}: {len(manifest['files'])} files")
            st.success(
                t("Sikkerhedskopi gemt i {out} ({n} datafiler).").format(out=out, n=len(manifest["files"]))
            )
