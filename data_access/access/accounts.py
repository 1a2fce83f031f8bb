"""Users, their roles and units, and local accounts.

A user signs in through the municipality's identity provider (no password
here) or, where none is configured, with a local account: the password is
kept only as an argon2 hash (``argon2-cffi``'s ``PasswordHasher``), rehashed
at the next sign-in when the hasher's parameters have changed.

Repeated failures slow an account down instead of locking it: after
:data:`FREE_FAILURES` wrong passwords in a row, each attempt must wait a
delay that doubles with every further failure, up to :data:`MAX_DELAY`. A
lock anyone could trigger by typing someone's e-mail would let them shut that
person out; a capped delay only makes guessing slow. During the delay the
password is not even checked, so waiting is the only way on.

:func:`authenticate` returns a :class:`SignInRefusal` rather than raising
one: the failure counter and the audit entry it writes must be committed
with the refusal, and the unit of work rolls back on an exception. An unknown
e-mail and a wrong password get the same words, so the form does not tell
who has an account.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.core import clock
from data_access.core.lengths import max_length
from data_access.core.models import ROLES, Unit, User, UserRole, UserUnit

# The hasher every new hash is made with; a hash made with other parameters
# is replaced at its owner's next sign-in.
HASHER = PasswordHasher()

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only bounds the work per attempt

FREE_FAILURES = 3  # wrong passwords in a row before the slowdown starts
MAX_DELAY = timedelta(minutes=15)

REFUSED = "Fel e-postadress eller lösenord."

# The audit actor of a sign-in whose "e-mail" is none (perhaps a password in the wrong field).
NOT_AN_EMAIL = "(ogiltig e-postadress)"

# Audit actions.
SIGNED_IN = "signin"
SIGN_IN_REFUSED = "signin_refused"


class AccountError(ValueError):
    """A user cannot be added or changed as asked; the message says why, in Swedish."""


@dataclass(frozen=True)
class SignInRefusal:
    """Why a sign-in was refused, in words for the person trying, and how
    long they must wait before the next attempt is even checked."""

    message: str
    retry_after: timedelta | None = None


@dataclass(frozen=True)
class UserRow:
    """A user as the admin page and ``users list`` show it."""

    id: int
    email: str
    display_name: str | None
    roles: tuple[str, ...]
    unit_codes: tuple[str, ...]
    disabled: bool
    has_password: bool
    failed_logins: int


def normalise_email(email: str) -> str:
    """The stored form of an e-mail: stripped and lower-cased, so the identity
    provider's spelling and the CLI's meet. Refused when it is no address."""
    cleaned = (email or "").strip()
    try:
        validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(f"Ogiltig e-postadress: {cleaned!r}.") from error
    if len(cleaned) > max_length(User.email):
        raise AccountError(f"E-postadressen är längre än {max_length(User.email)} tecken.")
    return cleaned.lower()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Lösenordet får ha högst {MAX_PASSWORD_LENGTH} tecken.")


def _roles(roles: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(role.strip().lower() for role in roles))
    if not chosen:
        raise AccountError(f"Ange minst en roll ({', '.join(ROLES)}).")
    unknown = [role for role in chosen if role not in ROLES]
    if unknown:
        raise AccountError(f"Okänd roll: {', '.join(unknown)}. Roller: {', '.join(ROLES)}.")
    return chosen


def _units(session: Session, codes: Iterable[str]) -> list[int]:
    wanted = list(dict.fromkeys(code.strip() for code in codes))
    found = dict(session.execute(select(Unit.code, Unit.id).where(Unit.code.in_(wanted))).all())
    unknown = [code for code in wanted if code not in found]
    if unknown:
        raise AccountError(f"Okänd enhetskod: {', '.join(unknown)}. Importera organisationen först.")
    return [found[code] for code in wanted]


def _user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def _existing(session: Session, email: str) -> User:
    user = _user(session, email)
    if user is None:
        raise AccountError(f"Det finns ingen användare med e-postadressen {email.strip()}.")
    return user


def add_user(
    session: Session,
    email: str,
    *,
    roles: Iterable[str],
    unit_codes: Iterable[str] = (),
    password: str | None = None,
    display_name: str | None = None,
) -> User:
    """Add a user with ``roles``; an ``enhet`` user needs the codes of the
    units they act for, and only an ``enhet`` user has units. Without a
    password the user can only sign in through the identity provider."""
    address = normalise_email(email)
    chosen = _roles(roles)
    unit_ids = _units(session, unit_codes)
    if "enhet" in chosen and not unit_ids:
        raise AccountError("En användare med rollen enhet behöver minst en enhet (enhetskod).")
    if unit_ids and "enhet" not in chosen:
        raise AccountError("Enheter hör till rollen enhet: ge användaren den rollen också.")
    if _user(session, address) is not None:
        raise AccountError(f"Det finns redan en användare med e-postadressen {address}.")
    if password is not None:
        _check_password(password)
    name = (display_name or "").strip() or None
    if name is not None and len(name) > max_length(User.display_name):
        raise AccountError(f"Namnet är längre än {max_length(User.display_name)} tecken.")
    user = User(
        email=address,
        display_name=name,
        password_hash=None if password is None else HASHER.hash(password),
        disabled=False,
        failed_logins=0,
        created_at=clock.now(),
        roles=[UserRole(role=role) for role in chosen],
        units=[UserUnit(unit_id=unit_id) for unit_id in unit_ids],
    )
    session.add(user)
    session.flush()
    return user


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail, however it is spelled; ``None`` if there is none."""
    return _user(session, email)


