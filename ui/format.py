"""Swedish number and date formatting (Babel, locale sv_SE).

``1 234 567 kr`` and ``53,2 %`` with no-break spaces, so a figure never
wraps in the middle.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "sv_SE"
NBSP = "\u00a0"
MISSING = "–"


def kronor(amount: Decimal | float | int | None) -> str:
    """Whole kronor with thousands separators: ``1 234 567 kr``."""
    if amount is None:
        return MISSING
    whole = Decimal(str(amount)).quantize(Decimal(1), rounding=ROUND_HALF_UP)  # as the ledger rounds
    return f"{format_decimal(whole, format='#,##0', locale=LOCALE)}{NBSP}kr"


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
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return f"{format_decimal(value, format=pattern, locale=LOCALE)}{NBSP}%"


def points(value: Decimal | float | None) -> str:
    """A change in percentage points with its sign: ``+2,4 p.e.``."""
    if value is None:
        return MISSING
    return f"{format_decimal(value, format='+#,##0.0;-#,##0.0', locale=LOCALE)}{NBSP}p.e."


def integer(value: int | None) -> str:
    if value is None:
        return MISSING
    return format_decimal(value, format="#,##0", locale=LOCALE)


def long_date(day: date | None) -> str:
    """``14 mars 2025``."""
    return MISSING if day is None else format_date(day, format="d MMMM y", locale=LOCALE)


def month_name(day: date) -> str:
    """``mars 2025``."""
    return format_date(day, format="LLLL y", locale=LOCALE)
