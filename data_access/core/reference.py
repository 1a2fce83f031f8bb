"""Lookups the pages need for their widgets and headers: small, read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.core.models import (
    Category,
    Contract,
    Department,
    InvoiceLine,
    SummaryByDepartment,
    Supplier,
    Unit,
)
from data_access.core.orgnr import format_org_number


@dataclass(frozen=True)
class Option:
    """An item for a select box: database id, stable code and display name."""

    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        return self.name if self.code == self.name else f"{self.code} {self.name}"


def departments(session: Session) -> list[Option]:
    rows = session.execute(select(Department.id, Department.code, Department.name).order_by(Department.code))
    return [Option(*row) for row in rows]


def units(session: Session, department_ids: tuple[int, ...] = ()) -> list[Option]:
    query = select(Unit.id, Unit.code, Unit.name).order_by(Unit.code)
    if department_ids:
        query = query.where(Unit.department_id.in_(department_ids))
    return [Option(*row) for row in session.execute(query)]


def categories(session: Session) -> list[Option]:
    rows = session.execute(select(Category.id, Category.name, Category.name).order_by(Category.name))
    return [Option(*row) for row in rows]


def contracts(session: Session) -> list[Option]:
    rows = session.execute(
        select(Contract.id, Contract.reference, Contract.name).order_by(Contract.reference)
    )
    return [Option(*row) for row in rows]


def suppliers(session: Session) -> list[Option]:
    """Every supplier, by name; the code is the org number as people write it
    (``556036-0793``), or the name when the supplier is known by name only."""
    rows = session.execute(
        select(Supplier.id, Supplier.org_number, Supplier.name).order_by(Supplier.name, Supplier.id)
    )
    return [
        Option(supplier_id, format_org_number(org_number) if org_number else name, name)
        for supplier_id, org_number, name in rows
    ]


@dataclass(frozen=True)
class DataPeriod:
    """The first and last invoice date in the database (None when empty)."""

    first: date | None
    last: date | None


def data_period(session: Session) -> DataPeriod:
    # Two statements: SQLite answers a lone min() or max() from the date index
    # in microseconds, but scans all of it (0.5 s at 5M lines) for both at once.
    first = session.scalar(select(func.min(InvoiceLine.invoice_date)))
    last = session.scalar(select(func.max(InvoiceLine.invoice_date)))
    return DataPeriod(first, last)


def months_with_lines(session: Session) -> list[date]:
    """The first day of every month that has invoice lines, in order: the
    period choices offer these and no empty year or month between imports.
    Read from the smallest summary (one row per month, department, category
    and status), which holds every classified line."""
    rows = session.scalars(select(SummaryByDepartment.month).distinct().order_by(SummaryByDepartment.month))
    return list(rows)
