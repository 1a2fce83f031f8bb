"""PEPPOL e-invoices become invoice lines: credit notes negative, the seller
by org number (or by name, flagged), the contract reference giving a
category where the account gives none."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.db import session_scope
from data_access.core.models import InvoiceLine, LineStatus, Supplier
from data_access.engine.classification import classify_lines
from data_access.importing.service import import_peppol_file
from tests.factories import World

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "peppol-bis3"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"real samples missing: {SAMPLES}")


def zipped(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.write(SAMPLES / name, name)
    return buffer.getvalue()


IMPORTER = system("Importören")


def test_invoices_and_credit_notes(engine: Engine) -> None:
    with session_scope(engine) as session:
        summary = import_peppol_file(
            session,
            "fakturor.zip",
            zipped("base-example.xml", "base-creditnote-correction.xml", "UBL-IN_SE-R-013.xml"),
            acting=IMPORTER,
        )
    # base-example 2800 - 1500, its correction -2800 + 1500, two SE invoices of 100.
    assert summary.rows_read == summary.imported == 6
    assert summary.imported_total == summary.file_total == Decimal("200.00")
    with Session(engine) as session:
        amounts = session.scalars(select(InvoiceLine.amount).order_by(InvoiceLine.id)).all()
        assert sorted(amounts) == sorted(
            [Decimal(v) for v in ("2800.00", "-1500.00", "-2800.00", "1500.00", "100.00", "100.00")]
        )
        assert session.scalar(select(func.count()).where(Supplier.org_number == "2021005489")) == 1
        assert session.scalar(select(func.count()).where(Supplier.needs_review.is_(True))) >= 1


def test_contract_reference_gives_the_category(engine: Engine) -> None:
    with session_scope(engine) as session:
        world = World(session)
        furniture = world.category("Möbler")
        supplier = world.supplier("Någon annan AB")
        world.contract("framework no 1", furniture, [supplier], date(2017, 1, 1), date(2018, 12, 31))
    with session_scope(engine) as session:
        summary = import_peppol_file(
            session,
            "Allowance-example.xml",
            (SAMPLES / "Allowance-example.xml").read_bytes(),
            acting=IMPORTER,
        )
    assert summary.imported == 3
    with Session(engine) as session:
        statuses = set(session.scalars(select(InvoiceLine.status)))
        # The accounting string "Konteringsstreng" names no account; the
        # contract reference puts the lines in Möbler, where the (foreign)
        # seller is not on the contract.
        assert statuses == {LineStatus.OFF_CONTRACT.value}
        classify_lines(session)  # reclassifying keeps the verdict
        assert set(session.scalars(select(InvoiceLine.status))) == statuses


def test_importing_the_same_invoices_twice_adds_nothing(engine: Engine) -> None:
    data = zipped("base-example.xml", "Snippet-full.xml")
    with session_scope(engine) as session:
        first = import_peppol_file(session, "a.zip", data, acting=IMPORTER)
    with session_scope(engine) as session:
        second = import_peppol_file(session, "a.zip", data, acting=IMPORTER)
    assert (second.imported, second.duplicates) == (0, first.imported)
    assert second.earlier_batches == [first.batch_id]
