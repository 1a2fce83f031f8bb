"""Org numbers in the forms real files use, normalised and check-digit validated."""

from __future__ import annotations

import pytest

from data_access.core.orgnr import InvalidOrgNumber, format_org_number, luhn_check_digit, normalise_org_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("556036-0793", "5560360793"),
        ("5560360793", "5560360793"),
        (" 556036 0793 ", "5560360793"),
        ("16556036-0793", "5560360793"),  # century prefix for legal persons
        ("SE556036079301", "5560360793"),  # Swedish VAT number
        ("se 5560360793 01", "5560360793"),
        ("212000-1355", "2120001355"),  # a municipality
    ],
)
def test_valid_forms(text: str, expected: str) -> None:
    assert normalise_org_number(text) == expected


@pytest.mark.parametrize(
    "text",
    ["556036-0794", "NULL", "SAKNAS", "", "5560360793/5565678901", "DK12345678", "55603607", "SE5560360793"],
)
def test_invalid_forms_are_refused(text: str) -> None:
    with pytest.raises(InvalidOrgNumber):
        normalise_org_number(text)


def test_check_digit_and_format() -> None:
    assert luhn_check_digit("556036079") == "3"
    assert format_org_number("5560360793") == "556036-0793"
