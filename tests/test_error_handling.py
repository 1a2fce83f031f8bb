"""Errors shown to users (issue 11, point 3): a Swedish message with a short
reference on the page, the traceback in the server log under that reference,
and nothing technical in the browser: no host, port, file path, SQL, bound
values or exception text. An unreachable database says so."""

from __future__ import annotations

import logging
import re
import socket
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.testing.v1 import AppTest

from data_access.core.db import is_database_unreachable
from data_access.core.models import ImportBatch, InvoiceLine
from data_access.importing.errors import ImportRefusedError
from tests.app_pages import APP, signed_in
from ui.errors import DATABASE_DOWN, on_script_error, shown_with_reference
from ui.text import md_unescaped

REFERENCE = re.compile(r"\b[0-9A-F]{8}\b")
# What an exception carried in the probes: a submitter's e-mail and text as bound values.
SECRET = "anna.andersson@kommun.se skrev: hemlig text"
# tests/conftest.py fails any other test whose page reported an error.
expects_errors = pytest.mark.usefixtures("expected_app_errors")
TECHNICAL = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "sqlite3", "RuntimeError", ".py")


def _page_text(app: AppTest) -> str:
    """Everything the page sends the browser, main area and sidebar, as text."""
    parts: list[str] = []

    def walk(node: object) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app.main)
    walk(app.sidebar)
    return "\n".join(parts)


def _assert_nothing_technical(app: AppTest, *also: str) -> None:
    assert not app.exception, [element.value for element in app.exception]
    shown = _page_text(app)
    for word in (*TECHNICAL, SECRET, *also):
        assert word not in shown, f"{word!r} reached the page"


def _reference_on_page(app: AppTest) -> str:
    (message,) = [element.value for element in app.error]
    match = REFERENCE.search(message)
    assert match, message
    return match.group(0)


def _logged(caplog: pytest.LogCaptureFixture, reference: str) -> logging.LogRecord:
    (record,) = [r for r in caplog.records if r.name == "avtalsfokus" and reference in r.getMessage()]
    assert record.exc_info is not None, "the traceback is logged with the reference"
    return record


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _boom(*_args: object, **_kwargs: object) -> str:
    raise RuntimeError(f"INSERT INTO need (email, body) VALUES ('{SECRET}')")


