"""The data page's logic, kept out of the page script: plan, commit and present an upload.

Calls the same loader functions as the command line (loaders.ingest), so a sheet behaves the
same whichever way it arrives. A plan is made once per file and settings and kept; Save
commits exactly that plan.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

import store
from dashboard import format as fmt
from dashboard.format import DANISH_TIME
from dashboard.i18n import nt, t
from loaders.history import chain_head, history, live, original_file, redo, undo, undo_preview
from loaders.ingest import FilePlan, Options, Progress, commit_plan, plan_file
from loaders.kinds import KINDS
from loaders.plan import SheetPlan
from loaders.problems import LoaderError, Problem
from loaders.templates import FILE_NAMES, write_template, write_templates
from translations import N_

STATUS = {
    "loaded": N_("Gemt"),
    "duplicate": N_("Intet at ændre: alle rækker findes allerede"),
    "rejected": N_("Afvist: intet gemmes"),
    "planned": N_("Klar til at gemme"),
    "not_data": N_("Ikke data (springes over)"),
}
SKIP_REASON = {
    "title": N_("Titel over overskriften"),
    "total": N_("Totalrække"),
    "repeated_header": N_("Gentaget overskrift"),
    "section": N_("Sektionsrække"),
}


def plan_key(data: bytes, options: Options) -> str:
    """What a plan depends on: the file's bytes and the settings it was planned with."""
    h = hashlib.sha256(data)
    h.update(repr(sorted(options.as_json().items())).encode())
    return h.hexdigest()


def plan_upload(
    con: duckdb.DuckDBPyConnection, name: str, data: bytes, options: Options, progress: Progress | None = None
) -> FilePlan:
    """Plan an uploaded file through the loader path; nothing is written."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"upload{suffix}"
        path.write_bytes(data)
        cur = store.cursor(con)  # the loader's registrations live on their own cursor
        try:
            return plan_file(cur, path, display_name=name, options=options, progress=progress)
        finally:
            cur.close()


def save(
    con: duckdb.DuckDBPyConnection, fp: FilePlan, user: str, progress: Progress | None = None
) -> Problem | None:
    """Commit the plan as previewed; the problem when it cannot be (the data changed since)."""
    cur = store.cursor(con)
    try:
        commit_plan(cur, fp, user=user, progress=progress)
    except LoaderError as e:
        return e.problem
    finally:
        cur.close()
    return None


def kind_label(kind: str | None, lang: str) -> str:
    """A kind's name in the UI language."""
    if kind not in KINDS:
        return ""
    return KINDS[kind].label_in(lang)


def sheet_line(p: SheetPlan, lang: str) -> str:
    """One line per sheet: what will happen, in words and counts."""
    r = p.rows
    status = t(STATUS.get(p.status, p.status), lang)
    if p.status == "not_data":
        return status
    if p.status == "rejected":
        # Nothing will be saved: the counts of what would have been are not said as if they were.
        bad = r["rejected"]
        line = status
        if bad:
            line += ": " + nt("{n} række har fejl", "{n} rækker har fejl", bad, lang).format(n=bad)
        if p.accepted and bad:
            line += "; " + nt(
                "{n} række er gyldig og kan gemmes, hvis du vælger at sætte rækker med fejl til side",
                "{n} rækker er gyldige og kan gemmes, hvis du vælger at sætte rækker med fejl til side",
                p.accepted,
                lang,
            ).format(n=p.accepted)
        return line
    parts = [
        _count(key, r[key], lang) for key in ("new", "changed", "removed", "unchanged", "rejected", "skipped")
    ]
    parts = [x for x in parts if x]
    return status + (": " + ", ".join(parts) if parts else "")


def _count(key: str, n: int, lang: str) -> str:
    """'1 ny', '2 nye', '1 ændret', ...: a count of rows in words, '' for none."""
    if not n:
        return ""
    if key == "new":
        text = nt("{n} ny", "{n} nye", n, lang)
    elif key == "changed":
        text = nt("{n} ændret", "{n} ændrede", n, lang)
    else:
        words = {
            "removed": N_("{n} fjernes"),
            "unchanged": N_("{n} findes allerede"),
            "rejected": N_("{n} afvist"),
            "skipped": N_("{n} sprunget over"),
        }
        text = t(words[key], lang)
    return text.format(n=n)


# One of a kind's rows, for '1 ny deltager' (the kinds' labels are plural).
SINGULAR = {
    "participants": N_("deltager"), "meetings": N_("møde"), "eu_projects": N_("EU-projekt"),
    "eu_partners": N_("EU-projektpartner"), "pools": N_("pulje"), "allocations": N_("bevilling"),
    "networks": N_("netværk"), "org_aliases": N_("organisation"),
}  # fmt: skip


