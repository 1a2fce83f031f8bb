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
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.lengths import max_length
from data_access.core.models import ROLES, AuditEvent, Unit, User, UserRole, UserUnit

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
USER_ADDED = "user_added"
USER_CHANGED = "user_changed"
USER_DISABLED = "user_disabled"


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


def _check_roles_and_units(roles: tuple[str, ...], unit_ids: list[int]) -> None:
    if "enhet" in roles and not unit_ids:
        raise AccountError("En användare med rollen enhet behöver minst en enhet (enhetskod).")
    if unit_ids and "enhet" not in roles:
        raise AccountError("Enheter hör till rollen enhet: ge användaren den rollen också.")


def _roles_detail(roles: Iterable[str], unit_count: int) -> str:
    """What the log says of a user's roles: their names and how many units
    (role names are no personal data; unit ids would be more than the log needs)."""
    held = set(roles)
    return f"roles={','.join(role for role in ROLES if role in held)} units={unit_count}"


def _active_admins(session: Session) -> set[int]:
    rows = session.scalars(
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "admin", User.disabled.is_(False))
    )
    return set(rows)


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to take the last active admin away (disabled, or the role
    removed): nobody could then manage the users in the app."""
    if _active_admins(session) == {user.id}:
        raise AccountError(
            "Det måste finnas minst en aktiv administratör. Lägg till en annan administratör först."
        )


def add_user(
    session: Session,
    email: str,
    *,
    roles: Iterable[str],
    unit_codes: Iterable[str] = (),
    password: str | None = None,
    display_name: str | None = None,
    acting: Viewer,
) -> User:
    """Add a user with ``roles``; an ``enhet`` user needs the codes of the
    units they act for, and only an ``enhet`` user has units. Without a
    password the user can only sign in through the identity provider.
    Only a user manager (the admin, the command line) may."""
    acting.require(Permission.MANAGE_USERS)
    address = normalise_email(email)
    chosen = _roles(roles)
    unit_ids = _units(session, unit_codes)
    _check_roles_and_units(chosen, unit_ids)
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
    detail = _roles_detail(chosen, len(unit_ids)) + f" password={'yes' if password is not None else 'no'}"
    audit.record(session, USER_ADDED, f"user:{user.id}", detail, actor=acting.label)
    return user


def user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail, however it is spelled; ``None`` if there is none."""
    return _user(session, email)


def list_users(session: Session, *, acting: Viewer) -> list[UserRow]:
    """Every user by e-mail, with roles and unit codes: e-mails and names are
    personal data, so only a user manager reads them."""
    acting.require(Permission.MANAGE_USERS)
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


def disable_user(session: Session, email: str, *, acting: Viewer) -> User:
    """Stop a user from signing in; the user and their history stay. The
    last active admin is not disabled (nobody could undo it in the app)."""
    acting.require(Permission.MANAGE_USERS)
    user = _existing(session, email)
    if user.disabled:
        return user
    _keep_an_admin(session, user)
    user.disabled = True
    session.flush()
    audit.record(session, USER_DISABLED, f"user:{user.id}", actor=acting.label)
    return user


def enable_user(session: Session, email: str, *, acting: Viewer) -> User:
    """Let a disabled user sign in again, with the slowdown started afresh."""
    acting.require(Permission.MANAGE_USERS)
    user = _existing(session, email)
    if not user.disabled:
        return user
    user.disabled = False
    user.failed_logins = 0
    user.last_failed_at = None
    session.flush()
    audit.record(session, USER_CHANGED, f"user:{user.id}", "enabled", actor=acting.label)
    return user


def set_password(session: Session, email: str, password: str, *, acting: Viewer) -> User:
    """Give a user a (new) local password; the slowdown starts afresh."""
    acting.require(Permission.MANAGE_USERS)
    _check_password(password)
    user = _existing(session, email)
    user.password_hash = HASHER.hash(password)
    user.failed_logins = 0
    user.last_failed_at = None
    session.flush()
    audit.record(session, USER_CHANGED, f"user:{user.id}", "password", actor=acting.label)
    return user


