"""Import batches: the list on the import page, and undo.

Undoing an invoice batch removes exactly its lines, then what the import
created (suppliers, units, departments, accounts) that nothing else uses; the
batch stays listed as undone, with who and when. A register batch (contract
register, organisation, account plan) is not undone: a register overwrites
earlier values it does not keep, so undo refuses it and says what to do.

Undo takes the acting viewer and requires :attr:`Permission.IMPORT_DATA`;
the batch records ``acting.label`` as who undid it, and the audit log an
``import_undone`` entry with the batch id and what was removed (counts).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, ColumnElement, Table, delete, func, select
from sqlalchemy.orm import Session

from data_access.access import audit
from data_access.access.roles import Permission
from data_access.access.viewer import Viewer
from data_access.core import clock
from data_access.core.lengths import length_problem
from data_access.core.models import (
    Account,
    Base,
    Department,
    ImportBatch,
    ImportBatchCreated,
    ImportBatchOverlap,
    InvoiceLine,
    Supplier,
    Unit,
)
from data_access.core.sql import month_of
from data_access.engine.classification import refresh_summaries

UNDOABLE_KINDS = ("invoices", "peppol")
REGISTER_NAMES = {
    "contracts": "ett avtalsregister",
    "organisation": "en organisationsfil",
    "accounts": "en kontoplan",
}
# What an invoice import creates, in the order undo removes it: a unit
# before the department it belongs to.
CREATED_ENTITIES: tuple[type[Unit | Department | Supplier | Account], ...] = (
    Unit,
    Department,
    Supplier,
    Account,
)
UNDONE = "import_undone"  # the audit action of an undo
IN_LIST_CHUNK = 5_000  # ids per IN (...): well under SQLite's limit on bound values


class BatchUndoError(Exception):
    """A batch that cannot be undone; the message says why, in Swedish, for the page."""


class BatchNotFoundError(BatchUndoError, LookupError):
    """No batch with that id."""


class BatchAlreadyUndoneError(BatchUndoError):
    """The batch was undone before (a second click, another tab)."""


class BatchNotUndoableError(BatchUndoError):
    """A register batch: undoing it would need the values it replaced."""


@dataclass(frozen=True)
class Overlap:
    """Rows of a batch that were already in the database, held by an earlier batch."""

    earlier_batch_id: int
    line_count: int
    earlier_undone: bool  # then those rows are gone


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
    undone_at: datetime | None = None
    undone_by: str | None = None
    overlaps: tuple[Overlap, ...] = ()

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None

    @property
    def can_be_undone(self) -> bool:
        return self.kind in UNDOABLE_KINDS and not self.is_undone


@dataclass(frozen=True)
class BatchListing:
    """The newest batches, and how many there are in all (the list may be cut)."""

    batches: list[BatchInfo]
    total: int

    @property
    def is_cut(self) -> bool:
        return self.total > len(self.batches)


def batch_listing(session: Session, limit: int = 200) -> BatchListing:
    """The newest batches first, undone ones included, with the total count."""
    batches = list(session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)))
    ids = [batch.id for batch in batches]
    overlaps: dict[int, list[tuple[int, int]]] = {}
    if ids:
        for batch_id, earlier, count in session.execute(
            select(
                ImportBatchOverlap.batch_id,
                ImportBatchOverlap.earlier_batch_id,
                ImportBatchOverlap.line_count,
            )
            .where(ImportBatchOverlap.batch_id.in_(ids))
            .order_by(ImportBatchOverlap.batch_id, ImportBatchOverlap.earlier_batch_id)
        ):
            overlaps.setdefault(batch_id, []).append((earlier, count))
    earlier_ids = {earlier for pairs in overlaps.values() for earlier, _ in pairs}
    undone = set(
        session.scalars(
            select(ImportBatch.id).where(ImportBatch.id.in_(earlier_ids), ImportBatch.undone_at.is_not(None))
        )
        if earlier_ids
        else ()
    )
    total = session.scalar(select(func.count()).select_from(ImportBatch)) or 0
    return BatchListing(
        [
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
                undone_at=batch.undone_at,
                undone_by=batch.undone_by,
                overlaps=tuple(
                    Overlap(earlier, count, earlier in undone)
                    for earlier, count in overlaps.get(batch.id, ())
                ),
            )
            for batch in batches
        ],
        total,
    )


def list_batches(session: Session, limit: int = 200) -> list[BatchInfo]:
    """The newest batches first, undone ones included."""
    return batch_listing(session, limit).batches


@dataclass
class UndoResult:
    """What an undo removed, and what it left because something else uses it."""

    batch_id: int
    lines_removed: int
    removed: dict[str, int] = field(default_factory=dict)  # entity (table name) -> rows removed
    kept: dict[str, int] = field(default_factory=dict)  # entity -> rows still used elsewhere
    kept_because: dict[str, set[str]] = field(default_factory=dict)  # entity -> tables that use them
    later_batches_affected: list[int] = field(default_factory=list)  # batches that had found these rows


def undo_batch(session: Session, batch_id: int, *, acting: Viewer) -> UndoResult:
    """Undo an invoice batch in the caller's transaction: remove exactly its
    lines, then what it created (or an earlier undone batch left behind) that
    nothing else uses; rebuild the summaries of its months, mark the batch
    undone and replace the data version. Raises a ``BatchUndoError`` with a
    message for the user when the batch is missing, already undone or a register."""
    acting.require(Permission.IMPORT_DATA)
    undoer = acting.label
    if problem := length_problem(ImportBatch.undone_by, undoer):  # it was cut to fit before
        raise BatchUndoError(f"{problem} Inget ändrades.")
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise BatchNotFoundError(f"Det finns ingen import {batch_id}.")
    if batch.undone_at is not None:
        who = f" av {batch.undone_by}" if batch.undone_by else ""
        raise BatchAlreadyUndoneError(
            f"Import {batch_id} är redan ångrad ({batch.undone_at:%Y-%m-%d %H:%M}{who}). Inget ändrades."
        )
    if batch.kind not in UNDOABLE_KINDS:
        register = REGISTER_NAMES.get(batch.kind, "ett register")
        raise BatchNotUndoableError(
            f"Import {batch_id} är {register} och kan inte ångras: registret skrev över tidigare värden, "
            "och de sparas inte. Rätta filen och importera den igen, så ersätts värdena. Inget ändrades."
        )
    months: list[date] = list(
        session.scalars(
            select(month_of(InvoiceLine.invoice_date)).where(InvoiceLine.batch_id == batch_id).distinct()
        )
    )
    removed = session.execute(delete(InvoiceLine).where(InvoiceLine.batch_id == batch_id)).rowcount
    result = UndoResult(batch_id, removed)
    if months:
        refresh_summaries(session, months=months)
    _remove_unused_creations(session, batch_id, result)
    result.later_batches_affected = list(
        session.scalars(
            select(ImportBatchOverlap.batch_id)
            .join(ImportBatch, ImportBatch.id == ImportBatchOverlap.batch_id)
            .where(ImportBatchOverlap.earlier_batch_id == batch_id, ImportBatch.undone_at.is_(None))
            .order_by(ImportBatchOverlap.batch_id)
        )
    )
    batch.undone_at = clock.now()
    batch.undone_by = undoer
    session.flush()
    removed_counts = "".join(f" {entity}={count}" for entity, count in sorted(result.removed.items()))
    audit.record(
        session, UNDONE, f"batch:{batch_id}", f"lines_removed={removed}{removed_counts}", actor=acting.label
    )
    return result


def _remove_unused_creations(session: Session, batch_id: int, result: UndoResult) -> None:
    """Delete the rows this batch created, and those undone batches left
    behind, that no other row refers to; record what stays and why."""
    undone_batches = select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))
    created_here_or_left = (ImportBatchCreated.batch_id == batch_id) | ImportBatchCreated.batch_id.in_(
        undone_batches
    )
    for model in CREATED_ENTITIES:
        table: Table = model.__table__
        candidates = set(
            session.scalars(
                select(ImportBatchCreated.entity_id).where(
                    ImportBatchCreated.entity == table.name, created_here_or_left
                )
            )
        )
        if not candidates:
            continue
        used, reasons = _used(session, model, candidates)
        unused = candidates - used
        for chunk in _chunks(unused):
            session.execute(delete(table).where(table.c.id.in_(chunk)))
            session.execute(
                delete(ImportBatchCreated).where(
                    ImportBatchCreated.entity == table.name, ImportBatchCreated.entity_id.in_(chunk)
                )
            )
        if unused:
            result.removed[table.name] = len(unused)
        if used:
            result.kept[table.name] = len(used)
            result.kept_because[table.name] = reasons
    session.flush()


def _used(session: Session, model: type, candidates: set[int]) -> tuple[set[int], set[str]]:
    """Which candidates something refers to, and the tables that do. One pass
    over each referring table (``IN`` lists), not one lookup per row: invoice
    lines have no index on department or account."""
    table: Table = model.__table__
    used: set[int] = set()
    reasons: set[str] = set()
    for column in _columns_referring_to(table):
        found = {
            value
            for chunk in _chunks(candidates - used)
            for value in session.scalars(select(column).where(column.in_(chunk)).distinct())
        }
        if found:
            used |= found
            reasons.add(column.table.name)
    for condition in _kept_regardless(model):
        found = {
            value
            for chunk in _chunks(candidates - used)
            for value in session.scalars(select(table.c.id).where(table.c.id.in_(chunk), condition))
        }
        if found:
            used |= found
            reasons.add(table.name)
    return used, reasons


def _columns_referring_to(table: Table) -> list[Column]:
    """Every column of the schema with a foreign key to ``table`` (found in
    the models, so a table added later is respected), except the record of
    what a batch created."""
    return [
        column
        for other in Base.metadata.sorted_tables
        if other.name != ImportBatchCreated.__tablename__
        for column in other.columns
        if any(key.column.table is table for key in column.foreign_keys)
    ]


def _kept_regardless(model: type) -> list[ColumnElement[bool]]:
    """Rows someone has worked on since the import: a department with a
    fidelity target of its own, an account given a category or marked not
    influenceable."""
    if model is Department:
        return [Department.fidelity_target_pct.is_not(None)]
    if model is Account:
        return [Account.category_id.is_not(None) | Account.influenceable.is_(False)]
    return []


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), IN_LIST_CHUNK):
        yield ordered[start : start + IN_LIST_CHUNK]
