"""Importing municipalities' real files: finance-system exports, the contract
register, organisation and contacts, the account plan and PEPPOL e-invoices.

Every import is one transaction and one batch; a file that cannot be read
changes nothing.
"""
