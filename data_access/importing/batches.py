"""Import batches: the list on the import page, and undo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from data_access.classification import refresh_summaries
from data_access.models import ImportBatch, InvoiceLine
from data_access.sql import month_of


class BatchNotFoundError(LookupError):
    """No batch with that id (already undone, or never there)."""


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    source_name: str
    imported_at: datetime
    imported_by: str | None
    checksum: str | None
    rows_read: int
    imported: int
    skipped: int
    duplicates: int
    file_total: Decimal
    imported_total: Decimal


def list_batches(session: Session, limit: int = 200) -> list[BatchInfo]:
    """The newest batches first."""
    batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit))
    return [
        BatchInfo(
            id=batch.id,
            kind=batch.kind,
            source_name=batch.source_name,
            imported_at=batch.imported_at,
            imported_by=batch.imported_by,
            checksum=batch.checksum,
            rows_read=batch.row_count,
            imported=batch.imported_count,
            skipped=batch.skipped_count,
            duplicates=batch.duplicate_count,
            file_total=batch.total_amount,
            imported_total=batch.imported_amount,
        )
        for batch in batches
    ]


def undo_batch(session: Session, batch_id: int) -> int:
    """Remove exactly the lines a batch brought, and the batch; returns the
    number of lines removed. Summaries of the months concerned are rebuilt."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise BatchNotFoundError(f"Importen {batch_id} finns inte (redan ångrad?)")
    months: list[date] = list(
        session.scalars(
            select(month_of(InvoiceLine.invoice_date)).where(InvoiceLine.batch_id == batch_id).distinct()
        )
    )
    removed = session.execute(delete(InvoiceLine).where(InvoiceLine.batch_id == batch_id)).rowcount
    session.delete(batch)
    session.flush()
    refresh_summaries(session, months=months)
    return removed
