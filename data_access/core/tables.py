"""The ORM tables under short names, for Core queries.

The read paths (figures, customers) and the engine build set-based
``select``/``update`` statements over the tables rather than loading ORM
objects: a figure over millions of lines must be summed in the database, and a
Core statement states exactly the columns it reads. They all need the same
``Model.__table__`` objects; naming them once here keeps one spelling across
modules and keeps readers from importing them from the engine, which they do
not otherwise depend on.

``SUMMARY_TABLES`` lists the summary tables from the coarsest grain to the
finest: a reader takes the first one that has the columns it groups by, and the
engine rebuilds or appends to each of them.
"""

from __future__ import annotations

from sqlalchemy import Table

from data_access.core import models

line: Table = models.InvoiceLine.__table__
contract: Table = models.Contract.__table__
contract_supplier: Table = models.ContractSupplier.__table__
account: Table = models.Account.__table__
category: Table = models.Category.__table__
department: Table = models.Department.__table__
unit: Table = models.Unit.__table__
supplier: Table = models.Supplier.__table__
person: Table = models.Person.__table__

SUMMARY_TABLES: tuple[Table, ...] = (
    models.SummaryByDepartment.__table__,
    models.SummaryByUnit.__table__,
    models.SummaryBySupplier.__table__,
)
