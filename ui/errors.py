"""What a visitor sees when something goes wrong, and what the server log keeps.

A visitor gets a Swedish sentence and a short reference (eight characters, easy
to read out over the phone). The exception and its traceback go to the server
log under that reference, and only there: what an exception carries (the
database host, port and file paths, the SQL and its bound values, which can hold
a submitter's e-mail and text) must never reach a browser. ``client.showErrorDetails``
in ``.streamlit/config.toml`` hides Streamlit's own exception box for anything
that still gets past this module.

Two entry points, one behaviour: ``app.py`` runs every page inside
``shown_with_reference`` (so AppTest sees exactly what the served app shows), and
``serve.py`` passes ``on_script_error`` to ``st.App`` for what runs outside
app.py's body: widget callbacks and fragment reruns.
"""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import date, time, timedelta
from decimal import Decimal

import streamlit as st
from streamlit.errors import StreamlitAPIException

from data_access.access.roles import AccessDenied
from data_access.core.db import is_database_unreachable

LOGGER = logging.getLogger("avtalsfokus")

DATABASE_DOWN = "Databasen svarar inte just nu, försök igen om en stund."


def _configure_logger() -> None:
    """Give the app's logger a handler with a time stamp, once per process.

    Streamlit configures only its own loggers; without this an error would
    reach stderr through Python's last-resort handler, without a time. The
    logger still propagates, so a deployment's root handlers (and pytest's
    caplog) see the records too."""
    if LOGGER.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)


_configure_logger()


def new_reference() -> str:
    """Eight characters from 0-9 and A-F: no O/0 or I/1 to mix up on the phone,
    and 4 billion values, so two errors never share one in practice."""
    return secrets.token_hex(4).upper()


def user_message(error: BaseException, reference: str) -> str:
    """The Swedish sentence a visitor sees: nothing technical, only the reference."""
    if is_database_unreachable(error):
        return f"{DATABASE_DOWN} Referens: {reference}."
    return (
        "Något gick fel, och sidan kunde inte visas färdigt. Försök igen, och hör av dig till "
        f"systemförvaltaren med referens {reference} om det händer igen."
    )


def report(error: BaseException, where: str = "") -> str:
    """Log ``error`` with its traceback under a new reference, show the visitor
    the Swedish message with that reference, and return the reference."""
    reference = new_reference()
    kind = "database unreachable" if is_database_unreachable(error) else "unexpected error"
    LOGGER.error(
        "Reference %s: %s%s",
        reference,
        kind,
        f" on {where}" if where else "",
        exc_info=error,
        extra={"reference": reference},
    )
    try:
        st.error(user_message(error, reference))
    except Exception:  # showing the message must not hide the logged error
        LOGGER.exception("Reference %s: the message could not be shown", reference)
    return reference


# What a person types or chooses (text, numbers, dates, a choice or several):
# the values kept across a run that stops on an error. Not True/False, which
# is also what a clicked button holds: a click is never replayed.
_TYPED = (str, int, float, Decimal, date, time, timedelta)


def _is_typed(value: object) -> bool:
    if isinstance(value, list | tuple):
        return all(_is_typed(item) for item in value)
    return isinstance(value, _TYPED) and not isinstance(value, bool)


def keep_typed_values() -> None:
    """Hold on to what the person typed while the run stops on an error.

    A run that stops before the page draws its form (the database did not
    answer at the start) leaves the form's widgets out of that run, and
    Streamlit then forgets their values: the text typed into the needs form
    was gone when the page came back. Set again through session state, each
    value is the widget's when the page next draws it. Values of widgets this
    run already drew are Streamlit's to keep, and a button's click is not
    kept (see ``_TYPED``)."""
    for key, value in st.session_state.to_dict().items():
        if not _is_typed(value):
            continue
        with suppress(StreamlitAPIException):  # its widget ran in this run, which keeps it
            st.session_state[key] = value


@contextmanager
def shown_with_reference(where: str = "") -> Iterator[None]:
    """Run a page (or the start-up) so that any unexpected exception becomes the
    Swedish message and a log entry. Streamlit's control flow (``st.stop``,
    ``st.rerun``, ``st.switch_page``) raises BaseExceptions that are no
    ``Exception`` and passes through untouched. After a reported error the run
    stops as Streamlit stops it after an uncaught one, so the widgets the page
    did not reach keep their values (a form's choices and text survive,
    :func:`keep_typed_values`)."""
    try:
        yield
    except AccessDenied as refusal:  # a page or data function refused the role: say so, log nothing
        st.error(str(refusal), icon=":material/lock:")
        st.stop()
    except Exception as error:
        report(error, where)
        keep_typed_values()
        st.stop()


def on_script_error(error: Exception) -> bool:
    """``st.App``'s hook for what fails outside app.py's body (a widget callback,
    a fragment rerun): the same message and log entry; True tells Streamlit not
    to show its own exception box."""
    if isinstance(error, AccessDenied):
        st.error(str(error), icon=":material/lock:")
        return True
    report(error, "a callback or fragment")
    return True
