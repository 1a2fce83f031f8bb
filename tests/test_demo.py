"""The demo municipality: big enough to be believable, deterministic, and
telling the article's story."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.core.models import (
    Category,
    Contract,
    Department,
    Feedback,
    InvoiceLine,
    LineStatus,
    Need,
    Supplier,
    Unit,
    UnitContact,
)
from data_access.core.orgnr import normalise_org_number
from data_access.core.settings import is_demo_data
from data_access.demo.catalog import FOOD_CATEGORIES
from data_access.demo.generator import DatabaseNotEmptyError, DemoOptions, load_demo
from data_access.figures.fidelity import fidelity_total
from tests.conftest import wipe

OPTIONS = DemoOptions(lines=6000, seed=7, end_date=date(2026, 10, 31))


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def food_fidelity(session: Session, kind: str) -> Decimal:
    on = func.sum(InvoiceLine.amount).filter(InvoiceLine.status == LineStatus.ON_CONTRACT.value)
    off = func.sum(InvoiceLine.amount).filter(InvoiceLine.status == LineStatus.OFF_CONTRACT.value)
    row = session.execute(
        select(on, off)
        .join(Unit, Unit.id == InvoiceLine.unit_id)
        .join(Category, Category.id == InvoiceLine.category_id)
        .where(Unit.kind == kind, Category.name.in_(FOOD_CATEGORIES))
    ).one()
    return row[0] * 100 / (row[0] + row[1])


def test_demo_is_a_believable_municipality(engine: Engine) -> None:
    with Session(engine) as session:
        assert load_demo(session, OPTIONS) == 6000
        session.commit()

        assert count(session, Department) == 8
        assert count(session, Unit) >= 250
        assert count(session, Category) >= 40
        assert count(session, Contract) >= 60
        assert count(session, Supplier) >= 1500
        assert count(session, InvoiceLine) == 6000
        assert count(session, Need) > 0 and count(session, Feedback) > 0
        units_without_contact = session.scalar(
            select(func.count()).select_from(Unit).where(~Unit.id.in_(select(UnitContact.unit_id)))
        )
        assert units_without_contact == 0
        for org_number in session.scalars(select(Supplier.org_number)):
            assert normalise_org_number(org_number) == org_number  # valid check digit
        first, last = session.execute(
            select(func.min(InvoiceLine.invoice_date), func.max(InvoiceLine.invoice_date))
        ).one()
        assert last <= date(2026, 10, 31) and (last - first).days > 3 * 365 - 40

        single_bid = select(func.count()).select_from(Contract).where(Contract.bid_count == 1)
        assert session.scalar(single_bid) > 0
        expired = select(func.count()).select_from(Contract).where(Contract.valid_to < date(2026, 10, 31))
        assert session.scalar(expired) > 0
        expiring = (
            select(func.count())
            .select_from(Contract)
            .where(Contract.valid_to.between(date(2026, 11, 1), date(2027, 4, 30)))
        )
        assert session.scalar(expiring) > 0

        # Every status occurs, and nothing is left unclassified by accident.
        statuses = set(session.scalars(select(InvoiceLine.status).distinct()))
        assert statuses == {status.value for status in LineStatus if status is not LineStatus.PENDING}
        assert is_demo_data(session)

        # The article's story: care wards buy food off contract far more.
        assert food_fidelity(session, "care_home") < food_fidelity(session, "school_kitchen") - 25


def test_demo_is_deterministic_and_refuses_a_filled_database(engine: Engine) -> None:
    with Session(engine) as session:
        load_demo(session, OPTIONS)
        session.commit()
        first = fidelity_total(session)
        with pytest.raises(DatabaseNotEmptyError):
            load_demo(session, OPTIONS)
        session.rollback()
    # Wipe and load again: the same figures.
    wipe(engine)
    with Session(engine) as session:
        load_demo(session, OPTIONS)
        session.commit()
        assert fidelity_total(session) == first
