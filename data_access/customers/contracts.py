"""Contract queries: the catalogue units search to find contracts and the
person responsible for each.

The free-text search runs in Python, not in SQL: SQLite's ``lower()`` and
``LIKE`` fold only ASCII (so "övriga" never found "Övriga"), PostgreSQL's
``lower()`` folds by the database's ctype (a C-locale database folds only
ASCII too), and ``LIKE`` reads ``%`` and ``_`` as wildcards. The catalogue is
small (hundreds to a few thousand contracts), so comparing casefolded text in
Python gives the same answer on both databases for the cost of reading the
rows once.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, literal, select
from sqlalchemy.orm import Session, aliased

from data_access.core import clock
from data_access.core.models import (
    Category,
    Contract,
    ContractSupplier,
    InvoiceLine,
    LineStatus,
    Need,
    Person,
    Supplier,
)
from data_access.core.orgnr import InvalidOrgNumber, format_org_number, normalise_org_number

EXPIRING_WITHIN = timedelta(days=183)  # "expiring within 6 months"


class ContractState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    UPCOMING = "upcoming"


def contract_state(valid_from: date, valid_to: date, today: date) -> ContractState:
    """Active, expiring within six months, expired, or not yet started."""
    if valid_to < today:
        return ContractState.EXPIRED
    if valid_from > today:
        return ContractState.UPCOMING
    if valid_to <= today + EXPIRING_WITHIN:
        return ContractState.EXPIRING
    return ContractState.ACTIVE


@dataclass(frozen=True)
class SupplierOnContract:
    """A supplier as the catalogue shows it: name and org number (ten digits,
    or None for a supplier known only by name)."""

    name: str
    org_number: str | None

    @property
    def org_number_text(self) -> str | None:
        """``556036-0793``, the form people read and type."""
        return None if self.org_number is None else format_org_number(self.org_number)


@dataclass(frozen=True)
class ContractListing:
    """One row of the contract catalogue."""

    id: int
    reference: str
    name: str
    category: str
    suppliers: str
    valid_from: date
    valid_to: date
    state: ContractState
    manager_name: str | None
    manager_email: str | None
    manager_phone: str | None
    bid_count: int | None
    purchasing_body: str | None
    category_id: int | None = None
    supplier_list: tuple[SupplierOnContract, ...] = ()

    @property
    def single_bid(self) -> bool | None:
        """Whether the contract was won on a single bid (see ``single_bid``)."""
        return single_bid(self.bid_count)


def single_bid(bid_count: int | None) -> bool | None:
    """The one rule for a single bid: the procurement drew one bid only, so
    the requirements may have shut out competition. None when the register
    does not say how many bids there were."""
    return None if bid_count is None else bid_count == 1


def search_key(text: str) -> str:
    """Text as the search compares it: compatibility-normalised (a decomposed
    "Ö" or a no-break space typed or pasted is the same as the plain one),
    casefolded for every alphabet (Å/å, Ä/ä, Ö/ö, É/é, ...), runs of
    whitespace made one space. Å, ä and ö stay letters of their own, as in
    Swedish: "ar" does not find "år"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.split())


_ORG_NUMBER_SEPARATORS = re.compile(r"[\s\-‐‑–—]")
_ORG_NUMBER_MIN_DIGITS = 6  # "556036", the first half of 556036-0793; shorter digit runs are years, codes ...


def _org_number_digits(term: str) -> str | None:
    """The digits a term asks for in org numbers, when it looks like (part of)
    one: ``556036-0793``, ``5560360793``, ``556036``, or a full number in any
    form the importer reads (``16556036-0793``, ``SE556036079301``)."""
    try:
        return normalise_org_number(term)
    except InvalidOrgNumber:
        pass
    digits = _ORG_NUMBER_SEPARATORS.sub("", term)
    return digits if digits.isdigit() and len(digits) >= _ORG_NUMBER_MIN_DIGITS else None


@dataclass(frozen=True)
class _Searchable:
    text: str  # every text field's search key, joined by a separator no term contains
    org_numbers: tuple[str, ...]  # ten digits each: matched only by terms that look like one


_FIELD_SEPARATOR = "\n"


def _searchable(listing: ContractListing) -> _Searchable:
    """What a contract is found by: reference, name, category, its suppliers'
    names and org numbers, the contract manager and the purchasing body."""
    fields = [
        listing.reference,
        listing.name,
        listing.category,
        listing.manager_name,
        listing.purchasing_body,
    ]
    fields += [supplier.name for supplier in listing.supplier_list]
    return _Searchable(
        text=_FIELD_SEPARATOR.join(search_key(field) for field in fields if field),
        org_numbers=tuple(s.org_number for s in listing.supplier_list if s.org_number),
    )


def matches(listing: ContractListing, text: str) -> bool:
    """Whether every word of ``text`` occurs in one of the contract's fields,
    whatever its case; ``%``, ``_`` and every other character mean themselves.
    Words that look like an org number also match with or without the dash."""
    searchable = _searchable(listing)
    for term in search_key(text).split(" "):
        if not term:
            continue
        if term in searchable.text:
            continue
        digits = _org_number_digits(term)
        if digits is not None and any(digits in number for number in searchable.org_numbers):
            continue
        return False
    return True