def list_users(session: Session) -> list[UserRow]:
    """Every user by e-mail, with roles and unit codes."""
    codes = dict(session.execute(select(Unit.id, Unit.code)).all())
    return [
        UserRow(
            id=user.id,
            email=user.email,
            display_name=user.display_name,
            roles=tuple(role for role in ROLES if role in {held.role for held in user.roles}),
            unit_codes=tuple(sorted(codes[unit.unit_id] for unit in user.units)),
            disabled=user.disabled,
            has_password=user.password_hash is not None,
            failed_logins=user.failed_logins,
        )
        for user in session.scalars(select(User).order_by(User.email))
    ]


def disable_user(session: Session, email: str) -> User:
    """Stop a user from signing in; the user and their history stay."""
    user = _existing(session, email)
    user.disabled = True
    session.flush()
    return user


def set_password(session: Session, email: str, password: str) -> User:
    """Give a user a (new) local password; the slowdown starts afresh."""
    _check_password(password)
    user = _existing(session, email)
    user.password_hash = HASHER.hash(password)
    user.failed_logins = 0
    user.last_failed_at = None
    session.flush()
    return user


def delay_after(failures: int) -> timedelta:
    """How long the next attempt waits after ``failures`` wrong passwords in a
    row: nothing for the first :data:`FREE_FAILURES`, then 1, 2, 4, ... seconds,
    never more than :data:`MAX_DELAY`."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    exponent = failures - FREE_FAILURES
    if exponent >= 20:  # 2**20 s is far past the cap; no huge numbers
        return MAX_DELAY
    return min(timedelta(seconds=2**exponent), MAX_DELAY)


def wait_text(wait: timedelta) -> str:
    """'1 sekund', '40 sekunder', '3 minuter': rounded up, so waiting that long is enough."""
    seconds = max(1, int(-(-wait.total_seconds() // 1)))
    if seconds < 60:
        return "1 sekund" if seconds == 1 else f"{seconds} sekunder"
    minutes = -(-seconds // 60)
    return "1 minut" if minutes == 1 else f"{minutes} minuter"


_dummy_hash: str | None = None


def _verify_nothing(password: str) -> None:
    """Spend a verification's time on an unknown e-mail, so the answer's speed
    does not tell whether the account exists."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = HASHER.hash("ingen användare har detta lösenord")
    _password_matches(_dummy_hash, password)


def _audit_actor(email: str) -> str:
    """The typed e-mail, when it is one; anything else may be a password typed
    into the wrong field and is not written down."""
    try:
        return normalise_email(email)
    except AccountError:
        return NOT_AN_EMAIL


def authenticate(session: Session, email: str, password: str) -> User | SignInRefusal:
    """Check a local account's password: the user when it is right, else why
    not. Writes the outcome to the audit log and keeps the failure count, in
    the caller's unit of work (commit it whatever the answer)."""
    now = clock.now()
    actor = _audit_actor(email)
    user = None if actor == NOT_AN_EMAIL else _user(session, actor)

    def refuse(reason: str, refusal: SignInRefusal | None = None) -> SignInRefusal:
        subject = None if user is None else f"user:{user.id}"
        audit.record(session, SIGN_IN_REFUSED, subject=subject, detail=reason, actor=actor)
        return refusal or SignInRefusal(REFUSED)

    if user is None or user.password_hash is None:
        _verify_nothing(password[:MAX_PASSWORD_LENGTH])
        return refuse("unknown" if user is None else "no_password")
    if user.last_failed_at is not None:
        allowed_at = user.last_failed_at + delay_after(user.failed_logins)
        if now < allowed_at:
            wait = allowed_at - now
            message = f"För många misslyckade inloggningar. Försök igen om {wait_text(wait)}."
            return refuse(f"wait:{user.failed_logins}", SignInRefusal(message, retry_after=wait))
    if len(password) > MAX_PASSWORD_LENGTH or not _password_matches(user.password_hash, password):
        user.failed_logins = User.failed_logins + 1  # in SQL: two attempts at once both count
        user.last_failed_at = now
        session.flush()
        return refuse(f"wrong_password:{user.failed_logins}")
    if user.disabled:
        return refuse("disabled")
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    user.failed_logins = 0
    user.last_failed_at = None
    session.flush()
    audit.record(session, SIGNED_IN, subject=f"user:{user.id}", actor=user.email)
    return user


def _password_matches(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