def save_counts(fp: FilePlan, lang: str) -> str:
    """What Save will do, in counts: '2 nye, 1 ændret, 3 fjernes'."""
    total = {
        k: sum(p.rows[k] for p in fp.sheets if p.status == "planned") for k in ("new", "changed", "removed")
    }
    parts = []
    if total["new"]:
        parts.append(nt("{n} ny", "{n} nye", total["new"], lang).format(n=total["new"]))
    if total["changed"]:
        parts.append(nt("{n} ændret", "{n} ændrede", total["changed"], lang).format(n=total["changed"]))
    if total["removed"]:
        parts.append(t("{n} fjernes", lang).format(n=total["removed"]))
    return ", ".join(parts)


def _field_labels(kind: str, lang: str) -> dict[str, str]:
    """Table column -> the header the kind's template uses for it."""
    return {f.stored_in: f.label_in(lang) for f in KINDS[kind].fields if f.stored_in is not None}


def rows_frame(p: SheetPlan, status: str, lang: str, limit: int = 1000) -> pd.DataFrame:
    """The incoming rows of one status (new, changed, unchanged), as the sheet's own columns."""
    if p.incoming is None or p.kind is None:
        return pd.DataFrame()
    labels = _field_labels(p.kind, lang)
    table = p.incoming
    import pyarrow.compute as pac

    table = table.filter(pac.equal(table.column("_status").cast("string"), status)).slice(0, limit)
    df = table.select(["src_row"] + [c for c in labels if c in table.column_names]).to_pandas()
    df = df.dropna(axis=1, how="all")
    return df.rename(columns={"src_row": t("Række", lang), **labels})


def changes_frame(p: SheetPlan, lang: str) -> pd.DataFrame:
    """Changed rows, field by field: the old value and the new (first, so a phone shows them)."""
    labels = _field_labels(p.kind, lang) if p.kind else {}
    return pd.DataFrame(
        [
            {
                t("Række", lang): c["row"],
                t("Felt", lang): labels.get(c["field"], c["field"]),
                t("Før", lang): _shown(c["old"], lang),
                t("Efter", lang): _shown(c["new"], lang),
                t("Hvem/hvad", lang): " · ".join(str(k) for k in c["key"].split(" | ") if k),
            }
            for c in p.changes
        ]
    )


