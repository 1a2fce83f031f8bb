"""Who buys on a contract is every line on contract with that contract,
whatever its category (issue 10, point 3), on a hand-made fixture; the unit
page's "contracts it buys on" likewise. Last 12 full months: Nov 2025 - Oct 2026.

    LIV-1 covers Livsmedel with Menigo; STÄD-1 covers Städtjänster with Clean.
    Account 4010 is Livsmedel, 4020 Städtjänster; 4999 is mapped to no category,
    so its lines are on contract when their supplier is on a valid contract.

    U1 (SOC): Menigo 1 000 on 4010 (10 Mar) and 200 on 4999 (12 Apr)   -> LIV-1
    U2 (UTB): Menigo 300 on 4999 only (5 Jun)                           -> LIV-1
    U3 (UTB): ICA 400 on 4010 (1 Aug): off contract, LIV-1 could have been used
    U4 (UTB): Clean 700 on 4999 (2 Feb)                                 -> STÄD-1
    U1 also: Menigo 50 on 4999 on 1 Oct 2025, before the period.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.models import InvoiceLine, LineStatus
from data_access.core.periods import Period
from data_access.customers.contract_buyers import contract_customers
from data_access.customers.unit_overview import unit_overview
from data_access.engine.classification import classify_lines
from data_access.figures.fidelity import SpendFilter, fidelity_total
from tests.factories import World
from tests.worlds import organisation

PERIOD = Period(date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture
def known(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        units = organisation(world)
        u1, u2, u3, u4 = units.u1, units.u2, units.u3, world.unit("U4", units.utb, "Hagen")
        food, cleaning = world.category("Livsmedel"), world.category("Städtjänster")
        food_account, cleaning_account = world.account("4010", food), world.account("4020", cleaning)
        unmapped = world.account("4999")
        menigo, ica, clean = world.supplier("Menigo"), world.supplier("ICA"), world.supplier("Clean")
        liv = world.contract("LIV-1", food, [menigo], date(2024, 1, 1), date(2030, 12, 31))
        stad = world.contract("STÄD-1", cleaning, [clean], date(2024, 1, 1), date(2030, 12, 31))
        for day, amount, supplier, account, unit in (
            (date(2026, 3, 10), "1000.00", menigo, food_account, u1),
            (date(2026, 4, 12), "200.00", menigo, unmapped, u1),
            (date(2026, 6, 5), "300.00", menigo, unmapped, u2),
            (date(2026, 8, 1), "400.00", ica, food_account, u3),
            (date(2026, 2, 2), "700.00", clean, unmapped, u4),
            (date(2026, 5, 5), "80.00", clean, cleaning_account, u4),
            (date(2025, 10, 1), "50.00", menigo, unmapped, u1),  # before the period
        ):
            world.line(day, amount, supplier, account, unit)
        classify_lines(session)
        session.commit()
        yield {"liv": liv.id, "stad": stad.id, "u1": u1.id, "u2": u2.id, "u4": u4.id}


def on_contract_by_sql(session: Session, contract_id: int) -> tuple[Decimal, int]:
    """The other route: every line of the period whose status is on contract with the contract."""
    amount, count = session.execute(
        select(func.sum(InvoiceLine.amount), func.count()).where(
            InvoiceLine.status == LineStatus.ON_CONTRACT.value,
            InvoiceLine.contract_id == contract_id,
            InvoiceLine.invoice_date.between(PERIOD.start, PERIOD.end),
        )
    ).one()
    return amount, count


def test_lines_without_a_category_are_on_the_contract_page(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        customers = contract_customers(session, known["liv"], PERIOD, acting=system("test"))
        expected_amount, expected_lines = on_contract_by_sql(session, known["liv"])
        dashboard = fidelity_total(session, SpendFilter(PERIOD.start, PERIOD.end))
    assert [
        (u.unit_code, u.amount, u.line_count, u.first_purchase, u.last_purchase) for u in customers.buying
    ] == [
        ("U1", Decimal("1200.00"), 2, date(2026, 3, 10), date(2026, 4, 12)),
        ("U2", Decimal("300.00"), 1, date(2026, 6, 5), date(2026, 6, 5)),
    ]
    assert sum(u.amount for u in customers.buying) == expected_amount == Decimal("1500.00")
    assert sum(u.line_count for u in customers.buying) == expected_lines == 3
    assert [u.share_pct for u in customers.buying] == [Decimal(80), Decimal(20)]  # of 1 500
    # The sparkline holds the line without a category in its month (April 2026, the 6th month).
    assert customers.buying[0].monthly == (0, 0, 0, 0, 1000.0, 200.0, 0, 0, 0, 0, 0, 0)
    assert customers.buying[1].monthly[7] == 300.0  # June 2026
    assert [(u.unit_code, u.amount, u.suppliers) for u in customers.losing] == [
        ("U3", Decimal("400.00"), ("ICA",))
    ]
    # The dashboard counts the same lines on contract: both contracts' buyers add up to its figure.
    with Session(engine) as session:
        cleaning = contract_customers(session, known["stad"], PERIOD, acting=system("test"))
    assert [(u.unit_code, u.amount, u.line_count) for u in cleaning.buying] == [("U4", Decimal("780.00"), 2)]
    assert dashboard.on_amount == sum(u.amount for u in customers.buying + cleaning.buying)


def test_the_unit_page_lists_each_contract_once_with_its_category(
    known: dict[str, int], engine: Engine
) -> None:
    with Session(engine) as session:
        first = unit_overview(session, known["u1"], PERIOD)
        only_unmapped = unit_overview(session, known["u2"], PERIOD)
        cleaning = unit_overview(session, known["u4"], PERIOD)
    assert [(r.reference, r.category, r.amount, r.line_count) for r in first.on_contract] == [
        ("LIV-1", "Livsmedel", Decimal("1200.00"), 2)
    ]
    assert [(r.reference, r.category, r.amount, r.line_count) for r in only_unmapped.on_contract] == [
        ("LIV-1", "Livsmedel", Decimal("300.00"), 1)
    ]
    assert [(r.reference, r.category, r.amount, r.line_count) for r in cleaning.on_contract] == [
        ("STÄD-1", "Städtjänster", Decimal("780.00"), 2)
    ]
    assert first.off_contract == []
