"""Danish number, amount and date formatting, in one place (babel, locale da_DK; en_GB for English).

babel puts a non-breaking space (U+00A0) before "mio." and "kr.", so an amount never breaks over
two lines on a phone; tests compare with that character.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_EVEN, Decimal
from zoneinfo import ZoneInfo

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

from translations import N_, gettext

NBSP = "\xa0"
UNKNOWN = N_("ikke oplyst")
LOCALE = {"da": "da_DK", "en": "en_GB"}


def missing(x: object) -> bool:
    """None, NaN, pd.NA or NaT: a value nobody gave."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _loc(lang: str) -> str:
    return LOCALE.get(lang, "da_DK")


@functools.cache
def _symbols(lang: str) -> tuple[str, str, str]:
    loc = _loc(lang)
    return get_group_symbol(loc), get_decimal_symbol(loc), get_minus_sign_symbol(loc)


def _grouped(x: Decimal, places: int, lang: str) -> str:
    """format_decimal(x, '#,##0' + '.' + '#' * places) with the locale's symbols, ~20x faster
    (a table of 1,000 amounts and a 600-point chart format each one; tests/dashboard/test_format.py
    checks it against babel)."""
    group, point, minus = _symbols(lang)
    q = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    sign, digits, exp = q.as_tuple()
    text = (
        "".join(map(str, digits)).rjust(-exp + 1, "0") if exp < 0 else "".join(map(str, digits)) + "0" * exp
    )
    whole, frac = (text[: len(text) + exp], text[len(text) + exp :]) if exp < 0 else (text, "")
    whole = f"{int(whole):,}".replace(",", group)
    frac = frac.rstrip("0")
    out = whole + (point + frac if frac else "")
    return minus + out if sign else out  # babel writes -0,4 rounded as "-0" too


def unknown(lang: str = "da") -> str:
    """The words for a value nobody gave: never shown as 0."""
    return gettext(UNKNOWN, lang)


# The unit around an amount, with non-breaking spaces (a line never breaks inside an amount).
_MIO_KR = N_("{num}\u00a0mio.\u00a0kr.")
_KR = N_("{num}\u00a0kr.")


def amount(x: Decimal | float | int | None, lang: str = "da") -> str:
    """'250.000 kr.' below a million, '3,5 mio. kr.' / '103,25 mio. kr.' from a million."""
    if missing(x):
        return unknown(lang)
    x = Decimal(str(x))
    if abs(x) >= 1_000_000:
        return gettext(_MIO_KR, lang).format(num=_grouped(x / 1_000_000, 2, lang))
    return gettext(_KR, lang).format(num=_grouped(x, 0, lang))


def mio(x: Decimal | float | int | None) -> float | None:
    """An amount in millions of kroner, for chart axes."""
    return None if missing(x) else float(x) / 1_000_000


def number(x: Decimal | float | int | None, lang: str = "da", digits: int = 0) -> str:
    """1.234 or 1.234,5 (Danish separators)."""
    if missing(x):
        return unknown(lang)
    fmt = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(x, format=fmt, locale=_loc(lang))


def mio_text(x: Decimal | float | int | None, lang: str = "da") -> str:
    """'7,6' (millions, for hover texts next to an axis in mio. kr.)."""
    return (
        unknown(lang) if missing(x) else format_decimal(float(x) / 1e6, format="#,##0.##", locale=_loc(lang))
    )


def period(start: object, end: object, lang: str = "da") -> str:
    """'2024-2027', or 'ikke oplyst'."""
    if missing(start) and missing(end):
        return unknown(lang)
    a = "?" if missing(start) else str(int(start))  # type: ignore[call-overload]
    b = "?" if missing(end) else str(int(end))  # type: ignore[call-overload]
    return a if a == b else f"{a}-{b}"


DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def _day(d: dt.date | dt.datetime) -> dt.date:
    """The day a reader sees: a moment with a time zone (a timestamp read back from the store is in
    UTC) is first put in Danish time, or 23:30 UTC on the 7th would be shown as the 7th, not the 8th."""
    if isinstance(d, dt.datetime):
        return (d.astimezone(DANISH_TIME) if d.tzinfo is not None else d).date()
    return d


def date_long(d: dt.date | dt.datetime | None, lang: str = "da") -> str:
    """'17. juni 2019'."""
    if missing(d):
        return unknown(lang)
    d = _day(d)
    return format_date(d, "d. MMMM y" if lang == "da" else "d MMMM y", locale=_loc(lang))


def month(d: dt.date | dt.datetime, lang: str = "da") -> str:
    """'okt. 2025' (a date axis's tick)."""
    d = _day(d)
    return format_date(d, "MMM y", locale=_loc(lang))


def date_short(d: dt.date | dt.datetime | None, lang: str = "da") -> str:
    """'17.06.2019'."""
    if missing(d):
        return unknown(lang)
    d = _day(d)
    return d.strftime("%d.%m.%Y") if lang == "da" else d.isoformat()


def delta(
    now: float | int | Decimal | None, before: float | int | Decimal | None, lang: str = "da"
) -> str | None:
    """'+3 fra året før' for st.metric; None when there is nothing to compare."""
    if missing(now) or missing(before):
        return None
    d = now - before
    sign = "+" if d > 0 else ("−" if d < 0 else "±")
    word = gettext("fra året før", lang)
    return f"{sign}{number(abs(d), lang)} {word}"
