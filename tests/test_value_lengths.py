"""Issue 11, point 2: every text value is measured against the column it goes
into where it enters (an import row, a form field, a command-line option),
so PostgreSQL never raises ``DataError`` and SQLite never keeps an
out-of-schema value: a row problem, a field error or a usage error on both.
Each test runs on SQLite and PostgreSQL (``engine``); the hostile files are
made here, never committed."""

from __future__ import annotations

import io
import random
import string
import time
import zipfile
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from data_access.access.viewer import system
from data_access.cli import main
from data_access.core.db import session_scope
from data_access.core.lengths import length_problem, max_length
from data_access.core.models import (
    Account,
    Category,
    Contract,
    Department,
    ImportBatch,
    ImportProfile,
    InvoiceLine,
    Need,
    NeedEvent,
    Person,
    Supplier,
    Unit,
    Visit,
)
from data_access.customers.contacts import ContactError, ContactInput, add_unit_contact
from data_access.customers.needs import NeedError, NeedInput, Triage, new_token, submit_need, triage
from data_access.customers.visits import VisitError, add_visit
from data_access.figures.targets import TargetError, direct_award_limit, set_direct_award_limit
from data_access.importing.batches import BatchUndoError, undo_batch
from data_access.importing.columns import ColumnMapping, ImportKind
from data_access.importing.errors import ImportRefusedError
from data_access.importing.invoice_rows import read_invoice_chunks
from data_access.importing.invoices import ImportOptions, InvalidRowsError
from data_access.importing.profiles import save_profile
from data_access.importing.registers import InvalidRegisterRowsError
from data_access.importing.service import import_file, import_peppol_file, open_for_import
from tests.app_pages import open_page, provider_user
from tests.factories import World
from tests.inputs import CONTRACT, table
from tests.worlds import unit_on_contract


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def longest(engine: Engine, column) -> int:
    """The longest stored value of a column (0 when empty)."""
    with Session(engine) as session:
        return session.scalar(select(func.max(func.length(column)))) or 0


def csv_file(tmp_path: Path, name: str, header: list[str], *rows: list[str]) -> Path:
    path = tmp_path / name
    lines = [";".join(header), *(";".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def cli(*args: str) -> int:
    return main(["import", *args], out=io.StringIO())


def run_file(engine: Engine, kind: ImportKind, path: Path, **options: object):
    with session_scope(engine) as session:
        acting = system(str(options.pop("imported_by", "Importören")))
        opened = open_for_import(session, kind, path.name, path=path, acting=acting)
        return import_file(session, opened, ImportOptions(**options), acting=acting)


# --------------------------------------------------------------------------- the one source of truth


def test_limits_are_read_from_the_models() -> None:
    assert max_length(Supplier.name) == Supplier.__table__.c.name.type.length == 300
    assert max_length(Unit.code) == 32 and max_length(ImportBatch.period) == 7
    assert length_problem(Supplier.name, "x" * 300) is None
    assert length_problem(Supplier.name, "x" * 412) == "Leverantörsnamnet är 412 tecken; högst 300 får plats."
    assert length_problem(Unit.code, "x" * 10_485_760) == (
        "Enhetskoden är 10\u00a0485\u00a0760 tecken; högst 32 får plats."
    )
    with pytest.raises(TypeError):
        max_length(Need.text)  # Text has no length: checking against none is a mistake


# --------------------------------------------------------------------------- invoices


def test_cli_refuses_a_supplier_name_over_300_and_skips_it_when_told(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(
        tmp_path,
        "lang.csv",
        ["Datum", "Leverantör", "Belopp"],
        ["2025-01-02", "L" * 301, "100"],
        ["2025-01-03", "Bra AB", "50"],
    )
    assert cli("invoices", str(path)) == 1
    err = capsys.readouterr().err
    assert "rad 2, Leverantör" in err and "Leverantörsnamnet är 301 tecken; högst 300 får plats." in err
    assert "Ingenting importerades." in err
    assert (count(engine, InvoiceLine), count(engine, Supplier), count(engine, ImportBatch)) == (0, 0, 0)

    assert cli("invoices", str(path), "--skip-invalid") == 0
    with Session(engine) as session:
        assert session.scalars(select(Supplier.name)).all() == ["Bra AB"]
        assert session.scalar(select(ImportBatch.skipped_count)) == 1
    assert count(engine, InvoiceLine) == 1


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("Fakturanummer", "F" * 65, "Fakturanumret är 65 tecken; högst 64 får plats."),
        ("Förvaltning", "F" * 201, "Förvaltningen är 201 tecken; högst 200 får plats."),
        ("Enhet", "E" * 201, "Enheten är 201 tecken; högst 200 får plats."),
    ],
)
def test_every_invoice_text_is_measured(
    engine: Engine, tmp_path: Path, header: str, value: str, message: str
) -> None:
    path = csv_file(
        tmp_path, "f.csv", ["Datum", "Leverantör", header, "Belopp"], ["2025-01-02", "A", value, "1"]
    )
    with pytest.raises(InvalidRowsError) as refused:
        run_file(engine, ImportKind.INVOICES, path)
    (problem,) = refused.value.summary.problems
    assert (problem.row_number, problem.problem, problem.severity.value) == (2, message, "fel")
    shown = value if len(value) <= 200 else value[:199] + "… (201 tecken)"
    assert problem.value == shown  # a long cell is repeated by its start and its length
    assert count(engine, InvoiceLine) == count(engine, Department) == count(engine, Unit) == 0
    summary = run_file(engine, ImportKind.INVOICES, path, skip_invalid=True)
    assert (summary.imported, summary.skipped) == (0, 1)
    assert count(engine, InvoiceLine) == count(engine, Department) == count(engine, Unit) == 0


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1" * 21, "21 siffror; högst 20"),
        ("4010 " + "K" * 201, "Kontots namn är 201 tecken; högst 200 får plats."),
    ],
)
def test_an_account_too_long_is_left_out_as_any_unreadable_account(
    engine: Engine, tmp_path: Path, cell: str, message: str
) -> None:
    """The account column's own rule: a cell that is no account is a warning,
    and the line is imported without an account."""
    path = csv_file(
        tmp_path, "k.csv", ["Datum", "Leverantör", "Konto", "Belopp"], ["2025-01-02", "A", cell, "1"]
    )
    summary = run_file(engine, ImportKind.INVOICES, path)
    (problem,) = summary.problems
    assert message in problem.problem and problem.problem.endswith("raden importeras utan konto")
    assert (summary.imported, count(engine, Account)) == (1, 0)


