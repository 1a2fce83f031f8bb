"""Where the money goes instead: for one category, the suppliers paid off
contract (how much, how many lines, how many units buy from them) next to
the suppliers that hold the category's contracts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from data_access.core.models import LineStatus
from data_access.core.tables import contract, contract_supplier, line, supplier
from data_access.figures.fidelity import SpendFilter
from data_access.figures.line_listing import slice_conditions


@dataclass(frozen=True)
class SupplierSpend:
    supplier_id: int
    name: str
    org_number: str | None
    amount: Decimal
    line_count: int
    unit_count: int


@dataclass(frozen=True)
class CategorySuppliers:
    off_contract: list[SupplierSpend]  # largest first
    contracted: list[SupplierSpend]  # on-contract spend of each supplier on a valid contract


def category_suppliers(session: Session, category_id: int, spend_filter: SpendFilter) -> CategorySuppliers:
    """Both lists for one category within the dashboard's filters."""
    in_category = SpendFilter(
        date_from=spend_filter.date_from,
        date_to=spend_filter.date_to,
        department_ids=spend_filter.department_ids,
        unit_ids=spend_filter.unit_ids,
        category_ids=(category_id,),
        supplier_ids=spend_filter.supplier_ids,
    )

    # One pass over the category's lines for both statuses.
    spend: dict[str, dict[int, SupplierSpend]] = {
        LineStatus.OFF_CONTRACT.value: {},
        LineStatus.ON_CONTRACT.value: {},
    }
    query = (
        select(
            line.c.status,
            supplier.c.id,
            supplier.c.name,
            supplier.c.org_number,
            func.sum(line.c.amount).label("amount"),
            func.count().label("line_count"),
            func.count(distinct(line.c.unit_id)).label("unit_count"),
        )
        .select_from(line.join(supplier, supplier.c.id == line.c.supplier_id))
        .where(*slice_conditions(in_category, (LineStatus.OFF_CONTRACT, LineStatus.ON_CONTRACT)))
        .group_by(line.c.status, supplier.c.id, supplier.c.name, supplier.c.org_number)
    )
    for row in session.execute(query):
        spend[row.status][row.id] = SupplierSpend(
            row.id, row.name, row.org_number, row.amount, row.line_count, row.unit_count
        )
    off, on = spend[LineStatus.OFF_CONTRACT.value], spend[LineStatus.ON_CONTRACT.value]
    validity = [contract.c.category_id == category_id]
    if spend_filter.date_to is not None:
        validity.append(contract.c.valid_from <= spend_filter.date_to)
    if spend_filter.date_from is not None:
        validity.append(contract.c.valid_to >= spend_filter.date_from)
    holders = session.execute(
        select(supplier.c.id, supplier.c.name, supplier.c.org_number)
        .distinct()
        .select_from(
            contract_supplier.join(contract, contract.c.id == contract_supplier.c.contract_id).join(
                supplier, supplier.c.id == contract_supplier.c.supplier_id
            )
        )
        .where(and_(*validity))
    ).all()
    zero = Decimal("0.00")
    contracted = [
        on.get(row.id) or SupplierSpend(row.id, row.name, row.org_number, zero, 0, 0) for row in holders
    ]
    return CategorySuppliers(
        off_contract=sorted(off.values(), key=lambda item: (-item.amount, item.name)),
        contracted=sorted(contracted, key=lambda item: (-item.amount, item.name)),
    )
