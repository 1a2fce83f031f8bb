"""The import page in AppTest: upload, preview, validation, import, undo."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.core.models import Account, ImportBatch, InvoiceLine
from data_access.core.settings import data_version
from tests.app_pages import EVERY_ROLE, open_page, provider_user
from tests.inputs import XLSX, workbook
from tests.test_import_invoices import MESSY_TOTAL, OREBRO, messy_workbook
from ui.text import md_unescaped

SIGNED_IN = str(EVERY_ROLE["email"])  # who import_page() signs in as


def import_page(user: dict[str, object] | None = None) -> AppTest:
    return open_page("pages/import_data.py", user=user)


def lines(engine: Engine) -> tuple[int, Decimal | None]:
    with Session(engine) as session:
        return tuple(session.execute(select(func.count(), func.sum(InvoiceLine.amount))).one())


def batch_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return list(session.scalars(select(ImportBatch.id).order_by(ImportBatch.id)))


def undo_on_page(app: AppTest, batch_id: int) -> AppTest:
    app.selectbox(key="undo_batch").select(batch_id)
    app.checkbox(key="undo_sure").check()
    return app.form_submit_button[0].click().run()


def undo_choices(app: AppTest) -> list[int]:
    """The batches the undo form offers ("12: fil.xlsx (2026-…)")."""
    return [int(option.split(":")[0]) for option in app.selectbox(key="undo_batch").options]


def batch_rows(app: AppTest) -> list[dict[str, object]]:
    """The "Importer" list (the page's last table) as records."""
    return app.dataframe[-1].value.to_dict("records")


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

    undo_on_page(app, batch_ids(engine)[-1])
    assert not app.exception, [e.value for e in app.exception]
    assert lines(engine) == (0, None)
    assert any("är ångrad: 7 fakturarader borttagna" in success.value for success in app.success)
    with Session(engine) as session:  # the undone batch stays, marked
        assert session.scalar(select(func.count()).where(ImportBatch.undone_at.is_not(None))) == 1


def test_a_bad_file_gets_a_message_and_changes_nothing(engine: Engine) -> None:
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("virus.xlsx", b"MZ" + b"\x00" * 64, XLSX)).run()
    assert not app.exception
    assert any("program" in error.value for error in app.error)
    assert lines(engine) == (0, None)


def test_rows_with_errors_block_the_import_until_skipping_is_chosen(engine: Engine) -> None:
    data = workbook(
        ["Datum", "Leverantör", "Belopp"],
        ["2025-03-01", "Menigo", "100,00"],
        ["2025-03-02", "ICA", "x"],
    )
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("fel.xlsx", data, XLSX)).run()
    assert app.button(key="run_import").disabled
    report = app.dataframe[1].value
    assert list(report["Rad"]) == [3] and list(report["Kolumn"]) == ["Belopp"]
    app.checkbox(key="skip_invalid").check().run()
    app.button(key="run_import").click().run()
    assert lines(engine) == (1, Decimal("100.00"))


def import_account_plan(app: AppTest) -> None:
    """On the page: a plan that puts account 4010 in Livsmedel, imported."""
    app.radio(key="kind").set_value("accounts").run()
    plan = workbook(
        ["Konto", "Kontobenämning", "Kategori", "Påverkbar"], ["4010", "Livsmedel", "Livsmedel", "ja"]
    )
    app.file_uploader(key="upload_accounts").set_value(("kontoplan.xlsx", plan, XLSX)).run()
    app.button(key="run_import").click().run()


