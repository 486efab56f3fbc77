"""Funding pools: how much each pool gets added each year, by which model, with its grant band."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from loaders.kinds.spec import NOTE, REGION, F, Kind
from translations import N_, NC_

if TYPE_CHECKING:
    from loaders.validate import Col, Values

_YEAR_IN_NAME = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d|2100)(?!\d)")


def year_from_name(name: str | None) -> int | None:
    """The one year a pool's name carries ("AI-puljen 2020"), else None."""
    years = set(_YEAR_IN_NAME.findall(name or ""))
    return int(years.pop()) if len(years) == 1 else None


def derive_year(v: Values, dates: str | None = None) -> Col | list[Any]:
    """The year column, or, when the sheet has none, the year of each row's date or pool name."""
    if v.has("year"):
        return v.col("year")
    names = v.list("pool")
    when = v.list(dates) if dates and v.has(dates) else [None] * v.n
    years, from_date, from_name = [], 0, 0
    for i, (name, d) in enumerate(zip(names, when, strict=True)):
        if d is not None:
            years.append(d.year)
            from_date += 1
        elif (y := year_from_name(name)) is not None:
            years.append(y)
            from_name += 1
        else:
            years.append(None)
            v.err(i, "value.required", "year")
    if from_date:
        v.warn("year.derived", "year", count=from_date, source=N_("beslutningsdatoen"))
    if from_name:
        v.warn("year.derived", "year", count=from_name, source=N_("puljens navn"))
    return years


def derive(v: Values) -> dict[str, Any]:
    """A band whose maximum is below its minimum is an error; the year may come from the name."""
    lo, hi = v.list("band_min"), v.list("band_max")
    raw_hi = v.raw("band_max")
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        if a is not None and b is not None and b < a:
            v.err(i, "band.reversed", "band_max", raw_hi[i])
    return {
        "pool": v.col("pool"),
        "year": derive_year(v),
        "region": v.col("region"),
        "model": v.col("model"),
        "added_dkk": v.col("added"),
        "band_min_dkk": v.col("band_min"),
        "band_max_dkk": v.col("band_max"),
        "note": v.col("note"),
    }


POOLS = Kind(
    "pools",
    "pools",
    NC_("kind", "Puljer"),
    (
        F("pool", "text", "Pulje|Pool|Puljenavn|Pool name|Fund", N_("Pulje"), True),
        REGION,
        F("year", "year", "År|Year|Puljeår|Budgetår|Pool year", N_("År"), True),
        F("model", "model", "Model|Finansieringsmodel|Model type|Type", N_("Model")),
        F(
            "added",
            "amount",
            "Beløb|Amount|Tilført|Tilført beløb|Added|Ramme|Budget",
            N_("Tilført beløb"),
            column="added_dkk",
        ),
        F(
            "band_min",
            "amount",
            "Min bevilling|Mindste bevilling|Min|Minimum|Band min|Min grant",
            N_("Min. bevilling"),
            column="band_min_dkk",
        ),
        F(
            "band_max",
            "amount",
            "Maks bevilling|Max bevilling|Største bevilling|Maks|Max|Maximum|Band max|Max grant",
            N_("Maks. bevilling"),
            column="band_max_dkk",
        ),
        NOTE,
    ),
    ("pool", "year"),
    derive,
    identify=("pool",),
    derivable=("year",),
    scope_fields=("pool",),
)
