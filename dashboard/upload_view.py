"""The data page's parts: the upload settings, a file's preview as rows, the receipt, quarantine,
history and templates. Logic lives in dashboard/upload.py; this module only draws."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

import store
from dashboard import access, db, errors, queries, safe, upload
from dashboard import format as fmt
from dashboard.i18n import lang, t
from loaders.history import current_user
from loaders.ingest import FilePlan, Options
from loaders.kinds import KINDS
from loaders.plan import SheetPlan
from loaders.quarantine import marked_sheet, quarantined

BIG_FILE = 200_000  # bytes: above this (a few thousand rows) the stages are shown as they run
SHOWN_PROBLEMS = 100


def who() -> str:
    """Who is uploading: the logged-in user, or without a login the OS user or OVERBLIK_USER."""
    w = access.who()
    return w.name if w else current_user()


def _undo_or_redo(con: Any, batch_id: int, L: str, only_undo: bool = False) -> tuple[bool, str]:
    """Undo or redo a batch (only_undo: never redo); a done one is in the audit log."""
    ok, msg, verb = upload.undo_or_redo(con, batch_id, who(), L, only_undo=only_undo)
    if ok:
        access.audit(verb, "data", f"batch {batch_id}")
    return ok, msg


def static_table(df: pd.DataFrame) -> None:
    """A small table whose messages wrap in full (st.table renders markdown: every cell is escaped)."""
    shown = df.drop(columns=["code"], errors="ignore").copy()
    shown.columns = [safe.md(c) for c in shown.columns]
    for c in shown.columns:
        shown[c] = [safe.md("" if v is None or v != v else v) for v in shown[c]]
    st.table(shown, hide_index=True)


# ---------------------------------------------------------------- settings


# The settings of one upload: back to their defaults once it is saved, so the next file never
# quietly gets the last one's network.
SETTINGS = {
    "upload_kind": "", "upload_network": None, "upload_region": None, "upload_other_field": None,
    "upload_other_value": "", "upload_replace": False, "upload_skip": False,
}  # fmt: skip


def settings() -> Options:
    """What applies to every file chosen: kind, values for the whole sheet, whole-list mode."""
    L = lang()
    kinds = {"": t("Genkend automatisk")} | {k: upload.kind_label(k, L) for k in KINDS}
    c1, c2, c3 = st.columns(3)
    kind = (
        c1.selectbox(
            t("Indhold"), list(kinds), format_func=kinds.get, key="upload_kind", placeholder=t("Vælg indhold")
        )
        or None
    )
    networks, regions = queries.known_networks(), queries.known_regions()
    network = c2.selectbox(
        t("Netværk for hele arket (hvis arket ikke har kolonnen)"),
        networks,
        index=None,
        key="upload_network",
        accept_new_options=True,
        placeholder=t("Vælg, eller skriv et nyt"),
    )
    region = c3.selectbox(
        t("Region for hele arket (hvis arket ikke har kolonnen)"),
        regions,
        index=None,
        key="upload_region",
        accept_new_options=True,
        placeholder=t("Vælg, eller skriv en ny"),
    )
    # A name typed that is not in the list makes a new network or region on saving: said before, so a
    # typo ("AI-Innovations") is not saved as a second network beside the real one.
    if network and network not in networks:
        st.info(t("'{name}' er et nyt netværk: det oprettes, når du gemmer. Er det et netværk, der findes, "
                  "så vælg det i listen.").format(name=safe.md(network)), icon=":material/add_circle:")  # fmt: skip
    if region and region not in regions:
        st.info(t("'{name}' er en ny region: den oprettes, når du gemmer. Er det en region, der findes, "
                  "så vælg den i listen.").format(name=safe.md(region)), icon=":material/add_circle:")  # fmt: skip
    sets = {k: v for k, v in (("network", network), ("region", region)) if v}
    with st.expander(t("Flere valg")):
        fields = {f.name: f for k in ([KINDS[kind]] if kind else KINDS.values()) for f in k.fields}
        names = sorted(n for n in fields if n not in ("network", "region"))
        fc1, fc2 = st.columns(2)
        other = fc1.selectbox(
            t("Endnu en værdi for hele arket: kolonne"),
            names,
            index=None,
            format_func=lambda n: fields[n].label_in(L),
            key="upload_other_field",
            placeholder=t("Vælg en kolonne"),
        )
        value = fc2.text_input(t("Værdi"), key="upload_other_value")
        if other and value.strip():
            sets[other] = value.strip()
        replace = st.checkbox(
            t("Arket er hele listen"),
            key="upload_replace",
            help=t(
                "Sæt hak, når arket er den fulde liste for sit område (fx alle medlemmer af ét netværk). "
                "Rækker i databasen, som arket ikke har, fjernes da; forhåndsvisningen viser hvilke, og det kan "
                "fortrydes. Uden hak beholdes de."
            ),
        )
        skip_invalid = st.checkbox(
            t("Gem de gyldige rækker, og sæt rækker med fejl til side"),
            key="upload_skip",
            help=t(
                "Rækker med fejl gemmes ikke, men listes under 'Sat til side' med deres fejl, og du kan hente dit "
                "ark med fejlene markeret med rødt. Når du uploader arket rettet, forsvinder de fra listen."
            ),
        )
    return Options(kind, sets, replace, skip_invalid)


# ---------------------------------------------------------------- one file


def _progress_reporter(name: str, size: int) -> tuple[Any, Any]:
    """A progress bar with the stage in words for a big file (a 100k-row upload never looks frozen)."""
    if size < BIG_FILE:
        return None, None
    bar = st.progress(
        0.0, text=safe.md(t("Læser {name} …").format(name=name))
    )  # st.progress renders markdown
    stages = {
        "read": (0.05, t("Læser filen …")),
        "check": (0.2, t("Tjekker rækkerne …")),
        "plan": (0.8, t("Sammenligner med databasen …")),
        "save": (0.9, t("Gemmer …")),
    }

    rows = [0]  # rows read, once reading is done: every later stage says how many

    def report(stage: str, done: int, total: int) -> None:
        start, text = stages.get(stage, (0.0, stage))
        share = start + (0.6 * done / total if stage == "check" and total else 0)
        if stage == "read" and done:
            rows[0] = done
            start, text = 0.2, t("{rows} rækker læst …").format(rows=fmt.number(done, lang()))
        if stage == "check" and total:
            text = t("Tjekker ark {i} af {n} …").format(i=done + 1, n=total)
        if rows[0] and stage != "read":
            text += " " + t("({rows} rækker)").format(rows=fmt.number(rows[0], lang()))
        bar.progress(min(share if stage != "read" else start, 1.0), text=text)

    return bar, report


def plan_for(con: Any, name: str, data: bytes, options: Options) -> FilePlan | None:
    """The file's plan: made once per file and settings, kept across reruns of the page."""
    plans: dict[str, FilePlan] = st.session_state.setdefault("plans", {})
    key = upload.plan_key(data, options)
    if key not in plans:
        bar, report = _progress_reporter(name, len(data))
        try:
            plans[key] = upload.plan_upload(con, name, data, options, report)
        except Exception as exc:  # our own bug: an error id, never a traceback
            errors.show_internal(exc)
            return None
        finally:
            if bar is not None:
                bar.empty()
    return plans[key]


