"""Avtalsfokus: entry point. Page config, database start-up, sign-in, navigation.

Every run first learns who is signed in (``ui.signin.run_viewer``), then hands
``st.navigation`` only the pages that person's roles allow (built per run), so
a page address the role does not allow is not served at all. A visitor who is
not signed in gets the sign-in page, and a receipt link (``/behov?kvitto=``),
whose token is its key.

The start-up and the page run inside ``ui.errors.shown_with_reference``: an
unexpected error shows a Swedish message with a reference (the details go to
the server log under it), an unreachable database says so, and a refusal of
the role (``AccessDenied``) shows its Swedish message.

The page icon is an emoji on purpose: a :material/...: icon makes the browser
fetch the favicon from the internet, which municipal networks often block.
"""

import streamlit as st

from data_access.access.viewer import Viewer
from ui import cached
from ui.bootstrap import ensure_database
from ui.errors import shown_with_reference
from ui.navigation import navigation_for
from ui.signed_in import set_viewer
from ui.signin import run_viewer

st.set_page_config(page_title="Avtalsfokus", page_icon="🤝", layout="wide")

with shown_with_reference("start-up"):
    ensure_database()
    state = cached.data_state()
    viewer = run_viewer(state)
    set_viewer(viewer if isinstance(viewer, Viewer) else None)
navigation = navigation_for(state, viewer)
with shown_with_reference(f"/{navigation.url_path}"):
    navigation.run()
