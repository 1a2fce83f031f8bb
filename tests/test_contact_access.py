"""Contact people, contract managers and visits are for the roles that work
with them (issue 13): every read and change of them refuses management
(ledning) and unit staff (enhet) with ``AccessDenied`` and writes nothing;
each change and every download of contact people leaves an audit entry that
names ids and counts, never the people; and a management user reaches
neither the contract page nor the unit page.

The world: ``livsmedel_buyers`` (U1 Ekbacken, U2 Björken, U3 Granen buying
on and off LIV-1) with one contact per unit (``add_buyer_contacts``: Anna Ek,
Bo Björk, Cilla Gran) and one visit at U1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
import streamlit
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access import audit
from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer, viewer_with
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, Contract, Person, UnitContact, Visit
from data_access.core.periods import Period
from data_access.core.settings import data_version
from data_access.customers import contacts, contract_buyers, visits
from data_access.customers.contacts import ContactInput
from data_access.engine.classification import classify_lines
from tests.app_pages import APP, open_page, provider_user
from tests.factories import World
from tests.worlds import add_buyer_contacts, livsmedel_buyers
from ui import reach
from ui.cached import DataState
from ui.signed_in import VIEWER_KEY

PERIOD = Period(date(2025, 11, 1), date(2026, 10, 31))
PROCURER = viewer_with("anna@kommun.example", ["upphandlare"])
LEDNING = viewer_with("l@kommun.example", ["ledning"])


@dataclass(frozen=True)
class Ids:
    contract: int
    u1: int
    u2: int
    u3: int
    anna: int  # U1's contact person


@pytest.fixture
def ids(engine: Engine) -> Iterator[Ids]:
    with Session(engine) as session:
        world = World(session)
        buyers = livsmedel_buyers(world)
        classify_lines(session)
        add_buyer_contacts(session, buyers)
        visits.add_visit(
            session,
            visit_date=date(2026, 10, 1),
            unit_id=buyers.u1.id,
            participants="Anna Ek",
            notes="Vill ha mindre förpackningar.",
            follow_up_date=date(2026, 12, 1),
            acting=PROCURER,
        )
        anna = session.scalar(select(Person.id).where(Person.email == "anna@exempel.se"))
        session.commit()
        made = Ids(buyers.contract.id, buyers.u1.id, buyers.u2.id, buyers.u3.id, anna)
    yield made


def enhet_of(unit_id: int) -> Viewer:
    """A unit's own staff: their own unit, and still no contact people or visits."""
    return viewer_with("e@kommun.example", ["enhet"], unit_ids=[unit_id])


Guarded = Callable[[Session, Ids, Viewer], object]

# Every function of the three modules that returns personal data or changes anything.
GUARDED: dict[str, tuple[Permission, Guarded]] = {
    "add_unit_contact": (
        Permission.EDIT_CONTACTS,
        lambda s, i, v: contacts.add_unit_contact(
            s, i.u2, ContactInput("Dag Dahl", "dag@x.example"), acting=v
        ),
    ),
    "update_unit_contact": (
        Permission.EDIT_CONTACTS,
        lambda s, i, v: contacts.update_unit_contact(
            s, i.u1, i.anna, ContactInput("Anna Ek", "anna@exempel.se", role="Enhetschef"), acting=v
        ),
    ),
    "remove_unit_contact": (
        Permission.EDIT_CONTACTS,
        lambda s, i, v: contacts.remove_unit_contact(s, i.u1, i.anna, acting=v),
    ),
    "set_contract_manager": (
        Permission.EDIT_CONTRACT_MANAGERS,
        lambda s, i, v: contacts.set_contract_manager(s, i.contract, ContactInput("Eva Avtal"), acting=v),
    ),
    "record_contact_export": (
        Permission.VIEW_CONTACTS,
        lambda s, i, v: contacts.record_contact_export(s, f"contract:{i.contract}", 3, acting=v),
    ),
    "unit_contacts": (
        Permission.VIEW_CONTACTS,
        lambda s, i, v: contract_buyers.unit_contacts(s, [i.u1, i.u2], acting=v),
    ),
    "contract_customers": (
        Permission.VIEW_CONTRACT_BUYERS,
        lambda s, i, v: contract_buyers.contract_customers(s, i.contract, PERIOD, acting=v),
    ),
    "add_visit": (
        Permission.EDIT_VISITS,
        lambda s, i, v: visits.add_visit(s, visit_date=date(2026, 11, 2), unit_id=i.u1, acting=v),
    ),
    "visits": (Permission.VIEW_VISITS, lambda s, i, v: visits.visits(s, unit_id=i.u1, acting=v)),
    "open_follow_ups": (Permission.VIEW_VISITS, lambda s, i, v: visits.open_follow_ups(s, acting=v)),
}


