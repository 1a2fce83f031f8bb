"""Swedish formatting: no-break spaces, decimal commas, a dash for undefined."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from data_access.periods import Period, last_full_months
from ui.format import compact_kronor, kronor, long_date, percent, points


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.49"), "1\u00a0234\u00a0567\u00a0kr"),
        (Decimal("-250.5"), "-251\u00a0kr"),
        (0, "0\u00a0kr"),
        (None, "–"),
    ],
)
def test_kronor(value: Decimal | int | None, expected: str) -> None:
    assert kronor(value) == expected


def test_percent_points_and_dates() -> None:
    assert percent(Decimal("53.24")) == "53,2\u00a0%"
    assert percent(None) == "–"
    assert points(Decimal("2.44")) == "+2,4\u00a0p.e."
    assert compact_kronor(Decimal("12345678")) == "12,3\u00a0mnkr"
    assert compact_kronor(Decimal("654420.4")) == "654\u00a0420\u00a0kr"
    assert long_date(date(2025, 3, 14)) == "14 mars 2025"


@pytest.mark.parametrize(
    ("last_day", "expected"),
    [
        (date(2026, 10, 31), Period(date(2025, 11, 1), date(2026, 10, 31))),  # the data ends on a month end
        (date(2026, 11, 15), Period(date(2025, 11, 1), date(2026, 10, 31))),  # the running month is left out
        (date(2024, 2, 29), Period(date(2023, 3, 1), date(2024, 2, 29))),
    ],
)
def test_last_full_months(last_day: date, expected: Period) -> None:
    assert last_full_months(last_day) == expected
    assert expected.year_earlier().end.year == expected.end.year - 1
