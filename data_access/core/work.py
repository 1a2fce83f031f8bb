"""The unit of work: who is acting, and whether the session wrote.

Every session the app opens comes from :func:`data_access.core.db.session_scope`
and carries the acting user on ``session.info``. Issue 13 writes the audit
log from here; today the actor is only a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

ACTOR_KEY = "avtalsfokus.actor"

# The actor for sessions opened without one: the pages' cached reads, tests.
# A read never needs a name; a write without one is recorded as this.
UNNAMED = "okänd"


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
    session.info[ACTOR_KEY] = actor if isinstance(actor, Actor) else Actor.named(actor)


def actor_of(session: Session) -> Actor:
    """The acting user of the session's unit of work (:data:`UNNAMED` if none)."""
    actor = session.info.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else Actor(UNNAMED)
