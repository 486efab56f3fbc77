"""What the uploads since an earlier annex added or changed under the filters: the rows of each
table written by a later batch, told apart as new (no earlier version of the row) or changed (the
batch replaced an earlier version, kept in the table's history twin)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.db import cursor, names_visible
from dashboard.queries import Filters, where


@dataclass(frozen=True)
class Part:
    """One table the change section reports on."""

    view: str  # the public view whose filters apply
    table: str  # the stored table (and its *_history twin)
    key: tuple[str, ...]
    columns: tuple[str, ...]  # what each row is described by


PARTS: dict[str, Part] = {
    "eu_projects": Part(
        "eu_projects_v", "eu_projects", ("project_key", "region"),
        ("acronym", "title", "programme", "region", "region_share_dkk"),
    ),
    "allocations": Part(
        "allocations_v", "allocations", ("pool", "year", "project", "recipient"),
        ("pool", "year", "project", "recipient", "amount_dkk", "status"),
    ),
    "members": Part(
        "participants_v", "memberships", ("person", "network"), ("person", "organisation", "network"),
    ),
    "meetings": Part(
        "meetings_v", "meetings", ("network", "meeting_date", "kind"), ("meeting_date", "network", "kind", "theme"),
    ),
}  # fmt: skip


def since(f: Filters, batch: int) -> dict[str, pd.DataFrame]:
    """Per part, the rows under the filters that batches after `batch` added or changed, with a
    column `change` ('added' or 'changed'). Names are selected only for a role that may see them."""
    out = {}
    for name, part in PARTS.items():
        b = part.view.removesuffix("_v") + "_b"
        w, p = where(part.view, f, "v")
        cols = [
            "NULL::VARCHAR AS person" if c == "person" and not names_visible() else f"v.{c}"
            for c in part.columns
        ]
        same = " AND ".join(f"h.{k} = v.{k}" for k in part.key)
        # Names of our own tables and columns (PARTS) and queries.where's fragments; values are parameters.
        out[name] = (
            cursor()
            .execute(
                f"SELECT {', '.join(cols)}, CASE WHEN EXISTS (SELECT 1 FROM {part.table}_history h "  # noqa: S608
                f"WHERE h.superseded_by = v.batch_id AND {same}) THEN 'changed' ELSE 'added' END AS change "
                f"FROM {b} v WHERE v.batch_id > ? AND {w} ORDER BY ALL",
                [batch, *p],
            )
            .df()
        )
    return out