def search_contracts(
    session: Session,
    *,
    text: str = "",
    category_ids: tuple[int, ...] = (),
    states: tuple[ContractState, ...] = (),
    today: date | None = None,
    supplier_ids: tuple[int, ...] = (),
) -> list[ContractListing]:
    """Contracts matching a free-text search (every word found in the
    reference, name, category, a supplier's name or org number, the contract
    manager or the purchasing body; see ``matches``), the latest ending first.
    ``states`` filters on the state ``today`` (the clock's today by default)."""
    today = today or clock.today()
    contract_ids = select(Contract.id)
    if category_ids:
        contract_ids = contract_ids.where(Contract.category_id.in_(category_ids))
    if supplier_ids:
        contract_ids = contract_ids.where(
            Contract.id.in_(
                select(ContractSupplier.contract_id).where(ContractSupplier.supplier_id.in_(supplier_ids))
            )
        )
    manager = aliased(Person)
    query = (
        select(
            Contract,
            Category.name.label("category"),
            manager.name.label("manager_name"),
            manager.email.label("manager_email"),
            manager.phone.label("manager_phone"),
        )
        .join(Category, Category.id == Contract.category_id)
        .outerjoin(manager, manager.id == Contract.manager_id)
        .where(Contract.id.in_(contract_ids))
        .order_by(Contract.valid_to.desc(), Contract.reference)
    )
    rows = session.execute(query).all()
    suppliers = _suppliers_by_contract(session, contract_ids)
    listings = [
        ContractListing(
            id=row.Contract.id,
            reference=row.Contract.reference,
            name=row.Contract.name,
            category=row.category,
            suppliers=", ".join(supplier.name for supplier in suppliers.get(row.Contract.id, ())),
            valid_from=row.Contract.valid_from,
            valid_to=row.Contract.valid_to,
            state=contract_state(row.Contract.valid_from, row.Contract.valid_to, today),
            manager_name=row.manager_name,
            manager_email=row.manager_email,
            manager_phone=row.manager_phone,
            bid_count=row.Contract.bid_count,
            purchasing_body=row.Contract.purchasing_body,
            category_id=row.Contract.category_id,
            supplier_list=tuple(suppliers.get(row.Contract.id, ())),
        )
        for row in rows
    ]
    if states:
        listings = [listing for listing in listings if listing.state in states]
    if search_key(text):
        listings = [listing for listing in listings if matches(listing, text)]
    return listings


def _suppliers_by_contract(
    session: Session, contract_ids: Select[tuple[int]]
) -> dict[int, list[SupplierOnContract]]:
    """Each contract's suppliers, by name. Selected with the same subquery as
    the contracts: no list of thousands of ids sent as parameters."""
    rows = session.execute(
        select(ContractSupplier.contract_id, Supplier.name, Supplier.org_number)
        .join(Supplier, Supplier.id == ContractSupplier.supplier_id)
        .where(ContractSupplier.contract_id.in_(contract_ids))
        .order_by(Supplier.name, Supplier.id)
    )
    suppliers: dict[int, list[SupplierOnContract]] = {}
    for contract_id, name, org_number in rows:
        suppliers.setdefault(contract_id, []).append(SupplierOnContract(name, org_number))
    return suppliers


def contracts_called_off(session: Session, first_day: date, last_day: date) -> set[int]:
    """Contracts with at least one on-contract line in the period. One EXISTS
    per contract through the (contract, date) index: it stops at the first
    call-off, where a scan of the period's lines took 4 s at 5M lines."""
    called_off = (
        select(literal(1))
        .where(
            InvoiceLine.invoice_date.between(first_day, last_day),
            InvoiceLine.contract_id == Contract.id,
            InvoiceLine.status == LineStatus.ON_CONTRACT.value,
        )
        .exists()
    )
    return set(session.scalars(select(Contract.id).where(called_off)))


def expiring_soonest_first(listings: list[ContractListing]) -> list[ContractListing]:
    """Contracts ending within six months, the soonest first: the next tenders to plan."""
    return sorted(
        (item for item in listings if item.state is ContractState.EXPIRING), key=lambda item: item.valid_to
    )


def never_called_off(
    listings: list[ContractListing], called_off: set[int], since: date
) -> list[ContractListing]:
    """Contracts valid all the time since ``since`` (and still) on which nobody
    bought (``called_off`` from ``contracts_called_off`` for that period)."""
    return [
        item
        for item in listings
        if item.state in (ContractState.ACTIVE, ContractState.EXPIRING)
        and item.valid_from <= since
        and item.id not in called_off
    ]


OPEN_NEED_STATUSES = ("new", "in_progress")


def open_need_counts(session: Session) -> dict[int, int]:
    """Needs not yet answered, per contract."""
    return dict(
        session.execute(
            select(Need.contract_id, func.count())
            .where(Need.contract_id.is_not(None), Need.status.in_(OPEN_NEED_STATUSES))
            .group_by(Need.contract_id)
        ).all()
    )
