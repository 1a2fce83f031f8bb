"""Reading invoice lines out of a finance-system export, row by row.

Pure parsing, no database: the same reader feeds the preview and validation
report shown before anything is written, and the import itself.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from data_access.importing import values
from data_access.importing.columns import ColumnMapping, field_specs, fold
from data_access.importing.errors import ValueProblemError

# The same org numbers, accounts, departments and dates repeat on thousands of
# rows: parse each distinct cell once. Numbers and dates from a spreadsheet
# and text are all hashable.
parse_org_number = lru_cache(maxsize=65_536, typed=True)(values.parse_org_number)
parse_account = lru_cache(maxsize=65_536, typed=True)(values.parse_account)
parse_date = lru_cache(maxsize=65_536, typed=True)(values.parse_date)
_cached_text = lru_cache(maxsize=65_536, typed=True)(values.parse_text)
parse_amount = values.parse_amount  # nearly every amount is different


def parse_text(value: object) -> str | None:
    """Text of a cell; a NaN or infinite number (no text at all) reads as empty."""
    try:
        return _cached_text(value)
    except ValueProblemError:
        return None


TOTAL_ROW_WORDS = ("summa", "totalt", "total", "totalsumma", "slutsumma", "grandtotal")
_CODE_AND_NAME = re.compile(r"^([0-9A-ZÅÄÖ]{2,8})\s+(\S.*)$")


class Severity(enum.StrEnum):
    ERROR = "fel"  # the row cannot be imported as it stands
    WARNING = "varning"  # imported, but someone should look at it


@dataclass(frozen=True)
class RowProblem:
    """One line of the validation report."""

    row_number: int  # as the spreadsheet shows it (1-based)
    column: str
    value: str
    problem: str
    severity: Severity


@dataclass(slots=True)
class InvoiceRow:
    """A data row as parsed; ``problems`` with an ERROR make it invalid.
    (Slots, not frozen: a million of these are made per big file.)"""

    row_number: int
    invoice_date: date | None
    invoice_number: str | None
    supplier_name: str | None
    org_number: str | None
    department: str | None
    unit: str | None
    account: str | None
    account_text: str | None
    amount: Decimal | None
    problems: tuple[RowProblem, ...]
    is_valid: bool = True


def period_start(period: str) -> date:
    """``2016-03`` -> 1 March 2016: the date given to lines of a file without dates."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", period.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueProblemError(f"Perioden {period!r} ska skrivas ÅÅÅÅ-MM, till exempel 2016-03")
    return date(int(match.group(1)), int(match.group(2)), 1)


def split_code_and_name(value: str) -> tuple[str, str]:
    """``VVV Vård- och omsorgsnämnd väster`` -> (``VVV``, the name); otherwise
    the text is both code and name."""
    match = _CODE_AND_NAME.match(value)
    if match:
        return match.group(1), match.group(2).strip()
    return value[:32], value


def _is_blank(row: Sequence[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _is_total_word(text: str) -> bool:
    if not text.lstrip()[:5].lower().startswith(("sum", "tot", "grand")):
        return False  # the common case, decided without folding
    folded = fold(text)
    return folded in TOTAL_ROW_WORDS or folded.startswith(("summa", "totalt"))


def _is_total_row(row: Sequence[object], mapping: ColumnMapping) -> bool:
    """A "Summa"/"Totalt" row: a total word somewhere and no supplier on the row."""
    for name in ("supplier_name", "org_number"):  # the cheap test first: nearly every row has a supplier
        index = mapping.columns.get(name)
        text = parse_text(row[index]) if index is not None and index < len(row) else None
        if text and not _is_total_word(text):
            return False
    return any(isinstance(cell, str) and _is_total_word(cell) for cell in row)


def read_invoice_rows(
    rows: Iterable[Sequence[object]], mapping: ColumnMapping, *, period: str | None = None
) -> Iterator[InvoiceRow]:
    """Parse the data rows below the header; empty and total rows are skipped.

    ``rows`` are all rows of the sheet, header and title rows included, so
    that row numbers match what the user sees in Excel.
    """
    fixed_date = period_start(period) if period and mapping.columns.get("date") is None else None
    parser = _RowParser(mapping, fixed_date)
    for index, row in enumerate(rows):
        if index <= mapping.header_row or _is_blank(row) or _is_total_row(row, mapping):
            continue
        yield parser.parse(row, index + 1)


_FIELDS = ("amount", "date", "supplier_name", "org_number", "account", "invoice_number", "department", "unit")


class _RowParser:
    """Parses rows of one mapping, collecting every problem of a row instead
    of stopping at the first. Set up once per file: it runs a million times,
    so column positions are looked up here and not per cell."""

    def __init__(self, mapping: ColumnMapping, fixed_date: date | None) -> None:
        self.positions = [mapping.columns.get(name) for name in _FIELDS]
        self.labels = {spec.name: spec.label for spec in field_specs(mapping.kind)}
        self.fixed_date = fixed_date
        self.has_date = mapping.columns.get("date") is not None
        self.has_org_number = mapping.columns.get("org_number") is not None

    def parse(self, row: Sequence[object], row_number: int) -> InvoiceRow:
        width = len(row)
        (
            amount_cell,
            date_cell,
            supplier_cell,
            org_cell,
            account_cell,
            number_cell,
            department_cell,
            unit_cell,
        ) = (row[index] if index is not None and index < width else None for index in self.positions)
        problems: list[RowProblem] = []

        def report(name: str, value: object, message: str, severity: Severity = Severity.ERROR) -> None:
            shown = "" if value is None else str(value)
            problems.append(RowProblem(row_number, self.labels[name], shown, message, severity))

        amount = None
        try:
            amount = parse_amount(amount_cell)
        except ValueProblemError as error:
            report("amount", amount_cell, str(error))

        invoice_date = self.fixed_date
        if self.has_date:
            try:
                invoice_date = parse_date(date_cell)
            except ValueProblemError as error:
                report("date", date_cell, str(error))
        elif invoice_date is None:
            report("date", None, "Filen saknar datum: ange vilken period (ÅÅÅÅ-MM) den gäller")

        supplier_name = parse_text(supplier_cell)
        org_number: str | None = None
        if self.has_org_number:
            org_number, org_problem = parse_org_number(org_cell)
            if org_problem and supplier_name:
                message = f"{org_problem}; leverantören identifieras med namn och markeras för granskning"
                report("org_number", org_cell, message, Severity.WARNING)
            elif org_problem:
                report("org_number", org_cell, f"{org_problem} och leverantörsnamn saknas")
        elif not supplier_name:
            report("supplier_name", supplier_cell, "Leverantör saknas")

        account = account_text = None
        if account_cell is not None:
            try:
                account = parse_account(account_cell)
                account_text = _account_text(account_cell, account)
            except ValueProblemError as error:
                report("account", account_cell, f"{error}; raden importeras utan konto", Severity.WARNING)

        return InvoiceRow(
            row_number,
            invoice_date,
            parse_text(number_cell),
            supplier_name,
            org_number,
            parse_text(department_cell),
            parse_text(unit_cell),
            account,
            account_text,
            amount,
            tuple(problems),
            not any(problem.severity is Severity.ERROR for problem in problems),
        )


@lru_cache(maxsize=65_536, typed=True)
def _account_text(raw: object, account: str | None) -> str | None:
    """The name part of ``46362 Köp medicinskt färdigbeh``."""
    if not isinstance(raw, str):
        return None  # a number has no name part
    text = parse_text(raw)
    if not text or not account or not text.startswith(account):
        return None
    rest = text[len(account) :].strip(" -–—:|")
    return rest or None
