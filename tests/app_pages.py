"""Opening a page of the app as a user arrives at it, for AppTest tests.

Every page test starts the same way: a person signed in at the identity
provider (AppTest's ``at.user`` fakes ``st.user``), ``app.py`` runs first (it
builds that person's navigation and reads the deep link), then the page is
switched to, and a page that raised is a failed test at once rather than a
confusing assertion later. One opener keeps that start alike in every test file.

The default person holds every role through the provider's ``roles`` claim, so
a page test that is not about roles sees every page; tests about roles pass
their own ``user``.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.access.roles import Role
from data_access.core import clock

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def provider_user(email: str, *roles: Role | str, name: str = "") -> dict[str, object]:
    """What ``st.user`` holds for ``email`` signed in at the provider, with
    ``roles`` in its roles claim (none: the app's own tables decide)."""
    user: dict[str, object] = {"is_logged_in": True, "email": email, "name": name or email.split("@")[0]}
    if roles:
        user["roles"] = [str(role) for role in roles]
    return user


EVERY_ROLE = provider_user("alla.roller@kommun.example", *Role, name="Alla Roller")


def signed_in(app: AppTest, user: dict[str, object] | None = None) -> AppTest:
    """``app`` with ``user`` (default: every role) signed in at the provider."""
    app.user = dict(EVERY_ROLE if user is None else user)
    return app


def open_page(
    path: str,
    query: dict[str, str] | None = None,
    *,
    url: str | None = None,
    today: date | None = None,
    user: dict[str, object] | None = None,
) -> AppTest:
    """The page at ``path`` (``pages/….py``) after ``app.py`` ran with the
    query parameters ``query``; ``url`` is the address the browser reports
    (links the page builds follow it), ``today`` freezes the clock for both
    runs, ``user`` is who is signed in (default: every role). Asserts that
    neither run raised."""
    app = signed_in(AppTest.from_file(APP, default_timeout=60), user)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    if url is not None:
        app.context = {"url": url}
    with clock.frozen(today) if today is not None else nullcontext():
        app.run()
        app.switch_page(path).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app
