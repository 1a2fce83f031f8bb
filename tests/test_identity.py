"""From a signed-in e-mail to what that person may do (data_access.access.identity).

Each rule of the issue on its own: a unit's contact person is an enhet user of
that unit without setup, a person of the municipality's domains may search
contracts and submit needs, explicit users add their roles and override both,
a disabled user gets nothing, and the provider's roles claim adds roles.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data_access.access import identity
from data_access.access.roles import Permission, Role
from data_access.core.models import Person, UnitContact, User, UserRole, UserUnit
from data_access.core.settings import set_setting
from tests.factories import World


@pytest.fixture
def units(engine: Engine) -> dict[str, int]:
    """Two units; Eva Ek is the contact person of the first (a mixed-case e-mail)."""
    with Session(engine) as session, session.begin():
        world = World(session)
        department = world.department()
        first, second = world.unit("1001", department), world.unit("1002", department)
        person = Person(name="Eva Ek", email="Eva.Ek@Kommun.example")
        session.add(person)
        session.flush()
        session.add(UnitContact(unit_id=first.id, person_id=person.id, role="Enhetschef"))
        return {"first": first.id, "second": second.id}


def resolve(
    engine: Engine, email: str, name: str = "", roles: tuple[str, ...] = ()
) -> identity.Viewer | None:
    with Session(engine) as session:
        return identity.resolve_viewer(session, email, name, roles)


def add_user(
    engine: Engine, email: str, roles: tuple[str, ...], unit_ids: tuple[int, ...] = (), **kw: object
) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            User(
                email=email,
                roles=[UserRole(role=role) for role in roles],
                units=[UserUnit(unit_id=unit_id) for unit_id in unit_ids],
                **kw,
            )
        )


def test_a_unit_contact_person_is_an_enhet_user_of_that_unit(engine: Engine, units: dict[str, int]) -> None:
    viewer = resolve(engine, " eva.ek@kommun.EXAMPLE ")
    assert viewer is not None
    assert viewer.email == "eva.ek@kommun.example"
    assert viewer.roles == {Role.ENHET}
    assert viewer.unit_ids == {units["first"]}
    assert viewer.may(Permission.VIEW_OWN_UNIT) and viewer.may(Permission.SUBMIT_NEEDS)
    assert not viewer.may(Permission.VIEW_CONTACTS)


def test_a_stranger_gets_nothing(engine: Engine, units: dict[str, int]) -> None:
    assert resolve(engine, "okand@annan.example") is None
    assert resolve(engine, "") is None
    assert resolve(engine, "inte-en-adress") is None


def test_the_municipal_domains_may_search_and_submit(engine: Engine, units: dict[str, int]) -> None:
    with Session(engine) as session, session.begin():
        set_setting(session, identity.DOMAINS_SETTING, "Kommun.example; @skola.kommun.example")
    viewer = resolve(engine, "bo@skola.kommun.example")
    assert viewer is not None
    assert viewer.roles == frozenset() and viewer.unit_ids == frozenset()
    assert viewer.permissions == {Permission.VIEW_CATALOGUE, Permission.SUBMIT_NEEDS}
    assert resolve(engine, "bo@kommun.example.evil") is None  # a suffix is no subdomain
    assert resolve(engine, "bo@annan.example") is None


def test_parse_domains_takes_any_separator() -> None:
    assert identity.parse_domains(" Lund.se,@skola.lund.se\nlund.se ") == ("lund.se", "skola.lund.se")
    assert identity.parse_domains("") == ()


def test_an_explicit_user_adds_roles_and_its_units_replace_the_implicit_ones(
    engine: Engine, units: dict[str, int]
) -> None:
    add_user(engine, "eva.ek@kommun.example", ("ledning", "enhet"), (units["second"],), display_name="Eva")
    viewer = resolve(engine, "eva.ek@kommun.example")
    assert viewer is not None
    assert viewer.roles == {Role.LEDNING, Role.ENHET}
    assert viewer.unit_ids == {units["second"]}
    assert viewer.name == "Eva"


def test_an_explicit_user_without_units_keeps_the_implicit_ones(
    engine: Engine, units: dict[str, int]
) -> None:
    add_user(engine, "eva.ek@kommun.example", ("upphandlare",))
    viewer = resolve(engine, "eva.ek@kommun.example")
    assert viewer is not None
    assert viewer.roles == {Role.UPPHANDLARE, Role.ENHET}
    assert viewer.unit_ids == {units["first"]}


def test_a_disabled_user_gets_nothing_even_as_a_contact_person(engine: Engine, units: dict[str, int]) -> None:
    add_user(engine, "eva.ek@kommun.example", ("admin",), disabled=True)
    assert resolve(engine, "eva.ek@kommun.example") is None


def test_the_providers_roles_claim_adds_known_roles_only(engine: Engine, units: dict[str, int]) -> None:
    viewer = resolve(engine, "chef@annan.example", "Chef", ("ledning", "superuser"))
    assert viewer is not None
    assert viewer.roles == {Role.LEDNING}
    assert viewer.name == "Chef"


def test_whom_to_ask_for_access(engine: Engine, units: dict[str, int]) -> None:
    with Session(engine) as session:
        assert identity.access_contact(session) == "Kontakta upphandlingsenheten."
    add_user(engine, "admin@kommun.example", ("admin",))
    add_user(engine, "gammal@kommun.example", ("admin",), disabled=True)
    with Session(engine) as session:
        assert identity.access_contact(session) == "Kontakta appens administratör: admin@kommun.example."
    with Session(engine) as session, session.begin():
        set_setting(session, identity.ACCESS_CONTACT_SETTING, "Ring servicedesk, 046-35 50 00.")
    with Session(engine) as session:
        assert identity.access_contact(session) == "Ring servicedesk, 046-35 50 00."


def test_the_demo_unit_user_belongs_to_a_unit_with_contact_people(
    engine: Engine, units: dict[str, int]
) -> None:
    with Session(engine) as session:
        unit_user = identity.demo_viewer(session, Role.ENHET)
        manager = identity.demo_viewer(session, Role.LEDNING)
    assert unit_user.unit_ids == {units["first"]}
    assert unit_user.email.endswith(".invalid")
    assert manager.roles == {Role.LEDNING} and manager.unit_ids == frozenset()