def everything(engine: Engine) -> tuple[object, ...]:
    """What a refused call must leave as it was: the people, their units, the
    managers, the visits, the audit log and the data version."""
    with Session(engine) as session:
        return (
            session.execute(
                select(Person.id, Person.name, Person.email, Person.phone).order_by(Person.id)
            ).all(),
            session.execute(select(UnitContact.unit_id, UnitContact.person_id, UnitContact.role)).all(),
            session.execute(select(Contract.id, Contract.manager_id)).all(),
            session.scalar(select(func.count()).select_from(Visit)),
            session.scalar(select(func.count()).select_from(AuditEvent)),
            data_version(session),
        )


@pytest.mark.parametrize("name", sorted(GUARDED))
@pytest.mark.parametrize("role", ["ledning", "enhet"])
def test_management_and_unit_staff_are_refused_and_nothing_is_written(
    engine: Engine, ids: Ids, name: str, role: str
) -> None:
    permission, call = GUARDED[name]
    viewer = LEDNING if role == "ledning" else enhet_of(ids.u1)  # even for their own unit
    before = everything(engine)
    with pytest.raises(AccessDenied) as refused, session_scope(engine) as session:
        call(session, ids, viewer)
    assert refused.value.permission == permission
    assert str(refused.value).startswith("Du har inte behörighet att ")
    assert everything(engine) == before


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_a_procurer_is_allowed(engine: Engine, ids: Ids, name: str) -> None:
    _, call = GUARDED[name]
    with session_scope(engine) as session:
        call(session, ids, PROCURER)


# Everything personal the world and the calls below hold: none of it may reach the log.
PERSONAL = (
    "Anna Ek",
    "anna@exempel.se",
    "Bo Björk",
    "bo@exempel.se",
    "019-10 20 30",
    "Dag Dahl",
    "dag@x.example",
    "070-123 45 67",
    "Eva Avtal",
    "eva@x.example",
    "Kock",
    "Enhetschef",
    "förpackningar",
    "Cilla",
)


def log(engine: Engine, action: str | None = None) -> list[AuditEvent]:
    """The audit entries, oldest first (read as the table holds them)."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    with Session(engine) as session:
        return list(session.scalars(query))


def test_the_audit_log_holds_ids_and_counts_and_no_personal_values(engine: Engine, ids: Ids) -> None:
    already = len(log(engine))  # the world's own entries
    with session_scope(engine) as session:
        dag = contacts.add_unit_contact(
            session,
            ids.u2,
            ContactInput("Dag Dahl", "dag@x.example", "070-123 45 67", "Kock"),
            acting=PROCURER,
        )
        contacts.update_unit_contact(
            session,
            ids.u1,
            ids.anna,
            ContactInput("Anna Ek", "anna@exempel.se", role="Enhetschef"),
            acting=PROCURER,
        )
        contacts.remove_unit_contact(session, ids.u2, dag, acting=PROCURER)
        contacts.remove_unit_contact(session, ids.u2, dag, acting=PROCURER)  # no longer there: no entry
        eva = contacts.set_contract_manager(
            session, ids.contract, ContactInput("Eva Avtal", "eva@x.example"), acting=PROCURER
        )
        visit = visits.add_visit(
            session,
            visit_date=date(2026, 11, 2),
            unit_id=ids.u3,
            participants="Cilla Gran",
            notes="Ringer om förpackningar.",
            acting=PROCURER,
        )
        contacts.record_contact_export(session, f"contract:{ids.contract}", 3, acting=PROCURER)
    entries = log(engine)[already:]
    assert [(entry.actor, entry.action, entry.subject, entry.detail) for entry in entries] == [
        ("anna@kommun.example", "contact_added", f"unit:{ids.u2}", f"person:{dag}"),
        ("anna@kommun.example", "contact_changed", f"unit:{ids.u1}", f"person:{ids.anna}"),
        ("anna@kommun.example", "contact_removed", f"unit:{ids.u2}", f"person:{dag}"),
        ("anna@kommun.example", "contract_manager_changed", f"contract:{ids.contract}", f"person:{eva}"),
        ("anna@kommun.example", "visit_added", f"unit:{ids.u3}", f"visit:{visit}"),
        ("anna@kommun.example", "export", f"contract:{ids.contract}", "contacts rows=3"),
    ]
    logged = " ".join(f"{entry.subject} {entry.detail}" for entry in entries)
    assert not [value for value in PERSONAL if value.lower() in logged.lower()]


def state_of(engine: Engine) -> DataState:
    with Session(engine) as session:
        version = data_version(session)
    return DataState(engine.url.render_as_string(hide_password=False), version, False)


@pytest.fixture
def buttons(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, object]]:
    """What each download button of a page run was given, by label. AppTest
    cannot press a download button, so a test calls the button's callback
    with its arguments, as Streamlit does on a press before the rerun."""
    given: dict[str, dict[str, object]] = {}
    real = streamlit.download_button

    def keeping(label: str, *args: object, **kwargs: object) -> object:
        given[label] = kwargs
        return real(label, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", keeping)
    return given


def press(button: dict[str, object]) -> None:
    button["on_click"](*button["args"])  # type: ignore[operator]


def test_pressing_the_contact_list_download_logs_it(
    engine: Engine, ids: Ids, buttons: dict[str, dict[str, object]]
) -> None:
    app = open_page("pages/contract.py", {"contract": "LIV-1"})
    assert not app.exception
    before = state_of(engine).version
    press(buttons["Ladda ner kontaktlistan"])
    (entry,) = log(engine, audit.EXPORT)
    assert (entry.action, entry.subject, entry.detail) == (
        "export",
        f"contract:{ids.contract}",
        "contacts rows=3",
    )
    assert entry.actor == "alla.roller@kommun.example"  # the signed-in user
    assert state_of(engine).version == before  # a log entry empties no page cache


def test_the_unit_page_logs_its_downloads_with_the_contract_managers(
    engine: Engine, ids: Ids, buttons: dict[str, dict[str, object]]
) -> None:
    """Its purchase lists hold each contract's manager and address."""
    open_page("pages/unit.py", {"unit": "U1"})
    press(buttons["Ladda ner köpen på avtal som Excel"])
    press(buttons["Ladda ner köpen utanför avtal som Excel"])
    entries = log(engine, audit.EXPORT)
    assert [(entry.subject, entry.detail) for entry in entries] == [(f"unit:{ids.u1}", "contacts rows=1")] * 2


