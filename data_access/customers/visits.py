"""Visits and conversations (besök och samtal) with units, and the
follow-ups they promise.

The log holds who took part and what was said: personal data, read and
written only by a role allowed to (issue 13). Who logged a visit is the
signed-in user, recorded in the audit log with the visit's id, not a name
typed into the form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core.lengths import count_text, nul_problem
from data_access.core.models import Contract, Unit, Visit
from data_access.core.validation import FieldErrors

# Audit actions (ids only in the entries, never the person's name or details).
VISIT_ADDED = "visit_added"

# Both are Text columns, so the database sets no limit: these do. The list of
# participants had none (a form could store any amount of text in it).
NOTES_MAX = 10_000
PARTICIPANTS_MAX = 1_000


class VisitError(FieldErrors):
    """What is wrong with a visit, per field (``visit_date``, ``unit_id``,
    ``follow_up_date``, ``participants``, ``notes``)."""


@dataclass(frozen=True)
class VisitRecord:
    id: int
    visit_date: date
    unit_id: int
    unit_name: str
    contract: str | None
    participants: str | None
    notes: str | None
    follow_up_date: date | None
    recorded_by: str | None  # who registered it (the signed-in e-mail)


def add_visit(
    session: Session,
    *,
    visit_date: date | None,
    unit_id: int | None,
    contract_id: int | None = None,
    participants: str = "",
    notes: str = "",
    follow_up_date: date | None = None,
    acting: Viewer,
) -> int:
    """Log a visit or a call; returns its id. Every refused value is named
    (``VisitError``), so the form shows them all at once."""
    acting.require(Permission.EDIT_VISITS)
    problems: dict[str, str] = {}
    if visit_date is None:
        problems["visit_date"] = "Ange datum för besöket eller samtalet."
    if unit_id is None:
        problems["unit_id"] = "Välj enhet."
    if follow_up_date is not None and visit_date is not None and follow_up_date < visit_date:
        problems["follow_up_date"] = "Uppföljningen kan inte ligga före besöket."
    if len(participants) > PARTICIPANTS_MAX:
        problems["participants"] = f"Deltagarna får vara högst {count_text(PARTICIPANTS_MAX)} tecken."
    elif problem := nul_problem(participants, "Deltagarna"):
        problems["participants"] = problem
    if len(notes) > NOTES_MAX:
        problems["notes"] = f"Anteckningarna får vara högst {count_text(NOTES_MAX)} tecken."
    elif problem := nul_problem(notes, "Anteckningarna"):
        problems["notes"] = problem
    if problems:
        raise VisitError(problems)
    visit = Visit(
        visit_date=visit_date,
        unit_id=unit_id,
        contract_id=contract_id,
        participants=participants.strip() or None,
        notes=notes.strip() or None,
        follow_up_date=follow_up_date,
        recorded_by=acting.label,
    )
    session.add(visit)
    session.flush()
    audit.record(session, VISIT_ADDED, f"unit:{unit_id}", f"visit:{visit.id}", actor=acting.label)
    return visit.id


def _visit_records() -> Select:
    """Visits with their unit's name and the contract's reference."""
    return (
        select(
            Visit.id,
            Visit.visit_date,
            Visit.unit_id,
            Unit.name,
            Contract.reference,
            Visit.participants,
            Visit.notes,
            Visit.follow_up_date,
            Visit.recorded_by,
        )
        .join(Unit, Unit.id == Visit.unit_id)
        .outerjoin(Contract, Contract.id == Visit.contract_id)
    )


def visits(
    session: Session,
    *,
    unit_id: int | None = None,
    contract_id: int | None = None,
    limit: int = 500,
    acting: Viewer,
) -> list[VisitRecord]:
    """The newest first, for a unit, a contract, or all."""
    acting.require(Permission.VIEW_VISITS)
    query = _visit_records().order_by(Visit.visit_date.desc(), Visit.id.desc()).limit(limit)
    if unit_id is not None:
        query = query.where(Visit.unit_id == unit_id)
    if contract_id is not None:
        query = query.where(Visit.contract_id == contract_id)
    return [VisitRecord(*row) for row in session.execute(query)]


def open_follow_ups(session: Session, limit: int = 200, *, acting: Viewer) -> list[VisitRecord]:
    """Follow-ups not yet done, the most overdue first.

    A follow-up is done when a later visit or conversation with the same unit
    is logged; until then it stays on the list, also after its date (the page
    marks it overdue), so a missed call is never silently dropped."""
    acting.require(Permission.VIEW_VISITS)
    later = aliased(Visit)
    done = (
        select(later.id)
        .where(later.unit_id == Visit.unit_id, later.visit_date > Visit.visit_date)
        .exists()
    )
    query = (
        _visit_records()
        .where(Visit.follow_up_date.is_not(None), ~done)
        .order_by(Visit.follow_up_date, Visit.id)
        .limit(limit)
    )
    return [VisitRecord(*row) for row in session.execute(query)]
