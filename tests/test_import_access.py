"""Imports, undo, targets and the direct-award limit ask who acts (issue 13).

Every import command, the preview and undo need IMPORT_DATA (upphandlare);
the targets need EDIT_TARGETS (admin), the limit EDIT_DIRECT_AWARD_LIMIT
(upphandlare, admin). A viewer without the permission gets AccessDenied and
nothing is written: no batch, no line, no profile, no setting, no audit
entry. What is done is recorded as the acting viewer, on the batch and in
the audit log (ids and counts only). Ledning reads Mål and
Direktupphandlingar without the forms that change them. Each database test
runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data_access.access.roles import AccessDenied
from data_access.access.viewer import Viewer, system, viewer_with
from data_access.cli import main as cli_main
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, Department, ImportBatch, ImportProfile, InvoiceLine
from data_access.core.settings import get_setting
from data_access.figures import targets
from data_access.importing import batches, profiles, service
from data_access.importing.columns import ImportKind
from data_access.importing.invoices import ImportOptions
from tests.app_pages import open_page, provider_user
from tests.handmade import peppol_invoice

HEADER = "Fakturadatum;Fakturanummer;Leverantör;Org.nr;Förvaltning;Ansvar;Konto;Belopp"
INVOICES = "\n".join(
    [
        HEADER,
        "2025-03-03;F-1;Menigo AB;556036-0793;SOC Socialförvaltningen;1001;4010;100,00",
        "2025-03-04;F-2;Menigo AB;556036-0793;SOC Socialförvaltningen;1001;4010;200,00",
        "2025-03-05;F-3;Menigo AB;556036-0793;SOC Socialförvaltningen;1001;4010;300,00",
    ]
).encode()
ACCOUNTS = "Konto;Kontobenämning;Kategori;Påverkbar\n4010;Livsmedel;Livsmedel;Ja".encode()

PROCURER = viewer_with("upphandlare@kommun.example", ["upphandlare"])
ADMIN = viewer_with("admin@kommun.example", ["admin"])
LEDNING = viewer_with("l@kommun.example", ["ledning"])
ENHET = viewer_with("enhet@kommun.example", ["enhet"], unit_ids=[1])
REFUSED = [pytest.param(LEDNING, id="ledning"), pytest.param(ENHET, id="enhet")]


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def stored(engine: Engine) -> tuple[object, ...]:
    """Everything a refused call must leave as it was."""
    with Session(engine) as session:
        return (
            count(session, ImportBatch),
            count(session, InvoiceLine),
            count(session, ImportProfile),
            count(session, AuditEvent),
            get_setting(session, targets.OVERALL_TARGET),
            get_setting(session, targets.DIRECT_AWARD_LIMIT),
            tuple(session.scalars(select(Department.fidelity_target_pct).order_by(Department.id))),
            tuple(session.scalars(select(ImportBatch.undone_at).order_by(ImportBatch.id))),
        )


def imported(engine: Engine, acting: Viewer = PROCURER, data: bytes = INVOICES) -> int:
    """An invoice file imported by ``acting``; the batch id."""
    with session_scope(engine) as session:
        opened = service.open_for_import(session, ImportKind.INVOICES, "a.csv", data=data, acting=acting)
        summary = service.import_file(session, opened, ImportOptions(), acting=acting)
    assert summary.batch_id is not None
    return summary.batch_id


def opened(session: Session, kind: ImportKind = ImportKind.INVOICES) -> service.OpenedFile:
    data = INVOICES if kind == ImportKind.INVOICES else ACCOUNTS
    return service.open_for_import(session, kind, "b.csv", data=data, acting=PROCURER)


Call = Callable[[Session, Viewer, int], object]
# Each guarded command, called as ``viewer`` on a database holding one batch
# (``batch``, the world's) and one department (the batch's).
IMPORT_CALLS: dict[str, Call] = {
    "open_for_import": lambda s, v, b: service.open_for_import(
        s, ImportKind.INVOICES, "b.csv", data=INVOICES, acting=v
    ),
    "preview_import": lambda s, v, b: service.preview_import(s, opened(s), ImportOptions(), acting=v),
    "preview_import (register)": lambda s, v, b: service.preview_import(
        s, opened(s, ImportKind.ACCOUNTS), ImportOptions(), acting=v
    ),
    "import_file": lambda s, v, b: service.import_file(s, opened(s), ImportOptions(), acting=v),
    "import_file (register)": lambda s, v, b: service.import_file(
        s, opened(s, ImportKind.ACCOUNTS), ImportOptions(), acting=v
    ),
    "import_invoice_file": lambda s, v, b: service.import_invoice_file(
        s, opened(s), ImportOptions(), acting=v
    ),
    "read_peppol_upload": lambda s, v, b: service.read_peppol_upload(s, "e.xml", peppol_invoice(), acting=v),
    "import_peppol_file": lambda s, v, b: service.import_peppol_file(s, "e.xml", peppol_invoice(), acting=v),
    "undo_batch": lambda s, v, b: batches.undo_batch(s, b, acting=v),
    "save_profile": lambda s, v, b: profiles.save_profile(
        s, "Raindance", ImportKind.INVOICES, {"date": "Fakturadatum"}, acting=v
    ),
}
TARGET_CALLS: dict[str, Call] = {
    "set_overall_target": lambda s, v, b: targets.set_overall_target(s, "75", acting=v),
    "set_department_target": lambda s, v, b: targets.set_department_target(
        s, s.scalar(select(Department.id)), "80", acting=v
    ),
}
LIMIT_CALLS: dict[str, Call] = {
    "set_direct_award_limit": lambda s, v, b: targets.set_direct_award_limit(s, "500 000", acting=v),
}


def refused(engine: Engine, call: Call, viewer: Viewer) -> None:
    """``call`` as ``viewer`` raises AccessDenied and leaves the database as it was."""
    batch = imported(engine)
    before = stored(engine)
    with pytest.raises(AccessDenied, match="Du har inte behörighet"), session_scope(engine) as session:
        call(session, viewer, batch)
    assert stored(engine) == before


@pytest.mark.parametrize("viewer", REFUSED)
@pytest.mark.parametrize("name", sorted(IMPORT_CALLS))
def test_import_commands_refuse_ledning_and_enhet(engine: Engine, name: str, viewer: Viewer) -> None:
    refused(engine, IMPORT_CALLS[name], viewer)


@pytest.mark.parametrize("viewer", [*REFUSED, pytest.param(ADMIN, id="admin")])
def test_the_admin_does_not_import_either(engine: Engine, viewer: Viewer) -> None:
    """The admin manages settings; imports are the procurers' (a person who
    does both holds both roles)."""
    refused(engine, IMPORT_CALLS["import_file"], viewer)


@pytest.mark.parametrize("viewer", [*REFUSED, pytest.param(PROCURER, id="upphandlare")])
@pytest.mark.parametrize("name", sorted(TARGET_CALLS))
def test_targets_refuse_everyone_but_the_admin(engine: Engine, name: str, viewer: Viewer) -> None:
    refused(engine, TARGET_CALLS[name], viewer)


@pytest.mark.parametrize("viewer", REFUSED)
def test_the_direct_award_limit_refuses_ledning_and_enhet(engine: Engine, viewer: Viewer) -> None:
    refused(engine, LIMIT_CALLS["set_direct_award_limit"], viewer)


@pytest.mark.parametrize("name", sorted(IMPORT_CALLS))
def test_a_procurer_may_do_every_import_command(engine: Engine, name: str) -> None:
    batch = imported(engine)
    with session_scope(engine) as session:
        IMPORT_CALLS[name](session, PROCURER, batch)


@pytest.mark.parametrize(
    "viewer", [pytest.param(PROCURER, id="upphandlare"), pytest.param(ADMIN, id="admin")]
)
def test_procurer_and_admin_may_change_the_limit(engine: Engine, viewer: Viewer) -> None:
    with session_scope(engine) as session:
        targets.set_direct_award_limit(session, "500 000", acting=viewer)
    with Session(engine) as session:
        assert get_setting(session, targets.DIRECT_AWARD_LIMIT) == "500000"


def events(engine: Engine, action: str | None = None) -> list[tuple[str, str, str | None, str | None]]:
    with Session(engine) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        return [(e.actor, e.action, e.subject, e.detail) for e in session.scalars(query)]


def test_an_import_and_its_undo_are_recorded_as_the_viewer_with_the_batch_and_counts(engine: Engine) -> None:
    batch = imported(engine)
    with Session(engine) as session:
        assert session.get(ImportBatch, batch).imported_by == PROCURER.label
    assert events(engine) == [
        (
            PROCURER.label,
            "import",
            f"batch:{batch}",
            "kind=invoices rows=3 imported=3 duplicates=0 skipped=0",
        )
    ]
    with session_scope(engine) as session:
        batches.undo_batch(session, batch, acting=PROCURER)
    with Session(engine) as session:
        assert session.get(ImportBatch, batch).undone_by == PROCURER.label
    ((actor, action, subject, detail),) = events(engine, "import_undone")
    assert (actor, action, subject) == (PROCURER.label, "import_undone", f"batch:{batch}")
    assert detail is not None and detail.startswith("lines_removed=3 ")
    assert "supplier=1" in detail and "unit=1" in detail  # what the import created, as counts


def test_register_and_peppol_imports_are_recorded_with_their_kind(engine: Engine) -> None:
    with session_scope(engine) as session:
        accounts = service.import_file(
            session, opened(session, ImportKind.ACCOUNTS), ImportOptions(), acting=PROCURER
        )
        peppol = service.import_peppol_file(session, "e.xml", peppol_invoice(), acting=PROCURER)
    assert events(engine) == [
        (
            PROCURER.label,
            "import",
            f"batch:{accounts.batch_id}",
            "kind=accounts rows=1 created=1 updated=0 skipped=0",
        ),
        (
            PROCURER.label,
            "import",
            f"batch:{peppol.batch_id}",
            "kind=peppol rows=1 imported=1 duplicates=0 skipped=0",
        ),
    ]
    with Session(engine) as session:
        assert set(session.scalars(select(ImportBatch.imported_by))) == {PROCURER.label}


def test_a_refused_import_leaves_no_audit_entry(engine: Engine) -> None:
    """The entry is written in the import's unit of work: rolled back with it."""
    bad = (HEADER + "\n2025-03-03;F-1;Menigo AB;556036-0793;SOC;1001;4010;inte ett belopp").encode()
    with pytest.raises(Exception, match="kan inte importeras"), session_scope(engine) as session:
        service.import_file(session, opened_bad(session, bad), ImportOptions(), acting=PROCURER)
    assert events(engine) == []


