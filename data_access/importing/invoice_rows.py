"""Reading invoice lines out of a finance-system export, a chunk of rows at a time.

Pure parsing, no database: the same reader feeds the preview and validation
report shown before anything is written, and the import itself.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import TypeVar

from data_access.core.lengths import length_problem, max_length
from data_access.core.models import Account, Department, ImportBatch, InvoiceLine, Supplier, Unit
from data_access.core.money import from_ore, to_ore
from data_access.importing import values
from data_access.importing.columns import ColumnMapping, field_specs, fold
from data_access.importing.errors import ImportRefusedError, ValueProblemError

T = TypeVar("T")

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
    """One parsed row as a record, for the preview; ``problems`` with an
    ERROR make it invalid. Imports read ``InvoiceChunk`` columns instead."""

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


_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})")
_FIRST_PERIOD_YEAR = 1900  # as for text dates (values.parse_date)
PERIOD_HINT = "ÅÅÅÅ-MM, till exempel 2016-03"


def period_problem(period: str) -> str | None:
    """Why ``period`` is not a month written ``YYYY-MM`` (a real one:
    ``2016-13`` and ``0000-01`` are not), or None. Exactly that form and
    nothing more, since it is stored as written (``import_batch.period``,
    seven characters): ``2016-03-01`` and ``mars 2016`` are refused."""
    match = _PERIOD.fullmatch(period)
    if match is None:
        shown = period if len(period) <= 40 else period[:39] + "…"
        return f"Perioden {shown!r} ska skrivas {PERIOD_HINT}"
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        return f"Perioden {period!r} har ingen månad {month}: skriv {PERIOD_HINT}"
    if year < _FIRST_PERIOD_YEAR:
        return f"Perioden {period!r} ligger före år {_FIRST_PERIOD_YEAR}: skriv {PERIOD_HINT}"
    return None


def period_start(period: str) -> date:
    """``2016-03`` -> 1 March 2016: the date given to lines of a file without
    dates. Raises ``ValueProblemError`` for anything but ``YYYY-MM``."""
    problem = period_problem(period)
    if problem:
        raise ValueProblemError(problem)
    return date(int(period[:4]), int(period[5:]), 1)


def refuse_batch_values(
    *,
    file_name: str,
    imported_by: str | None,
    profile_name: str | None = None,
    period: str | None = None,
) -> None:
    """Raise ``ImportRefusedError`` when a value the batch records does not
    fit its column (or the period is no ``YYYY-MM``): the whole import is
    refused before anything is written, on SQLite as on PostgreSQL. The page
    and the CLI check their fields first; this holds for every caller."""
    problems = [
        length_problem(ImportBatch.source_name, file_name),
        length_problem(ImportBatch.imported_by, imported_by),
        length_problem(ImportBatch.profile_name, profile_name),
        period_problem(period) if period is not None else None,
    ]
    found = [problem for problem in problems if problem]
    if found:
        raise ImportRefusedError(" ".join(found))


def split_code_and_name(value: str) -> tuple[str, str]:
    """``VVV Vård- och omsorgsnämnd väster`` -> (``VVV``, the name); otherwise
    the text is both code and name, the code cut to what the column holds
    (``resolve.Resolver`` keeps cut codes unique)."""
    match = _CODE_AND_NAME.match(value)
    if match:
        return match.group(1), match.group(2).strip()
    return value[: max_length(Department.code)], value


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


_FIELDS = ("amount", "date", "supplier_name", "org_number", "account", "invoice_number", "department", "unit")
# A row's problems, in order.
_PROBLEM_ORDER = (
    "amount",
    "date",
    "org_number",
    "supplier_name",
    "account",
    "invoice_number",
    "department",
    "unit",
)
# The column each text field is stored in, and what the value is to the user.
# A department or unit that names no known one becomes one: its whole text is
# the new row's name (and, cut to fit, its code; see ``split_code_and_name``).
_STORED_IN = {
    "supplier_name": (Supplier.name, "Leverantörsnamnet"),
    "invoice_number": (InvoiceLine.invoice_number, "Fakturanumret"),
    "department": (Department.name, "Förvaltningen"),
    "unit": (Unit.name, "Enheten"),
}
_SHOWN_VALUE = 200  # characters of a cell the validation report repeats
CHUNK_ROWS = 50_000  # rows parsed at a time: memory stays flat whatever the file's size


@dataclass
class InvoiceChunk:
    """Consecutive data rows of a file, parsed column by column.

    A million-row export repeats a few thousand suppliers, units, accounts and
    dates, so each distinct cell of a column is parsed once and the rows look
    their value up; amounts, nearly all different, have a fast path of their
    own. Amounts are integer öre.
    """

    row_numbers: list[int]
    dates: list[date | None]
    invoice_numbers: list[str | None]
    supplier_names: list[str | None]
    org_numbers: list[str | None]
    departments: list[str | None]
    units: list[str | None]
    accounts: list[str | None]
    account_texts: list[str | None]
    amounts: list[int | None]
    problems: list[RowProblem]  # in row order
    invalid: set[int]  # positions of rows that cannot be imported
    warned: set[int]  # positions of rows with a warning

    def __len__(self) -> int:
        return len(self.row_numbers)

    def row(self, position: int) -> InvoiceRow:
        """One row as a record, for the preview."""
        number, amount = self.row_numbers[position], self.amounts[position]
        return InvoiceRow(
            number,
            self.dates[position],
            self.invoice_numbers[position],
            self.supplier_names[position],
            self.org_numbers[position],
            self.departments[position],
            self.units[position],
            self.accounts[position],
            self.account_texts[position],
            None if amount is None else from_ore(amount),
            tuple(problem for problem in self.problems if problem.row_number == number),
            position not in self.invalid,
        )


def read_invoice_chunks(
    rows: Iterable[Sequence[object]],
    mapping: ColumnMapping,
    *,
    period: str | None = None,
    chunk_size: int = CHUNK_ROWS,
) -> Iterator[InvoiceChunk]:
    """Parse the data rows below the header; empty and total rows are skipped.

    ``rows`` are all rows of the sheet, header and title rows included, so
    that row numbers match what the user sees in Excel.
    """
    fixed_date = period_start(period) if period and mapping.columns.get("date") is None else None
    parser = _ColumnParser(mapping, fixed_date)
    iterator = iter(rows)
    for _ in range(mapping.header_row + 1):
        next(iterator, None)
    first_number = mapping.header_row + 2  # 1-based, as Excel numbers rows
    while raw := list(islice(iterator, chunk_size)):
        chunk = parser.parse(raw, first_number)
        first_number += len(raw)
        if len(chunk):
            yield chunk


def amount_in_ore(value: object) -> int:
    """``parse_amount`` in öre, with a fast path for the float cells nearly
    every amount is: when ``value * 100`` lies within 1e-6 of an integer, that
    integer is what rounding the float's shortest decimal form to öre gives
    (the product's rounding error is far below the distance to half an öre)."""
    if type(value) is float and -1e12 < value < 1e12:
        scaled = value * 100
        nearest = round(scaled)
        if abs(scaled - nearest) < 1e-6:
            return nearest
    return to_ore(parse_amount(value))


class _Failed:
    """Stands in for the value of a cell that could not be parsed."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _attempt(parse: Callable[[object], T], value: object) -> T | _Failed:
    try:
        return parse(value)
    except ValueProblemError as error:
        return _Failed(str(error))


def _parse_cells(
    cells: list[object], parse: Callable[[object], T]
) -> tuple[list[T | None], dict[str, list[int]]]:
    """Each distinct cell parsed once. Returns the values (None where parsing
    failed) and the positions that failed, by problem.

    ``True`` equals ``1`` as a dict key yet parses differently, so a column
    holding booleans (seen only when a key equals one) is parsed cell by cell."""
    distinct = dict.fromkeys(cells)
    if (True in distinct or False in distinct) and any(type(value) is bool for value in cells):
        results: list = [_attempt(parse, value) for value in cells]
    else:
        parsed = {value: _attempt(parse, value) for value in distinct}
        results = [parsed[value] for value in cells]
        if not any(type(value) is _Failed for value in parsed.values()):
            return results, {}
    failures: dict[str, list[int]] = {}
    for position, value in enumerate(results):
        if type(value) is _Failed:
            failures.setdefault(value.message, []).append(position)
            results[position] = None
    return results, failures


def _column(rows: list[Sequence[object]], index: int | None) -> list[object]:
    if index is None:
        return [None] * len(rows)
    try:
        return [row[index] for row in rows]
    except IndexError:  # a ragged CSV row
        return [row[index] if index < len(row) else None for row in rows]


def _org_number_or_problem(value: object) -> str | None:
    number, problem = parse_org_number(value)
    if problem:
        raise ValueProblemError(problem)
    return number


def _account_and_text(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    account = parse_account(value)
    text = _account_text(value, account)
    # The name part becomes the name of an account the file creates.
    problem = length_problem(Account.name, text)
    if problem:
        raise ValueProblemError(problem)
    return account, text


class _ColumnParser:
    """Parses the chunks of one file, collecting every problem of a row
    instead of stopping at the first."""

    def __init__(self, mapping: ColumnMapping, fixed_date: date | None) -> None:
        self.mapping = mapping
        self.index = {name: mapping.columns.get(name) for name in _FIELDS}
        self.labels = {spec.name: spec.label for spec in field_specs(mapping.kind)}
        self.fixed_date = fixed_date

    def parse(self, raw: list[Sequence[object]], first_number: int) -> InvoiceChunk:
        dropped = self._blank_and_total_rows(raw)
        if dropped:
            numbers = [first_number + position for position in range(len(raw)) if position not in dropped]
            raw = [row for position, row in enumerate(raw) if position not in dropped]
        else:
            numbers = list(range(first_number, first_number + len(raw)))
        self.numbers = numbers
        self.problems: list[tuple[int, int, RowProblem]] = []
        self.invalid: set[int] = set()
        self.warned: set[int] = set()

        cells = {name: _column(raw, index) for name, index in self.index.items()}
        amounts = self._values(cells, "amount", amount_in_ore, Severity.ERROR)
        if self.index["date"] is not None:
            dates = self._values(cells, "date", parse_date, Severity.ERROR)
        else:
            dates = [self.fixed_date] * len(raw)
            if self.fixed_date is None:
                message = "Filen saknar datum: ange vilken period (ÅÅÅÅ-MM) den gäller"
                self._report(range(len(raw)), "date", cells["date"], message, Severity.ERROR)
        supplier_names = _parse_cells(cells["supplier_name"], parse_text)[0]
        too_long = self._too_long(cells, "supplier_name", supplier_names)
        org_numbers = self._org_numbers(cells, supplier_names)
        for position in too_long:  # the row is refused; its text goes no further
            supplier_names[position] = None
        account_pairs = self._values(
            cells, "account", _account_and_text, Severity.WARNING, "; raden importeras utan konto"
        )
        texts = {}
        for name in ("invoice_number", "department", "unit"):
            texts[name] = _parse_cells(cells[name], parse_text)[0]
            for position in self._too_long(cells, name, texts[name]):
                texts[name][position] = None
        return InvoiceChunk(
            numbers,
            dates,
            texts["invoice_number"],
            supplier_names,
            org_numbers,
            texts["department"],
            texts["unit"],
            [pair[0] if pair else None for pair in account_pairs],
            [pair[1] if pair else None for pair in account_pairs],
            amounts,
            [problem for *_, problem in sorted(self.problems, key=lambda item: item[:2])],
            self.invalid,
            self.warned,
        )

    def _blank_and_total_rows(self, raw: list[Sequence[object]]) -> set[int]:
        """Positions of empty and "Summa"/"Totalt" rows. A row naming a real
        supplier is neither, so only the few rows without one are looked at."""
        suppliers = _column(raw, self.index["supplier_name"])
        orgs = _column(raw, self.index["org_number"])
        real_suppliers = {value for value in set(suppliers) if _names_a_supplier(value)}
        real_orgs = {value for value in set(orgs) if _names_a_supplier(value)}
        return {
            position
            for position, (supplier, org) in enumerate(zip(suppliers, orgs, strict=True))
            if supplier not in real_suppliers
            and org not in real_orgs
            and (_is_blank(raw[position]) or _is_total_row(raw[position], self.mapping))
        }

    def _values(
        self,
        cells: dict[str, list[object]],
        name: str,
        parse: Callable[[object], T],
        severity: Severity,
        consequence: str = "",
    ) -> list[T | None]:
        values, failures = _parse_cells(cells[name], parse)
        for message, positions in failures.items():
            self._report(positions, name, cells[name], message + consequence, severity)
        return values

    def _too_long(self, cells: dict[str, list[object]], name: str, texts: list[str | None]) -> list[int]:
        """Positions whose text does not fit the column it is stored in, each
        reported as an error: PostgreSQL would refuse the value and SQLite
        keep it whole, so the row is refused on both. ``len`` per distinct
        text: a 10 MB cell costs nothing more than a short one."""
        column, subject = _STORED_IN[name]
        limit = max_length(column)
        too_long = {text for text in set(texts) if text is not None and len(text) > limit}
        if not too_long:  # nearly always: one pass over the distinct texts
            return []
        by_length: dict[int, list[int]] = {}
        for position, text in enumerate(texts):
            if text in too_long:
                by_length.setdefault(len(text), []).append(position)
        for positions in by_length.values():
            message = length_problem(column, texts[positions[0]], subject)
            self._report(positions, name, cells[name], message or "", Severity.ERROR)
        return [position for positions in by_length.values() for position in positions]

    def _org_numbers(
        self, cells: dict[str, list[object]], supplier_names: list[str | None]
    ) -> list[str | None]:
        if self.index["org_number"] is None:
            missing = [position for position, name in enumerate(supplier_names) if not name]
            self._report(
                missing, "supplier_name", cells["supplier_name"], "Leverantör saknas", Severity.ERROR
            )
            return [None] * len(supplier_names)
        org_numbers, failures = _parse_cells(cells["org_number"], _org_number_or_problem)
        for problem, positions in failures.items():
            named = [position for position in positions if supplier_names[position]]
            unnamed = [position for position in positions if not supplier_names[position]]
            message = f"{problem}; leverantören identifieras med namn och markeras för granskning"
            self._report(named, "org_number", cells["org_number"], message, Severity.WARNING)
            message = f"{problem} och leverantörsnamn saknas"
            self._report(unnamed, "org_number", cells["org_number"], message, Severity.ERROR)
        return org_numbers

    def _report(
        self, positions: Iterable[int], name: str, cells: list[object], message: str, severity: Severity
    ) -> None:
        order, label = _PROBLEM_ORDER.index(name), self.labels[name]
        flagged = self.invalid if severity is Severity.ERROR else self.warned
        for position in positions:
            value = cells[position]
            problem = RowProblem(self.numbers[position], label, shown_value(value), message, severity)
            self.problems.append((position, order, problem))
            flagged.add(position)


def shown_value(value: object) -> str:
    """A cell as the validation report repeats it: whole when short, else
    its start and its length, so that a 10 MB cell does not travel into the
    report, its Excel file and the page."""
    if value is None:
        return ""
    try:
        text = value if isinstance(value, str) else str(value)
    except ValueError:  # an int beyond Python's 4300-digit str limit
        return "(ett orimligt stort tal)"
    if len(text) <= _SHOWN_VALUE:
        return text
    length = f"{len(text):,}".replace(",", " ")
    return f"{text[: _SHOWN_VALUE - 1]}… ({length} tecken)"


def _names_a_supplier(value: object) -> bool:
    text = parse_text(value)
    return bool(text) and not _is_total_word(text)


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
