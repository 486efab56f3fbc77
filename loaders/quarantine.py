"""Rows set aside, and the user's own sheet with the offending cells marked, to fix and upload again.

A sheet saved without its invalid rows (--skip-invalid, or "save the valid rows" on the data
page) leaves those rows here with their reasons. They stay listed until a later upload loads
the row (same key) or a corrected version of the same sheet of the same file, or the batch that
set them aside is undone.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any

import duckdb

from loaders.history import live
from loaders.parse import normalise_header
from loaders.problems import Problem
from loaders.read import read_file

RED = "F4B6B6"


def quarantined(con: duckdb.DuckDBPyConnection, lang: str = "da") -> list[dict[str, Any]]:
    """Every row still set aside: file, sheet, row, column, value and the reason in lang."""
    rows = con.execute(
        "SELECT q.batch_id, b.file_name, q.sheet, q.row_no, q.col, q.field, q.value, q.code, q.params, "
        "b.uploaded_at, b.uploaded_by FROM quarantine q JOIN batches b ON b.batch_id = q.batch_id "
        "WHERE q.resolved_by IS NULL ORDER BY q.batch_id DESC, q.row_no, q.col"
    ).fetchall()
    out = []
    alive: dict[int, bool] = {}
    for batch, file, sheet, row, col, fld, value, code, params, at, by in rows:
        if batch not in alive:
            alive[batch] = live(con, batch)
        if not alive[batch]:
            continue
        p = Problem(code, file=file, sheet=sheet, row=row, column=col, field=fld, value=value,
                    params=json.loads(params) if params else {})  # fmt: skip
        out.append(
            {
                "batch_id": batch,
                "file": file,
                "sheet": sheet,
                "row": row,
                "column": col,
                "value": value,
                "code": code,
                "message": p.message(lang),
                "uploaded_at": at.isoformat(timespec="seconds"),
                "uploaded_by": by,
            }
        )
    return out


def marked_sheet(original: bytes, file_name: str, problems: list[dict[str, Any]], lang: str = "da") -> bytes:
    """The uploaded workbook's cells, each at its row and column as in the file, with every cell a
    problem names filled red and the reason as a comment (a problem without a column marks its row).
    Built from what the reader read, so a CSV or .xls comes back as .xlsx the same way."""
    from openpyxl import Workbook  # only here: the command line starts without it
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / ("upload" + Path(file_name).suffix.lower())
        path.write_bytes(original)
        sheets = read_file(path, display_name=file_name)
    wb = Workbook()
    wb.remove(wb.active)
    by_sheet: dict[str, list[dict[str, Any]]] = {}
    for p in problems:
        by_sheet.setdefault(p["sheet"], []).append(p)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.sheet[:31] or "Ark")
        cells_by_row = dict(sheet.rows)
        for row_no, cells in cells_by_row.items():
            for ci, value in enumerate(cells):
                if value is not None:
                    ws.cell(row=row_no, column=ci + 1, value=value)
        header = _header_index(cells_by_row)
        for p in by_sheet.get(sheet.sheet, []):
            if not p.get("row"):
                continue
            row_no = int(p["row"])
            col = header.get(normalise_header(p["column"])) if p.get("column") else None
            targets = [col] if col is not None else range(max(1, len(cells_by_row.get(row_no, [None]))))
            for ci in targets:
                cell = ws.cell(row=row_no, column=ci + 1)
                cell.fill = PatternFill("solid", fgColor=RED)
                text = p["message"] if cell.comment is None else cell.comment.text + "\n" + p["message"]
                cell.comment = Comment(text, "Overblik", width=320, height=120)
        for cell in ws[1] if ws.max_row else []:
            cell.font = Font(bold=bool(cell.value))
    if not wb.sheetnames:
        wb.create_sheet("Ark")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _header_index(rows: dict[int, list[object]]) -> dict[str, int]:
    """Header text (normalised) -> cell index, from the first rows that hold text."""
    out: dict[str, int] = {}
    for _, cells in sorted(rows.items())[:20]:
        for ci, c in enumerate(cells):
            if isinstance(c, str) and c.strip():
                out.setdefault(normalise_header(c), ci)
    return out
