"""The data page's logic, kept out of the page script: plan, commit and present an upload.

Calls the same loader functions as the command line (loaders.ingest), so a sheet behaves the
same whichever way it arrives.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from loaders.history import chain_head, history, live, original_file, redo, undo, undo_preview
from loaders.ingest import SheetResult, ingest_file
from loaders.kinds import KINDS
from loaders.problems import LoaderError
from loaders.templates import write_templates

STATUS_DA = {
    "loaded": "Indlæst",
    "duplicate": "Dublet: intet ændret",
    "rejected": "Afvist: intet skrevet",
    "planned": "Klar til at gemme",
    "skipped": "Sprunget over",
}
STATUS_EN = {
    "loaded": "Loaded",
    "duplicate": "Duplicate: nothing changed",
    "rejected": "Rejected: nothing written",
    "planned": "Ready to save",
    "skipped": "Skipped",
}


def run_upload(
    con: duckdb.DuckDBPyConnection,
    name: str,
    data: bytes,
    *,
    kind: str | None,
    set_values: dict[str, str],
    commit: bool,
    user: str | None,
    skip_invalid: bool = False,
) -> list[SheetResult]:
    """Plan (commit=False) or load (commit=True) an uploaded file through the loader path."""
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"upload{suffix}"
        path.write_bytes(data)
        cur = con.cursor()  # the loader's temp tables and transaction live on their own cursor
        try:
            return ingest_file(
                cur, path, display_name=name, kind=kind, set_values=set_values,
                dry_run=not commit, skip_invalid=skip_invalid, user=user,
            )  # fmt: skip
        finally:
            cur.close()


def results_frame(results: list[SheetResult], lang: str = "da") -> pd.DataFrame:
    """One line per sheet: what will happen or happened, with the counts."""
    labels = STATUS_EN if lang == "en" else STATUS_DA
    rows = []
    for r in results:
        kind = (
            KINDS[r.kind].label_da
            if r.kind in KINDS and lang == "da"
            else (KINDS[r.kind].label_en if r.kind in KINDS else "")
        )
        rows.append(
            {
                "Ark" if lang == "da" else "Sheet": r.sheet,
                "Type" if lang == "da" else "Kind": kind,
                "Status": labels.get(r.status, r.status),
                "Nye" if lang == "da" else "New": r.rows["new"],
                "Ændrede" if lang == "da" else "Changed": r.rows["changed"],
                "Uændrede" if lang == "da" else "Unchanged": r.rows["unchanged"],
                "Mangler i arket" if lang == "da" else "Missing from sheet": r.rows["missing"],
                "Afviste rækker" if lang == "da" else "Rejected rows": r.rows["rejected"],
            }
        )
    return pd.DataFrame(rows)


def problems_frame(results: list[SheetResult], lang: str = "da", warnings: bool = False) -> pd.DataFrame:
    """Errors (or warnings) with sheet, row, column, value and the message in the UI language."""
    rows: list[dict[str, Any]] = []
    for r in results:
        for p in r.warnings if warnings else r.errors:
            rows.append(
                {
                    "Ark" if lang == "da" else "Sheet": p.sheet or r.sheet,
                    "Række" if lang == "da" else "Row": p.row,
                    "Kolonne" if lang == "da" else "Column": p.column,
                    "Værdi" if lang == "da" else "Value": None if p.value is None else str(p.value),
                    "Besked" if lang == "da" else "Message": p.message(lang),
                    "Kode" if lang == "da" else "Code": p.code,
                }
            )
    return pd.DataFrame(rows)


def changes_frame(results: list[SheetResult], lang: str = "da") -> pd.DataFrame:
    """Field-level changes an upload makes to rows already stored."""
    rows = [
        {
            "Ark" if lang == "da" else "Sheet": r.sheet,
            "Række" if lang == "da" else "Row": c["key"],
            "Felt" if lang == "da" else "Field": c["field"],
            "Før" if lang == "da" else "Before": None if c["old"] is None else str(c["old"]),
            "Efter" if lang == "da" else "After": None if c["new"] is None else str(c["new"]),
        }
        for r in results
        for c in r.changes
    ]
    return pd.DataFrame(rows)


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16]


def history_frame(con: duckdb.DuckDBPyConnection, lang: str = "da") -> pd.DataFrame:
    """Every batch, newest first, with what became of it."""
    cur = con.cursor()
    h = history(cur)
    da = lang == "da"
    rows = []
    for b in h:
        action = b["action"]
        if action == "undo":
            what = f"Fortrydelse af {b['undoes']}" if da else f"Undo of {b['undoes']}"
        else:
            what = (
                (KINDS[b["kind"]].label_da if da else KINDS[b["kind"]].label_en)
                if b["kind"] in KINDS
                else b["kind"]
            )
        if b["undone_by"] is None:
            state = ""
        elif live(cur, b["batch_id"]):
            state = (
                f"Gendannet af {chain_head(cur, b['batch_id'])}"
                if da
                else f"Redone by {chain_head(cur, b['batch_id'])}"
            )
        else:
            state = f"Fortrudt af {b['undone_by']}" if da else f"Undone by {b['undone_by']}"
        rows.append(
            {
                "Nr." if da else "No.": b["batch_id"],
                "Tidspunkt" if da else "When": _when(b["uploaded_at"]),
                "Af" if da else "By": b["uploaded_by"],
                "Fil" if da else "File": b["file_name"],
                "Ark" if da else "Sheet": b["sheet"],
                "Indhold" if da else "Content": what,
                "Nye" if da else "New": b["rows_new"],
                "Ændrede" if da else "Changed": b["rows_changed"],
                "Afviste" if da else "Rejected": b["rows_rejected"],
                "Status": state,
            }
        )
    cur.close()
    return pd.DataFrame(rows)


def undoable(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The uploads one can undo (or, once undone, redo), newest first, each with its state."""
    cur = con.cursor()
    out = [dict(b, live=live(cur, b["batch_id"])) for b in history(cur) if b["action"] == "ingest"]
    cur.close()
    return out


