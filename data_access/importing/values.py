"""Reading one cell of a real Swedish finance-system export.

Cells come from python-calamine (``.xlsx``: ``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime``, ``time``, ``timedelta`` or ``None``) or from
CSV (always ``str``). The same column may hold ``1 234,50`` on one row and the
float ``1234.5`` on the next, so every parser takes ``object`` and decides from
the value itself. The functions are pure: no I/O, no configuration, so the
importer, the preview and the tests all read a cell the same way.

A cell that cannot be read raises ``ValueProblemError`` with a Swedish message
meant for the per-row validation report; nothing is guessed silently beyond the
rules documented on each function.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from stdnum.exceptions import InvalidChecksum

from data_access.core.lengths import count_text, max_length
from data_access.core.models import Account
from data_access.core.money import CENT
from data_access.core.orgnr import InvalidOrgNumber, normalise_org_number
from data_access.importing.errors import ValueProblemError

__all__ = [
    "parse_account",
    "parse_amount",
    "parse_date",
    "parse_int",
    "parse_org_number",
    "parse_text",
    "parse_yes_no",
]

# Characters that are invisible in a spreadsheet but break a comparison: the
# byte-order mark a CSV export leaves in front, zero-width spaces, soft hyphens.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# ``\s`` on ``str`` is Unicode-aware: it covers U+00A0, U+202F, U+2007, U+2009,
# tabs and line breaks inside a cell.
_WHITESPACE = re.compile(r"\s+")
_MAX_SHOWN = 60


def _clean(text: str) -> str:
    """Collapse whitespace and drop invisible characters, so what the user sees
    in Excel is what we compare."""
    return _WHITESPACE.sub(" ", _INVISIBLE.sub("", text)).strip()


def _show(value: object) -> str:
    """The cell as the user would recognise it in a message, kept short because
    a hostile cell can hold a whole paragraph. An empty cell reads "Tom cell":
    messages start with the cell."""
    if value is None:
        return "Tom cell"
    if isinstance(value, str):
        text = _clean(value)
        if not text:
            return "Tom cell"
        if len(text) > _MAX_SHOWN:
            text = text[: _MAX_SHOWN - 1] + "…"
        return f'"{text}"'
    try:
        return str(value)
    except ValueError:  # an int beyond Python's 4300-digit str limit
        return "Ett orimligt stort tal"


def _whole_float(value: float) -> int | None:
    """The integer a float cell holds (Excel stores every number as a float),
    or ``None`` when it has a fraction or is not finite."""
    if math.isfinite(value) and value.is_integer():
        return int(value)
    return None


# --------------------------------------------------------------------------- amounts

_MONEY_CONTEXT = Context(prec=40, rounding=ROUND_HALF_UP)
# Money is stored as BIGINT öre (max about 9.2e18 öre); anything near that is
# a broken cell, not an invoice line, and would only fail later inside the
# import transaction with a database error nobody can act on.
_MAX_AMOUNT = Decimal("1e15")
_MINUS_SIGNS = "-−–"  # hyphen-minus, U+2212 minus sign, U+2013 en dash
_CURRENCY_PREFIX = re.compile(r"^(?:sek|kronor|kr\.?)\s*", re.IGNORECASE)
# ``:-`` and ``,-`` mean "whole kronor" (``1 234:-``); they end in a dash, so
# they must be removed before a trailing minus is looked for.
_CURRENCY_SUFFIX = re.compile(r"\s*(?:sek|kronor|kr\.?|:-|,-)$", re.IGNORECASE)
_NUMBER = re.compile(r"[0-9](?:[0-9 .,']*[0-9])?")
_DIGITS = re.compile(r"[0-9]+")


def _not_an_amount(value: object) -> ValueProblemError:
    return ValueProblemError(f"{_show(value)} är inte ett belopp")


def _strip_amount_decorations(text: str) -> tuple[str, bool] | None:
    """Peel currency, signs and accounting parentheses off both ends.

    Returns the bare number text and whether it is negative, or ``None`` when
    the signs contradict each other (``--5``, ``(-5)``, ``+-5``): a cell with
    two signs was typed by hand and we will not guess which one was meant.
    """
    signs = 0
    negative = False
    while True:
        before = text
        text = text.strip()
        if text.startswith("(") and text.endswith(")"):
            text, signs, negative = text[1:-1], signs + 1, True
            continue
        text = _CURRENCY_PREFIX.sub("", text)
        text = _CURRENCY_SUFFIX.sub("", text)
        if text and text[0] in _MINUS_SIGNS:
            text, signs, negative = text[1:], signs + 1, True
        elif text.startswith("+"):
            text, signs = text[1:], signs + 1
        if text and text[-1] in _MINUS_SIGNS:
            text, signs, negative = text[:-1], signs + 1, True
        if text == before:
            break
    if signs > 1:
        return None
    return text, negative


def _number_from_text(text: str) -> Decimal | None:
    """Digits with separators to an exact Decimal, or ``None``; see
    ``parse_amount`` for the rules."""
    if not _NUMBER.fullmatch(text):
        return None
    commas, dots = text.count(","), text.count(".")
    decimal_mark: str | None
    if commas and dots:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
    elif commas == 1:
        decimal_mark = ","
    elif dots == 1:
        decimal_mark = "."
    else:
        decimal_mark = None  # none at all, or several of one kind: thousands
    whole, fraction = text, "0"
    if decimal_mark is not None:
        if text.count(decimal_mark) != 1:
            return None
        whole, fraction = text.split(decimal_mark)
        if not _DIGITS.fullmatch(fraction):
            return None
    group_marks = {char for char in whole if not char.isdigit()}
    if len(group_marks) > 1:
        return None  # "1 234.567" mixes two thousand separators
    if group_marks:
        groups = whole.split(group_marks.pop())
        if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
            return None  # "12 34" is not a grouping anybody's export writes
        whole = "".join(groups)
    return Decimal(f"{whole}.{fraction}")


def parse_amount(value: object) -> Decimal:
    """An amount in kronor, exact, with exactly two decimals (ROUND_HALF_UP).

    Numbers: ``int``; ``Decimal``; ``float`` through its shortest ``repr``
    (never ``Decimal(float)``), so ``0.1`` is ``0.10``, not
    ``0.1000000000000000055…``. ``bool``, NaN and infinity are refused.

    Text, after trimming (all Unicode spaces count):

    - signs: a leading ``-``, ``−`` (U+2212) or ``–`` (U+2013), a trailing
      minus (``1234,50-``, SAP style) or accounting parentheses
      ``(1 234,50)``; a leading ``+`` is allowed; two signs are refused;
    - currency: ``kr``, ``kr.``, ``kronor``, ``SEK`` before or after, ``:-`` or ``,-``
      after (``1 234:-``);
    - both ``,`` and ``.`` present: the last one is the decimal mark and the
      other the thousand separator (``1.234,50`` and ``1,234.50``);
    - only one comma: always the decimal mark, because Swedish files use it so
      (``1,234`` is 1.234, rounded to 1.23, never 1234);
    - only one dot: the decimal mark (``1234.5``, and likewise ``1.234`` is
      1.23);
    - several commas or several dots and nothing else (``1.234.567``): thousand
      separators;
    - a space (any kind) or ``'`` is only ever a thousand separator;
    - thousand separators must make groups of three (``12 34`` is refused) and
      only one kind may be used; the decimal part may have any length and is
      rounded to öre.

    Amounts of 10^15 kronor or more are refused: they do not fit the ledger's
    öre column and are always a broken cell. Anything else raises
    ``ValueProblemError`` ("… är inte ett belopp").
    """
    number: Decimal | None
    if isinstance(value, bool):
        raise _not_an_amount(value)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_an_amount(value)
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise _not_an_amount(value)
        number = value
    elif isinstance(value, str):
        stripped = _strip_amount_decorations(_clean(value))
        if stripped is None:
            raise _not_an_amount(value)
        text, negative = stripped
        number = _number_from_text(text)
        if number is None:
            raise _not_an_amount(value)
        if negative:
            number = -number
    else:
        raise _not_an_amount(value)
    if abs(number) >= _MAX_AMOUNT:
        raise ValueProblemError(f"{_show(value)} är inte ett rimligt belopp (för stort)")
    try:
        amount = number.quantize(CENT, rounding=ROUND_HALF_UP, context=_MONEY_CONTEXT)
    except InvalidOperation as error:  # pragma: no cover - the size check comes first
        raise _not_an_amount(value) from error
    # "-0,00" and "-0,001" are zero; a negative zero would print as "-0.00".
    return amount.copy_abs() if amount.is_zero() else amount


# --------------------------------------------------------------------------- dates

# Excel's 1900 date system counts 1900-02-29, a day that never was, so for
# every serial from 61 (1900-03-01) on, day 0 is in effect 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_SERIAL_DATE = date(1990, 1, 1)
_LAST_SERIAL_DATE = date(2100, 12, 31)
_FIRST_SERIAL = (_FIRST_SERIAL_DATE - _EXCEL_EPOCH).days
_LAST_SERIAL = (_LAST_SERIAL_DATE - _EXCEL_EPOCH).days
# Text dates: 1900 catches a mistyped year (0025); 9999 lets the common
# "no end date" sentinel 9999-12-31 through for the caller to interpret.
_FIRST_TEXT_YEAR = 1900
# An optional time after a space or "T": hours, minutes, optional seconds with
# a fraction, optional UTC offset. It is checked, then ignored.
_TIME_PART = (
    r"(?:[ T](?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
    r"(?::[0-5][0-9](?:[.,][0-9]{1,9})?)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?"
)
_YEAR_FIRST = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})" + _TIME_PART, re.IGNORECASE)
_DAY_FIRST = re.compile(r"([0-9]{1,2})([-/.])([0-9]{1,2})\2([0-9]{4})" + _TIME_PART, re.IGNORECASE)
_NUMERIC = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?")


def _not_a_date(value: object, hint: str = "till exempel 2025-03-14") -> ValueProblemError:
    return ValueProblemError(f"{_show(value)} är inte ett datum ({hint})")


def _calendar_date(value: object, year: int, month: int, day: int, layout: str) -> date:
    """The date, or a message naming the layout we read, so that a US
    month-first date explains itself ("läst som DD/MM/ÅÅÅÅ")."""
    if year < _FIRST_TEXT_YEAR:
        raise _not_a_date(value, f"år före {_FIRST_TEXT_YEAR}")
    try:
        return date(year, month, day)
    except ValueError as error:
        raise _not_a_date(value, f"det finns ingen sådan dag, läst som {layout}") from error


def _from_number(value: object, number: int | float) -> date:
    """A number is an Excel serial, or an eight-digit YYYYMMDD that a finance
    system wrote as a number (20250314); the two ranges cannot overlap."""
    if isinstance(number, float) and not math.isfinite(number):
        raise _not_a_date(value)
    whole = math.floor(number)  # a fraction is the time of day
    if _FIRST_SERIAL <= whole <= _LAST_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=whole)
    if whole == number and 10_000_000 <= whole <= 99_999_999:
        return _calendar_date(value, whole // 10_000, whole // 100 % 100, whole % 100, "ÅÅÅÅMMDD")
    raise _not_a_date(value, f"ett Excel-datumnummer ska ligga mellan {_FIRST_SERIAL} och {_LAST_SERIAL}")


def parse_date(value: object) -> date:
    """A calendar date from a date cell, an Excel serial or text.

    - ``date`` and ``datetime`` (the time of day is dropped);
    - numbers (``int``, ``float`` or numeric text such as ``45730`` or
      ``45730,5``): an Excel 1900-system serial, ``date(1899, 12, 30)`` plus
      the serial in days, accepted only for 1990-01-01 … 2100-12-31 so that an
      amount or an id in the wrong column is not read as a date; a fraction
      (time of day) is dropped. An eight-digit number is ``YYYYMMDD``
      (``20250314``), as some finance systems write dates;
    - year first: ``2025-03-14``, ``2025-3-4``, ``2025/03/14``, ``2025.03.14``;
    - day first, never month first (Swedish and UK exports):
      ``14.03.2025``, ``14/03/2025``, ``14-03-2025``; so ``03/04/2025`` is
      3 April and the US ``03/14/2025`` is refused;
    - either may carry a time: ``2025-03-14 00:00:00``,
      ``2025-03-14T08:30:00Z``; the date is taken as written;
    - text years must be 1900 … 9999 (two-digit years are refused).

    Anything else raises ``ValueProblemError``.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise _not_a_date(value)
    if isinstance(value, int):
        return _from_number(value, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_date(value)
        return _from_number(value, value)
    if not isinstance(value, str):
        raise _not_a_date(value)
    text = _clean(value)
    if match := _NUMERIC.fullmatch(text):
        whole, fraction = match.groups()
        if len(whole) == 8 and not (fraction or "").strip("0"):
            return _calendar_date(value, int(whole[:4]), int(whole[4:6]), int(whole[6:]), "ÅÅÅÅMMDD")
        return _from_number(value, float(f"{whole}.{fraction or '0'}"))
    if match := _YEAR_FIRST.fullmatch(text):
        year, mark, month, day = match.groups()
        return _calendar_date(value, int(year), int(month), int(day), f"ÅÅÅÅ{mark}MM{mark}DD")
    if match := _DAY_FIRST.fullmatch(text):
        day, mark, month, year = match.groups()
        return _calendar_date(value, int(year), int(month), int(day), f"DD{mark}MM{mark}ÅÅÅÅ")
    raise _not_a_date(value)


# --------------------------------------------------------------------------- org numbers

_MISSING_ORG = "organisationsnummer saknas"
# What finance systems and people put in a cell when the number is unknown.
_PLACEHOLDERS = frozenset(
    {"", "-", "–", "—", "0", "null", "none", "nan", "n/a", "na", "saknas", "?", "0000000000", "000000-0000"}
)
# A list separator between two numbers; "och"/"and" as whole words.
_LIST_SEPARATOR = re.compile(r"[/,;|&\\]|\b(?:och|and|resp\.?)\b", re.IGNORECASE)
# Two letters other than SE (plus an optional third, as in ATU or CHE) then
# a digit: the shape of every European VAT number.
_FOREIGN_VAT = re.compile(r"(?!SE)([A-Z]{2})[A-Z]?[0-9][0-9A-Z]*")
_VAT_PUNCTUATION = re.compile(r"[\s\-.]")
# A float column written to CSV: "5560360793.0", or "4010,0" with a Swedish locale.
_WHOLE_WITH_ZERO_DECIMALS = re.compile(r"([0-9]+)[.,]0+")
_ORG_DIGITS = 10
_LARGEST_ORG_INT = 10**12  # twelve digits: century prefix and ten digits


def _org_text_from_number(value: int) -> str | None:
    """Digits of a numeric cell. Excel drops a leading zero, which a sole
    trader's personal number (born 2000–2009) has; the check digit still
    guards the restored zero."""
    if not 0 <= value < _LARGEST_ORG_INT:
        return None
    text = str(value)
    return text.zfill(_ORG_DIGITS) if len(text) == _ORG_DIGITS - 1 else text


def parse_org_number(value: object) -> tuple[str | None, str | None]:
    """``(ten digits, None)`` for a valid Swedish org number, else
    ``(None, problem in Swedish)``.

    Returns rather than raises because a missing or foreign number is a normal
    state of a supplier row (the row is still imported and matched by name);
    the caller decides whether the problem is fatal.

    - ``None``, empty and placeholders (``NULL``, ``SAKNAS``, ``-``, ``0``,
      ``N/A`` …, any case) -> "organisationsnummer saknas";
    - two numbers in one cell (separated by ``/``, ``,``, ``;``, ``&``,
      ``och`` …, or 20+ digits in all) -> refused, we do not pick one;
    - two letters other than SE followed by a digit (``DK12345678``,
      ``NO123456789MVA``, ``ATU12345678``) -> foreign VAT number;
    - otherwise the forms of ``normalise_org_number`` (``556036-0793``,
      ``16556036-0793``, ``SE556036079301`` …); a wrong Luhn digit is reported
      as such;
    - ``int`` and whole ``float`` cells (``5560360793``, ``5560360793.0``)
      and text ``5560360793.0`` or ``5560360793,0`` (a float column written to
      CSV); a nine-digit
      number gets back the leading zero Excel dropped.
    """
    if value is None:
        return None, _MISSING_ORG
    if isinstance(value, bool):
        return None, f"{_show(value)} är inte ett organisationsnummer"
    if isinstance(value, float):
        whole = _whole_float(value)
        if whole is None:
            return None, f"{_show(value)} är inte ett organisationsnummer"
        value = whole
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if isinstance(value, int):
        text = _org_text_from_number(value)
        if text is None:
            return None, f"{_show(value)} är inte ett organisationsnummer"
    elif isinstance(value, str):
        text = _clean(value)
    else:
        return None, f"{_show(value)} är inte ett organisationsnummer"

    if text.lower() in _PLACEHOLDERS:
        return None, _MISSING_ORG
    if match := _WHOLE_WITH_ZERO_DECIMALS.fullmatch(text):
        text = _org_text_from_number(int(match.group(1))) or text
    parts_with_digits = [part for part in _LIST_SEPARATOR.split(text) if any(c.isdigit() for c in part)]
    if len(parts_with_digits) > 1 or sum(char.isdigit() for char in text) >= 2 * _ORG_DIGITS:
        return None, f"två organisationsnummer i samma cell ({_show(text)}) – ange ett per rad"
    compact = _VAT_PUNCTUATION.sub("", text).upper()
    if match := _FOREIGN_VAT.fullmatch(compact):
        return None, (
            f"utländskt momsnummer ({match.group(1)}) {_show(text)} – inte ett svenskt organisationsnummer"
        )
    try:
        return normalise_org_number(text), None
    except InvalidOrgNumber as error:
        if isinstance(error.__cause__, InvalidChecksum):
            return None, f"fel kontrollsiffra i organisationsnummer {_show(text)}"
        return None, f"{_show(text)} är inte ett organisationsnummer (10 siffror)"


# --------------------------------------------------------------------------- accounts and text

_ACCOUNT = re.compile(r"([0-9]+)(.*)")
_ACCOUNT_LABEL_SEPARATORS = " -–—:|"
# The account column's length: no chart of accounts has longer numbers, and
# a longer one would not fit (PostgreSQL refuses it, SQLite stores it anyway).
_ACCOUNT_DIGITS = max_length(Account.number)
_LARGEST_ACCOUNT_INT = 10**_ACCOUNT_DIGITS


def _too_long_account(value: object, digits: int) -> ValueProblemError:
    return ValueProblemError(
        f"{_show(value)} är inte ett kontonummer ({count_text(digits)} siffror; högst {_ACCOUNT_DIGITS})"
    )


def parse_account(value: object) -> str | None:
    """The account number at the start of a cell, as text; ``None`` if empty.

    Finance exports often put the account and its name in one column
    (``46362 Köp medicinskt färdigbeh``, ``4010 - Livsmedel``), so the leading
    digits are the account when followed by a space, a dash, ``:`` or ``|``
    and a name. Refused: a cell with no leading digits (``Livsmedel``), digits
    glued to letters (``4010A``), a second number after the separator
    (``4010-4020`` is a range, not an account), fractional numbers and
    numbers longer than the account column holds (20 digits). Text is
    kept as written (leading zeros stay); ``int`` and whole ``float`` cells
    become their digits, as does text with zero decimals (``4010.0``,
    ``4010,0`` -> ``4010``).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueProblemError(f"{_show(value)} är inte ett kontonummer")
    if isinstance(value, float):
        whole = _whole_float(value)
        if whole is None:
            raise ValueProblemError(f"{_show(value)} är inte ett kontonummer")
        value = whole
    if isinstance(value, int):
        if not 0 <= value < _LARGEST_ACCOUNT_INT:
            raise ValueProblemError(f"{_show(value)} är inte ett kontonummer")
        return str(value)
    if not isinstance(value, str):
        raise ValueProblemError(f"{_show(value)} är inte ett kontonummer")
    text = _clean(value)
    if not text:
        return None
    if match := _WHOLE_WITH_ZERO_DECIMALS.fullmatch(text):
        if len(match.group(1)) > _ACCOUNT_DIGITS:
            raise _too_long_account(value, len(match.group(1)))
        return match.group(1)
    match = _ACCOUNT.fullmatch(text)
    if match is None:
        raise ValueProblemError(f"{_show(value)} börjar inte med ett kontonummer")
    account, rest = match.groups()
    if rest:
        label = rest.lstrip(_ACCOUNT_LABEL_SEPARATORS + "/\\,;.&")
        if rest[0] not in _ACCOUNT_LABEL_SEPARATORS or label[:1].isdigit():
            raise ValueProblemError(f"{_show(value)} är inte ett kontonummer")
    if len(account) > _ACCOUNT_DIGITS:
        raise _too_long_account(value, len(account))
    return account


def parse_text(value: object) -> str | None:
    """Text as the user saw it: trimmed, runs of whitespace (no-break spaces,
    tabs, line breaks) made one space, invisible characters dropped; ``None``
    when nothing is left, so an empty cell and a cell of spaces are the same.

    Numbers become text without a float's ``.0`` (an order number ``123456``
    that Excel stored as ``123456.0`` stays ``123456``); ``bool`` becomes
    ``SANT``/``FALSKT`` as Swedish Excel shows it; dates are ISO
    (a midnight ``datetime`` is just the date). NaN and infinity are refused.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblemError(f"{_show(value)} är inte en text")
        whole = _whole_float(value)
        text = str(whole) if whole is not None else repr(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblemError(f"{_show(value)} är inte en text")
        text = format(value, "f")
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    else:
        try:
            text = str(value)
        except ValueError as error:  # an int beyond Python's 4300-digit str limit
            raise ValueProblemError(f"{_show(value)} är inte en text") from error
    return _clean(text) or None


# --------------------------------------------------------------------------- yes/no and counts

_YES = frozenset({"ja", "j", "yes", "y", "true", "sant", "1", "x", "✓", "✔"})
_NO = frozenset({"nej", "n", "no", "false", "falskt", "0"})


def parse_yes_no(value: object) -> bool:
    """Yes or no: ``ja/nej``, ``j/n``, ``yes/no``, ``y/n``, ``true/false``,
    ``sant/falskt`` (Swedish Excel), ``1/0`` (also as numbers), ``x`` or a
    check mark for yes; any case.

    An empty cell is refused too, although in a column of x marks it means
    no: only the caller knows whether the column is such a column, so it must
    handle empty itself before calling.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return value == 1
    if isinstance(value, str):
        text = _clean(value).lower().rstrip(".")
        if text in _YES:
            return True
        if text in _NO:
            return False
    raise ValueProblemError(f"{_show(value)} är inte ja eller nej")


# At most 18 digits: a longer one is no count, and int() of a text past 4,300
# digits raises ValueError (not a row problem: a traceback).
_COUNT = re.compile(r"([0-9]{1,18})(?:[.,]0+)?\s*(?:st|st\.|styck|stycken|anbud)?", re.IGNORECASE)


def parse_int(value: object) -> int | None:
    """A count (such as the number of tenders), ``None`` when empty.

    Accepts ``3``, ``3.0``, ``"3"``, ``"3,0"`` and a unit after the number
    (``3 st``, ``3 stycken``, ``3 anbud``). Every integer column we import is
    a count, so negative numbers, fractions and anything else raise
    ``ValueProblemError``.
    """
    if value is None:
        return None
    if isinstance(value, float):
        whole = _whole_float(value)
        if whole is not None:
            value = whole
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        text = _clean(value)
        if not text:
            return None
        if match := _COUNT.fullmatch(text):
            return int(match.group(1))
    raise ValueProblemError(f"{_show(value)} är inte ett antal (ett heltal, till exempel 3)")
