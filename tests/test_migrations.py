"""Alembic owns the schema: an empty database upgrades to head, the result
matches the models exactly, and the migrations run down and up again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from data_access.db import engine_for
from data_access.migrate import alembic_config, current_revision, head_revision, upgrade_database
from data_access.models import Base
from tests.conftest import PG_SKIP_REASON, fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip(PG_SKIP_REASON)
    yield from fresh_postgres_database(base)


def test_empty_database_upgrades_to_head_and_matches_the_models(empty_url: str) -> None:
    engine = engine_for(empty_url)
    assert current_revision(engine) is None

    upgrade_database(engine)

    assert current_revision(engine) == head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == [], "models and migrations disagree: add a migration"


def test_upgrade_is_idempotent_and_reversible(empty_url: str) -> None:
    engine = engine_for(empty_url)
    upgrade_database(engine)
    upgrade_database(engine)  # a second start changes nothing

    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert "invoice_line" not in inspect(engine).get_table_names()

    upgrade_database(engine)
    assert current_revision(engine) == head_revision()
