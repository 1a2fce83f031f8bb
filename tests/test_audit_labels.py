"""Every entry the audit log gets has Swedish words on the Granskningslogg page.

Each command of the write-path registry runs on a fresh world; whatever
actions it writes to the log must be in ``ui.audit_view.ACTION_LABELS``, so a
new audited command cannot show a raw code to the admin.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access.core.db import session_scope
from data_access.core.models import AuditEvent
from tests import test_write_path as registry
from ui.audit_view import ACTION_LABELS, action_text

CALLS = {**registry.COMMANDS, **registry.OUTSIDE_THE_VERSION}


def actions_in_log(engine: Engine) -> set[str]:
    with Session(engine) as session:
        return set(session.scalars(select(AuditEvent.action)))


@pytest.mark.parametrize("name", sorted(set(CALLS) - registry.ON_AN_EMPTY_DATABASE))
def test_every_action_a_command_logs_has_swedish_words(engine: Engine, name: str) -> None:
    ids = registry.build_world(engine)
    before = actions_in_log(engine)
    with session_scope(engine, actor="Anna") as session:
        CALLS[name](session, ids)
    written = actions_in_log(engine) | before
    assert written <= set(ACTION_LABELS), f"{name} logs {sorted(written - set(ACTION_LABELS))} without words"


def test_an_unknown_action_is_shown_as_stored() -> None:
    assert action_text("something_new") == "something_new"
    assert action_text("import") == "Import"
