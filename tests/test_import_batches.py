"""Import batches as people see them: a re-import is listed with what it
found already there, an undone batch stays listed (who, when), an undo
removes what the batch created and nothing else uses, a register batch is
refused, and every change replaces the data version. Each database test runs
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core import clock
from data_access.core.db import session_scope
from data_access.core.models import (
    Account,
    ContractSupplier,
    Department,
    ImportBatch,
    InvoiceLine,
    Person,
    Supplier,
    Unit,
    UnitContact,
)
from data_access.core.orgnr import format_org_number, luhn_check_digit
from data_access.core.settings import data_version
from data_access.importing.batches import (
    BatchAlreadyUndoneError,
    BatchNotFoundError,
    BatchNotUndoableError,
    batch_listing,
    list_batches,
    undo_batch,
)
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions
from data_access.importing.service import import_file, open_for_import
from tests.factories import World
from ui.import_batches import batch_result_text, batch_status_text, undo_message


def org(first_nine: str) -> str:
    return format_org_number(first_nine + luhn_check_digit(first_nine))


EXISTING, NEW, SHARED, CONTRACTED, LATER = (org(f"55999{n:04d}") for n in range(1, 6))
HEADER = "Fakturadatum;Leverantör;Org.nr;Förvaltning;Ansvar;Konto;Belopp"
# File A: a new supplier of its own, one shared with file B, one that a
# contract will list, one existing supplier; units 2001 and 2002 in two new
# departments, existing unit 1001; accounts 4010, 4020, 4030, all new.
FILE_A = "\n".join(
    [
        HEADER,
        f"2025-03-03;Ny Leverantör AB;{NEW};ANF Andra förvaltningen;2001;4010;100,00",
        f"2025-03-04;Delad AB;{SHARED};NYF Nya förvaltningen;2002;4020;200,00",
        f"2025-03-05;Befintlig AB;{EXISTING};SOC;1001;4030;300,00",
        f"2025-03-06;Avtalsbolaget AB;{CONTRACTED};ANF Andra förvaltningen;2001;4010;400,00",
    ]
).encode()
FILE_B = "\n".join([HEADER, f"2025-04-01;Delad AB;{SHARED};SOC;1001;4099;50,00"]).encode()


def run(engine: Engine, name: str, data: bytes, kind: ImportKind = ImportKind.INVOICES, **options: object):
    with session_scope(engine) as session:
        acting = system(str(options.pop("imported_by", "Importören")))
        opened = open_for_import(session, kind, name, data=data, acting=acting)
        return import_file(session, opened, ImportOptions(**options), acting=acting)


def undo(engine: Engine, batch_id: int, by: str = "Anna Andersson"):
    with session_scope(engine) as session:
        return undo_batch(session, batch_id, acting=system(by))


def version(engine: Engine) -> str:
    with Session(engine) as session:
        return data_version(session)


def names(engine: Engine, column) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(column)))


@pytest.fixture
def existing(engine: Engine) -> None:
    """What was there before any import: one department, unit and supplier."""
    with session_scope(engine) as session:
        world = World(session)
        department = world.department("SOC", "Socialförvaltningen")
        world.unit("1001", department)
        session.add(Supplier(org_number=EXISTING, name="Befintlig AB"))


def test_a_reimport_is_listed_with_nothing_new_and_where_the_rows_were(
    engine: Engine, existing: None
) -> None:
    first = run(engine, "a.csv", FILE_A)
    before = version(engine)
    second = run(engine, "a-igen.csv", FILE_A)
    assert (second.imported, second.duplicates) == (0, 4)
    assert version(engine) != before  # the list changed, so cached pages must read it again
    with Session(engine) as session:
        listing = batch_listing(session)
        # The same count by another route: the lines of the first batch.
        held = session.scalar(select(func.count()).where(InvoiceLine.batch_id == first.batch_id))
    assert [batch.id for batch in listing.batches] == [second.batch_id, first.batch_id]
    reimport = listing.batches[0]
    assert (reimport.imported, reimport.duplicates, reimport.rows_read) == (0, held, 4)
    assert batch_result_text(reimport) == f"0 nya rader, 4 fanns redan (i import {first.batch_id})"
    assert batch_result_text(listing.batches[1]) == "4 nya rader"


def test_an_undone_batch_stays_listed_with_who_and_when(engine: Engine, existing: None) -> None:
    summary = run(engine, "a.csv", FILE_A)
    before = version(engine)
    with clock.frozen(date(2027, 6, 1)):
        result = undo(engine, summary.batch_id, by="Anna Andersson")
    assert result.lines_removed == 4
    assert version(engine) != before
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 0
        (batch,) = list_batches(session)
        stored = session.execute(text("SELECT undone_at, undone_by FROM import_batch")).one()
    assert batch.id == summary.batch_id and batch.is_undone and not batch.can_be_undone
    assert batch.undone_by == stored.undone_by == "Anna Andersson"
    assert batch.undone_at.date() == date(2027, 6, 1)
    assert batch_status_text(batch) == f"ångrad {batch.undone_at:%Y-%m-%d %H:%M} av Anna Andersson"


def test_after_an_undo_the_reimport_no_longer_claims_the_rows_are_there(
    engine: Engine, existing: None
) -> None:
    first = run(engine, "a.csv", FILE_A)
    second = run(engine, "a-igen.csv", FILE_A)
    result = undo(engine, first.batch_id)
    assert result.later_batches_affected == [second.batch_id]
    assert f"Import {second.batch_id} hittade samma rader" in undo_message(result)
    with Session(engine) as session:
        reimport = next(batch for batch in list_batches(session) if batch.id == second.batch_id)
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 0
    text_shown = batch_result_text(reimport)
    assert "0 nya rader, 4 fanns redan" in text_shown
    assert f"i import {first.batch_id}, som är ångrad: de raderna finns inte längre" in text_shown
    # And the file can be imported again: nothing of it is in the database.
    third = run(engine, "a-tredje.csv", FILE_A)
    assert (third.imported, third.duplicates) == (4, 0)


def test_undo_removes_what_the_batch_created_and_nothing_else_uses(engine: Engine, existing: None) -> None:
    a = run(engine, "a.csv", FILE_A)
    assert (a.new_suppliers, a.new_departments, a.new_units, a.new_accounts) == (3, 2, 2, 3)
    b = run(engine, "b.csv", FILE_B)
    # Since the import: unit 2002 got a contact person, a contract lists one
    # of the new suppliers, and the account plan mapped account 4020.
    run(
        engine,
        "kontoplan.csv",
        b"Konto;Kontobenamning;Kategori;Paverkbar\n4020;Forbrukning;Forbrukningsmaterial;ja",
        kind=ImportKind.ACCOUNTS,
    )
    with session_scope(engine) as session:
        unit_2002 = session.scalar(select(Unit.id).where(Unit.code == "2002"))
        person = Person(name="Eva Enhetschef", email="eva@example.org")
        session.add(person)
        session.flush()
        session.add(UnitContact(unit_id=unit_2002, person_id=person.id, role="Enhetschef"))
        world = World(session)
        category = world.category("Kontorsmaterial")
        contracted = session.scalar(select(Supplier).where(Supplier.name == "Avtalsbolaget AB"))
        world.contract("KS-1", category, [contracted], date(2025, 1, 1), date(2026, 12, 31))

    result = undo(engine, a.batch_id)

    assert result.lines_removed == 4
    assert result.removed == {"unit": 1, "department": 1, "supplier": 1, "account": 2}
    assert result.kept == {"unit": 1, "department": 1, "supplier": 2}
    assert result.kept_because["supplier"] == {"invoice_line", "contract_supplier"}
    assert result.kept_because["unit"] == {"unit_contact"}
    # What is left, by plain queries: everything from before, what others use,
    # and the account the account plan took over.
    assert names(engine, Supplier.name) == {"Befintlig AB", "Delad AB", "Avtalsbolaget AB"}
    assert names(engine, Unit.code) == {"1001", "2002"}
    assert names(engine, Department.code) == {"SOC", "NYF"}
    assert names(engine, Account.number) == {"4020", "4099"}
    message = undo_message(result)
    assert (
        "Borttaget, eftersom bara importen använde dem: 1 enhet, 1 förvaltning, 1 leverantör och 2 konton."
        in (message)
    )
    assert "Kvar, eftersom annat använder dem (avtal, enheter, fakturarader från andra importer, " in message

    # Undoing B now also removes what the undone A left behind and only B used.
    result = undo(engine, b.batch_id)
    assert result.removed == {"supplier": 1, "account": 1}
    assert names(engine, Supplier.name) == {"Befintlig AB", "Avtalsbolaget AB"}
    assert names(engine, Account.number) == {"4020"}
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ContractSupplier)) == 1


def test_undoing_a_batch_without_lines_works(engine: Engine, existing: None) -> None:
    run(engine, "a.csv", FILE_A)
    empty = run(engine, "a-igen.csv", FILE_A)
    assert empty.imported == 0
    before = version(engine)
    result = undo(engine, empty.batch_id)
    assert result.lines_removed == 0 and not result.removed
    assert version(engine) != before  # the list shows it as undone at once
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(InvoiceLine)) == 4
        undone = session.get(ImportBatch, empty.batch_id)
        assert undone is not None and undone.undone_by == "Anna Andersson"
    assert undo_message(result) == f"Import {empty.batch_id} är ångrad: 0 fakturarader borttagna."


def test_a_second_undo_says_so_and_changes_nothing(engine: Engine, existing: None) -> None:
    summary = run(engine, "a.csv", FILE_A)
    undo(engine, summary.batch_id, by="Anna Andersson")
    before = version(engine)
    with pytest.raises(
        BatchAlreadyUndoneError, match=r"redan ångrad \(.* av Anna Andersson\)\. Inget ändrades"
    ):
        undo(engine, summary.batch_id, by="Bo Berg")
    assert version(engine) == before
    with Session(engine) as session:
        assert session.get(ImportBatch, summary.batch_id).undone_by == "Anna Andersson"
    with pytest.raises(BatchNotFoundError, match="Det finns ingen import 999"):
        undo(engine, 999)


REGISTERS = [
    (
        ImportKind.ACCOUNTS,
        b"Konto;Kontobenamning;Kategori;Paverkbar\n4010;Livsmedel;Livsmedel;ja",
        "en kontoplan",
    ),
    (
        ImportKind.ORGANISATION,
        b"Forvaltningskod;Forvaltning;Enhetskod;Enhet\nSOC;Socialforvaltningen;1001;Hemtjansten",
        "en organisationsfil",
    ),
    (
        ImportKind.CONTRACTS,
        (
            "Avtalsnummer;Avtalsnamn;Kategori;Leverantör;Organisationsnummer;Giltigt från;Giltigt till\n"
            f"KS-9;Livsmedel;Livsmedel;Befintlig AB;{EXISTING};2025-01-01;2026-12-31"
        ).encode(),
        "ett avtalsregister",
    ),
]


@pytest.mark.parametrize(("kind", "data", "what"), REGISTERS, ids=[kind.value for kind, _, _ in REGISTERS])
def test_a_register_batch_is_refused_with_what_to_do_instead(
    engine: Engine, existing: None, kind: ImportKind, data: bytes, what: str
) -> None:
    summary = run(engine, "register.csv", data, kind=kind)
    tables = (Account, Department, Unit, Supplier, ContractSupplier)

    def snapshot() -> tuple[object, ...]:
        with Session(engine) as session:
            return tuple(session.scalar(select(func.count()).select_from(model)) for model in tables)

    before, version_before = snapshot(), version(engine)
    with pytest.raises(BatchNotUndoableError) as refused:
        undo(engine, summary.batch_id)
    message = str(refused.value)
    assert f"Import {summary.batch_id} är {what} och kan inte ångras" in message
    assert "importera den igen" in message and "Inget ändrades" in message
    assert snapshot() == before and version(engine) == version_before
    with Session(engine) as session:
        (batch,) = list_batches(session)
    assert not batch.is_undone and not batch.can_be_undone


def test_totals_of_an_undone_batch_stay_as_imported(engine: Engine, existing: None) -> None:
    """The list keeps what the import did; the status says it is undone."""
    summary = run(engine, "a.csv", FILE_A)
    undo(engine, summary.batch_id)
    with Session(engine) as session:
        (batch,) = list_batches(session)
    assert (batch.imported, batch.imported_total) == (4, Decimal("1000.00"))
