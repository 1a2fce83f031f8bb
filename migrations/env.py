"""Alembic environment: runs migrations on the app's own engine.

``render_as_batch`` lets ALTER-style migrations work on SQLite, which cannot
alter most things in place.
"""

from __future__ import annotations

from alembic import context

from data_access.core.db import get_engine
from data_access.core.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    with get_engine().begin() as connection:
        _run(connection)


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run against a database.")
run_migrations()
