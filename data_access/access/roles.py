"""What each role may do: one table that the pages, the navigation and the
data functions all ask, so a page that is hidden cannot still be reached
through a function that forgot the rule.

The table follows issue 13's role text:

- **ledning** reads aggregated figures and invoice lines (Översikt,
  Avtalstrohet), reads Mål and Direktupphandlingar without changing them, and
  uses Hitta avtal. No contact people beyond the contract managers Hitta avtal
  shows.
- **upphandlare** has everything about contracts, units, contacts, visits, the
  inbox and triage, imports and undo, and the direct-award limit; Översikt as
  its start page and Hitta avtal to see what the units see.
- **enhet** uses Hitta avtal (with contract managers), Lämna behov and its own
  unit's page (Min enhet); which unit is a question for the caller, which
  filters by the user's units.
- **admin** manages users, their roles and units, the settings (targets, the
  direct-award limit, base address, upload limit) and reads the audit log.

A person may hold several roles; their permissions are the union. Permissions
name what is done rather than which page does it, so a function that returns
contact people asks for :attr:`Permission.VIEW_CONTACTS` wherever it is called
from. Översikt has its own permission because the issue gives it to ledning
and upphandlare but Avtalstrohet only to ledning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType


class Role(StrEnum):
    """The four roles; the values are what the database stores (``ROLES``)."""

    LEDNING = "ledning"
    UPPHANDLARE = "upphandlare"
    ENHET = "enhet"
    ADMIN = "admin"


class Permission(StrEnum):
    """One thing a user may see or do; the values are stable names for the audit log."""

    VIEW_OVERVIEW = "view_overview"  # Översikt: the headline figures
    VIEW_FIGURES = "view_figures"  # fidelity in detail and its invoice lines
    VIEW_TARGETS = "view_targets"
    EDIT_TARGETS = "edit_targets"
    VIEW_DIRECT_AWARDS = "view_direct_awards"
    EDIT_DIRECT_AWARD_LIMIT = "edit_direct_award_limit"
    VIEW_CATALOGUE = "view_catalogue"  # Hitta avtal, with contract managers
    VIEW_CONTRACT_BUYERS = "view_contract_buyers"  # who buys what, per contract and category
    EDIT_CONTRACT_MANAGERS = "edit_contract_managers"
    VIEW_CONTACTS = "view_contacts"  # the units' contact people: personal data
    EDIT_CONTACTS = "edit_contacts"
    VIEW_VISITS = "view_visits"
    EDIT_VISITS = "edit_visits"
    VIEW_INBOX = "view_inbox"  # needs with submitters and internal notes: personal data
    TRIAGE = "triage"
    IMPORT_DATA = "import_data"  # import files and undo imports
    SUBMIT_NEEDS = "submit_needs"
    VIEW_OWN_UNIT = "view_own_unit"  # Min enhet, only for the user's own units
    MANAGE_USERS = "manage_users"
    MANAGE_SETTINGS = "manage_settings"  # base address, upload limit and the other settings
    VIEW_AUDIT = "view_audit"


# What "Du har inte behörighet att ..." ends with, for each permission.
_ACTIONS: Mapping[Permission, str] = MappingProxyType(
    {
        Permission.VIEW_OVERVIEW: "se översikten",
        Permission.VIEW_FIGURES: "se avtalstrohet och fakturarader",
        Permission.VIEW_TARGETS: "se målen",
        Permission.EDIT_TARGETS: "ändra målen",
        Permission.VIEW_DIRECT_AWARDS: "se direktupphandlingar",
        Permission.EDIT_DIRECT_AWARD_LIMIT: "ändra direktupphandlingsgränsen",
        Permission.VIEW_CATALOGUE: "söka bland avtalen",
        Permission.VIEW_CONTRACT_BUYERS: "se vilka enheter som köper på avtalen",
        Permission.EDIT_CONTRACT_MANAGERS: "ändra avtalsansvariga",
        Permission.VIEW_CONTACTS: "se kontaktpersoner",
        Permission.EDIT_CONTACTS: "ändra kontaktpersoner",
        Permission.VIEW_VISITS: "se besöksloggen",
        Permission.EDIT_VISITS: "registrera besök",
        Permission.VIEW_INBOX: "se inkorgen",
        Permission.TRIAGE: "hantera ärenden i inkorgen",
        Permission.IMPORT_DATA: "importera data eller ångra importer",
        Permission.SUBMIT_NEEDS: "lämna behov",
        Permission.VIEW_OWN_UNIT: "se enhetens sida",
        Permission.MANAGE_USERS: "hantera användare",
        Permission.MANAGE_SETTINGS: "ändra inställningar",
        Permission.VIEW_AUDIT: "se granskningsloggen",
    }
)

_P = Permission

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = MappingProxyType(
    {
        Role.LEDNING: frozenset(
            {_P.VIEW_OVERVIEW, _P.VIEW_FIGURES, _P.VIEW_TARGETS, _P.VIEW_DIRECT_AWARDS, _P.VIEW_CATALOGUE}
        ),
        Role.UPPHANDLARE: frozenset(
            {
                _P.VIEW_OVERVIEW,
                _P.VIEW_DIRECT_AWARDS,
                _P.EDIT_DIRECT_AWARD_LIMIT,
                _P.VIEW_CATALOGUE,
                _P.VIEW_CONTRACT_BUYERS,
                _P.EDIT_CONTRACT_MANAGERS,
                _P.VIEW_CONTACTS,
                _P.EDIT_CONTACTS,
                _P.VIEW_VISITS,
                _P.EDIT_VISITS,
                _P.VIEW_INBOX,
                _P.TRIAGE,
                _P.IMPORT_DATA,
            }
        ),
        Role.ENHET: frozenset({_P.VIEW_CATALOGUE, _P.SUBMIT_NEEDS, _P.VIEW_OWN_UNIT}),
        # Targets and the limit live on the Mål and Direktupphandlingar pages,
        # so changing them means reading them too.
        Role.ADMIN: frozenset(
            {
                _P.VIEW_TARGETS,
                _P.EDIT_TARGETS,
                _P.VIEW_DIRECT_AWARDS,
                _P.EDIT_DIRECT_AWARD_LIMIT,
                _P.MANAGE_USERS,
                _P.MANAGE_SETTINGS,
                _P.VIEW_AUDIT,
            }
        ),
    }
)


def permissions_of(roles: Iterable[Role | str]) -> frozenset[Permission]:
    """Everything the roles allow together; a name that is no role fails
    (``ValueError``) rather than quietly granting nothing, so a typo in the
    database is seen."""
    return frozenset().union(*(ROLE_PERMISSIONS[Role(role)] for role in roles))


class AccessDenied(Exception):
    """The acting user's roles do not allow ``permission``. Named, so pages can
    show its Swedish message and the audit log can record the refusal."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission
        super().__init__(f"Du har inte behörighet att {_ACTIONS[permission]}.")


def require(roles: Iterable[Role | str], permission: Permission) -> None:
    """Refuse with :class:`AccessDenied` unless ``roles`` allow ``permission``:
    the one check every page and data function makes before the work."""
    if permission not in permissions_of(roles):
        raise AccessDenied(permission)


__all__ = ["ROLE_PERMISSIONS", "AccessDenied", "Permission", "Role", "permissions_of", "require"]