def preview(con: Any, name: str, data: bytes, options: Options, file_key: str) -> None:
    """A file's plan as rows: what will be added, changed, removed, skipped, and every problem."""
    L = lang()
    st.subheader(safe.md(name))
    fp = plan_for(con, name, data, options)
    if fp is None:
        return
    for p in fp.sheets:
        if p.status == "not_data":
            st.caption(safe.md(t("Arket '{sheet}' er ikke data og springes over.").format(sheet=p.sheet)))
            continue
        _sheet(p, L)
    _problems(fp, L)
    key = upload.plan_key(data, options)
    c1, c2, _ = st.columns([2, 1, 3])
    c1.button(
        t("Gem ({what})").format(what=upload.save_counts(fp, lang())) if fp.can_commit else t("Gem"),
        key=f"save_{file_key}",
        type="primary",
        disabled=not fp.can_commit,
        on_click=_save,
        args=(con, key, file_key),
    )
    c2.button(t("Tjek igen"), key=f"replan_{file_key}", on_click=_forget, args=(key,))


def _sheet(p: SheetPlan, L: str) -> None:
    kind = upload.kind_label(p.kind, L)
    if not p.sheet and p.validated is None:
        return  # the file was refused whole: the message below says why
    name = f"**{safe.md(p.sheet)}**" + (
        f" · {safe.md(kind)}" if kind.casefold() != p.sheet.casefold() else ""
    )
    st.markdown(f"{name} · {safe.md(upload.sheet_line(p, L))}")
    v = p.validated
    if v is not None:
        for s in v.sections:
            st.caption(
                safe.md(
                    t("Rækken '{text}' (række {row})").format(text=s.text, row=s.row)
                    + " "
                    + upload.section_effect(s.sets, s.records, L)
                    + "."
                )
            )
        st.caption(
            safe.md(
                t(
                    "Overskriften står i række {header}. Af de {below} rækker under den kan {ok} gemmes, "
                    "{bad} afvises og {skip} springes over."
                ).format(
                    below=v.rows_below_header,
                    header=v.header_row,
                    ok=p.accepted,
                    bad=p.rows["rejected"],
                    skip=p.rows["skipped"],
                )
            )
        )
    if p.rows["missing"]:
        st.info(
            t(
                "{n} rækker i databasen mangler i arket. De beholdes; sæt hak i 'Arket er hele listen' under "
                "Flere valg, hvis de skal fjernes."
            ).format(n=p.rows["missing"])
        )
    tabs: list[tuple[str, Any]] = []
    if p.rows["new"]:
        tabs.append((t("Nye ({n})").format(n=p.rows["new"]), lambda: upload.rows_frame(p, "new", L)))
    if p.rows["changed"]:
        tabs.append((t("Ændrede ({n})").format(n=p.rows["changed"]), lambda: upload.changes_frame(p, L)))
    if p.rows["removed"]:
        tabs.append(
            (t("Fjernes ({n})").format(n=p.rows["removed"]), lambda: upload.stored_frame(p, p.removed, L))
        )
    if p.rows["missing"]:
        tabs.append(
            (
                t("Mangler i arket ({n})").format(n=p.rows["missing"]),
                lambda: upload.stored_frame(p, p.kept, L),
            )
        )
    if p.rows["unchanged"]:
        tabs.append(
            (
                t("Findes allerede ({n})").format(n=p.rows["unchanged"]),
                lambda: upload.rows_frame(p, "unchanged", L),
            )
        )
    if p.rows["skipped"]:
        tabs.append(
            (t("Sprunget over ({n})").format(n=p.rows["skipped"]), lambda: upload.skipped_frame(p, L))
        )
    if not tabs:
        return
    for tab, (label, frame) in zip(st.tabs([label for label, _ in tabs]), tabs, strict=True):
        with tab:
            df = _with_constants_said(frame())
            if len(df) >= 1000:
                st.caption(t("Viser de første 1.000 rækker."))
            after = t("Efter")
            if label.startswith(t("Ændrede")) and after in df.columns:
                # The new value stands out: the cell that will change.
                styled = df.style.set_properties(subset=[after], **{"background-color": "#fff3bf"})
                st.dataframe(styled, hide_index=True, placeholder="")
            else:
                st.dataframe(df, hide_index=True, placeholder="")


