"""Reading single cells of real Swedish finance-system exports.

Table-driven cases pin down every form we have seen (and hostile ones);
property-based tests check that what a Swedish or English export writes for a
value reads back as that value, and that no text makes a parser fail with
anything but ``ValueProblemError``.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.core.orgnr import luhn_check_digit
from data_access.importing.errors import ValueProblemError
from data_access.importing.values import (
    parse_account,
    parse_amount,
    parse_date,
    parse_int,
    parse_org_number,
    parse_text,
    parse_yes_no,
)

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
CELL_TYPES_THAT_ARE_NOT_AMOUNTS = [True, False, date(2025, 3, 14), time(8, 30), timedelta(days=1), [1]]
FAST = settings(max_examples=200, deadline=None)


# --------------------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        # numbers as calamine gives them
        (1234, "1234.00"),
        (-5, "-5.00"),
        (0, "0.00"),
        (1234.5, "1234.50"),
        (0.1, "0.10"),  # repr, not the binary expansion 0.1000000000000000055…
        (0.125, "0.13"),  # half up
        (-0.125, "-0.13"),  # half away from zero
        (1234.565, "1234.57"),  # repr "1234.565" rounds up, the binary value would round down
        (1e-05, "0.00"),
        (Decimal("12.345"), "12.35"),
        (Decimal("7"), "7.00"),
        # Swedish
        ("1 234,50", "1234.50"),
        (f"1{NBSP}234,50", "1234.50"),
        (f"1{NARROW_NBSP}234,50", "1234.50"),
        (f"1{NBSP}234{NBSP}567,89", "1234567.89"),
        ("1.234,50", "1234.50"),
        ("1'234,50", "1234.50"),
        ("1.234.567,8", "1234567.80"),
        ("1234,5", "1234.50"),
        ("0,05", "0.05"),
        ("12", "12.00"),
        ("  12,5  ", "12.50"),
        ("1 234", "1234.00"),
        # English
        ("1,234.50", "1234.50"),
        ("1,234,567.89", "1234567.89"),
        ("1234.5", "1234.50"),
        ("1'234.50", "1234.50"),
        # the ambiguous ones, by rule
        ("1,234", "1.23"),  # a lone comma is always the decimal mark
        ("1.234", "1.23"),  # so is a lone dot
        ("1.234.567", "1234567.00"),  # several dots: thousands
        ("1,234,567", "1234567.00"),  # several commas: thousands
        ("12,3456", "12.35"),  # unit prices with four decimals are rounded to öre
        # signs
        ("-1 234,50", "-1234.50"),
        ("−1 234,50", "-1234.50"),  # U+2212
        ("–1 234,50", "-1234.50"),  # en dash
        ("1234,50-", "-1234.50"),  # trailing minus
        ("1 234,50 -", "-1234.50"),
        ("(1 234,50)", "-1234.50"),
        ("( 1 234,50 kr )", "-1234.50"),
        ("+12,00", "12.00"),
        ("-0,00", "0.00"),
        ("-0,001", "0.00"),  # no negative zero
        # currency
        ("1 234,50 kr", "1234.50"),
        ("1 234,50 kr.", "1234.50"),
        ("1234kr", "1234.00"),
        ("1 234,50 SEK", "1234.50"),
        ("SEK 1 234,50", "1234.50"),
        ("sek -1 234,50", "-1234.50"),
        ("-1 234,50 kr", "-1234.50"),
        ("1 234,50 kr-", "-1234.50"),
        ("kr (1 234)", "-1234.00"),
        ("1 234:-", "1234.00"),
        ("-1 234:-", "-1234.00"),
        ("1 234,-", "1234.00"),
        ("12 kronor", "12.00"),
    ],
)
def test_parse_amount(cell: object, expected: str) -> None:
    amount = parse_amount(cell)
    assert amount == Decimal(expected)
    assert str(amount) == expected  # exactly two decimals, no negative zero


@pytest.mark.parametrize(
    "cell",
    [
        None,
        "",
        "   ",
        NBSP,
        "abc",
        "-",
        "–",
        "kr",
        "(",
        "()",
        "--5",
        "(-5)",
        "+-5",
        "- -5",
        "12 34",  # groups of three or nothing
        "1 2345",
        "1..234",
        "1,2,3.4.5",
        "1.234,567.8",
        "1 234.567,89",  # two kinds of thousand separator
        "1 234 ,50",
        ",50",
        "1234.",
        "1e5",
        "1,23E+05",  # Excel's scientific display: precision already lost
        "0x10",
        "١٢٣",  # Arabic-Indic digits
        "12 EUR",
        "12 $",
        "5 st",
        "NaN",
        "Infinity",
        "9" * 40,  # larger than the ledger can hold
        "1" + "0" * 15,
        "1 234,50\n5",
        float("nan"),
        float("inf"),
        float("-inf"),
        1e300,
        10**20,
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        *CELL_TYPES_THAT_ARE_NOT_AMOUNTS,
    ],
)
def test_parse_amount_refuses(cell: object) -> None:
    with pytest.raises(ValueProblemError, match=r"är inte ett (rimligt )?belopp"):
        parse_amount(cell)


def test_amount_message_is_short_for_a_huge_cell() -> None:
    with pytest.raises(ValueProblemError) as raised:
        parse_amount("x" * 10_000)
    assert len(str(raised.value)) < 120


def _swedish(amount: Decimal, thousands: str, minus: str, currency: bool) -> str:
    """The text a Swedish export writes for ``amount``."""
    whole, fraction = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", thousands)
    number = f"{grouped},{fraction}"
    if amount < 0:
        if minus == "trailing":
            number = f"{number}-"
        elif minus == "parentheses":
            number = f"({number})"
        else:
            number = f"{minus}{number}"
    return f"{number} kr" if currency else number


amounts = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1).map(lambda cents: Decimal(cents) / 100)


@FAST
@given(
    amount=amounts,
    thousands=st.sampled_from([NBSP, NARROW_NBSP, " ", ".", "'"]),
    minus=st.sampled_from(["-", "−", "–", "trailing", "parentheses"]),
    currency=st.booleans(),
)
def test_swedish_amount_text_reads_back(amount: Decimal, thousands: str, minus: str, currency: bool) -> None:
    assert parse_amount(_swedish(amount, thousands, minus, currency)) == amount


@FAST
@given(amount=amounts)
def test_english_amount_text_and_float_read_back(amount: Decimal) -> None:
    assert parse_amount(f"{amount:,.2f}") == amount
    assert parse_amount(f"{amount:.2f}") == amount
    # up to 14 significant digits a float's repr is the decimal Excel showed
    assert parse_amount(float(amount)) == amount


@FAST
@given(whole=st.integers(min_value=-(10**14), max_value=10**14))
def test_int_amount_reads_back(whole: int) -> None:
    assert parse_amount(whole) == Decimal(whole)
    assert parse_amount(whole).as_tuple().exponent == -2


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(2025, 3, 14), date(2025, 3, 14)),
        (datetime(2025, 3, 14, 23, 59), date(2025, 3, 14)),
        (45730, date(2025, 3, 14)),  # Excel serial
        (45730.0, date(2025, 3, 14)),
        (45730.99, date(2025, 3, 14)),  # the fraction is the time of day
        ("45730", date(2025, 3, 14)),
        ("45730,5", date(2025, 3, 14)),
        ("45730.0", date(2025, 3, 14)),
        (32874, date(1990, 1, 1)),  # first accepted serial
        (73415, date(2100, 12, 31)),  # last accepted serial
        (20250314, date(2025, 3, 14)),  # YYYYMMDD written as a number
        (20250314.0, date(2025, 3, 14)),
        ("2025-03-14", date(2025, 3, 14)),
        ("2025-3-4", date(2025, 3, 4)),
        ("20250314", date(2025, 3, 14)),
        ("20250314.0", date(2025, 3, 14)),
        ("2025/03/14", date(2025, 3, 14)),
        ("2025.03.14", date(2025, 3, 14)),
        ("14.03.2025", date(2025, 3, 14)),
        ("4.3.2025", date(2025, 3, 4)),
        ("14/03/2025", date(2025, 3, 14)),
        ("14-03-2025", date(2025, 3, 14)),
        ("03/04/2025", date(2025, 4, 3)),  # day first, never month first
        ("2025-03-14 00:00:00", date(2025, 3, 14)),
        ("2025-03-14 00:00", date(2025, 3, 14)),
        ("2025-03-14T08:30:00", date(2025, 3, 14)),
        ("2025-03-14T23:30:00Z", date(2025, 3, 14)),  # the date as written, no time zone shift
        ("2025-03-14T08:30:00.123456+01:00", date(2025, 3, 14)),
        ("14.03.2025 08:30", date(2025, 3, 14)),
        (f" {NBSP}2025-03-14\t", date(2025, 3, 14)),
        ("2024-02-29", date(2024, 2, 29)),
        ("9999-12-31", date(9999, 12, 31)),  # "no end date" sentinel; the caller decides
    ],
)
def test_parse_date(cell: object, expected: date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        None,
        "",
        " ",
        "idag",
        "14 mars 2025",
        "2025-02-30",
        "2023-02-29",
        "2025-13-01",
        "2025-00-10",
        "03/14/2025",  # US month first
        "14.03.25",  # two-digit year
        "250314",
        "2025-03",
        "2025-03/14",  # mixed separators
        "2025-03-14 25:00",
        "2025-03-14 08:30 extra",
        "2025-03-14T",
        "0025-03-14",  # mistyped year
        "1899-12-31",
        "00000000",
        "-45730",
        "45730.5.1",
        "9" * 400,
        1234,  # an amount in the wrong column, not a serial
        32873,  # 1989-12-31
        73416,  # 2101-01-01
        60,  # Excel's fake 1900-02-29
        0,
        -1,
        20251340,  # eight digits that are no date
        99999999,
        float("nan"),
        float("inf"),
        True,
        time(8, 30),
        timedelta(days=3),
        Decimal("45730"),
    ],
)
def test_parse_date_refuses(cell: object) -> None:
    with pytest.raises(ValueProblemError, match="är inte ett datum"):
        parse_date(cell)


def test_date_message_names_the_layout_it_read() -> None:
    with pytest.raises(ValueProblemError, match="DD/MM/ÅÅÅÅ"):
        parse_date("03/14/2025")


@FAST
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_date_forms_read_back(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(day.isoformat()) == day
    assert parse_date(f"{day:%Y%m%d}") == day
    assert parse_date(f"{day:%d.%m.%Y}") == day
    assert parse_date(f"{day:%d/%m/%Y}") == day
    assert parse_date(f"{day.year}-{day.month}-{day.day}") == day
    assert parse_date(f"{day.isoformat()} 00:00:00") == day
    assert parse_date(f"{day.isoformat()}T12:00:00") == day
    assert parse_date(serial) == day
    assert parse_date(float(serial) + 0.75) == day
    assert parse_date(str(serial)) == day
    assert parse_date(int(f"{day:%Y%m%d}")) == day
    assert parse_date(datetime.combine(day, time(13, 5))) == day


# --------------------------------------------------------------------------- org numbers


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("556036-0793", "5560360793"),
        ("5560360793", "5560360793"),
        (" 556036 0793 ", "5560360793"),
        (f"556036{NBSP}0793", "5560360793"),
        ("556036–0793", "5560360793"),  # en dash from Word
        ("16556036-0793", "5560360793"),
        ("165560360793", "5560360793"),
        ("SE556036079301", "5560360793"),
        ("se 556036-0793 01", "5560360793"),
        ("212000-1355", "2120001355"),  # a municipality
        ("\ufeff556036-0793", "5560360793"),  # BOM of a CSV export
        (5560360793, "5560360793"),
        (5560360793.0, "5560360793"),
        (165560360793, "5560360793"),
        ("5560360793.0", "5560360793"),  # a float column written to CSV
        ("5560360793,0", "5560360793"),  # the same with a Swedish locale
        (Decimal("5560360793"), "5560360793"),
        (101011237, "0101011237"),  # Excel dropped the leading zero of a sole trader's number
    ],
)
def test_parse_org_number(cell: object, expected: str) -> None:
    assert parse_org_number(cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        (None, "organisationsnummer saknas"),
        ("", "organisationsnummer saknas"),
        ("   ", "organisationsnummer saknas"),
        ("NULL", "organisationsnummer saknas"),
        ("null", "organisationsnummer saknas"),
        ("SAKNAS", "organisationsnummer saknas"),
        ("Saknas", "organisationsnummer saknas"),
        ("-", "organisationsnummer saknas"),
        (" – ", "organisationsnummer saknas"),
        ("0", "organisationsnummer saknas"),
        (0, "organisationsnummer saknas"),
        ("N/A", "organisationsnummer saknas"),
        ("n/a", "organisationsnummer saknas"),
        ("0000000000", "organisationsnummer saknas"),
        ("000000-0000", "organisationsnummer saknas"),
        ("556036-0793/556677-8899", "två organisationsnummer i samma cell"),
        ("556036-0793, 556677-8899", "två organisationsnummer i samma cell"),
        ("556036-0793; 556677-8899", "två organisationsnummer i samma cell"),
        ("556036-0793 och 556677-8899", "två organisationsnummer i samma cell"),
        ("556036-0793 556677-8899", "två organisationsnummer i samma cell"),
        ("5560360793 & 5566778899", "två organisationsnummer i samma cell"),
        ("DK12345678", "utländskt momsnummer (DK)"),
        ("dk 12 34 56 78", "utländskt momsnummer (DK)"),
        ("NO123456789MVA", "utländskt momsnummer (NO)"),
        ("NO 123 456 789 MVA", "utländskt momsnummer (NO)"),
        ("FI12345678", "utländskt momsnummer (FI)"),
        ("DE123456789", "utländskt momsnummer (DE)"),
        ("ATU12345678", "utländskt momsnummer (AT)"),
        ("CHE-123.456.789 MWST", "utländskt momsnummer (CH)"),
        ("556036-0794", "fel kontrollsiffra"),
        ("5560360794", "fel kontrollsiffra"),
        ("SE556036079401", "fel kontrollsiffra"),
        (5560360794, "fel kontrollsiffra"),
        (5560360794.0, "fel kontrollsiffra"),
        ("SE5560360793", "är inte ett organisationsnummer"),  # VAT without 01
        ("55603607", "är inte ett organisationsnummer"),
        ("556036-07931", "är inte ett organisationsnummer"),
        ("Volvo AB", "är inte ett organisationsnummer"),
        ("556036-O793", "är inte ett organisationsnummer"),  # letter O for zero
        ("5.560360793E+09", "är inte ett organisationsnummer"),  # precision lost in CSV
        (5560360793.5, "är inte ett organisationsnummer"),
        (float("nan"), "är inte ett organisationsnummer"),
        (-5560360793, "är inte ett organisationsnummer"),
        (18, "är inte ett organisationsnummer"),  # Luhn-valid once padded, but no org number
        (True, "är inte ett organisationsnummer"),
        (date(2025, 3, 14), "är inte ett organisationsnummer"),
    ],
)
def test_parse_org_number_problems(cell: object, problem: str) -> None:
    number, message = parse_org_number(cell)
    assert number is None
    assert message is not None
    assert problem in message


def test_org_problem_shows_the_cell_briefly() -> None:
    _, message = parse_org_number("DK" + "1" * 5_000)
    assert message is not None
    assert len(message) < 150


def _org_forms(number: str) -> list[object]:
    """The forms exports write. As an ``int`` only when at most one leading zero
    is lost: restoring more would make any small number (``18``) an org number."""
    forms: list[object] = [f"{number[:6]}-{number[6:]}", number, f"16{number}", f"SE{number}01"]
    if not number.startswith("00"):
        forms.append(int(number))
    return forms


nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda text: text != "0" * 9)


@FAST
@given(first_nine=nine_digits, wrong_by=st.integers(min_value=1, max_value=9))
def test_org_number_forms_read_back(first_nine: str, wrong_by: int) -> None:
    check = luhn_check_digit(first_nine)
    number = first_nine + check
    for form in _org_forms(number):
        assert parse_org_number(form) == (number, None), form
    wrong = first_nine + str((int(check) + wrong_by) % 10)
    for form in _org_forms(wrong):
        parsed, problem = parse_org_number(form)
        assert parsed is None, form
        assert problem is not None
        assert "fel kontrollsiffra" in problem, form


# --------------------------------------------------------------------------- accounts


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("46362 Köp medicinskt färdigbeh", "46362"),
        ("4010", "4010"),
        (4010, "4010"),
        (4010.0, "4010"),
        ("4010.0", "4010"),
        ("4010,0", "4010"),
        ("4010 - Livsmedel", "4010"),
        ("4010 – Livsmedel", "4010"),
        ("4010-Livsmedel", "4010"),
        ("4010: Livsmedel", "4010"),
        ("4010 | Livsmedel", "4010"),
        (f"{NBSP}4010{NBSP}Livsmedel ", "4010"),
        ("4010 -", "4010"),
        ("0123 Konto", "0123"),  # text keeps its leading zero
        (None, None),
        ("", None),
        ("  ", None),
    ],
)
def test_parse_account(cell: object, expected: str | None) -> None:
    assert parse_account(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "Livsmedel",
        "Konto 4010",
        "-4010",
        "4010A",
        "4010,5",
        "4010.5",
        "4010-4020",  # a range, not an account
        "4010 4020",
        "4010 / 4020",
        4010.5,
        -4010,
        float("nan"),
        True,
        date(2025, 3, 14),
    ],
)
def test_parse_account_refuses(cell: object) -> None:
    with pytest.raises(ValueProblemError, match="kontonummer"):
        parse_account(cell)


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("  Mölndals   Stad  ", "Mölndals Stad"),
        (f"Mölndals{NBSP}{NARROW_NBSP}Stad", "Mölndals Stad"),
        ("rad ett\nrad\ttvå\r\n", "rad ett rad två"),
        ("\ufeffLeverantör", "Leverantör"),
        ("Leve\u200brantör", "Leverantör"),
        (None, None),
        ("", None),
        (f" {NBSP}\t\n", None),
        (123456.0, "123456"),
        (1.5, "1.5"),
        (-3.0, "-3"),
        (42, "42"),
        (Decimal("12.50"), "12.50"),
        (True, "SANT"),
        (False, "FALSKT"),
        (date(2025, 3, 14), "2025-03-14"),
        (datetime(2025, 3, 14), "2025-03-14"),
        (datetime(2025, 3, 14, 8, 30), "2025-03-14 08:30:00"),
        (time(8, 30), "08:30:00"),
    ],
)
def test_parse_text(cell: object, expected: str | None) -> None:
    assert parse_text(cell) == expected


@pytest.mark.parametrize("cell", [float("nan"), float("inf"), Decimal("NaN")])
def test_parse_text_refuses_non_numbers(cell: object) -> None:
    with pytest.raises(ValueProblemError):
        parse_text(cell)


@FAST
@given(text=st.text())
def test_parse_text_is_trimmed_and_idempotent(text: str) -> None:
    result = parse_text(text)
    if result is None:
        return
    assert result == result.strip()
    assert "  " not in result
    assert NBSP not in result
    assert parse_text(result) == result


# --------------------------------------------------------------------------- yes/no and counts

YES_WORDS = ["ja", "Ja", "JA", " ja ", "j", "yes", "Y", "true", "TRUE", "sant", "SANT", "1", "x", "X", "ja."]
NO_WORDS = ["nej", "Nej", "n", "no", "N", "false", "FALSE", "falskt", "FALSKT", "0"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        *[(word, True) for word in YES_WORDS],
        *[(word, False) for word in NO_WORDS],
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
    ],
)
def test_parse_yes_no(cell: object, expected: bool) -> None:
    assert parse_yes_no(cell) is expected


@pytest.mark.parametrize(
    "cell", [None, "", " ", "kanske", "jo", "nja", "2", 2, -1, 0.5, float("nan"), "ja nej", date(2025, 1, 1)]
)
def test_parse_yes_no_refuses(cell: object) -> None:
    with pytest.raises(ValueProblemError, match="är inte ja eller nej"):
        parse_yes_no(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("3", 3),
        (3, 3),
        (3.0, 3),
        ("3.0", 3),
        ("3,0", 3),
        ("3 st", 3),
        ("3st", 3),
        ("3 st.", 3),
        ("3 ST", 3),
        ("3 stycken", 3),
        ("3 anbud", 3),
        (f"{NBSP}12{NBSP}", 12),
        (0, 0),
    ],
)
def test_parse_int(cell: object, expected: int | None) -> None:
    assert parse_int(cell) == expected


@pytest.mark.parametrize(
    "cell", ["tre", "3,5", "3.5", 3.5, -1, "-3", "3 kr", "3 4", "1e3", float("nan"), float("inf"), True, "st"]
)
def test_parse_int_refuses(cell: object) -> None:
    with pytest.raises(ValueProblemError, match="är inte ett antal"):
        parse_int(cell)


# --------------------------------------------------------------------------- hostile text


hostile_text = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 ,.'-−–+()krSEKsek:/\u00a0\u202fTZ", max_size=30),
)


@FAST
@given(text=hostile_text)
def test_no_text_breaks_a_parser_with_anything_but_a_value_problem(text: str) -> None:
    for parse in (parse_amount, parse_date, parse_account, parse_yes_no, parse_int):
        with contextlib.suppress(ValueProblemError):
            parse(text)
    number, problem = parse_org_number(text)
    assert (number is None) != (problem is None)
    if number is not None:
        assert len(number) == 10
        assert number.isdigit()


@FAST
@given(text=hostile_text)
def test_an_amount_always_has_two_decimals(text: str) -> None:
    try:
        amount = parse_amount(text)
    except ValueProblemError:
        return
    assert amount.as_tuple().exponent == -2
    assert abs(amount) < Decimal("1e15")


@pytest.mark.parametrize(
    "huge", [10**5000, -(10**5000), Decimal("1E+5000")], ids=["int", "negative-int", "decimal"]
)
def test_absurdly_large_numbers_are_value_problems(huge: object) -> None:
    """Python refuses ``str()`` of an int over 4300 digits; no parser may leak that."""
    for parse in (parse_amount, parse_date, parse_account, parse_yes_no):
        with pytest.raises(ValueProblemError):
            parse(huge)
    number, problem = parse_org_number(huge)
    assert number is None
    assert problem is not None
