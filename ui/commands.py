"""The one way a page changes data.

A page never opens a session itself: it hands a command from ``data_access``
to :func:`run_command` with the signed-in viewer, which runs it in one unit of
work for that user. The command gets the viewer as its ``acting`` argument
(it checks the role itself and records who did it), and the session's actor
is the viewer, so whatever the command writes names the signed-in person,
never a name typed into a field. The unit of work replaces the data version
when the command wrote anything, so every cached read (keyed on the version)
is fresh on the next run; a command that turns out to change nothing leaves
the caches alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from data_access.access.viewer import Viewer
from data_access.core.db import engine_for, session_scope
from data_access.core.work import Actor
from ui.cached import DataState

R = TypeVar("R")


def run_command(
    state: DataState,
    command: Callable[..., R],
    *args: object,
    acting: Viewer,
    **kwargs: object,
) -> R:
    """Run ``command(session, *args, acting=acting, **kwargs)`` in one unit of
    work on the run's database and return its result.

    Commits when the command returns, rolls everything back when it raises
    (the error reaches the page unchanged, so its ``except`` clauses keep
    working, and an ``AccessDenied`` becomes the Swedish refusal). The session
    does not expire what it loaded on commit, so objects and dataclasses a
    command returns stay readable after it closes; a command must still not
    return an ORM object whose unloaded relationships the page then walks.
    """
    with session_scope(engine_for(state.url), actor=Actor(acting.label)) as session:
        return command(session, *args, acting=acting, **kwargs)