def _fix_for(cause: Any, L: str) -> str:
    """What on this page fixes a cause at once (a column the sheet lacks: a value for the whole sheet)."""
    if cause.code != "sheet.missing_column":
        return ""
    if cause.field == "network":
        return t("Vælg netværket i 'Netværk for hele arket' ovenfor, eller tilføj kolonnen i arket.", L)
    if cause.field == "region":
        return t("Vælg regionen i 'Region for hele arket' ovenfor, eller tilføj kolonnen i arket.", L)
    return t(
        "Angiv værdien under Flere valg, 'Endnu en værdi for hele arket', eller tilføj kolonnen i arket.", L
    )


def _with_constants_said(df: pd.DataFrame) -> pd.DataFrame:
    """A column with one value in every row (the network set for the whole sheet) is said once
    above the table instead: the columns that differ fit, on a phone too."""
    if len(df) < 2:
        return df
    same = [
        c for c in df.columns[1:]
        if df[c].notna().all() and df[c].nunique() == 1 and not pd.api.types.is_bool_dtype(df[c])
    ]  # fmt: skip
    if not same or len(same) == len(df.columns) - 1:
        return df
    st.caption(safe.md(t("Alle rækker") + ": " + "; ".join(f"{c}: {df[c].iloc[0]}" for c in same)))
    return df.drop(columns=same)


