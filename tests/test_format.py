"""Swedish formatting: no-break spaces, decimal commas, a dash for undefined."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.core.periods import Period, last_full_months
from ui.format import (
    MINUS,
    compact_kronor,
    count_text,
    decimal_number,
    grouped,
    iso_date,
    kronor,
    long_date,
    org_number,
    percent,
    points,
    short_month,
    swedish_amount,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1234567.49"), "1\u00a0234\u00a0567\u00a0kr"),
        (Decimal("-250.5"), "\u2212251\u00a0kr"),  # one minus sign: U+2212
        (Decimal("-0.4"), "0\u00a0kr"),  # no sign on a zero
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


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.decimals(min_value=-(10**12), max_value=10**12, allow_nan=False, places=3),
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False),
        st.integers(-(10**12), 10**12),
    ),
    st.integers(0, 2),
)
def test_grouped_equals_babel(value: Decimal | float | int, decimals: int) -> None:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    babel = format_decimal(value, format=pattern, locale="sv_SE")
    if babel.startswith("-"):  # Babel writes a hyphen-minus, and a sign on a zero
        babel = MINUS + babel[1:] if any(digit in "123456789" for digit in babel) else babel[1:]
    assert grouped(value, decimals) == babel


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (kronor(Decimal("-11300000")), "\u221211\u00a0300\u00a0000\u00a0kr"),
        (compact_kronor(Decimal("-11300000")), "\u221211,3\u00a0mnkr"),
        (compact_kronor(Decimal("-654420")), "\u2212654\u00a0420\u00a0kr"),
        (points(Decimal("-2.44")), "\u22122,4\u00a0p.e."),
        (points(Decimal("0.01")), "0,0\u00a0p.e."),
        (percent(Decimal("-2.25")), "\u22122,2\u00a0%"),
        (swedish_amount(Decimal("-1234.5")), "\u22121\u00a0234,50"),
        (percent(float("nan")), "–"),
        (kronor(float("nan")), "–"),
        (decimal_number(2.66), "2,7"),
        (decimal_number(float("nan")), "–"),
        (org_number("5560360793"), "556036-0793"),
        (org_number(None), "–"),
        (iso_date(date(2026, 3, 14)), "2026-03-14"),
        (iso_date(None), "–"),
        (short_month(date(2026, 5, 1)), "maj 2026"),
    ],
)
def test_one_minus_sign_and_no_raw_values(text: str, expected: str) -> None:
    assert text == expected


def test_a_count_agrees_with_its_noun() -> None:
    assert [count_text(n, "enhet", "enheter") for n in (0, 1, 2, 1234)] == [
        "0 enheter",
        "1 enhet",
        "2 enheter",
        "1\u00a0234 enheter",
    ]
