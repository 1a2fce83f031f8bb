"""Hitta avtal: the search finds Swedish words whatever their case, takes
``%`` and ``_`` literally and finds suppliers by name and org number, on
SQLite, on PostgreSQL and on a PostgreSQL database whose ctype is C (where
``lower()`` folds only ASCII, as SQLite's does); the page shows the decisive
columns first and no raw values.

The fixture (today frozen at 2026-06-01; every contract valid then):

    ÖVR-1    Övriga tjänster        Övriga tjänster     Konsultbolaget i Norr AB
    BUS-1    Skolskjuts             Persontransporter   Ängelholms Buss AB 556036-0793; manager Åsa Öberg
    CAF-1    Café och konferens     Livsmedel           Fika & Co
    RAB-1    Rabatt 10% på frakt    Kontorsmaterial     Kontorsgrossisten AB
    RAB-2    Rabatt 10 kr per order Kontorsmaterial     Kontorsgrossisten AB
    IT_2025  IT-stöd                IT-tjänster         Datahuset AB (no org number)
    IT-2025  IT-konsulter           IT-tjänster         Datahuset AB (no org number)
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.core import clock
from data_access.core.db import engine_for
from data_access.core.migrate import upgrade_database
from data_access.core.models import Account, Contract, ContractSupplier, Person, Supplier
from data_access.core.settings import bump_data_version
from data_access.customers.contracts import search_contracts
from data_access.engine.classification import classify_lines
from tests.app_pages import APP, signed_in
from tests.conftest import PG_SKIP_REASON, fresh_postgres_database, wipe
from tests.factories import World
from ui.catalogue import FIGURE_SPACE, sortable_figures, table_key

TODAY = date(2026, 6, 1)
RAW_VALUES = ("None", "none", "nan", "NaN", "empty", "NaT", "<NA>")

SEARCHES = [
    ("Övriga", ["ÖVR-1"]),
    ("övriga", ["ÖVR-1"]),
    ("ÖVRIGA TJÄNSTER", ["ÖVR-1"]),
    ("Ängel", ["BUS-1"]),
    ("ängelholms buss", ["BUS-1"]),
    ("CAFÉ", ["CAF-1"]),
    ("café", ["CAF-1"]),
    ("10%", ["RAB-1"]),
    ("%", ["RAB-1"]),
    ("it_2025", ["IT_2025"]),
    ("_", ["IT_2025"]),
    ("5560360793", ["BUS-1"]),
    ("556036-0793", ["BUS-1"]),
    ("556036", ["BUS-1"]),
    ("SE556036079301", ["BUS-1"]),
    ("fika & co", ["CAF-1"]),
    ("kontorsgrossisten", ["RAB-1", "RAB-2"]),
    ("åsa öberg", ["BUS-1"]),
    ("skolskjuts ängel", ["BUS-1"]),  # every word, each in any field
    ("skolskjuts övriga", []),
    ("  övriga  ", ["ÖVR-1"]),
    ("ingenting sådant", []),
]


def build_catalogue(session: Session) -> dict[str, int]:
    world = World(session)
    categories = {
        name: world.category(name)
        for name in ("Övriga tjänster", "Persontransporter", "Livsmedel", "Kontorsmaterial", "IT-tjänster")
    }

    def supplier(name: str, org_number: str | None) -> Supplier:
        row = Supplier(name=name, org_number=org_number)
        session.add(row)
        session.flush()
        return row

    consultants = supplier("Konsultbolaget i Norr AB", "5567037485")
    buses = supplier("Ängelholms Buss AB", "5560360793")
    fika = supplier("Fika & Co", "5566778899")
    office = supplier("Kontorsgrossisten AB", "5568901234")
    data_house = supplier("Datahuset AB", None)
    manager = Person(name="Åsa Öberg", email="asa.oberg@kommun.example", phone="019-21 10 00")
    session.add(manager)
    session.flush()
    ids: dict[str, int] = {}
    for reference, name, category, suppliers, valid_to, contract_manager, bids in (
        ("ÖVR-1", "Övriga tjänster", "Övriga tjänster", [consultants], date(2029, 12, 31), None, None),
        ("BUS-1", "Skolskjuts", "Persontransporter", [buses], date(2029, 6, 30), manager, 1),
        ("CAF-1", "Café och konferens", "Livsmedel", [fika], date(2028, 12, 31), None, 3),
        ("RAB-1", "Rabatt 10% på frakt", "Kontorsmaterial", [office], date(2028, 6, 30), None, 3),
        ("RAB-2", "Rabatt 10 kr per order", "Kontorsmaterial", [office], date(2027, 12, 31), None, 3),
        ("IT_2025", "IT-stöd", "IT-tjänster", [data_house], date(2027, 6, 30), None, 2),
        ("IT-2025", "IT-konsulter", "IT-tjänster", [data_house], date(2026, 9, 30), None, 2),
    ):
        contract = Contract(
            reference=reference,
            name=name,
            category_id=categories[category].id,
            valid_from=date(2024, 1, 1),
            valid_to=valid_to,
            manager_id=contract_manager.id if contract_manager else None,
            bid_count=bids,
        )
        session.add(contract)
        session.flush()
        for row in suppliers:
            session.add(ContractSupplier(contract_id=contract.id, supplier_id=row.id))
        ids[reference] = contract.id
    # Spend in Persontransporter only, within the last full months (the data ends on 31 March):
    # 750 on contract, 250 elsewhere -> 75,0 %.
    department = world.department("UTB", "Utbildningsförvaltningen")
    school = world.unit("U1", department, "Skolan")
    account = Account(number="5810", name="Resor", category_id=categories["Persontransporter"].id)
    session.add(account)
    session.flush()
    taxis = supplier("Taxi i Stan AB", "5569012346")
    world.line(date(2026, 2, 10), "750.00", buses, account, school)
    world.line(date(2026, 3, 31), "250.00", taxis, account, school)
    classify_lines(session)
    bump_data_version(session)  # the page's caches must not answer from an earlier test's data
    session.commit()
    return ids


# --- the search itself, on three databases ------------------------------------------------


@pytest.fixture(scope="module")
def c_locale_postgres_url() -> Iterator[str]:
    """A PostgreSQL database with ctype and collation C: its ``lower()``
    leaves Ö, Ä, Å and É as they are, as SQLite's does."""
    import os

    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    yield from fresh_postgres_database(base, "TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'")


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "postgresql_c_locale"])
def search_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A catalogue database per backend, built once for the whole table."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('catalogue') / 'search.db'}"
    elif request.param == "postgresql":
        url = request.getfixturevalue("postgresql_url")
    else:
        url = request.getfixturevalue("c_locale_postgres_url")
    engine = engine_for(url)
    upgrade_database(engine)
    wipe(engine)
    with Session(engine) as session:
        build_catalogue(session)
    yield engine
    wipe(engine)