def opened_bad(session: Session, data: bytes) -> service.OpenedFile:
    return service.open_for_import(session, ImportKind.INVOICES, "fel.csv", data=data, acting=PROCURER)


def test_target_and_limit_changes_are_recorded(engine: Engine) -> None:
    imported(engine)
    with Session(engine) as session:
        department = session.scalar(select(Department.id))
    with session_scope(engine) as session:
        targets.set_overall_target(session, "75", acting=ADMIN)
        targets.set_department_target(session, department, "80,5", acting=ADMIN)
        targets.set_direct_award_limit(session, "500 000", acting=PROCURER)
    with session_scope(engine) as session:  # the form saves every target: the unchanged ones say nothing
        targets.set_overall_target(session, "75", acting=ADMIN)
        targets.set_department_target(session, department, "80,50", acting=ADMIN)
        targets.set_direct_award_limit(session, "500000", acting=ADMIN)
    with session_scope(engine) as session:
        targets.set_overall_target(session, "", acting=ADMIN)
    assert events(engine, "setting_changed") == [
        (ADMIN.label, "setting_changed", "setting:fidelity_target_pct", "pct=75.00"),
        (ADMIN.label, "setting_changed", f"department:{department}", "pct=80.50"),
        (PROCURER.label, "setting_changed", "setting:direct_award_limit_kr", "kr=500000"),
        (ADMIN.label, "setting_changed", "setting:fidelity_target_pct", "pct=none"),
    ]


