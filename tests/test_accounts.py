"""Local accounts, roles and the audit log (issue 13).

The stored hash is never the password, a wrong password and an unknown
e-mail get the same refusal, repeated failures slow an account down by a
growing, capped delay (never a lock), a disabled user cannot sign in, a hash
made with older parameters is replaced at the next sign-in, and the audit
log keeps the outcome of every attempt, never a password.

The delays are seconds, so the tests set the clock's time of day
(``clock.now``) as well as its date: ``clock.frozen`` fixes only the date.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.access import accounts, audit
from data_access.access.accounts import REFUSED, AccountError, SignInRefusal
from data_access.cli import main
from data_access.core import clock
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, User
from tests.factories import World

PASSWORD = "korrekt-häst-batteri"
START = datetime(2027, 6, 1, 9, 0, 0)


class Clock:
    """The app's clock at a moment the test sets and moves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = START
        monkeypatch.setattr(clock, "now", lambda: self.moment)

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    with clock.frozen(START.date()):
        yield Clock(monkeypatch)


@pytest.fixture(autouse=True)
def cheap_hasher(monkeypatch: pytest.MonkeyPatch) -> PasswordHasher:
    """Argon2's default costs 64 MiB and tens of milliseconds a hash; the tests need many."""
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", hasher)
    return hasher


@pytest.fixture
def units(engine: Engine) -> Engine:
    with Session(engine) as session:
        world = World(session)
        department = world.department("SOC", "Socialförvaltningen")
        world.unit("1001", department)
        world.unit("1002", department)
        session.commit()
    return engine


def add(engine: Engine, email: str = "Anna.Berg@X.example", **options: object) -> None:
    options.setdefault("roles", ("upphandlare",))
    options.setdefault("password", PASSWORD)
    with session_scope(engine, actor="admin") as session:
        accounts.add_user(session, email, **options)  # type: ignore[arg-type]


def sign_in(engine: Engine, email: str, password: str) -> User | SignInRefusal:
    with session_scope(engine) as session:
        return accounts.authenticate(session, email, password)


def stored(engine: Engine, email: str = "anna.berg@x.example") -> User:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


