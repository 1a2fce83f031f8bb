"""Alembic owns the schema: an empty database upgrades to head, the result
matches the models exactly, and the migrations run down and up again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from hashlib import sha256
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from data_access.core.db import engine_for
from data_access.core.migrate import alembic_config, current_revision, head_revision, upgrade_database
from data_access.core.models import Base
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


def test_posting_keys_keep_their_identity_through_0004(empty_url: str) -> None:
    """A line imported before 0004 has a 64-hex-character key; after the
    upgrade it is the 16 bytes the importer now computes for the same posting,
    so re-importing the old file still adds nothing twice. And back down."""
    engine = engine_for(empty_url)
    config = alembic_config()
    hex_key = sha256(b"posting").hexdigest()

    def migrate(step, revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    migrate(command.upgrade, "0003")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO supplier (name, needs_review) VALUES ('Menigo', false)"))
        connection.execute(
            text(
                "INSERT INTO invoice_line (invoice_date, supplier_id, amount, status, supplier_contracted, "
                "posting_key) SELECT :day, id, 100, 'pending', false, :key FROM supplier"
            ),
            {"day": date(2025, 3, 1), "key": hex_key},
        )
    migrate(command.upgrade, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT posting_key FROM invoice_line")).scalar_one() == bytes.fromhex(
            hex_key[:32]
        )
    migrate(command.downgrade, "0003")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT posting_key FROM invoice_line")).scalar_one() == hex_key[:32]
