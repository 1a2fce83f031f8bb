"""Min enhet: the unit's own figures, off-contract purchases with the contracts
it could have used and their managers, and its own needs; never another unit's.

The world (``tests.worlds.livsmedel_buyers``, last 12 full months Nov 2025 -
Oct 2026, classified), with what this file adds:

    LIV-1 Livsmedel (Menigo, 2024-01-01 to 2026-12-31), manager Maria Avtal
    LIV-2 Livsmedel (Svensk Cater, 2026-04-01 to 2027-06-30), manager Per Pris
    KON-1 Kontor (Lyreco, 2025-01-01 to 2026-12-31), no manager
    U1: Menigo 1 000 (10 Mar) + 100 (31 Oct) on; ICA 250 (10 Apr) off (LIV-1 and LIV-2 valid);
        Staples 400 (15 Sep) off in Kontor; ICA 999 (10 Oct 2025, before the period) off
    U2: Menigo 500 on; ICA 750 off; Staples 600 (15 Sep) off in Kontor
    U3: ICA 300 off

By hand, U1 over the period: on 1 100, off 250 + 400 = 650, fidelity
1 100 / 1 750 = 62,857 %; per month March and October 100 %, April and
September 0 %, the other months without lines. The same figures are read
again below with plain SQL on the invoice lines.

Needs: U1 has one with an answer and an internal note, U2 one of its own.
Anna Ek (anna@exempel.se) is U1's contact person, so she signs in as an enhet
user of U1 without further setup.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer, system, viewer_with
from data_access.core.models import Need, Person, UnitContact
from data_access.core.periods import Period
from data_access.customers.own_unit import off_contract_spend, own_needs, own_units
from data_access.engine.classification import classify_lines
from data_access.figures.unit_fidelity import unit_fidelity
from tests.app_pages import APP, open_page, provider_user
from tests.factories import World
from tests.worlds import livsmedel_buyers
from ui.format import percent
from ui.signed_in import VIEWER_KEY

PERIOD = Period(date(2025, 11, 1), date(2026, 10, 31))
TODAY = date(2026, 11, 30)
ANNA = "anna@exempel.se"
SECRET_NOTE = "HEMLIG intern anteckning om U1"
U2_NEED = "U2 vill ha större förpackningar"


@dataclass(frozen=True)
class Known:
    u1: int
    u2: int
    u3: int
    liv1: int
    liv2: int
    kon1: int


@pytest.fixture
def known(engine: Engine) -> Iterator[Known]:
    with Session(engine) as session:
        world = World(session)
        maria = Person(name="Maria Avtal", email="maria.avtal@kommun.example", phone="046-11 22 33")
        per = Person(name="Per Pris", email="per.pris@kommun.example", phone=None)
        anna = Person(name="Anna Ek", email=ANNA, phone=None)
        session.add_all([maria, per, anna])
        session.flush()
        buyers = livsmedel_buyers(world, manager=maria)
        liv2 = world.contract(
            "LIV-2", buyers.food, [world.supplier("Svensk Cater")], date(2026, 4, 1), date(2027, 6, 30), per
        )
        office = world.category("Kontor")
        office_account = world.account("6110", office)
        kon1 = world.contract(
            "KON-1", office, [world.supplier("Lyreco")], date(2025, 1, 1), date(2026, 12, 31)
        )
        staples = world.supplier("Staples")
        world.line(date(2026, 9, 15), "400.00", staples, office_account, buyers.u1)
        world.line(date(2026, 9, 15), "600.00", staples, office_account, buyers.u2)
        world.line(date(2025, 10, 10), "999.00", buyers.other, buyers.account, buyers.u1)  # before
        classify_lines(session)
        session.add(UnitContact(unit_id=buyers.u1.id, person_id=anna.id, role="Kock"))
        session.add_all(
            [
                Need(
                    token="u1-token",
                    unit_id=buyers.u1.id,
                    contract_id=buyers.contract.id,
                    category_id=buyers.food.id,
                    need_type="package_size",
                    text="Mindre förpackningar av mjölk",
                    submitter_name="Anna Ek",
                    submitter_email=ANNA,
                    status="in_progress",
                    answer="Vi tar upp det med leverantören.",
                    internal_notes=SECRET_NOTE,
                    assignee="Ulla Upphandlare",
                    created_at=datetime(2026, 10, 5, 9, 30),
                    updated_at=datetime(2026, 10, 7, 14, 0),
                ),
                Need(
                    token="u2-token",
                    unit_id=buyers.u2.id,
                    need_type="delivery",
                    text=U2_NEED,
                    submitter_name="Bo Björk",
                    submitter_email="bo@exempel.se",
                    status="new",
                    internal_notes="U2:s anteckning",
                    created_at=datetime(2026, 10, 6, 9, 30),
                ),
            ]
        )
        ids = Known(buyers.u1.id, buyers.u2.id, buyers.u3.id, buyers.contract.id, liv2.id, kon1.id)
        session.commit()
    yield ids


def unit_user(known: Known) -> Viewer:
    return viewer_with(ANNA, ["enhet"], unit_ids=[known.u1])


# --------------------------------------------------------------------------- the figures


def test_the_units_fidelity_is_the_hand_computed_one(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        fidelity = unit_fidelity(session, known.u1, PERIOD, acting=unit_user(known))
    assert fidelity.total.on_amount == Decimal("1100.00")
    assert fidelity.total.off_amount == Decimal("650.00")
    assert fidelity.total.fidelity_pct is not None
    assert round(fidelity.total.fidelity_pct, 3) == Decimal("62.857")
    assert [month.month for month in fidelity.months] == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        *(date(2026, month, 1) for month in range(1, 11)),
    ]
    by_month = {month.month: month.figures.fidelity_pct for month in fidelity.months}
    assert by_month[date(2026, 3, 1)] == 100
    assert by_month[date(2026, 4, 1)] == 0
    assert by_month[date(2026, 9, 1)] == 0
    assert by_month[date(2026, 10, 1)] == 100
    assert [month for month, pct in by_month.items() if pct is not None] == [
        date(2026, 3, 1),
        date(2026, 4, 1),
        date(2026, 9, 1),
        date(2026, 10, 1),
    ]


def test_the_units_fidelity_agrees_with_plain_sql_on_the_lines(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        fidelity = unit_fidelity(session, known.u1, PERIOD, acting=unit_user(known))
        sums = dict(
            session.execute(
                text(
                    "SELECT status, SUM(amount) FROM invoice_line WHERE unit_id = :unit "
                    "AND invoice_date BETWEEN :start AND :end GROUP BY status"
                ),
                {"unit": known.u1, "start": PERIOD.start, "end": PERIOD.end},
            ).all()
        )
    on, off = Decimal(sums["on"]) / 100, Decimal(sums["off"]) / 100  # stored as öre
    assert (fidelity.total.on_amount, fidelity.total.off_amount) == (on, off)
    assert fidelity.total.fidelity_pct == on * 100 / (on + off)


def test_off_contract_names_the_contracts_it_could_have_used_and_their_managers(
    engine: Engine, known: Known
) -> None:
    with Session(engine) as session:
        rows = off_contract_spend(session, known.u1, PERIOD, acting=unit_user(known))
    assert [(row.category, row.supplier, row.amount, row.line_count) for row in rows] == [
        ("Kontor", "Staples", Decimal("400.00"), 1),  # the largest first; U2's 600 is not here
        ("Livsmedel", "ICA", Decimal("250.00"), 1),  # the 999 before the period is not here
    ]
    assert rows[1].first_purchase == rows[1].last_purchase == date(2026, 4, 10)
    office, food = rows
    assert [(c.reference, c.manager, c.manager_email, c.manager_phone) for c in office.contracts] == [
        ("KON-1", None, None, None)
    ]
    # Both Livsmedel contracts were valid on 10 April; the one valid longest first.
    assert [(c.reference, c.manager, c.manager_email, c.manager_phone) for c in food.contracts] == [
        ("LIV-2", "Per Pris", "per.pris@kommun.example", None),
        ("LIV-1", "Maria Avtal", "maria.avtal@kommun.example", "046-11 22 33"),
    ]


def test_own_needs_show_status_and_answer_but_never_internal_notes(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        needs = own_needs(session, known.u1, acting=unit_user(known))
    assert [(n.text, n.status, n.answer, n.contract, n.category) for n in needs] == [
        (
            "Mindre förpackningar av mjölk",
            "in_progress",
            "Vi tar upp det med leverantören.",
            "LIV-1",
            "Livsmedel",
        )
    ]
    for field in ("internal_notes", "assignee", "submitter_name", "submitter_email"):
        assert not hasattr(needs[0], field)
    assert SECRET_NOTE not in repr(needs)


# --------------------------------------------------------------------------- only the viewer's own units


def test_a_unit_user_gets_only_their_own_units(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        assert [(u.code, u.name) for u in own_units(session, acting=unit_user(known))] == [("U1", "Ekbacken")]
        two = viewer_with(ANNA, ["enhet"], unit_ids=[known.u3, known.u1])
        assert [u.code for u in own_units(session, acting=two)] == ["U1", "U3"]
        assert own_units(session, acting=viewer_with("x@kommun.example", ["enhet"])) == []


@pytest.mark.parametrize("read", ["fidelity", "off_contract", "needs"])
def test_another_units_id_passed_directly_is_refused(engine: Engine, known: Known, read: str) -> None:
    with Session(engine) as session, pytest.raises(AccessDenied) as refused:
        call(read, session, known.u2, unit_user(known))
    assert refused.value.permission is Permission.VIEW_OWN_UNIT
    assert str(refused.value) == "Du har inte behörighet att se enhetens sida."


def call(read: str, session: Session, unit_id: int, viewer: Viewer) -> object:
    if read == "fidelity":
        return unit_fidelity(session, unit_id, PERIOD, acting=viewer)
    if read == "off_contract":
        return off_contract_spend(session, unit_id, PERIOD, acting=viewer)
    return own_needs(session, unit_id, acting=viewer)


@pytest.mark.parametrize(
    "viewer",
    [
        viewer_with("l@kommun.example", ["ledning"]),
        viewer_with("u@kommun.example", ["upphandlare"]),
        # Min enhet is the enhet role's: a procurer tied to the unit still has the unit page instead.
        viewer_with("u@kommun.example", ["upphandlare", "ledning"], unit_ids=[1, 2, 3]),
        system("cli"),  # every role, but no unit
    ],
    ids=["ledning", "upphandlare", "upphandlare-with-units", "system"],
)
@pytest.mark.parametrize("read", ["fidelity", "off_contract", "needs"])
def test_viewers_without_the_unit_are_refused(
    engine: Engine, known: Known, viewer: Viewer, read: str
) -> None:
    with Session(engine) as session, pytest.raises(AccessDenied):
        call(read, session, known.u1, viewer)


def test_ledning_and_upphandlare_cannot_list_units(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        for role in ("ledning", "upphandlare"):
            with pytest.raises(AccessDenied):
                own_units(session, acting=viewer_with(f"{role}@kommun.example", [role]))


def test_the_unit_filter_is_in_the_sql(engine: Engine, known: Known) -> None:
    """Every statement names the unit (``unit_id IN``) with only the viewer's
    unit as its value: another unit's rows never leave the database."""
    statements: list[tuple[str, object]] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            for read in ("fidelity", "off_contract", "needs"):
                call(read, session, known.u1, unit_user(known))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert statements
    for statement, parameters in statements:
        assert "unit_id IN" in statement.replace('"', ""), statement
        values = list(parameters.values()) if isinstance(parameters, dict) else list(parameters)
        assert known.u1 in values and known.u2 not in values and known.u3 not in values, statement