@expects_errors
def test_an_unexpected_error_shows_a_swedish_message_and_logs_the_traceback_under_its_reference(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    assert not app.exception and not app.error
    monkeypatch.setattr("ui.cached.data_version", _boom)  # every page's first read
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app.switch_page("pages/contract_catalogue.py").run()

    _assert_nothing_technical(app)
    (message,) = [element.value for element in app.error]
    assert message.startswith("Något gick fel"), message
    assert "systemförvaltaren" in message
    reference = _reference_on_page(app)
    record = _logged(caplog, reference)
    logged = logging.Formatter().format(record)
    assert "Traceback" in logged and SECRET in logged and "data_version" in logged
    assert "on start-up" in record.getMessage()  # the data version is read before the page is chosen


@expects_errors
def test_each_error_gets_its_own_reference(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("ui.cached.data_version", _boom)
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    first = _reference_on_page(app)
    second = _reference_on_page(app.run())
    assert first != second
    _logged(caplog, first)
    _logged(caplog, second)


def _database_down_everywhere(caplog: pytest.LogCaptureFixture, *hidden: str) -> None:
    """The start page, the same page again and a deep link all say that the
    database does not answer, with a reference, and show none of ``hidden``.
    (Who is signed in is read from the database before any page is chosen,
    so every address stops at the start-up with the same message.)"""
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    visits = [app]
    visits.append(app.run())
    deep = signed_in(AppTest.from_file(APP, default_timeout=60))
    deep.query_params["contract"] = "LIV-1"
    visits.append(deep.run())
    for visit in visits:
        _assert_nothing_technical(visit, *hidden)
        (message,) = [element.value for element in visit.error]
        assert message.startswith(DATABASE_DOWN), message
        _logged(caplog, _reference_on_page(visit))


@expects_errors
def test_an_unreachable_postgresql_says_the_database_does_not_answer(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()  # nothing listens there
    url = f"postgresql+psycopg://avtalsfokus:hemligt@127.0.0.1:{port}/avtalsfokus"
    monkeypatch.setenv("DATABASE_URL", url)
    _database_down_everywhere(caplog, "127.0.0.1", str(port), "hemligt", "avtalsfokus:")
    assert any("Connection refused" in logging.Formatter().format(r) for r in caplog.records)


@expects_errors
def test_an_sqlite_file_that_cannot_be_created_says_the_database_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "inte-en-mapp"
    blocker.write_text("a file where the database's folder should be")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker / 'data' / 'avtalsfokus.db'}")
    _database_down_everywhere(caplog, str(tmp_path), "inte-en-mapp", "Errno")


@expects_errors
def test_an_sqlite_file_that_cannot_be_opened_says_the_database_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "avtalsfokus.db"
    folder.mkdir()  # a folder where the file should be: "unable to open database file"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{folder}")
    _database_down_everywhere(caplog, str(tmp_path), "unable to open")


def test_a_failing_query_is_not_taken_for_a_database_that_is_down(engine: Engine) -> None:
    """SQLite reports a missing table as an OperationalError too; that is a bug
    to report with a reference, not an outage to wait out."""
    with pytest.raises(Exception) as caught, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table"))
    assert not is_database_unreachable(caught.value)


def test_streamlit_control_flow_passes_through_untouched() -> None:
    """st.stop, st.rerun and st.switch_page raise these; a page must keep them."""
    for control in (StopException(), RerunException(None)):
        with pytest.raises(type(control)), shown_with_reference():
            raise control


@expects_errors
def test_the_served_apps_hook_shows_the_same_message_for_a_callback(caplog: pytest.LogCaptureFixture) -> None:
    """serve.py gives st.App this hook for what fails outside app.py (widget
    callbacks, fragment reruns); True keeps Streamlit's own box away."""

    def script() -> None:
        from ui.errors import on_script_error

        on_script_error(RuntimeError("anna.andersson@kommun.se skrev: hemlig text"))

    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app = AppTest.from_function(script, default_timeout=30).run()
    _assert_nothing_technical(app)
    assert app.error[0].value.startswith("Något gick fel")
    _logged(caplog, _reference_on_page(app))
    assert on_script_error.__module__ == "ui.errors"


# --- the PEPPOL import button -----------------------------------------------------------------

UBL_INVOICE = b"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:ID>F-1001</cbc:ID>
  <cbc:IssueDate>2026-03-02</cbc:IssueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>SEK</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party>
    <cac:PartyLegalEntity><cbc:RegistrationName>Menigo AB</cbc:RegistrationName>
      <cbc:CompanyID>5560360793</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:Party></cac:AccountingSupplierParty>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID>
    <cbc:LineExtensionAmount currencyID="SEK">1250.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Kaffe</cbc:Name></cac:Item></cac:InvoiceLine>
</Invoice>
"""


def _stored(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            session.scalar(select(func.count()).select_from(InvoiceLine)) or 0,
        )


def _peppol_ready() -> AppTest:
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    app.switch_page("pages/import_data.py").run()
    app.radio(key="kind").set_value("peppol").run()
    app.file_uploader(key="upload_peppol").set_value(("faktura.xml", UBL_INVOICE, "application/xml")).run()
    assert not app.exception and not app.error, [e.value for e in (*app.exception, *app.error)]
    return app


def test_a_refused_peppol_import_says_so_in_swedish_keeps_the_choices_and_writes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = _peppol_ready()
    from data_access.importing import peppol_import

    land_batch = peppol_import.land_batch

    def refuse(*_args: object, **_kwargs: object) -> None:  # after the batch row was flushed
        raise ImportRefusedError("Fakturan kan inte läsas in.")

    monkeypatch.setattr("data_access.importing.peppol_import.land_batch", refuse)
    app.button(key="import_peppol").click().run()

    assert not app.exception, [e.value for e in app.exception]
    shown = [md_unescaped(element.value) for element in app.error]
    assert shown == ["Fakturan kan inte läsas in. Ingenting importerades."]
    assert _stored(engine) == (0, 0)
    assert app.radio(key="kind").value == "peppol"
    assert app.file_uploader(key="upload_peppol").value is not None

    monkeypatch.setattr(peppol_import, "land_batch", land_batch)  # the same choices import now
    app.button(key="import_peppol").click().run()
    assert not app.exception and not app.error
    assert _stored(engine) == (1, 1)


@expects_errors
def test_an_unexpected_peppol_failure_gets_a_reference_and_writes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    app = _peppol_ready()
    monkeypatch.setattr("data_access.importing.peppol_import.land_batch", _boom)
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app.button(key="import_peppol").click().run()

    _assert_nothing_technical(app)
    _logged(caplog, _reference_on_page(app))
    assert _stored(engine) == (0, 0)
    assert app.radio(key="kind").value == "peppol"
