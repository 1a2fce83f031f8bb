"""Faults (issue 14): PostgreSQL restarted while people use the app.

A throwaway cluster of the test's own (tests/throwaway_postgres.py, never the
shared server) holds a small demo municipality. The app is opened on it,
then the server is stopped and started again under the same AppTest
session, as an operator's restart does under a person at work:

* while it is down, the page says in Swedish that the database does not
  answer and to try again ("försök igen"), with a reference and nothing
  technical; a need submitted then is not stored, and its text stays typed;
* once it is back, the same session's next run shows the page (the pool
  pings a connection before handing it out, and a read whose connection was
  lost is run once more), and the need is stored exactly once;
* ``pg_ctl restart -m fast`` between two runs is not noticed at all;
* the typed text survives the same outage faked on SQLite too;
* a read whose connection is cut under it is run once more
  (``data_access.core.db.retried_read``); a unit of work that wrote, a
  failing query and a database that cannot be reached at all are not.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.core.db import (
    DatabaseUnavailable,
    engine_for,
    is_database_unreachable,
    retried_read,
    session_scope,
)
from data_access.core.migrate import upgrade_database
from data_access.core.models import Contract, ContractSupplier, Need, Unit
from data_access.demo.generator import DemoOptions, load_demo
from tests.app_pages import APP, open_page, signed_in
from tests.factories import World
from tests.test_error_handling import _assert_nothing_technical, _logged, _reference_on_page
from tests.throwaway_postgres import ThrowawayCluster, postgres_binaries, throwaway_cluster
from tests.worlds import unit_on_contract
from ui.errors import DATABASE_DOWN

BINARIES = postgres_binaries()
NO_BINARIES = "no PostgreSQL binaries under /usr/lib/postgresql"
SUBMIT = "FormSubmitter:need_form-Skicka"
NEED_TEXT = "Vi behöver mindre förpackningar av mjölk, 1 liter räcker för oss."


@dataclass
class Demo:
    cluster: ThrowawayCluster
    url: str
    contract: str
    unit: str


@pytest.fixture(scope="module")
def demo() -> Iterator[Demo]:
    """A started throwaway cluster with a migrated database holding a small demo."""
    if BINARIES is None:
        pytest.skip(NO_BINARIES)
    with throwaway_cluster(BINARIES) as cluster:
        url = cluster.create_database("avtalsfokus")
        engine = engine_for(url)
        upgrade_database(engine)
        with session_scope(engine, actor="test") as session:
            load_demo(session, DemoOptions(lines=1500, seed=3))
        with Session(engine) as session:
            contract = session.scalar(
                select(Contract.reference).join(ContractSupplier).order_by(Contract.reference).limit(1)
            )
            unit = session.scalar(select(Unit.code).order_by(Unit.code).limit(1))
        try:
            yield Demo(cluster, url, contract, unit)
        finally:
            engine.dispose()


@pytest.fixture
def on_demo(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> Iterator[Demo]:
    """The demo made the configured database, every cache cold, the server up."""
    monkeypatch.setenv("DATABASE_URL", demo.url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo
    st.cache_data.clear()
    st.cache_resource.clear()


def _needs(url: str) -> int:
    with Session(engine_for(url)) as session:
        return session.scalar(select(func.count()).select_from(Need)) or 0


def _assert_says_try_again(app: AppTest, caplog: pytest.LogCaptureFixture) -> None:
    """The database-down message with a reference, logged, nothing technical."""
    _assert_nothing_technical(app, "127.0.0.1", "5544")
    (message,) = [element.value for element in app.error]
    assert message.startswith(DATABASE_DOWN) and "försök igen" in message, message
    _logged(caplog, _reference_on_page(app))


@pytest.mark.usefixtures("expected_app_errors")
def test_a_page_says_try_again_while_postgresql_is_down_and_shows_again_after(
    on_demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app = open_page("pages/contract_catalogue.py")
    assert not app.error and app.title[0].value == "Hitta avtal"

    on_demo.cluster.stop()
    try:
        app.run()
        _assert_says_try_again(app, caplog)
        app.run()  # clicking again while it is still down: the same message, a new reference
        _assert_says_try_again(app, caplog)
        arriving = signed_in(AppTest.from_file(APP, default_timeout=60))  # someone opening a deep link
        arriving.query_params["contract"] = on_demo.contract
        _assert_says_try_again(arriving.run(), caplog)
    finally:
        on_demo.cluster.start()

    app.run()
    assert not app.exception and not app.error, [e.value for e in (*app.exception, *app.error)]
    assert app.title[0].value == "Hitta avtal"


def test_a_restart_between_two_runs_goes_unnoticed(on_demo: Demo) -> None:
    """Every pooled connection is dead after the restart; the next run still
    shows the page without a message (conftest fails the test on any report)."""
    app = open_page("pages/contract_catalogue.py")
    on_demo.cluster.restart()
    app.run()
    assert not app.exception and not app.error
    assert app.title[0].value == "Hitta avtal"
    app.switch_page("pages/fidelity.py").run()  # another page, other cached reads, still fresh
    assert not app.exception and not app.error


@pytest.mark.usefixtures("expected_app_errors")
def test_a_need_sent_during_the_outage_keeps_its_text_and_is_stored_once_after(
    on_demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    before = _needs(on_demo.url)
    app = open_page("pages/needs.py", {"contract": on_demo.contract, "unit": on_demo.unit})
    app.text_area(key="need_text").input(NEED_TEXT)

    on_demo.cluster.stop()
    try:
        app.button(key=SUBMIT).click().run()
        _assert_says_try_again(app, caplog)
    finally:
        on_demo.cluster.start()
    assert _needs(on_demo.url) == before

    app.run()  # the page is back, with the text as typed
    assert not app.error, [e.value for e in app.error]
    assert app.text_area(key="need_text").value == NEED_TEXT
    app.button(key=SUBMIT).click().run()
    assert not app.error, [e.value for e in app.error]
    assert any("Tack!" in success.value for success in app.success)
    app.run()
    assert _needs(on_demo.url) == before + 1
    with Session(engine_for(on_demo.url)) as session:
        assert session.scalars(select(Need.text).where(Need.text == NEED_TEXT)).all() == [NEED_TEXT]


# --------------------------------------------------------------------------- the read that is run once more


def _terminate_own_backend(session: Session) -> None:
    """What a restart (or an operator's pg_terminate_backend) does to a
    connection between the pool's ping and the query."""
    session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))


