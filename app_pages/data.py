"""Data: upload a sheet, see the rows that will change, save it, and undo; what was set aside; templates."""

import streamlit as st

import store
from dashboard import access, curate_view, db, upload_view
from dashboard.i18n import t
from loaders.isolate import Limits

access.require("data_page")  # also absent from the navigation of roles without it
st.title(t("Data"))
st.caption(
    t(
        "Upload regnearkene, som I har dem. Overblik viser først, præcis hvilke rækker der tilføjes, ændres "
        "og springes over; intet gemmes, før du trykker Gem. Hver indlæsning kan fortrydes."
    )
)
con = store.cursor(db.get_connection())  # this run's own: sessions run on threads
tab_up, tab_aside, tab_hist, tab_orgs, tab_tpl = st.tabs(
    [t("Upload"), t("Sat til side"), t("Historik"), t("Netværk og organisationer"), t("Skabeloner")]
)

with tab_up:
    upload_view.messages(con)
    options = upload_view.settings()
    round_ = st.session_state.setdefault("upload_round", 0)
    files = st.file_uploader(
        t("Vælg regneark (.xlsx, .xlsm, .xls eller .csv)"),
        type=["xlsx", "xlsm", "xls", "csv"],
        accept_multiple_files=True,
        key=f"upload_files_{round_}",
        max_upload_size=Limits.from_env().max_file_mb,  # the loaders' own limit, said in the page's language
    )
    saved = st.session_state.setdefault("saved_files", set())
    pending = [f for f in files or [] if f.file_id not in saved]
    if files and not pending:
        # Every chosen file is saved: empty the uploader for the next one.
        st.session_state["upload_round"] = round_ + 1
        st.session_state["saved_files"] = set()
        st.rerun()
    for f in pending:
        upload_view.preview(con, f.name, f.getvalue(), options, f.file_id)

with tab_aside:
    upload_view.quarantine(con)

with tab_hist:
    upload_view.history(con)

with tab_orgs:
    curate_view.draw(con)

with tab_tpl:
    upload_view.templates()
