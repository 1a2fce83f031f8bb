"""Point 13: how much spend is unclassified and why, for a dashboard slice
(``unclassified_share``) and for one import (``batch_unclassified``); each
figure also computed with plain SQL. SQLite and PostgreSQL."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.db import session_scope
from data_access.engine.classification import classify_lines
from data_access.figures.fidelity import SpendFilter
from data_access.figures.unclassified import NOTICE_SHARE_PCT, batch_unclassified, unclassified_share
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions
from data_access.importing.service import import_file, open_for_import
from tests.factories import World
from tests.test_import_invoices import MESSY_TOTAL, messy_workbook

IN_SCOPE_SQL = "('on', 'off', 'no_contract', 'unclassified')"


def plain_sql_share(session: Session, where: str = "1 = 1") -> tuple[Decimal, Decimal]:
    """Unclassified and in-scope amounts in kronor, straight from the lines."""
    row = session.execute(
        text(
            "SELECT SUM(CASE WHEN status = 'unclassified' THEN amount ELSE 0 END), "
            f"SUM(CASE WHEN status IN {IN_SCOPE_SQL} THEN amount ELSE 0 END) FROM invoice_line WHERE {where}"
        )
    ).one()
    return Decimal(row[0] or 0) / 100, Decimal(row[1] or 0) / 100


def test_unclassified_share_of_a_slice(engine: Engine) -> None:
    with Session(engine) as session:
        world = World(session)
        unit = world.unit("1001", world.department())
        food = world.category("Livsmedel")
        mapped, unmapped = world.account("4010", food), world.account("4990")
        rent = world.account("5010", influenceable=False)
        on_contract, elsewhere = world.supplier("Menigo"), world.supplier("Kalles Kiosk")
        world.contract("LIV-1", food, [on_contract], date(2025, 1, 1), date(2025, 12, 31))
        for day, amount, supplier, account in (
            (date(2025, 3, 1), "1000.00", on_contract, mapped),  # on contract
            (date(2025, 3, 2), "500.00", elsewhere, mapped),  # off contract
            (date(2025, 3, 3), "300.00", elsewhere, unmapped),  # unclassified
            (date(2025, 3, 4), "200.00", on_contract, unmapped),  # on contract through its supplier
            (date(2025, 3, 5), "700.00", elsewhere, rent),  # excluded: out of scope
            (date(2025, 3, 6), "100.00", elsewhere, None),  # unclassified: no account
            (date(2025, 4, 2), "900.00", elsewhere, unmapped),  # unclassified, April
        ):
            world.line(day, amount, supplier, account, unit)
        classify_lines(session)
        session.commit()

        whole = unclassified_share(session)
        assert (
            (whole.amount, whole.in_scope_amount)
            == plain_sql_share(session)
            == (Decimal(1300), Decimal(3000))
        )
        assert whole.line_count == 3
        assert whole.share_pct == Decimal(1300) * 100 / Decimal(3000) and whole.notice_due

        march = unclassified_share(
            session, SpendFilter(date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
        )
        expected = plain_sql_share(session, "invoice_date < '2025-04-01'")
        assert (march.amount, march.in_scope_amount) == expected == (Decimal(400), Decimal(2100))
        assert march.share_pct < NOTICE_SHARE_PCT and not march.notice_due

        nothing = unclassified_share(session, SpendFilter(date_from=date(2030, 1, 1)))
        assert nothing.share_pct is None and not nothing.notice_due


def run(engine: Engine, kind: ImportKind, name: str, data: bytes, **options: object):
    with session_scope(engine) as session:
        acting = system(str(options.pop("imported_by", "Importören")))
        opened = open_for_import(session, kind, name, data=data, acting=acting)
        return import_file(session, opened, ImportOptions(**options), acting=acting)


def test_an_import_without_an_account_plan_is_unclassified_until_the_plan_comes(engine: Engine) -> None:
    summary = run(engine, ImportKind.INVOICES, "messy.xlsx", messy_workbook())
    spend = summary.unclassified
    assert spend is not None
    assert (spend.amount, spend.in_scope_amount) == (MESSY_TOTAL, MESSY_TOTAL)
    assert spend.share_pct == 100 and spend.notice_due and spend.account_plan_helps
    assert spend.unmapped_account_count == 1 and spend.without_account_lines == 0
    (account,) = spend.largest_accounts
    assert (account.number, account.name, account.amount, account.line_count) == (
        "4010",
        "Livsmedel",
        MESSY_TOTAL,
        7,
    )

    plan = io.BytesIO()
    book = openpyxl.Workbook()
    book.active.append(["Konto", "Kontobenämning", "Kategori", "Påverkbar"])
    book.active.append(["4010", "Livsmedel", "Livsmedel", "ja"])
    book.save(plan)
    run(engine, ImportKind.ACCOUNTS, "kontoplan.xlsx", plan.getvalue())
    with Session(engine) as session:
        after = batch_unclassified(session, summary.batch_id)
        assert after.amount == 0 and not after.notice_due and not after.account_plan_helps
        assert plain_sql_share(session, f"batch_id = {summary.batch_id}") == (Decimal(0), MESSY_TOTAL)
        assert not unclassified_share(session).notice_due


@pytest.mark.parametrize("with_account", [False, True])
def test_lines_without_an_account_are_told_apart(engine: Engine, with_account: bool) -> None:
    header = "Fakturadatum;Leverantör;Belopp" + (";Konto" if with_account else "")
    rows = [
        f"2025-03-0{day};Leverantör {day};{day}00,00" + (";4010" if with_account else "") for day in (1, 2)
    ]
    summary = run(engine, ImportKind.INVOICES, "utan-konto.csv", "\n".join([header, *rows]).encode())
    spend = summary.unclassified
    assert spend.amount == Decimal(300) and spend.notice_due
    assert spend.without_account_lines == (0 if with_account else 2)
    assert spend.without_account_amount == (Decimal(0) if with_account else Decimal(300))
    assert spend.account_plan_helps is with_account
