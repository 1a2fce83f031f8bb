"""The role table says what issue 13 says, and the navigation follows it.

The expected permissions and pages are written out here by hand from the
issue's role text, not derived from ``ROLE_PERMISSIONS`` or ``PAGES``, so a
change to either table that the issue does not allow fails here.
"""

from __future__ import annotations

import pytest

from data_access.access.roles import (
    ROLE_PERMISSIONS,
    AccessDenied,
    Permission,
    Role,
    permissions_of,
    require,
)
from data_access.core.models import ROLES
from ui.navigation import PAGES, pages_for

EXPECTED_PERMISSIONS: dict[str, set[str]] = {
    # Aggregated figures and invoice lines; Mål and Direktupphandlingar read only.
    "ledning": {"view_overview", "view_figures", "view_targets", "view_direct_awards", "view_catalogue"},
    # Contracts, units, contacts, visits, inbox and triage, imports and undo, the limit.
    "upphandlare": {
        "view_overview",
        "view_direct_awards",
        "edit_direct_award_limit",
        "view_catalogue",
        "view_contract_buyers",
        "edit_contract_managers",
        "view_contacts",
        "edit_contacts",
        "view_visits",
        "edit_visits",
        "view_inbox",
        "triage",
        "import_data",
    },
    # Hitta avtal, Lämna behov and Min enhet.
    "enhet": {"view_catalogue", "submit_needs", "view_own_unit"},
    # Users, settings (targets, limit, base address, upload limit), the audit log.
    "admin": {
        "view_targets",
        "edit_targets",
        "view_direct_awards",
        "edit_direct_award_limit",
        "manage_users",
        "manage_settings",
        "view_audit",
    },
}

EXPECTED_PAGES: dict[str, list[str]] = {
    "ledning": ["Översikt", "Avtalstrohet", "Mål", "Direktupphandlingar", "Hitta avtal"],
    "upphandlare": [
        "Översikt",
        "Direktupphandlingar",
        "Vem köper vad",
        "Avtal",
        "Enhet",
        "Inkorg",
        "Importera data",
        "Hitta avtal",
    ],
    "enhet": ["Min enhet", "Hitta avtal", "Lämna behov"],
    "admin": ["Mål", "Direktupphandlingar", "Användare", "Inställningar", "Granskningslogg"],
}


def test_the_roles_are_the_ones_the_database_stores() -> None:
    assert [role.value for role in Role] == list(ROLES)
    assert set(ROLE_PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", sorted(EXPECTED_PERMISSIONS))
def test_each_role_has_what_the_issue_gives_it(role: str) -> None:
    assert {permission.value for permission in permissions_of([role])} == EXPECTED_PERMISSIONS[role]


def test_every_permission_belongs_to_some_role() -> None:
    assert set().union(*EXPECTED_PERMISSIONS.values()) == {permission.value for permission in Permission}


def test_ledning_reads_but_does_not_change_or_see_personal_data() -> None:
    held = permissions_of([Role.LEDNING])
    for permission in (
        Permission.EDIT_TARGETS,
        Permission.EDIT_DIRECT_AWARD_LIMIT,
        Permission.VIEW_CONTACTS,
        Permission.VIEW_INBOX,
        Permission.IMPORT_DATA,
    ):
        assert permission not in held


def test_several_roles_combine() -> None:
    combined = permissions_of(["enhet", Role.LEDNING])
    assert {permission.value for permission in combined} == EXPECTED_PERMISSIONS["enhet"] | (
        EXPECTED_PERMISSIONS["ledning"]
    )
    require(["enhet", "ledning"], Permission.VIEW_FIGURES)  # from ledning
    require(["enhet", "ledning"], Permission.SUBMIT_NEEDS)  # from enhet


def test_no_roles_no_permissions() -> None:
    assert permissions_of([]) == frozenset()
    with pytest.raises(AccessDenied):
        require([], Permission.VIEW_CATALOGUE)


def test_an_unknown_role_fails_rather_than_granting_nothing() -> None:
    with pytest.raises(ValueError):
        permissions_of(["chef"])


def test_require_refuses_with_a_swedish_message() -> None:
    with pytest.raises(AccessDenied) as refused:
        require(["ledning"], Permission.VIEW_CONTACTS)
    assert refused.value.permission is Permission.VIEW_CONTACTS
    assert str(refused.value) == "Du har inte behörighet att se kontaktpersoner."


@pytest.mark.parametrize("permission", list(Permission), ids=str)
def test_every_refusal_has_its_own_swedish_words(permission: Permission) -> None:
    message = str(AccessDenied(permission))
    assert message.startswith("Du har inte behörighet att ") and message.endswith(".")
    assert len(message) > len("Du har inte behörighet att .")


def test_refusals_say_different_things() -> None:
    messages = [str(AccessDenied(permission)) for permission in Permission]
    assert len(set(messages)) == len(messages)


def test_require_lets_an_allowed_role_through() -> None:
    require(["admin"], Permission.EDIT_TARGETS)
    with pytest.raises(AccessDenied):
        require(["ledning"], Permission.EDIT_TARGETS)


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_role_gets_exactly_its_pages(role: str) -> None:
    assert [spec.title for spec in pages_for(permissions_of([role]))] == EXPECTED_PAGES[role]


def test_several_roles_get_the_union_of_pages_in_navigation_order() -> None:
    titles = [spec.title for spec in pages_for(permissions_of(["enhet", "admin"]))]
    assert titles == [
        "Mål",
        "Direktupphandlingar",
        "Min enhet",
        "Hitta avtal",
        "Lämna behov",
        "Användare",
        "Inställningar",
        "Granskningslogg",
    ]


def test_every_page_is_reachable_by_some_role() -> None:
    reachable = {spec.path for role in Role for spec in pages_for(permissions_of([role]))}
    assert reachable == {spec.path for spec in PAGES}


def test_all_roles_together_get_every_page() -> None:
    assert pages_for(permissions_of(Role)) == PAGES
