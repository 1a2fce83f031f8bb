"""Fidelity figures over any slice: aggregated in SQL, never in pandas.

Whole months come from the smallest summary table that has the columns a
query needs; the days of a partial month at either end of a date range come
from the invoice lines themselves, so any ``date_from``/``date_to`` is exact
and still fast.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    Table,
    cast,
    extract,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from data_access.core.models import LineStatus
from data_access.core.sql import month_of
from data_access.core.tables import SUMMARY_TABLES, line
from data_access.core.tables import category as category_table
from data_access.core.tables import department as department_table
from data_access.core.tables import supplier as supplier_table
from data_access.core.tables import unit as unit_table

IN_SCOPE = (
    LineStatus.ON_CONTRACT,
    LineStatus.OFF_CONTRACT,
    LineStatus.NO_CONTRACT,
    LineStatus.UNCLASSIFIED,
)
# The amount of every status as the breakdown table and the command line's
# report name it, in the order both show it.
STATUS_AMOUNT_COLUMNS: dict[str, LineStatus] = {
    "on_amount": LineStatus.ON_CONTRACT,
    "off_amount": LineStatus.OFF_CONTRACT,
    "no_contract_amount": LineStatus.NO_CONTRACT,
    "excluded_amount": LineStatus.EXCLUDED,
    "unclassified_amount": LineStatus.UNCLASSIFIED,
}
MISSING_KEY = "–"  # the code of a line without a department, unit or supplier


class Dimension(enum.StrEnum):
    """What a fidelity report is broken down by."""

    YEAR = "year"
    MONTH = "month"
    DEPARTMENT = "department"
    UNIT = "unit"
    CATEGORY = "category"
    SUPPLIER = "supplier"


MISSING_LABELS = {  # what a line without one is called on screen and in exports
    Dimension.DEPARTMENT: "Utan förvaltning",
    Dimension.UNIT: "Utan enhet",
    Dimension.CATEGORY: "Utan kategori",
    Dimension.SUPPLIER: "Utan leverantör",
}


@dataclass(frozen=True)
class SpendFilter:
    """A slice of the spend. Empty tuples mean "all"; dates are inclusive."""

    date_from: date | None = None
    date_to: date | None = None
    department_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    supplier_ids: tuple[int, ...] = ()


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return numerator * 100 / denominator


@dataclass(frozen=True)
class FidelityFigures:
    """Amounts and line counts per status, and the ratios derived from them."""

    amounts: dict[LineStatus, Decimal] = field(default_factory=dict)
    line_counts: dict[LineStatus, int] = field(default_factory=dict)
    supplier_contracted_amount: Decimal = Decimal("0.00")

    def amount(self, status: LineStatus) -> Decimal:
        return self.amounts.get(status, Decimal("0.00"))

    def count(self, status: LineStatus) -> int:
        return self.line_counts.get(status, 0)

    def status_amounts(self) -> tuple[Decimal, ...]:
        """The amount of every status, in ``STATUS_AMOUNT_COLUMNS`` order."""
        return tuple(self.amount(status) for status in STATUS_AMOUNT_COLUMNS.values())

    @property
    def on_amount(self) -> Decimal:
        return self.amount(LineStatus.ON_CONTRACT)

    @property
    def off_amount(self) -> Decimal:
        return self.amount(LineStatus.OFF_CONTRACT)

    @property
    def no_contract_amount(self) -> Decimal:
        return self.amount(LineStatus.NO_CONTRACT)

    @property
    def in_scope_amount(self) -> Decimal:
        return sum((self.amount(status) for status in IN_SCOPE), Decimal("0.00"))

    @property
    def total_amount(self) -> Decimal:
        return sum(self.amounts.values(), Decimal("0.00"))

    @property
    def fidelity_pct(self) -> Decimal | None:
        """Avtalstrohet by amount: on / (on + off)."""
        return _ratio(self.on_amount, self.on_amount + self.off_amount)

    @property
    def fidelity_by_count_pct(self) -> Decimal | None:
        """Avtalstrohet by line count: the same ratio over invoice lines."""
        on, off = self.count(LineStatus.ON_CONTRACT), self.count(LineStatus.OFF_CONTRACT)
        return _ratio(Decimal(on), Decimal(on + off))

    @property
    def coverage_pct(self) -> Decimal | None:
        """Avtalstäckning: (on + off) / (on + off + no contract)."""
        covered = self.on_amount + self.off_amount
        return _ratio(covered, covered + self.no_contract_amount)

    @property
    def supplier_fidelity_pct(self) -> Decimal | None:
        """Leverantörstrohet: in-scope spend with suppliers holding any valid contract."""
        return _ratio(self.supplier_contracted_amount, self.in_scope_amount)


@dataclass(frozen=True)
class FidelityRow:
    """One key of a breakdown: ``key`` is the stable code, ``label`` the name people read."""

    key: str
    label: str
    figures: FidelityFigures
    id: int | None = None  # the department, unit, category or supplier id, to filter on


_FILTER_COLUMNS = {
    "department_ids": "department_id",
    "unit_ids": "unit_id",
    "category_ids": "category_id",
    "supplier_ids": "supplier_id",
}
FACT_COLUMNS = ("department_id", "unit_id", "supplier_id", "category_id", "status", "supplier_contracted")


def _needed_columns(dimension: Dimension | None, spend_filter: SpendFilter) -> set[str]:
    needed = {column for attribute, column in _FILTER_COLUMNS.items() if getattr(spend_filter, attribute)}
    if dimension is not None and dimension not in (Dimension.YEAR, Dimension.MONTH):
        needed.add(f"{dimension.value}_id")
    return needed


def _summary_for(needed: set[str]) -> Table | None:
    """The smallest summary that has every needed column (None: use the lines).

    SUMMARY_TABLES is ordered from the coarsest grain to the finest.
    """
    for table in SUMMARY_TABLES:
        if needed <= set(table.c.keys()):
            return table
    return None


def _facts(spend_filter: SpendFilter, needed: set[str]) -> Select[Any]:
    """Rows with the FACT_COLUMNS, ``month``, ``amount`` and ``line_count``.

    Whole months inside the range come from a summary when one has the needed
    columns; partial months (and everything, when none has) from the lines.
    Columns a summary lacks are NULL; they are never grouped on.
    """
    start, end = spend_filter.date_from, spend_filter.date_to

    def dimension_filters(table: Table) -> list[ColumnElement[bool]]:
        return [
            table.c[column].in_(getattr(spend_filter, attribute))
            for attribute, column in _FILTER_COLUMNS.items()
            if getattr(spend_filter, attribute)
        ]

    def from_lines(*conditions: ColumnElement[bool]) -> Select[Any]:
        return select(
            month_of(line.c.invoice_date).label("month"),
            *(line.c[name] for name in FACT_COLUMNS),
            line.c.amount.label("amount"),
            literal(1).label("line_count"),
        ).where(*conditions, line.c.status != LineStatus.PENDING.value, *dimension_filters(line))

    table = _summary_for(needed)
    first_whole = _first_whole_month(start)
    after_last_whole = _month_after_last_whole(end)
    if table is None or (first_whole and after_last_whole and first_whole >= after_last_whole):
        # No summary fits, or the range holds no whole month: all from the lines.
        conditions = []
        if start is not None:
            conditions.append(line.c.invoice_date >= start)
        if end is not None:
            conditions.append(line.c.invoice_date <= end)
        return from_lines(*conditions)

    whole_months = select(
        table.c.month.label("month"),
        *(table.c[name] if name in table.c else null().label(name) for name in FACT_COLUMNS),
        table.c.amount.label("amount"),
        table.c.line_count.label("line_count"),
    ).where(*dimension_filters(table))
    if first_whole is not None:
        whole_months = whole_months.where(table.c.month >= first_whole)
    if after_last_whole is not None:
        whole_months = whole_months.where(table.c.month < after_last_whole)
    parts: list[Select[Any]] = [whole_months]
    if start is not None and first_whole is not None and start < first_whole:
        parts.append(from_lines(line.c.invoice_date >= start, line.c.invoice_date < first_whole))
    if end is not None and after_last_whole is not None and after_last_whole <= end:
        parts.append(from_lines(line.c.invoice_date >= after_last_whole, line.c.invoice_date <= end))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _first_whole_month(start: date | None) -> date | None:
    if start is None:
        return None
    if start.day == 1:
        return start
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def _month_after_last_whole(end: date | None) -> date | None:
    """The first month that is not wholly inside the range ending on ``end``."""
    if end is None:
        return None
    if (end + timedelta(days=1)).day == 1:
        return end + timedelta(days=1)
    return end.replace(day=1)


def _key_columns(
    dimension: Dimension | None, facts: Any
) -> tuple[list[Any], ColumnElement[Any], ColumnElement[Any], list[Any], ColumnElement[Any]]:
    """SQL for the group-by list, the key, the label, the outer joins and the id."""
    no_id = null().label("no_id")
    if dimension is None:
        return [], literal("ALL"), literal("ALL"), [], no_id
    if dimension is Dimension.YEAR:
        year = cast(extract("year", facts.c.month), String)
        return [year], year, year, [], no_id
    if dimension is Dimension.MONTH:
        return [facts.c.month], facts.c.month, facts.c.month, [], no_id
    table, fact_column, key, label = {
        Dimension.DEPARTMENT: (
            department_table,
            "department_id",
            department_table.c.code,
            department_table.c.name,
        ),
        Dimension.UNIT: (unit_table, "unit_id", unit_table.c.code, unit_table.c.name),
        Dimension.CATEGORY: (category_table, "category_id", category_table.c.name, category_table.c.name),
        Dimension.SUPPLIER: (
            supplier_table,
            "supplier_id",
            func.coalesce(supplier_table.c.org_number, supplier_table.c.name),
            supplier_table.c.name,
        ),
    }[dimension]
    join = (table, table.c.id == facts.c[fact_column])
    return [facts.c[fact_column], key, label], key, label, [join], facts.c[fact_column]


def fidelity_breakdown(
    session: Session, dimension: Dimension | None, spend_filter: SpendFilter = SpendFilter()
) -> list[FidelityRow]:
    """Fidelity figures per key of ``dimension`` (one ``ALL`` row when None), sorted by key."""
    cells = fidelity_matrix(session, (dimension,) if dimension else (), spend_filter)
    return sorted((cell.rows[0] if cell.rows else cell.total for cell in cells), key=lambda row: row.key)


@dataclass(frozen=True)
class MatrixCell:
    """One combination of keys of several dimensions (one row per dimension)."""

    rows: tuple[FidelityRow, ...]  # key, label and id per dimension; each with the cell's figures
    total: FidelityRow  # the cell's figures under the combined key

    @property
    def figures(self) -> FidelityFigures:
        return self.total.figures


def fidelity_matrix(
    session: Session, dimensions: tuple[Dimension, ...], spend_filter: SpendFilter = SpendFilter()
) -> list[MatrixCell]:
    """Fidelity figures per combination of keys of ``dimensions`` (for
    example department x category, for a heat map), in one query."""
    needed = _needed_columns(None, spend_filter)
    for dimension in dimensions:
        needed |= _needed_columns(dimension, spend_filter)
    facts = _facts(spend_filter, needed).subquery("facts")
    parts = [_key_columns(dimension, facts) for dimension in dimensions] or [_key_columns(None, facts)]
    from_clause = facts
    selected: list[Any] = []
    group_by: list[Any] = []
    for index, (columns, key, label, joins, id_column) in enumerate(parts):
        for table, on in joins:
            from_clause = from_clause.outerjoin(table, on)
        group_by += columns
        selected += [key.label(f"key{index}"), label.label(f"label{index}"), id_column.label(f"id{index}")]
    query = (
        select(
            *selected,
            facts.c.status,
            facts.c.supplier_contracted,
            func.sum(facts.c.amount).label("amount"),
            func.sum(facts.c.line_count).label("line_count"),
        )
        .select_from(from_clause)
        .group_by(*group_by, facts.c.status, facts.c.supplier_contracted)
    )
    zero = Decimal("0.00")
    collected: dict[tuple[str, ...], dict[str, Any]] = {}
    names = [(dimension, index) for index, dimension in enumerate(dimensions)] or [(None, 0)]
    for row in session.execute(query):
        values = row._mapping
        keys = tuple(_format_key(dimension, values[f"key{index}"]) for dimension, index in names)
        entry = collected.setdefault(
            keys,
            {
                "parts": [
                    (_format_key(dimension, values[f"label{index}"], label=True), values[f"id{index}"])
                    for dimension, index in names
                ],
                "amounts": {},
                "counts": {},
                "contracted": zero,
            },
        )
        status = LineStatus(row.status)
        amount = row.amount if row.amount is not None else zero  # Money: already Decimal kronor
        entry["amounts"][status] = entry["amounts"].get(status, zero) + amount
        entry["counts"][status] = entry["counts"].get(status, 0) + int(row.line_count or 0)
        if row.supplier_contracted and status in IN_SCOPE:
            entry["contracted"] += amount
    cells = []
    for keys, entry in collected.items():
        figures = FidelityFigures(
            amounts=entry["amounts"],
            line_counts=entry["counts"],
            supplier_contracted_amount=entry["contracted"],
        )
        rows = tuple(
            FidelityRow(key=key, label=label, figures=figures, id=row_id)
            for key, (label, row_id) in zip(keys, entry["parts"], strict=True)
        )
        total = FidelityRow(
            key=" / ".join(keys), label=" / ".join(row.label for row in rows), figures=figures
        )
        cells.append(MatrixCell(rows=rows if dimensions else (), total=total))
    return sorted(cells, key=lambda cell: tuple(row.key for row in cell.rows))


def fidelity_total(session: Session, spend_filter: SpendFilter = SpendFilter()) -> FidelityFigures:
    """The figures for the whole slice."""
    rows = fidelity_breakdown(session, None, spend_filter)
    return rows[0].figures if rows else FidelityFigures()


def _format_key(dimension: Dimension | None, value: Any, *, label: bool = False) -> str:
    if value is None:
        if dimension is not None and (label or dimension is Dimension.CATEGORY):  # its key is its name
            return MISSING_LABELS.get(dimension, MISSING_KEY)
        return MISSING_KEY
    if dimension is Dimension.MONTH:
        if isinstance(value, str):  # SQLite returns the date() text
            return value[:7]
        return value.strftime("%Y-%m")
    if dimension is Dimension.SUPPLIER and isinstance(value, str) and len(value) == 10 and value.isdigit():
        return f"{value[:6]}-{value[6:]}"
    return str(value)


BREAKDOWN_COLUMNS = (
    "key",
    "label",
    *STATUS_AMOUNT_COLUMNS,
    "fidelity_pct",
    "supplier_fidelity_pct",
    "coverage_pct",
    "line_count",
    "in_scope_amount",
    "id",
)


def breakdown_frame(rows: list[FidelityRow]) -> pd.DataFrame:
    """Rows as a DataFrame (floats, for tables and charts) in BREAKDOWN_COLUMNS;
    ``id`` is what a drill-down filters on (None for months and years)."""

    def number(value: Decimal | None) -> float | None:
        return None if value is None else float(value)

    records = [
        (
            row.key,
            row.label,
            *(float(amount) for amount in row.figures.status_amounts()),
            number(row.figures.fidelity_pct),
            number(row.figures.supplier_fidelity_pct),
            number(row.figures.coverage_pct),
            sum(row.figures.line_counts.values()),
            float(row.figures.in_scope_amount),
            row.id,
        )
        for row in rows
    ]
    return pd.DataFrame.from_records(records, columns=BREAKDOWN_COLUMNS)


def matrix_frame(cells: list[MatrixCell]) -> pd.DataFrame:
    """A two-dimension matrix (for example department x category) as one row
    per cell, with both labels and the cell's figures."""
    frame = breakdown_frame([cell.total for cell in cells])
    for index, name in enumerate(("first", "second")):
        frame[name] = [cell.rows[index].label if len(cell.rows) > index else None for cell in cells]
        frame[f"{name}_id"] = [cell.rows[index].id if len(cell.rows) > index else None for cell in cells]
    return frame
