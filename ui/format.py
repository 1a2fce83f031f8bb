"""Swedish number and date formatting (Babel, locale sv_SE).

``1 234 567 kr`` and ``53,2 %`` with no-break spaces, so a figure never
wraps in the middle, and one minus sign everywhere: the typographic minus
(U+2212) Swedish print uses, also in the charts (``ui.charts``) and the cards.
A value that rounds to zero shows no sign at all.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
NBSP = "\u00a0"
MINUS = "\u2212"
MISSING = "–"
SHORT_MONTHS = ("jan", "feb", "mars", "apr", "maj", "juni", "juli", "aug", "sep", "okt", "nov", "dec")


def is_missing(value: object) -> bool:
    """None, NaN and pandas' NA: what a table cell without a value holds."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the one value unequal to itself
    except TypeError:  # pandas.NA refuses a truth value
        return True


def _signed(text: str) -> str:
    """The typographic minus for a hyphen-minus in front, and none on a zero."""
    if not text.startswith("-"):
        return text
    return text[1:] if not any(digit in "123456789" for digit in text) else MINUS + text[1:]


def grouped(value: Decimal | float | int, decimals: int) -> str:
    """What Babel's sv_SE ``#,##0.0…`` pattern gives (``1 234 567,8``: no-break
    space between thousands, decimal comma, half-even rounding), at a
    twentieth of the cost: a table of thousands of suppliers formats tens of
    thousands of cells per page run. ``tests/test_format.py`` holds the two equal."""
    # Decimal and int exactly; floats and NumPy's numbers (what a table cell holds) by their text
    number = Decimal(value) if isinstance(value, Decimal | int) else Decimal(str(value))
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    return _signed(f"{rounded:,.{decimals}f}".replace(",", NBSP).replace(".", ","))


def kronor(amount: Decimal | float | int | None) -> str:
    """Whole kronor with thousands separators: ``1 234 567 kr``."""
    if is_missing(amount):
        return MISSING
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as the ledger rounds
    return f"{grouped(whole, 0)}{NBSP}kr"


def swedish_amount(amount: Decimal | float | int | None) -> str:
    """An exact amount with öre: ``1 234,50``."""
    if is_missing(amount):
        return MISSING
    return _signed(format_decimal(Decimal(str(amount)), format="#,##0.00", locale=LOCALE))


def compact_kronor(amount: Decimal | float | int | None) -> str:
    """Kronor for cards: ``12,3 mnkr`` from a million up, else ``654 420 kr``."""
    if is_missing(amount):
        return MISSING
    if abs(Decimal(str(amount))) < 1_000_000:
        return kronor(amount)
    return f"{grouped(Decimal(str(amount)) / 1_000_000, 1)}{NBSP}mnkr"


def percent(value: Decimal | float | None, decimals: int = 1) -> str:
    """A percentage given as 0-100: ``53,2 %``; undefined shows as a dash."""
    if is_missing(value):
        return MISSING
    return f"{grouped(value, decimals)}{NBSP}%"


def typed_number(value: Decimal | None) -> str:
    """A number as a person would type it: ``80,5`` for 80.50, ``80`` for
    80.00 (no trailing zeros, no grouping); empty when there is none. For
    the values put back into a form field."""
    if value is None:
        return ""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def typed_percent(value: Decimal | None) -> str:
    """A target as it was typed: ``80,5 %``, ``72,25 %``, ``80 %``."""
    if is_missing(value):
        return MISSING
    text = typed_number(value)
    return f"{MINUS + text[1:] if text.startswith('-') else text}{NBSP}%"


def whole_percent(value: Decimal | float | None) -> str:
    """A share rounded to whole percent: ``67 %``."""
    return percent(value, 0)


def points(value: Decimal | float | None) -> str:
    """A change in percentage points with its sign: ``+2,4 p.e.``."""
    if is_missing(value):
        return MISSING
    text = grouped(value, 1)
    sign = "" if text.startswith(MINUS) or text == "0,0" else "+"
    return f"{sign}{text}{NBSP}p.e."


def integer(value: int | None) -> str:
    """A count with thousands separators: ``68 021``."""
    if is_missing(value):
        return MISSING
    return grouped(value, 0)


def long_date(day: date | None) -> str:
    """``14 mars 2025``."""
    return MISSING if day is None else format_date(day, format="d MMMM y", locale=LOCALE)


def month_name(day: date) -> str:
    """``mars 2025``."""
    return format_date(day, format="LLLL y", locale=LOCALE)


def short_month(day: date) -> str:
    """``maj 2026``, ``sep 2025``: month labels on chart axes."""
    return f"{SHORT_MONTHS[day.month - 1]} {day.year}"


def iso_date(day: date | None) -> str:
    """``2026-03-14``: how dates are written in tables and lists."""
    return MISSING if day is None else day.isoformat()


def decimal_number(value: Decimal | float | None, decimals: int = 1) -> str:
    """An average or another plain number with a decimal comma: ``2,7``."""
    if is_missing(value):
        return MISSING
    return grouped(value, decimals)


def org_number(value: str | None) -> str:
    """``556036-0793`` from the ten digits the database keeps; a dash when
    there is none."""
    if not value:
        return MISSING
    digits = "".join(character for character in value if character.isdigit())
    return f"{digits[:6]}-{digits[6:]}" if len(digits) == 10 else value


def count_text(count: int, one: str, many: str) -> str:
    """``1 rad``, ``2 rader``: Swedish needs the noun to agree."""
    return f"{integer(count)} {one if count == 1 else many}"