def test_a_unit_named_longer_than_a_code_is_found_again_on_reimport(engine: Engine, tmp_path: Path) -> None:
    """Units and departments named by a text longer than a code get the text
    cut as their code; two such texts alike in their first 32 characters are
    two units, and importing the file again finds both (it raised
    IntegrityError on the unique code before)."""
    north, south = "Äldreomsorg västra hemtjänstområdet nr 1", "Äldreomsorg västra hemtjänstområdet nr 2"
    path = csv_file(
        tmp_path,
        "enheter.csv",
        ["Datum", "Leverantör", "Förvaltning", "Enhet", "Belopp"],
        ["2025-01-02", "A", "Department of Environment and Planning North", north, "1"],
        ["2025-01-02", "A", "Department of Environment and Planning South", south, "2"],
    )
    assert run_file(engine, ImportKind.INVOICES, path).imported == 2
    again = run_file(engine, ImportKind.INVOICES, path)
    assert (again.imported, again.duplicates, again.new_units, again.new_departments) == (0, 2, 0, 0)
    with Session(engine) as session:
        units = dict(session.execute(select(Unit.name, Unit.code)).all())
        departments = session.scalars(select(Department.name)).all()
    assert set(units) == {north, south} and len(set(units.values())) == 2
    assert all(len(code) <= 32 for code in units.values())
    assert sorted(departments) == [
        "Department of Environment and Planning North",
        "Department of Environment and Planning South",
    ]


def _xlsx_with_cell(text: str, row: int, rows: int = 60) -> bytes:
    """A workbook whose supplier cell on ``row`` holds ``text``. openpyxl
    cuts a cell at Excel's 32,767 characters, so the text goes into the
    sheet XML afterwards: a hostile file is not bound by Excel's limit."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Datum", "Leverantör", "Belopp"])
    for number in range(2, rows + 1):
        sheet.append(["2025-01-02", "@@CELL@@" if number == row else f"Leverantör {number} AB", 100])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"@@CELL@@", text.encode())
            target.writestr(info.filename, data)
    return out.getvalue()


def _random_text(length: int) -> str:
    return "".join(random.Random(11).choices(string.ascii_letters, k=length))


def test_a_10_mb_supplier_name_is_refused_at_once(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It was stored on SQLite (59 s). In an .xlsx the file check refuses any
    cell beyond Excel's 32,767 characters (point 6) before a row is read; the
    row check refuses it as fast when it gets that far (rows built in
    memory). The cell lies below the rows searched for the header, whose
    guessing is point 5's."""
    name = _random_text(10 * 1024 * 1024)
    path = tmp_path / "stor.xlsx"
    path.write_bytes(_xlsx_with_cell(name, row=50))
    started = time.perf_counter()
    assert cli("invoices", str(path)) == 1
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert "Ingenting importerades." in err and len(err) < 2_000  # no 10 MB echo
    assert count(engine, InvoiceLine) == count(engine, Supplier) == count(engine, ImportBatch) == 0
    assert elapsed < 20, f"{elapsed:.1f} s"

    mapping = ColumnMapping(ImportKind.INVOICES, 0, ["Datum", "Leverantör", "Belopp"])
    mapping.columns = {"date": 0, "supplier_name": 1, "amount": 2}
    rows = [mapping.headers, ["2025-01-02", "A", 1.0], ["2025-01-02", name, 2.0]]
    started = time.perf_counter()
    (chunk,) = read_invoice_chunks(rows, mapping)
    parsed = time.perf_counter() - started
    (problem,) = chunk.problems
    assert problem.problem == "Leverantörsnamnet är 10\u00a0485\u00a0760 tecken; högst 300 får plats."
    assert chunk.invalid == {1} and problem.value == name[:199] + "… (10 485 760 tecken)"  # start, length
    assert chunk.supplier_names == ["A", None]  # the text goes no further
    assert parsed < 5, f"{parsed:.1f} s"
    print(
        f"10 MB supplier name: the CLI refused the .xlsx in {elapsed:.2f} s, the row check in {parsed:.2f} s"
    )


