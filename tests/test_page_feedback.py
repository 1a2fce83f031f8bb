"""What people are told on the pages (issue 10, points 4, 6 and 9): lists say
when they are cut, a need without a contract shows its category, saving says
so, removing asks first, overdue follow-ups stay and are marked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.access.viewer import system
from data_access.core import clock
from data_access.core.db import session_scope
from data_access.core.models import UnitContact
from data_access.customers import needs as need_queries
from data_access.customers.contacts import ContactInput, add_unit_contact
from data_access.customers.needs import NeedInput, new_token, submit_need
from data_access.customers.visits import add_visit
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import unit_on_contract


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        world = World(session)
        made = unit_on_contract(world)
        office = world.category("Kontorsmaterial")
        ids = {"unit": made.unit.id, "contract": made.contract.id, "food": made.food.id, "office": office.id}
        session.commit()
    return ids


def submit(engine: Engine, text: str, **about: int) -> None:
    with session_scope(engine) as session:
        submit_need(
            session, NeedInput(text=text, need_type="assortment", **about), new_token(), acting=system("test")
        )


def test_the_inbox_says_when_it_shows_only_the_first(
    engine: Engine, world: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    for number in range(3):
        submit(engine, f"Behov nummer {number}", unit_id=world["unit"], contract_id=world["contract"])
    monkeypatch.setattr(need_queries, "INBOX_LIMIT", 2)
    app = open_page("pages/inbox.py")
    assert len(app.dataframe[0].value) == 2
    assert any(
        caption.value.startswith("3 ärenden, de första 2 visas") for caption in app.caption
    ), [caption.value for caption in app.caption]


def test_a_need_without_a_contract_shows_its_category(engine: Engine, world: dict[str, int]) -> None:
    submit(engine, "Fler blyertspennor, tack", unit_id=world["unit"], category_id=world["office"])
    table = open_page("pages/inbox.py").dataframe[0].value
    assert list(table["Avtal"]) == ["Kontorsmaterial (inget avtal)"]
    assert list(table.columns[:2]) == ["Behov", "Status"]  # what a procurer reads first
    # No rating given: a dash, not the "None" Streamlit writes in an empty cell.
    assert list(table["Leverantörens service"]) == ["–"] and list(table["Handläggare"]) == ["–"]


def test_saved_targets_say_so_and_show_as_typed(engine: Engine, world: dict[str, int]) -> None:
    app = open_page("pages/targets.py")
    app.text_input(key="target_overall").input("80,5")
    app.button[0].click().run()
    assert [success.value for success in app.success] == ["Målen är sparade."]
    assert app.text_input(key="target_overall").value == "80,5"
    assert {metric.label: metric.value for metric in app.metric}["Övergripande mål"] == "80,5\u00a0%"
    app.run()  # the message is said once
    assert not app.success


def test_removing_a_contact_asks_first_and_says_it_is_done(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as session:
        contact = ContactInput(name="Anna Ek", email="anna@exempel.se")
        add_unit_contact(session, world["unit"], contact, acting=system("test"))
    app = open_page("pages/unit.py", {"unit": "U1"})
    app.button(key="remove_contact").click().run()
    with Session(engine) as session:
        assert session.scalar(select(UnitContact.person_id)) is not None  # not yet
    assert any("Vill du ta bort Anna Ek" in warning.value for warning in app.warning)
    app.button(key="remove_contact_no").click().run()
    with Session(engine) as session:
        assert session.scalar(select(UnitContact.person_id)) is not None
    app.button(key="remove_contact").click().run()
    app.button(key="remove_contact_yes").click().run()
    with Session(engine) as session:
        assert session.scalar(select(UnitContact.person_id)) is None
    assert [success.value for success in app.success] == ["Anna Ek är borttagen som kontaktperson."]


def test_a_saved_contact_and_visit_say_so(engine: Engine, world: dict[str, int]) -> None:
    app = open_page("pages/unit.py", {"unit": "U1"})
    app.text_input(key="new_contact_name").input("Bo Lind")
    app.text_input(key="new_contact_email").input("bo@exempel.se")
    app.form_submit_button[0].click().run()
    assert [success.value for success in app.success] == ["Kontaktpersonen Bo Lind är sparad."]
    app.text_area(key="visit_notes").input("Vill ha mindre förpackningar.")
    app.form_submit_button[-1].click().run()
    assert [success.value for success in app.success] == ["Besöket är sparat."]


def test_overdue_follow_ups_stay_first_and_marked(engine: Engine, world: dict[str, int]) -> None:
    with session_scope(engine) as session:
        add_visit(
            session,
            visit_date=date(2026, 10, 1),
            unit_id=world["unit"],
            follow_up_date=date(2026, 11, 1),
            acting=system("test"),
        )
    with clock.frozen(date(2026, 12, 2)):
        app = open_page("pages/unit.py")
    table = app.dataframe[0].value
    assert list(table["Följs upp"]) == [date(2026, 11, 1)] and list(table["Läge"]) == ["försenad"]
    assert list(table.columns[:2]) == ["Följs upp", "Läge"]


def test_a_receipt_for_a_need_without_a_contract_names_its_category(
    engine: Engine, world: dict[str, int]
) -> None:
    token = new_token()
    with session_scope(engine) as session:
        submit_need(
            session,
            NeedInput(
                text="Fler blyertspennor, tack", need_type="assortment", unit_id=world["unit"],
                category_id=world["office"],
            ),
            token,
            acting=system("test"),
        )
    app = open_page("pages/needs.py", {"kvitto": token})
    facts = {metric.label: metric.value for metric in app.metric}
    assert facts["Kategori"] == "Kontorsmaterial" and "Avtal" not in facts
