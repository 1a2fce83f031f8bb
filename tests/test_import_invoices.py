"""Importing finance-system exports: real files, a messy fixture, and the
guarantees (one transaction, no duplicates on re-import, undo)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.cli import main
from data_access.core.db import session_scope
from data_access.core.models import Department, ImportBatch, InvoiceLine, Supplier
from data_access.engine.verdicts import Catalogue
from data_access.figures.fidelity import fidelity_total
from data_access.importing import invoices
from data_access.importing.batches import list_batches, undo_batch
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError
from data_access.importing.invoices import ImportOptions, InvalidRowsError
from data_access.importing.profiles import save_profile
from data_access.importing.service import (
    import_invoice_file,
    open_for_import,
    preview_import,
    problems_workbook,
    report_notes,
)
from tests.inputs import workbook, zipped

REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "real-data"
OREBRO = REAL_DATA / "orebro-kommun" / "Orebro.2016-03.xlsx"
OXFORD = REAL_DATA / "uk-oxford-spend-over-500" / "expenditure-over-500-jan-mar-2018.csv"


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def run_import(engine: Engine, name: str, data: bytes, **options: object):
    with session_scope(engine) as session:
        acting = system(str(options.pop("imported_by", "Importören")))
        opened = open_for_import(
            session,
            ImportKind.INVOICES,
            name,
            data=data,
            profile_name=options.pop("profile", None),
            acting=acting,
        )
        return import_invoice_file(session, opened, ImportOptions(**options), acting=acting)


def messy_workbook() -> bytes:
    """Title rows, Swedish headers, text amounts, every date and org number
    form, a split posting, an empty row and a total row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Leverantörsfakturor Exempelkommun"])
    sheet.append(["Utdrag 2025-04-01"])
    sheet.append([])
    sheet.append(
        ["Fakturadatum", "Fakturanr", "Leverantörsnamn", "Org.nr", "Ansvar", "Konto", "Belopp exkl. moms"]
    )
    sheet.append(
        [date(2025, 3, 14), "F1", "Menigo Foodservice AB", "556036-0793", "1001", "4010 Livsmedel", 1234.5]
    )
    sheet.append(
        [45731, "F2", "Menigo Foodservice AB", "5560360793", "1001", "4010", "1 234,50"]
    )  # serial = 2025-03-15
    sheet.append(["20250316", "F3", "Martin & Servera AB", "16556036-0793", "1002", 4010, "−200,00"])
    sheet.append(
        ["2025-03-17", "F4", "Menigo Foodservice AB", "SE556036079301", "1002", "4010", "1\u00a0000 kr"]
    )
    sheet.append(
        ["2025-03-17", "F4", "Menigo Foodservice AB", "SE556036079301", "1002", "4010", "1\u00a0000 kr"]
    )
    sheet.append([])
    sheet.append(["2025-03-18", "F5", "Kalles Kiosk", "NULL", "1003", "4010", "99,90"])
    sheet.append(["2025-03-19", "F6", "Två Bolag", "556036-0793/556677-8899", "1003", "4010", "50"])
    sheet.append(["Summa", None, None, None, None, None, 4418.9])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MESSY_TOTAL = (
    Decimal("1234.50")
    + Decimal("1234.50")
    - Decimal("200.00")
    + 2 * Decimal("1000.00")
    + Decimal("99.90")
    + Decimal("50.00")
)


