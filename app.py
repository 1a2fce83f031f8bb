"""Avtalsfokus: entry point. Page config, database start-up, navigation.

The page icon is an emoji on purpose: a :material/...: icon makes the browser
fetch the favicon from the internet, which municipal networks often block.
"""

import streamlit as st

from ui.bootstrap import ensure_database
from ui.navigation import PAGES

st.set_page_config(page_title="Avtalsfokus", page_icon="🤝", layout="wide")

sections: dict[str, list] = {}
for spec in PAGES:
    sections.setdefault(spec.section, []).append(
        st.Page(spec.path, title=spec.title, icon=spec.icon, url_path=spec.url_path, default=spec.default)
    )
navigation = st.navigation(sections)  # before start-up, so the sidebar is right meanwhile
ensure_database()
navigation.run()