def test_the_longest_cell_excel_writes_is_a_row_problem(engine: Engine, tmp_path: Path) -> None:
    """32,767 characters pass the file check and reach the row check."""
    path = tmp_path / "excel.xlsx"
    path.write_bytes(_xlsx_with_cell(_random_text(32_767), row=50))
    with pytest.raises(InvalidRowsError) as refused:
        run_file(engine, ImportKind.INVOICES, path)
    (problem,) = refused.value.summary.problems
    assert (problem.row_number, problem.problem) == (
        50,
        "Leverantörsnamnet är 32\u00a0767 tecken; högst 300 får plats.",
    )
    assert count(engine, InvoiceLine) == count(engine, Supplier) == 0


def test_a_10_mb_peppol_seller_name_is_refused(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "stor.xml"
    path.write_text(peppol_invoice("F-1", _random_text(10 * 1024 * 1024)), encoding="utf-8")
    started = time.perf_counter()
    assert cli("peppol", str(path)) == 1
    elapsed = time.perf_counter() - started
    err = capsys.readouterr().err
    assert "Säljarens namn är 10\u00a0485\u00a0760 tecken; högst 300 får plats." in err and len(err) < 2_000
    assert count(engine, InvoiceLine) == count(engine, Supplier) == count(engine, ImportBatch) == 0
    assert elapsed < 20, f"{elapsed:.1f} s"
    print(f"10 MB PEPPOL seller name refused in {elapsed:.2f} s")


def test_a_period_or_a_name_that_does_not_fit_the_batch_refuses_the_import(
    engine: Engine, tmp_path: Path
) -> None:
    """The data layer holds for every caller, not only the page and the CLI:
    the batch records the period (varchar(7)) and who imported (200)."""
    path = csv_file(tmp_path, "a.csv", ["Datum", "Leverantör", "Belopp"], ["2025-01-02", "A", "1"])
    for options, message in (
        ({"period": "2016-03-01"}, "ska skrivas ÅÅÅÅ-MM"),
        ({"period": "mars 2016"}, "ska skrivas ÅÅÅÅ-MM"),
        ({"period": "2016-13"}, "ingen månad 13"),
        ({"imported_by": "N" * 201}, "den som importerar är 201 tecken; högst 200 får plats."),
    ):
        with pytest.raises(ImportRefusedError, match=message):
            run_file(engine, ImportKind.INVOICES, path, **options)
    assert count(engine, ImportBatch) == count(engine, InvoiceLine) == 0


def test_a_file_without_dates_takes_only_a_real_month(engine: Engine, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "u.csv", ["Leverantör", "Belopp"], ["A", "1"])
    with pytest.raises(ImportRefusedError, match="före år 1900"):
        run_file(engine, ImportKind.INVOICES, path, period="0000-01")  # date(0, 1, 1) raised ValueError
    assert run_file(engine, ImportKind.INVOICES, path, period="2016-03").imported == 1


# --------------------------------------------------------------------------- registers

GOOD_ORGANISATION = {
    "Förvaltningskod": "SOC",
    "Förvaltning": "Socialförvaltningen",
    "Enhetskod": "U1",
    "Enhet": "Ekbacken",
    "Kontaktperson": "Eva Ek",
    "Roll": "Kostchef",
    "E-post": "eva@ek.se",
    "Telefon": "010-1",
}
GOOD_CONTRACT = {**CONTRACT, "Avtalsansvarig": "Ulla", "E-post": "u@k.se"}


def register_file(tmp_path: Path, name: str, *rows: dict[str, str]) -> Path:
    """A register as a CSV file, its header row from the rows' headers."""
    header, *values = table(*rows)
    return csv_file(tmp_path, name, header, *values)


def _long_email(length: int) -> str:
    """A well-formed address of exactly ``length`` characters (labels of at
    most 60 characters)."""
    body = ["d"] * (length - len("e" * 60 + "@" + ".se"))
    for position in range(60, len(body) - 1, 61):
        body[position] = "."
    return "e" * 60 + "@" + "".join(body) + ".se"


@dataclass(frozen=True)
class Register:
    """A register as these tests import it: a file whose first row holds a
    value that does not fit and whose second row (``other``) is good."""

    kind: ImportKind
    file_name: str
    good: dict[str, str]
    other: dict[str, str]
    written: tuple[type, ...]  # what a refused file must leave empty
    kept: tuple[InstrumentedAttribute, str]  # the column and value of ``other`` once imported alone


ORGANISATION = Register(
    ImportKind.ORGANISATION,
    "org.csv",
    GOOD_ORGANISATION,
    {**GOOD_ORGANISATION, "Enhetskod": "U2", "Enhet": "Eken"}
    | dict.fromkeys(("Kontaktperson", "Roll", "E-post", "Telefon"), ""),
    (Unit, Department, Person, ImportBatch),
    (Unit.code, "U2"),
)
CONTRACTS = Register(
    ImportKind.CONTRACTS,
    "avtal.csv",
    GOOD_CONTRACT,
    {**GOOD_CONTRACT, "Avtalsnummer": "KS-2"},
    (Contract, Category, Supplier, ImportBatch),
    (Contract.reference, "KS-2"),
)


def too_long(register: Register, header: str, value: str, message: str):  # a pytest.param
    """A case: ``value`` in the register's column ``header`` is refused with ``message``."""
    return pytest.param(register, header, value, message, id=f"{register.kind.value}-{header}")


def assert_nothing_written(engine: Engine, register: Register) -> None:
    counts = {model.__name__: count(engine, model) for model in register.written}
    assert counts == dict.fromkeys(counts, 0)


@pytest.mark.parametrize(
    ("register", "header", "value", "message"),
    [
        too_long(
            ORGANISATION, "Förvaltningskod", "F" * 33, "Förvaltningskoden är 33 tecken; högst 32 får plats."
        ),
        too_long(
            ORGANISATION, "Förvaltning", "F" * 201, "Förvaltningens namn är 201 tecken; högst 200 får plats."
        ),
        too_long(ORGANISATION, "Enhetskod", "E" * 40, "Enhetskoden är 40 tecken; högst 32 får plats."),
        too_long(ORGANISATION, "Enhet", "E" * 201, "Enhetens namn är 201 tecken; högst 200 får plats."),
        too_long(ORGANISATION, "Kontaktperson", "N" * 201, "Namnet är 201 tecken; högst 200 får plats."),
        too_long(ORGANISATION, "Roll", "R" * 101, "Rollen är 101 tecken; högst 100 får plats."),
        too_long(ORGANISATION, "Telefon", "1" * 51, "Telefonnumret är 51 tecken; högst 50 får plats."),
        too_long(CONTRACTS, "Avtalsnummer", "A" * 70, "Avtalsnumret är 70 tecken; högst 64 får plats."),
        too_long(CONTRACTS, "Avtalsnamn", "N" * 301, "Avtalets namn är 301 tecken; högst 300 får plats."),
        too_long(CONTRACTS, "Kategori", "K" * 201, "Kategorins namn är 201 tecken; högst 200 får plats."),
        too_long(CONTRACTS, "Leverantör", "L" * 301, "Leverantörsnamnet är 301 tecken; högst 300 får plats."),
        too_long(CONTRACTS, "Avtalsansvarig", "U" * 201, "Namnet är 201 tecken; högst 200 får plats."),
    ],
)
def test_register_values_are_measured(
    engine: Engine, tmp_path: Path, register: Register, header: str, value: str, message: str
) -> None:
    path = register_file(tmp_path, register.file_name, {**register.good, header: value}, register.other)
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run_file(engine, register.kind, path)
    assert [(p.row_number, p.problem) for p in refused.value.summary.problems] == [(2, message)]
    assert_nothing_written(engine, register)
    summary = run_file(engine, register.kind, path, skip_invalid=True)
    assert (summary.created, summary.skipped) == (1, 1)
    column, value_kept = register.kept
    with Session(engine) as session:
        assert session.scalars(select(column)).all() == [value_kept]


@pytest.mark.parametrize(
    ("register", "header", "value", "message"),
    [
        too_long(ORGANISATION, "Enhetskod", "K" * 40, "Enhetskoden är 40 tecken; högst 32 får plats."),
        too_long(CONTRACTS, "Avtalsnummer", "R" * 70, "Avtalsnumret är 70 tecken; högst 64 får plats."),
    ],
)
def test_cli_refuses_a_register_value_that_does_not_fit(
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    register: Register,
    header: str,
    value: str,
    message: str,
) -> None:
    path = register_file(tmp_path, register.file_name, {**register.good, header: value})
    assert cli(register.kind.value, str(path)) == 1
    assert message in capsys.readouterr().err
    assert_nothing_written(engine, register)
    assert cli(register.kind.value, str(path), "--skip-invalid") == 0
    column, _ = register.kept
    assert count(engine, column.class_) == 0 and longest(engine, column) == 0


def test_an_email_longer_than_the_column_is_refused(engine: Engine, tmp_path: Path) -> None:
    row = {**GOOD_ORGANISATION, "E-post": _long_email(255)}
    assert len(row["E-post"]) == 255
    path = register_file(tmp_path, "org.csv", row)
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run_file(engine, ImportKind.ORGANISATION, path)
    assert [p.problem for p in refused.value.summary.problems] == [
        "E-postadressen är 255 tecken; högst 254 får plats."
    ]


@pytest.mark.parametrize(
    ("bids", "message"),
    [
        (
            "40000",
            "40\u00a0000 anbud är inte rimligt (högst 32\u00a0767)",
        ),  # smallint: DataError on PostgreSQL
        ("1" * 5_000, "är inte ett antal"),  # int() past 4,300 digits raised ValueError
    ],
)
def test_a_number_of_bids_must_fit_its_smallint(
    engine: Engine, tmp_path: Path, bids: str, message: str
) -> None:
    path = register_file(tmp_path, "avtal.csv", {**GOOD_CONTRACT, "Antal anbud": bids})
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run_file(engine, ImportKind.CONTRACTS, path)
    (problem,) = refused.value.summary.problems
    assert message in problem.problem
    assert count(engine, Contract) == 0
    path = register_file(tmp_path, "avtal.csv", {**GOOD_CONTRACT, "Antal anbud": "32767"})
    assert run_file(engine, ImportKind.CONTRACTS, path).created == 1


def test_a_manager_known_by_address_only_needs_an_address_that_fits_a_name(
    engine: Engine, tmp_path: Path
) -> None:
    """Without a name the address becomes the person's name (200), although
    an address may hold 254."""
    row = {**GOOD_CONTRACT, "Avtalsansvarig": "", "E-post": _long_email(230)}
    path = register_file(tmp_path, "avtal.csv", row)
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run_file(engine, ImportKind.CONTRACTS, path)
    (problem,) = refused.value.summary.problems
    assert problem.problem == (
        "E-postadressen, som blir namnet när namn saknas, är 230 tecken; högst 200 får plats."
    )
    assert count(engine, Person) == 0


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["1" * 21, "Konto", "Kat"], "21 siffror; högst 20"),
        (["4010", "K" * 201, "Kat"], "Kontots namn är 201 tecken; högst 200 får plats."),
        (["4010", "Konto", "K" * 201], "Kategorins namn är 201 tecken; högst 200 får plats."),
    ],
)
def test_account_plan_values_are_measured(
    engine: Engine, tmp_path: Path, row: list[str], message: str
) -> None:
    path = csv_file(tmp_path, "konton.csv", ["Konto", "Kontobenämning", "Kategori"], row)
    with pytest.raises(InvalidRegisterRowsError) as refused:
        run_file(engine, ImportKind.ACCOUNTS, path)
    (problem,) = refused.value.summary.problems
    assert message in problem.problem
    assert count(engine, Account) == count(engine, Category) == 0