def test_messy_export_imports_with_exact_values(engine: Engine) -> None:
    summary = run_import(engine, "messy.xlsx", messy_workbook())
    assert (summary.rows_read, summary.imported, summary.skipped) == (7, 7, 0)
    assert summary.file_total == summary.imported_total == MESSY_TOTAL
    assert summary.flagged_rows == 2  # NULL and two numbers in one cell
    with Session(engine) as session:
        lines = session.execute(
            select(
                InvoiceLine.invoice_date, InvoiceLine.invoice_number, InvoiceLine.amount, Supplier.org_number
            )
            .join(Supplier, Supplier.id == InvoiceLine.supplier_id)
            .order_by(InvoiceLine.invoice_number, InvoiceLine.id)
        ).all()
        assert [(line.invoice_date, line.amount, line.org_number) for line in lines] == [
            (date(2025, 3, 14), Decimal("1234.50"), "5560360793"),
            (date(2025, 3, 15), Decimal("1234.50"), "5560360793"),
            (date(2025, 3, 16), Decimal("-200.00"), "5560360793"),
            (date(2025, 3, 17), Decimal("1000.00"), "5560360793"),
            (date(2025, 3, 17), Decimal("1000.00"), "5560360793"),  # the split posting counts twice
            (date(2025, 3, 18), Decimal("99.90"), None),
            (date(2025, 3, 19), Decimal("50.00"), None),
        ]
        flagged = session.scalars(select(Supplier.name).where(Supplier.needs_review.is_(True))).all()
        assert sorted(flagged) == ["Kalles Kiosk", "Två Bolag"]
        assert fidelity_total(session).total_amount == MESSY_TOTAL  # classified and summarised


def test_importing_twice_keeps_one_copy_and_says_so(engine: Engine) -> None:
    data = messy_workbook()  # one file: openpyxl stamps the second into the workbook, so two differ
    first = run_import(engine, "messy.xlsx", data)
    second = run_import(engine, "messy-again.xlsx", data)
    assert (second.imported, second.duplicates) == (0, 7)
    assert second.earlier_batches == [first.batch_id]
    with Session(engine) as session:
        assert count(session, InvoiceLine) == 7
        assert session.scalar(select(func.sum(InvoiceLine.amount))) == MESSY_TOTAL


def test_undo_removes_exactly_one_batch(engine: Engine) -> None:
    kept = run_import(engine, "messy.xlsx", messy_workbook())
    other = openpyxl.Workbook()
    other.active.append(["Datum", "Leverantör", "Org.nr", "Belopp"])
    other.active.append(["2025-05-01", "Menigo Foodservice AB", "556036-0793", "500,00"])
    buffer = io.BytesIO()
    other.save(buffer)
    undone = run_import(engine, "maj.xlsx", buffer.getvalue())
    with session_scope(engine) as session:
        assert undo_batch(session, undone.batch_id, acting=system("Anna")).lines_removed == 1
    with Session(engine) as session:
        listed = {batch.id: batch.is_undone for batch in list_batches(session)}
        assert listed == {kept.batch_id: False, undone.batch_id: True}  # the undone batch stays listed
        assert count(session, InvoiceLine) == 7
        assert fidelity_total(session).total_amount == MESSY_TOTAL


def _workbook_notes(data: bytes) -> tuple[list[str], int]:
    """The notes above the table, and the number of rows in the table."""
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    blank = next(index for index, row in enumerate(rows) if not row or row[0] is None)
    return [row[0] for row in rows[:blank]], len(rows) - blank - 2  # the blank row and the header


