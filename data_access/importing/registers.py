"""Importing the registers that give invoice lines their meaning: the account
plan (account -> category, influenceable), the organisation with its contact
people, and the contract register. Each file is one transaction and one
batch; afterwards the lines the change can affect are reclassified.

The importers take no acting viewer: they are steps of
``importing.service.import_file`` (which requires IMPORT_DATA and passes the
acting viewer's label as ``user``), and nothing else calls them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from sqlalchemy import delete, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from data_access.core import clock
from data_access.core.lengths import count_text, length_problem, max_integer
from data_access.core.models import (
    Account,
    Category,
    Contract,
    ContractSupplier,
    Department,
    ImportBatch,
    ImportBatchCreated,
    InvoiceLine,
    Person,
    Supplier,
    Unit,
    UnitContact,
)
from data_access.engine.classification import classify_lines, refresh_summaries
from data_access.importing.columns import ColumnMapping, ImportKind, field_specs
from data_access.importing.errors import ImportRefusedError, ValueProblemError
from data_access.importing.invoice_rows import RowProblem, Severity, refuse_batch_values, shown_value
from data_access.importing.values import (
    parse_account,
    parse_date,
    parse_int,
    parse_org_number,
    parse_text,
    parse_yes_no,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
T = TypeVar("T")


def _bid_count(value: object) -> int | None:
    """A count of bids that fits its ``smallint``."""
    count = parse_int(value)
    largest = max_integer(Contract.bid_count)
    if count is not None and count > largest:
        raise ValueProblemError(f"{count_text(count)} anbud är inte rimligt (högst {count_text(largest)})")
    return count


def _blank(raw: object) -> bool:
    """An empty cell, or one of spaces: no value at all."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _email_text(value: object) -> str | None:
    """An address as it is stored: lower case (which can lengthen a text,
    so its length is measured after)."""
    text = parse_text(value)
    return text.lower() if text else None


@dataclass
class RegisterImportSummary:
    file_name: str
    kind: ImportKind
    batch_id: int | None = None
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_with_errors(self) -> int:
        return len({p.row_number for p in self.problems if p.severity == Severity.ERROR})

    @property
    def rows_with_warnings(self) -> int:
        """Rows without an error but with a warning: imported, to be looked at."""
        errors = {p.row_number for p in self.problems if p.severity == Severity.ERROR}
        return len({p.row_number for p in self.problems if p.row_number not in errors})

    @property
    def problem_count(self) -> int:
        return len(self.problems)  # a register's report is never cut


class InvalidRegisterRowsError(ImportRefusedError):
    def __init__(self, summary: RegisterImportSummary) -> None:
        super().__init__(
            f"{summary.rows_with_errors} rader kan inte importeras. Rätta filen, eller välj att "
            "importera de giltiga raderna och hoppa över resten."
        )
        self.summary = summary


