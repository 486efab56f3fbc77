"""The CSV formula guard against a real spreadsheet's reading of the file: LibreOffice converts our
CSV to .xlsx (soffice --headless --convert-to xlsx, formulas evaluated), and no cell may come out
as a formula, no number as text, and no ordinary text with an apostrophe it did not need."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from dashboard import export
from loaders.parse import clean_text
from tests.needs import missing

# ';' separated, '"' quoted, UTF-8, from line 1, standard columns, Danish locale, quoted as text off,
# detect special numbers on, ..., and the 13th token: evaluate formulas (the strictest reading).
INFILTER = "CSV:59,34,76,1,,1030,false,true,false,false,false,-1,true"
DANGEROUS = [
    "=1+1", "+1+1", "-1+1", "@SUM(1;2)", '=HYPERLINK("http://x";"klik")', "＝1+1", "＋1+1", "－1+1",
    "＠SUM(1)", "\u200b=1+1", "\ufeff=1+1", "\t=1+1", "\r=1+1", "+45 12 34 56",
]  # fmt: skip
ORDINARY = ["Region Syddanmark", "a=b", "e-mail", " =x", "'quoted", "Ærø", "50 % af budgettet"]


def _soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        missing("LibreOffice (soffice)", "`make test` installs libreoffice-calc-nogui")
    return path


def _libreoffice_reads(csv_bytes: bytes, tmp_path: Path) -> list[object]:
    """The cells of column A (and B) as LibreOffice reads the CSV: (value, type) per row."""
    src = tmp_path / "ud.csv"
    src.write_bytes(csv_bytes)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", f"--infilter={INFILTER}",
         "--convert-to", "xlsx", "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    ws = load_workbook(tmp_path / "ud.xlsx").active
    return [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2)]


def test_libreoffice_finds_no_formula_and_numbers_stay_numbers(tmp_path):
    texts = DANGEROUS + ORDINARY
    df = pd.DataFrame({"Tekst": texts, "Beløb": [-1250.5 if i % 2 else 2000.0 for i in range(len(texts))]})
    rows = _libreoffice_reads(export.to_csv(df), tmp_path)
    assert len(rows) == len(texts)
    for original, ((text, text_type), (amount, amount_type)) in zip(texts, rows, strict=True):
        assert text_type != "f" and amount_type == "n", (original, text, amount)
        assert amount in (-1250.5, 2000)  # a negative amount is a number, never text
        guarded = original in DANGEROUS
        shown = str(text)
        assert shown.startswith("'") == guarded or original.startswith("'"), original
        # Uploaded again, the loaders give back exactly what was exported.
        assert clean_text(shown.replace("\n", "\r") if original.startswith("\r") else shown) == clean_text(
            original
        )


def test_without_the_guard_libreoffice_would_evaluate_them(tmp_path):
    """The oracle works: the same values written raw come out as formulas."""
    raw = "Tekst\n" + "".join(
        v.replace('"', '""').join('""') + "\n" for v in ["=1+1", '=HYPERLINK("http://x";"k")']
    )
    rows = _libreoffice_reads(("\ufeff" + raw).encode("utf-8"), tmp_path)
    assert [t for (_, t), *_ in rows] == ["f", "f"]
