"""How the app is served: ``streamlit run serve.py`` (the pages live in ``app.py``).

Streamlit takes a ``pages/`` folder beside the main script for its old
folder-based navigation until ``st.navigation`` first runs in the process, so
the very first visitor after a server start who opens a deep link
(``/avtal?contract=...``) was told "Page not found" over the right page. This
entry point tells Streamlit at start-up that the app navigates with
``st.navigation``, before anyone visits.

It also hands Streamlit ``ui.errors.on_script_error``: what fails outside
app.py's body (a widget callback, a fragment rerun) gets the same Swedish
message and logged reference as a page that fails inside it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from ui.errors import on_script_error


@asynccontextmanager
async def _navigation_from_the_start(_app: st.App) -> AsyncIterator[None]:
    PagesManager.uses_pages_directory = False  # app.py calls st.navigation; pages/ is its page list
    yield


app = st.App("app.py", lifespan=_navigation_from_the_start, on_script_error=on_script_error)
