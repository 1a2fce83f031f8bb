"""The fidelity rules applied to new lines in memory, before they are written.

``classification`` states the rules as SQL and is the authority for lines
already in the database: it reclassifies them when a contract or an account
changes. A bulk load of a million new lines would spend most of its time in
that SQL's per-line contract lookups, while the catalogue the rules consult
(accounts, categories, contracts and their suppliers) is a few thousand
rows. So new lines get their verdict here, from the catalogue loaded once,
and are written once, already classified. ``tests/test_verdicts.py`` holds
both implementations to the same verdict for every kind of line, including
randomly generated catalogues.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.core.models import Account, Category, Contract, ContractSupplier, LineStatus

ON = LineStatus.ON_CONTRACT.value
OFF = LineStatus.OFF_CONTRACT.value
NO_CONTRACT = LineStatus.NO_CONTRACT.value
EXCLUDED = LineStatus.EXCLUDED.value
UNCLASSIFIED = LineStatus.UNCLASSIFIED.value


class Verdict(NamedTuple):
    """What the engine writes on a line besides the line itself."""

    category_id: int | None
    status: str
    contract_id: int | None  # the contract behind the status (for off contract: the one it could use)
    supplier_contracted: bool  # the supplier held some valid contract on the day


@dataclass(frozen=True, slots=True)
class _Contract:
    id: int
    category_id: int
    valid_from: date
    valid_to: date
    suppliers: frozenset[int]

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to


def _preference(contract: _Contract) -> tuple[int, int]:
    """Of several valid contracts: the one valid longest, then the oldest id
    (``classification._first_contract`` orders the same way)."""
    return (-contract.valid_to.toordinal(), contract.id)


class Catalogue:
    """Everything the rules consult, loaded in four small queries."""

    def __init__(self, session: Session) -> None:
        not_influenceable_categories = set(
            session.scalars(select(Category.id).where(Category.influenceable.is_(False)))
        )
        suppliers_of: dict[int, set[int]] = {}
        for contract_id, supplier_id in session.execute(
            select(ContractSupplier.contract_id, ContractSupplier.supplier_id)
        ):
            suppliers_of.setdefault(contract_id, set()).add(supplier_id)
        contracts = sorted(
            (
                _Contract(
                    row.id,
                    row.category_id,
                    row.valid_from,
                    row.valid_to,
                    frozenset(suppliers_of.get(row.id, ())),
                )
                for row in session.execute(
                    select(Contract.id, Contract.category_id, Contract.valid_from, Contract.valid_to)
                )
            ),
            key=_preference,
        )
        self._contract_category = {contract.id: contract.category_id for contract in contracts}
        self._by_category: dict[int, list[_Contract]] = {}
        self._by_supplier: dict[int, list[_Contract]] = {}
        for contract in contracts:  # in order of preference, so the first valid one wins
            self._by_category.setdefault(contract.category_id, []).append(contract)
            for supplier_id in contract.suppliers:
                self._by_supplier.setdefault(supplier_id, []).append(contract)
        self._accounts = {
            row.id: (row.category_id, not row.influenceable)
            for row in session.execute(select(Account.id, Account.category_id, Account.influenceable))
        }
        self._not_influenceable_categories = not_influenceable_categories
        self._valid_in_category: dict[tuple[int, date], tuple[_Contract, ...]] = {}
        self._category_cache: dict[tuple[int | None, int | None], tuple[int | None, bool]] = {}

    def category(self, account_id: int | None, referenced_contract_id: int | None) -> tuple[int | None, bool]:
        """The line's category (its account's, else the named contract's) and
        whether the line is excluded (account or category not influenceable)."""
        key = (account_id, referenced_contract_id)
        found = self._category_cache.get(key)
        if found is None:
            category_id, account_excluded = self._accounts.get(account_id, (None, False))
            if category_id is None and referenced_contract_id is not None:
                category_id = self._contract_category.get(referenced_contract_id)
            excluded = account_excluded or category_id in self._not_influenceable_categories
            found = self._category_cache[key] = (category_id, excluded)
        return found

    def verdict(
        self, account_id: int | None, referenced_contract_id: int | None, supplier_id: int, day: date
    ) -> Verdict:
        """The same decision as ``classification._outcome``, for one line."""
        category_id, excluded = self.category(account_id, referenced_contract_id)
        supplier_on = self._supplier_contract(supplier_id, day)
        contracted = supplier_on is not None
        if excluded:
            return Verdict(category_id, EXCLUDED, None, contracted)
        if category_id is not None:
            valid = self._valid_contracts(category_id, day)
            for contract in valid:
                if supplier_id in contract.suppliers:
                    return Verdict(category_id, ON, contract.id, contracted)
            if valid:
                return Verdict(category_id, OFF, valid[0].id, contracted)
            return Verdict(category_id, NO_CONTRACT, None, contracted)
        if contracted:
            return Verdict(None, ON, supplier_on, True)
        return Verdict(None, UNCLASSIFIED, None, False)

    def _supplier_contract(self, supplier_id: int, day: date) -> int | None:
        for contract in self._by_supplier.get(supplier_id, ()):
            if contract.valid_on(day):
                return contract.id
        return None

    def _valid_contracts(self, category_id: int, day: date) -> tuple[_Contract, ...]:
        key = (category_id, day)
        valid = self._valid_in_category.get(key)
        if valid is None:
            valid = self._valid_in_category[key] = tuple(
                contract for contract in self._by_category.get(category_id, ()) if contract.valid_on(day)
            )
        return valid
