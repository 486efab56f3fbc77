"""Data: upload a sheet, see exactly what will change, save it, and undo; templates to download."""

import streamlit as st

from dashboard import db, upload
from dashboard.i18n import lang, t
from loaders.kinds import KINDS

st.title(t("Data"))
st.caption(
    t(
        "Upload regnearkene, som I har dem. Overblik viser først, hvad der vil ændre sig; "
        "intet gemmes, før du trykker Gem. Hver indlæsning kan fortrydes."
    )
)
con = db.get_connection()
L = lang()

tab_up, tab_hist, tab_tpl = st.tabs([t("Upload"), t("Historik"), t("Skabeloner")])

with tab_up:
    files = st.file_uploader(
        t("Vælg regneark (.xlsx, .xlsm, .xls eller .csv)"),
        type=["xlsx", "xlsm", "xls", "csv"],
        accept_multiple_files=True,
        key="upload_files",
    )
    kinds = {"": t("Genkend automatisk")} | {
        k: (v.label_da if L == "da" else v.label_en) for k, v in KINDS.items()
    }
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox(t("Indhold"), list(kinds), format_func=kinds.get, key="upload_kind") or None
    networks = [r[0] for r in con.cursor().execute("SELECT network FROM networks ORDER BY 1").fetchall()]
    regions = [
        r[0]
        for r in con.cursor()
        .execute("SELECT DISTINCT region FROM networks WHERE region IS NOT NULL ORDER BY 1")
        .fetchall()
    ]
    network = c2.selectbox(
        t("Netværk (hvis arket ikke har kolonnen)"),
        [""] + networks,
        key="upload_network",
        accept_new_options=True,
    )
    region = c3.selectbox(
        t("Region (hvis arket ikke har kolonnen)"),
        [""] + regions,
        key="upload_region",
        accept_new_options=True,
    )
    skip_invalid = st.checkbox(
        t("Gem de gyldige rækker, og læg de afviste i karantæne"), key="upload_skip", value=False
    )
    sets = {k: v for k, v in (("network", network), ("region", region)) if v}
    user = st.session_state.get("user_name") or "data-siden"

    for f in files or []:
        st.subheader(f.name)
        data = f.getvalue()
        plan = upload.run_upload(
            con, f.name, data, kind=kind, set_values=sets, commit=False, user=user, skip_invalid=skip_invalid
        )
        st.dataframe(upload.results_frame(plan, L), hide_index=True)
        errors = upload.problems_frame(plan, L)
        if not errors.empty:
            st.error(t("Fejl: rækkerne herunder kan ikke indlæses. Ret dem i regnearket, og upload igen."))
            st.dataframe(errors, hide_index=True)
        warnings = upload.problems_frame(plan, L, warnings=True)
        if not warnings.empty:
            st.warning(t("Advarsler: indlæsningen kan gemmes, men tjek disse."))
            st.dataframe(warnings, hide_index=True)
        changes = upload.changes_frame(plan, L)
        if not changes.empty:
            with st.expander(t("Ændringer i rækker, der allerede findes") + f" ({len(changes)})"):
                st.dataframe(changes, hide_index=True)
        can_save = any(r.status == "planned" and (skip_invalid or not r.errors) for r in plan) and not (
            any(r.status == "rejected" for r in plan)
        )
        if st.button(t("Gem"), key=f"save_{f.file_id}", disabled=not can_save, type="primary"):
            done = upload.run_upload(
                con,
                f.name,
                data,
                kind=kind,
                set_values=sets,
                commit=True,
                user=user,
                skip_invalid=skip_invalid,
            )
            db.clear_caches()
            loaded = [r for r in done if r.status == "loaded"]
            if loaded:
                st.success(t("Gemt som indlæsning") + " " + ", ".join(str(r.batch_id) for r in loaded) + ".")
            else:
                st.info(t("Intet blev gemt."))

with tab_hist:
    hist = upload.history_frame(con, L)
    if hist.empty:
        st.info(t("Ingen indlæsninger endnu. Upload et regneark under Upload, eller kør `make demo`."))
    else:
        st.dataframe(hist, hide_index=True)
        ids = [int(x) for x in hist.iloc[:, 0]]
        c1, c2 = st.columns(2)
        chosen = c1.selectbox(t("Indlæsning"), ids, key="hist_batch")
        if c1.button(t("Fortryd indlæsningen"), key="undo_btn"):
            ok, msg = upload.undo_batch(con, int(chosen), user)
            db.clear_caches()
            (st.success if ok else st.error)(msg)
        orig = upload.original(con, int(chosen))
        if orig:
            c2.download_button(t("Hent den oprindelige fil"), orig[1], file_name=orig[0], key="orig_dl")

with tab_tpl:
    st.write(
        t(
            "Skabelonerne har danske overskrifter, rullelister og vejledning. En udfyldt skabelon kan uploades direkte."
        )
    )
    st.download_button(
        t("Hent alle skabeloner (.zip)"),
        upload.templates_zip(L),
        file_name="overblik_skabeloner.zip",
        key="tpl_dl",
    )