def stored_frame(p: SheetPlan, rows: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """Stored rows (to be removed, or kept though missing from the sheet) with their source."""
    if not rows:
        return pd.DataFrame()
    labels = _field_labels(p.kind, lang) if p.kind else {}
    df = pd.DataFrame(rows).drop(columns=["project_key"], errors="ignore")
    df = df.rename(
        columns={"batch_id": t("Indlæsning", lang), "src_row": t("Række i sin fil", lang), **labels}
    )
    return df.dropna(axis=1, how="all")


def skipped_frame(p: SheetPlan, lang: str) -> pd.DataFrame:
    """Rows below the header that are not data, with the reason and what a section row did."""
    v = p.validated
    if v is None:
        return pd.DataFrame()
    effect = {s.row: s for s in v.sections}
    rows = []
    for s in v.skipped:
        if s.reason == "title":
            continue  # above the header: said in the sheet's caption
        why = t(SKIP_REASON.get(s.reason, s.reason), lang)
        if s.row in effect:
            sec = effect[s.row]
            why += ": " + section_effect(sec.sets, sec.records, lang)
        rows.append({t("Række", lang): s.row, t("Hvorfor", lang): why, t("Indhold", lang): s.text or ""})
    return pd.DataFrame(rows)


def section_effect(sets: dict[str, object], records: int, lang: str) -> str:
    """'markerer de næste 4 som eksterne' and the like."""
    if "is_external" in sets:
        what = t("eksterne", lang) if sets["is_external"] else t("interne", lang)
        return t("markerer de næste {n} som {what}", lang).format(n=records, what=what)
    value = next(iter(sets.values()))
    return t("sætter '{value}' på de næste {n}", lang).format(value=value, n=records)


def problems_frame(
    plans: list[SheetPlan], lang: str, warnings: bool = False, leave_out: Problem | None = None
) -> pd.DataFrame:
    """Problems with row, the whole message, column, value and sheet (the row and the message first:
    what a phone shows); the cause (no row) first; leave_out: the cause said above the table."""
    rows: list[dict[str, Any]] = []
    for p in plans:
        items = p.warnings if warnings else p.errors
        for e in sorted(items, key=lambda e: (e.row is not None, e.row or 0)):
            if e is leave_out:
                continue
            rows.append(
                {
                    t("Række", lang): "" if e.row is None else e.row,
                    t("Besked", lang): e.message(lang),
                    t("Kolonne", lang): e.column or "",
                    t("Værdi", lang): "" if e.value is None else str(e.value),
                    t("Ark", lang): e.sheet or p.sheet,
                    "code": e.code,
                }
            )
    return pd.DataFrame(rows)


def receipt(p: SheetPlan, lang: str) -> str:
    """'Gemt: 5 nye deltagere i AI-Innovationsnetværket (indlæsning 9)'."""
    r = p.rows
    parts = []
    n = r["new"]
    if n:
        one = t(SINGULAR[p.kind], lang) if p.kind in SINGULAR else kind_label(p.kind, lang).lower()
        many = kind_label(p.kind, lang)
        many = many if many.isupper() or many[:2].isupper() else many.lower()
        parts.append(nt("{n} ny {what}", "{n} nye {what}", n, lang).format(n=n, what=one if n == 1 else many))
    if r["changed"]:
        parts.append(_count("changed", r["changed"], lang))
    if r["removed"]:
        parts.append(t("{n} fjernet", lang).format(n=r["removed"]))
    if r["rejected"]:
        parts.append(
            nt("{n} række sat til side", "{n} rækker sat til side", r["rejected"], lang).format(
                n=r["rejected"]
            )
        )
    scope = _scope_words(p, lang)
    what_done = ", ".join(parts) or t("ingen ændringer", lang)
    if scope:
        what_done = t("{what} i {scope}", lang).format(what=what_done, scope=scope)
    return t("Gemt: {what} (indlæsning {batch})", lang).format(what=what_done, batch=p.batch_id)


def _scope_words(p: SheetPlan, lang: str) -> str:
    if p.incoming is None or p.kind is None:
        return ""
    for col in ("network", "pool", "region"):
        if col in p.incoming.column_names:
            values = sorted({v for v in p.incoming.column(col).to_pylist() if v})
            if 0 < len(values) <= 2:
                return t(" og ", lang).join(str(v) for v in values)
    return ""


# Which pages show each kind, for the receipt's links.
PAGES = {
    "participants": ("app_pages/people.py", N_("Personer og organisationer")),
    "org_aliases": ("app_pages/people.py", N_("Personer og organisationer")),
    "meetings": ("app_pages/network_activity.py", N_("Netværksaktivitet")),
    "networks": ("app_pages/network_activity.py", N_("Netværksaktivitet")),
    "eu_projects": ("app_pages/eu_projects.py", N_("EU-projekter")),
    "eu_partners": ("app_pages/eu_projects.py", N_("EU-projekter")),
    "pools": ("app_pages/funding_pools.py", N_("Puljer")),
    "allocations": ("app_pages/funding_pools.py", N_("Puljer")),
}


def when(iso: str) -> str:
    """A recorded moment in Danish time, as the page writes times ('02.12.2026 08:14'). Moments are
    recorded in the server's local time (naive): read as such, shown in Danish time."""
    moment = datetime.fromisoformat(iso)
    return moment.astimezone(DANISH_TIME).strftime("%d.%m.%Y %H:%M")


def _shown(value: Any, lang: str) -> str:
    """An old or new value of a changed row as the sheet would write it: dates and amounts Danish."""
    if value is None or value == "":
        return ""
    text = str(value)
    try:
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            return fmt.date_short(date.fromisoformat(text), lang)
    except ValueError:
        pass
    if text in ("True", "False"):
        return t("Ja", lang) if text == "True" else t("Nej", lang)
    return text


def history_frame(con: duckdb.DuckDBPyConnection, lang: str = "da") -> pd.DataFrame:
    """Every batch, newest first, with what became of it."""
    cur = store.cursor(con)
    h = history(cur)
    rows = []
    for b in h:
        action = b["action"]
        if action == "undo":
            what = t("Fortrydelse af {n}", lang).format(n=b["undoes"])
        elif action == "erase":
            what = t("Sletning af en person", lang)
        else:
            what = kind_label(b["kind"], lang) if b["kind"] in KINDS else b["kind"]
        if b["undone_by"] is None:
            state = ""
        elif live(cur, b["batch_id"]):
            state = t("Gendannet af {n}", lang).format(n=chain_head(cur, b["batch_id"]))
        else:
            state = t("Fortrudt af {n}", lang).format(n=b["undone_by"])
        rows.append(  # what a phone shows first: which upload, and what became of it
            {
                t("Nr.", lang): b["batch_id"],
                t("Fil", lang): b["file_name"],
                t("Status", lang): state,
                t("Tidspunkt", lang): when(b["uploaded_at"]),
                t("Af", lang): b["uploaded_by"],
                t("Ark", lang): b["sheet"],
                t("Indhold", lang): what,
                t("Nye", lang): b["rows_new"],
                t("Ændrede", lang): b["rows_changed"],
                t("Fjernet", lang): b["rows_removed"],  # by a whole-list upload
                t("Afviste", lang): b["rows_rejected"],
            }
        )
    cur.close()
    return pd.DataFrame(rows)


def undoable(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The uploads one can undo (or, once undone, redo), newest first, each with its state."""
    cur = store.cursor(con)
    out = [dict(b, live=live(cur, b["batch_id"])) for b in history(cur) if b["action"] == "ingest"]
    cur.close()
    return out


def batch_label(b: dict[str, Any], lang: str = "da") -> str:
    """'Nr. 11 · deltagere.xlsx / Ark1 · 2026-11-29 14:03 · ole' (plain text: a select box option)."""
    no = t("Nr.", lang)
    state = "" if b["live"] else " · " + t("fortrudt", lang)
    return f"{no} {b['batch_id']} · {b['file_name']} / {b['sheet']} · {when(b['uploaded_at'])} · {b['uploaded_by']}{state}"


def undo_description(
    con: duckdb.DuckDBPyConnection, b: dict[str, Any], lang: str = "da"
) -> tuple[str, int | None]:
    """What undoing (or redoing) upload b does, in words; and the batch that blocks it, if any."""
    cur = store.cursor(con)
    try:
        p = undo_preview(cur, chain_head(cur, b["batch_id"]))
    finally:
        cur.close()
    remove, restore = p["remove"], p["restore"]
    parts = []
    if b["live"]:  # an undo: the upload's rows go, what it changed gets its earlier values
        if remove:
            parts.append(nt("{n} række fjernes", "{n} rækker fjernes", remove, lang).format(n=remove))
        if restore:
            parts.append(
                nt(
                    "{n} række får sine tidligere værdier igen",
                    "{n} rækker får deres tidligere værdier igen",
                    restore,
                    lang,
                ).format(n=restore)
            )
    else:  # a redo: the upload's rows come back as it saved them
        if restore:
            parts.append(
                nt(
                    "{n} række kommer tilbage, som indlæsningen gemte den",
                    "{n} rækker kommer tilbage, som indlæsningen gemte dem",
                    restore,
                    lang,
                ).format(n=restore)
            )
        if remove:
            parts.append(
                nt("{n} række fjernes igen", "{n} rækker fjernes igen", remove, lang).format(n=remove)
            )
    return ", ".join(parts) or t("ingen rækker ændres", lang), p["blocked_by"]


def undo_or_redo(
    con: duckdb.DuckDBPyConnection, batch_id: int, user: str | None, lang: str = "da", only_undo: bool = False
) -> tuple[bool, str, str]:
    """Undo a live upload or redo an undone one; (ok, message in the UI language, 'undo' or 'redo').
    only_undo: an undone upload is left as it is (a receipt's undo never redoes)."""
    cur = store.cursor(con)
    verb = "undo"
    try:
        if only_undo and not live(cur, batch_id):
            return False, t("Indlæsning {n} er allerede fortrudt.", lang).format(n=batch_id), verb
        if live(cur, batch_id):
            new = undo(cur, batch_id, user=user)
            msg = t("Indlæsning {n} er fortrudt (registreret som indlæsning {new}).", lang).format(
                n=batch_id, new=new
            )
        else:
            verb = "redo"
            new = redo(cur, batch_id, user=user)
            msg = t("Indlæsning {n} er gendannet (registreret som indlæsning {new}).", lang).format(
                n=batch_id, new=new
            )
        return True, msg, verb
    except LoaderError as e:
        return False, e.problem.message(lang), verb
    finally:
        cur.close()


def original(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, bytes] | None:
    """The original file of a batch."""
    return original_file(store.cursor(con), batch_id)


def template(kind: str, lang: str = "da") -> bytes:
    """One kind's template as .xlsx bytes."""
    with tempfile.TemporaryDirectory() as d:
        return write_template(KINDS[kind], Path(d) / FILE_NAMES[kind], lang).read_bytes()


def templates_zip(lang: str = "da") -> bytes:
    """All templates in one zip, for one download button."""
    with tempfile.TemporaryDirectory() as d:
        paths = write_templates(Path(d), lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in paths:
                z.write(p, p.name)
        return buf.getvalue()