def test_the_counts_stay_whole_when_the_report_is_cut(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Point 6: the report keeps the first N problems; the counts are the file's."""
    monkeypatch.setattr(invoices, "MAX_REPORTED_PROBLEMS", 5)
    rows = ["Fakturadatum;Leverantör;Org.nr;Belopp"]
    rows += [f"2025-03-01;Leverantör {n};556036-0793;x{n}" for n in range(8)]  # 8 rows with an error
    rows += [f"2025-03-02;Namnbolaget {n};123;100,00" for n in range(2)]  # 2 with a warning
    rows += ["2025-03-03;Menigo;556036-0793;50,00"]
    with Session(engine) as session:
        opened = open_for_import(
            session, ImportKind.INVOICES, "fel.csv", data="\n".join(rows).encode(), acting=system("test")
        )
        preview = preview_import(session, opened, ImportOptions(), acting=system("test"))
    summary = preview.summary
    assert (summary.rows_read, summary.rows_with_errors, summary.rows_with_warnings) == (11, 8, 2)
    assert (summary.problem_count, len(summary.problems)) == (10, 5)
    assert _workbook_notes(problems_workbook(preview)) == (
        [
            "Fil: fel.csv",
            "Rader i filen: 11",
            "Rader med fel (importeras inte): 8",
            "Rader med varningar (importeras, bör granskas): 2",
            "10 anmärkningar, de första 5 visas",
        ],
        5,
    )


@pytest.mark.skipif(not OREBRO.is_file(), reason=f"real sample missing: {OREBRO}")
def test_orebro_without_a_period_counts_every_faulty_row(engine: Engine) -> None:
    """Point 6 on the real file: 68 021 rows, none with a date; the report
    stops at 50 000 and says so, the counts do not stop."""
    from python_calamine import CalamineWorkbook

    data_rows = len(CalamineWorkbook.from_path(OREBRO).get_sheet_by_name("Blad2").to_python()) - 1
    with Session(engine) as session:
        opened = open_for_import(
            session, ImportKind.INVOICES, OREBRO.name, data=OREBRO.read_bytes(), acting=system("test")
        )
        preview = preview_import(session, opened, ImportOptions(), acting=system("test"))
    summary = preview.summary
    assert summary.rows_with_errors == summary.rows_read == data_rows == 68_021
    assert len(summary.problems) == invoices.MAX_REPORTED_PROBLEMS == 50_000
    warnings = summary.problem_count - data_rows  # one date error per row, the rest warnings
    assert summary.rows_with_warnings == 0 and warnings > 0  # a row with a warning has the date error too
    notes = report_notes(preview)  # the validation report's notes (its table is tested above)
    assert "Rader med fel (importeras inte): 68\u00a0021" in notes
    total = f"{summary.problem_count:,}".replace(",", "\u00a0")
    assert f"{total} anmärkningar, de första 50\u00a0000 visas" in notes


def test_invalid_rows_stop_the_import_unless_skipped(engine: Engine) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Datum", "Leverantör", "Belopp"])
    book.active.append(["2025-03-01", "Menigo", "100,00"])
    book.active.append(["inte ett datum", "ICA", "50,00"])
    book.active.append(["2025-03-02", "ICA", "femtio"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(InvalidRowsError) as refused:
        run_import(engine, "fel.xlsx", buffer.getvalue())
    problems = {(problem.row_number, problem.column) for problem in refused.value.summary.problems}
    assert problems == {(3, "Datum"), (4, "Belopp")}
    with Session(engine) as session:
        assert count(session, InvoiceLine) == count(session, ImportBatch) == count(session, Supplier) == 0

    summary = run_import(engine, "fel.xlsx", buffer.getvalue(), skip_invalid=True)
    assert (summary.imported, summary.skipped) == (1, 2)
    assert summary.file_total == Decimal("150.00")  # the unreadable amount is not in any total
    assert summary.imported_total == Decimal("100.00")


def test_a_failure_midway_leaves_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The failure strikes while lines are being written: some are already in
    the table, the suppliers and the batch too; the rollback takes them all."""
    verdict = Catalogue.verdict
    calls = iter(range(1_000_000))

    def broken(self: Catalogue, *args: object) -> object:
        if next(calls) == 3:
            raise RuntimeError("disk full")
        return verdict(self, *args)

    monkeypatch.setattr(Catalogue, "verdict", broken)
    with pytest.raises(RuntimeError):
        run_import(engine, "messy.xlsx", messy_workbook())
    with Session(engine) as session:
        for model in (InvoiceLine, ImportBatch, Supplier, Department):
            assert count(session, model) == 0, model


def test_a_file_without_dates_needs_a_period(engine: Engine) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Förvaltning", "Leverantör", "Belopp"])
    book.active.append(["SOC Socialförvaltningen", "Menigo", "100,00"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportRefusedError, match="period"):
        run_import(engine, "utan-datum.xlsx", buffer.getvalue())
    summary = run_import(engine, "utan-datum.xlsx", buffer.getvalue(), period="2025-02")
    with Session(engine) as session:
        line = session.scalars(select(InvoiceLine)).one()
        assert line.invoice_date == date(2025, 2, 1) and line.unit_id is None
        department = session.get(Department, line.department_id)
        assert (department.code, department.name) == ("SOC", "Socialförvaltningen")
    assert summary.imported == 1


@pytest.mark.skipif(not OREBRO.is_file(), reason=f"real sample missing: {OREBRO}")
def test_orebro_march_2016(engine: Engine) -> None:
    """Örebro kommun's published supplier invoices: no date, no unit column,
    1,611 exact duplicate rows that are real postings, odd org numbers."""
    summary = run_import(engine, OREBRO.name, OREBRO.read_bytes(), period="2016-03")
    assert summary.rows_read == summary.imported == 68_021
    assert summary.imported_total == summary.file_total == Decimal("450187283.39")
    assert summary.flagged_rows > 0
    with Session(engine) as session:
        assert count(session, Department) == 31
        assert session.scalar(select(func.sum(InvoiceLine.amount))) == Decimal("450187283.39")
        assert session.scalar(select(func.count()).where(Supplier.needs_review.is_(True))) > 0
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(OREBRO).get_sheet_by_name("Blad2").to_python()[1:]
    repeated = sum(n - 1 for n in Counter(tuple(row) for row in rows).values() if n > 1)
    assert repeated == 1_611  # ... and every one of them was imported


@pytest.mark.skipif(not OXFORD.is_file(), reason=f"real sample missing: {OXFORD}")
def test_uk_spend_file_through_a_saved_profile(engine: Engine) -> None:
    with session_scope(engine) as session:
        save_profile(
            session,
            "Oxford City Council",
            ImportKind.INVOICES,
            {
                "date": "Paid Date",
                "invoice_number": "Trans No",
                "supplier_name": "Supplier Name",
                "department": "Service Area",
                "amount": "Amount",
            },
            acting=system("test"),
        )
    summary = run_import(
        engine, OXFORD.name, OXFORD.read_bytes(), profile="Oxford City Council", skip_invalid=True
    )
    with OXFORD.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    valid = [r for r in records if r["Supplier Name"].strip()]
    assert summary.rows_read == len(records)
    assert summary.imported == len(valid)
    assert summary.imported_total == sum(Decimal(r["Amount"]) for r in valid)
    with Session(engine) as session:
        first = session.scalars(select(InvoiceLine).order_by(InvoiceLine.id)).first()
        assert first.invoice_date == datetime.strptime(records[0]["Paid Date"], "%d/%m/%Y").date()


def test_cli_import_exit_codes(engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "messy.xlsx"
    good.write_bytes(messy_workbook())
    bad = tmp_path / "program.xlsx"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 100)
    assert main(["import", "invoices", str(good), str(bad)]) == 1
    assert "program" in capsys.readouterr().err
    with Session(engine) as session:
        assert count(session, InvoiceLine) == 0  # all or nothing
    out = io.StringIO()
    assert main(["import", "invoices", str(good)], out=out) == 0
    assert "imported 7" in out.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b"<row><c t='inlineStr'><is><t>&lol2;</t></is></c></row></sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("tom.xlsx", b"", "tom"),
        ("virus.xlsx", b"MZ\x90\x00" + b"\x00" * 200, "program"),
        ("krypterad.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504, "lösenordsskyddad"),
        ("brus.csv", bytes(range(256)) * 8, "binära"),
        ("arkiv.xlsx", zipped({"readme.txt": b"hej"}), "zip"),
        ("utan-rubriker.xlsx", workbook([1, 2, 3], [4, 5, 6]), "rubrikrad"),
        (
            "bomb.xlsx",
            zipped(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "xl/workbook.xml": b"<workbook/>",
                    "xl/worksheets/sheet1.xml": BILLION_LAUGHS,
                }
            ),
            "DOCTYPE",
        ),
    ],
)
def test_bad_files_are_refused_and_change_nothing(
    engine: Engine, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ImportRefusedError, match=message):
        run_import(engine, name, data)
    with Session(engine) as session:
        for model in (InvoiceLine, ImportBatch, Supplier, Department):
            assert count(session, model) == 0, model
