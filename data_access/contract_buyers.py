"""Who buys on a contract, who buys the same things elsewhere, and the
people to talk to there: the procurer's "find out who the customer is".

Both lists are read from the invoice lines of the contract's category in
the period (index ``category_id, invoice_date``), grouped in SQL.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.classification import line
from data_access.models import Contract, Department, LineStatus, Person, Supplier, Unit, UnitContact
from data_access.periods import Period
from data_access.sql import month_of

unit = Unit.__table__
department = Department.__table__
supplier = Supplier.__table__


@dataclass(frozen=True)
class UnitSpend:
    """One unit's purchases in the contract's category, on or off contract."""

    unit_id: int | None  # None: lines booked on a department without a unit
    unit_code: str | None
    unit_name: str
    department: str | None
    amount: Decimal
    share_pct: Decimal | None  # of the list's total
    line_count: int
    first_purchase: date
    last_purchase: date
    monthly: tuple[float, ...]  # spend per month of the period, for a sparkline
    suppliers: tuple[str, ...] = ()  # for purchases elsewhere: from whom, largest first


@dataclass(frozen=True)
class ContractCustomers:
    buying: list[UnitSpend]  # on this contract
    losing: list[UnitSpend]  # in the category, off contract
    months: tuple[date, ...]


def _months(period: Period) -> tuple[date, ...]:
    months, month = [], period.start.replace(day=1)
    while month <= period.end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return tuple(months)


def contract_customers(session: Session, contract_id: int, period: Period) -> ContractCustomers:
    """The units that bought on the contract, and those that bought in its
    category from someone else, each with spend, lines, first and last
    purchase and a monthly trend."""
    category_id = session.scalar(select(Contract.category_id).where(Contract.id == contract_id))
    months = _months(period)
    in_period = [
        line.c.category_id == category_id,
        line.c.invoice_date >= period.start,
        line.c.invoice_date <= period.end,
    ]
    buying = _unit_spend(
        session,
        [*in_period, line.c.status == LineStatus.ON_CONTRACT.value, line.c.contract_id == contract_id],
        months,
    )
    losing = _unit_spend(
        session, [*in_period, line.c.status == LineStatus.OFF_CONTRACT.value], months, with_suppliers=True
    )
    return ContractCustomers(buying=buying, losing=losing, months=months)


def _unit_spend(
    session: Session, conditions: list, months: tuple[date, ...], with_suppliers: bool = False
) -> list[UnitSpend]:
    month = month_of(line.c.invoice_date)
    per_month: dict[tuple[int | None, int | None], dict[date, float]] = defaultdict(dict)
    for row in session.execute(
        select(
            line.c.unit_id,
            line.c.department_id,
            month.label("month"),
            func.sum(line.c.amount).label("amount"),
        )
        .where(*conditions)
        .group_by(line.c.unit_id, line.c.department_id, month)
    ):
        per_month[(row.unit_id, row.department_id)][row.month] = float(row.amount)
    from_whom: dict[tuple[int | None, int | None], list[tuple[Decimal, str]]] = defaultdict(list)
    if with_suppliers:
        for row in session.execute(
            select(
                line.c.unit_id, line.c.department_id, supplier.c.name, func.sum(line.c.amount).label("amount")
            )
            .select_from(line.join(supplier, supplier.c.id == line.c.supplier_id))
            .where(*conditions)
            .group_by(line.c.unit_id, line.c.department_id, supplier.c.name)
        ):
            from_whom[(row.unit_id, row.department_id)].append((row.amount, row.name))
    rows = session.execute(
        select(
            line.c.unit_id,
            line.c.department_id,
            unit.c.code,
            unit.c.name,
            department.c.name.label("department"),
            func.sum(line.c.amount).label("amount"),
            func.count().label("line_count"),
            func.min(line.c.invoice_date).label("first"),
            func.max(line.c.invoice_date).label("last"),
        )
        .select_from(
            line.outerjoin(unit, unit.c.id == line.c.unit_id).outerjoin(
                department, department.c.id == line.c.department_id
            )
        )
        .where(*conditions)
        .group_by(line.c.unit_id, line.c.department_id, unit.c.code, unit.c.name, department.c.name)
    ).all()
    total = sum((row.amount for row in rows), Decimal(0))
    result = [
        UnitSpend(
            unit_id=row.unit_id,
            unit_code=row.code,
            unit_name=row.name or f"{row.department or 'Okänd förvaltning'} (utan enhet)",
            department=row.department,
            amount=row.amount,
            share_pct=(row.amount * 100 / total) if total else None,
            line_count=row.line_count,
            first_purchase=row.first,
            last_purchase=row.last,
            monthly=tuple(per_month[(row.unit_id, row.department_id)].get(month, 0.0) for month in months),
            suppliers=tuple(
                name
                for _amount, name in sorted(
                    from_whom[(row.unit_id, row.department_id)], key=lambda item: (-item[0], item[1])
                )
            ),
        )
        for row in rows
    ]
    return sorted(result, key=lambda item: (-item.amount, item.unit_name))


@dataclass(frozen=True)
class Contact:
    unit_id: int
    unit_name: str
    person_id: int
    name: str
    role: str
    email: str | None
    phone: str | None


def unit_contacts(session: Session, unit_ids: list[int]) -> list[Contact]:
    """The contact people of the given units, by unit then name."""
    if not unit_ids:
        return []
    rows = session.execute(
        select(Unit.id, Unit.name, Person.id, Person.name, UnitContact.role, Person.email, Person.phone)
        .join(UnitContact, UnitContact.unit_id == Unit.id)
        .join(Person, Person.id == UnitContact.person_id)
        .where(Unit.id.in_(unit_ids))
        .order_by(Unit.name, Person.name)
    )
    return [Contact(*row) for row in rows]


def email_line(contacts: list[Contact]) -> str:
    """Every address once, separated by semicolons: pasted into Outlook's To field."""
    return "; ".join(dict.fromkeys(contact.email for contact in contacts if contact.email))


def mailto_link(contacts: list[Contact], subject: str) -> str:
    """A ``mailto:`` link that opens one message to all of them."""
    addresses = ",".join(dict.fromkeys(contact.email for contact in contacts if contact.email))
    return f"mailto:{addresses}?subject={quote(subject)}"
