"""The one way a page changes data.

A page never opens a session itself: it hands a command from ``data_access``
to :func:`run_command`, which runs it in one unit of work for the acting
user. The unit of work replaces the data version when the command wrote
anything, so every cached read (keyed on the version) is fresh on the next
run; a command that turns out to change nothing leaves the caches alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from data_access.core.db import engine_for, session_scope
from data_access.core.work import Actor
from ui.cached import DataState

R = TypeVar("R")

# Who a change from the pages is recorded as when the page asks for no name.
# Nobody signs in yet; issue 13 replaces this with the signed-in user.
PAGE_ACTOR = "webbanvändare"


def page_actor(typed: str | None = None) -> Actor:
    """The acting user for a page's change: the name typed into the page's own
    field ("Ditt namn", "Importeras av") when there is one, else
    :data:`PAGE_ACTOR`."""
    return Actor.named(typed, default=PAGE_ACTOR)


def run_command(
    state: DataState,
    command: Callable[..., R],
    *args: object,
    actor: str | None = None,
    **kwargs: object,
) -> R:
    """Run ``command(session, *args, **kwargs)`` in one unit of work on the
    run's database and return its result.

    Commits when the command returns, rolls everything back when it raises
    (the error reaches the page unchanged, so its ``except`` clauses keep
    working). ``actor`` is the name typed on the page, if any. The session
    does not expire what it loaded on commit, so objects and dataclasses a
    command returns stay readable after it closes, as they were when pages
    opened the session themselves; a command must still not return an ORM
    object whose unloaded relationships the page then walks.
    """
    with session_scope(engine_for(state.url), actor=page_actor(actor)) as session:
        return command(session, *args, **kwargs)
