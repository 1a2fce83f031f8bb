"""The invoice lines behind a figure: any slice of the dashboard, paged and
sorted in the database, with totals that equal the figure it came from."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from data_access.core.models import LineStatus
from data_access.core.tables import account, category, contract, department, line, supplier, unit
from data_access.figures.fidelity import SpendFilter

MAX_PAGE_SIZE = 1_000


class LineSort(enum.StrEnum):
    """What a list of lines can be sorted by."""

    DATE = "datum"
    AMOUNT = "belopp"
    SUPPLIER = "leverantor"
    UNIT = "enhet"
    DEPARTMENT = "forvaltning"
    CATEGORY = "kategori"
    STATUS = "status"


_SORT_COLUMNS: dict[LineSort, ColumnElement] = {
    LineSort.DATE: line.c.invoice_date,
    LineSort.AMOUNT: line.c.amount,
    LineSort.SUPPLIER: supplier.c.name,
    LineSort.UNIT: unit.c.name,
    LineSort.DEPARTMENT: department.c.name,
    LineSort.CATEGORY: category.c.name,
    LineSort.STATUS: line.c.status,
}


@dataclass(frozen=True)
class LineRecord:
    invoice_date: date
    invoice_number: str | None
    department: str | None
    unit: str | None
    supplier: str
    org_number: str | None
    account: str | None
    category: str | None
    amount: Decimal
    status: LineStatus
    contract: str | None  # the contract behind the status


@dataclass(frozen=True)
class LinePage:
    rows: list[LineRecord]
    page: int
    page_size: int
    total_count: int  # every line of the slice, not just this page
    total_amount: Decimal

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total_count // self.page_size))


def slice_conditions(
    spend_filter: SpendFilter, statuses: tuple[LineStatus, ...]
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [line.c.status != LineStatus.PENDING.value]
    if spend_filter.date_from is not None:
        conditions.append(line.c.invoice_date >= spend_filter.date_from)
    if spend_filter.date_to is not None:
        conditions.append(line.c.invoice_date <= spend_filter.date_to)
    for values, column in (
        (spend_filter.department_ids, line.c.department_id),
        (spend_filter.unit_ids, line.c.unit_id),
        (spend_filter.category_ids, line.c.category_id),
        (spend_filter.supplier_ids, line.c.supplier_id),
    ):
        if values:
            conditions.append(column.in_(values))
    if statuses:
        conditions.append(line.c.status.in_([status.value for status in statuses]))
    return conditions


def line_page(
    session: Session,
    spend_filter: SpendFilter,
    *,
    statuses: tuple[LineStatus, ...] = (),
    sort: LineSort = LineSort.DATE,
    descending: bool = True,
    page: int = 1,
    page_size: int = 100,
) -> LinePage:
    """One page of the lines in a slice (optionally only some statuses).
    Ties are broken by line id, so paging never repeats or skips a line."""
    page_size = max(1, min(page_size, MAX_PAGE_SIZE))
    conditions = slice_conditions(spend_filter, statuses)
    total_count, total_amount = session.execute(
        select(func.count(), func.sum(line.c.amount)).where(*conditions)
    ).one()
    page = max(1, min(page, max(1, -(-total_count // page_size))))
    order = _SORT_COLUMNS[sort]
    query = (
        select(
            line.c.invoice_date,
            line.c.invoice_number,
            department.c.name.label("department"),
            unit.c.name.label("unit"),
            supplier.c.name.label("supplier"),
            supplier.c.org_number,
            account.c.number.label("account"),
            category.c.name.label("category"),
            line.c.amount,
            line.c.status,
            contract.c.reference.label("contract"),
        )
        .select_from(
            line.outerjoin(department, department.c.id == line.c.department_id)
            .outerjoin(unit, unit.c.id == line.c.unit_id)
            .join(supplier, supplier.c.id == line.c.supplier_id)
            .outerjoin(account, account.c.id == line.c.account_id)
            .outerjoin(category, category.c.id == line.c.category_id)
            .outerjoin(contract, contract.c.id == line.c.contract_id)
        )
        .where(*conditions)
        .order_by(order.desc() if descending else order.asc(), line.c.id.desc() if descending else line.c.id)
        .limit(page_size)
        .offset((page - 1) * page_size)
    )
    rows = [
        LineRecord(
            invoice_date=row.invoice_date,
            invoice_number=row.invoice_number,
            department=row.department,
            unit=row.unit,
            supplier=row.supplier,
            org_number=row.org_number,
            account=row.account,
            category=row.category,
            amount=row.amount,
            status=LineStatus(row.status),
            contract=row.contract,
        )
        for row in session.execute(query)
    ]
    return LinePage(
        rows=rows,
        page=page,
        page_size=page_size,
        total_count=total_count,
        total_amount=total_amount if total_amount is not None else Decimal("0.00"),
    )
