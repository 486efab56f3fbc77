"""Danish number, amount, date and period formatting (dashboard/format.py).

babel puts a non-breaking space (U+00A0) before "mio." and "kr."; the expected strings below
spell it as NBSP so that a plain space would fail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import format as fmt
from loaders.parse import parse_amount

NBSP = "\xa0"
MISSING = [None, float("nan"), np.nan, pd.NA, pd.NaT]


# ---------------------------------------------------------------- unknown values


@pytest.mark.parametrize("value", MISSING, ids=["None", "nan", "np.nan", "pd.NA", "NaT"])
def test_missing_recognises_every_kind_of_nothing(value):
    assert fmt.missing(value) is True


@pytest.mark.parametrize("value", [0, 0.0, Decimal(0), "", "0", False, dt.date(2025, 1, 1), [1, 2]])
def test_missing_is_false_for_real_values_including_zero(value):
    # 0 is a known amount; a list (pd.isna returns an array) must not crash or count as missing
    assert fmt.missing(value) is False


def test_unknown_words_per_language():
    assert fmt.unknown() == "ikke oplyst"
    assert fmt.unknown("da") == "ikke oplyst"
    assert fmt.unknown("en") == "not given"
    assert fmt.unknown("de") == "ikke oplyst"  # an unknown language falls back to Danish


@pytest.mark.parametrize("value", MISSING, ids=["None", "nan", "np.nan", "pd.NA", "NaT"])
def test_missing_amount_number_and_dates_say_ikke_oplyst_never_zero(value):
    for f in (fmt.amount, fmt.number, fmt.date_long, fmt.date_short):
        assert f(value) == "ikke oplyst", f.__name__
        assert f(value, "en") == "not given", f.__name__
    assert fmt.mio(value) is None


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, f"0{NBSP}kr."),
        (12.4, f"12{NBSP}kr."),  # øre are rounded away below a million
        (950, f"950{NBSP}kr."),
        (1_000, f"1.000{NBSP}kr."),
        (250_000, f"250.000{NBSP}kr."),
        (999_999, f"999.999{NBSP}kr."),
        (1_000_000, f"1{NBSP}mio.{NBSP}kr."),  # the threshold itself is in millions
        (1_650_000, f"1,65{NBSP}mio.{NBSP}kr."),
        (3_500_000, f"3,5{NBSP}mio.{NBSP}kr."),
        (41_000_000, f"41{NBSP}mio.{NBSP}kr."),
        (103_250_000, f"103,25{NBSP}mio.{NBSP}kr."),
        (1_621_000_000, f"1.621{NBSP}mio.{NBSP}kr."),  # thousands dot inside the millions
        (Decimal("41000000.00"), f"41{NBSP}mio.{NBSP}kr."),  # DECIMAL(18,2) from DuckDB
        (np.float64(7_600_000), f"7,6{NBSP}mio.{NBSP}kr."),
        (np.int64(250_000), f"250.000{NBSP}kr."),
    ],
)
def test_amount_danish(value, expected):
    assert fmt.amount(value) == expected
    assert fmt.amount(value, "da") == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (-250_000, f"-250.000{NBSP}kr."),
        (-1_000_000, f"-1{NBSP}mio.{NBSP}kr."),  # the threshold is on the absolute value
        (-2_500_000, f"-2,5{NBSP}mio.{NBSP}kr."),
    ],
)
def test_amount_negative(value, expected):
    assert fmt.amount(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (250_000, f"DKK{NBSP}250,000"),
        (1_650_000, f"DKK{NBSP}1.65{NBSP}m"),
        (103_250_000, f"DKK{NBSP}103.25{NBSP}m"),
        (-2_500_000, f"DKK{NBSP}-2.5{NBSP}m"),
    ],
)
def test_amount_english(value, expected):
    assert fmt.amount(value, "en") == expected


def test_amount_never_breaks_over_two_lines():
    for v in (250_000, 1_650_000, -2_500_000):
        assert " " not in fmt.amount(v)
        assert " " not in fmt.amount(v, "en")


def test_mio_for_chart_axes():
    assert fmt.mio(1_650_000) == pytest.approx(1.65)
    assert fmt.mio(Decimal("103250000.00")) == pytest.approx(103.25)
    assert fmt.mio(0) == 0.0  # a known zero stays 0, unlike an unknown


def test_mio_text():
    assert fmt.mio_text(7_600_000) == "7,6"
    assert fmt.mio_text(103_250_000) == "103,25"
    assert fmt.mio_text(7_600_000, "en") == "7.6"
    assert fmt.mio_text(None) == "ikke oplyst"


@pytest.mark.parametrize("value", [float("nan"), pd.NA], ids=["nan", "pd.NA"])
def test_mio_text_nan_and_na_say_ikke_oplyst(value):
    assert fmt.mio_text(value) == "ikke oplyst"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (0, {}, "0"),
        (7, {}, "7"),
        (1234, {}, "1.234"),
        (1_234_567, {}, "1.234.567"),
        (-1_234_567, {}, "-1.234.567"),
        (1234.4, {}, "1.234"),
        (1234.5, {"digits": 1}, "1.234,5"),
        (1234.56, {"digits": 2}, "1.234,56"),
        (1234.0, {"digits": 2}, "1.234"),  # no trailing zero decimals
        (Decimal("2025"), {}, "2.025"),
        (np.int64(48), {}, "48"),
        (1234.5, {"lang": "en", "digits": 1}, "1,234.5"),
        (1_234_567, {"lang": "en"}, "1,234,567"),
    ],
)
def test_number(value, kwargs, expected):
    assert fmt.number(value, **kwargs) == expected


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_number_of_an_integer_without_dots_is_the_integer(n):
    text = fmt.number(n)
    assert "," not in text  # no decimal part on an integer
    assert int(text.replace(".", "")) == n
    groups = text.lstrip("-").split(".")
    assert all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_amount_reads_back_through_the_loaders_parse_amount(n):
    """What the dashboard prints, a user may paste into a sheet: parse_amount reads it back.

    Below a million the amount is exact; from a million it is rounded to 0,01 mio. (10.000 kr.).
    """
    text = fmt.amount(n)
    back = parse_amount(text)
    if abs(n) < 1_000_000:
        assert back == n
        assert "mio." not in text
    else:
        assert abs(back - n) <= 5_000
        assert text.endswith(f"{NBSP}mio.{NBSP}kr.")


# ---------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (2025, 2025, "2025"),  # one year, and never "2.025"
        (2024, 2027, "2024-2027"),
        (np.int32(2024), np.int32(2028), "2024-2028"),
        (2024.0, 2027.0, "2024-2027"),  # float years from a nullable column
        (None, 2027, "?-2027"),
        (2024, float("nan"), "2024-?"),
        (2024, pd.NA, "2024-?"),
        (None, None, "ikke oplyst"),
        (pd.NA, float("nan"), "ikke oplyst"),
    ],
)
def test_period(start, end, expected):
    assert fmt.period(start, end) == expected


def test_period_english():
    assert fmt.period(2025, 2025, "en") == "2025"
    assert fmt.period(2024, 2027, "en") == "2024-2027"
    assert fmt.period(None, None, "en") == "not given"


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2025, 10, 28), "28. oktober 2025"),
        (dt.date(2019, 6, 17), "17. juni 2019"),
        (dt.date(2024, 1, 5), "5. januar 2024"),  # no leading zero in the long form
        (dt.datetime(2025, 10, 28, 14, 30), "28. oktober 2025"),
        (pd.Timestamp("2025-10-28 09:00"), "28. oktober 2025"),  # what a DuckDB frame holds
    ],
)
def test_date_long_danish(value, expected):
    assert fmt.date_long(value) == expected


def test_date_long_danish_months_are_lower_case_danish():
    months = [fmt.date_long(dt.date(2025, m, 1)).split(" ")[1] for m in range(1, 13)]
    assert months == [
        "januar", "februar", "marts", "april", "maj", "juni",
        "juli", "august", "september", "oktober", "november", "december",
    ]  # fmt: skip


def test_date_long_english():
    assert fmt.date_long(dt.date(2025, 10, 28), "en") == "28 October 2025"
    assert fmt.date_long(pd.Timestamp("2019-06-17"), "en") == "17 June 2019"


@pytest.mark.parametrize(
    ("value", "da", "en"),
    [
        (dt.date(2025, 10, 28), "28.10.2025", "2025-10-28"),
        (dt.date(2025, 1, 5), "05.01.2025", "2025-01-05"),
        (dt.datetime(2025, 1, 5, 13, 45), "05.01.2025", "2025-01-05"),  # the time is dropped
        (pd.Timestamp("2019-06-17"), "17.06.2019", "2019-06-17"),
    ],
)
def test_date_short(value, da, en):
    assert fmt.date_short(value) == da
    assert fmt.date_short(value, "en") == en


# ---------------------------------------------------------------- deltas for st.metric


@pytest.mark.parametrize(
    ("now", "before", "lang", "expected"),
    [
        (5, 3, "da", "+2 fra året før"),
        (2, 5, "da", "−3 fra året før"),  # a real minus sign (U+2212), for st.metric's colouring
        (3, 3, "da", "±0 fra året før"),
        (1500, 200, "da", "+1.300 fra året før"),
        (5, 3, "en", "+2 from the year before"),
        (Decimal(2), Decimal(5), "en", "−3 from the year before"),
    ],
)
def test_delta(now, before, lang, expected):
    assert fmt.delta(now, before, lang) == expected


def test_delta_none_when_nothing_to_compare():
    assert fmt.delta(None, 3) is None
    assert fmt.delta(3, None) is None


@pytest.mark.parametrize("value", [float("nan"), pd.NA], ids=["nan", "pd.NA"])
def test_delta_none_for_nan_and_na(value):
    assert fmt.delta(value, 3) is None
    assert fmt.delta(3, value) is None


@given(
    x=st.one_of(
        st.decimals(min_value=-(10**13), max_value=10**13, allow_nan=False, allow_infinity=False, places=4),
        st.integers(min_value=-(10**13), max_value=10**13).map(Decimal),
        st.floats(min_value=-1e13, max_value=1e13, allow_nan=False).map(lambda f: Decimal(str(f))),
    ),
    places=st.sampled_from([0, 2]),
    lang=st.sampled_from(["da", "en"]),
)
def test_fast_grouping_writes_exactly_what_babel_writes(x, places, lang):
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "#" * places if places else "")
    assert fmt._grouped(x, places, lang) == format_decimal(x, format=pattern, locale=fmt._loc(lang))


# A moment shown as a day is the day in Denmark: a timestamp read back from the store is in UTC,
# and 23:30 UTC on 7 December is already 8 December in Copenhagen (the annex's "Siden sidste
# bilag" named the day before between 23:00 and 24:00 UTC, and its test failed then).
LATE = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)


def test_an_aware_moment_is_shown_on_its_danish_day() -> None:
    assert fmt.date_long(LATE) == "8. december 2026"
    assert fmt.date_short(LATE) == "08.12.2026"
    assert fmt.month(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "jan. 2027"


def test_a_naive_moment_and_a_date_are_shown_as_they_are() -> None:
    assert fmt.date_long(LATE.replace(tzinfo=None)) == "7. december 2026"
    assert fmt.date_long(dt.date(2026, 12, 7)) == "7. december 2026"