def set_roles(
    session: Session,
    email: str,
    roles: Iterable[str],
    *,
    unit_codes: Iterable[str] | None = None,
    acting: Viewer,
) -> User:
    """Replace a user's roles, and with ``unit_codes`` their units in the same
    step (the admin page changes both at once, so adding ``enhet`` with its
    units is one change, not two that are each refused). Without
    ``unit_codes`` the units stay; taking ``enhet`` away takes them along, as
    units belong to that role only. The last active admin keeps the role."""
    acting.require(Permission.MANAGE_USERS)
    user = _existing(session, email)
    chosen = _roles(roles)
    if unit_codes is not None:
        unit_ids = _units(session, unit_codes)
    elif "enhet" in chosen:
        unit_ids = [unit.unit_id for unit in user.units]
    else:
        unit_ids = []
    _check_roles_and_units(chosen, unit_ids)
    if "admin" not in chosen and not user.disabled and any(held.role == "admin" for held in user.roles):
        _keep_an_admin(session, user)
    _replace_roles_and_units(session, user, chosen, unit_ids, acting)
    return user


def set_units(session: Session, email: str, unit_codes: Iterable[str], *, acting: Viewer) -> User:
    """Replace the units an ``enhet`` user acts for (at least one; only an
    ``enhet`` user has units)."""
    acting.require(Permission.MANAGE_USERS)
    user = _existing(session, email)
    current = {held.role for held in user.roles}
    held = tuple(role for role in ROLES if role in current)
    unit_ids = _units(session, unit_codes)
    _check_roles_and_units(held, unit_ids)
    _replace_roles_and_units(session, user, held, unit_ids, acting)
    return user


def _replace_roles_and_units(
    session: Session, user: User, roles: tuple[str, ...], unit_ids: list[int], acting: Viewer
) -> None:
    """Store the roles and units, and log the change when there is one."""
    before = ({held.role for held in user.roles}, {unit.unit_id for unit in user.units})
    if before == (set(roles), set(unit_ids)):
        return
    kept_roles = {held.role: held for held in user.roles}
    kept_units = {unit.unit_id: unit for unit in user.units}
    user.roles = [kept_roles.get(role) or UserRole(role=role) for role in roles]
    user.units = [kept_units.get(unit_id) or UserUnit(unit_id=unit_id) for unit_id in unit_ids]
    session.flush()
    audit.record(
        session, USER_CHANGED, f"user:{user.id}", _roles_detail(roles, len(unit_ids)), actor=acting.label
    )


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


# How far back failed attempts at an address without a password still count.
PASSWORDLESS_WINDOW = timedelta(days=1)


def _passwordless_failures(session: Session, actor: str, now: datetime) -> tuple[int, datetime | None]:
    """Failed attempts at an address without a local password (unknown, or
    signing in through the provider) over :data:`PASSWORDLESS_WINDOW`, and the
    latest; none for input that is no e-mail (nobody's account)."""
    if actor == NOT_AN_EMAIL:
        return 0, None
    count, latest = session.execute(
        select(func.count(), func.max(AuditEvent.at)).where(
            AuditEvent.action == SIGN_IN_REFUSED,
            AuditEvent.actor == actor,
            AuditEvent.detail.in_(("unknown", "no_password")),
            AuditEvent.at >= now - PASSWORDLESS_WINDOW,
        )
    ).one()
    return int(count or 0), latest


def _wait(failures: int, last_failed_at: datetime | None, now: datetime) -> timedelta | None:
    """How long until the next attempt is checked, or None when it may be now."""
    if last_failed_at is None:
        return None
    allowed_at = last_failed_at + delay_after(failures)
    return allowed_at - now if now < allowed_at else None


def _wait_refusal(wait: timedelta) -> SignInRefusal:
    return SignInRefusal(
        f"För många misslyckade inloggningar. Försök igen om {wait_text(wait)}.", retry_after=wait
    )


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
        # The same slowdown as a real account's, counted from the log: a wait
        # that only real accounts got would tell who has one.
        failures, last_failed_at = _passwordless_failures(session, actor, now)
        wait = _wait(failures, last_failed_at, now)
        if wait is not None:
            return refuse(f"wait:{failures}", _wait_refusal(wait))
        _verify_nothing(password[:MAX_PASSWORD_LENGTH])
        return refuse("unknown" if user is None else "no_password")
    wait = _wait(user.failed_logins, user.last_failed_at, now)
    if wait is not None:
        return refuse(f"wait:{user.failed_logins}", _wait_refusal(wait))
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
