"""Exact money: amounts are stored as whole öre in a BIGINT column.

Integer öre are exact in SQLite and PostgreSQL alike and sum without the
binary rounding errors SQLite's REAL arithmetic would bring; Python code sees
``Decimal`` kronor with two decimals.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def to_ore(amount: Decimal | int | str) -> int:
    """Kronor (exact) to öre, rounding half away from zero like the ledger does."""
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def from_ore(ore: int | None) -> Decimal:
    """Öre to kronor with exactly two decimals; ``None`` (an empty sum) is zero."""
    return (Decimal(int(ore or 0)) / 100).quantize(CENT)


def ore_text(ore: int) -> str:
    """Öre as ``str()`` of the kronor amount (``-0.05``, ``1234.50``), without
    a ``Decimal``: posting keys spell a million amounts this way."""
    whole, cents = divmod(abs(ore), 100)
    return f"{'-' if ore < 0 else ''}{whole}.{cents:02d}"


class Money(TypeDecorator[Decimal]):
    """A ``Decimal`` kronor amount persisted as integer öre."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect) -> int | None:
        return None if value is None else to_ore(value)

    def process_result_value(self, value: int | None, dialect) -> Decimal | None:
        return None if value is None else from_ore(value)
