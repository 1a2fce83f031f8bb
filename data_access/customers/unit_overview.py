"""One unit as a procurer sees it: the contracts it buys on, and what it
buys off contract per category together with the contract it could have
used. Read from the unit's lines of a period (index ``unit_id, invoice_date``).

A contract is one row whatever the categories of its lines: a line whose
account maps to no category is on contract through its supplier (DOMAIN.md),
so the contract, and the category shown, are the contract's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.core.models import LineStatus
from data_access.core.periods import Period
from data_access.core.tables import category, contract, line, person


@dataclass(frozen=True)
class UnitContractSpend:
    contract_id: int
    reference: str
    name: str
    category: str | None
    amount: Decimal
    line_count: int
    manager: str | None
    manager_email: str | None


@dataclass(frozen=True)
class UnitOverview:
    on_contract: list[UnitContractSpend]  # the contracts it used
    off_contract: list[UnitContractSpend]  # per category: the contract it could have used


def unit_overview(session: Session, unit_id: int, period: Period) -> UnitOverview:
    def spend(status: LineStatus) -> list[UnitContractSpend]:
        rows = session.execute(
            select(
                contract.c.id,
                contract.c.reference,
                contract.c.name,
                category.c.name.label("category"),
                func.sum(line.c.amount).label("amount"),
                func.count().label("line_count"),
                person.c.name.label("manager"),
                person.c.email.label("manager_email"),
            )
            .select_from(
                line.join(contract, contract.c.id == line.c.contract_id)
                .join(category, category.c.id == contract.c.category_id)
                .outerjoin(person, person.c.id == contract.c.manager_id)
            )
            .where(
                line.c.unit_id == unit_id,
                line.c.invoice_date >= period.start,
                line.c.invoice_date <= period.end,
                line.c.status == status.value,
            )
            .group_by(
                contract.c.id,
                contract.c.reference,
                contract.c.name,
                category.c.name,
                person.c.name,
                person.c.email,
            )
        )
        found = [UnitContractSpend(*row) for row in rows]
        return sorted(found, key=lambda item: (-item.amount, item.reference))

    return UnitOverview(
        on_contract=spend(LineStatus.ON_CONTRACT), off_contract=spend(LineStatus.OFF_CONTRACT)
    )
