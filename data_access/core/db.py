"""Engines and sessions: the one place that knows how to connect.

SQLite gets WAL, foreign keys and a busy timeout on every connection so that
several Streamlit sessions and an import can share one file. PostgreSQL is
used through psycopg 3 with the same code.

A database restart must not cost a person more than one "försök igen": the
PostgreSQL pool pings a connection before it hands it out (a restart leaves
every pooled one dead), and a read whose connection is lost all the same is
run once more (:func:`retried_read`); a write never is.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from data_access.core.config import database_url
from data_access.core.work import Actor, has_written, set_actor

LOGGER = logging.getLogger("avtalsfokus")
P = ParamSpec("P")
R = TypeVar("R")

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
        _note_if_written(session)
        session.commit()
    except BaseException:
        _note_if_written(session)
        session.rollback()
        raise
    finally:
        session.close()


@dataclass
class _ReadAttempt:
    """One attempt of a :func:`retried_read`: whether a unit of work inside it wrote."""

    wrote: bool = False


_READ_ATTEMPT: ContextVar[_ReadAttempt | None] = ContextVar("avtalsfokus_read_attempt", default=None)


def _note_if_written(session: Session) -> None:
    """Tell the read attempt around this unit of work (if any) that it wrote
    or was about to (changes not yet flushed count), before the commit or
    rollback forgets it: such an attempt is never repeated."""
    attempt = _READ_ATTEMPT.get()
    if attempt is not None and (has_written(session) or session.new or session.dirty or session.deleted):
        attempt.wrote = True


@event.listens_for(Session, "before_commit")
def _note_commit(session: Session) -> None:
    # A commit inside the read (not only session_scope's own) ends what has_written knows.
    _note_if_written(session)


def retried_read(read: Callable[P, R]) -> Callable[P, R]:
    """Run ``read`` once more when the database connection was lost under it
    and it had written nothing: for functions that only read, through
    :func:`session_scope` (the pages' cached reads).

    The pool's ping catches the connections a database restart left dead
    before they are used; this catches one that dies between the ping and
    the query (the server restarted or ended the session just then), so the
    person sees the page instead of a "försök igen". A second failure is
    raised as it is, and the page says the database does not answer. The
    repeat is only ever for a read: an attempt in which any unit of work
    wrote is not repeated (its commit may have landed), and an error that is
    not a lost connection is not either: not a failing query, and not a
    database that cannot be reached at all (a connection refused or timed
    out, which a second try at once would only make the person wait for
    twice as long)."""

    @functools.wraps(read)
    def read_with_one_retry(*args: P.args, **kwargs: P.kwargs) -> R:
        outer = _READ_ATTEMPT.get()
        for retries_left in (1, 0):
            attempt = _ReadAttempt()
            token = _READ_ATTEMPT.set(attempt)
            try:
                return read(*args, **kwargs)
            except Exception as error:
                if not retries_left or attempt.wrote or not connection_lost_under_it(error):
                    raise
                LOGGER.warning(
                    "%s lost its database connection (%s); reading once more",
                    read.__qualname__,
                    type(error).__name__,
                )
            finally:
                _READ_ATTEMPT.reset(token)
                if outer is not None and attempt.wrote:
                    outer.wrote = True
        raise AssertionError("unreachable: the last attempt returns or raises")

    return read_with_one_retry


def connection_lost_under_it(error: BaseException) -> bool:
    """True when a connection the pool handed out died under a statement
    (SQLAlchemy marks the error as having invalidated it), as opposed to a
    database that cannot be connected to, or a query that failed."""
    return any(isinstance(link, sa_exc.DBAPIError) and link.connection_invalidated for link in _chain(error))


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
