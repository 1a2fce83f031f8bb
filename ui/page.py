"""How every page starts: its own role check, the run's data state, the
title, the demo notice, the period the data covers and, when a page has
nothing to show without invoice lines, a warning and a stop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NoReturn

import streamlit as st

from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer
from data_access.core.periods import Period, last_full_months
from data_access.core.reference import DataPeriod
from ui import accessibility, cached
from ui.cached import DataState
from ui.signed_in import require_viewer
from ui.widgets import demo_notice

NO_LINES = "Inga fakturarader finns ännu."


@dataclass(frozen=True)
class PageStart:
    """What a page needs from its first lines: the key of every cached read,
    the first and last invoice date in the data, and who is signed in (what
    the page hands to every command and to every read of personal data)."""

    state: DataState
    in_data: DataPeriod
    viewer: Viewer

    @property
    def last(self) -> date:
        """The last invoice date; only for a page that stopped when there is none."""
        if self.in_data.last is None:
            raise ValueError("the data holds no invoice lines")
        return self.in_data.last

    @property
    def recent(self) -> Period:
        """The last twelve full months of the data: what most pages show first."""
        return last_full_months(self.last)


def stop_with(message: str) -> NoReturn:
    """Say why the page has nothing to show, and end the run here."""
    st.warning(message)
    st.stop()
    raise AssertionError("st.stop() ends the run")  # for the type checker; never reached


def page_start(
    title: str,
    intro: str | None = None,
    *,
    permission: Permission,
    empty: str | None = NO_LINES,
) -> PageStart:
    """Refuse the page unless the signed-in viewer holds ``permission`` (the
    page's own check, behind the navigation's); then the title, ``intro``
    below it, the demo notice; with ``empty`` (the default says there are no
    invoice lines yet), a page whose data holds no invoice lines says so and
    stops. ``empty=None`` for a page that works without them (importing,
    targets, a form)."""
    accessibility.sidebar_link()  # the statement the law requires, linked from every page
    try:
        viewer = require_viewer(permission)
    except AccessDenied as refusal:  # shown here, so a page run any other way refuses too
        st.error(str(refusal), icon=":material/lock:")
        st.stop()
        raise
    state = cached.data_state()
    st.title(title)
    if intro:
        st.write(intro)
    demo_notice(state)
    in_data = cached.data_period(state)
    if empty is not None and (in_data.first is None or in_data.last is None):
        stop_with(empty)
    return PageStart(state, in_data, viewer)
