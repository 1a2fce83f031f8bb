"""Direct-award risk read from the summaries (issue 10, point 15) gives the
figures the invoice lines give, on a hand-made fixture, on SQLite and PostgreSQL.

    Juridik (no contract): Advokat A 500 (U1) + 300 (U2) + 50 (a department, no unit),
        Advokat B 200 (U1) - 100 (U3, a credit note); 1 000 from Advokat A in 2025.
    Hotell (no contract): Hotell X 600 (U1), Hotell Y -300 (U2, a credit note).
    Kontor: KON-1 with Staples until 30 Jun 2026: Staples 300 (U1, Mar, on contract),
        400 (U2, Aug, no contract).
    Livsmedel: LIV-1 with Menigo: ICA 900 (U1, off contract: never a direct award).
    An unmapped account: Advokat A 700 (U1), unclassified: not counted either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, distinct, func, select
from sqlalchemy.orm import Session

from data_access.core.models import Category, InvoiceLine, LineStatus, Supplier
from data_access.engine.classification import classify_lines
from data_access.figures.direct_awards import DirectAwardRisk, direct_award_risks
from tests.factories import World


@pytest.fixture
def known(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        soc = world.department("SOC", "Socialförvaltningen")
        u1, u2, u3 = world.unit("U1", soc), world.unit("U2", soc), world.unit("U3", soc)
        law, hotel, office, food = (
            world.category("Juridik"),
            world.category("Hotell"),
            world.category("Kontor"),
            world.category("Livsmedel"),
        )
        law_account, hotel_account = world.account("7010", law), world.account("7020", hotel)
        office_account, food_account = world.account("6110", office), world.account("4010", food)
        unmapped = world.account("9999")
        lawyer_a, lawyer_b = world.supplier("Advokat A"), world.supplier("Advokat B")
        hotel_x, hotel_y = world.supplier("Hotell X"), world.supplier("Hotell Y")
        staples, menigo, ica = world.supplier("Staples"), world.supplier("Menigo"), world.supplier("ICA")
        world.contract("KON-1", office, [staples], date(2024, 1, 1), date(2026, 6, 30))
        world.contract("LIV-1", food, [menigo], date(2024, 1, 1), date(2030, 12, 31))
        for day, amount, supplier, account, unit, department in (
            (date(2026, 1, 5), "500.00", lawyer_a, law_account, u1, None),
            (date(2026, 12, 31), "300.00", lawyer_a, law_account, u2, None),
            (date(2026, 6, 1), "50.00", lawyer_a, law_account, None, soc),
            (date(2026, 2, 1), "200.00", lawyer_b, law_account, u1, None),
            (date(2026, 3, 1), "-100.00", lawyer_b, law_account, u3, None),
            (date(2025, 12, 31), "1000.00", lawyer_a, law_account, u1, None),
            (date(2026, 4, 1), "600.00", hotel_x, hotel_account, u1, None),
            (date(2026, 4, 2), "-300.00", hotel_y, hotel_account, u2, None),
            (date(2026, 3, 10), "300.00", staples, office_account, u1, None),
            (date(2026, 8, 10), "400.00", staples, office_account, u2, None),
            (date(2026, 5, 5), "900.00", ica, food_account, u1, None),
            (date(2026, 5, 6), "700.00", lawyer_a, unmapped, u1, None),
        ):
            world.line(day, amount, supplier, account, unit, department)
        classify_lines(session)
        session.commit()
        yield {"law": law.id, "hotel": hotel.id, "office": office.id, "a": lawyer_a.id, "x": hotel_x.id}


def from_the_lines(session: Session, year: int, limit: Decimal) -> list[tuple]:
    """The other route: the same list from every no-contract line of the year."""
    line = InvoiceLine.__table__
    in_year = (
        line.c.status == LineStatus.NO_CONTRACT.value,
        line.c.invoice_date.between(date(year, 1, 1), date(year, 12, 31)),
    )
    categories = session.execute(
        select(
            Category.id,
            Category.name,
            func.sum(line.c.amount),
            func.count(distinct(line.c.supplier_id)),
            func.count(distinct(line.c.unit_id)),
        )
        .join(Category, Category.id == line.c.category_id)
        .where(*in_year)
        .group_by(Category.id, Category.name)
    ).all()
    suppliers = session.execute(
        select(
            line.c.category_id,
            Supplier.id,
            Supplier.name,
            Supplier.org_number,
            func.sum(line.c.amount),
            func.count(distinct(line.c.unit_id)),
        )
        .join(Supplier, Supplier.id == line.c.supplier_id)
        .where(*in_year)
        .group_by(line.c.category_id, Supplier.id, Supplier.name, Supplier.org_number)
        .having(func.sum(line.c.amount) > limit)
    ).all()
    rows = []
    for cid, name, amount, supplier_count, units in sorted(categories, key=lambda r: (-r[2], r[1])):
        passing = sorted((s for s in suppliers if s[0] == cid), key=lambda s: (-s[4], s[2]))
        if amount > limit or passing:
            rows.append((cid, name, None, None, None, amount, supplier_count, units))
            rows += [(cid, name, s[1], s[2], s[3], s[4], 1, s[5]) for s in passing]
    return rows


def test_the_list_is_the_hand_computed_one(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        risks = direct_award_risks(session, 2026, Decimal("450"))
    assert [(r.category, r.supplier, r.amount, r.supplier_count, r.unit_count) for r in risks] == [
        ("Juridik", None, Decimal("950.00"), 2, 3),
        ("Juridik", "Advokat A", Decimal("850.00"), 1, 2),
        # Hotell as a whole stays under the limit, but Hotell X passes it: both are listed.
        ("Hotell", None, Decimal("300.00"), 2, 2),
        ("Hotell", "Hotell X", Decimal("600.00"), 1, 1),
    ]
    assert all(isinstance(r, DirectAwardRisk) for r in risks)
    assert [(r.category_id, r.supplier_id) for r in risks] == [
        (known["law"], None),
        (known["law"], known["a"]),
        (known["hotel"], None),
        (known["hotel"], known["x"]),
    ]


@pytest.mark.parametrize("year", [2025, 2026, 2027])
@pytest.mark.parametrize("limit", ["0", "299.99", "350", "450", "949.99", "950"])
def test_the_summaries_give_what_the_lines_give(
    known: dict[str, int], engine: Engine, year: int, limit: str
) -> None:
    with Session(engine) as session:
        risks = direct_award_risks(session, year, Decimal(limit))
        expected = from_the_lines(session, year, Decimal(limit))
    assert [dataclasses.astuple(risk) for risk in risks] == expected
