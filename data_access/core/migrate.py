"""Bring a database to the latest schema with Alembic.

The app and the CLI call ``upgrade_database`` at start, so a new deployment or
a new release needs no manual migration step.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from data_access.core.config import PROJECT_ROOT
from data_access.core.db import get_engine


def alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head() or ""


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_database(engine: Engine | None = None) -> None:
    """Create or upgrade the schema to head; a no-op when already current."""
    engine = engine or get_engine()
    if current_revision(engine) == head_revision():
        return
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
