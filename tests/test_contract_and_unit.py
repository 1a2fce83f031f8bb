"""Who buys on a contract, who buys elsewhere, and their contacts, on a
fixture with known buyers (last 12 full months: Nov 2025 - Oct 2026):

    LIV-1 covers Livsmedel with Menigo.
    U1 (SOC): Menigo 1 000 (10 Mar) + 100 (31 Oct) on contract; ICA 250 off
    U2 (UTB): Menigo 500 (10 May) on contract; ICA 750 off
    U3 (UTB): ICA 300 off (1 Aug), never on contract
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.access.viewer import viewer_with
from data_access.core import clock
from data_access.core.models import Contract, Person, Supplier, UnitContact
from data_access.core.periods import Period
from data_access.customers.contacts import ContactError, ContactInput, set_contract_manager
from data_access.customers.contract_buyers import contract_customers, unit_contacts
from data_access.customers.unit_overview import unit_overview
from data_access.customers.visits import VisitError, add_visit, open_follow_ups
from data_access.engine.classification import classify_lines
from data_access.exports.excel import table_workbook
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import add_buyer_contacts, livsmedel_buyers
from ui.links import needs_form_link
from ui.mail import mailto_link, outlook_line, unique_addresses
from ui.text import md_unescaped

PERIOD = Period(date(2025, 11, 1), date(2026, 10, 31))
PROCURER = viewer_with("anna@kommun.example", ["upphandlare"])


@pytest.fixture
def known(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        world = World(session)
        buyers = livsmedel_buyers(world)
        world.line(date(2025, 3, 1), "999.00", buyers.menigo, buyers.account, buyers.u3)  # before the period
        classify_lines(session)
        add_buyer_contacts(session, buyers)
        ids = {"contract": buyers.contract.id, "u1": buyers.u1.id, "u2": buyers.u2.id, "u3": buyers.u3.id}
        session.commit()
    yield ids


def test_buyers_and_losing_units_are_exactly_the_fixture(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        customers = contract_customers(session, known["contract"], PERIOD, acting=PROCURER)
    assert [
        (u.unit_code, u.amount, u.line_count, u.first_purchase, u.last_purchase) for u in customers.buying
    ] == [
        ("U1", Decimal("1100.00"), 2, date(2026, 3, 10), date(2026, 10, 31)),
        ("U2", Decimal("500.00"), 1, date(2026, 5, 10), date(2026, 5, 10)),
    ]
    assert [u.share_pct for u in customers.buying] == [Decimal("68.75"), Decimal("31.25")]  # of 1 600
    assert [(u.unit_code, u.amount, u.suppliers) for u in customers.losing] == [
        ("U2", Decimal("750.00"), ("ICA",)),
        ("U3", Decimal("300.00"), ("ICA",)),
        ("U1", Decimal("250.00"), ("ICA",)),
    ]
    assert len(customers.months) == 12 and customers.buying[0].monthly[4] == 1000.0  # March 2026


def test_contacts_email_line_mailto_and_excel_agree(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        contacts = unit_contacts(session, [known["u1"], known["u2"], known["u3"]], acting=PROCURER)
    # The contact section's line and link (ui.reach) are built from these contacts.
    addresses = unique_addresses(contact.email for contact in contacts)
    line = outlook_line(addresses)
    assert (
        line == "bo@exempel.se; anna@exempel.se; cilla@exempel.se"
    )  # by unit name: Björken, Ekbacken, Granen
    assert mailto_link(addresses, "LIV-1 Livsmedel").startswith(
        "mailto:?bcc=bo@exempel.se,anna@exempel.se,cilla@exempel.se&subject=LIV-1%20"
    )
    rows = [(c.unit_name, c.name, c.role, c.email, c.phone) for c in contacts]
    sheet = openpyxl.load_workbook(
        io.BytesIO(table_workbook(("Enhet", "Namn", "Roll", "E-post", "Telefon"), rows))
    ).active
    assert "; ".join(sheet.cell(row, 4).value for row in range(2, 5)) == line


def test_contract_page_by_deep_link(known: dict[str, int]) -> None:
    app = open_page("pages/contract.py", {"contract": "LIV-1"})
    assert md_unescaped(app.header[0].value) == "LIV-1 Avtal LIV-1"  # as read: the escapes unseen
    buying, losing, contacts = (frame.value for frame in app.dataframe[:3])
    # The unit column links to the unit page (its text, the name, is tested in test_contract_page.py).
    assert list(buying["Enhet"]) == ["enhet?unit=U1", "enhet?unit=U2"]
    assert list(buying["Belopp"]) == [1100.0, 500.0]
    assert list(buying["Senaste köp"]) == [date(2026, 10, 31), date(2026, 5, 10)]
    assert list(losing["Enhet"]) == ["enhet?unit=U2", "enhet?unit=U3", "enhet?unit=U1"]
    assert list(contacts["E-post"]) == [
        "mailto:bo@exempel.se",
        "mailto:anna@exempel.se",
        "mailto:cilla@exempel.se",
    ]
    assert app.code[0].value == "http://localhost:8501/behov?contract=LIV-1"  # the needs form, filled in
    assert app.code[1].value == "bo@exempel.se; anna@exempel.se; cilla@exempel.se"


def test_a_bad_email_is_refused_and_the_typed_values_stay(known: dict[str, int], engine: Engine) -> None:
    app = open_page("pages/unit.py", {"unit": "U3"})
    assert app.header[0].value == "U3 Granen"
    app.text_input(key="new_contact_name").input("Dag Dahl")
    app.text_input(key="new_contact_email").input("dag@")
    app.text_input(key="new_contact_role").input("Kock")
    app.button(key="FormSubmitter:new_contact-Spara").click().run()
    assert any("ingen giltig e-postadress" in md_unescaped(error.value) for error in app.error)
    assert app.text_input(key="new_contact_name").value == "Dag Dahl"
    assert app.text_input(key="new_contact_email").value == "dag@"
    app.text_input(key="new_contact_email").input("dag@exempel.se")
    app.button(key="FormSubmitter:new_contact-Spara").click().run()
    assert not app.error
    with Session(engine) as session:
        names = session.scalars(
            select(Person.name)
            .join(UnitContact, UnitContact.person_id == Person.id)
            .where(UnitContact.unit_id == known["u3"])
        ).all()
    assert sorted(names) == ["Cilla Gran", "Dag Dahl"]
    assert app.text_input(key="new_contact_name").value == ""  # emptied after saving


def test_contact_rules_manager_unit_overview_and_visits(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(ContactError) as refused:
            ContactInput(name="  ", email="x@@y").cleaned()
        assert set(refused.value.problems) == {"name", "email"}
        manager_id = set_contract_manager(
            session,
            known["contract"],
            ContactInput(name="Eva Avtal", email="EVA@Exempel.se"),
            acting=PROCURER,
        )
        assert session.get(Person, manager_id).email == "EVA@exempel.se"  # the domain is normalised

        overview = unit_overview(session, known["u1"], PERIOD)
        assert [(row.reference, row.amount) for row in overview.on_contract] == [
            ("LIV-1", Decimal("1100.00"))
        ]
        assert [(row.reference, row.amount, row.manager) for row in overview.off_contract] == [
            ("LIV-1", Decimal("250.00"), "Eva Avtal")
        ]

        with pytest.raises(VisitError):
            add_visit(
                session,
                visit_date=date(2026, 11, 2),
                unit_id=known["u1"],
                follow_up_date=date(2026, 11, 1),
                acting=PROCURER,
            )
        add_visit(
            session,
            visit_date=date(2026, 11, 2),
            unit_id=known["u1"],
            contract_id=known["contract"],
            participants="Anna Ek, upphandlaren",
            notes="Vill ha mindre förpackningar.",
            follow_up_date=date(2026, 12, 1),
            acting=PROCURER,
        )
        pending = open_follow_ups(session, acting=PROCURER)
        assert [(visit.unit_name, visit.contract, visit.follow_up_date) for visit in pending] == [
            ("Ekbacken", "LIV-1", date(2026, 12, 1))
        ]
        add_visit(
            session,
            visit_date=date(2026, 11, 3),
            unit_id=known["u2"],
            follow_up_date=date(2026, 11, 20),
            acting=PROCURER,
        )
        pending = open_follow_ups(session, acting=PROCURER)
        assert [visit.follow_up_date for visit in pending] == [  # the overdue one first
            date(2026, 11, 20),
            date(2026, 12, 1),
        ]
        # The follow-up call is made.
        add_visit(session, visit_date=date(2026, 12, 5), unit_id=known["u1"], acting=PROCURER)
        pending = open_follow_ups(session, acting=PROCURER)
        assert [visit.follow_up_date for visit in pending] == [date(2026, 11, 20)]


def test_the_needs_link_follows_the_configured_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVTALSFOKUS_BASE_URL", "https://avtal.kommun.example/")
    assert needs_form_link("LIV 1", "U1") == "https://avtal.kommun.example/behov?contract=LIV+1&unit=U1"


def test_catalogue_lists_expiring_and_unused_contracts(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        world = World(session)
        office = world.category("Kontorsmaterial")
        menigo = session.scalar(select(Supplier).where(Supplier.name == "Menigo"))
        world.contract("KON-1", office, [menigo], date(2024, 1, 1), date(2028, 12, 31))
        session.commit()
    # LIV-1 ends 2026-12-31: expiring on this day, not forever.
    app = open_page("pages/contract_catalogue.py", today=date(2026, 11, 30))
    headings = [header.value for header in app.header]
    assert headings == ["Upphör inom 6 månader (1)", "Ingen har köpt på avtalet de senaste 12 månaderna (1)"]
    catalogue, expiring, unused = (frame.value for frame in app.dataframe)
    assert list(expiring["Avtal"]) == ["avtal?contract=LIV-1"]
    assert list(unused["Avtal"]) == ["avtal?contract=KON-1"]
    # Livsmedel: 1 600 on, 1 300 off -> 55,2 %
    shown = catalogue.set_index("Namn").loc["Avtal LIV-1", "Avtalstrohet i kategorin"]
    assert shown.lstrip("\u2007") == "55,2\u00a0%"  # as shown: padded with figure spaces to sort


def test_setting_the_contract_manager_on_the_page(known: dict[str, int], engine: Engine) -> None:
    app = open_page("pages/contract.py", {"contract": "LIV-1"})
    form = f"manager_{known['contract']}"
    app.text_input(key=f"{form}_name").input("Eva Avtal")
    app.text_input(key=f"{form}_email").input("eva(at)exempel.se")
    app.button(key=f"FormSubmitter:{form}-Spara").click().run()
    assert any("ingen giltig e-postadress" in md_unescaped(error.value) for error in app.error)
    assert app.text_input(key=f"{form}_email").value == "eva(at)exempel.se"
    app.text_input(key=f"{form}_email").input("eva@exempel.se")
    app.button(key=f"FormSubmitter:{form}-Spara").click().run()
    assert not app.error
    with Session(engine) as session:
        manager = session.scalar(select(Person).join(Contract, Contract.manager_id == Person.id))
    assert (manager.name, manager.email) == ("Eva Avtal", "eva@exempel.se")


def test_upcoming_follow_ups_open_the_unit_page(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        add_visit(
            session,
            visit_date=date(2026, 11, 2),
            unit_id=known["u2"],
            follow_up_date=date(2099, 1, 15),
            acting=PROCURER,
        )
        session.commit()
    app = open_page("pages/unit.py")
    (follow_ups,) = (frame.value for frame in app.dataframe)
    assert list(follow_ups["Enhet"]) == ["Björken"] and list(follow_ups["Följs upp"]) == [date(2099, 1, 15)]


def test_catalogue_filters_by_supplier(known: dict[str, int], engine: Engine) -> None:
    with Session(engine) as session:
        ica = session.scalar(select(Supplier.id).where(Supplier.name == "ICA"))
        menigo = session.scalar(select(Supplier.id).where(Supplier.name == "Menigo"))
    with clock.frozen(date(2026, 11, 30)):  # while LIV-1 is valid (it ends 2026-12-31)
        app = open_page("pages/contract_catalogue.py")
        app.multiselect(key="catalogue_suppliers").set_value([ica]).run()
        assert "0 avtal" in [caption.value for caption in app.caption]  # ICA holds no contract
        app.multiselect(key="catalogue_suppliers").set_value([menigo]).run()
        assert "1 avtal" in [caption.value for caption in app.caption]
        assert list(app.dataframe[0].value["Avtal"]) == ["avtal?contract=LIV-1"]
