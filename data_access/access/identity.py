"""From a signed-in e-mail to a :class:`Viewer`: who may do what.

Nobody should register 800 units by hand, so three sources add up:

1. **Implicit units.** A person whose e-mail is a contact person of a unit
   (from the organisation import) is an ``enhet`` user of that unit.
2. **The municipality's own domains** (setting :data:`DOMAINS_SETTING`, e.g.
   ``lund.se, skola.lund.se``): anyone signed in with such an address may use
   Hitta avtal and Lämna behov, without a unit.
3. **Explicit users** (the admin page, ``python -m data_access users add``) add
   their roles, and override the two above: a disabled user gets nothing, and
   an explicit ``enhet`` user's units replace the implicit ones.

The identity provider's ``roles`` claim, when the municipality maps groups to
app roles there, adds its roles (names the app does not know are ignored).

Resolved on every page run (one small query), so a disabled user or a removed
contact person loses access at the next click, not at the next sign-in.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission, Role
from data_access.access.viewer import Viewer
from data_access.core.models import Need, Person, Unit, UnitContact, User, UserRole
from data_access.core.settings import get_setting

DOMAINS_SETTING = "municipal_domains"
# Whom the "Du har inte behörighet" page tells a stranger to contact (free text).
ACCESS_CONTACT_SETTING = "access_contact"

# Audit actions of a sign-in through the identity provider.
PROVIDER_SIGNED_IN = "signin_provider"
PROVIDER_REFUSED = "signin_provider_refused"

DEMO_DOMAIN = "demo.avtalsfokus.invalid"  # .invalid: never a real mailbox

# What a person of the municipality's own domains may do without any role.
DOMAIN_PERMISSIONS: frozenset[Permission] = frozenset({Permission.VIEW_CATALOGUE, Permission.SUBMIT_NEEDS})


def municipal_domains(session: Session) -> tuple[str, ...]:
    """The e-mail domains of the municipality, lower-cased, as the admin set them."""
    return parse_domains(get_setting(session, DOMAINS_SETTING) or "")


def parse_domains(text: str) -> tuple[str, ...]:
    """``"Lund.se, @skola.lund.se"`` → ``("lund.se", "skola.lund.se")``: commas,
    semicolons, spaces or new lines between; a leading ``@`` is dropped."""
    parts = text.replace(";", ",").replace("\n", ",").replace(" ", ",").split(",")
    return tuple(dict.fromkeys(part.strip().lstrip("@").lower() for part in parts if part.strip()))


def _in_domains(email: str, domains: Iterable[str]) -> bool:
    domain = email.rpartition("@")[2]
    return any(domain == wanted or domain.endswith("." + wanted) for wanted in domains)


def contact_unit_ids(session: Session, email: str) -> frozenset[int]:
    """The units whose contact person has this e-mail (any spelling)."""
    rows = session.scalars(
        select(UnitContact.unit_id)
        .join(Person, Person.id == UnitContact.person_id)
        .where(func.lower(Person.email) == email)
    )
    return frozenset(rows)


def resolve_viewer(
    session: Session, email: str, name: str = "", claim_roles: Iterable[str] = ()
) -> Viewer | None:
    """The viewer a signed-in ``email`` is, or ``None`` when the app knows no
    reason to let them in (the page then says "Du har inte behörighet")."""
    address = (email or "").strip().lower()
    if not address or "@" not in address:
        return None
    user = session.scalar(select(User).where(User.email == address))
    if user is not None and user.disabled:
        return None
    known = {role.value for role in Role}
    roles = {Role(role) for role in claim_roles if role in known}
    unit_ids = contact_unit_ids(session, address)
    if unit_ids:
        roles.add(Role.ENHET)
    if user is not None:
        roles |= {Role(held.role) for held in user.roles}
        explicit_units = frozenset(unit.unit_id for unit in user.units)
        if explicit_units:
            unit_ids = explicit_units
    granted = DOMAIN_PERMISSIONS if _in_domains(address, municipal_domains(session)) else frozenset()
    if not roles and not granted:
        return None
    display = name or (user.display_name if user is not None and user.display_name else "")
    return Viewer(
        email=address,
        name=display,
        roles=frozenset(roles),
        unit_ids=unit_ids,
        granted=granted,
    )


def access_contact(session: Session) -> str:
    """Whom a person without access should ask: the admin's own words when
    set, else the e-mails of the app's admins, else the procurement unit."""
    configured = (get_setting(session, ACCESS_CONTACT_SETTING) or "").strip()
    if configured:
        return configured
    admins = session.scalars(
        select(User.email)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN.value, User.disabled.is_(False))
        .order_by(User.email)
    ).all()
    if admins:
        return "Kontakta appens administratör: " + ", ".join(admins) + "."
    return "Kontakta upphandlingsenheten."


def record_provider_sign_in(session: Session, email: str, viewer: Viewer | None) -> None:
    """Log a sign-in through the identity provider, or its refusal (a person
    the app does not know). Once per browser session, by the caller."""
    address = (email or "").strip().lower()[:254] or "(ingen e-postadress)"
    if viewer is None:
        audit.record(session, PROVIDER_REFUSED, detail="unknown", actor=address)
    else:
        audit.record(
            session, PROVIDER_SIGNED_IN, detail="roles=" + ",".join(sorted(viewer.roles)), actor=address
        )


def demo_viewer(session: Session, role: Role) -> Viewer:
    """The demo user of ``role`` (demo database only, no account in the
    table): an ``enhet`` demo user belongs to the unit with contact people
    that submitted the most needs, the one with most to show on Min enhet."""
    unit_ids: frozenset[int] = frozenset()
    if role is Role.ENHET:
        busiest = session.scalar(
            select(UnitContact.unit_id)
            .outerjoin(Need, Need.unit_id == UnitContact.unit_id)
            .group_by(UnitContact.unit_id)
            .order_by(func.count(Need.id).desc(), UnitContact.unit_id)
            .limit(1)
        )
        if busiest is None:
            busiest = session.scalar(select(Unit.id).order_by(Unit.code).limit(1))
        unit_ids = frozenset() if busiest is None else frozenset({busiest})
    return Viewer(
        email=f"demo.{role.value}@{DEMO_DOMAIN}",
        name=f"Demoanvändare ({DEMO_ROLE_NAMES[role]})",
        roles=frozenset({role}),
        unit_ids=unit_ids,
    )


# How the sign-in page and the sidebar name each role.
DEMO_ROLE_NAMES = {
    Role.LEDNING: "ledning",
    Role.UPPHANDLARE: "upphandlare",
    Role.ENHET: "enhet",
    Role.ADMIN: "administratör",
}


__all__ = [
    "ACCESS_CONTACT_SETTING",
    "DOMAINS_SETTING",
    "access_contact",
    "demo_viewer",
    "municipal_domains",
    "parse_domains",
    "record_provider_sign_in",
    "resolve_viewer",
]
