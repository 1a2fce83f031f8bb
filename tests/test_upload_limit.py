"""The upload limit (issue 13): config.toml's maxUploadSize is the importer's
own ceiling, the admin may lower it (and nobody else may change it), the
importer refuses a larger file with a Swedish message, and XSRF is on.
Each database test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.access.roles import AccessDenied
from data_access.access.viewer import system, viewer_with
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, ImportBatch
from data_access.core.settings import get_setting, set_setting
from data_access.importing import files, peppol
from data_access.importing.columns import ImportKind
from data_access.importing.errors import ImportRefusedError
from data_access.importing.service import import_peppol_file, open_for_import
from data_access.importing.upload_limit import (
    MAX_UPLOAD_MB,
    MB,
    UPLOAD_LIMIT,
    UploadLimitError,
    set_upload_limit,
    upload_limit_mb,
)
from tests.app_pages import open_page
from tests.handmade import peppol_invoice
from ui.text import md_unescaped

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"
ADMIN = viewer_with("admin@kommun.example", ["admin"])
CSV = b"Fakturadatum;Leverant\xc3\xb6r;Org.nr;F\xc3\xb6rvaltning;Ansvar;Konto;Belopp\n"


def server_config() -> dict[str, object]:
    return tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]


def test_config_upload_size_is_the_importers_ceiling() -> None:
    """Streamlit refuses what is larger than maxUploadSize before our code
    runs; the readers refuse what is larger than their byte budgets. One
    figure for both, so the page never accepts a file the importer cannot read."""
    assert server_config()["maxUploadSize"] == MAX_UPLOAD_MB
    assert files.DEFAULT_LIMITS.max_file_bytes == MAX_UPLOAD_MB * MB
    assert peppol.DEFAULT_LIMITS.max_upload_bytes == MAX_UPLOAD_MB * MB


def test_config_turns_xsrf_protection_on() -> None:
    assert server_config()["enableXsrfProtection"] is True


def test_the_limit_defaults_to_the_ceiling_and_the_admin_lowers_it(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert upload_limit_mb(session) == MAX_UPLOAD_MB
        assert set_upload_limit(session, " 25 ", acting=ADMIN) == 25
    with session_scope(engine) as session:
        assert upload_limit_mb(session) == 25
        assert get_setting(session, UPLOAD_LIMIT) == "25"
        event = session.scalars(select(AuditEvent)).one()
        assert (event.actor, event.action) == (ADMIN.label, "setting_changed")
        assert (event.subject, event.detail) == ("setting:upload_limit_mb", "mb=25")


@pytest.mark.parametrize("value", [0, -1, MAX_UPLOAD_MB + 1, "", "tio", "2,5", True])
def test_a_limit_outside_one_to_the_ceiling_is_refused(engine: Engine, value: object) -> None:
    with session_scope(engine) as session:
        with pytest.raises(UploadLimitError, match="mellan 1 och 200"):
            set_upload_limit(session, value, acting=ADMIN)  # type: ignore[arg-type]
        assert get_setting(session, UPLOAD_LIMIT) is None


@pytest.mark.parametrize("roles", [["ledning"], ["upphandlare"], ["enhet"]])
def test_only_settings_managers_change_the_limit(engine: Engine, roles: list[str]) -> None:
    with session_scope(engine) as session:
        with pytest.raises(AccessDenied, match="ändra inställningar"):
            set_upload_limit(session, 10, acting=viewer_with("x@kommun.example", roles))
        assert get_setting(session, UPLOAD_LIMIT) is None
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_stored_value_beyond_the_ceiling_is_held_to_it(engine: Engine) -> None:
    with session_scope(engine) as session:
        set_setting(session, UPLOAD_LIMIT, str(MAX_UPLOAD_MB * 10))
        assert upload_limit_mb(session) == MAX_UPLOAD_MB


def _limit_to_one_mb(session: Session) -> None:
    set_upload_limit(session, 1, acting=system("test"))


def test_the_importer_refuses_a_file_over_the_limit(engine: Engine) -> None:
    big = CSV + b"x" * MB
    with session_scope(engine) as session:
        _limit_to_one_mb(session)
    with (
        session_scope(engine) as session,
        pytest.raises(ImportRefusedError, match="mer än de 1 MB som importen"),
    ):
        open_for_import(session, ImportKind.INVOICES, "stor.csv", data=big, acting=system("test"))


def test_the_importer_refuses_an_e_invoice_over_the_limit(engine: Engine) -> None:
    data = peppol_invoice() + b" " * MB
    with session_scope(engine) as session:
        _limit_to_one_mb(session)
    with session_scope(engine) as session:
        with pytest.raises(ImportRefusedError, match="1 MB"):
            import_peppol_file(session, "stor.xml", data, acting=system("test"))
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


@pytest.mark.parametrize(("kind", "name"), [("invoices", "stor.csv"), ("peppol", "stor.xml")])
def test_the_import_page_says_a_file_is_over_the_admins_limit(engine: Engine, kind: str, name: str) -> None:
    """Streamlit takes the file (it is under maxUploadSize); the importer
    refuses it against the admin's lower limit, in Swedish, before reading it."""
    with session_scope(engine) as session:
        _limit_to_one_mb(session)
    data = (CSV if kind == "invoices" else peppol_invoice()) + b" " * MB
    app = open_page("pages/import_data.py")
    app.radio(key="kind").set_value(kind).run()
    app.file_uploader(key=f"upload_{kind}").set_value((name, data, "text/plain")).run()
    assert not app.exception, [exception.value for exception in app.exception]
    shown = [md_unescaped(error.value) for error in app.error]
    assert any("mer än de 1 MB som importen tar emot" in message for message in shown), shown
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0
