"""The acting user: who is signed in, with which roles, for which units.

Every ``data_access`` function that returns personal data (contact people,
submitters, internal notes) or changes anything takes a :class:`Viewer` as its
keyword-only ``acting`` argument and calls :meth:`Viewer.require` before the
work, so a page that forgot its own check still cannot read or change what the
role does not allow. The pages get their viewer from the sign-in
(``ui.signed_in``); the command line and start-up act as :func:`system`.

A viewer is a frozen dataclass, hashed by value: a cached read that depends on
who asks takes the viewer as an argument, so the cache key holds the roles and
units and one user's answer is never served to another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from data_access.access.roles import AccessDenied, Permission, Role, permissions_of


@dataclass(frozen=True)
class Viewer:
    """A signed-in person as the app acts for them.

    ``roles`` come from the user table, the identity provider's ``roles``
    claim or the demo; ``unit_ids`` are the units an ``enhet`` user belongs to
    (explicit or through being a unit's contact person); ``granted`` holds
    permissions given without a role (a person of the municipality's own
    e-mail domain may search contracts and submit needs).
    """

    email: str
    name: str = ""
    roles: frozenset[Role] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    granted: frozenset[Permission] = field(default=frozenset())

    @property
    def permissions(self) -> frozenset[Permission]:
        """Everything the roles and the grants allow together."""
        return permissions_of(self.roles) | self.granted

    @property
    def label(self) -> str:
        """How changes and the audit log name this person: the e-mail, which
        is unique and what the admin page lists (a display name is not)."""
        return self.email

    @property
    def greeting(self) -> str:
        """How the sidebar names the person: the display name, else the e-mail."""
        return self.name or self.email

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Refuse with :class:`AccessDenied` (a Swedish message) unless allowed."""
        if not self.may(permission):
            raise AccessDenied(permission)

    def require_unit(self, unit_id: int) -> None:
        """Refuse a unit the viewer does not belong to, whatever id the address
        holds; a procurer (who sees every unit's contacts) is not limited."""
        if unit_id not in self.unit_ids and not self.may(Permission.VIEW_CONTACTS):
            raise AccessDenied(Permission.VIEW_OWN_UNIT)


def viewer_with(
    email: str,
    roles: Iterable[Role | str] = (),
    *,
    name: str = "",
    unit_ids: Iterable[int] = (),
    granted: Iterable[Permission] = (),
) -> Viewer:
    """A viewer from plain values (role names as stored), e.g. for tests and the demo."""
    return Viewer(
        email=email,
        name=name,
        roles=frozenset(Role(role) for role in roles),
        unit_ids=frozenset(unit_ids),
        granted=frozenset(granted),
    )


def system(name: str) -> Viewer:
    """The command line, start-up and scheduled jobs: every role, named for the
    log (``--user``, ``$USER``, "uppstart"). Never handed to a page."""
    return Viewer(email=name, name=name, roles=frozenset(Role))


__all__ = ["Viewer", "system", "viewer_with"]
