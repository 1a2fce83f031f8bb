"""The one clock the app reads.

Everything that depends on "today" (which contracts are expiring, which
month is still running, when a need was submitted) asks this module, never
``date.today()`` or ``datetime.now()``. Tests and demos set it, so no test
starts failing because the calendar moved:

- ``AVTALSFOKUS_TODAY=2027-06-01`` (environment) fixes the date for a whole
  process, a Streamlit server included; the time of day still runs, so
  timestamps taken a moment apart stay in order.
- ``frozen(date(...))`` fixes it inside a ``with`` block, for one test.

:func:`epoch_seconds` is the exception: the real moment, for comparing with
times stamped elsewhere (an identity provider's token expiry).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime

ENVIRONMENT_VARIABLE = "AVTALSFOKUS_TODAY"

_override: date | None = None


class ClockSettingError(ValueError):
    """``AVTALSFOKUS_TODAY`` is set to something that is not a date."""


def _configured_day() -> date | None:
    if _override is not None:
        return _override
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        message = f"{ENVIRONMENT_VARIABLE} must be a date like 2027-06-01, not {value!r}"
        raise ClockSettingError(message) from error


def today() -> date:
    """Today's date as the app sees it."""
    return _configured_day() or date.today()


def now() -> datetime:
    """The current time as the app sees it, to the second: the real time of
    day on the configured date."""
    real = datetime.now().replace(microsecond=0)
    day = _configured_day()
    return real if day is None else datetime.combine(day, real.time())


def epoch_seconds() -> float:
    """The real moment as seconds since 1970 (UTC), never shifted by
    ``AVTALSFOKUS_TODAY`` or ``frozen``: for comparing with times other
    systems stamped, such as an ID token's ``exp``. A demo server set to a
    past day must not accept expired tokens, nor one set to a later day
    refuse every fresh one. Tests that need another moment monkeypatch it."""
    return time.time()


@contextmanager
def frozen(day: date) -> Iterator[date]:
    """Set the clock to ``day`` inside the block (for tests)."""
    global _override
    previous, _override = _override, day
    try:
        yield day
    finally:
        _override = previous
