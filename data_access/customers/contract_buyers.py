"""Who buys on a contract, who buys the same things elsewhere, and the
people to talk to there: the procurer's "find out who the customer is".

Who buys on the contract is every line whose status is on contract with it
(the contract the engine stored on the line), whatever its category: a line
whose account maps to no category is on contract through its supplier
(DOMAIN.md) and belongs to the contract like any other. Who buys elsewhere is
the contract's category's off-contract lines.

The engine gives a line on contract the contract's category or none, so both
lists are read from the period's lines of the category (and, for the buyers,
of no category) in ``ix_invoice_line_category_date``, which holds every column
read here: no line is fetched from the table (migrations 0009 and 0011; 4.2 s
for the busiest contract at 5,000,000 lines before). The database sums per unit
and month, so a few thousand rows reach Python whatever the number of lines.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.models import Contract, LineStatus, Person, Unit, UnitContact
from data_access.core.periods import Period
from data_access.core.sql import month_of
from data_access.core.tables import department, line, supplier, unit


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


def contract_customers(
    session: Session, contract_id: int, period: Period, *, acting: Viewer
) -> ContractCustomers:
    """The units that bought on the contract, and those that bought in its
    category from someone else, each with spend, lines, first and last
    purchase and a monthly trend. No people, but who buys what is the
    procurer's view (ledning sees the aggregated figures instead)."""
    acting.require(Permission.VIEW_CONTRACT_BUYERS)
    category_id = session.scalar(select(Contract.category_id).where(Contract.id == contract_id))
    months = _months(period)
    in_period = (line.c.invoice_date >= period.start, line.c.invoice_date <= period.end)
    # "+ 0": compared in the index's rows, never looked up through the narrow
    # contract index, which would fetch each of the contract's lines from the
    # table (SQLite chose it for the lines without a category).
    on_it = (*in_period, line.c.status == LineStatus.ON_CONTRACT.value, line.c.contract_id + 0 == contract_id)
    # A line on contract with it has its category, or none (its account is
    # unmapped and its supplier is on the contract): two ranges of the category
    # index, whose rows _by_unit adds up per unit and month.
    buying = _unit_months(session, (line.c.category_id == category_id, *on_it)) + _unit_months(
        session, (line.c.category_id.is_(None), *on_it)
    )
    elsewhere = (
        line.c.category_id == category_id,
        *in_period,
        line.c.status == LineStatus.OFF_CONTRACT.value,
    )
    losing = _unit_months(session, elsewhere)
    return ContractCustomers(
        buying=_by_unit(session, buying, months),
        losing=_by_unit(session, losing, months, _suppliers_by_unit(session, elsewhere)),
        months=months,
    )


def _unit_months(session: Session, conditions: tuple[ColumnElement[bool], ...]) -> list:
    """Spend, lines, first and last purchase per unit (and department) and month."""
    month = month_of(line.c.invoice_date)
    return session.execute(
        select(
            line.c.unit_id,
            line.c.department_id,
            month.label("month"),
            func.sum(line.c.amount).label("amount"),
            func.count().label("line_count"),
            func.min(line.c.invoice_date).label("first"),
            func.max(line.c.invoice_date).label("last"),
        )
        .where(*conditions)
        .group_by(line.c.unit_id, line.c.department_id, month)
    ).all()


def _suppliers_by_unit(
    session: Session, conditions: tuple[ColumnElement[bool], ...]
) -> dict[tuple[int | None, int | None], tuple[str, ...]]:
    """Whom each unit (and department) paid, largest first, then by name."""
    rows = session.execute(
        select(
            line.c.unit_id,
            line.c.department_id,
            supplier.c.name,
            func.sum(line.c.amount).label("amount"),
        )
        .select_from(line.join(supplier, supplier.c.id == line.c.supplier_id))
        .where(*conditions)
        .group_by(line.c.unit_id, line.c.department_id, supplier.c.id, supplier.c.name)
    ).all()
    paid: dict[tuple[int | None, int | None], list[tuple[Decimal, str]]] = defaultdict(list)
    for row in rows:
        paid[(row.unit_id, row.department_id)].append((row.amount, row.name))
    return {
        key: tuple(name for _, name in sorted(items, key=lambda item: (-item[0], item[1])))
        for key, items in paid.items()
    }


def _by_unit(
    session: Session,
    rows: list,
    months: tuple[date, ...],
    suppliers: dict[tuple[int | None, int | None], tuple[str, ...]] | None = None,
) -> list[UnitSpend]:
    groups: dict[tuple[int | None, int | None], list] = defaultdict(list)
    for row in rows:
        groups[(row.unit_id, row.department_id)].append(row)
    unit_ids = {key[0] for key in groups if key[0] is not None}
    department_ids = {key[1] for key in groups if key[1] is not None}
    units = (
        {
            row.id: (row.code, row.name)
            for row in session.execute(
                select(unit.c.id, unit.c.code, unit.c.name).where(unit.c.id.in_(unit_ids))
            )
        }
        if unit_ids
        else {}
    )
    departments = (
        dict(
            session.execute(
                select(department.c.id, department.c.name).where(department.c.id.in_(department_ids))
            ).all()
        )
        if department_ids
        else {}
    )
    total = sum((row.amount for row in rows), Decimal(0))
    result = []
    for key, parts in groups.items():
        unit_id, department_id = key
        amount = sum((part.amount for part in parts), Decimal(0))
        per_month: dict[date, float] = defaultdict(float)
        for part in parts:
            per_month[_as_date(part.month)] += float(part.amount)
        code, name = units.get(unit_id, (None, None))
        department_name = departments.get(department_id)
        result.append(
            UnitSpend(
                unit_id=unit_id,
                unit_code=code,
                unit_name=name or f"{department_name or 'Okänd förvaltning'} (utan enhet)",
                department=department_name,
                amount=amount,
                share_pct=(amount * 100 / total) if total else None,
                line_count=sum(part.line_count for part in parts),
                first_purchase=_as_date(min(part.first for part in parts)),
                last_purchase=_as_date(max(part.last for part in parts)),
                monthly=tuple(per_month.get(month, 0.0) for month in months),
                suppliers=suppliers.get(key, ()) if suppliers is not None else (),
            )
        )
    return sorted(result, key=lambda item: (-item.amount, item.unit_name))


def _as_date(value: date | str) -> date:
    """SQLite returns computed dates (min, max, month) as ISO text."""
    return value if isinstance(value, date) else date.fromisoformat(value)


@dataclass(frozen=True)
class Contact:
    unit_id: int
    unit_name: str
    person_id: int
    name: str
    role: str
    email: str | None
    phone: str | None


def unit_contacts(session: Session, unit_ids: list[int], *, acting: Viewer) -> list[Contact]:
    """The contact people of the given units, by unit then name: personal
    data, for a role that may see every unit's contacts."""
    acting.require(Permission.VIEW_CONTACTS)
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
