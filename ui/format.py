"""Swedish number and date formatting (Babel, locale sv_SE).

``1 234 567 kr`` and ``53,2 %`` with no-break spaces, so a figure never
wraps in the middle.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
NBSP = "\u00a0"
MISSING = "–"


def grouped(value: Decimal | float | int, decimals: int) -> str:
    """What Babel's sv_SE ``#,##0.0…`` pattern gives (``1 234 567,8``: no-break
    space between thousands, decimal comma, half-even rounding), at a
    twentieth of the cost: a table of thousands of suppliers formats tens of
    thousands of cells per page run. ``tests/test_format.py`` holds the two equal."""
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    return f"{rounded:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def kronor(amount: Decimal | float | int | None) -> str:
    """Whole kronor with thousands separators: ``1 234 567 kr``."""
    if amount is None:
        return MISSING
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as the ledger rounds
    return f"{grouped(whole, 0)}{NBSP}kr"


def swedish_amount(amount: Decimal | float | int | None) -> str:
    """An exact amount with öre: ``1 234,50``."""
    if amount is None:
        return MISSING
    return format_decimal(Decimal(str(amount)), format="#,##0.00", locale=LOCALE)


def compact_kronor(amount: Decimal | float | int | None) -> str:
    """Kronor for cards: ``12,3 mnkr`` from a million up, else ``654 420 kr``."""
    if amount is None:
        return MISSING
    if abs(Decimal(str(amount))) < 1_000_000:
        return kronor(amount)
    return f"{format_decimal(Decimal(str(amount)) / 1_000_000, format='#,##0.0', locale=LOCALE)}{NBSP}mnkr"


def percent(value: Decimal | float | None, decimals: int = 1) -> str:
    """A percentage given as 0-100: ``53,2 %``; undefined shows as a dash."""
    if value is None:
        return MISSING
    return f"{grouped(value, decimals)}{NBSP}%"


def points(value: Decimal | float | None) -> str:
    """A change in percentage points with its sign: ``+2,4 p.e.``."""
    if value is None:
        return MISSING
    return f"{format_decimal(value, format='+#,##0.0;-#,##0.0', locale=LOCALE)}{NBSP}p.e."


def integer(value: int | None) -> str:
    if value is None:
        return MISSING
    return grouped(value, 0)


def long_date(day: date | None) -> str:
    """``14 mars 2025``."""
    return MISSING if day is None else format_date(day, format="d MMMM y", locale=LOCALE)


def month_name(day: date) -> str:
    """``mars 2025``."""
    return format_date(day, format="LLLL y", locale=LOCALE)
