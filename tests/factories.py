"""A tiny world builder for tests: departments, units, suppliers, contracts,
accounts and invoice lines with only the fields a test cares about."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import count
from typing import TypeVar

from sqlalchemy.orm import Session

from data_access.core.models import (
    Account,
    Category,
    Contract,
    ContractSupplier,
    Department,
    InvoiceLine,
    Person,
    Supplier,
    Unit,
)
from data_access.core.orgnr import luhn_check_digit

T = TypeVar("T")


class World:
    """Adds rows to a session and flushes, so ids are available at once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._numbers = count(1)

    def _add(self, row: T) -> T:
        self.session.add(row)
        self.session.flush()
        return row

    def department(self, code: str = "SOC", name: str = "Socialförvaltningen") -> Department:
        return self._add(Department(code=code, name=name))

    def unit(
        self, code: str, department: Department, name: str | None = None, kind: str = "care_home"
    ) -> Unit:
        return self._add(
            Unit(code=code, name=name or f"Enhet {code}", department_id=department.id, kind=kind)
        )

    def supplier(self, name: str) -> Supplier:
        first_nine = f"55{next(self._numbers):07d}"
        return self._add(Supplier(org_number=first_nine + luhn_check_digit(first_nine), name=name))

    def category(self, name: str, influenceable: bool = True) -> Category:
        return self._add(Category(name=name, influenceable=influenceable))

    def account(self, number: str, category: Category | None = None, influenceable: bool = True) -> Account:
        return self._add(
            Account(
                number=number,
                name=f"Konto {number}",
                category_id=category.id if category else None,
                influenceable=influenceable,
            )
        )

    def contract(
        self,
        reference: str,
        category: Category,
        suppliers: list[Supplier],
        valid_from: date,
        valid_to: date,
        manager: Person | None = None,
    ) -> Contract:
        contract = self._add(
            Contract(
                reference=reference,
                name=f"Avtal {reference}",
                category_id=category.id,
                valid_from=valid_from,
                valid_to=valid_to,
                manager_id=manager.id if manager else None,
                bid_count=3,
            )
        )
        for supplier in suppliers:
            self._add(ContractSupplier(contract_id=contract.id, supplier_id=supplier.id))
        return contract

    def line(
        self,
        day: date,
        amount: str,
        supplier: Supplier,
        account: Account | None,
        unit: Unit | None = None,
        department: Department | None = None,
    ) -> InvoiceLine:
        department_id = department.id if department else (unit.department_id if unit else None)
        return self._add(
            InvoiceLine(
                invoice_date=day,
                invoice_number=f"F{next(self._numbers)}",
                department_id=department_id,
                unit_id=unit.id if unit else None,
                supplier_id=supplier.id,
                account_id=account.id if account else None,
                amount=Decimal(amount),
            )
        )
