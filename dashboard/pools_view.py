"""The funding pools page's tables: money per pool and year, grants outside a pool's band, and the
allocations; and the page's words for its terms (the glossary's, so a word means one thing)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, glossary, queries, widgets
from dashboard import format as fmt
from dashboard.i18n import lang, t
from dashboard.queries import Filters


def term(name: str) -> str:
    """A term's definition as a help text, with the way to the glossary."""
    return glossary.help_text(name)


def pool_years_picked(picked: list[Any]) -> dict[str, Any]:
    """A click on pool years ('pool|year') narrows the page to those pools and years."""
    pairs = [str(k).rsplit("|", 1) for k in picked]
    years = [int(y) for _, y in pairs]
    return {"pool": sorted({p for p, _ in pairs}), "from": min(years), "to": max(years)}


def remaining_table(years: pd.DataFrame) -> None:
    """Per pool and year: what there is, what is granted (and of that paid), what remains."""
    L = lang()
    out = pd.DataFrame(
        {
            t("Pulje"): years["pool"],
            t("År"): years["year"].astype(int).astype(str),
            t("Kapacitet"): [fmt.amount(v, L) for v in years["capacity_dkk"]],
            t("Bevilget i alt"): [fmt.amount(g + p, L) for g, p in zip(years["granted_dkk"], years["paid_dkk"], strict=True)],
            t("Heraf udbetalt"): [fmt.amount(v, L) for v in years["paid_dkk"]],
            t("Resterende"): [fmt.amount(v, L) for v in years["remaining_dkk"]],
        }
    )  # fmt: skip
    with st.expander(t("Resterende pr. pulje og år"), key="remaining_table"):
        widgets.table(out, "remaining")


def outside_band(f: Filters) -> None:
    """Grants below or above their pool's usual size: listed, not only warned about at upload."""
    L = lang()
    rows = queries.allocations_outside_band(f)
    if rows.empty:
        return
    st.markdown(
        "##### " + t("Bevillinger uden for puljens interval ({n})").format(n=fmt.number(len(rows), L))
    )
    out = pd.DataFrame(
        {
            t("Pulje"): rows["pool"],
            t("År"): rows["year"].astype(int).astype(str),
            t("Projekt"): rows["project"],
            t("Modtager"): rows["recipient"],
            t("Beløb"): [fmt.amount(v, L) for v in rows["amount_dkk"]],
            t("Interval"): [f"{fmt.amount(a, L)} – {fmt.amount(b, L)}" for a, b in zip(
                rows["band_min_dkk"], rows["band_max_dkk"], strict=True)],
            t("Status"): [charts.label(s, L) for s in rows["status"]],
        }
    )  # fmt: skip
    widgets.table(out, "outside_band")


def allocations_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The allocations as shown and downloaded."""
    L = lang()
    out = frame.assign(
        year=[fmt.period(y, y, L) for y in frame["year"]],
        amount=[fmt.amount(v, L) for v in frame["amount_dkk"]],
        status=[charts.label(s, L) for s in frame["status"]],
        decided_on=[fmt.date_short(d, L) for d in frame["decided_on"]],
    )[["pool", "year", "project", "recipient", "amount", "status", "decided_on"]]
    out.columns = [
        t("Pulje"),
        t("År"),
        t("Projekt"),
        t("Modtager"),
        t("Beløb"),
        t("Status"),
        t("Beslutningsdato"),
    ]
    return out