# --------------------------------------------------------------------------- the page


def page_texts(app: AppTest) -> str:
    """Everything the page shows as text, its tables' cells included."""
    parts = [
        str(element.value)
        for kind in ("title", "header", "markdown", "caption", "text")
        for element in getattr(app, kind)
    ]
    parts += [str(element.value) for element in (*app.warning, *app.info, *app.error)]
    for frame in app.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(parts)


def test_the_page_shows_the_unit_of_a_contact_person(engine: Engine, known: Known) -> None:
    app = open_page("pages/my_unit.py", user=provider_user(ANNA), today=TODAY)
    assert [s.value for s in app.header] == ["U1 Ekbacken"]
    shown = page_texts(app)
    assert "Mindre förpackningar av mjölk" in shown and "Vi tar upp det med leverantören." in shown
    assert "Under behandling" in shown
    assert "Maria Avtal" in shown and "Per Pris" in shown and "mailto:maria.avtal@kommun.example" in shown
    assert SECRET_NOTE not in shown and "Ulla Upphandlare" not in shown
    assert app.metric[0].label == "Avtalstrohet" and app.metric[0].value == percent(Decimal("62.857"))
    links = [link for link in app.main.get("page_link")]
    assert any("unit=U1" in str(link.proto) for link in links)
    assert len(app.get("vega_lite_chart")) == 1  # the trend, with its figures in the table below
    months = next(frame.value for frame in app.dataframe if "Månad" in frame.value.columns)
    assert len(months) == 12
    # A column with gaps (months without lines) is shown as its text: "–" in the gaps.
    by_month = {
        month: text.strip() for month, text in zip(months["Månad"], months["Avtalstrohet"], strict=True)
    }
    assert [by_month[month] for month in ("mars 2026", "april 2026", "september 2026", "maj 2026")] == [
        percent(100),
        percent(0),
        percent(0),
        "–",
    ]
    assert months["Avtalsotroget"].sum() == 650 and months["Avtalat"].sum() == 1100


