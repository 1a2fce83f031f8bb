"""The audit log: who did what, when.

An entry holds ids and counts, never personal values (no names, no contact
details, no free text anyone typed, never a password). The one exception is
a sign-in, whose actor is the account's e-mail: it identifies the account,
which is what a sign-in log is for. Entries are written in the caller's unit
of work, so a change and its entry are committed, or rolled back, together.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.lengths import max_length
from data_access.core.models import AuditEvent
from data_access.core.work import actor_of


@dataclass(frozen=True)
class AuditEntry:
    """One entry as the admin page and the CLI show it."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    detail: str | None


def _fit(value: str | None, attribute: InstrumentedAttribute) -> str | None:
    """Cut to the column's length: an entry too long must not fail the change it records."""
    if value is None:
        return None
    limit = max_length(attribute)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def record(
    session: Session,
    action: str,
    subject: str | None = None,
    detail: str | None = None,
    *,
    actor: str | None = None,
) -> AuditEvent:
    """Add an entry for the session's acting user (or ``actor``, for a
    sign-in, where the session has nobody yet) at the clock's now."""
    event = AuditEvent(
        at=clock.now(),
        actor=_fit(actor if actor is not None else actor_of(session).name, AuditEvent.actor),
        action=_fit(action, AuditEvent.action),
        subject=_fit(subject, AuditEvent.subject),
        detail=_fit(detail, AuditEvent.detail),
    )
    session.add(event)
    session.flush()
    return event


EXPORT = "export"  # a download that holds personal data


def record_export(session: Session, what: str, subject: str | None, rows: int, *, actor: str) -> AuditEvent:
    """Log a download holding personal data (a contact list, the inbox as
    Excel): ``what`` names the file's kind (``contacts``, ``inbox``),
    ``subject`` what it was of (``contract:12``), ``rows`` how many rows it
    held, ``actor`` who downloaded it. A building block: the guarded commands
    (``record_contact_export``, ``record_inbox_export``) check the role."""
    return record(session, EXPORT, subject, f"{what} rows={rows}", actor=actor)


def months_before(moment: datetime, months: int) -> datetime:
    """The same time ``months`` calendar months earlier; a day the month lacks
    (31 March minus one month) becomes that month's last."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            day -= 1


PURGED = "audit_purged"  # the log's own entry after a purge: how many went, never what


def purge_older_than(session: Session, months: int, *, acting: Viewer) -> int:
    """Delete the entries older than ``months`` months (the retention
    setting); returns how many went. Shortening the log is the admin's (a
    settings change), and the purge leaves an entry of its own, so the log
    says who shortened it and by how much."""
    acting.require(Permission.MANAGE_SETTINGS)
    if months < 1:
        raise ValueError("Loggen behålls minst en månad.")
    cutoff = months_before(clock.now(), months)
    result = session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    removed = result.rowcount or 0
    record(session, PURGED, None, f"months={months} removed={removed}", actor=acting.label)
    return removed


def count_older_than(session: Session, months: int, *, acting: Viewer) -> int:
    """How many entries a purge with ``months`` would delete now."""
    acting.require(Permission.VIEW_AUDIT)
    cutoff = months_before(clock.now(), months)
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.at < cutoff)) or 0


def list_events(
    session: Session,
    limit: int = 200,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    acting: Viewer,
) -> list[AuditEntry]:
    """The newest entries first, at most ``limit``, optionally of one action
    or actor, or since a moment. The actors are e-mails, so only the audit
    role reads them."""
    acting.require(Permission.VIEW_AUDIT)
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    if actor is not None:
        query = query.where(AuditEvent.actor == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    return [
        AuditEntry(event.id, event.at, event.actor, event.action, event.subject, event.detail)
        for event in session.scalars(query)
    ]


@dataclass(frozen=True)
class LogFacets:
    """What the audit page's filters offer: the actions and actors in the
    log, and how many entries it holds."""

    actions: tuple[str, ...]
    actors: tuple[str, ...]
    total: int


def log_facets(session: Session, *, acting: Viewer) -> LogFacets:
    """The distinct actions and actors of the log, sorted, and its size."""
    acting.require(Permission.VIEW_AUDIT)
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    actors = session.scalars(select(AuditEvent.actor).distinct().order_by(AuditEvent.actor))
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    return LogFacets(tuple(actions), tuple(actors), total)