def test_a_reimport_and_an_undo_are_listed_as_they_are(engine: Engine) -> None:
    """Point 12: the re-import is listed ("0 nya rader, 7 fanns redan"), the
    undone batch stays with who and when, and the re-import then says that
    the rows it found are gone."""
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    app.button(key="run_import").click().run()
    app.button(key="run_import").click().run()  # the same file again
    assert not app.exception, [e.value for e in app.exception]
    first, second = batch_ids(engine)
    rows = {row["Import"]: row for row in batch_rows(app)}
    assert set(rows) == {first, second}  # the re-import is listed at once
    assert rows[second]["Resultat"] == f"0 nya rader, 7 fanns redan (i import {first})"
    assert rows[first]["Resultat"] == "7 nya rader"
    assert any(
        f"Import {second} klar" in s.value and "0 nya rader, 7 fanns redan" in s.value for s in app.success
    )

    # Another procurer's tab, opened before the undo.
    stale = import_page(provider_user("bo.berg@kommun.example", "upphandlare"))
    undo_on_page(app, first)
    assert not app.exception and not app.error
    rows = {row["Import"]: row for row in batch_rows(app)}
    assert rows[first]["Status"].startswith("ångrad ") and rows[first]["Status"].endswith(f" av {SIGNED_IN}")
    assert f"i import {first}, som är ångrad: de raderna finns inte längre" in rows[second]["Resultat"]
    assert first not in undo_choices(app)
    assert app.checkbox(key="undo_sure").value is False  # the next undo is confirmed anew

    # The stale tab tries the same undo: a clear message, no error, no change.
    stale.selectbox(key="undo_batch").select(first)
    stale.checkbox(key="undo_sure").check()
    stale.form_submit_button[0].click().run()
    assert not stale.exception and not stale.error
    warnings = [md_unescaped(warning.value) for warning in stale.warning]  # as read: no escapes
    assert any(
        f"Import {first} är redan ångrad (" in warning and f"av {SIGNED_IN}). Inget ändrades." in warning
        for warning in warnings
    ), warnings
    with Session(engine) as session:
        assert session.get(ImportBatch, first).undone_by == SIGNED_IN

    # A batch with no lines of its own can be undone too.
    undo_on_page(app, second)
    assert not app.exception and not app.error
    assert any(f"Import {second} är ångrad: 0 fakturarader borttagna." in s.value for s in app.success)


def test_undo_needs_a_confirmation_names_who_and_registers_are_not_offered(engine: Engine) -> None:
    app = import_page()
    import_account_plan(app)
    assert not app.exception, [e.value for e in app.exception]
    (register,) = batch_ids(engine)
    assert [row["Import"] for row in batch_rows(app)] == [register]
    assert any("Ingen import att ångra" in caption.value for caption in app.caption)
    assert any("kan inte ångras" in caption.value for caption in app.caption)

    app.radio(key="kind").set_value("invoices").run()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    app.button(key="run_import").click().run()
    invoices = batch_ids(engine)[-1]
    assert undo_choices(app) == [invoices]
    assert not [field for field in app.text_input if field.key in ("undone_by", "imported_by")]
    assert any(f"Ångras av {SIGNED_IN}" in md_unescaped(caption.value) for caption in app.caption)
    app.selectbox(key="undo_batch").select(invoices)
    app.form_submit_button[0].click().run()  # not confirmed
    assert any("Bekräfta först" in warning.value for warning in app.warning)
    assert lines(engine)[0] == 7


def test_a_register_preview_writes_nothing_and_the_import_names_who(engine: Engine) -> None:
    """A register's preview runs its import and rolls it back (through the
    page's one write path): no account and no new data version until the
    import, which is stored as the signed-in user."""
    with Session(engine) as session:
        version = data_version(session)
    app = import_page()
    app.radio(key="kind").set_value("accounts").run()
    plan = workbook(
        ["Konto", "Kontobenämning", "Kategori", "Påverkbar"], ["4010", "Livsmedel", "Livsmedel", "ja"]
    )
    app.file_uploader(key="upload_accounts").set_value(("kontoplan.xlsx", plan, XLSX)).run()
    assert {metric.label: metric.value for metric in app.metric}["Rader i filen"] == "1"
    with Session(engine) as session:
        assert data_version(session) == version and session.scalar(select(func.count(Account.id))) == 0
    assert any(f"Importeras av {SIGNED_IN}" in md_unescaped(caption.value) for caption in app.caption)
    app.button(key="run_import").click().run()
    with Session(engine) as session:
        assert data_version(session) != version and session.scalar(select(func.count(Account.id))) == 1
        assert session.scalar(select(ImportBatch.imported_by)) == SIGNED_IN


