"""Avtalsfokus: entry point. Page config, database start-up, navigation.

The start-up and the page run inside ``ui.errors.shown_with_reference``: an
unexpected error shows a Swedish message with a reference (the details go to
the server log under it), and an unreachable database says so.

The page icon is an emoji on purpose: a :material/...: icon makes the browser
fetch the favicon from the internet, which municipal networks often block.
"""

import streamlit as st

from ui.bootstrap import ensure_database
from ui.errors import shown_with_reference
from ui.navigation import PAGES

st.set_page_config(page_title="Avtalsfokus", page_icon="🤝", layout="wide")

sections: dict[str, list] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    )
navigation = st.navigation(sections)  # before start-up, so the sidebar is right meanwhile
with shown_with_reference(f"/{navigation.url_path}"):
    ensure_database()
    navigation.run()
