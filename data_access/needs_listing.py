"""Needs and feedback about a contract or from a unit, newest first: the
answer to "why do they buy elsewhere?" next to the figures. (The needs
issue adds the form and the inbox; this only reads.)"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.models import Contract, Feedback, Need, Unit

NEED_TYPE_LABELS = {
    "package_size": "Förpackningsstorlek",
    "delivery": "Leveranser",
    "assortment": "Sortiment",
    "quality": "Kvalitet",
    "price": "Pris",
    "ordering": "Beställning/e-handel",
    "service": "Service",
    "other": "Övrigt",
}
NEED_STATUS_LABELS = {
    "new": "Ny",
    "in_progress": "Under behandling",
    "next_tender": "Beaktas i nästa upphandling",
    "resolved": "Åtgärdad",
    "declined": "Avböjd",
}


@dataclass(frozen=True)
class NeedRecord:
    created_at: datetime
    unit: str | None
    contract: str | None
    need_type: str  # in Swedish
    text: str  # the unit's own words: show as plain text
    status: str  # in Swedish
    answer: str | None
    supplier_rating: int | None
    procurement_rating: int | None


def needs_for(
    session: Session, *, unit_id: int | None = None, contract_id: int | None = None, limit: int = 200
) -> list[NeedRecord]:
    query = (
        select(
            Need.created_at,
            Unit.name,
            Contract.reference,
            Need.need_type,
            Need.text,
            Need.status,
            Need.answer,
            Feedback.supplier_rating,
            Feedback.procurement_rating,
        )
        .outerjoin(Unit, Unit.id == Need.unit_id)
        .outerjoin(Contract, Contract.id == Need.contract_id)
        .outerjoin(Feedback, Feedback.need_id == Need.id)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    )
    if unit_id is not None:
        query = query.where(Need.unit_id == unit_id)
    if contract_id is not None:
        query = query.where(Need.contract_id == contract_id)
    return [
        NeedRecord(
            created_at=row.created_at,
            unit=row.name,
            contract=row.reference,
            need_type=NEED_TYPE_LABELS.get(row.need_type, row.need_type),
            text=row.text,
            status=NEED_STATUS_LABELS.get(row.status, row.status),
            answer=row.answer,
            supplier_rating=row.supplier_rating,
            procurement_rating=row.procurement_rating,
        )
        for row in session.execute(query)
    ]
