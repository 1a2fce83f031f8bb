"""How much spend is unclassified (oklassificerat), and why.

A line is unclassified when it has no category (its account is not in the
account plan, or it has no account) and its supplier is on no valid contract
(DOMAIN.md). After a first import without an account plan that is nearly all
the spend, and every fidelity figure is then undefined ("–"): the page has to
say why and what to do (import the account plan) instead of showing dashes.

``unclassified_share`` answers for a slice of the dashboard from the summaries;
``batch_unclassified`` answers for one import, with the accounts to map.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.core.models import Account, InvoiceLine, LineStatus
from data_access.figures.fidelity import IN_SCOPE, SpendFilter, fidelity_total

# From this share of the in-scope spend on, the figures say more about the
# missing account plan than about fidelity: a notice is due.
NOTICE_SHARE_PCT = Decimal(25)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole <= 0 else part * 100 / whole


@dataclass(frozen=True)
class UnclassifiedShare:
    """The unclassified part of a slice's in-scope spend (excluded spend is
    out of scope, so not counted in either)."""

    amount: Decimal
    in_scope_amount: Decimal
    line_count: int

    @property
    def share_pct(self) -> Decimal | None:
        """0-100; None when the slice has no in-scope spend."""
        return _share(self.amount, self.in_scope_amount)

    @property
    def notice_due(self) -> bool:
        """Enough unclassified spend that the page should tell people to import the account plan."""
        share = self.share_pct
        return share is not None and share >= NOTICE_SHARE_PCT


def unclassified_share(session: Session, spend_filter: SpendFilter | None = None) -> UnclassifiedShare:
    """The unclassified share of the slice's in-scope spend, read like every
    dashboard figure (summaries, exact partial months): as cheap as the cards."""
    figures = fidelity_total(session, spend_filter or SpendFilter())
    return UnclassifiedShare(
        amount=figures.amount(LineStatus.UNCLASSIFIED),
        in_scope_amount=figures.in_scope_amount,
        line_count=figures.count(LineStatus.UNCLASSIFIED),
    )


@dataclass(frozen=True)
class UnmappedAccount:
    """An account on unclassified lines: it has no category in the account plan."""

    number: str
    name: str | None
    amount: Decimal
    line_count: int


@dataclass(frozen=True)
class BatchUnclassified(UnclassifiedShare):
    """An import's unclassified spend, split by why: accounts without a
    category (an account plan fixes them) and lines without an account."""

    without_account_amount: Decimal = Decimal("0.00")
    without_account_lines: int = 0
    unmapped_account_count: int = 0
    largest_accounts: tuple[UnmappedAccount, ...] = ()

    @property
    def account_plan_helps(self) -> bool:
        """Some of it is on accounts that an account plan would give a category."""
        return self.unmapped_account_count > 0


def batch_unclassified(session: Session, batch_id: int, *, largest: int = 5) -> BatchUnclassified:
    """What of one batch's lines is unclassified, and on which accounts.
    Reads only the batch's lines (indexed by batch)."""
    line = InvoiceLine.__table__
    in_scope = [status.value for status in IN_SCOPE]
    by_status = dict(
        session.execute(
            select(line.c.status, func.sum(line.c.amount))
            .where(line.c.batch_id == batch_id, line.c.status.in_(in_scope))
            .group_by(line.c.status)
        ).all()
    )
    unclassified = line.c.status == LineStatus.UNCLASSIFIED.value
    without_account = session.execute(
        select(func.coalesce(func.sum(line.c.amount), 0), func.count()).where(
            line.c.batch_id == batch_id, unclassified, line.c.account_id.is_(None)
        )
    ).one()
    per_account = (
        select(
            Account.number,
            Account.name,
            func.sum(line.c.amount).label("amount"),
            func.count().label("line_count"),
        )
        .join(Account, Account.id == line.c.account_id)
        .where(line.c.batch_id == batch_id, unclassified)
        .group_by(Account.number, Account.name)
    )
    accounts = session.execute(per_account).all()
    accounts.sort(key=lambda row: (-abs(Decimal(row.amount)), row.number))
    line_count = session.scalar(select(func.count()).where(line.c.batch_id == batch_id, unclassified)) or 0
    return BatchUnclassified(
        amount=Decimal(by_status.get(LineStatus.UNCLASSIFIED.value) or 0),
        in_scope_amount=sum((Decimal(amount or 0) for amount in by_status.values()), Decimal("0.00")),
        line_count=line_count,
        without_account_amount=Decimal(without_account[0]),
        without_account_lines=without_account[1],
        unmapped_account_count=len(accounts),
        largest_accounts=tuple(
            UnmappedAccount(row.number, row.name, Decimal(row.amount), row.line_count)
            for row in accounts[:largest]
        ),
    )