@pytest.mark.parametrize(("typed", "expected"), SEARCHES)
def test_the_search_finds_exactly(search_engine: Engine, typed: str, expected: list[str]) -> None:
    with Session(search_engine) as session:
        found = search_contracts(session, text=typed, today=TODAY)
    assert sorted(listing.reference for listing in found) == sorted(expected)


def test_the_c_locale_database_really_folds_only_ascii(c_locale_postgres_url: str) -> None:
    """The premise of the third backend: its own lower() cannot be relied on."""
    with create_engine(c_locale_postgres_url).connect() as connection:
        assert connection.scalar(text("SELECT lower('ÖVRIGA')")) == "Övriga"


def test_an_empty_search_lists_every_contract_latest_ending_first(search_engine: Engine) -> None:
    with Session(search_engine) as session:
        found = search_contracts(session, text="", today=TODAY)
    assert [listing.reference for listing in found] == [
        "ÖVR-1",
        "BUS-1",
        "CAF-1",
        "RAB-1",
        "RAB-2",
        "IT_2025",
        "IT-2025",
    ]
    bus = next(listing for listing in found if listing.reference == "BUS-1")
    assert [(s.name, s.org_number_text) for s in bus.supplier_list] == [("Ängelholms Buss AB", "556036-0793")]


def test_the_search_and_the_filters_combine(search_engine: Engine) -> None:
    with Session(search_engine) as session:
        office = session.scalar(text("SELECT id FROM category WHERE name = 'Kontorsmaterial'"))
        found = search_contracts(session, text="rabatt", category_ids=(office,), today=TODAY)
        assert sorted(listing.reference for listing in found) == ["RAB-1", "RAB-2"]
        found = search_contracts(session, text="rabatt kr", category_ids=(office,), today=TODAY)
        assert [listing.reference for listing in found] == ["RAB-2"]


# --- the page -----------------------------------------------------------------------------

FIRST_COLUMNS = ["Avtal", "Namn", "Kategori", "Avtalsansvarig", "Gäller till", "Status"]


@pytest.fixture
def catalogue(engine: Engine) -> Iterator[dict[str, int]]:
    with Session(engine) as session:
        ids = build_catalogue(session)
    with clock.frozen(TODAY):
        yield ids


def catalogue_page() -> AppTest:
    app = signed_in(AppTest.from_file(APP, default_timeout=60)).run()
    app.switch_page("pages/contract_catalogue.py").run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app


NO_MATCH = "Inga avtal matchar sökningen och filtren."


def shown_references(app: AppTest) -> list[str]:
    """The references in the search's table; none when the page says nothing matched."""
    if any(info.value.startswith(NO_MATCH) for info in app.info):
        return []
    return [parse_qs(urlsplit(link).query)["contract"][0] for link in app.dataframe[0].value["Avtal"]]


def test_the_decisive_columns_come_first(catalogue: dict[str, int]) -> None:
    app = catalogue_page()
    for table in app.dataframe:
        assert list(table.value.columns)[:6] == FIRST_COLUMNS