def _problems(fp: FilePlan, L: str) -> None:
    all_errors = [e for p in fp.sheets for e in p.errors]
    cause = [e for e in all_errors if e.row is None or e.code.startswith("sheet.")]
    first = cause[0] if fp.rejected and cause else None
    # The cause is said once, above, with what fixes it; the table lists the rest, rows first.
    errs = upload.problems_frame(fp.sheets, L, leave_out=first)
    if all_errors:
        if fp.rejected:
            if first is None:
                text = t("Filen kan ikke gemmes, før fejlene herunder er rettet. Intet er gemt.")
                if any(p.accepted for p in fp.sheets):
                    text += " " + t(
                        "Eller sæt hak i 'Gem de gyldige rækker, og sæt rækker med fejl til side' under Flere valg."
                    )
            else:
                text = t("Filen kan ikke gemmes. Først: {cause}").format(cause=first.message(L))
                fix = _fix_for(first, L)
                text += (" " + fix) if fix else ""
            st.error(safe.md(text))
        else:
            st.warning(t("Rækkerne herunder sættes til side; resten kan gemmes."))
        rest = errs
        if len(rest):
            static_table(rest.head(SHOWN_PROBLEMS))
        if len(errs) > SHOWN_PROBLEMS:  # (errs: every problem but the cause said above)
            st.caption(
                t("Viser {n} af {m} fejl. Hent dem alle herunder.").format(n=SHOWN_PROBLEMS, m=len(errs))
            )
        if fp.content:
            st.download_button(
                t("Hent dit ark med fejlene markeret (.xlsx)"),
                lambda: marked_sheet(
                    fp.content, fp.file, errs.rename(columns=_KEYS(L)).to_dict("records"), L
                ),
                file_name=f"fejl_{fp.file.rsplit('.', 1)[0]}.xlsx",
                key=f"marked_{fp.sha}",
                on_click="ignore",
            )
    warns = upload.problems_frame(fp.sheets, L, warnings=True)
    if not warns.empty:
        st.warning(t("Tjek dette; det forhindrer ikke, at arket gemmes."))
        static_table(warns.head(SHOWN_PROBLEMS))


def _KEYS(L: str) -> dict[str, str]:  # noqa: N802 - a table of column names
    return {t("Ark", L): "sheet", t("Række", L): "row", t("Kolonne", L): "column", t("Besked", L): "message"}


def _forget(key: str) -> None:
    st.session_state.setdefault("plans", {}).pop(key, None)