def _formatted_values(app: AppTest) -> list[str]:
    return [str(value) for frame in app.dataframe for value in frame.value.to_numpy().ravel()]


RAW = ("None", "nan", "NaN", "NaT", "(none)", "empty", "<NA>")


def test_no_raw_values_and_swedish_numbers_on_the_page(engine: Engine) -> None:
    """Point 4: the preview and the batch list show text as people read it."""
    rows = [["Fakturadatum", "Leverantör", "Org.nr", "Konto", "Belopp"]]
    rows += [
        [f"2025-03-{day % 28 + 1:02d}", "Menigo Foodservice AB", "5560360793", None, "1234,5"]
        for day in range(1_200)
    ]
    rows.append(["2025-03-02", "Kalles Kiosk", None, "4010", None])  # an error row: no amount
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("stor.xlsx", workbook(*rows), XLSX)).run()
    preview = app.dataframe[0].value
    assert preview["Organisationsnummer"].iloc[0] == "556036-0793"
    assert preview["Belopp"].iloc[0] == "1\u00a0234,50"
    assert preview["Konto"].iloc[0] == "–"
    assert {metric.label: metric.value for metric in app.metric}["Rader i filen"] == "1\u00a0201"
    app.checkbox(key="skip_invalid").check().run()
    app.button(key="run_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (row,) = batch_rows(app)
    assert row["Av"] == SIGNED_IN  # whoever is signed in, never a typed name
    assert row["Rader lästa"] == "1\u00a0201"
    assert row["Resultat"] == "1\u00a0200 nya rader, 1 med fel överhoppade"
    assert row["Importerat belopp"] == "1\u00a0481\u00a0400\u00a0kr"
    shown = _formatted_values(app)
    assert not [value for value in shown if value in RAW or value.endswith(".0")], shown[:20]


def test_the_period_field_shows_a_hint_not_a_value(engine: Engine) -> None:
    """Point 8: an empty period field must not look filled in."""
    app = import_page()
    data = workbook(["Förvaltning", "Leverantör", "Belopp"], ["SOC Socialförvaltningen", "Menigo", "100,00"])
    app.file_uploader(key="upload_invoices").set_value(("utan-datum.xlsx", data, XLSX)).run()
    period = app.text_input(key="period")
    assert period.value == ""
    assert period.placeholder == "ÅÅÅÅ-MM, t.ex. 2016-03"
    assert app.button(key="run_import").disabled
    assert any("Ingen period angiven" in caption.value for caption in app.caption)
    period.input("2025-02").run()
    assert not app.button(key="run_import").disabled


def test_swedish_words_where_the_app_chooses_them(engine: Engine) -> None:
    """Point 8: labels, placeholders and help texts the page sets are Swedish."""
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    app.button(key="run_import").click().run()
    english = ("Choose", "Select", "option", "None", "empty", "Browse", "Press Enter")
    texts = []
    for widget in (*app.selectbox, *app.text_input, *app.checkbox, *app.radio, *app.button):
        texts += [widget.label, getattr(widget, "placeholder", "") or "", widget.help or ""]
    for box in app.selectbox:
        texts += [str(option) for option in box.options]
    assert app.selectbox(key="undo_batch").placeholder == "Välj en import"
    assert not [text for text in texts if any(word in text for word in english)], texts


def test_most_spend_unclassified_says_why_and_links_to_the_account_plan(engine: Engine) -> None:
    """Point 13: the messy file's account 4010 is in no account plan."""
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    app.button(key="run_import").click().run()
    (notice,) = [warning.value for warning in app.warning if "oklassificerat" in warning.value]
    assert notice.startswith(
        "100,0\u00a0% av importens påverkbara belopp (4\u00a0419\u00a0kr av 4\u00a0419\u00a0kr)"
    )
    assert "1 konto saknar kategori i kontoplanen (störst: 4010 Livsmedel)" in notice
    assert "Importera kontoplanen" in notice
    (link,) = [element.proto for element in app.main.get("page_link")]
    assert link.label == "Importera kontoplanen" and link.query_string == "kind=accounts"

    linked = open_page("pages/import_data.py", {"kind": "accounts"})
    assert linked.radio(key="kind").value == "accounts"


def test_an_import_with_mapped_accounts_gets_no_notice(engine: Engine) -> None:
    app = import_page()
    import_account_plan(app)
    app.radio(key="kind").set_value("invoices").run()
    app.file_uploader(key="upload_invoices").set_value(("messy.xlsx", messy_workbook(), XLSX)).run()
    app.button(key="run_import").click().run()
    assert any("klar" in success.value for success in app.success)
    assert not [warning.value for warning in app.warning if "oklassificerat" in warning.value]


@pytest.mark.skipif(not OREBRO.is_file(), reason=f"real sample missing: {OREBRO}")
def test_the_true_error_count_of_a_big_file(engine: Engine) -> None:
    """Point 6: Örebro's export without a period: every one of its 68 021
    rows lacks a date. The cards count them all; the lists say where they stop."""
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value((OREBRO.name, OREBRO.read_bytes(), XLSX)).run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Rader i filen"] == metrics["Fel"] == "68\u00a0021"
    caption = next(caption.value for caption in app.caption if "anmärkningar" in caption.value)
    assert caption == (
        "68\u00a0080 anmärkningar, de första 2\u00a0000 visas här; "
        "valideringsrapporten i Excel har de första 50\u00a0000."
    )
    assert len(app.dataframe[1].value) == 2_000


PEPPOL = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "peppol-bis3"


@pytest.mark.skipif(not PEPPOL.is_dir(), reason=f"real samples missing: {PEPPOL}")
def test_e_invoices_are_shown_as_text_and_can_be_undone(engine: Engine) -> None:
    """Point 4 for the e-invoice preview (org numbers NNNNNN-NNNN, amounts in
    kronor, no "None" for a missing contract reference), and a PEPPOL batch
    undoes like any invoice batch."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("base-example.xml", "SE-invoice-from-UBL-IN_SE-R-001.xml"):
            archive.write(PEPPOL / name, name)
    app = import_page()
    app.radio(key="kind").set_value("peppol").run()
    app.file_uploader(key="upload_peppol").set_value(
        ("fakturor.zip", buffer.getvalue(), "application/zip")
    ).run()
    assert not app.exception, [e.value for e in app.exception]
    preview = app.dataframe[0].value
    assert all(value.endswith("\u00a0kr") for value in preview["Belopp"]), list(preview["Belopp"])
    assert all(
        re.fullmatch(r"\d{6}-\d{4}", value) or not value[:6].isdigit()
        for value in preview["Organisationsnummer"]
    ), list(preview["Organisationsnummer"])
    assert not [value for value in _formatted_values(app) if value in RAW]
    app.button(key="import_peppol").click().run()
    (batch,) = batch_ids(engine)
    assert lines(engine)[0] > 0
    undo_on_page(app, batch)
    assert not app.exception and not app.error
    assert lines(engine) == (0, None)


def test_a_small_file_with_one_cell_far_out_is_refused_with_a_message(engine: Engine) -> None:
    """4.9 KB with a cell at XFD1048576 once made calamine abort the server for everyone."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["XFD1048576"] = "Belopp", "Leverantör", 1
    buffer = io.BytesIO()
    book.save(buffer)
    app = import_page()
    app.file_uploader(key="upload_invoices").set_value(("far.xlsx", buffer.getvalue(), XLSX)).run()
    assert not app.exception
    assert any("sträcker sig till XFD1048576" in error.value for error in app.error), [
        error.value for error in app.error
    ]
    assert lines(engine) == (0, None)
