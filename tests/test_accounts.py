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
import os
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.access import accounts, audit
from data_access.access.accounts import REFUSED, AccountError, SignInRefusal
from data_access.access.roles import AccessDenied
from data_access.access.viewer import system, viewer_with
from data_access.cli import main
from data_access.core import clock
from data_access.core.db import session_scope
from data_access.core.models import AuditEvent, User, UserRole, UserUnit
from tests.factories import World

PASSWORD = "korrekt-häst-batteri"
ADMIN = system("admin")  # who the tests' changes act as
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
        accounts.add_user(session, email, acting=ADMIN, **options)  # type: ignore[arg-type]


def sign_in(engine: Engine, email: str, password: str) -> User | SignInRefusal:
    with session_scope(engine) as session:
        return accounts.authenticate(session, email, password)


def stored(engine: Engine, email: str = "anna.berg@x.example") -> User:
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user


def events(engine: Engine) -> list[AuditEvent]:
    """The sign-in entries (adding and changing users log entries of their own)."""
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.in_((accounts.SIGNED_IN, accounts.SIGN_IN_REFUSED)))
                .order_by(AuditEvent.id)
            )
        )


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


def test_an_address_without_an_account_slows_down_alike(engine: Engine, at: Clock) -> None:
    """A wait that only real accounts got would tell who has one: an unknown
    address (and a provider user without a password) waits the same way."""
    add(engine)
    add(engine, "sso@x.example", password=None)
    answers: dict[str, list[object]] = {}
    for email in ("anna.berg@x.example", "okand@x.example", "sso@x.example"):
        answers[email] = [sign_in(engine, email, "fel-lösenord-här") for _ in range(4)]
    waiting = SignInRefusal(
        "För många misslyckade inloggningar. Försök igen om 1 sekund.", retry_after=timedelta(seconds=1)
    )
    for email, got in answers.items():
        assert got == [SignInRefusal(REFUSED)] * 3 + [waiting], email
    at.advance(1)
    assert sign_in(engine, "okand@x.example", "fel-lösenord-här") == SignInRefusal(REFUSED)
    at.advance(1)  # the fourth real attempt asks for two seconds, as for a real account
    assert sign_in(engine, "okand@x.example", "x" * 12) == waiting
    # Text that is no e-mail is nobody's account: never slowed (it would slow everyone's typos).
    assert {str(sign_in(engine, "inte en adress", "x")) for _ in range(5)} == {str(SignInRefusal(REFUSED))}


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
        accounts.disable_user(session, "Anna.Berg@x.example", acting=ADMIN)
    assert sign_in(engine, "anna.berg@x.example", PASSWORD) == SignInRefusal(REFUSED)
    assert events(engine)[-1].detail == "disabled"
    with pytest.raises(AccountError, match="ingen användare"), session_scope(engine) as session:
        accounts.disable_user(session, "okand@x.example", acting=ADMIN)


def test_a_new_password_works_and_starts_the_slowdown_afresh(engine: Engine, at: Clock) -> None:
    add(engine)
    for _ in range(5):
        sign_in(engine, "anna.berg@x.example", "fel-lösenord-här")
    with session_scope(engine, actor="admin") as session:
        accounts.set_password(session, "anna.berg@x.example", "ett-nytt-lösenord", acting=ADMIN)
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
        return accounts.list_users(session, acting=ADMIN)


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
        assert audit.purge_older_than(session, 12, acting=ADMIN) == 1  # the one from before 1 June 2026
    with Session(engine) as session:
        left = audit.list_events(session, 10, acting=ADMIN)
    assert [entry.at for entry in left] == [START, datetime(2027, 5, 1), datetime(2026, 6, 1, 9, 0)]
    assert [(entry.actor, entry.action, entry.subject, entry.detail) for entry in left] == [
        ("admin", "audit_purged", None, "months=12 removed=1"),  # the purge says who shortened the log
        ("Anna", "export", "contract:7", "rows=368"),
        ("Anna", "export", "contract:7", "rows=368"),
    ]

    assert run(["audit", "purge", "--months", "6"], capsys)[:2] == (
        0,
        "Removed 1 audit entries older than 6 months\n",
    )
    assert [entry.at for entry in audit_entries(engine)] == [START, START, datetime(2027, 5, 1)]
    with pytest.raises(SystemExit) as usage_error:  # argparse refuses it before anything runs
        run(["audit", "purge", "--months", "0"], capsys)
    assert usage_error.value.code == 2
    assert len(audit_entries(engine)) == 3