def _save(con: Any, key: str, file_key: str) -> None:
    """Commit the plan shown; on success a receipt replaces the preview and the file leaves the list."""
    L = lang()
    fp: FilePlan | None = st.session_state.setdefault("plans", {}).get(key)
    if fp is None:
        return
    try:
        with st.spinner(t("Gemmer …")):  # the plan is made: saving is the commit alone
            problem = upload.save(con, fp, who())
    except Exception as exc:
        st.session_state["save_error"] = errors.report(exc)
        return
    if problem is not None:
        st.session_state["save_problem"] = problem.message(L)
        _forget(key)  # plan again against what is there now
        return
    db.clear_caches()
    loaded = [p for p in fp.sheets if p.status == "loaded"]
    access.audit("upload", "data", f"{fp.file}: batch {', '.join(str(p.batch_id) for p in loaded)}")
    st.session_state.setdefault("receipts", []).insert(
        0,
        {
            "file": fp.file,
            "lines": [upload.receipt(p, L) for p in loaded],
            "batches": [p.batch_id for p in loaded],
            "pages": sorted({upload.PAGES[p.kind] for p in loaded if p.kind in upload.PAGES}),
        },
    )
    st.session_state.setdefault("saved_files", set()).add(file_key)
    _forget(key)
    st.session_state.update(SETTINGS)


def messages(con: Any) -> None:
    """What the last Save said: a receipt with links and an undo, or why nothing was saved."""
    if (msg := st.session_state.pop("save_problem", None)) is not None:
        st.error(safe.md(msg))
    if (done := st.session_state.pop("undo_result", None)) is not None:
        st.success(safe.md(done))
    if (error_id := st.session_state.pop("save_error", None)) is not None:
        st.error(
            t(
                "Der opstod en fejl i Overblik (fejl-id {id}). Intet er gemt. Prøv igen; sker det igen, "
                "så giv fejl-id'et til den, der driver Overblik."
            ).format(id=error_id)
        )
    live_batches = {b["batch_id"] for b in upload.undoable(con) if b["live"]}
    for i, r in enumerate(st.session_state.get("receipts", [])[:3]):
        with st.container(border=True):
            st.success(safe.md(" · ".join(r["lines"]) or r["file"]))
            undone = not any(b in live_batches for b in r["batches"])
            if undone:  # undone since, in the history: no undo that would in fact redo
                st.caption(t("Fortrudt siden (se Historik)."))
            elif st.session_state.get("receipt_confirm") == i:
                _confirm_receipt_undo(con, r, i)
                continue
            cols = st.columns(len(r["pages"]) + 1)
            for col, (page, title) in zip(cols, r["pages"], strict=False):
                col.page_link(
                    page, label=t("Se {page}").format(page=t(title)), icon=":material/arrow_forward:"
                )
            if not undone:
                cols[-1].button(
                    t("Fortryd denne indlæsning"),
                    key=f"receipt_undo_{i}",
                    on_click=lambda i=i: st.session_state.update(receipt_confirm=i),
                )


def _confirm_receipt_undo(con: Any, r: dict[str, Any], i: int) -> None:
    L = lang()
    batches = {b["batch_id"]: b for b in upload.undoable(con)}
    parts = []
    for b in r["batches"]:
        if b in batches:
            what, _ = upload.undo_description(con, batches[b], L)
            parts.append(f"{batches[b]['sheet']}: {what}")
    st.warning(
        safe.md(t("Fortryd indlæsningen af {file}?").format(file=r["file"]) + " " + "; ".join(parts) + ".")
    )

    def undo_all() -> None:
        msgs = [_undo_or_redo(con, b, L, only_undo=True)[1] for b in sorted(r["batches"], reverse=True)]
        db.clear_caches()
        st.session_state["receipts"].remove(r)
        st.session_state["receipt_confirm"] = None
        st.session_state["undo_result"] = " ".join(msgs)

    c1, c2, _ = st.columns([2, 1, 3])
    c1.button(t("Ja, fortryd"), key=f"receipt_yes_{i}", type="primary", on_click=undo_all)
    c2.button(
        t("Annuller"), key=f"receipt_no_{i}", on_click=lambda: st.session_state.update(receipt_confirm=None)
    )


