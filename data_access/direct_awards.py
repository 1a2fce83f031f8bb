"""Direct-award risk: spend without any contract that passes the
direct-award limit in a financial year, the list procurers need before the
auditors ask.

LOU 19 kap. 8 § adds up direct awards "of the same kind" over the financial
year, so the list is made per category (all its no-contract suppliers
together) and per supplier within a category. A municipality's financial
year is the calendar year. The limit is a setting (``targets``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from data_access.classification import line
from data_access.models import Category, LineStatus, Supplier

supplier = Supplier.__table__
category = Category.__table__


@dataclass(frozen=True)
class DirectAwardRisk:
    category_id: int
    category: str
    supplier_id: int | None  # None: the category as a whole
    supplier: str | None
    org_number: str | None
    amount: Decimal
    supplier_count: int
    unit_count: int


def direct_award_risks(session: Session, year: int, limit: Decimal) -> list[DirectAwardRisk]:
    """Categories, and suppliers within a category, whose no-contract spend in
    ``year`` exceeds ``limit``, largest first; each category before its suppliers.
    Two grouped queries over the year's no-contract lines: the unit counts
    need the lines, the summaries do not hold units per supplier."""
    in_year = [
        line.c.status == LineStatus.NO_CONTRACT.value,
        line.c.invoice_date >= date(year, 1, 1),
        line.c.invoice_date <= date(year, 12, 31),
    ]
    categories = session.execute(
        select(
            category.c.id,
            category.c.name,
            func.sum(line.c.amount).label("amount"),
            func.count(distinct(line.c.supplier_id)).label("suppliers"),
            func.count(distinct(line.c.unit_id)).label("units"),
        )
        .select_from(line.join(category, category.c.id == line.c.category_id))
        .where(*in_year)
        .group_by(category.c.id, category.c.name)
    ).all()
    suppliers = session.execute(
        select(
            line.c.category_id,
            supplier.c.id,
            supplier.c.name,
            supplier.c.org_number,
            func.sum(line.c.amount).label("amount"),
            func.count(distinct(line.c.unit_id)).label("units"),
        )
        .select_from(line.join(supplier, supplier.c.id == line.c.supplier_id))
        .where(*in_year)
        .group_by(line.c.category_id, supplier.c.id, supplier.c.name, supplier.c.org_number)
        .having(func.sum(line.c.amount) > limit)
    ).all()
    # A supplier can pass the limit in a category that does not (credit notes
    # from others): that category is listed too, with its own total.
    with_suppliers = {row.category_id for row in suppliers}
    risks: list[DirectAwardRisk] = []
    for row in sorted(categories, key=lambda row: (-row.amount, row.name)):
        if row.amount <= limit and row.id not in with_suppliers:
            continue
        risks.append(
            DirectAwardRisk(row.id, row.name, None, None, None, row.amount, row.suppliers, row.units)
        )
        passing = sorted((s for s in suppliers if s.category_id == row.id), key=lambda s: (-s.amount, s.name))
        for item in passing:
            risks.append(
                DirectAwardRisk(
                    row.id, row.name, item.id, item.name, item.org_number, item.amount, 1, item.units
                )
            )
    return risks
