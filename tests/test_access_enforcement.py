"""Enforcement in depth: no change and no personal data without the acting user.

The issue: every ``data_access`` function that returns personal data or
changes anything takes the acting user and refuses when the role does not
allow it, and nothing role- or user-specific is cached without the role or
user in the cache key. These tests hold the whole code base to that, so a
function added next year cannot forget it:

* every function that writes (the write-path registry's COMMANDS and
  OUTSIDE_THE_VERSION) takes ``acting``, except the building blocks listed
  in :data:`UNGUARDED` with the reason, each reached only through a guarded
  entry point, the sign-in itself or the command line;
* every function that reads personal data (:data:`PERSONAL_DATA_READS`) takes
  ``acting``;
* every function with ``acting`` refuses a viewer without any permission
  (``AccessDenied``) and writes nothing;
* every cached read in ``ui.cached`` that passes ``acting=`` on takes the
  viewer as a parameter, so the viewer is part of Streamlit's cache key.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.access.roles import AccessDenied
from data_access.access.viewer import Viewer
from data_access.core.db import session_scope
from tests import test_write_path as registry

ROOT = Path(__file__).resolve().parent.parent

# Writers without ``acting``: each is reached only through a guarded entry
# point (which checked the role and passes who acts through the session), or
# is the sign-in itself, the start-up or the command line.
UNGUARDED: dict[str, str] = {
    "core.settings.bump_data_version": "the unit of work's own commit step",
    "core.settings.set_setting": "storage for the guarded setters (targets, settings, upload limit)",
    "core.work.mark_written": "the unit of work's own note for bulk writes",
    "access.audit.record": "the audit log itself, written by guarded commands and the sign-in",
    "access.audit.record_export": "the audit entry of a download, written by the guarded export commands",
    "access.accounts.authenticate": "the sign-in: nobody is signed in yet",
    "access.identity.record_provider_sign_in": "the sign-in: nobody is signed in yet",
    "demo.generator.load_demo": "start-up on the embedded demo database and the command line only",
    "engine.bulk.land_lines": "a step of the guarded imports",
    "engine.classification.classify_lines": "a step of the guarded imports and undo",
    "engine.classification.refresh_summaries": "a step of the guarded imports and undo",
    "importing.invoices.import_invoices": "a step of importing.service.import_invoice_file",
    "importing.invoices.start_batch": "a step of the guarded invoice imports",
    "importing.invoices.land_batch": "a step of the guarded invoice imports",
    "importing.peppol_import.import_peppol": "a step of importing.service.import_peppol_file",
    "importing.registers.import_accounts": "a step of importing.service.import_file",
    "importing.registers.import_contracts": "a step of importing.service.import_file",
    "importing.registers.import_organisation": "a step of importing.service.import_file",
}

# Reads that return contact people, submitters, internal notes or users.
PERSONAL_DATA_READS = {
    "access.accounts.list_users",
    "access.audit.list_events",
    "customers.contract_buyers.unit_contacts",
    "customers.needs.inbox",
    "customers.needs.history",
    "customers.visits.visits",
    "customers.visits.open_follow_ups",
    "customers.own_unit.own_needs",
}

NOBODY = Viewer(email="ingen@kommun.example")  # signed in, without any role or grant


def function_of(name: str) -> object:
    module, _, attribute = f"data_access.{name}".rpartition(".")
    return getattr(__import__(module, fromlist=[attribute]), attribute)


def takes_acting(name: str) -> bool:
    return "acting" in inspect.signature(function_of(name)).parameters


WRITERS = sorted({*registry.COMMANDS, *registry.OUTSIDE_THE_VERSION})
GUARDED = sorted(name for name in registry.session_functions() if takes_acting(name))


@pytest.mark.parametrize("name", WRITERS)
def test_every_writer_takes_the_acting_user(name: str) -> None:
    if name in UNGUARDED:
        assert not takes_acting(name), f"{name} takes acting now: take it off UNGUARDED"
        return
    assert takes_acting(name), f"{name} changes data: give it `*, acting: Viewer` and a require()"


def test_the_unguarded_list_holds_only_writers() -> None:
    assert set(UNGUARDED) <= set(WRITERS)
    assert all(reason.strip() for reason in UNGUARDED.values())


@pytest.mark.parametrize("name", sorted(PERSONAL_DATA_READS))
def test_every_personal_data_read_takes_the_acting_user(name: str) -> None:
    assert takes_acting(name), f"{name} returns personal data: give it `*, acting: Viewer`"


def _call(name: str) -> registry.Call:
    for table in (registry.COMMANDS, registry.OUTSIDE_THE_VERSION, registry.READS):
        if name in table:
            return table[name]
    raise AssertionError(f"{name} is not in tests/test_write_path.py with a call")


@pytest.mark.parametrize("name", GUARDED)
def test_a_viewer_without_any_permission_is_refused_and_nothing_is_written(engine: Engine, name: str) -> None:
    ids = replace(registry.build_world(engine), acting=NOBODY)
    before = registry.version(engine), registry.users_and_log(engine)
    with pytest.raises(AccessDenied), session_scope(engine, actor="ingen") as session:
        _call(name)(session, ids)
    assert (registry.version(engine), registry.users_and_log(engine)) == before, (
        f"{name} wrote before refusing"
    )


def _cached_functions() -> list[ast.FunctionDef]:
    tree = ast.parse((ROOT / "ui" / "cached.py").read_text(encoding="utf-8"))
    return [node for node in tree.body if isinstance(node, ast.FunctionDef)]


def _passes_acting(function: ast.FunctionDef) -> bool:
    return any(isinstance(node, ast.keyword) and node.arg == "acting" for node in ast.walk(function))


def test_a_cached_read_for_a_viewer_has_the_viewer_in_its_key() -> None:
    checked = 0
    for function in _cached_functions():
        if not _passes_acting(function):
            continue
        checked += 1
        annotations = {arg.arg: ast.unparse(arg.annotation) for arg in function.args.args if arg.annotation}
        assert any(kind.endswith("Viewer") for kind in annotations.values()), (
            f"ui.cached.{function.name} reads for a viewer it is not keyed on"
        )
        for node in ast.walk(function):
            if isinstance(node, ast.keyword) and node.arg == "acting":
                assert isinstance(node.value, ast.Name), function.name
                assert annotations.get(node.value.id, "").endswith("Viewer"), function.name
    assert checked >= 5  # the inbox, contacts, visits, Min enhet …: the test sees them