def test_register_batch_values_are_measured(engine: Engine, tmp_path: Path) -> None:
    path = register_file(tmp_path, "org.csv", GOOD_ORGANISATION)
    with pytest.raises(ImportRefusedError, match="den som importerar"):
        run_file(engine, ImportKind.ORGANISATION, path, imported_by="N" * 201)
    assert count(engine, ImportBatch) == count(engine, Unit) == 0


# --------------------------------------------------------------------------- PEPPOL e-invoices


def peppol_invoice(number: str, seller: str, org_number: str = "5560360793", amount: str = "100.00") -> str:
    """A minimal BIS 3 invoice with one line."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>2025-03-14</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyLegalEntity>
      <cbc:RegistrationName>{seller}</cbc:RegistrationName>
      <cbc:CompanyID schemeID="0007">{org_number}</cbc:CompanyID>
    </cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:LineExtensionAmount currencyID="SEK">{amount}</cbc:LineExtensionAmount>
  </cac:InvoiceLine>
</Invoice>
"""


def peppol_zip(tmp_path: Path, documents: dict[str, str]) -> Path:
    path = tmp_path / "fakturor.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in documents.items():
            archive.writestr(name, text)
    return path


def one_seller_too_long(tmp_path: Path) -> Path:
    """Two e-invoices: lang.xml's seller name is 424 characters, bra.xml (50 kr from Menigo) is good."""
    return peppol_zip(
        tmp_path,
        {
            "lang.xml": peppol_invoice("F-1", "S" * 424),
            "bra.xml": peppol_invoice(
                "F-2", "Menigo Foodservice AB", org_number="5567150208", amount="50.00"
            ),
        },
    )


