"""Currency rules shared by the EU kinds: which currency a row is in, and its amounts in kroner."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from loaders import parse as P

if TYPE_CHECKING:
    from loaders.validate import Values


def currencies(v: Values, amount_fields: tuple[str, ...]) -> tuple[list[str | None], list[Decimal | None]]:
    """Per record its currency (column, else the amount's own text, else the header, else EUR for a
    CORDIS export, else DKK) and the kroner per unit (a rate column, else --set fx_rate, else the default)."""
    header_currency = next(
        (c for f in amount_fields if (c := P.detect_currency(v.header(f) or "")) is not None), None
    )
    given = v.list("currency")
    rates = v.list("fx_rate")
    raws = {f: v.raw(f) for f in amount_fields}
    out_cur: list[str | None] = []
    out_rate: list[Decimal | None] = []
    for i in range(v.n):
        cur = P.detect_currency(given[i]) or (given[i].upper() if given[i] else None)
        if cur is None:
            cur = next(
                (
                    c
                    for f in amount_fields
                    if isinstance(raws[f][i], str) and (c := P.detect_currency(raws[f][i]))
                ),
                None,
            )
        cur = cur or header_currency or ("EUR" if v.cordis else "DKK")
        if cur == "DKK":
            out_cur.append(cur)
            out_rate.append(Decimal(1))
        elif cur == "EUR":
            out_cur.append(cur)
            out_rate.append(rates[i] if rates[i] is not None else v.fx)
        else:
            v.err(i, "enum.invalid", "currency", cur, allowed="DKK, EUR")
            out_cur.append(cur)
            out_rate.append(None)
    return out_cur, out_rate


def in_dkk(amounts: list[Decimal | None], rates: list[Decimal | None]) -> list[Decimal | None]:
    """Each amount (already to whole cents of its currency) in kroner, to whole øre, half up."""
    return [
        None if a is None or r is None else P.round_cents(a * r) for a, r in zip(amounts, rates, strict=True)
    ]


def amounts(v: Values, fields: tuple[str, ...]) -> dict[str, Any]:
    """The amount columns as given and in kroner, with currency and rate."""
    cur, rate = currencies(v, fields)
    out: dict[str, Any] = {"currency": cur, "fx_rate": rate}
    for f in fields:
        given = v.list(f)
        out[f] = given
        out[f + "_dkk"] = in_dkk(given, rate)
    return out