def history(con: Any) -> None:
    """Every upload, newest first; undo one by choosing it, after a confirmation naming it; redo."""
    L = lang()

    def ask(batch_id: int) -> None:
        st.session_state["confirm_batch"] = batch_id

    def act(batch_id: int) -> None:
        ok, msg = _undo_or_redo(con, batch_id, L)
        db.clear_caches()
        st.session_state["hist_result"] = (ok, msg)
        st.session_state["confirm_batch"] = None
        st.session_state["hist_pick"] = None  # never leave a stale upload chosen
        st.session_state["_hist_rows"] = _table_rows()  # the row still marked in the table is done with

    def cancel() -> None:
        st.session_state["confirm_batch"] = None

    result = st.session_state.pop("hist_result", None)
    if result:
        (st.success if result[0] else st.error)(safe.md(result[1]))
    hist = upload.history_frame(con, L)
    if hist.empty:
        st.info(t("Ingen indlæsninger endnu. Upload et regneark under Upload, eller kør `make demo`."))
        return
    st.caption(t("Vælg en række i tabellen, eller vælg indlæsningen herunder."))
    st.dataframe(
        hist,
        hide_index=True,
        key="hist_table",
        placeholder="",
        on_select="rerun",
        selection_mode="single-row",
    )
    batches = {b["batch_id"]: b for b in upload.undoable(con)}
    rows = _table_rows()
    if rows != st.session_state.get("_hist_rows"):  # a row newly chosen in the table picks its upload
        st.session_state["_hist_rows"] = rows
        if rows:
            chosen = int(hist.iloc[rows[0]][t("Nr.", L)])
            st.session_state["hist_pick"] = chosen if chosen in batches else None
            st.session_state["confirm_batch"] = None
    picked = st.selectbox(
        t("Vælg en indlæsning for at fortryde den (eller gendanne en fortrudt)"),
        list(batches),
        index=None,
        format_func=lambda i: upload.batch_label(batches[i], L),
        placeholder=t("Vælg en indlæsning"),
        key="hist_pick",
    )
    if picked is None:
        return
    b = batches[picked]
    what, blocked = upload.undo_description(con, b, L)
    name = f"{b['file_name']} / {b['sheet']}"
    if blocked is not None:
        st.info(
            safe.md(
                t("Indlæsning {n} kan ikke fortrydes, før indlæsning {later} er fortrudt.").format(
                    n=picked, later=blocked
                )
            )
        )
    elif st.session_state.get("confirm_batch") == picked:
        question = (
            t("Fortryd indlæsning {n} ({name}, {when}, af {who})? Det betyder: {what}.")
            if b["live"]
            else t("Gendan indlæsning {n} ({name}, {when}, af {who})? Det betyder: {what}.")
        )
        when = upload.when(b["uploaded_at"])
        st.warning(safe.md(question.format(n=picked, name=name, what=what, when=when, who=b["uploaded_by"])))
        c1, c2, _ = st.columns([2, 1, 3])
        c1.button(
            (t("Ja, fortryd indlæsning {n}") if b["live"] else t("Ja, gendan indlæsning {n}")).format(
                n=picked
            ),
            key="confirm_yes",
            type="primary",
            on_click=act,
            args=(picked,),
        )
        c2.button(t("Annuller"), key="confirm_no", on_click=cancel)
    else:
        st.caption(safe.md(f"{name}: {what}."))
        st.button(
            (t("Fortryd indlæsning {n}…") if b["live"] else t("Gendan indlæsning {n}…")).format(n=picked),
            key="undo_btn",
            on_click=ask,
            args=(picked,),
        )
    orig = upload.original(con, int(picked))
    if orig:
        w = access.who()

        def original_bytes(o: tuple[str, bytes] = orig, b: int = int(picked)) -> bytes:
            access.record(w, "download_original", "data", f"{o[0]} (batch {b})")
            return o[1]

        st.download_button(
            t("Hent den oprindelige fil"), original_bytes, file_name=orig[0], key="orig_dl", on_click="ignore"
        )