def test_record_contact_download_runs_for_the_viewer(engine: Engine, ids: Ids) -> None:
    reach.record_contact_download(state_of(engine), PROCURER, f"category:{ids.contract}", 7)
    with pytest.raises(AccessDenied):
        reach.record_contact_download(state_of(engine), LEDNING, f"category:{ids.contract}", 7)
    (entry,) = log(engine, audit.EXPORT)
    assert (entry.actor, entry.subject, entry.detail) == (
        "anna@kommun.example",
        f"category:{ids.contract}",
        "contacts rows=7",
    )


def on_screen(app: AppTest) -> str:
    """Every text and table cell the run put on screen, main area and sidebar."""
    texts = [
        str(element.value)
        for kind in (
            "markdown",
            "caption",
            "code",
            "error",
            "warning",
            "info",
            "success",
            "title",
            "header",
        )
        for element in app.get(kind)
    ]
    for frame in app.dataframe:
        texts.extend(str(value) for column in frame.value.columns for value in frame.value[column])
    return " ".join(texts)


CONTACT_VALUES = (
    "anna@exempel.se",
    "Anna Ek",
    "Bo Björk",
    "bo@exempel.se",
    "cilla@exempel.se",
    "förpackningar",
)
PEOPLE_PAGES = ["pages/contract.py", "pages/unit.py", "pages/category_buyers.py"]


@pytest.mark.parametrize("path", PEOPLE_PAGES)
def test_a_management_user_is_not_served_the_pages_with_contact_people(ids: Ids, path: str) -> None:
    """The navigation does not hold the page, so it cannot be switched to, and
    the address of one (with a contract or unit in it) shows no contact person."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = provider_user("l@kommun.example", "ledning")
    app.query_params["contract"] = "LIV-1"
    app.query_params["unit"] = "U1"
    app.run()
    assert not app.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(path)
    assert not {"Avtal", "Enhet", "Vem köper vad"} & {title.value for title in app.title}
    shown = on_screen(app)
    assert not [value for value in CONTACT_VALUES if value in shown]
    assert not app.get("download_button") or all(
        "kontakt" not in str(button.proto.label).lower() for button in app.get("download_button")
    )


@pytest.mark.parametrize("path", PEOPLE_PAGES)
def test_the_pages_refuse_a_management_user_themselves(ids: Ids, path: str) -> None:
    """Run as if the navigation had been bypassed: the page's own check
    refuses with the Swedish message before anything is read."""
    app = AppTest.from_file(str(Path(APP).parent / path), default_timeout=60)
    app.session_state[VIEWER_KEY] = LEDNING
    app.query_params["contract"] = "LIV-1"
    app.query_params["unit"] = "U1"
    app.run()
    assert not app.exception
    assert next(element.value for element in app.error).startswith("Du har inte behörighet att")
    shown = on_screen(app)
    assert not [value for value in CONTACT_VALUES if value in shown]
    assert not app.dataframe and not app.get("download_button")


def test_a_visit_records_who_registered_it(engine: Engine, ids: Ids) -> None:
    with session_scope(engine) as session:
        visit_id = visits.add_visit(session, visit_date=date(2025, 5, 2), unit_id=ids.u1, acting=PROCURER)
    with session_scope(engine) as session:
        (record,) = [v for v in visits.visits(session, unit_id=ids.u1, acting=PROCURER) if v.id == visit_id]
    assert record.recorded_by == "anna@kommun.example"
