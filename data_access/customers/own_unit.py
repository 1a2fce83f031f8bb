"""Min enhet: what an ordering unit's own staff may see of their unit.

What it bought off contract per category and supplier together with the
contracts valid in that category that it could have used and each contract's
manager (the same managers Hitta avtal shows), and the unit's own needs with
their status and the procurement unit's public answer. The unit's fidelity
and trend are ``figures.unit_fidelity`` (customers does not import figures).

Every function takes the acting viewer and reads only the viewer's own units:
the unit asked for is checked against ``acting.unit_ids`` before the query,
and the query itself filters on that unit in SQL (``unit_id IN (...)``), so
another unit's rows are never loaded, whatever id the address holds. A
procurer or a manager is no exception: Min enhet is for the units one belongs
to, and the procurers have the unit page. Internal notes, the assignee and the
submitters are never selected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer
from data_access.core.models import Category, Contract, LineStatus, Need, Unit
from data_access.core.periods import Period
from data_access.core.tables import category, contract, line, person, supplier
from data_access.customers.needs import reference_of

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class OwnUnit:
    id: int
    code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class ContractToUse:
    """A contract valid in the category on the day of an off-contract
    purchase, with its manager: whom the unit asks how to order on it."""

    contract_id: int
    reference: str
    name: str
    valid_from: date
    valid_to: date
    manager: str | None
    manager_email: str | None
    manager_phone: str | None


@dataclass(frozen=True)
class OffContractSpend:
    """What the unit bought off contract in one category from one supplier."""

    category_id: int | None
    category: str | None
    supplier_id: int
    supplier: str
    amount: Decimal
    line_count: int
    first_purchase: date
    last_purchase: date
    contracts: tuple[ContractToUse, ...]


@dataclass(frozen=True)
class OwnNeed:
    """A need of the unit as the unit may see it: no internal notes, no
    assignee, no submitter."""

    id: int
    reference: str
    created_at: datetime
    contract: str | None
    contract_name: str | None
    category: str | None
    need_type: str  # a code of needs.NEED_TYPES
    text: str
    status: str  # a code of needs.STATUSES
    answer: str | None
    updated_at: datetime | None


def require_own_unit(unit_id: int, *, acting: Viewer) -> None:
    """Refuse (``AccessDenied``) a viewer without Min enhet, or a unit that is
    not one of theirs: the check before every query below."""
    acting.require(Permission.VIEW_OWN_UNIT)
    if unit_id not in acting.unit_ids:
        raise AccessDenied(Permission.VIEW_OWN_UNIT)


def own_units(session: Session, *, acting: Viewer) -> list[OwnUnit]:
    """The viewer's units, by code (none: the viewer belongs to no unit)."""
    acting.require(Permission.VIEW_OWN_UNIT)
    if not acting.unit_ids:
        return []
    rows = session.execute(
        select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(sorted(acting.unit_ids))).order_by(Unit.code)
    )
    return [OwnUnit(*row) for row in rows]


def off_contract_spend(
    session: Session, unit_id: int, period: Period, *, acting: Viewer
) -> list[OffContractSpend]:
    """The unit's off-contract purchases in ``period`` per category and
    supplier, largest first, each with the contracts of its category that
    were valid on the days of those purchases (the one the engine named
    first: valid longest, then the oldest) and their managers."""
    require_own_unit(unit_id, acting=acting)
    own_off_lines = (
        line.c.unit_id.in_([unit_id]),
        line.c.status == LineStatus.OFF_CONTRACT.value,
        line.c.invoice_date >= period.start,
        line.c.invoice_date <= period.end,
    )
    spend_rows = session.execute(
        select(
            line.c.category_id,
            category.c.name,
            line.c.supplier_id,
            supplier.c.name,
            func.sum(line.c.amount),
            func.count(),
            func.min(line.c.invoice_date),
            func.max(line.c.invoice_date),
        )
        .select_from(
            line.join(supplier, supplier.c.id == line.c.supplier_id).outerjoin(
                category, category.c.id == line.c.category_id
            )
        )
        .where(*own_off_lines)
        .group_by(line.c.category_id, category.c.name, line.c.supplier_id, supplier.c.name)
    ).all()
    contract_rows = session.execute(
        select(
            line.c.category_id,
            line.c.supplier_id,
            contract.c.id,
            contract.c.reference,
            contract.c.name,
            contract.c.valid_from,
            contract.c.valid_to,
            person.c.name,
            person.c.email,
            person.c.phone,
        )
        .select_from(
            line.join(
                contract,
                (contract.c.category_id == line.c.category_id)
                & (contract.c.valid_from <= line.c.invoice_date)
                & (contract.c.valid_to >= line.c.invoice_date),
            ).outerjoin(person, person.c.id == contract.c.manager_id)
        )
        .where(*own_off_lines)
        .distinct()
    ).all()
    usable: dict[tuple[int | None, int], list[ContractToUse]] = {}
    for category_id, supplier_id, *fields in contract_rows:
        usable.setdefault((category_id, supplier_id), []).append(ContractToUse(*fields))
    found = [
        OffContractSpend(
            category_id=category_id,
            category=category_name,
            supplier_id=supplier_id,
            supplier=supplier_name,
            amount=amount if amount is not None else ZERO,
            line_count=int(count),
            first_purchase=_as_date(first),
            last_purchase=_as_date(last),
            contracts=tuple(
                sorted(
                    usable.get((category_id, supplier_id), []),
                    key=lambda item: (-item.valid_to.toordinal(), item.contract_id),
                )
            ),
        )
        for category_id, category_name, supplier_id, supplier_name, amount, count, first, last in spend_rows
    ]
    return sorted(found, key=lambda item: (-item.amount, item.category or "", item.supplier))


def _as_date(value: date | str) -> date:
    """SQLite returns min() and max() of a date column as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def own_needs(session: Session, unit_id: int, *, acting: Viewer) -> list[OwnNeed]:
    """The unit's needs, newest first, with status and the public answer;
    only the columns the unit may see are selected."""
    require_own_unit(unit_id, acting=acting)
    rows = session.execute(
        select(
            Need.id,
            Need.created_at,
            Contract.reference,
            Contract.name,
            Category.name,
            Need.need_type,
            Need.text,
            Need.status,
            Need.answer,
            Need.updated_at,
        )
        .outerjoin(Contract, Contract.id == Need.contract_id)
        .outerjoin(Category, Category.id == Need.category_id)
        .where(Need.unit_id.in_([unit_id]))
        .order_by(Need.created_at.desc(), Need.id.desc())
    )
    return [OwnNeed(row[0], reference_of(row[0]), *row[1:]) for row in rows]


__all__ = [
    "ContractToUse",
    "OffContractSpend",
    "OwnNeed",
    "OwnUnit",
    "off_contract_spend",
    "own_needs",
    "own_units",
    "require_own_unit",
]