def test_the_search_through_the_page(catalogue: dict[str, int]) -> None:
    app = catalogue_page()
    app.multiselect(key="states").set_value([]).run()  # every state: the table holds all seven
    assert len(shown_references(app)) == 7
    for typed, expected in SEARCHES:
        app.text_input(key="search").input(typed).run()
        assert sorted(shown_references(app)) == sorted(expected), typed
        assert f"{len(expected)} avtal" in [caption.value for caption in app.caption]


def test_an_empty_result_says_so_instead_of_an_empty_table(catalogue: dict[str, int]) -> None:
    """``st.dataframe`` of no rows reads "empty" in the grid."""
    app = catalogue_page()
    tables = len(app.dataframe)
    app.text_input(key="search").input("ingenting sådant").run()
    assert "0 avtal" in [caption.value for caption in app.caption]
    assert [info.value for info in app.info if info.value.startswith(NO_MATCH)]
    assert len(app.dataframe) == tables - 1
    assert all(len(table.value) > 0 for table in app.dataframe)


def test_the_page_shows_no_raw_values(catalogue: dict[str, int]) -> None:
    app = catalogue_page()
    app.multiselect(key="states").set_value([]).run()
    frame = app.dataframe[0].value.set_index("Avtal")
    for column in frame.columns:
        for value in frame[column]:
            assert value is not None and value == value, column  # no missing cell: it would show "None"
            assert str(value).strip() not in RAW_VALUES, column
    bus, other = frame.loc["avtal?contract=BUS-1"], frame.loc["avtal?contract=%C3%96VR-1"]
    assert bus["Avtalsansvarig"] == "Åsa Öberg, asa.oberg@kommun.example, 019-21\u00a010\u00a000"
    assert other["Avtalsansvarig"] == "–"
    assert bus["Leverantörer"] == "Ängelholms Buss AB (556036-0793)"
    assert frame.loc["avtal?contract=IT_2025", "Leverantörer"] == "Datahuset AB"
    assert bus["Avtalstrohet i kategorin"].lstrip(FIGURE_SPACE) == "75,0\u00a0%"
    assert other["Avtalstrohet i kategorin"].lstrip(FIGURE_SPACE) == "–"
    assert (bus["Antal anbud"].lstrip(FIGURE_SPACE), bus["Ett anbud"]) == ("1", "Ja")
    assert (other["Antal anbud"].lstrip(FIGURE_SPACE), other["Ett anbud"]) == ("–", "–")
    assert other["Upphandlat av"] == "Kommunen"


def test_figure_columns_sort_by_value() -> None:
    """The grid sorts text with the browser's collation, in which white space
    (the figure space too) comes before digits: padded to one width, "–"
    comes first and 100 after 9 (seen so in Chromium). Emulated here by
    treating the figure space as a space."""
    padded = sortable_figures(["100,0\u00a0%", "9,5\u00a0%", "–", "55,2\u00a0%"])
    assert len({len(value) for value in padded}) == 1
    in_order = sorted(padded, key=lambda value: value.replace(FIGURE_SPACE, " "))
    assert [value.lstrip(FIGURE_SPACE) for value in in_order] == [
        "–",
        "9,5\u00a0%",
        "55,2\u00a0%",
        "100,0\u00a0%",
    ]


def test_choosing_a_row_shows_the_contract_in_full(catalogue: dict[str, int]) -> None:
    app = catalogue_page()
    app.text_input(key="search").input("556036-0793").run()
    shown = [catalogue["BUS-1"]]
    app.session_state[table_key("catalogue", shown)] = {
        "selection": {"rows": [0], "columns": [], "cells": []}
    }
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    texts = [element.value for element in app.text]
    assert "BUS-1 · Skolskjuts" in texts
    assert "Åsa Öberg\nasa.oberg@kommun.example\n019-21 10 00" in texts
    assert any("Ängelholms Buss AB, org.nr 556036-0793" in value for value in texts)
    assert any("Avtalstrohet i kategorin: 75,0\u00a0%" in value for value in texts)


def test_the_catalogue_reads_the_one_clock(engine: Engine) -> None:
    """The states follow the clock the tests set, not the calendar."""
    with Session(engine) as session:
        build_catalogue(session)
    with clock.frozen(date(2029, 7, 1)):  # only ÖVR-1 (to 2029-12-31) is still valid, and it ends soon
        app = catalogue_page()
        assert shown_references(app) == ["ÖVR-1"]
        assert list(app.dataframe[0].value["Status"]) == ["Upphör inom 6 månader"]


@pytest.mark.parametrize(("bids", "expected"), [(1, True), (2, False), (0, False), (None, None)])
def test_single_bid_is_one_bid_and_unknown_without_a_count(bids: int | None, expected: bool | None) -> None:
    from data_access.customers.contracts import single_bid

    assert single_bid(bids) is expected
