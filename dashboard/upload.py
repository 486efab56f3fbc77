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

from loaders.ingest import SheetResult, history, ingest_file, original_file, undo
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


def history_frame(con: duckdb.DuckDBPyConnection, lang: str = "da") -> pd.DataFrame:
    """Every batch, newest first, with the Danish labels of the data page."""
    h = history(con.cursor())
    da = lang == "da"
    rows = []
    for b in h:
        action = b["action"]
        if action == "undo":
            what = f"Fortrydelse af {b['undoes']}" if da else f"Undo of {b['undoes']}"
        else:
            what = KINDS[b["kind"]].label_da if b["kind"] in KINDS and da else b["kind"]
        rows.append(
            {
                "Nr." if da else "No.": b["batch_id"],
                "Tidspunkt" if da else "When": b["uploaded_at"].replace("T", " "),
                "Af" if da else "By": b["uploaded_by"],
                "Fil" if da else "File": b["file_name"],
                "Ark" if da else "Sheet": b["sheet"],
                "Indhold" if da else "Content": what,
                "Nye" if da else "New": b["rows_new"],
                "Ændrede" if da else "Changed": b["rows_changed"],
                "Afviste" if da else "Rejected": b["rows_rejected"],
                "Fortrudt af" if da else "Undone by": b["undone_by"],
            }
        )
    return pd.DataFrame(rows)


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: int, user: str | None) -> tuple[bool, str]:
    """Undo a batch; (ok, message in Danish)."""
    cur = con.cursor()
    try:
        new = undo(cur, batch_id, user=user)
        return True, f"Indlæsning {batch_id} er fortrudt (registreret som indlæsning {new})."
    except LoaderError as e:
        return False, e.problem.message()
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