def events(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


# --------------------------------------------------------------------------- passwords


def test_the_stored_hash_is_not_the_password_and_verifies(engine: Engine, at: Clock) -> None:
    add(engine)
    user = stored(engine)
    assert user.email == "anna.berg@x.example"  # lower-cased
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert accounts.HASHER.verify(user.password_hash, PASSWORD)

    signed_in = sign_in(engine, "ANNA.BERG@x.example ", PASSWORD)
    assert isinstance(signed_in, User) and signed_in.id == user.id
    (event,) = events(engine)
    assert (event.action, event.actor, event.subject, event.at) == (
        "signin",
        "anna.berg@x.example",
        f"user:{user.id}",
        START,
    )


def test_a_wrong_password_and_an_unknown_email_get_the_same_refusal(engine: Engine, at: Clock) -> None:
    add(engine)
    wrong = sign_in(engine, "anna.berg@x.example", "fel-lösenord-här")
    unknown = sign_in(engine, "ingen@x.example", PASSWORD)
    assert wrong == unknown == SignInRefusal(REFUSED)
    assert stored(engine).failed_logins == 1
    assert [(e.action, e.actor, e.detail) for e in events(engine)] == [
        ("signin_refused", "anna.berg@x.example", "wrong_password:1"),
        ("signin_refused", "ingen@x.example", "unknown"),
    ]


def test_an_identity_provider_user_has_no_local_password(engine: Engine, at: Clock) -> None:
    add(engine, password=None)
    assert stored(engine).password_hash is None
    assert sign_in(engine, "anna.berg@x.example", "") == SignInRefusal(REFUSED)
    assert events(engine)[-1].detail == "no_password"


def test_a_short_password_is_refused(engine: Engine) -> None:
    with pytest.raises(AccountError, match="minst 10 tecken"):
        add(engine, password="kort")
    assert accounts_listed(engine) == []


# --------------------------------------------------------------------------- slowing down


def test_the_delay_grows_and_is_capped() -> None:
    assert [accounts.delay_after(n).total_seconds() for n in range(7)] == [0, 0, 0, 1, 2, 4, 8]
    assert accounts.delay_after(13) == timedelta(minutes=15)  # 1024 s, capped
    assert accounts.delay_after(10_000) == timedelta(minutes=15)
    assert accounts.wait_text(timedelta(seconds=1)) == "1 sekund"
    assert accounts.wait_text(timedelta(seconds=1.2)) == "2 sekunder"
    assert accounts.wait_text(timedelta(seconds=61)) == "2 minuter"


def test_repeated_failures_slow_down_and_a_right_password_afterwards_resets_them(
    engine: Engine, at: Clock
) -> None:
    add(engine)
    for _ in range(3):  # the first three are free
        assert sign_in(engine, "anna.berg@x.example", "fel-lösenord-här") == SignInRefusal(REFUSED)
    # Now even the right password waits a second, and is not checked meanwhile.
    waiting = sign_in(engine, "anna.berg@x.example", PASSWORD)
    assert isinstance(waiting, SignInRefusal)
    assert waiting.retry_after == timedelta(seconds=1)
    assert waiting.message == "För många misslyckade inloggningar. Försök igen om 1 sekund."
    assert stored(engine).failed_logins == 3  # waiting does not count as a failure

    at.advance(1)
    assert sign_in(engine, "anna.berg@x.example", "fel-lösenord-här") == SignInRefusal(REFUSED)
    at.advance(1)  # the fourth failure asks for two seconds
    waiting = sign_in(engine, "anna.berg@x.example", PASSWORD)
    assert isinstance(waiting, SignInRefusal) and waiting.retry_after == timedelta(seconds=1)

    at.advance(1)
    assert isinstance(sign_in(engine, "anna.berg@x.example", PASSWORD), User)
    user = stored(engine)
    assert (user.failed_logins, user.last_failed_at) == (0, None)
    assert [e.detail for e in events(engine) if e.action == "signin_refused"] == [
        "wrong_password:1",
        "wrong_password:2",
        "wrong_password:3",
        "wait:3",
        "wrong_password:4",
        "wait:4",
    ]


def test_many_failures_never_lock_for_more_than_the_cap(engine: Engine, at: Clock) -> None:
    add(engine)
    with session_scope(engine) as session:
        user = session.scalar(select(User))
        assert user is not None
        user.failed_logins, user.last_failed_at = 500, START
    at.advance(15 * 60 - 1)
    waiting = sign_in(engine, "anna.berg@x.example", PASSWORD)
    assert isinstance(waiting, SignInRefusal) and waiting.message.endswith("1 sekund.")
    at.advance(1)
    assert isinstance(sign_in(engine, "anna.berg@x.example", PASSWORD), User)


def test_a_disabled_user_cannot_sign_in(engine: Engine, at: Clock) -> None:
    add(engine)
    with session_scope(engine, actor="admin") as session:
        accounts.disable_user(session, "Anna.Berg@x.example")
    assert sign_in(engine, "anna.berg@x.example", PASSWORD) == SignInRefusal(REFUSED)
    assert events(engine)[-1].detail == "disabled"
    with pytest.raises(AccountError, match="ingen användare"), session_scope(engine) as session:
        accounts.disable_user(session, "okand@x.example")


def test_a_new_password_works_and_starts_the_slowdown_afresh(engine: Engine, at: Clock) -> None:
    add(engine)
    for _ in range(5):
        sign_in(engine, "anna.berg@x.example", "fel-lösenord-här")
    with session_scope(engine, actor="admin") as session:
        accounts.set_password(session, "anna.berg@x.example", "ett-nytt-lösenord")
    assert isinstance(sign_in(engine, "anna.berg@x.example", "ett-nytt-lösenord"), User)
    assert sign_in(engine, "anna.berg@x.example", PASSWORD) == SignInRefusal(REFUSED)


# --------------------------------------------------------------------------- rehash


def test_a_hash_with_old_parameters_is_replaced_at_sign_in(
    engine: Engine, at: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    add(engine)
    old_hash = stored(engine).password_hash
    assert isinstance(sign_in(engine, "anna.berg@x.example", PASSWORD), User)
    assert stored(engine).password_hash == old_hash  # same parameters: kept

    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    monkeypatch.setattr(accounts, "HASHER", stronger)
    assert stronger.check_needs_rehash(old_hash)
    assert isinstance(sign_in(engine, "anna.berg@x.example", PASSWORD), User)
    new_hash = stored(engine).password_hash
    assert new_hash != old_hash and not stronger.check_needs_rehash(new_hash)
    assert stronger.verify(new_hash, PASSWORD)


# --------------------------------------------------------------------------- users and units


def accounts_listed(engine: Engine) -> list[accounts.UserRow]:
    with Session(engine) as session:
        return accounts.list_users(session)


def test_roles_and_units_are_checked(units: Engine) -> None:
    with pytest.raises(AccountError, match="Okänd enhetskod: 9999"):
        add(units, roles=("enhet",), unit_codes=("1001", "9999"))
    with pytest.raises(AccountError, match="minst en enhet"):
        add(units, roles=("enhet",))
    with pytest.raises(AccountError, match="Okänd roll: chef"):
        add(units, roles=("chef",))
    with pytest.raises(AccountError, match="Ogiltig e-postadress"):
        add(units, email="inte en adress")
    assert accounts_listed(units) == []

    add(units, roles=("enhet", "ledning"), unit_codes=("1002", "1001"), password=None)
    with pytest.raises(AccountError, match="finns redan"):
        add(units, email="ANNA.BERG@x.example")
    (row,) = accounts_listed(units)
    assert (row.email, row.roles, row.unit_codes, row.has_password) == (
        "anna.berg@x.example",
        ("ledning", "enhet"),
        ("1001", "1002"),
        False,
    )


# --------------------------------------------------------------------------- the command line


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    out = io.StringIO()
    code = main(argv, out=out)
    return code, out.getvalue(), capsys.readouterr().err


def test_the_command_line_adds_lists_and_disables_users(
    units: Engine, at: Clock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    code, out, _ = run(
        ["users", "add", "Eva@X.example", "--role", "enhet", "--unit", "1001", "--password-stdin"], capsys
    )
    assert (code, out) == (0, "Added user eva@x.example (enhet; local password)\n")
    assert isinstance(sign_in(units, "eva@x.example", PASSWORD), User)

    typed = iter(["ett-annat-lösenord", "ett-annat-lösenord"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(typed))
    assert run(["users", "add", "bo@x.example", "--role", "admin", "--role", "upphandlare"], capsys)[0] == 0
    assert isinstance(sign_in(units, "bo@x.example", "ett-annat-lösenord"), User)

    mismatched = iter(["ett-tredje-lösenord", "ett-fjärde-lösenord"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(mismatched))
    code, _, err = run(["users", "add", "cilla@x.example", "--role", "admin"], capsys)
    assert (code, err) == (1, "error: Lösenorden är inte lika.\n")

    code, _, err = run(
        ["users", "add", "dan@x.example", "--role", "enhet", "--unit", "77", "--no-password"], capsys
    )
    assert code == 1 and "Okänd enhetskod: 77" in err

    assert run(["users", "add", "ole@x.example", "--role", "ledning", "--no-password"], capsys)[0] == 0
    assert run(["users", "disable", "EVA@x.example"], capsys)[:2] == (0, "Disabled user eva@x.example\n")
    assert run(["users", "disable", "ingen@x.example"], capsys)[0] == 1
    code, out, _ = run(["users", "list"], capsys)
    assert code == 0
    assert out.splitlines() == [
        "bo@x.example  upphandlare,admin  active, password",
        "eva@x.example  enhet  units 1001  disabled, password",
        "ole@x.example  ledning  active, identity provider",
    ]
    assert sign_in(units, "eva@x.example", PASSWORD) == SignInRefusal(REFUSED)


# --------------------------------------------------------------------------- the audit log


def test_purge_removes_only_the_older_entries(
    engine: Engine, at: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    for moment in (datetime(2026, 5, 31, 23, 59), datetime(2026, 6, 1, 9, 0), datetime(2027, 5, 1)):
        at.moment = moment
        with session_scope(engine, actor="Anna") as session:
            audit.record(session, "export", "contract:7", "rows=368")
    at.moment = START
    with session_scope(engine) as session:
        assert audit.purge_older_than(session, 12) == 1  # the one from before 1 June 2026
    with Session(engine) as session:
        left = audit.list_events(session, 10)
    assert [entry.at for entry in left] == [datetime(2027, 5, 1), datetime(2026, 6, 1, 9, 0)]
    assert {(entry.actor, entry.action, entry.subject, entry.detail) for entry in left} == {
        ("Anna", "export", "contract:7", "rows=368")
    }

    assert run(["audit", "purge", "--months", "6"], capsys)[:2] == (
        0,
        "Removed 1 audit entries older than 6 months\n",
    )
    assert [entry.at for entry in audit_entries(engine)] == [datetime(2027, 5, 1)]
    with pytest.raises(SystemExit) as usage_error:  # argparse refuses it before anything runs
        run(["audit", "purge", "--months", "0"], capsys)
    assert usage_error.value.code == 2
    assert len(audit_entries(engine)) == 1


def audit_entries(engine: Engine) -> list[audit.AuditEntry]:
    with Session(engine) as session:
        return audit.list_events(session, 10)


def test_months_before_keeps_to_the_calendar() -> None:
    assert audit.months_before(datetime(2027, 3, 31, 8), 1) == datetime(2027, 2, 28, 8)
    assert audit.months_before(datetime(2028, 3, 31), 1) == datetime(2028, 2, 29)
    assert audit.months_before(datetime(2027, 1, 15), 13) == datetime(2025, 12, 15)
    assert audit.months_before(datetime(2027, 6, 1), 12) == datetime(2026, 6, 1)


def test_the_audit_log_never_holds_a_password(engine: Engine, at: Clock) -> None:
    add(engine)
    sign_in(engine, "anna.berg@x.example", PASSWORD)
    sign_in(engine, "anna.berg@x.example", "ett-felaktigt-lösenord")
    sign_in(engine, PASSWORD, PASSWORD)  # the password typed into the e-mail field
    sign_in(engine, "ingen@x.example", PASSWORD)
    written = [
        value
        for event in events(engine)
        for value in (event.actor, event.action, event.subject, event.detail)
        if value is not None
    ]
    assert len(events(engine)) == 4
    assert not [value for value in written if "lösenord" in value or "batteri" in value]
    assert accounts.NOT_AN_EMAIL in written


def test_an_entry_is_written_for_the_sessions_actor_and_cut_to_fit(engine: Engine, at: Clock) -> None:
    with session_scope(engine, actor="Anna") as session:
        audit.record(session, "triage", "need:3", "x" * 600)
    (entry,) = audit_entries(engine)
    assert (entry.actor, entry.at, len(entry.detail or "")) == ("Anna", START, 500)
    assert date(2027, 6, 1) == entry.at.date()
