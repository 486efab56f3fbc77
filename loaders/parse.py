"""Danish numbers, amounts, dates, periods and yes/no, as staff type them: small pure functions.

Every parser returns None for unknown (blank, "Ikke oplyst", "-", "n/a") and raises only
ParseError(code, value) for anything it cannot read. Cells come from read.py typed (str, float,
bool, date, datetime, time) or from CSV as str.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any


class ParseError(ValueError):
    """A value that cannot be read; code is a stable key such as 'amount.invalid'."""

    def __init__(self, code: str, value: object) -> None:
        super().__init__(code)
        self.code = code
        self.value = value


UNKNOWN = {
    "", "-", "–", "—", "?", "n/a", "na", "n.a.", "ikke oplyst", "ikke kendt", "ukendt", "unknown", "none", "null",
    "nan", "ikke angivet", "uoplyst", "tbd", "x",
}  # fmt: skip
# "x" is unknown for numbers and dates only; parse_bool reads "X" as yes before looking here.
_CENT = Decimal("0.01")
_WS = re.compile(r"\s+")
_BROKEN = re.compile(r"(\w)-\s*\n\s*(\w)")


def _is_nan(v: object) -> bool:
    return isinstance(v, float) and math.isnan(v)


def is_blank(v: object) -> bool:
    """An empty cell: None, NaN or only spaces."""
    return v is None or _is_nan(v) or (isinstance(v, str) and not v.strip())


def is_unknown(value: object) -> bool:
    """True for blank cells and the words staff use for 'not known'."""
    if is_blank(value):
        return True
    return isinstance(value, str) and _norm_ws(value).casefold() in UNKNOWN - {"x"}


def _norm_ws(text: str) -> str:
    return _WS.sub(" ", text.replace("\xa0", " ").replace("\u202f", " ")).strip()


def _num_text(v: float | int) -> str:
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return repr(v) if isinstance(v, float) else str(v)


def clean_text(value: object) -> str | None:
    """Text as stored: trimmed, one space between words, a word broken over a line joined."""
    if (
        type(value) is str
        and value
        and value.isprintable()  # no line break, tab or non-breaking space
        and value[0] not in " '"
        and value[-1] != " "
        and "  " not in value
    ):
        return value  # already clean: the common case, without the regular expressions
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if isinstance(value, int | float):
        return _num_text(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != datetime.min.time() else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if len(text) > 1 and text[0] == "'" and formula_like(text[1:]):
        text = text[1:]  # our CSV export's formula guard; the text itself is never evaluated
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BROKEN.sub(r"\1\2", text)  # "Kommu-\nnikation" -> "Kommunikation"
    text = _norm_ws(text)
    return text or None


# Invisible characters a spreadsheet passes over before it looks for a formula: zero-width space
# and joiners, word joiner, byte-order mark.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_PLAIN_SIGNED_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def formula_like(text: str) -> bool:
    """Text a spreadsheet could take for a formula when it opens a CSV (OWASP's list and more):
    a tab or carriage return first, or, after any invisible start, '=', '+', '-' or '@' or their
    full-width forms '＝＋－＠'; never a plain signed number ('-5', '-1.250,50'), which is read as
    the number it is."""
    if text[:1] in ("\t", "\r"):
        return True
    stripped = text.lstrip(_INVISIBLE)
    if not stripped:
        return False
    first = unicodedata.normalize("NFKC", stripped[0])
    if first not in "=+-@":
        return False
    return not (first in "+-" and _PLAIN_SIGNED_NUMBER.fullmatch(unicodedata.normalize("NFKC", stripped)))


# ---------------------------------------------------------------- numbers and amounts

_CURRENCY_WORDS = re.compile(r"(?i)(dkk|kr\.?|kroner|eur|euro|€|,-)")
_ABOUT = re.compile(r"(?i)^(ca\.?|cirka|omkring|approx\.?|ca)\s*")
_SCALE = re.compile(
    r"(?i)\s*(mia\.?|mia|milliarder?|mio\.?|millioner|million(?:s)?|mill\.?|t\.?\s?kr\.?|tkr\.?|tusind)\s*"
)
_NUMBER = re.compile(r"^[+-]?(\d[\d.,' ]*\d|\d)$")


def detect_currency(value: object) -> str | None:
    """'EUR' for €/EUR/euro, 'DKK' for kr./DKK/kroner, else None."""
    if not isinstance(value, str):
        return None
    t = value.casefold()
    if "€" in t or re.search(r"\beur\b|\beuro", t):
        return "EUR"
    if re.search(r"\bdkk\b|\bkr\b|kr\.|kroner", t):
        return "DKK"
    return None


def _split_number(s: str, amount: bool) -> Decimal:
    """A digit string with Danish or English separators -> Decimal; ValueError when unreadable."""
    s = s.replace(" ", "").replace("'", "")
    neg = s.startswith("-")
    s = s.lstrip("+-")
    if not s or not re.fullmatch(r"[\d.,]+", s) or not s[0].isdigit() or not s[-1].isdigit():
        raise ValueError(s)
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thou = "," if dec == "." else "."
        whole, _, frac = s.rpartition(dec)
        if dec in whole or not _grouped(whole, thou):
            raise ValueError(s)
        s = whole.replace(thou, "") + "." + frac
    elif dots:
        if dots > 1:
            if not _grouped(s, "."):
                raise ValueError(s)
            s = s.replace(".", "")
        elif amount and re.fullmatch(r"\d{1,3}\.\d{3}", s):
            s = s.replace(".", "")  # "1.650" in an amount column is Danish thousands
    elif commas:
        if commas > 1:
            if not _grouped(s, ","):
                raise ValueError(s)
            s = s.replace(",", "")
        else:
            s = s.replace(",", ".")
    d = Decimal(s)
    return -d if neg else d


def _grouped(s: str, sep: str) -> bool:
    parts = s.split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _scale_of(text: str) -> tuple[str, Decimal]:
    m = _SCALE.search(text)
    if not m:
        return text, Decimal(1)
    word = m.group(1).casefold()
    mult = (
        Decimal(10**9)
        if word.startswith("mia") or word.startswith("milliard")
        else (Decimal(1000) if word.startswith("t") else Decimal(10**6))
    )
    return (text[: m.start()] + " " + text[m.end() :]), mult


def parse_amount(value: object, *, allow_negative: bool = True) -> Decimal | None:
    """Read an amount as Danish staff write it: '1.650.000', '1,65 mio. kr.', 'ca. 41 mio.'.

    Exact, not yet rounded: a header's scale ("mio. kr.") and a currency's rate apply first,
    then round_cents."""
    if isinstance(value, bool):
        raise ParseError("amount.invalid", value)
    if isinstance(value, int | float) and not _is_nan(value):
        if isinstance(value, float) and math.isinf(value):
            raise ParseError("amount.invalid", value)
        d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return _sign_check(_bounded(d, value), value, allow_negative)
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        raise ParseError("amount.invalid", value)
    text = _norm_ws(value).replace("−", "-").replace("–", "-")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]  # accountants' negative
    text = _ABOUT.sub("", text)
    text, mult = _scale_of(text)
    text = _CURRENCY_WORDS.sub(" ", text)
    text = _ABOUT.sub("", _norm_ws(text))
    text = text.replace("- ", "-").strip()
    if not _NUMBER.match(text.replace(" ", "")) and not re.fullmatch(r"[+-]?\d+(?: \d{3})+(?:,\d+)?", text):
        raise ParseError("amount.invalid", value)
    try:
        d = _split_number(text, amount=True) * mult
    except (ValueError, InvalidOperation):
        raise ParseError("amount.invalid", value) from None
    return _sign_check(_bounded(d, value), value, allow_negative)


def _bounded(d: Decimal, value: object) -> Decimal:
    """The exact amount, refused when it could never be a sum of money (more than 10^20)."""
    if not d.is_finite() or d.adjusted() > 20:
        raise ParseError("amount.invalid", value)
    return d


def round_cents(d: Decimal) -> Decimal:
    """To whole øre, half up as Danish practice rounds (1,125 kr. -> 1,13 kr.)."""
    return d.quantize(_CENT, rounding=ROUND_HALF_UP)


def _sign_check(d: Decimal, value: object, allow_negative: bool) -> Decimal:
    if d < 0 and not allow_negative:
        raise ParseError("amount.negative", value)
    return d


def parse_number(value: object) -> Decimal | None:
    """A rate, coordinate or duration: a single dot is always a decimal point ('1.123' is 1.123)."""
    if isinstance(value, bool):
        raise ParseError("number.invalid", value)
    if isinstance(value, int | float) and not _is_nan(value):
        if isinstance(value, float) and math.isinf(value):
            raise ParseError("number.invalid", value)
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        raise ParseError("number.invalid", value)
    text = _norm_ws(value).replace("−", "-").rstrip("%").strip()
    text = _ABOUT.sub("", text)
    try:
        return _split_number(text, amount=False)
    except (ValueError, InvalidOperation):
        raise ParseError("number.invalid", value) from None


# "75", "ca. 75", "75 partnere", and numbering written with a word: "Møde 3", "Nr. 3", "#3".
_INT_WORDS = re.compile(
    r"(?i)^(?:(?:ca\.?|cirka|omkring)\s*|(?:[a-zæøå]{1,12}\.?\s+){0,2}(?:nr\.?|no\.?|#)?\s*)([\d.  ]+?)\.?\s*[a-zæøå. ]*$"
)


def parse_int(value: object) -> int | None:
    """A count (never negative): 75, '75', 'ca. 75', '1.200', '75 partnere', 'Møde 3'."""
    if isinstance(value, bool):
        raise ParseError("integer.invalid", value)
    if (
        isinstance(value, str)
        and _PLAIN_NUMBER.fullmatch(value.strip())
        and not _THOUSANDS.fullmatch(value.strip())
    ):
        return _as_number(parse_int, value)
    if isinstance(value, int | float) and not _is_nan(value):
        if isinstance(value, float) and (math.isinf(value) or not value.is_integer()) or value < 0:
            raise ParseError("integer.invalid", value)
        return int(value)
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        raise ParseError("integer.invalid", value)
    m = _INT_WORDS.match(_norm_ws(value))
    if not m:
        raise ParseError("integer.invalid", value)
    digits = m.group(1).replace(" ", "").replace("\xa0", "")
    if len(digits) > 400:  # int() refuses more than 4300 digits with ValueError; no count is this long
        raise ParseError("integer.invalid", value)
    if re.fullmatch(r"\d+", digits):
        return int(digits)
    if _grouped(digits, "."):
        return int(digits.replace(".", ""))
    raise ParseError("integer.invalid", value)


# ---------------------------------------------------------------- dates, years, periods

MONTHS = {
    "januar": 1, "jan": 1, "january": 1, "februar": 2, "feb": 2, "february": 2, "marts": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4, "maj": 5, "may": 5, "juni": 6, "jun": 6, "june": 6, "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAY = re.compile(
    r"(?i)^(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b,?\s*"
)
_TIME = re.compile(r"(?i)\s*(kl\.?\s*)?\d{1,2}[:.]\d{2}(:\d{2}(\.\d+)?)?\s*$")
# ISO dates, with a time ("2024-06-17T10:00:00", "2024-09-02 13:30") and a zone if given; the text
# is case-folded first, so 'T' and 'Z' arrive as 't' and 'z'.
_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$"
)
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")  # "1.200" typed as text is Danish for 1200
_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})$")
_DMONY = re.compile(r"^(\d{1,2})\.?\s+([a-zæøå]+)\.?,?\s+(\d{4})$")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, with Excel's phantom 29 Feb 1900 absorbed
_SERIAL_1950 = (date(1950, 1, 1) - _EXCEL_EPOCH).days


def _as_number(parser: Any, text: str) -> Any:
    """Digits typed as text read as the number cell they could have been (the reader relies on it);
    a problem still names the text as written."""
    try:
        return parser(float(text))
    except ParseError as e:
        raise ParseError(e.code, text) from None


def _make_date(y: int, m: int, d: int, value: object) -> date:
    if not (1 <= m <= 12 and 1 <= d <= 31):
        raise ParseError("date.invalid", value)
    try:
        return date(y, m, d)
    except ValueError:
        raise ParseError("date.impossible", value) from None


def parse_date(value: object) -> date | None:
    """A date, always day first: Excel dates and serials, '17. juni 2019', '17-06-2019', '2019-06-17'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ParseError("date.invalid", value)
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        # Digits typed as text read as the number cell they could have been.
        try:
            return parse_date(float(value))
        except ParseError as e:
            raise ParseError(e.code, value) from None
    if isinstance(value, int | float) and not _is_nan(value):
        if isinstance(value, float) and math.isinf(value) or not 1 <= value <= 2958465:
            raise ParseError("date.invalid", value)
        if float(value).is_integer() and YEAR_MIN_DATE <= value <= YEAR_MAX_DATE:
            # 2019 in a date column is a year, not Excel's day 2019 (11 July 1905).
            raise ParseError("date.year_only", value)
        if value < _SERIAL_1950:
            raise ParseError("date.invalid", value)  # a day before 1950 is no date of ours
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        raise ParseError("date.invalid", value)
    text = _norm_ws(value).casefold()
    text = _WEEKDAY.sub("", text)
    text = re.sub(r"^d\.\s*", "", text)
    if not _ISO.match(text):
        text = _TIME.sub("", text).strip().rstrip(",")
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _DMY.match(text):
        y = int(m[3])
        if y < 100:  # Excel's pivot: 00-29 is this century, 30-99 the last ("17-06-98" is 1998)
            y += 2000 if y < 30 else 1900
        return _make_date(y, int(m[2]), int(m[1]), value)
    if m := _DMONY.match(text):
        month = MONTHS.get(m[2])
        if month is None:
            raise ParseError("date.invalid", value)
        return _make_date(int(m[3]), month, int(m[1]), value)
    raise ParseError("date.invalid", value)


YEAR_MIN, YEAR_MAX = 1950, 2100
YEAR_MIN_DATE, YEAR_MAX_DATE = 1900, 2100  # whole numbers in a date column that are years


def _year_ok(y: int, value: object) -> int:
    if not YEAR_MIN <= y <= YEAR_MAX:
        raise ParseError("year.implausible", value)
    return y


def parse_year(value: object) -> int | None:
    """A year: 2024, '2024', a date's year, '2024/25' -> 2024."""
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return _as_number(parse_year, value)
    if isinstance(value, datetime | date):
        return _year_ok(value.year, value)
    if isinstance(value, bool):
        raise ParseError("year.invalid", value)
    if isinstance(value, int | float) and not _is_nan(value):
        if isinstance(value, float) and (math.isinf(value) or not value.is_integer()):
            raise ParseError("year.invalid", value)
        return _year_ok(int(value), value)
    if is_unknown(value):
        return None
    if not isinstance(value, str):
        raise ParseError("year.invalid", value)
    m = re.fullmatch(r"(\d{4})(?:\s*/\s*\d{2,4})?", _norm_ws(value))
    if not m:
        raise ParseError("year.invalid", value)
    return _year_ok(int(m[1]), value)


_PERIOD = re.compile(r"(?i)^(?:fra\s+)?(\d{4})\s*(?:-|–|—|/|til|to)\s*(\d{2}|\d{4})$")


def parse_period(value: object) -> tuple[int | None, int | None]:
    """A period of years: '2024-2027', '2024–2027', '2024 til 2027', '2025-29', or one year."""
    if is_unknown(value):
        return (None, None)
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return _as_number(parse_period, value)
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        try:
            y = parse_year(value)
        except ParseError as e:
            raise ParseError("period.invalid" if e.code == "year.invalid" else e.code, value) from None
        return (y, y)
    if not isinstance(value, str):
        raise ParseError("period.invalid", value)
    text = _norm_ws(value)
    m = _PERIOD.match(text)
    if not m:
        raise ParseError("period.invalid", value)
    start = int(m[1])
    end = int(m[2]) if len(m[2]) == 4 else (start // 100) * 100 + int(m[2])
    _year_ok(start, value)
    _year_ok(end, value)
    if end < start:
        raise ParseError("period.reversed", value)
    return (start, end)


# ---------------------------------------------------------------- yes/no and codes

_TRUE = {"ja", "j", "x", "yes", "y", "true", "sand", "1", "✓", "✔"}
_FALSE = {"nej", "n", "no", "false", "falsk", "0"}


def parse_bool(value: object) -> bool | None:
    """Yes/no as 'Ja/Nej', 'X', 'Yes/No', 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not _is_nan(value):
        if value in (0, 1):
            return bool(value)
        raise ParseError("bool.invalid", value)
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise ParseError("bool.invalid", value)
    t = _norm_ws(value).casefold()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    if t in UNKNOWN:
        return None
    raise ParseError("bool.invalid", value)


def parse_external(value: object) -> bool | None:
    """External member? Yes/no, or the words 'Ekstern'/'Intern'."""
    if isinstance(value, str):
        t = _norm_ws(value).casefold()
        if t in ("ekstern", "external", "eksterne"):
            return True
        if t in ("intern", "internal", "interne"):
            return False
    return parse_bool(value)


def _code(table: dict[str, str], value: object) -> str | None:
    if is_blank(value):
        return None
    if not isinstance(value, str):
        raise ParseError("enum.invalid", value)
    t = _norm_ws(value).casefold().rstrip(".")
    if t in table:
        return table[t]
    raise ParseError("enum.invalid", value)


_KINDS = {
    "netværksmøde": "network_meeting", "møde": "network_meeting", "network meeting": "network_meeting",
    "network_meeting": "network_meeting", "meeting": "network_meeting", "webinar": "webinar", "webinarer": "webinar",
    "workshop": "workshop", "konference": "conference", "conference": "conference", "udvalgsmøde": "committee_meeting",
    "committee meeting": "committee_meeting", "committee_meeting": "committee_meeting",
}  # fmt: skip
_STATUS = {
    "søgt": "applied", "ansøgt": "applied", "applied": "applied", "bevilget": "granted", "tildelt": "granted",
    "godkendt": "granted", "granted": "granted", "afslået": "rejected", "afvist": "rejected", "rejected": "rejected",
    "udbetalt": "paid", "paid": "paid",
}  # fmt: skip
_MODELS = {
    "engangs": "one_off", "engangsbeløb": "one_off", "engangsbevilling": "one_off", "one-off": "one_off",
    "one off": "one_off", "one_off": "one_off", "årlig": "yearly", "årligt": "yearly", "løbende": "yearly",
    "yearly": "yearly", "annual": "yearly", "trappe": "staircase", "trappemodel": "staircase",
    "staircase": "staircase",
}  # fmt: skip
_FORMATS = {
    "fysisk": "physical", "fremmøde": "physical", "physical": "physical", "on site": "physical", "onsite": "physical",
    "in person": "physical", "in-person": "physical",
    "online": "online", "virtuel": "online", "virtuelt": "online", "digital": "online", "digitalt": "online",
    "webinar": "online", "hybrid": "hybrid", "hybridt": "hybrid",
}  # fmt: skip
_ONLINE = re.compile(r"(?i)\b(skype|teams|zoom|online|virtuel\w*|webinar|streaming|webex|google meet)\b")


def parse_kind(value: object) -> str | None:
    """The kind of meeting: network_meeting, webinar, workshop, conference, committee_meeting."""
    return _code(_KINDS, value)


def parse_status(value: object) -> str | None:
    """Allocation status: applied, granted, rejected, paid."""
    return _code(_STATUS, value)


def parse_model(value: object) -> str | None:
    """Pool model: one_off, yearly, staircase."""
    return _code(_MODELS, value)


def parse_format(format_text: object, host_text: object = None) -> str | None:
    """physical, online or hybrid: the format column if given, else inferred from the host text."""
    if not is_blank(format_text):
        if not isinstance(format_text, str):
            raise ParseError("enum.invalid", format_text)
        t = _norm_ws(format_text).casefold()
        t = re.sub(r"\s*\(.*\)$", "", t)
        if t in _FORMATS:
            return _FORMATS[t]
        raise ParseError("enum.invalid", format_text)
    if is_blank(host_text) or not isinstance(host_text, str):
        return None
    host = _norm_ws(host_text)
    if _ONLINE.search(host):
        rest = _ONLINE.sub("", host)
        # Words that only say how the online meeting ran ("Microsoft Teams", "online via Zoom").
        rest = re.sub(r"(?i)\b(og|and|microsoft|via|møde|meeting|digitalt?|link)\b", " ", rest)
        rest = rest.strip(" +/,-:")
        # "Skype og hos CIMT" names a room as well: hybrid. "Skype" alone: online.
        return "hybrid" if re.search(r"\w{2,}", rest) else "online"
    return "physical"


# ---------------------------------------------------------------- headers and names

_DANISH = set("æøåÆØÅ")


def _fold(ch: str) -> str:
    if ch in _DANISH:
        return ch
    return unicodedata.normalize("NFKD", ch)[0]


def normalise_header(text: object) -> str:
    """Header text for matching: lower case, letters and digits only ('Samlet\\nbudget' -> 'samletbudget')."""
    if not isinstance(text, str):
        text = clean_text(text) or ""
    return _normalise(text)


@functools.lru_cache(maxsize=16384)
def _normalise(text: str) -> str:
    t = "".join(_fold(c) for c in text.casefold())
    return "".join(c for c in t if c.isalnum())


def header_parts(text: str) -> list[str]:
    """The whole header, then its halves ('Budget / Budget', 'Projektitel / Operation name', line breaks)."""
    whole = normalise_header(text)
    out = [whole]
    for piece in re.split(r"\s+/\s+|\n|\r", text or ""):
        n = normalise_header(piece)
        if n and n not in out:
            out.append(n)
    return out


def header_multiplier(text: str) -> Decimal:
    """1.000.000 for a header in 'mio. kr.', 1.000 for 't.kr.', else 1."""
    t = (text or "").casefold()
    if re.search(r"\bmio\b|mio\.|million", t):
        return Decimal(10**6)
    if re.search(r"t\.\s?kr|\btkr|1\.000 kr", t):
        return Decimal(1000)
    return Decimal(1)


def normalise_name(text: object) -> str:
    """An organisation or person name for matching: 'Herlev/Gentofte' -> 'herlev og gentofte'."""
    t = clean_text(text) or ""
    t = t.casefold().replace("&", " og ").replace("/", " og ")
    t = re.sub(r"\band\b", "og", t)
    t = re.sub(r"[^\w\s]", " ", t)
    return _WS.sub(" ", t).strip()
