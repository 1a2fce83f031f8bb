"""Importing PEPPOL BIS Billing 3.0 e-invoices as invoice lines.

The seller's org number identifies the supplier, the buyer reference the
unit (when a unit has that code), the accounting cost the account, and the
contract reference the contract the invoice names, which gives a line its
category when its account gives none. Credit notes come in negative.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data_access.bulk import LineTuple
from data_access.importing.errors import ValueProblemError
from data_access.importing.invoice_rows import RowProblem, Severity
from data_access.importing.invoices import ImportOptions, InvoiceImportSummary, land_batch, start_batch
from data_access.importing.peppol import PeppolDocument
from data_access.importing.resolve import PostingKeys, Resolver, natural_key
from data_access.importing.values import parse_account
from data_access.models import Contract, Unit
from data_access.money import to_ore


def import_peppol(
    session: Session,
    documents: list[PeppolDocument],
    *,
    file_name: str,
    checksum: str,
    imported_by: str | None = None,
) -> InvoiceImportSummary:
    """Import the lines of every document as one batch, in the caller's transaction."""
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
        problems = _document_problems(document, number, units, contracts)
        summary.add_problems(problems)
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
                    document.invoice_number[:64],
                    department_id,
                    unit_id,
                    supplier_id,
                    account_id,
                    to_ore(line.amount),
                    keys.key(posting),
                    contract_id,
                )
            )
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
                document.invoice_number,
                f"{document.seller_org_problem}; leverantören identifieras med namn (granskas)",
                Severity.WARNING,
            )
        )
    if document.buyer_reference and natural_key(document.buyer_reference) not in units:
        problems.append(
            RowProblem(
                number,
                "Köparens referens",
                document.buyer_reference,
                "ingen enhet har den koden",
                Severity.WARNING,
            )
        )
    if document.contract_reference and natural_key(document.contract_reference) not in contracts:
        problems.append(
            RowProblem(
                number,
                "Avtalsreferens",
                document.contract_reference,
                "inget avtal har den referensen",
                Severity.WARNING,
            )
        )
    return problems
