"""Needs and feedback from units: submitting, the receipt, and triage.

A submission gets an unguessable token (``secrets.token_urlsafe``) for its
receipt link, so nobody can list other people's submissions by counting; the
token is made when the form is drawn, which also makes a double click submit
once (the second insert finds the token). Every triage change is recorded
with who and when. Text is stored exactly as typed; showing it as text and
exporting it without formulas is the pages' and ``excel``'s job. Records
carry codes (a status, a need type, a field name); the words people read
for them are ``ui.theme``'s.

Who may do what (issue 13): the inbox, its counts, statistics and history
hold submitters' names and addresses and the procurers' internal notes, so
they take the acting viewer and require ``VIEW_INBOX``; an ``enhet`` user
never reaches them. Triage requires ``TRIAGE`` and records the signed-in
person (``acting.label``), never a typed name, in the need's history and in
the audit log (ids and field names, never the text). Submitting requires
``SUBMIT_NEEDS``, and a unit user submits only for their own units. The
receipt stays open without sign-in: its unguessable token is the key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import AccessDenied, Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.lengths import count_text, length_problem, max_length, nul_problem
from data_access.core.models import Category, Contract, Department, Feedback, Need, NeedEvent, Unit
from data_access.core.validation import FieldErrors

# The codes records carry; ui.theme has the words people read for each.
NEED_TYPES = ("package_size", "delivery", "assortment", "quality", "price", "ordering", "service", "other")
STATUSES = ("new", "in_progress", "next_tender", "resolved", "declined")  # from new to an outcome
TEXT_MIN, TEXT_MAX = 10, 5_000


class NeedError(FieldErrors):
    """What is wrong with a submission or a triage change, per field."""


class NotYourUnit(AccessDenied):
    """A unit user submitting for a unit that is not theirs (an id put in the
    address or the request): refused like any other missing permission, with
    a message that says what is allowed."""

    def __init__(self) -> None:
        super().__init__(Permission.SUBMIT_NEEDS)
        self.args = ("Du kan bara lämna behov för din egen enhet.",)


TRIAGED = "need_triaged"  # the audit action of a triage change
INBOX_EXPORT = "inbox"  # what the audit log calls the inbox's Excel download


def submittable_unit_ids(acting: Viewer) -> frozenset[int] | None:
    """The units ``acting`` may submit needs for; ``None``: any unit. A procurer
    (who sees every unit's contacts) and a person of the municipality's
    domains without units may choose any unit; a unit user only their own."""
    if acting.may(Permission.VIEW_CONTACTS) or not acting.unit_ids:
        return None
    return acting.unit_ids


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class NeedInput:
    text: str
    need_type: str = "other"
    unit_id: int | None = None
    contract_id: int | None = None
    category_id: int | None = None
    submitter_name: str = ""
    submitter_email: str = ""
    supplier_rating: int | None = None  # 1-5
    procurement_rating: int | None = None  # 1-5
    knows_contract_manager: bool | None = None
    good_text: str = ""
    less_good_text: str = ""

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        length = len(self.text.strip())
        if length < TEXT_MIN:
            found["text"] = f"Beskriv behovet med minst {TEXT_MIN} tecken."
        elif length > TEXT_MAX:
            found["text"] = f"Texten får vara högst {TEXT_MAX:,} tecken (nu {length:,}).".replace(",", " ")
        elif problem := nul_problem(self.text, "Texten"):
            found["text"] = problem
        if self.need_type not in NEED_TYPES:
            found["need_type"] = "Välj vilken sorts behov det gäller."
        # Measured as stored (trimmed): PostgreSQL refuses a longer value, SQLite keeps it.
        if problem := length_problem(Need.submitter_name, self.submitter_name.strip()):
            found["submitter_name"] = problem
        if problem := length_problem(Need.submitter_email, self.submitter_email.strip()):
            found["submitter_email"] = problem
        elif self.submitter_email.strip():
            try:
                validate_email(self.submitter_email.strip(), check_deliverability=False)
            except EmailNotValidError:
                found["submitter_email"] = "Det är ingen giltig e-postadress."
        for name in ("supplier_rating", "procurement_rating"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 5:
                found[name] = "Välj ett betyg från 1 till 5."
        for name in ("good_text", "less_good_text"):
            if len(getattr(self, name)) > TEXT_MAX:
                found[name] = f"Högst {TEXT_MAX} tecken."
            elif problem := nul_problem(getattr(self, name), "Texten"):
                found[name] = problem
        return found

    @property
    def has_feedback(self) -> bool:
        return any(
            value not in (None, "")
            for value in (
                self.supplier_rating,
                self.procurement_rating,
                self.knows_contract_manager,
                self.good_text.strip(),
                self.less_good_text.strip(),
            )
        )


@dataclass(frozen=True)
class Receipt:
    token: str
    reference: str  # what the unit quotes when it calls: B-000123
    created_at: datetime
    unit: str | None
    contract: str | None
    category: str | None
    need_type: str  # a code of NEED_TYPES
    text: str
    status: str  # a code of STATUSES
    answer: str | None


def reference_of(need_id: int) -> str:
    return f"B-{need_id:06d}"


def submission_problems(need: NeedInput, acting: Viewer) -> dict[str, str]:
    """What is wrong with ``need`` as ``acting`` would submit it, per field:
    the form asks before it counts an attempt, ``submit_need`` again."""
    problems = need.problems()
    if submittable_unit_ids(acting) is not None and need.unit_id is None:
        problems["unit_id"] = "Välj vilken av era enheter behovet gäller."
    return problems


def submit_need(session: Session, need: NeedInput, token: str, *, acting: Viewer) -> str:
    """Store a submission; returns its token. Submitting the same token
    again (a double click) stores nothing new. A unit user may submit only
    for one of their units (:class:`NotYourUnit`), and must name one."""
    acting.require(Permission.SUBMIT_NEEDS)
    allowed = submittable_unit_ids(acting)
    if allowed is not None and need.unit_id is not None and need.unit_id not in allowed:
        raise NotYourUnit()
    problems = submission_problems(need, acting)
    if problems:
        raise NeedError(problems)
    if session.scalar(select(Need.id).where(Need.token == token)) is not None:
        return token
    category_id = need.category_id
    if category_id is None and need.contract_id is not None:
        category_id = session.scalar(select(Contract.category_id).where(Contract.id == need.contract_id))
    row = Need(
        token=token,
        unit_id=need.unit_id,
        contract_id=need.contract_id,
        category_id=category_id,
        need_type=need.need_type,
        text=need.text.strip(),
        submitter_name=need.submitter_name.strip() or None,
        submitter_email=need.submitter_email.strip() or None,
        status="new",
        created_at=clock.now(),
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same token from a concurrent double click
        return token
    if need.has_feedback:
        session.add(
            Feedback(
                need_id=row.id,
                unit_id=need.unit_id,
                contract_id=need.contract_id,
                supplier_rating=need.supplier_rating,
                procurement_rating=need.procurement_rating,
                knows_contract_manager=need.knows_contract_manager,
                good_text=need.good_text.strip() or None,
                less_good_text=need.less_good_text.strip() or None,
            )
        )
    session.flush()
    return token


def receipt(session: Session, token: str) -> Receipt | None:
    """The submission behind a receipt link, or None for an unknown token.
    Only what the unit may see: no internal notes, no assignee."""
    if not token or len(token) > 64:
        return None
    found = _need_rows(session, Need.token == token, limit=1)
    if not found:
        return None
    need = found[0]
    return Receipt(
        token=token,
        reference=need.reference,
        created_at=need.created_at,
        unit=need.unit,
        contract=need.contract,
        category=need.category,
        need_type=need.need_type,
        text=need.text,
        status=need.status,
        answer=need.answer,
    )


@dataclass(frozen=True)
class InboxFilter:
    statuses: tuple[str, ...] = ()
    contract_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    department_ids: tuple[int, ...] = ()
    unit_ids: tuple[int, ...] = ()
    need_types: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None


@dataclass(frozen=True)
class InboxRow:
    id: int
    reference: str
    created_at: datetime
    unit: str | None
    department: str | None
    contract: str | None
    category: str | None
    need_type: str
    text: str
    status: str  # a code of STATUSES
    assignee: str | None
    answer: str | None
    internal_notes: str | None
    submitter_name: str | None
    submitter_email: str | None
    supplier_rating: int | None
    procurement_rating: int | None
    knows_contract_manager: bool | None
    good_text: str | None
    less_good_text: str | None


def _inbox_conditions(inbox_filter: InboxFilter) -> list:
    conditions = []
    for values, column in (
        (inbox_filter.statuses, Need.status),
        (inbox_filter.contract_ids, Need.contract_id),
        (inbox_filter.category_ids, Need.category_id),
        (inbox_filter.unit_ids, Need.unit_id),
        (inbox_filter.need_types, Need.need_type),
        (inbox_filter.department_ids, Unit.department_id),
    ):
        if values:
            conditions.append(column.in_(values))
    if inbox_filter.date_from is not None:
        conditions.append(Need.created_at >= datetime.combine(inbox_filter.date_from, datetime.min.time()))
    if inbox_filter.date_to is not None:
        conditions.append(Need.created_at <= datetime.combine(inbox_filter.date_to, datetime.max.time()))
    return conditions


INBOX_LIMIT = 5_000  # the inbox shows this many; its caption and export say when there are more


def inbox(
    session: Session,
    inbox_filter: InboxFilter = InboxFilter(),
    limit: int | None = None,
    *,
    acting: Viewer,
) -> list[InboxRow]:
    """Needs with their feedback, newest first (also the lists on the contract
    and unit pages); at most ``limit`` (``INBOX_LIMIT``), ``need_count`` tells
    how many there are in all. Submitters and internal notes: ``VIEW_INBOX``."""
    acting.require(Permission.VIEW_INBOX)
    return _need_rows(session, *_inbox_conditions(inbox_filter), limit=limit or INBOX_LIMIT)


def need_count(session: Session, inbox_filter: InboxFilter = InboxFilter(), *, acting: Viewer) -> int:
    """How many needs the filter holds, however many a list shows (the
    inbox's count, so the inbox's permission)."""
    acting.require(Permission.VIEW_INBOX)
    return session.scalar(
        select(func.count(Need.id))
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .where(*_inbox_conditions(inbox_filter))
    ) or 0


def _need_rows(session: Session, *conditions: ColumnElement[bool], limit: int) -> list[InboxRow]:
    rows = session.execute(
        select(
            Need,
            Unit.name,
            Department.name,
            Contract.reference,
            Category.name,
            Feedback.supplier_rating,
            Feedback.procurement_rating,
            Feedback.knows_contract_manager,
            Feedback.good_text,
            Feedback.less_good_text,
        )
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .outerjoin(Department, Department.id == Unit.department_id)
        .outerjoin(Contract, Contract.id == Need.contract_id)
        .outerjoin(Category, Category.id == Need.category_id)
        .outerjoin(Feedback, Feedback.need_id == Need.id)
        .where(*conditions)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    ).all()
    return [
        InboxRow(
            id=need.id,
            reference=reference_of(need.id),
            created_at=need.created_at,
            unit=unit_name,
            department=department_name,
            contract=contract_reference,
            category=category_name,
            need_type=need.need_type,
            text=need.text,
            status=need.status,
            assignee=need.assignee,
            answer=need.answer,
            internal_notes=need.internal_notes,
            submitter_name=need.submitter_name,
            submitter_email=need.submitter_email,
            supplier_rating=supplier_rating,
            procurement_rating=procurement_rating,
            knows_contract_manager=knows,
            good_text=good,
            less_good_text=less_good,
        )
        for (
            need,
            unit_name,
            department_name,
            contract_reference,
            category_name,
            supplier_rating,
            procurement_rating,
            knows,
            good,
            less_good,
        ) in rows
    ]


def status_counts(
    session: Session, inbox_filter: InboxFilter = InboxFilter(), *, acting: Viewer
) -> dict[str, int]:
    """Needs per status in the filter (ignoring its own status choice)."""
    acting.require(Permission.VIEW_INBOX)
    without_status = InboxFilter(**{**inbox_filter.__dict__, "statuses": ()})
    rows = session.execute(
        select(Need.status, func.count())
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .where(*_inbox_conditions(without_status))
        .group_by(Need.status)
    ).all()
    return {status: dict(rows).get(status, 0) for status in STATUSES}


@dataclass(frozen=True)
class Triage:
    status: str
    assignee: str = ""
    answer: str = ""
    internal_notes: str = ""


def triage(session: Session, need_id: int, change: Triage, *, acting: Viewer) -> int:
    """Apply a procurer's changes; each changed field becomes one history
    event with who (the signed-in ``acting``) and when, and the change one
    audit entry naming the need and the fields (never their text). Returns
    the number of fields changed."""
    acting.require(Permission.TRIAGE)
    by = acting.label[: max_length(NeedEvent.changed_by)]
    problems: dict[str, str] = {}
    if change.status not in STATUSES:
        problems["status"] = "Okänd status."
    if problem := length_problem(Need.assignee, change.assignee.strip()):
        problems["assignee"] = problem
    for name, label in (("answer", "Svaret"), ("internal_notes", "Anteckningarna")):
        if len(getattr(change, name)) > TEXT_MAX:
            problems[name] = f"{label} får vara högst {count_text(TEXT_MAX)} tecken."
        elif problem := nul_problem(getattr(change, name), label):
            problems[name] = problem
    if problems:
        raise NeedError(problems)
    need = session.get(Need, need_id)
    if need is None:
        raise NeedError({"need": "Behovet finns inte."})
    now = clock.now()
    changed: list[str] = []
    for name, value in (
        ("status", change.status),
        ("assignee", change.assignee.strip() or None),
        ("answer", change.answer.strip() or None),
        ("internal_notes", change.internal_notes.strip() or None),
    ):
        old = getattr(need, name)
        if old != value:
            session.add(
                NeedEvent(
                    need_id=need_id,
                    changed_at=now,
                    changed_by=by,
                    field=name,
                    old_value=old,
                    new_value=value,
                )
            )
            setattr(need, name, value)
            changed.append(name)
    if changed:
        need.updated_at = now
        session.flush()
        audit.record(session, TRIAGED, f"need:{need_id}", "fields=" + ",".join(changed), actor=acting.label)
    return len(changed)


@dataclass(frozen=True)
class HistoryEvent:
    changed_at: datetime
    changed_by: str
    field: str  # the Need column changed: status, assignee, answer or internal_notes
    old_value: str | None
    new_value: str | None


def history(session: Session, need_id: int, *, acting: Viewer) -> list[HistoryEvent]:
    """Every triage change of a need, oldest first, as stored: field names
    and status codes (``ui.triage`` says them in words). Holds the internal
    notes and who changed them: ``VIEW_INBOX``."""
    acting.require(Permission.VIEW_INBOX)
    rows = session.execute(
        select(
            NeedEvent.changed_at,
            NeedEvent.changed_by,
            NeedEvent.field,
            NeedEvent.old_value,
            NeedEvent.new_value,
        )
        .where(NeedEvent.need_id == need_id)
        .order_by(NeedEvent.changed_at, NeedEvent.id)
    )
    return [HistoryEvent(at, by, name, old, new) for at, by, name, old, new in rows]


@dataclass(frozen=True)
class NeedStatsRow:
    """Needs of one contract or category in one month."""

    key: str
    month: date
    need_type: str  # a code of NEED_TYPES
    needs: int
    supplier_rating_sum: int
    procurement_rating_sum: int
    ratings: int  # feedbacks with a supplier rating
    procurement_ratings: int
    knows_manager: int
    asked_knows_manager: int


def need_stats(
    session: Session, by: str, inbox_filter: InboxFilter = InboxFilter(), *, acting: Viewer
) -> list[NeedStatsRow]:
    """Counts per contract or category (``by``), month and need type, with the
    sums the averages and shares are made of, grouped in SQL. The inbox's
    statistics, filtered as the inbox is: ``VIEW_INBOX``."""
    acting.require(Permission.VIEW_INBOX)
    key = Contract.reference if by == "contract" else Category.name
    rows = session.execute(
        select(
            key.label("key"),
            func.extract("year", Need.created_at).label("year"),
            func.extract("month", Need.created_at).label("month"),
            Need.need_type,
            func.count(Need.id),
            func.coalesce(func.sum(Feedback.supplier_rating), 0),
            func.coalesce(func.sum(Feedback.procurement_rating), 0),
            func.count(Feedback.supplier_rating),
            func.count(Feedback.procurement_rating),
            func.sum(case((Feedback.knows_contract_manager.is_(True), 1), else_=0)),
            func.count(Feedback.knows_contract_manager),
        )
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .outerjoin(Contract, Contract.id == Need.contract_id)
        .outerjoin(Category, Category.id == Need.category_id)
        .outerjoin(Feedback, Feedback.need_id == Need.id)
        .where(key.is_not(None), *_inbox_conditions(inbox_filter))
        .group_by(key, "year", "month", Need.need_type)
    ).all()
    return [
        NeedStatsRow(
            key=row[0],
            month=date(int(row[1]), int(row[2]), 1),
            need_type=row[3],
            needs=row[4],
            supplier_rating_sum=int(row[5]),
            procurement_rating_sum=int(row[6]),
            ratings=row[7],
            procurement_ratings=row[8],
            knows_manager=int(row[9] or 0),
            asked_knows_manager=row[10],
        )
        for row in rows
    ]


def record_inbox_export(session: Session, rows: int, *, acting: Viewer) -> None:
    """Log that ``acting`` downloaded the inbox as Excel with ``rows`` needs
    (submitters and notes are personal data): called when the download
    button is clicked. Only someone who may read the inbox downloads it."""
    acting.require(Permission.VIEW_INBOX)
    audit.record_export(session, INBOX_EXPORT, None, rows, actor=acting.label)


BUSIEST_KEYS = 15  # the inbox's chart of needs per contract or category has room for this many


def busiest(rows: list[NeedStatsRow], count: int = BUSIEST_KEYS) -> list[NeedStatsRow]:
    """The rows of the ``count`` contracts or categories with the most needs,
    in their order; of keys with as many needs, the first by name."""
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.key] = totals.get(row.key, 0) + row.needs
    chosen = set(sorted(totals, key=lambda key: (-totals[key], key))[:count])
    return [row for row in rows if row.key in chosen]


def need_totals_by_month(rows: list[NeedStatsRow]) -> dict[date, int]:
    """Needs received per month, the months in order."""
    totals: dict[date, int] = {}
    for row in sorted(rows, key=lambda row: row.month):
        totals[row.month] = totals.get(row.month, 0) + row.needs
    return totals