class _Record:
    """One data row: its cells by field, and the problems found while reading it."""

    def __init__(self, mapping: ColumnMapping, row: Sequence[object], row_number: int) -> None:
        self.mapping, self.row, self.row_number = mapping, row, row_number
        self.labels = {spec.name: spec.label for spec in field_specs(mapping.kind)}
        self.problems: list[RowProblem] = []

    def raw(self, name: str) -> object:
        index = self.mapping.columns.get(name)
        return self.row[index] if index is not None and index < len(self.row) else None

    def value(
        self,
        name: str,
        parse: Callable[[object], T],
        *,
        required: bool = False,
        stored_in: InstrumentedAttribute | None = None,
    ) -> T | None:
        """The cell parsed, or None with a problem recorded. ``stored_in``:
        the ``String(n)`` column the text goes into; a longer text is an
        error (PostgreSQL would refuse it, SQLite keep it whole)."""
        raw = self.raw(name)
        if _blank(raw):
            if required:
                self.problem(name, "värde saknas")
            return None
        try:
            value = parse(raw)
        except ValueProblemError as error:
            self.problem(name, str(error))
            return None
        if stored_in is not None and isinstance(value, str):
            problem = length_problem(stored_in, value)
            if problem:
                self.problem(name, problem)
                return None
        return value

    def problem(self, name: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(
            RowProblem(self.row_number, self.labels[name], shown_value(self.raw(name)), message, severity)
        )

    @property
    def is_valid(self) -> bool:
        return not any(problem.severity == Severity.ERROR for problem in self.problems)


def _records(rows: Iterable[Sequence[object]], mapping: ColumnMapping) -> Iterator[_Record]:
    for index, row in enumerate(rows):
        if index <= mapping.header_row or all(cell is None or str(cell).strip() == "" for cell in row):
            continue
        yield _Record(mapping, row, index + 1)


def _start(
    session: Session, kind: ImportKind, file_name: str, checksum: str, user: str | None
) -> ImportBatch:
    refuse_batch_values(file_name=file_name, imported_by=user)
    batch = ImportBatch(
        kind=kind.value, source_name=file_name, checksum=checksum, imported_by=user, imported_at=clock.now()
    )
    session.add(batch)
    session.flush()
    return batch


def _finish(
    summary: RegisterImportSummary, batch: ImportBatch, skip_invalid: bool, session: Session
) -> RegisterImportSummary:
    if summary.rows_read == 0:
        raise ImportRefusedError(f"{summary.file_name} innehåller inga datarader under rubrikraden")
    if summary.rows_with_errors and not skip_invalid:
        raise InvalidRegisterRowsError(summary)
    summary.batch_id = batch.id
    batch.row_count = summary.rows_read
    batch.imported_count = summary.created + summary.updated
    batch.skipped_count = summary.skipped
    session.flush()
    return summary


@dataclass
class _RegisterRun:
    """One register file on its way in: the batch it becomes, what is said
    about it, and its data rows. Every register reads its rows the same way
    (each counted, its problems reported, a row with an error skipped) and
    ends the same way (``_finish``), before it reclassifies what it changed."""

    session: Session
    summary: RegisterImportSummary
    batch: ImportBatch
    rows: Iterable[Sequence[object]]
    mapping: ColumnMapping
    skip_invalid: bool

    def records(self) -> Iterator[_Record]:
        """The file's data rows, each counted as read."""
        for record in _records(self.rows, self.mapping):
            self.summary.rows_read += 1
            yield record

    def keep(self, record: _Record, complete: bool = True) -> bool:
        """Whether a row that has been read goes in. Its problems are reported
        either way; a row with an error, or without the values that name it
        (``complete`` false), is counted as skipped."""
        self.summary.problems.extend(record.problems)
        if record.is_valid and complete:
            return True
        self.summary.skipped += 1
        return False

    def finish(self) -> None:
        """Refuse the file, or record its batch's counts (``_finish``)."""
        _finish(self.summary, self.batch, self.skip_invalid, self.session)


RegisterImporter = Callable[..., RegisterImportSummary]


def _register_importer(kind: ImportKind, body: Callable[[_RegisterRun], None]) -> RegisterImporter:
    """The public importer of one register from what only it does (``body``,
    which ends with ``run.finish()`` and then reclassifies). All three take
    the same arguments, since the import service calls them alike, and each
    file is one batch of its kind."""

    def importer(
        session: Session,
        rows: Iterable[Sequence[object]],
        mapping: ColumnMapping,
        *,
        file_name: str,
        checksum: str,
        skip_invalid: bool = False,
        user: str | None = None,
    ) -> RegisterImportSummary:
        summary = RegisterImportSummary(file_name, kind)
        batch = _start(session, kind, file_name, checksum, user)
        body(_RegisterRun(session, summary, batch, rows, mapping, skip_invalid))
        return summary

    importer.__name__ = importer.__qualname__ = f"import_{kind.value}"
    importer.__doc__ = body.__doc__
    return importer


def _claim(session: Session, entity: str, entity_id: int) -> None:
    """A row an invoice import created is now named by a register: it belongs
    to the register, and undoing that invoice import must leave it."""
    session.execute(
        delete(ImportBatchCreated).where(
            ImportBatchCreated.entity == entity, ImportBatchCreated.entity_id == entity_id
        )
    )


def _category(session: Session, cache: dict[str, int], name: str) -> int:
    key = name.casefold()
    if key not in cache:
        existing = session.scalar(select(Category.id).where(Category.name == name))
        if existing is None:
            category = Category(name=name, influenceable=True)
            session.add(category)
            session.flush()
            existing = category.id
        cache[key] = existing
    return cache[key]


def _import_accounts(run: _RegisterRun) -> None:
    """The account plan: each account's name, category and whether it is
    influenceable. Lines on changed accounts are reclassified."""
    session, summary = run.session, run.summary
    categories: dict[str, int] = {}
    changed: list[int] = []
    for record in run.records():
        number = record.value("account", parse_account, required=True, stored_in=Account.number)
        name = record.value("account_name", parse_text, stored_in=Account.name)
        category_name = record.value("category", parse_text, stored_in=Category.name)
        influenceable = record.value("influenceable", parse_yes_no)
        if not run.keep(record, number is not None):
            continue
        category_id = _category(session, categories, category_name) if category_name else None
        account = session.scalar(select(Account).where(Account.number == number))
        if account is None:
            account = Account(number=number)
            session.add(account)
            summary.created += 1
        else:
            summary.updated += 1
        account.name = name or account.name
        account.category_id = category_id
        account.influenceable = True if influenceable is None else influenceable
        session.flush()
        _claim(session, "account", account.id)
        changed.append(account.id)
    run.finish()
    if changed:
        classify_lines(session, account_ids=changed)


import_accounts = _register_importer(ImportKind.ACCOUNTS, _import_accounts)


def _import_organisation(run: _RegisterRun) -> None:
    """Departments, units and their contact people. A unit that moves to
    another department takes its invoice lines with it."""
    session, summary = run.session, run.summary
    moved_units: set[int] = set()
    for record in run.records():
        department_code = record.value(
            "department_code", parse_text, required=True, stored_in=Department.code
        )
        department_name = record.value("department_name", parse_text, stored_in=Department.name)
        unit_code = record.value("unit_code", parse_text, required=True, stored_in=Unit.code)
        unit_name = record.value("unit_name", parse_text, stored_in=Unit.name)
        contact_name = record.value("contact_name", parse_text, stored_in=Person.name)
        role = record.value("role", parse_text, stored_in=UnitContact.role)
        email = record.value("email", _email_text, stored_in=Person.email)
        phone = record.value("phone", parse_text, stored_in=Person.phone)
        if email and not EMAIL.match(email):
            record.problem("email", "ogiltig e-postadress")
        if (email or phone or role) and _blank(record.raw("contact_name")):
            record.problem("contact_name", "kontaktuppgifter utan namn")
        if not run.keep(record, bool(department_code and unit_code)):
            continue
        department = session.scalar(select(Department).where(Department.code == department_code))
        if department is None:
            department = Department(code=department_code, name=department_name or department_code)
            session.add(department)
            session.flush()
        else:
            _claim(session, "department", department.id)
            if department_name:
                department.name = department_name
        unit = session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            unit = Unit(code=unit_code, name=unit_name or unit_code, department_id=department.id)
            session.add(unit)
            summary.created += 1
        else:
            if unit.department_id != department.id:
                moved_units.add(unit.id)
            unit.department_id = department.id
            unit.name = unit_name or unit.name
            _claim(session, "unit", unit.id)
            summary.updated += 1
        session.flush()
        if contact_name:
            _upsert_contact(session, unit.id, contact_name, role, email, phone)
    run.finish()
    if moved_units:
        for unit_id in moved_units:
            department_id = session.scalar(select(Unit.department_id).where(Unit.id == unit_id))
            session.execute(
                update(InvoiceLine).where(InvoiceLine.unit_id == unit_id).values(department_id=department_id)
            )
        refresh_summaries(session)


import_organisation = _register_importer(ImportKind.ORGANISATION, _import_organisation)


def _upsert_contact(
    session: Session, unit_id: int, name: str, role: str | None, email: str | None, phone: str | None
) -> None:
    person = None
    if email:
        person = session.scalar(select(Person).where(Person.email == email.lower()))
    if person is None:
        person = session.scalar(
            select(Person)
            .join(UnitContact, UnitContact.person_id == Person.id)
            .where(UnitContact.unit_id == unit_id, Person.name == name)
        )
    if person is None:
        person = Person(name=name, email=email.lower() if email else None, phone=phone)
        session.add(person)
        session.flush()
    else:
        person.name, person.phone = name, phone or person.phone
        person.email = email.lower() if email else person.email
    session.execute(
        delete(UnitContact).where(UnitContact.unit_id == unit_id, UnitContact.person_id == person.id)
    )
    session.add(UnitContact(unit_id=unit_id, person_id=person.id, role=role or "Kontaktperson"))
    session.flush()


@dataclass
class _ContractDraft:
    row_number: int
    name: str | None
    category: str | None
    valid_from: date | None
    valid_to: date | None
    manager_name: str | None
    manager_email: str | None
    bid_count: int | None
    suppliers: list[tuple[str | None, str | None]] = field(default_factory=list)  # (org number, name)


def _import_contracts(run: _RegisterRun) -> None:
    """The contract register, one row per contract and supplier. A contract
    in the file gets exactly the file's suppliers; the lines of its old and new
    category and suppliers are reclassified."""
    session, summary = run.session, run.summary
    drafts: dict[str, _ContractDraft] = {}
    for record in run.records():
        reference = record.value("reference", parse_text, required=True, stored_in=Contract.reference)
        valid_from = record.value("valid_from", parse_date, required=True)
        valid_to = record.value("valid_to", parse_date, required=True)
        if valid_from and valid_to and valid_to < valid_from:
            record.problem("valid_to", "slutdatum före startdatum")
        org_number, org_problem = parse_org_number(record.raw("org_number"))
        supplier_name = record.value("supplier_name", parse_text, stored_in=Supplier.name)
        if org_problem and record.raw("org_number") not in (None, "") and supplier_name:
            record.problem("org_number", f"{org_problem}; leverantören matchas på namn", Severity.WARNING)
        if not org_number and not supplier_name:
            record.problem("supplier_name", "leverantör saknas (namn eller organisationsnummer)")
        email = record.value("manager_email", _email_text, stored_in=Person.email)
        if email and not EMAIL.match(email):
            record.problem("manager_email", "ogiltig e-postadress")
        draft_values = (
            record.value("name", parse_text, stored_in=Contract.name),
            record.value("category", parse_text, stored_in=Category.name),
            record.value("manager_name", parse_text, stored_in=Person.name),
            record.value("bid_count", _bid_count),
        )
        if email and _blank(record.raw("manager_name")):
            # Without a name the address is the person's name too (``_person``).
            problem = length_problem(Person.name, email, "E-postadressen, som blir namnet när namn saknas,")
            if problem:
                record.problem("manager_email", problem)
        if not run.keep(record, reference is not None):
            continue
        name, category, manager_name, bid_count = draft_values
        draft = drafts.setdefault(
            reference,
            _ContractDraft(
                record.row_number, name, category, valid_from, valid_to, manager_name, email, bid_count
            ),
        )
        draft.suppliers.append((org_number, supplier_name))
    categories: dict[str, int] = {}
    touched_categories: set[int] = set()
    touched_suppliers: set[int] = set()
    for reference, draft in drafts.items():
        if not draft.category:
            summary.problems.append(
                RowProblem(draft.row_number, "Kategori", "", "kategori saknas", Severity.ERROR)
            )
            summary.skipped += 1
            continue
        category_id = _category(session, categories, draft.category)
        contract = session.scalar(select(Contract).where(Contract.reference == reference))
        if contract is None:
            contract = Contract(reference=reference)
            session.add(contract)
            summary.created += 1
        else:
            touched_categories.add(contract.category_id)
            touched_suppliers.update(
                session.scalars(
                    select(ContractSupplier.supplier_id).where(ContractSupplier.contract_id == contract.id)
                )
            )
            summary.updated += 1
        contract.name = draft.name or contract.name or reference
        contract.category_id = category_id
        contract.valid_from, contract.valid_to = draft.valid_from, draft.valid_to
        contract.bid_count = draft.bid_count if draft.bid_count is not None else contract.bid_count
        if draft.manager_name or draft.manager_email:
            contract.manager_id = _person(session, draft.manager_name, draft.manager_email)
        session.flush()
        touched_categories.add(category_id)
        session.execute(delete(ContractSupplier).where(ContractSupplier.contract_id == contract.id))
        supplier_ids = {_supplier(session, org, name) for org, name in draft.suppliers}
        session.add_all(ContractSupplier(contract_id=contract.id, supplier_id=s) for s in supplier_ids)
        touched_suppliers.update(supplier_ids)
        session.flush()
    run.finish()
    if touched_categories or touched_suppliers:
        classify_lines(session, category_ids=touched_categories, supplier_ids=touched_suppliers)


import_contracts = _register_importer(ImportKind.CONTRACTS, _import_contracts)


def _person(session: Session, name: str | None, email: str | None) -> int:
    person = session.scalar(select(Person).where(Person.email == email.lower())) if email else None
    if person is None and name:
        person = session.scalar(select(Person).where(Person.name == name, Person.email.is_(None)))
    if person is None:
        person = Person(name=name or email or "", email=email.lower() if email else None)
        session.add(person)
        session.flush()
    elif name:
        person.name = name
    return person.id


def _supplier(session: Session, org_number: str | None, name: str | None) -> int:
    supplier = None
    if org_number:
        supplier = session.scalar(select(Supplier).where(Supplier.org_number == org_number))
    elif name:
        supplier = session.scalar(
            select(Supplier).where(Supplier.name == name, Supplier.org_number.is_(None))
        )
    if supplier is None:
        supplier = Supplier(
            org_number=org_number, name=name or org_number or "", needs_review=org_number is None
        )
        session.add(supplier)
        session.flush()
    else:
        _claim(session, "supplier", supplier.id)
    return supplier.id
