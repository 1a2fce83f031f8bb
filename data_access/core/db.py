"""Engines and sessions: the one place that knows how to connect.

SQLite gets WAL, foreign keys and a busy timeout on every connection so that
several Streamlit sessions and an import can share one file. PostgreSQL is
used through psycopg 3 with the same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from data_access.core.config import database_url
from data_access.core.work import Actor, set_actor

SQLITE_BUSY_TIMEOUT_MS = 30_000
# How long a page waits for PostgreSQL to answer a new connection before it says
# the database is not answering. Without it a host that drops packets (rather than
# refusing them) holds every page for the operating system's two minutes.
PG_CONNECT_TIMEOUT_SECONDS = 10


def _normalise_url(url: str) -> str:
    """Accept the plain ``postgresql://`` form operators tend to paste."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _enable_sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # 64 MB of page cache instead of 2 MB: a bulk load inserts into six indexes
    # of a table of millions of lines, the posting keys in random order.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """Create (once per URL) an engine with the settings this app relies on."""
    url = _normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _enable_sqlite_pragmas)
        return engine
    connect_args = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_SECONDS
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def get_engine() -> Engine:
    """The engine for the currently configured database."""
    return engine_for(database_url())


@lru_cache(maxsize=8)
def _session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine | None = None, *, actor: Actor | str | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on error.

    Every command runs inside one of these, so a failure never leaves half a
    change behind; the commit replaces the data version when the session
    wrote anything, and only then (:mod:`data_access.core.work`), so a read
    opens one too. ``actor`` is who acts; a read needs none.
    """
    session = _session_factory(engine or get_engine())()
    set_actor(session, actor)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


class DatabaseUnavailable(Exception):
    """The database cannot be reached or opened at all (for SQLite: its file or
    folder cannot be created), as opposed to one query going wrong."""


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and the ones it was raised from or while handling."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_database_unreachable(error: BaseException) -> bool:
    """True when the error means the database is not there, rather than that a
    query failed: SQLAlchemy raises OperationalError or InterfaceError without a
    statement when it cannot connect (psycopg's "connection refused", SQLite's
    "unable to open database file"), marks a connection lost mid-query as
    invalidated, and times out waiting for a pooled connection. A query error
    (SQLite's "no such table" is an OperationalError too) carries its statement.
    The pages and the command line both tell the user so in their own words."""
    for link in _chain(error):
        if isinstance(link, DatabaseUnavailable | sa_exc.DisconnectionError | sa_exc.TimeoutError):
            return True
        if isinstance(link, sa_exc.OperationalError | sa_exc.InterfaceError) and (
            link.statement is None or link.connection_invalidated
        ):
            return True
    return False
