"""The pure parsers of loaders/parse.py: Danish amounts, numbers, dates, periods, yes/no, codes and text.

Property tests (hypothesis) check round trips and that no input ever escapes as anything but ParseError;
example tests pin the behaviour the spec names.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loaders import parse as P
from loaders.parse import (
    ParseError,
    clean_text,
    header_parts,
    is_unknown,
    normalise_header,
    parse_amount,
    parse_bool,
    parse_date,
    parse_external,
    parse_format,
    parse_int,
    parse_kind,
    parse_model,
    parse_number,
    parse_period,
    parse_status,
    parse_year,
    round_cents,
)

FAST = settings(max_examples=200, deadline=None)

# ---------------------------------------------------------------- helpers


def danish_amount(d: Decimal, *, dots: bool, affix: str, zero_cents: bool) -> str:
    """Format an amount in cents as Danish staff type it: '1.650.000,50', 'kr. 250.000', '-1.250,00 kr.'."""
    neg = d < 0
    a = abs(d)
    whole = int(a)
    cents = int((a - whole) * 100)
    w = f"{whole:,}".replace(",", ".") if dots else str(whole)
    s = w + (f",{cents:02d}" if cents or zero_cents else "")
    s = ("-" if neg else "") + s
    if affix == "prefix":
        return "kr. " + s
    if affix == "suffix":
        return s + " kr."
    return s


PARSERS = [
    parse_amount,
    lambda v: parse_amount(v, allow_negative=False),
    parse_number,
    parse_int,
    parse_date,
    parse_year,
    parse_period,
    parse_bool,
    parse_external,
    parse_kind,
    parse_status,
    parse_model,
    parse_format,
    lambda v: parse_format(None, v),
    clean_text,
    normalise_header,
    is_unknown,
]


def only_parse_errors(value: object) -> list[str]:
    """Call every parser on value; return the ParseError codes. Any other exception fails the test."""
    codes = []
    for func in PARSERS:
        try:
            func(value)
        except ParseError as e:
            assert isinstance(e.code, str) and "." in e.code, e.code
            assert e.value is value or e.value == value or value != value  # nan != nan
            codes.append(e.code)
        except Exception as e:  # the point of the test
            pytest.fail(f"{getattr(func, '__name__', func)}({value!r}) raised {type(e).__name__}: {e}")
    return codes


ANY_CELL = st.one_of(
    st.text(),
    st.text(alphabet="0123456789.,-–+ kr.miotsuanédjx/()'%\n\xa0€", max_size=30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**1000), max_value=10**1000),
    st.none(),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.decimals(allow_nan=False, allow_infinity=False),
)

MONTH_NAMES = {
    1: "januar", 2: "februar", 3: "marts", 4: "april", 5: "maj", 6: "juni",
    7: "juli", 8: "august", 9: "september", 10: "oktober", 11: "november", 12: "december",
}  # fmt: skip

# ---------------------------------------------------------------- properties


@FAST
@given(
    cents=st.integers(min_value=-(10**17), max_value=10**17),
    dots=st.booleans(),
    affix=st.sampled_from(["", "prefix", "suffix"]),
    zero_cents=st.booleans(),
)
def test_danish_amount_round_trips(cents, dots, affix, zero_cents):
    d = Decimal(cents) / 100
    text = danish_amount(d, dots=dots, affix=affix, zero_cents=zero_cents)
    assert parse_amount(text) == d, text
    if d < 0:
        with pytest.raises(ParseError) as e:
            parse_amount(text, allow_negative=False)
        assert e.value.code == "amount.negative"
    else:
        assert parse_amount(text, allow_negative=False) == d


@FAST
@given(cents=st.integers(min_value=-(10**16), max_value=10**16))
def test_amount_in_mio_and_with_about(cents):
    d = Decimal(cents) / 100
    text = danish_amount(d, dots=True, affix="", zero_cents=False)
    assert parse_amount(f"ca. {text} kr.") == d
    assert parse_amount(f"{text} mio. kr.") == d * 10**6  # exact: scaled before it is ever rounded


@pytest.mark.parametrize(
    "value, expected",
    [("1,125", "1.13"), ("1,124", "1.12"), ("-1,125", "-1.13"), ("0,005", "0.01"), ("2,5", "2.50")],
)
def test_round_cents_is_half_up_as_danish_practice(value, expected):
    assert round_cents(parse_amount(value)) == Decimal(expected)


@FAST
@given(value=ANY_CELL)
def test_no_input_raises_anything_but_parse_error(value):
    only_parse_errors(value)


@FAST
@given(a=ANY_CELL, b=ANY_CELL)
def test_parse_format_with_two_arbitrary_cells_raises_only_parse_error(a, b):
    try:
        out = parse_format(a, b)
    except ParseError as e:
        assert e.code == "enum.invalid"
    else:
        assert out in (None, "physical", "online", "hybrid")


HEADER_TEXT = st.text(alphabet="abcxyzABCXYZæøåÆØÅéèüÜñ0123456789 .,;:/()-–'\n\t\xa0%€", max_size=40)


@FAST
@given(value=st.one_of(st.text(), HEADER_TEXT))
def test_text_helpers_never_raise_and_clean_is_tidy(value):
    once = clean_text(value)
    assert once is None or (once == once.strip() and "  " not in once and "\n" not in once)
    n = normalise_header(value)
    assert all(c.isalnum() for c in n)
    parts = header_parts(value)
    assert parts[0] == n and len(parts) == len(set(parts[1:])) + 1
    assert isinstance(is_unknown(value), bool)


@FAST
@given(value=HEADER_TEXT)
def test_normalise_header_is_lower_case_and_idempotent_on_header_like_text(value):
    # (Exotic letters such as U+210C 'ℌ' fold to upper case 'H'; see the report.)
    n = normalise_header(value)
    assert n == n.casefold()
    assert normalise_header(n) == n
    assert normalise_header(value.upper()) == n


@FAST
@given(d=st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_dates_day_first_round_trip(d):
    for text in (
        d.strftime("%d-%m-%Y"),
        d.strftime("%d.%m.%Y"),
        d.strftime("%d/%m/%Y"),
        d.isoformat(),
        f"{d.day}. {MONTH_NAMES[d.month]} {d.year}",
        f"{d.day}-{d.month}-{d.year}",
    ):
        assert parse_date(text) == d, text
    assert parse_date(dt.datetime.combine(d, dt.time(13, 45))) == d
    assert parse_date((d - dt.date(1899, 12, 30)).days) == d  # an Excel serial
    assert parse_year(d) == d.year


@FAST
@given(
    start=st.integers(min_value=P.YEAR_MIN, max_value=P.YEAR_MAX),
    length=st.integers(min_value=0, max_value=20),
    sep=st.sampled_from(["-", "–", " - ", " – ", "/", " til "]),
)
def test_periods_round_trip(start, length, sep):
    end = min(start + length, P.YEAR_MAX)
    assert parse_period(f"{start}{sep}{end}") == (start, end)
    if end > start:
        with pytest.raises(ParseError) as e:
            parse_period(f"{end}{sep}{start}")
        assert e.value.code == "period.reversed"


@FAST
@given(n=st.integers(min_value=0, max_value=10**15))
def test_int_with_thousands_dots_and_words(n):
    assert parse_int(str(n)) == n
    assert parse_int(f"{n:,}".replace(",", ".")) == n
    assert parse_int(f"ca. {n} partnere") == n


@FAST
@given(x=st.decimals(min_value=-(10**9), max_value=10**9, places=3))
def test_number_single_dot_is_always_a_decimal_point(x):
    assert parse_number(str(x)) == x
    assert parse_number(str(x).replace(".", ",")) == x


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1.650.000", "1650000"),
        ("1.650.000,50", "1650000.50"),
        ("kr. 250.000", "250000"),
        ("250.000 kr.", "250000"),
        ("1,65 mio. kr.", "1650000"),
        ("ca. 41 mio. kr.", "41000000"),
        ("7,6 mio.", "7600000"),
        ("-1.250,00", "-1250"),
        ("(1.250,00)", "-1250"),
        ("1.650", "1650"),  # one dot and three digits: Danish thousands in an amount
        ("2 mia. kr.", "2000000000"),
        ("500 t.kr.", "500000"),
        ("1 650 000", "1650000"),
        ("1,650,000.50", "1650000.50"),
    ],
)
def test_amount_examples(text, expected):
    got = parse_amount(text)
    assert got == Decimal(expected)
    assert round_cents(got).as_tuple().exponent == -2  # stored as whole øre


@pytest.mark.parametrize("value, expected", [(1650000, "1650000"), (1650000.5, "1650000.50"), (0.1, "0.10")])
def test_amount_from_typed_cells(value, expected):
    assert parse_amount(value) == Decimal(expected)


def test_negative_amount_refused_when_not_allowed():
    with pytest.raises(ParseError) as e:
        parse_amount("-1.250,00", allow_negative=False)
    assert e.value.code == "amount.negative"
    assert e.value.value == "-1.250,00"
    with pytest.raises(ParseError) as e:
        parse_amount(-5, allow_negative=False)
    assert e.value.code == "amount.negative"
    assert parse_amount("1.250,00", allow_negative=False) == Decimal("1250")


@pytest.mark.parametrize(
    "value", ["to hundrede", "1.2.3", "1,2,3", "12,34,56", "1..000", ",5", "5,", True, float("inf"), 10**40]
)
def test_amount_invalid(value):
    with pytest.raises(ParseError) as e:
        parse_amount(value)
    assert e.value.code == "amount.invalid"


UNKNOWNS = [None, "", "   ", "\n", "Ikke oplyst", "ikke oplyst", "IKKE OPLYST", "-", "–", "n/a", "N/A", "ukendt",
            "NA", float("nan")]  # fmt: skip


@pytest.mark.parametrize("value", UNKNOWNS)
def test_unknown_is_none_never_zero(value):
    assert is_unknown(value)
    assert parse_amount(value) is None
    assert parse_number(value) is None
    assert parse_int(value) is None
    assert parse_date(value) is None
    assert parse_year(value) is None
    assert parse_period(value) == (None, None)


def test_zero_is_known():
    assert not is_unknown("0") and not is_unknown(0)
    assert parse_amount("0") == Decimal("0") and parse_amount(0) == Decimal("0")


# ---------------------------------------------------------------- numbers and counts


def test_number_dot_is_decimal_only_outside_amounts():
    assert parse_number("1.250") == Decimal("1.25")
    assert parse_amount("1.250") == Decimal("1250")
    assert parse_number("1,25") == Decimal("1.25")
    assert parse_number("1.250,5") == Decimal("1250.5")
    assert parse_number("12,5 %") == Decimal("12.5")
    assert parse_number(1.123) == Decimal("1.123")


@pytest.mark.parametrize("value", ["abc", "1.2.3", True, float("-inf")])
def test_number_invalid(value):
    with pytest.raises(ParseError) as e:
        parse_number(value)
    assert e.value.code == "number.invalid"


@pytest.mark.parametrize(
    "value, expected",
    [(75, 75), (75.0, 75), ("75", 75), ("ca. 75", 75), ("1.200", 1200), ("75 partnere", 75)],
)
def test_int_examples(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [7.5, "7,5", "1.20", True, "mange", "9" * 5000])
def test_int_invalid(value):
    with pytest.raises(ParseError) as e:
        parse_int(value)
    assert e.value.code == "integer.invalid"


# ---------------------------------------------------------------- dates, years, periods


@pytest.mark.parametrize(
    "value",
    [
        "17. juni 2019",
        "17 juni 2019",
        "17-06-2019",
        "17.06.2019",
        "17/06/2019",
        "17-06-19",
        "2019-06-17",
        "2019-06-17 00:00:00",
        "mandag 17. juni 2019",
        "d. 17. juni 2019 kl. 10.00",
        "17 June 2019",
        dt.datetime(2019, 6, 17),
        dt.datetime(2019, 6, 17, 14, 30),
        dt.date(2019, 6, 17),
        43633,
        43633.5,
    ],
)
def test_date_examples(value):
    assert parse_date(value) == dt.date(2019, 6, 17)


def test_date_is_day_first():
    assert parse_date("03-04-2020") == dt.date(2020, 4, 3)
    assert parse_date("03.04.2020") == dt.date(2020, 4, 3)
    assert parse_date("3/4/2020") == dt.date(2020, 4, 3)


@pytest.mark.parametrize(
    "value, code",
    [
        ("31-02-2021", "date.impossible"),
        ("29-02-2021", "date.impossible"),
        ("2021-02-30", "date.impossible"),
        ("13-13-2021", "date.invalid"),
        ("06-17-2019", "date.invalid"),  # month first is not guessed
        ("17. juno 2019", "date.invalid"),
        ("i morgen", "date.invalid"),
        (True, "date.invalid"),
        (0, "date.invalid"),
        (float("inf"), "date.invalid"),
    ],
)
def test_date_errors(value, code):
    with pytest.raises(ParseError) as e:
        parse_date(value)
    assert e.value.code == code


def test_leap_day_is_a_date():
    assert parse_date("29-02-2020") == dt.date(2020, 2, 29)


@pytest.mark.parametrize(
    "value, expected",
    [(2024, 2024), (2024.0, 2024), ("2024", 2024), ("2024/25", 2024), (dt.date(2024, 5, 1), 2024)],
)
def test_year_examples(value, expected):
    assert parse_year(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [
        ("1800", "year.implausible"),
        (3000, "year.implausible"),
        ("tyve", "year.invalid"),
        (2024.5, "year.invalid"),
    ],
)
def test_year_errors(value, code):
    with pytest.raises(ParseError) as e:
        parse_year(value)
    assert e.value.code == code


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-2027", (2024, 2027)),
        ("2024–2027", (2024, 2027)),
        ("2024 - 2027", (2024, 2027)),
        ("2024 til 2027", (2024, 2027)),
        ("fra 2024 til 2027", (2024, 2027)),
        ("2025-29", (2025, 2029)),
        ("2024", (2024, 2024)),
        (2024, (2024, 2024)),
    ],
)
def test_period_examples(value, expected):
    assert parse_period(value) == expected


@pytest.mark.parametrize(
    "value, code",
    [("2027-2024", "period.reversed"), ("snart", "period.invalid"), ("1800-1900", "year.implausible")],
)
def test_period_errors(value, code):
    with pytest.raises(ParseError) as e:
        parse_period(value)
    assert e.value.code == code


# ---------------------------------------------------------------- yes/no and codes


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Ja", True), ("ja", True), (" JA ", True), ("X", True), ("x", True), ("Yes", True), (1, True),
        (True, True), ("Nej", False), ("No", False), ("nej", False), (0, False), (False, False),
        ("", None), (None, None), ("Ikke oplyst", None),
    ],
)  # fmt: skip
def test_bool_examples(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["måske", 2, 0.5])
def test_bool_invalid(value):
    with pytest.raises(ParseError) as e:
        parse_bool(value)
    assert e.value.code == "bool.invalid"


def test_x_is_yes_for_bools_and_never_a_number_or_date():
    assert parse_bool("X") is True
    assert parse_external("x") is True
    assert not is_unknown("X")  # is_unknown leaves "x" alone: it can mean yes
    # An "X" in an amount or date column is reported, never read as 0 or a date.
    for func in (parse_amount, parse_number, parse_date):
        with pytest.raises(ParseError):
            func("X")


@pytest.mark.parametrize(
    "value, expected",
    [("Ekstern", True), ("eksterne", True), ("Intern", False), ("Ja", True), ("Nej", False), (None, None)],
)
def test_external_examples(value, expected):
    assert parse_external(value) is expected


@pytest.mark.parametrize(
    "func, value, expected",
    [
        (parse_kind, "Netværksmøde", "network_meeting"),
        (parse_kind, "  webinar ", "webinar"),
        (parse_kind, "Konference.", "conference"),
        (parse_status, "Bevilget", "granted"),
        (parse_status, "Udbetalt", "paid"),
        (parse_status, "søgt", "applied"),
        (parse_model, "Trappemodel", "staircase"),
        (parse_model, "Engangsbeløb", "one_off"),
        (parse_model, "Årlig", "yearly"),
        (parse_kind, None, None),
        (parse_status, "", None),
    ],
)
def test_code_examples(func, value, expected):
    assert func(value) == expected


@pytest.mark.parametrize("func", [parse_kind, parse_status, parse_model])
@pytest.mark.parametrize("value", ["noget andet", 3])
def test_code_invalid(func, value):
    with pytest.raises(ParseError) as e:
        func(value)
    assert e.value.code == "enum.invalid"


@pytest.mark.parametrize(
    "format_text, host, expected",
    [
        (None, "Skype", "online"),
        (None, "Teams", "online"),
        (None, "Zoom", "online"),
        (None, "Skype og hos CIMT", "hybrid"),
        (None, "Microsoft Teams", "online"),
        (None, "Online via Teams", "online"),
        (None, "Teams-møde", "online"),
        (None, "Zoom + Herlev Hospital", "hybrid"),
        (None, "hos Akutberedskabet", "physical"),
        (None, None, None),
        ("Fysisk", "Skype", "physical"),  # the format column wins over the host
        ("Online", None, "online"),
        ("Hybrid (Teams)", None, "hybrid"),
    ],
)
def test_format_examples(format_text, host, expected):
    assert parse_format(format_text, host) == expected


def test_format_invalid():
    with pytest.raises(ParseError) as e:
        parse_format("på månen")
    assert e.value.code == "enum.invalid"


# ---------------------------------------------------------------- text and headers


@pytest.mark.parametrize(
    "value, expected",
    [
        ("NA", "NA"),
        ("None", "None"),
        ("null", "null"),
        ("Kommu-\nnikation", "Kommunikation"),
        ("Kommu-\r\nnikation", "Kommunikation"),
        ("  Region\u00a0 Syddanmark \n", "Region Syddanmark"),
        ("Erfaringer under COVID-19\nog anbefalinger", "Erfaringer under COVID-19 og anbefalinger"),
        ("'=SUM(A1)", "=SUM(A1)"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (True, "Ja"),
        (False, "Nej"),
        (75.0, "75"),
        (1.5, "1.5"),
        (dt.date(2019, 6, 17), "2019-06-17"),
        (dt.datetime(2019, 6, 17), "2019-06-17"),
        (dt.datetime(2019, 6, 17, 10, 30), "2019-06-17 10:30:00"),
    ],
)
def test_clean_text_examples(value, expected):
    assert clean_text(value) == expected


def test_normalise_header_and_parts():
    assert normalise_header("Samlet\nbudget") == "samletbudget"
    assert normalise_header("Regionens andel (kr.)") == "regionensandelkr"
    assert normalise_header("Beløb") == "beløb"  # Danish letters are kept
    assert normalise_header("Nèmery") == "nemery"  # other accents are folded
    assert normalise_header(None) == ""
    assert header_parts("Projektitel / Project title") == [
        "projektitelprojecttitle",
        "projektitel",
        "projecttitle",
    ]
    assert header_parts("Budget / Budget") == ["budgetbudget", "budget"]
    assert header_parts("Samlet\nbudget") == ["samletbudget", "samlet", "budget"]


def test_parse_error_is_a_value_error_with_code_and_value():
    with pytest.raises(ValueError) as e:
        parse_amount("abc")
    assert isinstance(e.value, ParseError)
    assert (e.value.code, e.value.value, str(e.value)) == ("amount.invalid", "abc", "amount.invalid")
