"""Account plan, organisation and contract register imports: values land,
bad rows are reported, and the fidelity of existing lines follows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core.db import session_scope
from data_access.core.models import (
    Account,
    Category,
    Contract,
    ContractSupplier,
    LineStatus,
    Person,
    Supplier,
    Unit,
    UnitContact,
)
from data_access.core.orgnr import format_org_number, luhn_check_digit
from data_access.figures.fidelity import fidelity_total
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions
from data_access.importing.registers import InvalidRegisterRowsError
from data_access.importing.service import import_file, open_for_import
from tests.inputs import CONTRACT, table, workbook

MENIGO = "556000001" + luhn_check_digit("556000001")
ICA = "556000002" + luhn_check_digit("556000002")


def run(engine: Engine, kind: ImportKind, data: bytes, **options: object):
    with session_scope(engine) as session:
        acting = system(str(options.pop("imported_by", "Importören")))
        opened = open_for_import(session, kind, f"{kind.value}.xlsx", data=data, acting=acting)
        return import_file(session, opened, ImportOptions(**options), acting=acting)


INVOICES = workbook(
    ["Fakturadatum", "Leverantör", "Org.nr", "Ansvar", "Konto", "Belopp"],
    ["2025-03-03", "Menigo", format_org_number(MENIGO), "1001", "4010", "1000,00"],
    ["2025-03-04", "ICA Nära", format_org_number(ICA), "1001", "4010", "500,00"],
    ["2025-03-05", "Fastighets AB", "", "1001", "5010", "800,00"],
)


def test_registers_give_existing_lines_their_fidelity(engine: Engine) -> None:
    run(engine, ImportKind.INVOICES, INVOICES)
    with Session(engine) as session:
        assert fidelity_total(session).fidelity_pct is None  # no categories, no contracts yet

    accounts = run(
        engine,
        ImportKind.ACCOUNTS,
        workbook(
            ["Konto", "Kontobenämning", "Kategori", "Påverkbar"],
            ["4010", "Livsmedel", "Livsmedel", "Ja"],
            ["5010", "Lokalhyra", "Lokalhyror", "Nej"],
        ),
    )
    assert (accounts.created, accounts.updated) == (0, 2)  # the invoice import created both accounts
    organisation = run(
        engine,
        ImportKind.ORGANISATION,
        workbook(
            *table(
                {
                    "Förvaltningskod": "VOF",
                    "Förvaltning": "Vård och omsorg",
                    "Enhetskod": "1001",  # the invoices' Ansvar
                    "Enhet": "Solgläntan",
                    "Kontaktperson": "Anna Berg",
                    "Roll": "Enhetschef",
                    "E-post": "anna.berg@x.example",
                    "Telefon": "08-1",
                }
            )
        ),
    )
    assert organisation.updated == 1
    contracts = run(
        engine,
        ImportKind.CONTRACTS,
        workbook(
            *table(
                {
                    **CONTRACT,  # KS-1, Livsmedel, through 2025
                    "Organisationsnummer": f"16{MENIGO}",  # Menigo's, as on the invoices
                    "Avtalsansvarig": "Lars Lind",
                    "E-post": "lars.lind@x.example",
                    "Antal anbud": 1,
                }
            )
        ),
    )
    assert contracts.created == 1
    with Session(engine) as session:
        totals = fidelity_total(session)
        assert totals.on_amount == Decimal("1000.00") and totals.off_amount == Decimal("500.00")
        assert totals.amount(LineStatus.EXCLUDED) == Decimal("800.00")
        unit = session.scalars(select(Unit).where(Unit.code == "1001")).one()
        assert unit.name == "Solgläntan"
        contact = session.execute(
            select(Person.name, Person.email, UnitContact.role)
            .join(UnitContact)
            .where(UnitContact.unit_id == unit.id)
        ).one()
        assert tuple(contact) == ("Anna Berg", "anna.berg@x.example", "Enhetschef")
        contract = session.scalars(select(Contract)).one()
        assert (contract.valid_from, contract.valid_to, contract.bid_count) == (
            date(2025, 1, 1),
            date(2025, 12, 31),
            1,
        )
        assert session.get(Person, contract.manager_id).name == "Lars Lind"
        assert session.scalar(select(Supplier.name).join(ContractSupplier)) == "Menigo"
        assert session.scalar(select(Category.influenceable).where(Category.name == "Lokalhyror")) is True
        assert session.scalar(select(Account.influenceable).where(Account.number == "5010")) is False


def test_register_rows_with_errors_are_reported_and_nothing_is_written(engine: Engine) -> None:
    bad = workbook(
        ["Avtalsnummer", "Kategori", "Leverantör", "Giltigt från", "Giltigt till", "E-post"],
        ["KS-1", "Livsmedel", "Menigo", "2025-01-01", "2024-12-31", "inte-en-adress"],
        ["KS-2", "Livsmedel", "", "2025-01-01", "2025-12-31", ""],
    )
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run(engine, ImportKind.CONTRACTS, bad)
    reported = {(p.row_number, p.column) for p in refused.value.summary.problems}
    assert reported == {(2, "Giltigt till"), (2, "E-post"), (3, "Leverantör")}
    with Session(engine) as session:
        assert session.scalars(select(Contract)).all() == []
