"""Who the current run acts for: set once per run by ``app.py`` after sign-in,
read by the pages (``page_start`` returns it) and by ``run_command``.

Kept in ``st.session_state`` under one key, so it is per browser session and
never shared between users; it is recomputed on every run, so a user
disabled on the admin page loses access at their next click.
"""

from __future__ import annotations

import streamlit as st

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer

VIEWER_KEY = "_avtalsfokus_viewer"


def set_viewer(viewer: Viewer | None) -> None:
    """Record the run's viewer (``None``: nobody is signed in)."""
    if viewer is None:
        st.session_state.pop(VIEWER_KEY, None)
    else:
        st.session_state[VIEWER_KEY] = viewer


def current_viewer() -> Viewer | None:
    """The signed-in viewer of this run, or ``None`` for a visitor."""
    viewer = st.session_state.get(VIEWER_KEY)
    return viewer if isinstance(viewer, Viewer) else None


def require_viewer(permission: Permission) -> Viewer:
    """The run's viewer, refused with :class:`AccessDenied` unless signed in
    and allowed ``permission``: the check every page makes itself, even though
    the navigation never offers it a page its roles do not allow."""
    viewer = current_viewer()
    if viewer is None:
        raise AccessDenied(permission)
    viewer.require(permission)
    return viewer


def may_open(page_path: str) -> bool:
    """Whether the run's viewer has the page at ``page_path`` (``pages/….py``)
    in their navigation: ``st.page_link`` fails on a page the navigation did
    not receive, and a link to a page one cannot open is no help either."""
    from ui.navigation import PAGES  # the navigation imports this module's callers

    viewer = current_viewer()
    spec = next((spec for spec in PAGES if spec.path == page_path), None)
    return viewer is not None and spec is not None and viewer.may(spec.permission)