def test_a_read_whose_connection_is_cut_is_run_once_more(
    on_demo: Demo, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []

    @retried_read
    def contracts() -> int:
        with session_scope(engine_for(on_demo.url)) as session:
            calls.append(1)
            if len(calls) == 1:
                _terminate_own_backend(session)
            return session.scalar(select(func.count()).select_from(Contract)) or 0

    caplog.set_level(logging.WARNING, logger="avtalsfokus")
    assert contracts() > 0
    assert len(calls) == 2
    assert any("reading once more" in record.getMessage() for record in caplog.records)


def test_a_unit_of_work_that_wrote_is_not_run_again(on_demo: Demo) -> None:
    """Whether the lost write's commit landed is unknown: repeating it could store it twice."""
    calls: list[int] = []

    @retried_read
    def writes_then_loses_the_connection() -> None:
        with session_scope(engine_for(on_demo.url)) as session:
            calls.append(1)
            session.execute(text("UPDATE app_setting SET value = value WHERE false"))
            _terminate_own_backend(session)

    with pytest.raises(OperationalError) as caught:
        writes_then_loses_the_connection()
    assert is_database_unreachable(caught.value)
    assert len(calls) == 1


def test_a_failing_query_is_not_run_again(on_demo: Demo) -> None:
    calls: list[int] = []

    @retried_read
    def broken() -> None:
        with session_scope(engine_for(on_demo.url)) as session:
            calls.append(1)
            session.execute(text("SELECT * FROM no_such_table"))

    with pytest.raises(ProgrammingError):
        broken()
    assert len(calls) == 1


# --------------------------------------------------------------------------- typed text, on every backend


@pytest.mark.usefixtures("expected_app_errors")
def test_typed_text_survives_a_run_that_stopped_before_the_form(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The same outage on the test databases (SQLite and PostgreSQL), by the
    first read of every run failing as a database that does not answer does:
    the form's text and choices come back (ui.errors.keep_typed_values), a
    clicked "Skicka" is not replayed, and the next click stores the need once."""
    with Session(engine) as session:
        unit_on_contract(World(session))
        session.commit()
    caplog.set_level(logging.ERROR, logger="avtalsfokus")
    app = open_page("pages/needs.py", {"contract": "LIV-1", "unit": "U1"})
    app.text_area(key="need_text").input(NEED_TEXT)
    app.selectbox(key="need_type").set_value("package_size")
    chosen = app.selectbox(key="need_contract").value

    def down(*_args: object) -> str:
        raise DatabaseUnavailable("the database does not answer")

    with monkeypatch.context() as outage:
        outage.setattr("ui.cached.data_version", down)
        app.button(key=SUBMIT).click().run()
        _assert_says_try_again(app, caplog)
    assert _needs(engine.url.render_as_string(hide_password=False)) == 0

    app.run()
    assert not app.error, [e.value for e in app.error]
    assert app.text_area(key="need_text").value == NEED_TEXT
    assert app.selectbox(key="need_type").value == "package_size"
    assert app.selectbox(key="need_contract").value == chosen
    assert not app.success  # the click during the outage was not replayed
    app.button(key=SUBMIT).click().run()
    assert any("Tack!" in success.value for success in app.success)
    app.run()
    with Session(engine) as session:
        assert session.scalars(select(Need.text)).all() == [NEED_TEXT]


def test_a_database_that_cannot_be_reached_is_not_tried_twice() -> None:
    """A refused (or timed-out) connection is no connection lost under a
    read: trying again at once would only make the person wait twice."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe is closed
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/nothing"
    calls: list[int] = []

    @retried_read
    def read() -> None:
        with session_scope(engine_for(url)) as session:
            calls.append(1)
            session.execute(text("SELECT 1"))

    with pytest.raises(OperationalError) as caught:
        read()
    assert is_database_unreachable(caught.value)
    assert len(calls) == 1
    engine_for(url).dispose()