def test_another_units_code_in_the_address_shows_your_own_unit(engine: Engine, known: Known) -> None:
    app = open_page("pages/my_unit.py", {"enhet": "U2"}, user=provider_user(ANNA), today=TODAY)
    assert [w.value for w in app.warning] == [
        "Enheten U2 är inte din enhet. Du ser din egen enhet i stället."
    ]
    assert [s.value for s in app.header] == ["U1 Ekbacken"]
    shown = page_texts(app)
    for other in ("Björken", U2_NEED, "U2:s anteckning", "Bo Björk", "bo@exempel.se", "600", SECRET_NOTE):
        assert other not in shown, other


def test_a_unit_user_with_two_units_chooses_by_the_address(engine: Engine, known: Known) -> None:
    with Session(engine) as session:
        session.add(
            UnitContact(
                unit_id=known.u3,
                person_id=session.query(Person.id).filter_by(email=ANNA).scalar(),
                role="Kock",
            )
        )
        session.commit()
    app = open_page("pages/my_unit.py", {"enhet": "U3"}, user=provider_user(ANNA), today=TODAY)
    assert [s.value for s in app.header] == ["U3 Granen"]
    assert not app.warning
    assert app.selectbox[0].options == ["U1 Ekbacken", "U3 Granen"]
    app.selectbox[0].select("U1").run()
    assert [s.value for s in app.header] == ["U1 Ekbacken"]
    assert app.query_params["enhet"] == "U1"  # a link to the page opens the unit chosen


def test_a_viewer_without_units_is_told_whom_to_ask(engine: Engine, known: Known) -> None:
    app = open_page("pages/my_unit.py", user=provider_user("enhet@kommun.example", "enhet"), today=TODAY)
    assert app.info[0].value.startswith("Du är inte kopplad till någon enhet")
    assert [t.value for t in app.text] == ["Kontakta upphandlingsenheten."]
    assert not app.dataframe and not app.header


@pytest.mark.parametrize("role", ["ledning", "upphandlare"])
def test_the_page_refuses_ledning_and_upphandlare(engine: Engine, known: Known, role: str) -> None:
    app = AppTest.from_file(str(APP).replace("app.py", "pages/my_unit.py"), default_timeout=60)
    app.session_state[VIEWER_KEY] = viewer_with(f"{role}@kommun.example", [role], unit_ids=[known.u1])
    app.run()
    assert [element.value for element in app.error] == ["Du har inte behörighet att se enhetens sida."]
    assert not app.title and not app.dataframe
