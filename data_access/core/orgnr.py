"""Swedish organisation numbers: the safest key for matching a supplier.

Accepts the forms real files use (``556036-0793``, ``5560360793``,
``16556036-0793``, ``SE556036079301``) and returns ten digits, check digit
validated by python-stdnum. Anything else raises ``InvalidOrgNumber``.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.se import orgnr as stdnum_orgnr

_SEPARATORS = re.compile(r"[\s\-‐‑–—+.]")
_CENTURY_PREFIXES = ("16", "18", "19", "20")


class InvalidOrgNumber(ValueError):
    """The text is not a valid Swedish organisation number."""


def normalise_org_number(value: str) -> str:
    """Return the 10-digit form of a Swedish org number or VAT number."""
    text = _SEPARATORS.sub("", str(value)).upper()
    if text.startswith("SE") and text.endswith("01") and len(text) == 14:
        text = text[2:12]
    if len(text) == 12 and text.isdigit() and text[:2] in _CENTURY_PREFIXES:
        text = text[2:]
    if len(text) != 10 or not text.isdigit():
        raise InvalidOrgNumber(f"{value!r} är inte ett organisationsnummer (10 siffror)")
    try:
        return stdnum_orgnr.validate(text)
    except ValidationError as error:
        raise InvalidOrgNumber(f"{value!r} har fel kontrollsiffra") from error


def format_org_number(digits: str) -> str:
    """``5560360793`` -> ``556036-0793``, the form people read and type."""
    return f"{digits[:6]}-{digits[6:]}"


def luhn_check_digit(first_nine: str) -> str:
    """The check digit that makes ``first_nine`` + digit Luhn-valid.

    Used by the demo generator to invent valid org numbers.
    """
    total = 0
    for index, char in enumerate(first_nine):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return str((10 - total % 10) % 10)
