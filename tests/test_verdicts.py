"""The in-memory rules (``verdicts``) and the SQL engine (``classification``)
must give every line the same verdict: random catalogues and lines, both
implementations, compared line by line. Bulk loads use the first, every
reclassification the second, so any disagreement would move figures when a
contract is edited."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.core.models import InvoiceLine, LineStatus
from data_access.engine.bulk import land_lines
from data_access.engine.classification import classify_lines, refresh_summaries
from data_access.engine.verdicts import Catalogue
from data_access.figures.fidelity import Dimension, fidelity_breakdown
from tests.factories import World

START = date(2025, 1, 1)
days = st.integers(min_value=0, max_value=60).map(lambda offset: START + timedelta(days=offset))
contract_spec = st.tuples(
    st.integers(0, 2),  # category
    st.lists(st.integers(0, 3), max_size=3, unique=True),  # suppliers
    days,  # valid from
    st.integers(0, 40),  # length in days
)
line_spec = st.tuples(
    days,
    st.integers(0, 3),  # supplier
    st.integers(0, 4),  # account: 0-2 mapped to categories, 3 unmapped, 4 none
    st.one_of(st.none(), st.integers(0, 5)),  # the contract the invoice names, if it exists
)
catalogue_spec = st.fixed_dictionaries(
    {
        "category_influenceable": st.lists(st.booleans(), min_size=3, max_size=3),
        "account_influenceable": st.lists(st.booleans(), min_size=4, max_size=4),
        "contracts": st.lists(contract_spec, max_size=6),
        "lines": st.lists(line_spec, min_size=1, max_size=25),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=catalogue_spec)
def test_in_memory_verdicts_equal_the_sql_engine(engine: Engine, spec: dict) -> None:
    with Session(engine) as session:
        world = World(session)
        categories = [
            world.category(f"Kategori {index}", influenceable=flag)
            for index, flag in enumerate(spec["category_influenceable"])
        ]
        accounts = [
            world.account(f"40{index}", categories[index] if index < 3 else None, influenceable=flag)
            for index, flag in enumerate(spec["account_influenceable"])
        ]
        suppliers = [world.supplier(f"Leverantör {index}") for index in range(4)]
        contracts = [
            world.contract(
                f"AV-{index}",
                categories[category],
                [suppliers[number] for number in supplier_numbers],
                valid_from,
                valid_from + timedelta(days=length),
            )
            for index, (category, supplier_numbers, valid_from, length) in enumerate(spec["contracts"])
        ]
        lines = []
        for day, supplier, account, named in spec["lines"]:
            line = world.line(day, "10.00", suppliers[supplier], accounts[account] if account < 4 else None)
            if named is not None and named < len(contracts):
                line.referenced_contract_id = contracts[named].id
            lines.append(line)
        session.flush()

        classify_lines(session)
        by_sql = session.execute(
            select(
                InvoiceLine.category_id,
                InvoiceLine.status,
                InvoiceLine.contract_id,
                InvoiceLine.supplier_contracted,
            ).order_by(InvoiceLine.id)
        ).all()
        catalogue = Catalogue(session)
        in_memory = [
            tuple(
                catalogue.verdict(
                    line.account_id, line.referenced_contract_id, line.supplier_id, line.invoice_date
                )
            )
            for line in sorted(lines, key=lambda line: line.id)
        ]
        assert [tuple(row) for row in by_sql] == in_memory
        session.rollback()


def test_summaries_added_by_a_bulk_load_equal_a_rebuild(engine: Engine) -> None:
    """Each bulk load appends its month totals to the summaries; readers sum
    them. Two loads into the same months must read exactly like summaries
    rebuilt from the lines."""
    with Session(engine) as session:
        world = World(session)
        food = world.category("Livsmedel")
        account = world.account("4010", food)
        menigo, ica = world.supplier("Menigo"), world.supplier("ICA")
        department = world.department()
        unit = world.unit("U1", department)
        world.contract("LIV-1", food, [menigo], date(2025, 1, 1), date(2025, 12, 31))

        def batch(amounts: list[int]) -> None:
            land_lines(
                session,
                [
                    (
                        None,
                        date(2025, 3, 1 + index),
                        None,
                        department.id,
                        unit.id,
                        supplier.id,
                        account.id,
                        ore,
                        None,
                        None,
                    )
                    for index, ore in enumerate(amounts)
                    for supplier in (menigo, ica)
                ],
            )

        batch([10_000, 25_050])
        batch([-5_000, 70_000])
        dimensions = (Dimension.DEPARTMENT, Dimension.UNIT, Dimension.SUPPLIER, Dimension.CATEGORY)
        appended = {dimension: fidelity_breakdown(session, dimension) for dimension in dimensions}
        refresh_summaries(session)
        rebuilt = {dimension: fidelity_breakdown(session, dimension) for dimension in dimensions}
        assert appended == rebuilt
        by_supplier = {row.label: row.figures for row in rebuilt[Dimension.SUPPLIER]}
        assert by_supplier["Menigo"].on_amount == Decimal("1000.50")  # 100.00 + 250.50 - 50.00 + 700.00
        assert by_supplier["ICA"].amount(LineStatus.OFF_CONTRACT) == Decimal("1000.50")
        assert by_supplier["ICA"].count(LineStatus.OFF_CONTRACT) == 4