# ---------------------------------------------------------------- quarantine and templates


def _table_rows() -> list[int]:
    """The rows chosen in the history table (the table's own selection state)."""
    state = st.session_state.get("hist_table")
    try:
        return list(state["selection"]["rows"]) if state else []
    except (KeyError, TypeError):
        return []


def quarantine(con: Any) -> None:
    """Rows set aside, with their reasons, and the user's own sheet with the cells marked."""
    L = lang()
    rows = quarantined(store.cursor(con), L)
    if not rows:
        st.info(t("Ingen rækker er sat til side."))
        return
    st.caption(
        t(
            "Rækker, der ikke blev gemt, fordi de havde fejl. Ret dem i dit eget ark (hent det med fejlene markeret "
            "med rødt), og upload det igen: så forsvinder de herfra."
        )
    )
    df = pd.DataFrame(rows)
    for batch, part in df.groupby("batch_id", sort=False):
        first = part.iloc[0]
        st.markdown(
            f"**{safe.md(first['file'])} / {safe.md(first['sheet'])}** · "
            + safe.md(
                t("indlæsning {b}, {when}, {who}").format(
                    b=batch, when=first["uploaded_at"][:16].replace("T", " "), who=first["uploaded_by"]
                )
            )
        )
        static_table(
            part[["row", "column", "value", "message"]].rename(
                columns={
                    "row": t("Række"),
                    "column": t("Kolonne"),
                    "value": t("Værdi"),
                    "message": t("Besked"),
                }
            )
        )
        original = upload.original(con, int(batch))
        if original:
            w = access.who()

            def marked(
                o: tuple[str, bytes] = original, p: Any = part, b: int = int(batch), w: Any = w
            ) -> bytes:
                access.record(w, "download_original", "data", f"{o[0]} (batch {b}, marked)")
                return marked_sheet(o[1], o[0], p.to_dict("records"), L)

            st.download_button(
                t("Hent arket med fejlene markeret (.xlsx)"),
                marked,
                file_name=f"fejl_{original[0].rsplit('.', 1)[0]}.xlsx",
                key=f"q_marked_{batch}",
                on_click="ignore",
            )


def templates() -> None:
    """One template per kind, each with its required columns, and all of them as one .zip."""
    L = lang()
    st.write(
        t(
            "Skabelonerne har danske overskrifter, rullelister og en vejledning. Kolonner markeret med * skal "
            "udfyldes. En udfyldt skabelon kan uploades direkte."
        )
    )
    for kind in KINDS.values():
        required = [f.label_in(L) for f in kind.required] + [
            t(" eller ", L).join(kind.field(a).label_in(L) for a in alternatives.split("|"))
            for alternatives in kind.required_somewhere
        ]
        c1, c2 = st.columns([3, 1])
        c1.markdown(
            f"**{safe.md(upload.kind_label(kind.name, L))}**  \n"
            + safe.md(t("Skal udfyldes") + ": " + (", ".join(required) or t("se vejledningen")))
        )
        c2.download_button(
            t("Hent {kind}").format(kind=upload.kind_label(kind.name, L).lower()),
            lambda k=kind.name: upload.template(k, L),
            file_name=upload.FILE_NAMES[kind.name],
            key=f"tpl_{kind.name}",
            on_click="ignore",
        )
    st.download_button(
        t("Hent alle skabeloner (.zip)"),
        lambda: upload.templates_zip(L),
        file_name="overblik_skabeloner.zip",
        key="tpl_dl",
        on_click="ignore",
    )
