"""How often a form may be used: a sliding-window limit per session and per user.

Issue 13: the needs form accepted 220 submissions in 18 seconds, and a receipt
link (``?kvitto=TOKEN``) is reachable without sign-in, so anyone could try
tokens as fast as the server answers. Each such form takes a :class:`Limit`
before it does its work, once for every key that identifies the caller (the
browser session, and the signed-in user's e-mail when there is one); when any
key has used up any of its windows the attempt is refused with
:class:`RateLimited`, which says in Swedish how long to wait, and nothing of
the attempt is counted or stored.

A sliding window counts the attempts of the last ``seconds`` (not per clock
minute, which would let twice the limit through around a minute's turn).
Time is ``data_access.core.clock.now()``, so tests move the clock instead of
sleeping.

Where the counts live, and what that means with several servers:

- In this process's memory, behind one lock (Streamlit runs every session's
  script in its own thread). Nothing is written to the database: a refused
  attempt must cost nothing, and the counts do not outlive a restart.
- With several app servers each server counts its own sessions. Streamlit
  needs sticky sessions anyway (the sign-in flow lives in the server's
  memory), so a browser session stays on one server and its per-session
  limit holds exactly. The per-user count is per server: a user spread over
  ``n`` servers (several browsers) can make ``n`` times the per-user limit.
  A shared store (Redis, a table) would be needed for one count across
  servers; the per-session limit is what stops a script hammering one form.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from data_access.core import clock


@dataclass(frozen=True)
class Window:
    """At most ``count`` attempts in any ``seconds`` long stretch."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Limit:
    """What one action allows each key: every window at once."""

    action: str  # names the counts, e.g. "needs_form"
    windows: tuple[Window, ...]
    what: str  # the Swedish words for the attempts, for the refusal: "behov"

    @property
    def longest(self) -> timedelta:
        return timedelta(seconds=max(window.seconds for window in self.windows))


# The needs form: per session and per signed-in user.
NEEDS_FORM = Limit("needs_form", (Window(5, 60), Window(30, 3_600)), "behov")
# Receipt lookups (an unknown token counts too): per session (and per user when signed in).
RECEIPT = Limit("receipt", (Window(30, 60),), "kvittosökningar")


def wait_text(wait: timedelta) -> str:
    """``timedelta(seconds=75)`` → ``"2 minuter"``: rounded up, so waiting that long is enough."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return f"{seconds} sekund" + ("" if seconds == 1 else "er")
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minut" + ("" if minutes == 1 else "er")


class RateLimited(Exception):
    """Too many attempts: ``wait`` is how long until the next one is allowed."""

    def __init__(self, limit: Limit, wait: timedelta) -> None:
        self.limit = limit
        self.wait = wait
        super().__init__(
            f"Du har skickat för många {limit.what} på kort tid. Vänta {wait_text(wait)} och försök igen."
        )


class SlidingWindowLimiter:
    """Attempt times per ``(action, key)``, oldest first, kept as long as the
    action's longest window; thread-safe."""

    SWEEP_EVERY = 1_000  # attempts between sweeps of keys nobody used for a window

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._attempts: dict[tuple[str, str], deque[datetime]] = {}
        self._longest: dict[str, timedelta] = {}
        self._since_sweep = 0

    def take(self, limit: Limit, *keys: str) -> None:
        """Count one attempt for every key, or refuse it (:class:`RateLimited`,
        nothing counted) when any key has used up any window of ``limit``."""
        now = clock.now()
        with self._lock:
            self._longest[limit.action] = limit.longest
            queues = [self._queue(limit, key, now) for key in dict.fromkeys(keys)]
            wait = max((self._wait(limit, queue, now) for queue in queues), default=timedelta(0))
            if wait > timedelta(0):
                raise RateLimited(limit, wait)
            for queue in queues:
                queue.append(now)
            self._since_sweep += 1
            if self._since_sweep >= self.SWEEP_EVERY:
                self._sweep(now)

    def reset(self) -> None:
        """Forget every count (tests; a restart does the same)."""
        with self._lock:
            self._attempts.clear()
            self._since_sweep = 0

    def _queue(self, limit: Limit, key: str, now: datetime) -> deque[datetime]:
        queue = self._attempts.setdefault((limit.action, key), deque())
        _drop_outside(queue, now, limit.longest)
        return queue

    @staticmethod
    def _wait(limit: Limit, queue: deque[datetime], now: datetime) -> timedelta:
        """How long until every window has room for one more attempt."""
        wait = timedelta(0)
        for window in limit.windows:
            span = timedelta(seconds=window.seconds)
            inside = [moment for moment in queue if moment > now - span]
            if len(inside) >= window.count:
                # Room again when the oldest attempt that keeps the window full leaves it.
                wait = max(wait, inside[-window.count] + span - now)
        return wait

    def _sweep(self, now: datetime) -> None:
        """Drop keys whose attempts have all left their windows (the lock is held)."""
        self._since_sweep = 0
        for name, queue in list(self._attempts.items()):
            _drop_outside(queue, now, self._longest.get(name[0], timedelta(0)))
            if not queue:
                del self._attempts[name]


def _drop_outside(queue: deque[datetime], now: datetime, longest: timedelta) -> None:
    """Forget attempts older than the longest window, and any "in the future":
    a clock set back (``AVTALSFOKUS_TODAY`` keeps the date while the time of
    day runs, so midnight jumps back a day) must not lock anyone out."""
    while queue and queue[0] <= now - longest:
        queue.popleft()
    while queue and queue[-1] > now:
        queue.pop()


# The process's one limiter: every session of this server counts here.
LIMITER = SlidingWindowLimiter()


def take(limit: Limit, *keys: str) -> None:
    """Count an attempt of ``limit`` for ``keys`` on the process's limiter, or refuse it."""
    LIMITER.take(limit, *keys)


__all__ = [
    "LIMITER",
    "NEEDS_FORM",
    "RECEIPT",
    "Limit",
    "RateLimited",
    "SlidingWindowLimiter",
    "Window",
    "take",
    "wait_text",
]
