"""The fidelity engine: gives every invoice line exactly one status.

Rules (DOMAIN.md, "How fidelity is measured"):

* excluded: the line's account or its category is not influenceable;
* on contract: a contract valid on the invoice date (first and last day
  included) covers the line's category and lists the line's supplier;
* off contract: such a contract covers the category, but not with this
  supplier (``contract_id`` then names the contract it could have used);
* no contract: no valid contract covers the category on that date;
* a line without a category (no account, or an unmapped one) is on contract
  when its supplier is on any valid contract, else unclassified: never guessed.

Everything runs as set-based UPDATEs in the database, so a reclassification
of millions of lines never passes through Python, and the monthly summary is
rebuilt for the months that were touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from data_access.models import (
    Account,
    Category,
    Contract,
    ContractSupplier,
    InvoiceLine,
    LineStatus,
    SummaryByDepartment,
    SummaryBySupplier,
    SummaryByUnit,
)
from data_access.settings import bump_data_version
from data_access.sql import month_of

line = InvoiceLine.__table__
contract = Contract.__table__
contract_supplier = ContractSupplier.__table__
account = Account.__table__
category = Category.__table__
SUMMARY_TABLES: tuple[Table, ...] = (
    SummaryByDepartment.__table__,
    SummaryByUnit.__table__,
    SummaryBySupplier.__table__,
)
# Every column a summary may group by, besides the month.
SUMMARY_KEYS = ("department_id", "unit_id", "supplier_id", "category_id", "status", "supplier_contracted")


def _valid_on_invoice_date() -> ColumnElement[bool]:
    return and_(contract.c.valid_from <= line.c.invoice_date, contract.c.valid_to >= line.c.invoice_date)


def _supplier_on(contract_alias=contract) -> ColumnElement[bool]:
    return exists(
        select(literal(1))
        .select_from(contract_supplier)
        .where(
            contract_supplier.c.contract_id == contract_alias.c.id,
            contract_supplier.c.supplier_id == line.c.supplier_id,
        )
        # Correlate two levels up too: the line lives in the outer UPDATE.
        .correlate_except(contract_supplier)
    )


def _contracts_of_supplier(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """Valid contracts listing the line's supplier, found through the supplier
    index first: a supplier is on few contracts, a date range matches many."""
    return exists(
        select(literal(1))
        .select_from(contract_supplier.join(contract, contract.c.id == contract_supplier.c.contract_id))
        .where(contract_supplier.c.supplier_id == line.c.supplier_id, _valid_on_invoice_date(), *conditions)
    )


def _first_contract(*conditions: ColumnElement[bool]):
    """The contract that explains a line's status: the one valid longest, then
    the oldest id, so that the choice is stable between runs."""
    return (
        select(contract.c.id)
        .where(_valid_on_invoice_date(), *conditions)
        .order_by(contract.c.valid_to.desc(), contract.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _line_filter(
    line_ids: Iterable[int] | None,
    batch_id: int | None,
    category_ids: Iterable[int] | None,
    supplier_ids: Iterable[int] | None,
    account_ids: Iterable[int] | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if line_ids is not None:
        conditions.append(line.c.id.in_(list(line_ids)))
    if batch_id is not None:
        conditions.append(line.c.batch_id == batch_id)
    alternatives: list[ColumnElement[bool]] = []
    if category_ids is not None:
        alternatives.append(line.c.category_id.in_(list(category_ids)))
    if supplier_ids is not None:
        alternatives.append(line.c.supplier_id.in_(list(supplier_ids)))
    if account_ids is not None:
        alternatives.append(line.c.account_id.in_(list(account_ids)))
    if alternatives:
        conditions.append(or_(*alternatives))
    return conditions


def classify_lines(
    session: Session,
    *,
    line_ids: Iterable[int] | None = None,
    batch_id: int | None = None,
    category_ids: Iterable[int] | None = None,
    supplier_ids: Iterable[int] | None = None,
    account_ids: Iterable[int] | None = None,
    extra_months: Iterable[date] = (),
) -> None:
    """(Re)classify the selected lines and refresh the summary for their months.

    With no selection every line is reclassified. ``category_ids``,
    ``supplier_ids`` and ``account_ids`` select lines touching any of them:
    what a changed contract or account mapping can affect. Pass a changed
    contract's old and new category and suppliers. ``extra_months`` (first
    days) are rebuilt too: the months a line was moved out of or deleted from.
    """
    conditions = _line_filter(line_ids, batch_id, category_ids, supplier_ids, account_ids)

    # 1. The category follows the account's mapping, so remapping an account
    #    moves its lines. Only rows whose category changes are written.
    account_category = (
        select(account.c.category_id).where(account.c.id == line.c.account_id).scalar_subquery()
    )
    session.execute(
        update(line)
        .where(*conditions, line.c.category_id.is_distinct_from(account_category))
        .values(category_id=account_category)
    )

    not_influenceable = or_(
        exists(
            select(literal(1)).where(account.c.id == line.c.account_id, account.c.influenceable == false())
        ),
        exists(
            select(literal(1)).where(category.c.id == line.c.category_id, category.c.influenceable == false())
        ),
    )
    in_category = contract.c.category_id == line.c.category_id
    covered = exists(select(literal(1)).select_from(contract).where(_valid_on_invoice_date(), in_category))
    on_in_category = _contracts_of_supplier(in_category)
    supplier_contracted = _contracts_of_supplier()
    has_category = line.c.category_id.is_not(None)

    # 2. Status, the contract behind it (the matched one when on contract, the
    #    one that could have been used when off) and the supplier flag, in one
    #    pass so that every row is written once.
    decisions = (
        (not_influenceable, LineStatus.EXCLUDED, None),
        (
            and_(has_category, on_in_category),
            LineStatus.ON_CONTRACT,
            _first_contract(in_category, _supplier_on()),
        ),
        (and_(has_category, covered), LineStatus.OFF_CONTRACT, _first_contract(in_category)),
        (has_category, LineStatus.NO_CONTRACT, None),
        (supplier_contracted, LineStatus.ON_CONTRACT, _first_contract(_supplier_on())),
    )
    session.execute(
        update(line)
        .where(*conditions)
        .values(
            supplier_contracted=case((supplier_contracted, true()), else_=false()),
            status=case(
                *((condition, status.value) for condition, status, _ in decisions),
                else_=LineStatus.UNCLASSIFIED.value,
            ),
            contract_id=case(*((condition, chosen) for condition, _, chosen in decisions), else_=None),
        )
    )

    months = None if not conditions else sorted(set(_months_of(session, conditions)) | set(extra_months))
    refresh_summaries(session, months=months)


def _months_of(session: Session, conditions: list[ColumnElement[bool]]) -> list[date]:
    return list(session.scalars(select(month_of(line.c.invoice_date)).where(*conditions).distinct()))


def refresh_summaries(session: Session, *, months: list[date] | None = None) -> None:
    """Rebuild every summary (all months, or the given ones) from the lines."""
    if months is not None and not months:
        return
    for table in SUMMARY_TABLES:
        _rebuild(session, table, months)
    bump_data_version(session)


def _rebuild(session: Session, table: Table, months: list[date] | None) -> None:
    month = month_of(line.c.invoice_date)
    keys = [name for name in SUMMARY_KEYS if name in table.c]
    source = select(
        month.label("month"),
        *(line.c[name] for name in keys),
        func.sum(line.c.amount).label("amount"),
        func.count().label("line_count"),
    ).where(line.c.status != LineStatus.PENDING.value)
    delete_stmt = delete(table)
    if months is not None:
        delete_stmt = delete_stmt.where(table.c.month.in_(months))
        source = source.where(
            line.c.invoice_date >= min(months),
            line.c.invoice_date < _next_month(max(months)),
            month.in_(months),
        )
    session.execute(delete_stmt)
    session.execute(
        insert(table).from_select(
            ["month", *keys, "amount", "line_count"], source.group_by(month, *(line.c[name] for name in keys))
        )
    )


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
