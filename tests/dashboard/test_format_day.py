"""A moment shown as a day is the day in Denmark: a timestamp read back from the store is in UTC,
and 23:30 UTC on 7 December is already 8 December in Copenhagen (the annex's "Siden sidste bilag"
named the day before between 23:00 and 24:00 UTC, and its test failed then)."""

import datetime as dt

from dashboard import format as fmt

LATE = dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)


def test_an_aware_moment_is_shown_on_its_danish_day() -> None:
    assert fmt.date_long(LATE) == "8. december 2026"
    assert fmt.date_short(LATE) == "08.12.2026"
    assert fmt.month(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "jan. 2027"


def test_a_naive_moment_and_a_date_are_shown_as_they_are() -> None:
    assert fmt.date_long(LATE.replace(tzinfo=None)) == "7. december 2026"
    assert fmt.date_long(dt.date(2026, 12, 7)) == "7. december 2026"
