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
of millions of lines never passes through Python, and the summaries are
rebuilt for the months that were touched.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    FromClause,
    Select,
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
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from data_access.core.models import LineStatus
from data_access.core.sql import month_of
from data_access.core.tables import SUMMARY_TABLES, account, category, contract, contract_supplier, line

# Every column a summary may group by, besides the month.
SUMMARY_KEYS = ("department_id", "unit_id", "supplier_id", "category_id", "status", "supplier_contracted")


def _valid_on_invoice_date(lines: FromClause) -> ColumnElement[bool]:
    return and_(contract.c.valid_from <= lines.c.invoice_date, contract.c.valid_to >= lines.c.invoice_date)


def _first_contract(lines: FromClause, *, in_category: bool, with_supplier: bool) -> ColumnElement[int]:
    """The contract that explains a line's status, or NULL: valid on the
    invoice date, optionally in the line's category and/or listing its
    supplier. Of several, the one valid longest, then the oldest id, so that
    the choice is stable between runs. Found through the supplier index
    first when the supplier matters: a supplier is on few contracts."""
    query = select(contract.c.id)
    if with_supplier:
        query = query.select_from(
            contract_supplier.join(contract, contract.c.id == contract_supplier.c.contract_id)
        ).where(contract_supplier.c.supplier_id == lines.c.supplier_id)
    query = query.where(_valid_on_invoice_date(lines))
    if in_category:
        query = query.where(contract.c.category_id == lines.c.category_id)
    return query.order_by(contract.c.valid_to.desc(), contract.c.id).limit(1).scalar_subquery()


def _line_category(lines: FromClause) -> ColumnElement[int]:
    """A line's category: its account's, else that of the contract the invoice names."""
    return func.coalesce(
        select(account.c.category_id).where(account.c.id == lines.c.account_id).scalar_subquery(),
        select(contract.c.category_id)
        .where(contract.c.id == lines.c.referenced_contract_id)
        .scalar_subquery(),
    )


def _not_influenceable(lines: FromClause) -> ColumnElement[bool]:
    return or_(
        exists(
            select(literal(1)).where(account.c.id == lines.c.account_id, account.c.influenceable == false())
        ),
        exists(
            select(literal(1)).where(
                category.c.id == lines.c.category_id, category.c.influenceable == false()
            )
        ),
    )


def _line_filter(
    lines: FromClause,
    line_ids: Iterable[int] | None,
    batch_id: int | None,
    category_ids: Iterable[int] | None,
    supplier_ids: Iterable[int] | None,
    account_ids: Iterable[int] | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if line_ids is not None:
        conditions.append(lines.c.id.in_(list(line_ids)))
    if batch_id is not None:
        conditions.append(lines.c.batch_id == batch_id)
    alternatives: list[ColumnElement[bool]] = []
    if category_ids is not None:
        alternatives.append(lines.c.category_id.in_(list(category_ids)))
    if supplier_ids is not None:
        alternatives.append(lines.c.supplier_id.in_(list(supplier_ids)))
    if account_ids is not None:
        alternatives.append(lines.c.account_id.in_(list(account_ids)))
    if alternatives:
        conditions.append(or_(*alternatives))
    return conditions


def _decisions(lines: FromClause, *columns: ColumnElement[Any]) -> Select[Any]:
    """``columns`` plus, per line, the answers its status is made of: is it
    excluded, and which contract (if any) is valid in its category with its
    supplier, in its category at all, and with its supplier in any category."""
    return select(
        *columns,
        case((_not_influenceable(lines), true()), else_=false()).label("excluded"),
        _first_contract(lines, in_category=True, with_supplier=True).label("on_id"),
        _first_contract(lines, in_category=True, with_supplier=False).label("covering_id"),
        _first_contract(lines, in_category=False, with_supplier=True).label("supplier_on_id"),
    )


def _materialised(query: Select[Any]) -> CTE:
    """Each lookup then runs once per line, not once per CASE branch that
    mentions it (PostgreSQL would otherwise inline the subquery)."""
    return query.cte("decision").prefix_with("MATERIALIZED")


def _outcome(decision: FromClause) -> tuple[ColumnElement[str], ColumnElement[Any], ColumnElement[bool]]:
    """Status, the contract behind it and the supplier flag, from the answers."""
    has_category = decision.c.category_id.is_not(None)
    outcomes = (  # (when, status, the contract behind it)
        (decision.c.excluded, LineStatus.EXCLUDED, None),
        (and_(has_category, decision.c.on_id.is_not(None)), LineStatus.ON_CONTRACT, decision.c.on_id),
        (
            and_(has_category, decision.c.covering_id.is_not(None)),
            LineStatus.OFF_CONTRACT,
            decision.c.covering_id,  # the contract that could have been used
        ),
        (has_category, LineStatus.NO_CONTRACT, None),
        (decision.c.supplier_on_id.is_not(None), LineStatus.ON_CONTRACT, decision.c.supplier_on_id),
    )
    status = case(
        *((when, status.value) for when, status, _ in outcomes), else_=LineStatus.UNCLASSIFIED.value
    )
    contract_id = case(*((when, chosen) for when, _, chosen in outcomes), else_=None)
    return status, contract_id, decision.c.supplier_on_id.is_not(None)


def _without_jit(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        # JIT compiling these expression-heavy statements costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))


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
    """(Re)classify the selected lines and refresh the summaries for their months.

    With no selection every line is reclassified. ``category_ids``,
    ``supplier_ids`` and ``account_ids`` select lines touching any of them:
    what a changed contract or account mapping can affect. Pass a changed
    contract's old and new category and suppliers. ``extra_months`` (first
    days) are rebuilt too: the months a line was moved out of or deleted from.
    """
    selection = (line_ids, batch_id, category_ids, supplier_ids, account_ids)
    _without_jit(session)

    # 1. The category follows the account's mapping (or the contract the
    #    invoice names), so remapping an account moves its lines. Only rows
    #    whose category changes are written.
    category_now = _line_category(line)
    session.execute(
        update(line)
        .where(*_line_filter(line, *selection), line.c.category_id.is_distinct_from(category_now))
        .values(category_id=category_now)
    )

    # 2. Look each contract question up once per line, then write status,
    #    contract and supplier flag in one pass.
    decided = line.alias("decided")
    decision = _materialised(
        _decisions(decided, decided.c.id.label("line_id"), decided.c.category_id).where(
            *_line_filter(decided, *selection)
        )
    )
    status, contract_id, supplier_contracted = _outcome(decision)
    session.execute(
        update(line)
        .where(line.c.id == decision.c.line_id)
        .values(status=status, contract_id=contract_id, supplier_contracted=supplier_contracted)
    )

    conditions = _line_filter(line, *selection)
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
