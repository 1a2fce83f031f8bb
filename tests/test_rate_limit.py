"""The forms' rate limits (issue 13: 220 submissions in 18 s were accepted):
a sliding window per session and per user, driven by the app's clock, so
these tests move the clock instead of sleeping."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from streamlit.testing.v1 import AppTest

from data_access.access import rate_limit
from data_access.access.rate_limit import NEEDS_FORM, RECEIPT, RateLimited, SlidingWindowLimiter, wait_text
from data_access.access.viewer import system
from data_access.core import clock
from data_access.core.db import session_scope
from data_access.core.models import Need
from data_access.customers.needs import NeedInput, new_token, submit_need
from tests.app_pages import open_page
from tests.factories import World
from tests.worlds import unit_on_contract

START = datetime(2026, 12, 4, 9, 0, 0)
TEXT = "Vi behöver mindre förpackningar av grädde."


class FakeClock:
    """``clock.now()`` as the test sets it."""

    def __init__(self) -> None:
        self.now = START

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def moment(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(clock, "now", lambda: fake.now)
    return fake


def accepted(limiter: SlidingWindowLimiter, limit: rate_limit.Limit, *keys: str) -> bool:
    try:
        limiter.take(limit, *keys)
    except RateLimited:
        return False
    return True


def test_the_sixth_submission_within_a_minute_is_refused_until_the_first_leaves_the_window(
    moment: FakeClock,
) -> None:
    limiter = SlidingWindowLimiter()
    for _ in range(5):
        assert accepted(limiter, NEEDS_FORM, "session:a")
        moment.advance(10)  # at 0, 10, 20, 30 and 40 s
    with pytest.raises(RateLimited) as refused:  # at 50 s
        limiter.take(NEEDS_FORM, "session:a")
    assert refused.value.wait == timedelta(seconds=10)
    assert str(refused.value) == (
        "Du har skickat för många behov på kort tid. Vänta 10 sekunder och försök igen."
    )
    moment.advance(9)
    assert not accepted(limiter, NEEDS_FORM, "session:a")  # 59 s: still full (refusals are not counted)
    moment.advance(1)
    assert accepted(limiter, NEEDS_FORM, "session:a")  # 60 s: the first left the window
    assert not accepted(limiter, NEEDS_FORM, "session:a")


def test_thirty_an_hour_even_when_each_minute_is_within_its_five(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    for _ in range(30):
        assert accepted(limiter, NEEDS_FORM, "user:eva@kommun.example")
        moment.advance(13)  # never more than five in a minute
    with pytest.raises(RateLimited) as refused:
        limiter.take(NEEDS_FORM, "user:eva@kommun.example")
    assert refused.value.wait == timedelta(seconds=3_600 - 30 * 13)
    assert "Vänta 54 minuter" in str(refused.value)
    moment.now = START + timedelta(hours=1)
    assert accepted(limiter, NEEDS_FORM, "user:eva@kommun.example")


def test_every_key_counts_an_attempt_and_any_full_one_refuses(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    for _ in range(5):
        assert accepted(limiter, NEEDS_FORM, "session:a", "user:eva@kommun.example")
    assert not accepted(limiter, NEEDS_FORM, "session:b", "user:eva@kommun.example")  # another tab, same user
    assert not accepted(limiter, NEEDS_FORM, "session:a", "user:bo@kommun.example")  # same tab, other user
    assert accepted(limiter, NEEDS_FORM, "session:b", "user:bo@kommun.example")
    assert accepted(limiter, RECEIPT, "session:a")  # another action counts apart
    limiter.reset()
    assert accepted(limiter, NEEDS_FORM, "session:a", "user:eva@kommun.example")


def test_220_submissions_in_18_seconds_are_not_all_accepted(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    results = []
    for _ in range(220):
        results.append(accepted(limiter, NEEDS_FORM, "session:a", "user:bot@kommun.example"))
        moment.advance(18 / 220)
    assert results.count(True) == 5 and results[:5] == [True] * 5


def test_receipt_lookups_thirty_a_minute_unknown_tokens_too(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    assert all(accepted(limiter, RECEIPT, "session:a") for _ in range(30))
    with pytest.raises(RateLimited) as refused:
        limiter.take(RECEIPT, "session:a")
    assert "för många kvittosökningar" in str(refused.value)


def test_many_threads_at_once_get_exactly_the_limit(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    results: list[bool] = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(20):
            ok = accepted(limiter, NEEDS_FORM, "session:a")
            with lock:
                results.append(ok)

    threads = [threading.Thread(target=hammer) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 200 and results.count(True) == 5


def test_a_clock_set_back_does_not_lock_anyone_out(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    for _ in range(5):
        limiter.take(NEEDS_FORM, "session:a")
    moment.now = START - timedelta(hours=23, minutes=59)  # AVTALSFOKUS_TODAY at midnight
    assert accepted(limiter, NEEDS_FORM, "session:a")


def test_forgotten_keys_are_swept(moment: FakeClock) -> None:
    limiter = SlidingWindowLimiter()
    for number in range(SlidingWindowLimiter.SWEEP_EVERY - 1):
        limiter.take(RECEIPT, f"session:{number}")
    moment.advance(61)
    limiter.take(RECEIPT, "session:last")  # the thousandth sweeps the rest
    assert list(limiter._attempts) == [("receipt", "session:last")]


def test_wait_texts_round_up() -> None:
    assert [wait_text(timedelta(seconds=s)) for s in (0.2, 1, 59, 60, 61, 3_600)] == [
        "1 sekund",
        "1 sekund",
        "59 sekunder",
        "1 minut",
        "2 minuter",
        "60 minuter",
    ]


# --------------------------------------------------------------------------- in the app


@pytest.fixture
def unit(engine: Engine) -> int:
    with Session(engine) as session:
        made = unit_on_contract(World(session))
        session.commit()
        return made.unit.id


def needs_stored(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Need)) or 0


def send(app: AppTest, text: str) -> AppTest:
    app.text_area(key="need_text").input(text)
    return app.button(key="FormSubmitter:need_form-Skicka").click().run()


def test_the_needs_form_refuses_the_sixth_in_a_minute_keeps_the_text_and_stores_nothing(
    engine: Engine, unit: int, moment: FakeClock
) -> None:
    app = open_page("pages/needs.py", {"unit": "U1"})
    for number in range(5):
        send(app, f"{TEXT} Nummer {number}.")
        assert any("Tack!" in success.value for success in app.success), [error.value for error in app.error]
        moment.advance(5)
    send(app, f"{TEXT} Nummer sex.")
    assert not app.exception, [exception.value for exception in app.exception]
    refusals = [error.value for error in app.error if "för många" in error.value]
    assert refusals == [
        "Behovet skickades inte. Du har skickat för många behov på kort tid. "
        "Vänta 35 sekunder och försök igen."
    ]
    assert app.text_area(key="need_text").value == f"{TEXT} Nummer sex."  # what was typed stays
    assert needs_stored(engine) == 5

    other_tab = open_page("pages/needs.py", {"unit": "U1"})  # a new session, the same user
    send(other_tab, f"{TEXT} Från en annan flik.")
    assert any("för många" in error.value for error in other_tab.error)
    assert needs_stored(engine) == 5

    moment.advance(35)  # the first submission has left the minute
    app.button(key="FormSubmitter:need_form-Skicka").click().run()
    assert any("Tack!" in success.value for success in app.success), [error.value for error in app.error]
    assert needs_stored(engine) == 6


def test_a_form_with_mistakes_costs_no_attempt(engine: Engine, unit: int, moment: FakeClock) -> None:
    app = open_page("pages/needs.py", {"unit": "U1"})
    for _ in range(8):
        send(app, "kort")  # refused for its length, before the limit is asked
    assert not any("för många" in error.value for error in app.error)
    send(app, TEXT)
    assert any("Tack!" in success.value for success in app.success)


def test_a_visitor_trying_receipt_links_is_stopped_after_thirty_a_minute(
    engine: Engine, unit: int, moment: FakeClock
) -> None:
    with session_scope(engine) as session:
        token = submit_need(session, NeedInput(text=TEXT, unit_id=unit), new_token(), acting=system("test"))
    visitor = {"is_logged_in": False}
    app = open_page("pages/needs.py", {"kvitto": "gissat"}, user=visitor)  # the first lookup
    assert app.error[0].value.startswith("Det finns inget ärende")
    for _ in range(29):
        app.run()
        assert app.error[0].value.startswith("Det finns inget ärende")
    app.query_params["kvitto"] = token  # even the right token, once the tries are used up
    app.run()
    assert not app.exception, [exception.value for exception in app.exception]
    assert "för många kvittosökningar" in app.error[0].value and not app.text
    moment.advance(60)
    app.run()
    assert not app.error and app.text[0].value == TEXT
