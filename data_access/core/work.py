"""The unit of work: who is acting, whether anything was written, and the
data version that every write replaces.

The pages cache their reads keyed on the data version
(:mod:`data_access.core.settings`), so a write that forgets to replace it
shows stale figures until the next one. Commands therefore never replace it
themselves: every session notes when it writes, and its commit replaces the
version in the same transaction when it did. A session that only read
commits without touching it, so reads never empty the caches.

What counts as a write:

* a flush that inserts, deletes or really changes an object (an attribute
  set to the value it already had is not a change);
* an INSERT, UPDATE or DELETE run through ``session.execute`` (Core or ORM,
  or a textual one);
* except writes to a table marked ``OUTSIDE_DATA_VERSION`` (the users and
  the audit log), which no cached read depends on;
* :func:`mark_written`, for writes that go around the session: a DBAPI
  cursor's COPY or ``executemany`` (``data_access.engine.bulk``) or a
  ``session.connection().execute(...)``.

A write undone by a rollback is forgotten: a savepoint rolled back takes its
writes with it (a double-clicked submission that finds its twin), and so does
a rolled-back transaction (an import preview runs the import and rolls back).

The listeners are on SQLAlchemy's ``Session`` class, so every session is such
a unit of work, not only those from ``session_scope``; they are registered
when this module is imported, which :mod:`data_access.core.db` (where every
engine comes from) does.

Each unit of work also carries its actor on ``session.info``: a typed name
today, the signed-in user from issue 13, when this is where the audit log is
written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import TextClause, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from data_access.core.models import OUTSIDE_DATA_VERSION
from data_access.core.settings import bump_data_version

ACTOR_KEY = "avtalsfokus.actor"
WRITES_KEY = "avtalsfokus.writes"

# The actor of a session opened without one: cached reads, tests, scripts.
# A read never needs a name; a write without one is recorded as this.
UNNAMED = "okänd"

# First words of textual SQL that change data (ANALYZE, SET LOCAL and SELECT do not).
_WRITING_SQL = frozenset({"INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE", "UPSERT", "TRUNCATE", "COPY"})


@dataclass(frozen=True)
class Actor:
    """Who a unit of work acts for. A typed name today; the signed-in user
    from issue 13, when this is also what the audit log records."""

    name: str

    @classmethod
    def named(cls, name: str | None, default: str = UNNAMED) -> Actor:
        """A typed name, stripped; blank or missing is ``default``."""
        cleaned = (name or "").strip()
        return cls(cleaned or default)


def set_actor(session: Session, actor: Actor | str | None) -> None:
    """Name who the session acts for (``None`` or blank: :data:`UNNAMED`)."""
    session.info[ACTOR_KEY] = actor if isinstance(actor, Actor) else Actor.named(actor)


def actor_of(session: Session) -> Actor:
    """The acting user of the session's unit of work (:data:`UNNAMED` if none)."""
    actor = session.info.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else Actor(UNNAMED)


@dataclass
class _Writes:
    """Whether the session's current transaction wrote, and for each open
    savepoint what that was when it began (restored if it rolls back)."""

    wrote: bool = False
    before_savepoint: dict[SessionTransaction, bool] = field(default_factory=dict)
    committed_savepoints: set[SessionTransaction] = field(default_factory=set)


def _writes(session: Session) -> _Writes:
    writes = session.info.get(WRITES_KEY)
    if writes is None:
        writes = session.info[WRITES_KEY] = _Writes()
    return writes


def mark_written(session: Session) -> None:
    """Record a write the session cannot see (a DBAPI cursor's COPY or
    executemany, a statement on ``session.connection()``), so the commit
    replaces the data version."""
    _writes(session).wrote = True


def has_written(session: Session) -> bool:
    """True when the session's open transaction has written something that
    its commit will keep (flushed objects count once flushed)."""
    return _writes(session).wrote


def _counts_for_version(table: object) -> bool:
    """False for a table marked outside the data version (the users and the
    audit log: no cached read depends on them); True for every other, and
    when the table is not known."""
    info = getattr(table, "info", None) or {}
    return not info.get(OUTSIDE_DATA_VERSION, False)


def _is_writing_text(statement: TextClause) -> bool:
    words = statement.text.lstrip().split(None, 1)
    return bool(words) and words[0].upper() in _WRITING_SQL


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    statement = state.statement
    if statement.is_dml:
        if _counts_for_version(getattr(statement, "table", None)):
            mark_written(state.session)
    elif isinstance(statement, TextClause) and _is_writing_text(statement):
        mark_written(state.session)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: UOWTransaction) -> None:
    # Still the pre-flush state here: what was new, deleted or changed.
    changed = [*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))]
    if any(_counts_for_version(getattr(obj, "__table__", None)) for obj in changed):
        mark_written(session)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        writes = _writes(session)
        writes.before_savepoint[transaction] = writes.wrote


@event.listens_for(Session, "after_commit")
def _savepoint_kept(session: Session) -> None:
    # Fires for a released savepoint too; the one being released is the innermost.
    savepoint = session.get_nested_transaction()
    if savepoint is not None:
        _writes(session).committed_savepoints.add(savepoint)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ends(session: Session, transaction: SessionTransaction) -> None:
    writes = _writes(session)
    if transaction.nested:
        before = writes.before_savepoint.pop(transaction, writes.wrote)
        if transaction in writes.committed_savepoints:
            writes.committed_savepoints.discard(transaction)
        else:  # rolled back: what it wrote is gone
            writes.wrote = before
    elif transaction.parent is None:  # committed or rolled back: the next one starts clean
        writes.wrote = False
        writes.before_savepoint.clear()
        writes.committed_savepoints.clear()


@event.listens_for(Session, "before_commit")
def _replace_version_if_written(session: Session) -> None:
    """In the transaction being committed, so the new version and the change
    it stands for become visible together."""
    if session.in_nested_transaction():
        return  # releasing a savepoint; the outer commit decides
    session.flush()  # the commit would flush next; its writes count too
    if has_written(session):
        bump_data_version(session)
