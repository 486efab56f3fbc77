"""The data tables, declared once: columns with their types, the natural key, the scope of a list.

schema.sql holds the bookkeeping tables (batches, files, quarantine); the tables that uploads
fill are created from these declarations, and the loaders build their Arrow tables from the
same types, so a column is added in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

AMOUNT = "DECIMAL(18,2)"
RATE = "DECIMAL(10,4)"


@dataclass(frozen=True)
class Table:
    """A table that uploads fill: every one has batch_id and src_row and a *_history twin."""

    name: str
    columns: tuple[tuple[str, str], ...]  # (column, DuckDB type) without batch_id and src_row
    key: tuple[str, ...]
    # A sheet that is "the whole list" replaces the rows sharing these columns' values with its
    # own (a member list for one network never touches another network's members).
    scope: tuple[str, ...] = ()

    @property
    def all_columns(self) -> list[tuple[str, str]]:
        """The columns as stored, bookkeeping included."""
        return [*self.columns, ("batch_id", "INTEGER"), ("src_row", "INTEGER")]

    def create_sql(self, history: bool = False) -> str:
        """CREATE TABLE IF NOT EXISTS; the history twin has the batch that replaced a row besides.
        DuckLake has no primary keys: the loaders keep the natural key unique (plan and commit)."""
        cols = [f'"{c}" {t}' + (" NOT NULL" if c in self.key else "") for c, t in self.all_columns]
        if history:
            cols.append('"superseded_by" INTEGER')
        name = f"{self.name}_history" if history else self.name
        return f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)});"

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of the rows the loaders hand over (batch_id is set at commit)."""
        return pa.schema([pa.field(c, arrow_type(t)) for c, t in self.all_columns if c != "batch_id"])


def arrow_type(duck: str) -> pa.DataType:
    """The Arrow type that holds a DuckDB column type exactly."""
    d = duck.upper()
    if d.startswith("DECIMAL"):
        p, s = (int(x) for x in d[d.index("(") + 1 : -1].split(","))
        return pa.decimal128(p, s)
    return {
        "VARCHAR": pa.string(),
        "INTEGER": pa.int32(),
        "BIGINT": pa.int64(),
        "DATE": pa.date32(),
        "BOOLEAN": pa.bool_(),
        "TIMESTAMP": pa.timestamp("us"),
    }[d]


V, INT, D, B = "VARCHAR", "INTEGER", "DATE", "BOOLEAN"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "networks",
            (
                ("network", V), ("region", V), ("theme", V), ("kind", V), ("leader", V), ("facilitator", V),
                ("started", D), ("ended", D), ("cadence_months", "DECIMAL(4,1)"), ("note", V),
            ),
            ("network",),
            ("region",),
        ),
        Table("organisations", (("canonical", V), ("sector", V)), ("canonical",)),
        Table("org_aliases", (("alias", V), ("canonical", V)), ("alias", "canonical"), ("canonical",)),
        Table(
            "memberships",
            (
                ("person", V), ("network", V), ("title", V), ("organisation", V), ("region", V),
                ("is_external", B), ("joined", D), ("left_on", D), ("note", V),
            ),
            ("person", "network"),
            ("network",),
        ),
        Table(
            "meetings",
            (
                ("network", V), ("meeting_date", D), ("kind", V), ("number", INT), ("region", V), ("host", V),
                ("theme", V), ("format", V), ("duration_hours", "DECIMAL(5,2)"), ("attendees", INT), ("note", V),
            ),
            ("network", "meeting_date", "kind"),
            ("network",),
        ),
        Table(
            "eu_projects",
            (
                ("project_key", V), ("region", V), ("acronym", V), ("title", V), ("programme", V),
                ("action_type", V),
                # As the source gave them, in `currency`; the *_dkk columns are what every page shows.
                ("total_budget", AMOUNT), ("eu_contribution", AMOUNT), ("region_share", AMOUNT),
                ("total_budget_dkk", AMOUNT), ("eu_contribution_dkk", AMOUNT), ("region_share_dkk", AMOUNT),
                ("currency", V), ("fx_rate", RATE), ("start_year", INT), ("end_year", INT), ("lead_partner", V),
                ("lead_country", V), ("partners", INT), ("local_units", V), ("note", V),
            ),
            ("project_key", "region"),
            ("region",),
        ),
        Table(
            "eu_partners",
            (
                ("project_key", V), ("organisation", V), ("acronym", V), ("project_id", V), ("country", V),
                ("role", V), ("activity_type", V), ("eu_contribution", AMOUNT), ("total_cost", AMOUNT),
                ("eu_contribution_dkk", AMOUNT), ("total_cost_dkk", AMOUNT), ("currency", V), ("fx_rate", RATE),
                ("note", V),
            ),
            ("project_key", "organisation"),
            ("project_key",),
        ),
        Table(
            "pools",
            (
                ("pool", V), ("year", INT), ("region", V), ("model", V), ("added_dkk", AMOUNT),
                ("band_min_dkk", AMOUNT), ("band_max_dkk", AMOUNT), ("note", V),
            ),
            ("pool", "year"),
            ("pool",),
        ),
        Table(
            "allocations",
            (
                ("pool", V), ("year", INT), ("project", V), ("recipient", V), ("region", V), ("amount_dkk", AMOUNT),
                ("status", V), ("decided_on", D), ("reference", V), ("note", V),
            ),
            ("pool", "year", "project", "recipient"),
            ("pool", "year"),
        ),
        Table(
            "project_members",
            (
                ("project", V), ("person", V), ("role", V), ("organisation", V), ("network", V), ("region", V),
                ("note", V),
            ),
            ("project", "person"),
            ("project",),
        ),
    )
}  # fmt: skip

# Table -> its natural key, in the order tables are created.
DATA_TABLES: dict[str, tuple[str, ...]] = {name: t.key for name, t in TABLES.items()}
