"""How long a text value may be: read from the models, never written twice.

A ``String(n)`` column is ``varchar(n)``. PostgreSQL refuses a longer value
with a ``DataError`` (a traceback for the user), while SQLite stores it all
the same; so every value is measured here where it enters (an import row, a
form field, a command-line option), with the same outcome on both. Both count
characters (code points), as ``len`` does.

The limits come from ``Column.type.length`` of the models, so a migration
that widens a column widens the check with it; ``max_integer`` does the same
for integer columns a file fills (the number of bids is a ``smallint``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Integer, SmallInteger
from sqlalchemy.orm import InstrumentedAttribute

from data_access.core.models import (
    Account,
    AppSetting,
    Category,
    Contract,
    Department,
    ImportBatch,
    ImportProfile,
    InvoiceLine,
    Need,
    NeedEvent,
    Person,
    Supplier,
    Unit,
    UnitContact,
)

__all__ = ["count_text", "length_problem", "max_integer", "max_length", "nul_problem", "subject_of"]

# What a column's value is called at the start of a Swedish sentence, in the
# definite form ("Leverantörsnamnet är 412 tecken; …"). A caller that knows
# better what the value was to the user passes its own subject.
_SUBJECT_LIST: tuple[tuple[InstrumentedAttribute, str], ...] = (
    (Supplier.name, "Leverantörsnamnet"),
    (Supplier.org_number, "Organisationsnumret"),
    (Department.code, "Förvaltningskoden"),
    (Department.name, "Förvaltningens namn"),
    (Unit.code, "Enhetskoden"),
    (Unit.name, "Enhetens namn"),
    (Unit.kind, "Enhetens typ"),
    (Person.name, "Namnet"),
    (Person.email, "E-postadressen"),
    (Person.phone, "Telefonnumret"),
    (UnitContact.role, "Rollen"),
    (Category.name, "Kategorins namn"),
    (Account.number, "Kontonumret"),
    (Account.name, "Kontots namn"),
    (Contract.reference, "Avtalsnumret"),
    (Contract.name, "Avtalets namn"),
    (Contract.purchasing_body, "Inköpscentralens namn"),
    (InvoiceLine.invoice_number, "Fakturanumret"),
    (ImportBatch.source_name, "Filnamnet"),
    (ImportBatch.imported_by, "E-postadressen för den som importerar"),
    (ImportBatch.undone_by, "E-postadressen för den som ångrar"),
    (ImportBatch.profile_name, "Mappningens namn"),
    (ImportBatch.period, "Perioden"),
    (ImportProfile.name, "Mappningens namn"),
    (Need.submitter_name, "Namnet"),
    (Need.submitter_email, "E-postadressen"),
    (Need.assignee, "Handläggarens namn"),
    (NeedEvent.changed_by, "E-postadressen för den som ändrar"),
    (AppSetting.value, "Värdet"),
)


def _column(attribute: InstrumentedAttribute | Column) -> Column:
    if isinstance(attribute, Column):
        return attribute
    return attribute.property.columns[0]


def _key(attribute: InstrumentedAttribute | Column) -> str:
    """``supplier.name``: columns compare as SQL (``==`` builds an
    expression), so they are looked up by name."""
    column = _column(attribute)
    return f"{column.table.name}.{column.name}"


_SUBJECTS = {_key(attribute): subject for attribute, subject in _SUBJECT_LIST}


def max_length(attribute: InstrumentedAttribute | Column) -> int:
    """The ``n`` of the column's ``String(n)``; a ``TypeError`` for a column
    without one (``Text``), because a check against no limit is a mistake."""
    length = getattr(_column(attribute).type, "length", None)
    if not isinstance(length, int):
        raise TypeError(f"{attribute} has no length: it is not a String(n) column")
    return length


def max_integer(attribute: InstrumentedAttribute | Column) -> int:
    """The largest value an integer column holds: PostgreSQL refuses a larger
    one (``smallint out of range``), SQLite stores it all the same."""
    column_type = _column(attribute).type
    for kind, largest in ((SmallInteger, 2**15 - 1), (BigInteger, 2**63 - 1), (Integer, 2**31 - 1)):
        if isinstance(column_type, kind):
            return largest
    raise TypeError(f"{attribute} is not an integer column")


def subject_of(attribute: InstrumentedAttribute | Column) -> str:
    """The Swedish name of a column's value, for a message."""
    return _SUBJECTS.get(_key(attribute), "Värdet")


def count_text(count: int) -> str:
    """``10 485 760``: Swedish grouping with no-break spaces (data_access
    does not import the UI's formatting)."""
    return f"{count:,}".replace(",", "\u00a0")


def nul_problem(value: str | None, subject: str) -> str | None:
    """A Swedish message when ``value`` holds NUL (U+0000), else None.
    PostgreSQL's text types cannot hold it (psycopg raises ``DataError``)
    while SQLite stores it; files never bring one (CSV with NUL is refused as
    binary, XML cannot hold it), so only typed text is checked."""
    if value and "\x00" in value:
        return f"{subject} innehåller ett tecken som inte kan sparas (NUL, U+0000)."
    return None


def length_problem(
    attribute: InstrumentedAttribute | Column, value: str | None, subject: str | None = None
) -> str | None:
    """A Swedish message when ``value`` does not fit the column, else None:
    ``Leverantörsnamnet är 412 tecken; högst 300 får plats.`` A NUL does
    not fit either (``nul_problem``).

    Measured on the value as it will be stored (after trimming), so call it
    on the cleaned value. ``len`` is O(1) and ``in`` a C scan: a 10 MB
    value is refused at once.
    """
    if value is None:
        return None
    limit = max_length(attribute)
    subject = subject or subject_of(attribute)
    length = len(value)
    if length > limit:
        return f"{subject} är {count_text(length)} tecken; högst {count_text(limit)} får plats."
    return nul_problem(value, subject)
