"""App-wide settings kept in the database (table ``app_setting``).

The data version is a random token replaced by every write; the UI keys its
caches on it so an import shows at once. Commands never replace it
themselves: the unit of work (:mod:`data_access.core.work`) does, in the
commit of every session that wrote.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data_access.core.models import AppSetting

DATA_VERSION = "data_version"
DEMO_DATA = "demo_data"


def get_setting(session: Session, key: str, default: str | None = None) -> str | None:
    value = session.scalar(select(AppSetting.value).where(AppSetting.key == key))
    return default if value is None else value


def set_setting(session: Session, key: str, value: str) -> None:
    """Insert or replace in one statement: two transactions setting the same
    new key at once (fifty needs submitted together) must not collide."""
    dialect = session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(AppSetting).values(key=key, value=value)
    session.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def bump_data_version(session: Session) -> str:
    """Mark all cached figures stale. A token, not a counter, so that a
    database emptied and refilled never repeats an old version. Called by
    the unit of work's commit; a command that calls it as well only
    replaces the token twice."""
    version = uuid.uuid4().hex
    set_setting(session, DATA_VERSION, version)
    return version


def data_version(session: Session) -> str:
    return get_setting(session, DATA_VERSION, "") or ""


def is_demo_data(session: Session) -> bool:
    return get_setting(session, DEMO_DATA) == "1"