def test_the_cli_imports_as_the_system_viewer_named_by_user(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "fakturor.csv"
    path.write_bytes(INVOICES)
    out = io.StringIO()
    assert cli_main(["import", "invoices", str(path), "--user", "Bo Ek"], out=out) == 0, out.getvalue()
    with Session(engine) as session:
        batch = session.scalars(select(ImportBatch)).one()
        assert batch.imported_by == "Bo Ek"
    ((actor, action, subject, _),) = events(engine)
    assert (actor, action, subject) == ("Bo Ek", "import", f"batch:{batch.id}")


def test_the_cli_imports_e_invoices_as_the_system_viewer(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "e.xml"
    path.write_bytes(peppol_invoice())
    assert cli_main(["import", "peppol", str(path), "--user", "Bo Ek"], out=io.StringIO()) == 0
    assert [(actor, action) for actor, action, _, _ in events(engine)] == [("Bo Ek", "import")]


# --------------------------------------------------------------------------- the pages

LEDNING_USER = provider_user("l@kommun.example", "ledning")


def keys(app: object, kind: str) -> set[str]:
    return {element.key for element in getattr(app, kind) if element.key}


def test_ledning_reads_the_targets_without_the_form(engine: Engine) -> None:
    imported(engine, system("test"))
    with session_scope(engine) as session:
        targets.set_overall_target(session, "75", acting=ADMIN)
    app = open_page("pages/targets.py", user=LEDNING_USER)
    assert not keys(app, "text_input") and not app.form_submit_button
    assert keys(app, "button") == {"sign_out"}
    table = app.dataframe[0].value.to_dict("records")
    assert table[0] == {"Förvaltning": "Övergripande", "Mål": "75\u00a0%"}
    assert [row["Förvaltning"] for row in table[1:]] == ["SOC Socialförvaltningen"]
    assert "Lämna fältet tomt" not in " ".join(caption.value for caption in app.caption)


def test_the_admin_gets_the_targets_form(engine: Engine) -> None:
    app = open_page("pages/targets.py", user=provider_user("a@kommun.example", "admin"))
    assert "target_overall" in keys(app, "text_input")


def test_ledning_reads_the_direct_awards_without_the_limit_form(engine: Engine) -> None:
    imported(engine, system("test"))
    app = open_page("pages/direct_awards.py", user=LEDNING_USER)
    assert "award_limit_value" not in keys(app, "text_input")
    assert not app.form_submit_button
    assert "award_year" in keys(app, "selectbox")  # the list itself is there


@pytest.mark.parametrize("role", ["upphandlare", "admin"])
def test_procurer_and_admin_get_the_limit_form(engine: Engine, role: str) -> None:
    imported(engine, system("test"))
    app = open_page("pages/direct_awards.py", user=provider_user("x@kommun.example", role))
    assert "award_limit_value" in keys(app, "text_input")