def test_cli_refuses_a_peppol_seller_name_of_424_and_skips_its_invoice_when_told(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = one_seller_too_long(tmp_path)
    assert cli("peppol", str(path)) == 1
    err = capsys.readouterr().err
    assert "rad 1, Säljarens namn" in err and "Säljarens namn är 424 tecken; högst 300 får plats." in err
    assert (count(engine, InvoiceLine), count(engine, Supplier), count(engine, ImportBatch)) == (0, 0, 0)

    assert cli("peppol", str(path), "--skip-invalid") == 0
    with Session(engine) as session:
        assert session.scalars(select(Supplier.name)).all() == ["Menigo Foodservice AB"]
        batch = session.scalars(select(ImportBatch)).one()
        assert (batch.row_count, batch.imported_count, batch.skipped_count) == (2, 1, 1)
    assert count(engine, InvoiceLine) == 1


def test_a_peppol_invoice_number_too_long_is_refused_not_cut(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "f.xml"
    path.write_text(peppol_invoice("N" * 65, "Menigo Foodservice AB"), encoding="utf-8")
    assert cli("peppol", str(path)) == 1
    assert count(engine, InvoiceLine) == 0  # it was stored cut to 64 characters before
    with session_scope(engine) as session:
        with pytest.raises(InvalidRowsError) as refused:
            import_peppol_file(session, path.name, path.read_bytes(), acting=system("test"))
        (problem,) = refused.value.summary.problems
        assert problem.problem == "Fakturanumret är 65 tecken; högst 64 får plats."


# --------------------------------------------------------------------------- CLI options


@pytest.mark.parametrize("period", ["2016-03-01", "mars 2016", "2016-13", "2016-3", " 2016-03", "٢٠١٦-٠٣"])
def test_cli_period_takes_only_yyyy_mm(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    path = csv_file(tmp_path, "u.csv", ["Leverantör", "Belopp"], ["A", "1"])
    with pytest.raises(SystemExit) as usage:
        cli("invoices", str(path), "--period", period)
    assert usage.value.code == 2
    assert "argument --period: not a month in the form YYYY-MM" in capsys.readouterr().err
    assert count(engine, ImportBatch) == 0
    assert cli("invoices", str(path), "--period", "2016-03") == 0


def test_cli_user_over_200_is_a_usage_error(
    engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, "a.csv", ["Datum", "Leverantör", "Belopp"], ["2025-01-02", "A", "1"])
    with pytest.raises(SystemExit) as usage:
        cli("invoices", str(path), "--user", "U" * 250)
    assert usage.value.code == 2
    assert "argument --user: 250 characters; at most 200 fit" in capsys.readouterr().err
    assert count(engine, ImportBatch) == 0
    assert cli("invoices", str(path), "--user", "U" * 200) == 0
    assert longest(engine, ImportBatch.imported_by) == 200


# --------------------------------------------------------------------------- forms

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def unit_and_contract(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        made = unit_on_contract(World(session))
        ids = {"unit": made.unit.id, "contract": made.contract.id}
        session.commit()
    return ids


def test_a_need_with_a_name_or_address_too_long_is_refused_on_both_databases(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    need = NeedInput(
        text="Vi behöver mindre förpackningar.", submitter_name="N" * 201, submitter_email=_long_email(255)
    )
    with session_scope(engine) as session, pytest.raises(NeedError) as refused:
        submit_need(session, need, new_token(), acting=system("test"))
    assert refused.value.problems == {
        "submitter_name": "Namnet är 201 tecken; högst 200 får plats.",
        "submitter_email": "E-postadressen är 255 tecken; högst 254 får plats.",
    }
    assert count(engine, Need) == 0
    with session_scope(engine) as session:  # at the limit it fits, also on PostgreSQL
        submit_need(
            session,
            replace(need, submitter_name="N" * 200, submitter_email=_long_email(254)),
            new_token(),
            acting=system("test"),
        )
    assert longest(engine, Need.submitter_name) == 200


def test_the_needs_form_says_the_name_is_too_long_and_keeps_what_was_typed(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    app = open_page("pages/needs.py", {"contract": "LIV-1", "unit": "U1"})
    text, name = "Vi behöver mindre förpackningar till avdelningen.", "Namn " * 40 + "X"  # 201 characters
    app.text_area(key="need_text").input(text)
    app.text_input(key="need_name").input(name)
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert not app.exception, [exception.value for exception in app.exception]
    errors = [error.value for error in app.error]
    assert "Namnet är 201 tecken; högst 200 får plats." in errors
    assert app.text_input(key="need_name").value == name and app.text_area(key="need_text").value == text
    assert count(engine, Need) == 0

    app.text_input(key="need_name").input(name[:200])
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Tack!" in success.value for success in app.success), [e.value for e in app.error]
    assert count(engine, Need) == 1


def test_triage_fields_that_do_not_fit_are_refused(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    with session_scope(engine) as session:
        need = NeedInput(text="Vi behöver mindre förpackningar.")
        submit_need(session, need, new_token(), acting=system("test"))
    with Session(engine) as session:
        need_id = session.scalar(select(Need.id))
    too_long = Triage(
        status="in_progress", assignee="A" * 201, answer="s" * 5_001, internal_notes="i" * 5_001
    )
    with session_scope(engine) as session, pytest.raises(NeedError) as refused:
        triage(session, need_id, too_long, acting=system("Ulla"))
    assert refused.value.problems == {
        "assignee": "Handläggarens namn är 201 tecken; högst 200 får plats.",
        "answer": "Svaret får vara högst 5\u00a0000 tecken.",
        "internal_notes": "Anteckningarna får vara högst 5\u00a0000 tecken.",
    }
    with Session(engine) as session:
        assert session.get(Need, need_id).assignee is None
        assert session.scalar(select(func.count()).select_from(NeedEvent)) == 0


def test_the_inbox_says_the_assignee_is_too_long_and_keeps_what_was_typed(
    engine: Engine, unit_and_contract: dict[str, int]
) -> None:
    with session_scope(engine) as session:
        need = NeedInput(text="Vi behöver mindre förpackningar.")
        submit_need(session, need, new_token(), acting=system("test"))
    app = open_page("pages/inbox.py")
    app.session_state["inbox_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assignee = next(field for field in app.text_input if field.label == "Handläggare")
    assignee.input("A" * 201)
    next(button for button in app.button if button.label == "Spara").click().run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert any("Handläggarens namn är 201 tecken; högst 200 får plats." in error.value for error in app.error)
    assert next(field for field in app.text_input if field.label == "Handläggare").value == "A" * 201
    with Session(engine) as session:
        assert session.scalar(select(Need.assignee)) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 201, "Namnet är 201 tecken; högst 200 får plats."),
        ("email", _long_email(255), "E-postadressen är 255 tecken; högst 254 får plats."),
        ("phone", "1" * 51, "Telefonnumret är 51 tecken; högst 50 får plats."),
        ("role", "R" * 101, "Rollen är 101 tecken; högst 100 får plats."),
    ],
)
def test_contact_fields_are_measured_against_their_columns(
    engine: Engine, unit_and_contract: dict[str, int], field: str, value: str, message: str
) -> None:
    contact = replace(
        ContactInput(name="Eva Ek", email="eva@ek.se", phone="010-1", role="Kostchef"), **{field: value}
    )
    with session_scope(engine) as session, pytest.raises(ContactError) as refused:
        add_unit_contact(session, unit_and_contract["unit"], contact, acting=system("test"))
    assert refused.value.problems == {field: message}
    assert count(engine, Person) == 0


def test_a_visit_list_of_participants_has_a_limit(engine: Engine, unit_and_contract: dict[str, int]) -> None:
    """A Text column with no limit from a form: now 1 000 characters, as the
    notes have 10 000."""
    with session_scope(engine) as session, pytest.raises(VisitError) as refused:
        add_visit(
            session,
            visit_date=date(2026, 3, 1),
            unit_id=unit_and_contract["unit"],
            participants="P" * 1_001,
            acting=system("test"),
        )
    assert refused.value.problems == {"participants": "Deltagarna får vara högst 1\u00a0000 tecken."}
    assert count(engine, Visit) == 0


def test_a_direct_award_limit_too_large_is_a_message_not_a_traceback(engine: Engine) -> None:
    with session_scope(engine) as session:
        for value in ("1e30", "9" * 40):
            with pytest.raises(TargetError, match="högst 1 000 000 000 000 kronor"):
                # It raised InvalidOperation before.
                set_direct_award_limit(session, value, acting=system("test"))
        with pytest.raises(TargetError, match="minst en krona"):
            set_direct_award_limit(session, "0,4", acting=system("test"))
        set_direct_award_limit(session, "1 000 000 000 000", acting=system("test"))
        assert direct_award_limit(session) == Decimal("1000000000000")


def test_a_mapping_name_too_long_is_refused(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(ValueError, match="Mappningens namn är 101 tecken"):
        save_profile(session, "M" * 101, ImportKind.INVOICES, {"amount": "Belopp"}, acting=system("test"))
    assert count(engine, ImportProfile) == 0


def test_undone_by_is_refused_not_cut(engine: Engine, tmp_path: Path) -> None:
    path = csv_file(tmp_path, "a.csv", ["Datum", "Leverantör", "Belopp"], ["2025-01-02", "A", "1"])
    batch_id = run_file(engine, ImportKind.INVOICES, path).batch_id
    with session_scope(engine) as session, pytest.raises(BatchUndoError, match="den som ångrar"):
        undo_batch(session, batch_id, acting=system("U" * 201))
    assert count(engine, InvoiceLine) == 1
    with session_scope(engine) as session:
        undo_batch(session, batch_id, acting=system("U" * 200))
    assert longest(engine, ImportBatch.undone_by) == 200


def _dateless_workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["Förvaltning", "Leverantör", "Belopp"])
    book.active.append(["SOC Socialförvaltningen", "Menigo", 100])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_an_import_by_a_user_whose_e_mail_does_not_fit_the_batch_imports_nothing(engine: Engine) -> None:
    """The batch records the signed-in e-mail (200 characters); a longer one
    (an address may have 254) is refused on the page, not cut."""
    email = "i" * 190 + "@kommun.example"
    app = open_page("pages/import_data.py", user=provider_user(email, "upphandlare"))
    app.file_uploader(key="upload_invoices").set_value(("utan-datum.xlsx", _dateless_workbook(), XLSX)).run()
    app.text_input(key="period").input("2016-03").run()
    app.button(key="run_import").click().run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert any("Ingenting importerades" in error.value for error in app.error)
    assert count(engine, ImportBatch) == count(engine, InvoiceLine) == 0


@pytest.mark.parametrize("period", ["2016-03-01", "mars 2016", "2016-13"])
def test_the_import_page_period_takes_only_yyyy_mm(engine: Engine, period: str) -> None:
    app = open_page("pages/import_data.py")
    app.file_uploader(key="upload_invoices").set_value(("utan-datum.xlsx", _dateless_workbook(), XLSX)).run()
    app.text_input(key="period").input(period).run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert any(error.value.startswith("Perioden") for error in app.error)  # under the field
    assert app.text_input(key="period").value == period
    assert app.button(key="run_import").disabled
    app.text_input(key="period").input("2016-03").run()
    assert not app.button(key="run_import").disabled


def test_a_nul_character_typed_into_a_form_is_refused_on_both_databases(
    engine: Engine, unit_and_contract: dict[str, int], tmp_path: Path
) -> None:
    """PostgreSQL's text cannot hold NUL (psycopg raised DataError, a
    traceback); SQLite stored it. Files never bring one."""
    nul = "Vi behöver mindre\x00 förpackningar."
    with session_scope(engine) as session:
        with pytest.raises(NeedError) as refused:
            need = NeedInput(text=nul, submitter_name="Eva\x00")
            submit_need(session, need, new_token(), acting=system("test"))
        assert refused.value.problems == {
            "text": "Texten innehåller ett tecken som inte kan sparas (NUL, U+0000).",
            "submitter_name": "Namnet innehåller ett tecken som inte kan sparas (NUL, U+0000).",
        }
        need = NeedInput(text="Vi behöver mindre förpackningar.")
        submit_need(session, need, new_token(), acting=system("test"))
    with Session(engine) as session:
        need_id = session.scalar(select(Need.id))
    with session_scope(engine) as session:
        with pytest.raises(NeedError, match="Svaret innehåller"):
            triage(session, need_id, Triage(status="resolved", answer=nul), acting=system("Ulla"))
        with pytest.raises(ContactError, match="Namnet innehåller"):
            add_unit_contact(
                session, unit_and_contract["unit"], ContactInput(name="Eva\x00Ek"), acting=system("test")
            )
        with pytest.raises(VisitError, match="Anteckningarna innehåller"):
            add_visit(
                session,
                visit_date=date(2026, 3, 1),
                unit_id=unit_and_contract["unit"],
                notes=nul,
                acting=system("test"),
            )
    path = csv_file(tmp_path, "a.csv", ["Datum", "Leverantör", "Belopp"], ["2025-01-02", "A", "1"])
    with pytest.raises(ImportRefusedError, match="den som importerar innehåller"):
        run_file(engine, ImportKind.INVOICES, path, imported_by="Eva\x00")
    assert (
        count(engine, Need) == 1
        and count(engine, NeedEvent) == count(engine, Person) == count(engine, Visit) == 0
    )


def test_the_import_page_shows_a_refused_e_invoice_and_imports_the_rest_when_told(
    engine: Engine, tmp_path: Path
) -> None:
    path = one_seller_too_long(tmp_path)
    app = open_page("pages/import_data.py", {"kind": "peppol"})
    app.file_uploader(key="upload_peppol").set_value((path.name, path.read_bytes(), "application/zip")).run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert "1 e-faktura av 2 kan inte importeras:" in [error.value for error in app.error]
    refusals = app.dataframe[1].value
    assert list(refusals["Problem"]) == ["Säljarens namn är 424 tecken; högst 300 får plats."]
    assert app.button(key="import_peppol").disabled  # as for a spreadsheet: skipping is a choice
    app.checkbox(key="skip_invalid_peppol").check().run()
    app.button(key="import_peppol").click().run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert any("klar" in success.value for success in app.success)
    with Session(engine) as session:
        assert session.scalars(select(Supplier.name)).all() == ["Menigo Foodservice AB"]
    assert count(engine, InvoiceLine) == 1
