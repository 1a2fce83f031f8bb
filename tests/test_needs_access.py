"""Who may read the inbox, triage, and submit needs for which unit (issue 13),
and what the audit log records of it, on SQLite and PostgreSQL.

The inbox, its counts, statistics and history hold submitters and the
procurers' internal notes: management and unit users are refused. A unit
user submits only for their own units, whatever unit the address names. A
triage change and an inbox download are logged with ids and counts, never
the text.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access import accounts, audit
from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer, system, viewer_with
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, Need, NeedEvent, Person, UnitContact
from data_access.customers import needs
from data_access.customers.needs import NeedError, NeedInput, NotYourUnit, Triage
from tests.app_pages import EVERY_ROLE, open_page, provider_user
from tests.factories import World
from tests.worlds import unit_on_contract

CONTACT_EMAIL = "kock@ekbacken.kommun.example"  # the contact person of U1: an enhet user of U1
TWO_UNITS_EMAIL = "chef@kommun.example"  # an explicit enhet user of U1 and U3
ANSWER = "Leverantören har nya tider från mars."


@pytest.fixture
def units(engine: Engine) -> dict[str, int]:
    """U1 (Ekbacken, with a contact person), U2 (Björken) and U3 (Granen),
    one contract, a need from U2, and an explicit unit user of U1 and U3."""
    with Session(engine) as session:
        world = World(session)
        made = unit_on_contract(world)
        other = world.unit("U2", made.department, "Björken")
        third = world.unit("U3", made.department, "Granen")
        person = Person(name="Kock Karin", email=CONTACT_EMAIL)
        session.add(person)
        session.flush()
        session.add(UnitContact(unit_id=made.unit.id, person_id=person.id, role="Kock"))
        accounts.add_user(
            session, TWO_UNITS_EMAIL, roles=("enhet",), unit_codes=("U1", "U3"), acting=system("test")
        )
        session.flush()
        need_token = needs.submit_need(
            session,
            NeedInput(text="Björken behöver mindre förpackningar.", unit_id=other.id),
            needs.new_token(),
            acting=system("test"),
        )
        ids = {
            "unit": made.unit.id,
            "other": other.id,
            "third": third.id,
            "contract": made.contract.id,
            "need": session.scalar(select(Need.id)),
        }
        session.commit()
    ids["token"] = need_token  # type: ignore[assignment]
    return ids


LEDNING = viewer_with("ledning@kommun.example", ["ledning"])


def enhet_of(unit_id: int) -> Viewer:
    return viewer_with(CONTACT_EMAIL, ["enhet"], unit_ids=[unit_id])


PROCURER = viewer_with("ulla@kommun.example", ["upphandlare"])
INBOX_READS: dict[str, Callable[[Session, Viewer, int], object]] = {
    "inbox": lambda session, viewer, need: needs.inbox(session, acting=viewer),
    "need_count": lambda session, viewer, need: needs.need_count(session, acting=viewer),
    "status_counts": lambda session, viewer, need: needs.status_counts(session, acting=viewer),
    "need_stats": lambda session, viewer, need: needs.need_stats(session, "contract", acting=viewer),
    "history": lambda session, viewer, need: needs.history(session, need, acting=viewer),
}


def logged(engine: Engine) -> set[tuple[str, str | None, str | None, str]]:
    """The audit log as (action, subject, detail, actor), read from the table."""
    with Session(engine) as session:
        return {
            (event.action, event.subject, event.detail, event.actor)
            for event in session.scalars(select(AuditEvent))
        }


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("read", sorted(INBOX_READS))
def test_the_inbox_reads_refuse_management_and_unit_users(
    engine: Engine, units: dict[str, int], read: str
) -> None:
    with session_scope(engine) as session:
        for viewer in (LEDNING, enhet_of(units["other"])):  # even the need's own unit
            with pytest.raises(AccessDenied) as refused:
                INBOX_READS[read](session, viewer, units["need"])
            assert refused.value.permission is Permission.VIEW_INBOX
            assert str(refused.value) == "Du har inte behörighet att se inkorgen."
        INBOX_READS[read](session, PROCURER, units["need"])  # the procurer reads it


def test_triage_and_the_export_log_refuse_management_and_unit_users(
    engine: Engine, units: dict[str, int]
) -> None:
    logged = count(engine, AuditEvent)  # the fixture's user was logged as added
    for viewer in (LEDNING, enhet_of(units["other"])):
        with session_scope(engine) as session, pytest.raises(AccessDenied):
            needs.triage(session, units["need"], Triage("resolved", answer=ANSWER), acting=viewer)
        with session_scope(engine) as session, pytest.raises(AccessDenied):
            needs.record_inbox_export(session, 3, acting=viewer)
    assert count(engine, NeedEvent) == 0 and count(engine, AuditEvent) == logged
    with Session(engine) as session:
        assert session.get(Need, units["need"]).status == "new"


def test_triage_records_the_signed_in_person_and_an_audit_entry_without_text(
    engine: Engine, units: dict[str, int]
) -> None:
    change = Triage("resolved", answer=ANSWER, internal_notes="Ringde leverantören.")
    with session_scope(engine) as session:
        assert needs.triage(session, units["need"], change, acting=PROCURER) == 3
        assert needs.triage(session, units["need"], change, acting=PROCURER) == 0  # no second entry
    with session_scope(engine) as session:
        assert {event.changed_by for event in needs.history(session, units["need"], acting=PROCURER)} == {
            "ulla@kommun.example"
        }
    triaged = {entry for entry in logged(engine) if entry[0] == needs.TRIAGED}
    assert triaged == {
        (needs.TRIAGED, f"need:{units['need']}", "fields=status,answer,internal_notes", "ulla@kommun.example")
    }


def test_submitting_needs_the_permission_and_a_unit_user_only_their_own_units(
    engine: Engine, units: dict[str, int]
) -> None:
    before = count(engine, Need)
    text = "Vi behöver laktosfri mjölk i mindre förpackningar."
    with session_scope(engine) as session, pytest.raises(AccessDenied) as refused:
        needs.submit_need(session, NeedInput(text=text, unit_id=units["unit"]), "t-1", acting=PROCURER)
    assert refused.value.permission is Permission.SUBMIT_NEEDS  # upphandlare triage, they do not submit
    with session_scope(engine) as session, pytest.raises(AccessDenied):
        needs.submit_need(session, NeedInput(text=text, unit_id=units["unit"]), "t-2", acting=LEDNING)
    unit_user = enhet_of(units["unit"])
    with session_scope(engine) as session, pytest.raises(NotYourUnit) as not_theirs:
        needs.submit_need(session, NeedInput(text=text, unit_id=units["other"]), "t-3", acting=unit_user)
    assert isinstance(not_theirs.value, AccessDenied)
    assert str(not_theirs.value) == "Du kan bara lämna behov för din egen enhet."
    with session_scope(engine) as session, pytest.raises(NeedError) as no_unit:
        needs.submit_need(session, NeedInput(text=text), "t-4", acting=unit_user)
    assert set(no_unit.value.problems) == {"unit_id"}
    assert count(engine, Need) == before  # nothing stored

    domain_user = viewer_with("eva@kommun.example", granted=[Permission.SUBMIT_NEEDS])  # no units
    with session_scope(engine) as session:
        needs.submit_need(session, NeedInput(text=text, unit_id=units["unit"]), "t-5", acting=unit_user)
        needs.submit_need(session, NeedInput(text=text, unit_id=units["other"]), "t-6", acting=domain_user)
        needs.submit_need(session, NeedInput(text=text), "t-7", acting=domain_user)
    with Session(engine) as session:
        stored = dict(session.execute(select(Need.token, Need.unit_id).where(Need.token.like("t-%"))).all())
    assert stored == {"t-5": units["unit"], "t-6": units["other"], "t-7": None}


def test_a_receipt_needs_no_viewer(engine: Engine, units: dict[str, int]) -> None:
    with session_scope(engine) as session:
        shown = needs.receipt(session, str(units["token"]))
    assert shown is not None and shown.unit == "Björken"


def unit_options(app: AppTest) -> list[str]:
    return list(app.selectbox(key="need_unit").options)


def test_a_unit_contact_submits_only_for_their_unit_also_with_another_unit_in_the_address(
    engine: Engine, units: dict[str, int]
) -> None:
    app = open_page("pages/needs.py", {"unit": "U2"}, user=provider_user(CONTACT_EMAIL, name="Kock Karin"))
    [only] = unit_options(app)
    assert "Ekbacken" in only
    assert app.selectbox(key="need_unit").value == units["unit"]  # their one unit, not U2
    assert app.text_input(key="need_name").value == "Kock Karin"  # filled in from the sign-in
    assert app.text_input(key="need_email").value == CONTACT_EMAIL
    app.text_area(key="need_text").input("Vi behöver fler sorters glutenfritt bröd.")
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert not app.exception
    assert any("Tack!" in success.value for success in app.success), [error.value for error in app.error]
    with Session(engine) as session:
        stored = session.scalars(select(Need).where(Need.text.like("%glutenfritt%"))).one()
    assert (stored.unit_id, stored.submitter_email) == (units["unit"], CONTACT_EMAIL)
    assert count(engine, Need) == 2  # U2's need and this one; nothing for U2 from this user


def test_an_explicit_unit_user_chooses_among_their_units_only(engine: Engine, units: dict[str, int]) -> None:
    app = open_page("pages/needs.py", {"unit": "U2"}, user=provider_user(TWO_UNITS_EMAIL))
    shown = unit_options(app)
    assert len(shown) == 2 and not any("Björken" in option for option in shown)
    assert app.selectbox(key="need_unit").value is None  # U2 in the address is not theirs: nothing chosen
    app.text_area(key="need_text").input("Vi behöver fler sorters glutenfritt bröd.")
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Välj vilken av era enheter" in error.value for error in app.error)
    assert app.text_area(key="need_text").value == "Vi behöver fler sorters glutenfritt bröd."  # kept
    assert count(engine, Need) == 1
    app.selectbox(key="need_unit").set_value(units["third"])
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Tack!" in success.value for success in app.success), [error.value for error in app.error]
    with Session(engine) as session:
        assert session.scalar(select(Need.unit_id).where(Need.text.like("%glutenfritt%"))) == units["third"]


def test_the_inbox_page_logs_a_triage_change_and_an_export_as_the_signed_in_person(
    engine: Engine, units: dict[str, int]
) -> None:
    app = open_page("pages/inbox.py")
    app.session_state["inbox_table"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    app.run()
    assert not [field for field in app.text_input if "namn" in field.label.lower()]  # no "Ditt namn"
    next(box for box in app.selectbox if box.label == "Status").set_value("resolved")
    next(area for area in app.text_area if area.label.startswith("Svar")).input(ANSWER)
    next(button for button in app.button if button.label == "Spara").click().run()
    assert not app.exception, [exception.value for exception in app.exception]
    app.get("download_button")[0].click().run()  # the inbox as Excel
    assert not app.exception, [exception.value for exception in app.exception]
    email = str(EVERY_ROLE["email"])
    with session_scope(engine) as session:
        assert {event.changed_by for event in needs.history(session, units["need"], acting=PROCURER)} == {
            email
        }
    entries = logged(engine)
    assert (needs.TRIAGED, f"need:{units['need']}", "fields=status,answer", email) in entries
    assert (audit.EXPORT, None, "inbox rows=1", email) in entries
    assert not any(ANSWER in (detail or "") for _, _, detail, _ in entries)  # ids and counts only
