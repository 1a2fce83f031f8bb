"""Start-up: bring the database to the latest schema and, on the embedded
default database only, load the demo the first time the app starts."""

from __future__ import annotations

import threading

import streamlit as st
from sqlalchemy import Engine

from data_access.core.config import database_url, demo_lines, is_default_database
from data_access.core.db import DatabaseUnavailable, engine_for, session_scope
from data_access.core.migrate import upgrade_database
from data_access.demo.generator import DemoOptions, database_is_empty, load_demo

_demo_lock = threading.Lock()

# Who the demo load is recorded as: no user asked for it, the first start did.
STARTUP_ACTOR = "uppstart"


@st.cache_resource(show_spinner="Uppgraderar databasen …")
def _upgraded(url: str) -> bool:
    """Run the migrations once per database and server process."""
    upgrade_database(_engine(url))
    return True


def _engine(url: str) -> Engine:
    """The engine, or DatabaseUnavailable when an SQLite file's folder cannot be
    made (the OSError names the path, which must not reach the browser)."""
    try:
        return engine_for(url)
    except OSError as error:
        raise DatabaseUnavailable("the SQLite database's folder cannot be created") from error


def ensure_database() -> None:
    """Call at the top of every run; cheap after the first."""
    url = database_url()
    _upgraded(url)
    if not is_default_database(url) or st.session_state.get("_database_checked") == url:
        return
    engine = engine_for(url)
    with _demo_lock:  # two first visitors must not load the demo twice
        with session_scope(engine) as session:
            empty = database_is_empty(session)
        if empty:
            _load_demo_with_progress(engine)
    st.session_state["_database_checked"] = url


def _load_demo_with_progress(engine: Engine) -> None:
    with st.status("Första start: skapar en demokommun att visa …", expanded=True) as status:
        bar = st.progress(0.0, text="Förbereder")
        with session_scope(engine, actor=STARTUP_ACTOR) as session:
            load_demo(
                session,
                DemoOptions(lines=demo_lines()),
                progress=lambda fraction, message: bar.progress(fraction, text=message),
            )
        status.update(label="Demodata klar", state="complete", expanded=False)