def batch_label(b: dict[str, Any], lang: str = "da") -> str:
    """'Nr. 11 · deltagere.xlsx / Ark1 · 2026-11-29 14:03 · ole' (plain text: a select box option)."""
    no = "Nr." if lang == "da" else "No."
    state = "" if b["live"] else (" · fortrudt" if lang == "da" else " · undone")
    return f"{no} {b['batch_id']} · {b['file_name']} / {b['sheet']} · {_when(b['uploaded_at'])} · {b['uploaded_by']}{state}"


def undo_description(
    con: duckdb.DuckDBPyConnection, b: dict[str, Any], lang: str = "da"
) -> tuple[str, int | None]:
    """What undoing (or redoing) upload b does, in words; and the batch that blocks it, if any."""
    cur = con.cursor()
    try:
        p = undo_preview(cur, chain_head(cur, b["batch_id"]))
    finally:
        cur.close()
    remove, restore = p["remove"], p["restore"]
    if lang == "da":
        parts = []
        if remove:
            parts.append(f"{remove} række{'r' if remove != 1 else ''} fjernes")
        if restore:
            parts.append(f"{restore} række{'r' if restore != 1 else ''} får deres tidligere værdier igen")
        text = ", ".join(parts) or "ingen rækker ændres"
    else:
        parts = []
        if remove:
            parts.append(f"{remove} row{'s' if remove != 1 else ''} removed")
        if restore:
            parts.append(f"{restore} row{'s' if restore != 1 else ''} get their earlier values back")
        text = ", ".join(parts) or "no rows change"
    return text, p["blocked_by"]


def undo_or_redo(
    con: duckdb.DuckDBPyConnection, batch_id: int, user: str | None, lang: str = "da"
) -> tuple[bool, str]:
    """Undo a live upload or redo an undone one; (ok, message in the UI language)."""
    cur = con.cursor()
    try:
        if live(cur, batch_id):
            new = undo(cur, batch_id, user=user)
            msg = (
                f"Indlæsning {batch_id} er fortrudt (registreret som indlæsning {new})."
                if lang == "da"
                else f"Batch {batch_id} has been undone (recorded as batch {new})."
            )
        else:
            new = redo(cur, batch_id, user=user)
            msg = (
                f"Indlæsning {batch_id} er gendannet (registreret som indlæsning {new})."
                if lang == "da"
                else f"Batch {batch_id} has been redone (recorded as batch {new})."
            )
        return True, msg
    except LoaderError as e:
        return False, e.problem.message(lang)
    finally:
        cur.close()


def original(con: duckdb.DuckDBPyConnection, batch_id: int) -> tuple[str, bytes] | None:
    """The original file of a batch."""
    return original_file(con.cursor(), batch_id)


def templates_zip(lang: str = "da") -> bytes:
    """All templates in one zip, for one download button."""
    with tempfile.TemporaryDirectory() as d:
        paths = write_templates(Path(d), lang=lang)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in paths:
                z.write(p, p.name)
        return buf.getvalue()
