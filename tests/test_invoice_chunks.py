"""The column-wise row parser: each distinct cell parsed once must give
exactly what parsing every cell on its own gives, problems included."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from data_access.core.money import ore_text, to_ore
from data_access.importing.columns import ColumnMapping, ImportKind
from data_access.importing.errors import ValueProblemError
from data_access.importing.invoice_rows import amount_in_ore, read_invoice_chunks
from data_access.importing.values import parse_amount

HEADER = ["Datum", "Leverantör", "Org.nr", "Konto", "Belopp"]
MAPPING = ColumnMapping(
    kind=ImportKind.INVOICES,
    header_row=0,
    headers=HEADER,
    columns={"date": 0, "supplier_name": 1, "org_number": 2, "account": 3, "amount": 4},
)


def _reference_ore(value: object) -> int | None:
    try:
        return to_ore(parse_amount(value))
    except ValueProblemError:
        return None


def _fast_ore(value: object) -> int | None:
    try:
        return amount_in_ore(value)
    except ValueProblemError:
        return None


@settings(max_examples=2000, deadline=None)
@given(
    st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e7, 1e7).map(lambda x: round(x, 2)))
)
def test_the_float_fast_path_rounds_like_the_exact_parser(value: float) -> None:
    assert _fast_ore(value) == _reference_ore(value)


def test_halfway_floats_round_half_up_like_the_exact_parser() -> None:
    for value in (1.005, 2.675, -1.005, 0.125, 1e-9, 123456789.995):
        assert amount_in_ore(value) == to_ore(parse_amount(value)), value


@given(st.integers(-(10**15), 10**15))
def test_ore_text_spells_amounts_like_decimal(ore: int) -> None:
    assert ore_text(ore) == str(Decimal(ore).scaleb(-2).quantize(Decimal("0.01")))


def test_a_column_mixing_booleans_and_numbers_is_parsed_cell_by_cell() -> None:
    """True == 1 as a dict key, yet TRUE is no amount while 1 is 1.00 kr."""
    rows = [
        HEADER,
        [date(2025, 3, 1), "Menigo", "556000-0001", 4010, 1],
        [date(2025, 3, 1), "Menigo", "556000-0001", 4010, True],
        [date(2025, 3, 1), "Menigo", "556000-0001", 4010, 1.0],
    ]
    (chunk,) = read_invoice_chunks(rows, MAPPING)
    assert chunk.amounts == [100, None, 100]
    assert chunk.invalid == {1}
    assert [
        (problem.row_number, problem.column) for problem in chunk.problems if problem.severity.value == "fel"
    ] == [(3, "Belopp")]


def test_nan_cells_and_chunk_borders_keep_row_numbers() -> None:
    rows = [HEADER] + [
        [date(2025, 3, 1), "Menigo", "556000-0001", 4010, math.nan if number % 3 == 0 else float(number)]
        for number in range(10)
    ]
    chunks = list(read_invoice_chunks(rows, MAPPING, chunk_size=4))
    assert [len(chunk) for chunk in chunks] == [4, 4, 2]
    invalid_rows = sorted(chunk.row_numbers[position] for chunk in chunks for position in chunk.invalid)
    assert invalid_rows == [2, 5, 8, 11]  # data rows 0, 3, 6 and 9 sit on spreadsheet rows 2, 5, 8, 11
    assert [amount for chunk in chunks for amount in chunk.amounts if amount is not None] == [
        number * 100 for number in range(10) if number % 3
    ]