def audit_entries(engine: Engine) -> list[audit.AuditEntry]:
    with Session(engine) as session:
        return audit.list_events(session, 10, acting=ADMIN)


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


# --------------------------------------------------------------------------- changing users (the admin page)


def log(engine: Engine, *actions: str) -> list[tuple[str, str, str | None, str | None]]:
    """The entries of ``actions``, oldest first: actor, action, subject, detail."""
    with Session(engine) as session:
        rows = session.execute(
            select(AuditEvent.actor, AuditEvent.action, AuditEvent.subject, AuditEvent.detail)
            .where(AuditEvent.action.in_(actions))
            .order_by(AuditEvent.id)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


CHANGES = (accounts.USER_ADDED, accounts.USER_CHANGED, accounts.USER_DISABLED)


def test_adding_and_changing_a_user_is_logged_without_names(units: Engine, at: Clock) -> None:
    add(units, display_name="Anna Berg", roles=("ledning",), password=None)
    user_id = stored(units).id
    with session_scope(units) as session:
        accounts.set_roles(
            session, "anna.berg@x.example", ("enhet", "ledning"), unit_codes=("1001",), acting=ADMIN
        )
    with session_scope(units) as session:
        accounts.set_units(session, "anna.berg@x.example", ("1001", "1002"), acting=ADMIN)
    with session_scope(units) as session:
        accounts.set_roles(session, "anna.berg@x.example", ("ledning",), acting=ADMIN)  # enhet: units go too
    with session_scope(units) as session:
        accounts.disable_user(session, "anna.berg@x.example", acting=ADMIN)
        accounts.disable_user(session, "anna.berg@x.example", acting=ADMIN)  # already: nothing more logged
    with session_scope(units) as session:
        accounts.enable_user(session, "anna.berg@x.example", acting=ADMIN)
        accounts.set_password(session, "anna.berg@x.example", PASSWORD, acting=ADMIN)
    subject = f"user:{user_id}"
    assert log(units, *CHANGES) == [
        ("admin", "user_added", subject, "roles=ledning units=0 password=no"),
        ("admin", "user_changed", subject, "roles=ledning,enhet units=1"),
        ("admin", "user_changed", subject, "roles=ledning,enhet units=2"),
        ("admin", "user_changed", subject, "roles=ledning units=0"),
        ("admin", "user_disabled", subject, None),
        ("admin", "user_changed", subject, "enabled"),
        ("admin", "user_changed", subject, "password"),
    ]
    (row,) = accounts_listed(units)
    assert (row.roles, row.unit_codes, row.disabled, row.has_password) == (("ledning",), (), False, True)
    assert not [entry for entry in log(units, *CHANGES) if "Anna" in str(entry) or "anna" in str(entry)]


def test_roles_and_units_must_agree_when_changed(units: Engine) -> None:
    add(units, roles=("ledning",), password=None)
    with pytest.raises(AccountError, match="minst en enhet"), session_scope(units) as session:
        accounts.set_roles(session, "anna.berg@x.example", ("enhet",), acting=ADMIN)
    with pytest.raises(AccountError, match="hör till rollen enhet"), session_scope(units) as session:
        accounts.set_units(session, "anna.berg@x.example", ("1001",), acting=ADMIN)
    with pytest.raises(AccountError, match="Okänd roll"), session_scope(units) as session:
        accounts.set_roles(session, "anna.berg@x.example", ("chef",), acting=ADMIN)
    with pytest.raises(AccountError, match="Ange minst en roll"), session_scope(units) as session:
        accounts.set_roles(session, "anna.berg@x.example", (), acting=ADMIN)
    with pytest.raises(AccountError, match="ingen användare"), session_scope(units) as session:
        accounts.set_roles(session, "ingen@x.example", ("ledning",), acting=ADMIN)
    (row,) = accounts_listed(units)
    assert (row.roles, row.unit_codes) == (("ledning",), ())
    assert len(log(units, *CHANGES)) == 1  # the adding only


def test_the_last_active_admin_stays(engine: Engine) -> None:
    add(engine, "a@x.example", roles=("admin",), password=None)
    with pytest.raises(AccountError, match="minst en aktiv administratör"), session_scope(engine) as session:
        accounts.disable_user(session, "a@x.example", acting=ADMIN)
    with pytest.raises(AccountError, match="minst en aktiv administratör"), session_scope(engine) as session:
        accounts.set_roles(session, "a@x.example", ("upphandlare",), acting=ADMIN)
    add(engine, "b@x.example", roles=("admin", "upphandlare"), password=None)
    with session_scope(engine) as session:
        accounts.set_roles(session, "a@x.example", ("upphandlare",), acting=ADMIN)  # b is an admin
    with pytest.raises(AccountError, match="minst en aktiv administratör"), session_scope(engine) as session:
        accounts.disable_user(session, "b@x.example", acting=ADMIN)
    assert [(row.email, row.roles, row.disabled) for row in accounts_listed(engine)] == [
        ("a@x.example", ("upphandlare",), False),
        ("b@x.example", ("upphandlare", "admin"), False),
    ]


NOT_ADMINS = [
    viewer_with("l@x.example", ["ledning"]),
    viewer_with("u@x.example", ["upphandlare"]),
    viewer_with("e@x.example", ["enhet"], unit_ids=[1]),
]

USER_CHANGES = {
    "add_user": lambda s, v: accounts.add_user(s, "ny@x.example", roles=("ledning",), acting=v),
    "disable_user": lambda s, v: accounts.disable_user(s, "anna.berg@x.example", acting=v),
    "enable_user": lambda s, v: accounts.enable_user(s, "anna.berg@x.example", acting=v),
    "set_password": lambda s, v: accounts.set_password(
        s, "anna.berg@x.example", "ett-nytt-lösenord", acting=v
    ),
    "set_roles": lambda s, v: accounts.set_roles(s, "anna.berg@x.example", ("admin",), acting=v),
    "set_units": lambda s, v: accounts.set_units(s, "anna.berg@x.example", ("1001",), acting=v),
    "list_users": lambda s, v: accounts.list_users(s, acting=v),
    "purge_older_than": lambda s, v: audit.purge_older_than(s, 1, acting=v),
    "list_events": lambda s, v: audit.list_events(s, 10, acting=v),
    "count_older_than": lambda s, v: audit.count_older_than(s, 1, acting=v),
    "log_facets": lambda s, v: audit.log_facets(s, acting=v),
}


def everything(engine: Engine) -> tuple[object, ...]:
    with engine.connect() as connection:
        return tuple(
            tuple(connection.execute(select(table)).all())
            for table in (User.__table__, UserRole.__table__, UserUnit.__table__, AuditEvent.__table__)
        )


@pytest.mark.parametrize("name", sorted(USER_CHANGES))
def test_only_a_user_manager_changes_or_reads_users_and_the_log(units: Engine, at: Clock, name: str) -> None:
    add(units, roles=("ledning",))
    with session_scope(units) as session:
        accounts.disable_user(session, "anna.berg@x.example", acting=ADMIN)
        audit.record(session, "export", "contract:1", "rows=3", actor="x")
    at.moment = datetime(2030, 1, 1)  # everything is old enough to purge
    before = everything(units)
    for viewer in NOT_ADMINS:
        with pytest.raises(AccessDenied), session_scope(units) as session:
            USER_CHANGES[name](session, viewer)
    assert everything(units) == before


def test_the_command_line_enables_changes_roles_and_sets_a_password(
    units: Engine, at: Clock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add(units, roles=("ledning",), password=None)
    assert run(["users", "disable", "anna.berg@x.example"], capsys)[:2] == (
        0,
        "Disabled user anna.berg@x.example\n",
    )
    assert run(["users", "enable", "anna.berg@x.example"], capsys)[:2] == (
        0,
        "Enabled user anna.berg@x.example\n",
    )
    code, out, _ = run(
        ["users", "roles", "anna.berg@x.example", "--role", "enhet", "--unit", "1001", "--unit", "1002"],
        capsys,
    )
    assert (code, out) == (0, "User anna.berg@x.example: enhet; 2 units\n")
    code, _, err = run(["users", "roles", "anna.berg@x.example", "--role", "enhet", "--unit", "77"], capsys)
    assert code == 1 and "Okänd enhetskod: 77" in err
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    assert run(["users", "password", "anna.berg@x.example", "--password-stdin"], capsys)[:2] == (
        0,
        "New password for anna.berg@x.example\n",
    )
    assert isinstance(sign_in(units, "anna.berg@x.example", PASSWORD), User)
    (row,) = accounts_listed(units)
    assert (row.roles, row.unit_codes) == (("enhet",), ("1001", "1002"))
    actors = {entry[0] for entry in log(units, *CHANGES)}
    assert actors == {"admin", os.environ.get("USER") or "kommandorad"}
