"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL needs ``TEST_DATABASE_URL`` (a server where we may create
databases); each run creates a fresh database and drops it afterwards.
Without it the PostgreSQL variants are skipped with that reason shown.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator

import pytest
import python_calamine
import streamlit as st
from hypothesis import settings
from sqlalchemy import Engine, create_engine, delete, text
from sqlalchemy.engine import make_url

from data_access.core.db import engine_for
from data_access.core.migrate import upgrade_database
from data_access.core.models import Base

# Property tests judge correctness, not speed: on a busy 2-core CI machine a
# single example can take longer than Hypothesis's default 200 ms deadline.
settings.register_profile("avtalsfokus", deadline=None)
settings.load_profile("avtalsfokus")

# Never let a test touch the developer's demo database.
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

PG_SKIP_REASON = (
    "PostgreSQL tests need TEST_DATABASE_URL, e.g. "
    "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    yield from fresh_postgres_database(base)


def fresh_postgres_database(base_url: str, options: str = "") -> Iterator[str]:
    """Create a throwaway database on the server of ``base_url``; drop it after.
    ``options`` are added to CREATE DATABASE (e.g. a C locale)."""
    name = f"avtalsfokus_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" {options}'.strip()))
    url = make_url(base_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        engine_for(url).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated_url(request: pytest.FixtureRequest) -> str:
    """A database upgraded to the latest migration, once per backend."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade_database(engine_for(url))
    return url


def wipe(engine: Engine) -> None:
    """Empty every table, children first, keeping the schema."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))


@pytest.fixture
def engine(migrated_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An empty migrated database, also made the configured one (DATABASE_URL)."""
    monkeypatch.setenv("DATABASE_URL", migrated_url)
    engine = engine_for(migrated_url)
    wipe(engine)
    # wipe() deletes app_setting, the data version with it, so two tests'
    # worlds could meet the same version on the same URL: start each cold.
    st.cache_data.clear()
    yield engine
    wipe(engine)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no attempts counted: the forms' rate limits
    (data_access.access.rate_limit) live in process memory, and the default
    test user would otherwise use up the needs form's limit across tests."""
    from data_access.access.rate_limit import LIMITER

    LIMITER.reset()
    yield
    LIMITER.reset()


@pytest.fixture
def expected_app_errors() -> None:
    """Request this in a test whose pages are meant to fail (tests/test_error_handling.py)."""


class _ReportedErrors(logging.Handler):
    """Keeps the errors ui.errors reported to the log (they carry a reference)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if hasattr(record, "reference"):
            self.records.append(record)


@pytest.fixture(autouse=True)
def _app_errors_fail_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """A page that fails shows the Swedish message with a reference (ui.errors),
    not an exception box, so AppTest's ``app.exception`` no longer sees it: any
    error ui.errors reports fails the test, unless it asks for ``expected_app_errors``."""
    reported = _ReportedErrors()
    logger = logging.getLogger("avtalsfokus")
    logger.addHandler(reported)
    try:
        yield
    finally:
        logger.removeHandler(reported)
    if reported.records and "expected_app_errors" not in request.fixturenames:
        first = reported.format(reported.records[0])
        pytest.fail(f"A page failed (it showed a reference):\n{first}", pytrace=False)


@pytest.fixture
def calamine_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the file gets as far as calamine."""

    class Forbidden:
        @classmethod
        def from_filelike(cls, *args: object, **kwargs: object) -> None:
            raise AssertionError("calamine must not see this file")

        from_path = from_filelike

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Forbidden)
