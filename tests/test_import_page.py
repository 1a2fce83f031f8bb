"""The import page in AppTest: upload, preview, validation, import, undo."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.models import ImportBatch, InvoiceLine
from tests.test_import_invoices import MESSY_TOTAL, messy_workbook

APP = str(Path(__file__).resolve().parent.parent / "app.py")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_page() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60).run()
    return app.switch_page("pages/import_data.py").run()


def lines(engine: Engine) -> tuple[int, Decimal | None]:
    with Session(engine) as session:
        return tuple(session.execute(select(func.count(), func.sum(InvoiceLine.amount))).one())


def test_upload_preview_import_and_undo(engine: Engine) -> None:
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rader i filen"] == "7"
    assert metrics["Filens summa"] == "4\u00a0419\u00a0kr"  # 4 418,90 rounded
    assert metrics["Fel"] == "0" and metrics["Varningar"] == "2"
    org_number = next(box for box in app.selectbox if box.label == "Organisationsnummer")
    assert org_number.value == 3  # "Org.nr" is the fourth column
    assert lines(engine) == (0, None)  # nothing written by the preview

    app.button(key="run_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert any("klar" in success.value for success in app.success)
    assert lines(engine) == (7, MESSY_TOTAL)

    app.checkbox(key="undo_sure").check()
    app.form_submit_button[0].click().run()
    assert lines(engine) == (0, None)
    assert any("är ångrad: 7 fakturarader borttagna" in success.value for success in app.success)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_a_bad_file_gets_a_message_and_changes_nothing(engine: Engine) -> None:
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("virus.xlsx", b"MZ" + b"\x00" * 64, XLSX)).run()
    assert not app.exception
    assert any("program" in error.value for error in app.error)
    assert lines(engine) == (0, None)


def test_rows_with_errors_block_the_import_until_skipping_is_chosen(engine: Engine) -> None:
    book = openpyxl.Workbook()
    for row in (
        ["Datum", "Leverantör", "Belopp"],
        ["2025-03-01", "Menigo", "100,00"],
        ["2025-03-02", "ICA", "x"],
    ):
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("fel.xlsx", buffer.getvalue(), XLSX)).run()
    assert app.button(key="run_import").disabled
    report = app.dataframe[1].value
    assert list(report["Rad"]) == [3] and list(report["Kolumn"]) == ["Belopp"]
    app.checkbox(key="skip_invalid").check().run()
    app.button(key="run_import").click().run()
    assert lines(engine) == (1, Decimal("100.00"))
