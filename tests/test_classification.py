"""The fidelity engine at its edges, each case computed by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from data_access.core.models import ContractSupplier, InvoiceLine, LineStatus
from data_access.engine.bulk import land_lines
from data_access.engine.classification import classify_lines
from data_access.figures.fidelity import SpendFilter, fidelity_total
from tests.factories import World

ON, OFF, NONE = LineStatus.ON_CONTRACT, LineStatus.OFF_CONTRACT, LineStatus.NO_CONTRACT
EXCLUDED, UNCLASSIFIED = LineStatus.EXCLUDED, LineStatus.UNCLASSIFIED


def status_of(session: Session, line: InvoiceLine) -> tuple[str, int | None]:
    row = session.execute(
        select(InvoiceLine.status, InvoiceLine.contract_id).where(InvoiceLine.id == line.id)
    ).one()
    return row.status, row.contract_id


@pytest.fixture
def session(engine: Engine):
    with Session(engine) as session:
        yield session


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 12, 31), NONE),  # the day before the first valid day
        (date(2025, 1, 1), ON),  # first valid day, inclusive
        (date(2025, 6, 30), ON),  # last valid day, inclusive
        (date(2025, 7, 1), NONE),  # the day after
    ],
)
def test_contract_validity_days_are_inclusive(
    session: Session, world: World, day: date, expected: str
) -> None:
    dep = world.department()
    unit = world.unit("1001", dep)
    food = world.category("Livsmedel")
    account = world.account("4010", food)
    supplier = world.supplier("Menigo")
    contract = world.contract("LIV-1", food, [supplier], date(2025, 1, 1), date(2025, 6, 30))
    line = world.line(day, "100.00", supplier, account, unit)
    classify_lines(session)
    assert status_of(session, line) == (expected, contract.id if expected == ON else None)


def test_supplier_on_a_contract_for_another_category_is_off_contract(session: Session, world: World) -> None:
    furniture, kitchen = world.category("Möbler"), world.category("Storköksutrustning")
    kitchen_account = world.account("5420", kitchen)
    furniture_supplier, kitchen_supplier = world.supplier("Möbel AB"), world.supplier("Kök AB")
    world.contract("MOB-1", furniture, [furniture_supplier], date(2025, 1, 1), date(2025, 12, 31))
    kitchen_contract = world.contract(
        "KOK-1", kitchen, [kitchen_supplier], date(2025, 1, 1), date(2025, 12, 31)
    )
    line = world.line(date(2025, 3, 1), "5000.00", furniture_supplier, kitchen_account)
    classify_lines(session)
    # Off contract, pointing at the contract that should have been used ...
    assert status_of(session, line) == (OFF, kitchen_contract.id)
    # ... while supplier fidelity still counts the supplier as contracted.
    assert session.scalar(select(InvoiceLine.supplier_contracted).where(InvoiceLine.id == line.id)) is True
    totals = fidelity_total(session)
    assert totals.fidelity_pct == Decimal(0)
    assert totals.supplier_fidelity_pct == Decimal(100)


def test_two_contracts_in_one_category(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    account = world.account("4010", food)
    menigo, martin, ica = world.supplier("Menigo"), world.supplier("Martin & Servera"), world.supplier("ICA")
    dry = world.contract("LIV-TORR", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
    fresh = world.contract("LIV-FARSK", food, [martin], date(2025, 1, 1), date(2026, 6, 30))
    on_first = world.line(date(2025, 5, 5), "10.00", menigo, account)
    on_second = world.line(date(2025, 5, 5), "20.00", martin, account)
    off = world.line(date(2025, 5, 5), "40.00", ica, account)
    classify_lines(session)
    assert status_of(session, on_first) == (ON, dry.id)
    assert status_of(session, on_second) == (ON, fresh.id)
    # The contract that could have been used: the one valid the longest.
    assert status_of(session, off) == (OFF, fresh.id)
    assert fidelity_total(session).fidelity_pct == Decimal(30) * 100 / Decimal(70)


def test_unmapped_account_uses_the_supplier(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    unmapped = world.account("4999")  # no category
    contracted, stranger = world.supplier("Menigo"), world.supplier("Okänd Handel AB")
    contract = world.contract("LIV-1", food, [contracted], date(2025, 1, 1), date(2025, 12, 31))
    by_contracted = world.line(date(2025, 2, 1), "100.00", contracted, unmapped)
    by_stranger = world.line(date(2025, 2, 1), "70.00", stranger, unmapped)
    without_account = world.line(date(2025, 2, 1), "30.00", stranger, None)
    classify_lines(session)
    assert status_of(session, by_contracted) == (ON, contract.id)
    assert status_of(session, by_stranger) == (UNCLASSIFIED, None)
    assert status_of(session, without_account) == (UNCLASSIFIED, None)
    totals = fidelity_total(session)
    assert totals.amount(UNCLASSIFIED) == Decimal("100.00")
    assert totals.fidelity_pct == Decimal(100)  # unclassified is neither on nor off


def test_excluded_accounts_and_categories(session: Session, world: World) -> None:
    salaries = world.account("7010", None, influenceable=False)
    rent_category = world.category("Lokalhyror", influenceable=False)
    rent = world.account("5010", rent_category)
    supplier = world.supplier("Fastighets AB")
    world.contract("HYR-1", rent_category, [supplier], date(2025, 1, 1), date(2025, 12, 31))
    salary_line = world.line(date(2025, 1, 25), "900.00", supplier, salaries)
    rent_line = world.line(date(2025, 1, 25), "500.00", supplier, rent)
    classify_lines(session)
    assert status_of(session, salary_line) == (EXCLUDED, None)
    assert status_of(session, rent_line) == (EXCLUDED, None)
    totals = fidelity_total(session)
    assert totals.amount(EXCLUDED) == Decimal("1400.00")
    assert totals.fidelity_pct is None and totals.coverage_pct is None


def test_credit_notes_reduce_the_figures(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    account = world.account("4010", food)
    menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
    world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
    world.line(date(2025, 3, 1), "1000.00", menigo, account)
    credit = world.line(date(2025, 3, 2), "-250.50", menigo, account)
    world.line(date(2025, 3, 3), "250.00", ica, account)
    classify_lines(session)
    assert status_of(session, credit)[0] == ON
    totals = fidelity_total(session)
    assert totals.on_amount == Decimal("749.50")
    assert totals.count(ON) == 2
    assert totals.fidelity_pct == Decimal("749.50") * 100 / Decimal("999.50")


def test_no_contract_counts_against_coverage_only(session: Session, world: World) -> None:
    food, it = world.category("Livsmedel"), world.category("IT-konsulter")
    food_account, it_account = world.account("4010", food), world.account("6540", it)
    menigo, consultant = world.supplier("Menigo"), world.supplier("Konsult AB")
    world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
    world.line(date(2025, 4, 1), "300.00", menigo, food_account)
    no_contract = world.line(date(2025, 4, 1), "100.00", consultant, it_account)
    classify_lines(session)
    assert status_of(session, no_contract) == (NONE, None)
    totals = fidelity_total(session)
    assert totals.fidelity_pct == Decimal(100)
    assert totals.coverage_pct == Decimal(75)


def test_reclassifies_when_a_contract_or_an_account_changes(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    unmapped = world.account("4011")
    menigo = world.supplier("Menigo")
    contract = world.contract("LIV-1", food, [], date(2025, 1, 1), date(2025, 12, 31))
    line = world.line(date(2025, 3, 1), "100.00", menigo, unmapped)
    classify_lines(session)
    assert status_of(session, line) == (UNCLASSIFIED, None)

    unmapped.category_id = food.id  # the account gets mapped
    session.flush()
    classify_lines(session, account_ids=[unmapped.id])
    assert status_of(session, line) == (OFF, contract.id)

    session.add(ContractSupplier(contract_id=contract.id, supplier_id=menigo.id))  # supplier added
    session.flush()
    classify_lines(session, category_ids=[food.id], supplier_ids=[menigo.id])
    assert status_of(session, line) == (ON, contract.id)
    assert fidelity_total(session).on_amount == Decimal("100.00")  # the summary followed


def test_partial_months_are_read_from_the_lines(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    account = world.account("4010", food)
    menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
    world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
    world.line(date(2025, 1, 31), "1.00", menigo, account)
    world.line(date(2025, 2, 1), "10.00", menigo, account)
    world.line(date(2025, 2, 15), "100.00", ica, account)
    world.line(date(2025, 3, 1), "1000.00", menigo, account)
    world.line(date(2025, 3, 2), "10000.00", ica, account)
    classify_lines(session)

    def on_off(start: date, end: date) -> tuple[Decimal, Decimal]:
        figures = fidelity_total(session, SpendFilter(date_from=start, date_to=end))
        return figures.on_amount, figures.off_amount

    assert on_off(date(2025, 1, 31), date(2025, 3, 1)) == (Decimal("1011.00"), Decimal("100.00"))
    assert on_off(date(2025, 2, 1), date(2025, 2, 28)) == (Decimal("10.00"), Decimal("100.00"))
    assert on_off(date(2025, 2, 2), date(2025, 2, 20)) == (Decimal("0.00"), Decimal("100.00"))
    assert on_off(date(2025, 3, 2), date(2025, 3, 31)) == (Decimal("0.00"), Decimal("10000.00"))


def test_reclassifies_a_changed_line(session: Session, world: World) -> None:
    food = world.category("Livsmedel")
    account = world.account("4010", food)
    menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
    contract = world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))
    line = world.line(date(2025, 3, 1), "100.00", ica, account)
    classify_lines(session)
    assert status_of(session, line) == (OFF, contract.id)

    line.supplier_id = menigo.id  # corrected supplier on the invoice line
    session.flush()
    classify_lines(session, line_ids=[line.id])
    assert status_of(session, line) == (ON, contract.id)
    assert fidelity_total(session).fidelity_pct == Decimal(100)


def test_lines_landed_in_bulk_are_classified_the_same_way(session: Session, world: World) -> None:
    """Bulk loads classify in memory on the way in; reclassification updates in place in SQL.
    Both must reach the same verdict for every kind of line."""
    food, rent = world.category("Livsmedel"), world.category("Lokalhyror", influenceable=False)
    food_account, rent_account, unmapped = (
        world.account("4010", food),
        world.account("5010", rent),
        world.account("4990"),
    )
    menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
    world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 6, 30))
    cases = [
        (date(2025, 1, 1), menigo, food_account),
        (date(2025, 7, 1), menigo, food_account),
        (date(2025, 3, 1), ica, food_account),
        (date(2025, 3, 1), menigo, unmapped),
        (date(2025, 3, 1), ica, unmapped),
        (date(2025, 3, 1), menigo, rent_account),
    ]
    for day, supplier, account in cases:
        world.line(day, "10.00", supplier, account)
    classify_lines(session)
    columns = (
        InvoiceLine.status,
        InvoiceLine.contract_id,
        InvoiceLine.category_id,
        InvoiceLine.supplier_contracted,
    )
    updated = session.execute(select(*columns).order_by(InvoiceLine.id)).all()
    session.execute(delete(InvoiceLine))

    land_lines(
        session,
        [
            (None, day, f"S{index}", None, None, supplier.id, account.id, 1000, None, None)
            for index, (day, supplier, account) in enumerate(cases)
        ],
    )
    inserted = session.execute(select(*columns).order_by(InvoiceLine.id)).all()
    assert inserted == updated
    assert [row.status for row in inserted] == [ON, NONE, OFF, ON, UNCLASSIFIED, EXCLUDED]
