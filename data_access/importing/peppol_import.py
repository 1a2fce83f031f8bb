"""Importing PEPPOL BIS Billing 3.0 e-invoices as invoice lines.

The seller's org number identifies the supplier, the buyer reference the
unit (when a unit has that code), the accounting cost the account, and the
contract reference the contract the invoice names, which gives a line its
category when its account gives none. Credit notes come in negative.

``import_peppol`` takes no acting viewer: it is a step of
``importing.service.import_peppol_file`` (which requires IMPORT_DATA and
passes the acting viewer's label as ``imported_by``), and nothing else calls it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.core.lengths import length_problem
from data_access.core.models import Contract, InvoiceLine, Supplier, Unit
from data_access.core.money import to_ore
from data_access.engine.bulk import LineTuple
from data_access.importing.errors import ValueProblemError
from data_access.importing.invoice_rows import RowProblem, Severity, shown_value
from data_access.importing.invoices import (
    ImportOptions,
    InvalidRowsError,
    InvoiceImportSummary,
    land_batch,
    start_batch,
)
from data_access.importing.peppol import PeppolDocument
from data_access.importing.resolve import PostingKeys, Resolver, natural_key
from data_access.importing.values import parse_account


def import_peppol(
    session: Session,
    documents: list[PeppolDocument],
    *,
    file_name: str,
    checksum: str,
    imported_by: str | None = None,
    skip_invalid: bool = False,
) -> InvoiceImportSummary:
    """Import the lines of every document as one batch, in the caller's transaction.

    A document with an error (a value that does not fit its column) is
    imported by no line: with ``skip_invalid`` its lines are skipped, else
    InvalidRowsError is raised once every document was read (the report is
    complete) and the caller rolls back, as for a spreadsheet."""
    summary = InvoiceImportSummary(file_name=file_name)
    options = ImportOptions(imported_by=imported_by)
    batch = start_batch(session, summary, kind="peppol", checksum=checksum, options=options)

    contracts = {
        natural_key(reference): contract_id
        for contract_id, reference in session.execute(select(Contract.id, Contract.reference))
    }
    units = {natural_key(code): unit_id for unit_id, code in session.execute(select(Unit.id, Unit.code))}
    resolver, keys = Resolver(session), PostingKeys()
    lines: list[LineTuple] = []
    for number, document in enumerate(documents, start=1):
        errors = _document_errors(document, number)
        problems = [*errors, *_document_problems(document, number, units, contracts)]
        summary.add_problems(problems)
        if errors:
            refused = len(document.lines) or 1  # a document without lines is still refused
            summary.rows_read += len(document.lines)
            summary.file_total += document.total
            summary.rows_with_problems += refused
            summary.skipped += len(document.lines)
            summary.skipped_total += document.total
            continue
        if document.seller_org_number is None:
            summary.flagged_rows += len(document.lines)
        supplier_id = resolver.supplier(
            document.seller_org_number, document.seller_name or document.source_name
        )
        # Only an existing unit: a buyer reference can be anything (a person,
        # an order number), and inventing units from it would mislead.
        department_id = unit_id = None
        if natural_key(document.buyer_reference) in units:
            department_id, unit_id = resolver.organisation(None, document.buyer_reference)
        contract_id = (
            contracts.get(natural_key(document.contract_reference)) if document.contract_reference else None
        )
        for line in document.lines:
            summary.rows_read += 1
            summary.file_total += line.amount
            account_id = _account(resolver, line.accounting_cost or document.accounting_cost)
            posting = (
                document.seller_org_number or f"name:{natural_key(document.seller_name)}",
                document.invoice_number,
                document.kind,
                line.line_id,
                str(line.amount),
            )
            lines.append(
                (
                    batch.id,
                    document.issue_date,
                    document.invoice_number,
                    department_id,
                    unit_id,
                    supplier_id,
                    account_id,
                    to_ore(line.amount),
                    keys.key(posting),
                    contract_id,
                )
            )
    if summary.rows_with_problems and not skip_invalid:
        raise InvalidRowsError(summary)
    land_batch(session, lines, batch, summary, resolver)
    return summary


def _account(resolver: Resolver, accounting_cost: str | None) -> int | None:
    """The account at the start of an accounting string such as ``4025:123:4343``."""
    if not accounting_cost:
        return None
    try:
        number = parse_account(accounting_cost)
    except ValueProblemError:
        return None
    return resolver.account(number, None) if number else None


def peppol_errors(documents: list[PeppolDocument]) -> list[RowProblem]:
    """The errors ``import_peppol`` refuses documents for, numbered as it
    numbers them: the page shows them before anything is written."""
    return [
        problem
        for number, document in enumerate(documents, start=1)
        for problem in _document_errors(document, number)
    ]


def _document_errors(document: PeppolDocument, number: int) -> list[RowProblem]:
    """Values of a document that do not fit the column they go into:
    PostgreSQL would refuse them and SQLite keep them whole, so the document
    is refused on both."""
    problems = []
    seller = document.seller_name or document.source_name  # what names a new supplier
    subject = "Säljarens namn"
    if not document.seller_name:
        subject = "Filnamnet, som blir säljarens namn när namn saknas,"
    for label, value, column, noun in (
        ("Säljarens namn", seller, Supplier.name, subject),
        ("Fakturanummer", document.invoice_number, InvoiceLine.invoice_number, "Fakturanumret"),
    ):
        problem = length_problem(column, value, noun)
        if problem:
            problems.append(RowProblem(number, label, shown_value(value), problem, Severity.ERROR))
    return problems


def _document_problems(
    document: PeppolDocument, number: int, units: dict[str, int], contracts: dict[str, int]
) -> list[RowProblem]:
    """Warnings shown in the report: the lines are imported all the same."""
    problems = []
    if document.seller_org_number is None:
        problems.append(
            RowProblem(
                number,
                "Säljarens organisationsnummer",
                shown_value(document.invoice_number),
                f"{document.seller_org_problem}; leverantören identifieras med namn (granskas)",
                Severity.WARNING,
            )
        )
    if document.buyer_reference and natural_key(document.buyer_reference) not in units:
        problems.append(
            RowProblem(
                number,
                "Köparens referens",
                shown_value(document.buyer_reference),
                "ingen enhet har den koden",
                Severity.WARNING,
            )
        )
    if document.contract_reference and natural_key(document.contract_reference) not in contracts:
        problems.append(
            RowProblem(
                number,
                "Avtalsreferens",
                shown_value(document.contract_reference),
                "inget avtal har den referensen",
                Severity.WARNING,
            )
        )
    return problems
