"""Data: upload a sheet, see exactly what will change, save it, and undo; templates to download."""

import streamlit as st

from dashboard import db, safe, upload
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
        st.subheader(safe.md(f.name))
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
    # Actions run in callbacks, before the page is drawn again: the table below is always current.
    def _ask(batch_id: int) -> None:
        st.session_state["confirm_batch"] = batch_id

    def _act(batch_id: int) -> None:
        ok, msg = upload.undo_or_redo(con, batch_id, user, L)
        db.clear_caches()
        st.session_state["hist_result"] = (ok, msg)
        st.session_state["confirm_batch"] = None
        st.session_state["hist_pick"] = None  # never leave a stale upload chosen

    def _cancel() -> None:
        st.session_state["confirm_batch"] = None

    result = st.session_state.pop("hist_result", None)
    if result:
        (st.success if result[0] else st.error)(safe.md(result[1]))
    hist = upload.history_frame(con, L)
    if hist.empty:
        st.info(t("Ingen indlæsninger endnu. Upload et regneark under Upload, eller kør `make demo`."))
    else:
        st.dataframe(hist, hide_index=True, key="hist_table")
        batches = {b["batch_id"]: b for b in upload.undoable(con)}
        picked = st.selectbox(
            t("Vælg en indlæsning for at fortryde den (eller gendanne en fortrudt)"),
            list(batches),
            index=None,
            format_func=lambda i: upload.batch_label(batches[i], L),
            placeholder=t("Vælg en indlæsning"),
            key="hist_pick",
        )
        if picked is not None:
            b = batches[picked]
            what, blocked = upload.undo_description(con, b, L)
            name = f"{b['file_name']} / {b['sheet']}"
            verb = t("Fortryd") if b["live"] else t("Gendan")
            if blocked is not None:
                st.info(
                    safe.md(
                        t("Indlæsning {n} kan ikke fortrydes, før indlæsning {later} er fortrudt.").format(
                            n=picked, later=blocked
                        )
                    )
                )
            elif st.session_state.get("confirm_batch") == picked:
                st.warning(
                    safe.md(f"{verb} {t('indlæsning')} {picked} ({name})? ")
                    + safe.md(t("Det betyder") + f": {what}.")
                )
                c1, c2, _ = st.columns([2, 1, 3])
                c1.button(
                    f"{t('Ja')}, {verb.lower()} {t('indlæsning')} {picked}",
                    key="confirm_yes",
                    type="primary",
                    on_click=_act,
                    args=(picked,),
                )
                c2.button(t("Annuller"), key="confirm_no", on_click=_cancel)
            else:
                st.caption(safe.md(f"{name}: {what}."))
                st.button(
                    f"{verb} {t('indlæsning')} {picked}…", key="undo_btn", on_click=_ask, args=(picked,)
                )
            orig = upload.original(con, int(picked))
            if orig:
                st.download_button(t("Hent den oprindelige fil"), orig[1], file_name=orig[0], key="orig_dl")

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
