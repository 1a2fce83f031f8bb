"""Opening a page of the app as a user arrives at it, for AppTest tests.

Every page test starts the same way: ``app.py`` runs first (it builds the
navigation and reads the deep link), then the page is switched to, and a page
that raised is a failed test at once rather than a confusing assertion later.
One opener keeps that start alike in every test file.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data_access.core import clock

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def open_page(
    path: str,
    query: dict[str, str] | None = None,
    *,
    url: str | None = None,
    today: date | None = None,
) -> AppTest:
    """The page at ``path`` (``pages/….py``) after ``app.py`` ran with the
    query parameters ``query``; ``url`` is the address the browser reports
    (links the page builds follow it), ``today`` freezes the clock for both
    runs. Asserts that neither run raised."""
    app = AppTest.from_file(APP, default_timeout=60)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    if url is not None:
        app.context = {"url": url}
    with clock.frozen(today) if today is not None else nullcontext():
        app.run()
        app.switch_page(path).run()
    assert not app.exception, [exception.value for exception in app.exception]
    return app
