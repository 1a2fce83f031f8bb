"""The database model. Alembic migrations in ``migrations/`` own the schema;
this module describes it to SQLAlchemy and must match the latest migration
(``tests/test_migrations.py`` checks that).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from data_access.core import clock
from data_access.core.money import Money
from data_access.core.orgnr import normalise_org_number

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Table info key: writes to such a table do not replace the data version
# (data_access.core.work), since no cached read depends on it. Without it a
# stranger's failed sign-ins, each one a write, would empty every page cache.
OUTSIDE_DATA_VERSION = "outside_data_version"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class LineStatus(enum.StrEnum):
    """The one fidelity status every invoice line gets (see DOMAIN.md)."""

    ON_CONTRACT = "on"
    OFF_CONTRACT = "off"
    NO_CONTRACT = "no_contract"
    EXCLUDED = "excluded"
    UNCLASSIFIED = "unclassified"
    PENDING = "pending"  # imported, not yet classified; never visible in reports


STATUS_VALUES = ", ".join(f"'{status.value}'" for status in LineStatus)


class Department(Base):
    """Förvaltning: the top level of the organisation."""

    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The fidelity management aims for in this department, in percent; None: the overall target.
    fidelity_target_pct: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    units: Mapped[list[Unit]] = relationship(back_populates="department", lazy="raise")


class Unit(Base):
    """Enhet / ansvar / kostnadsställe: who orders. Invoices carry its code."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(40))

    department: Mapped[Department] = relationship(back_populates="units", lazy="raise")


class Person(Base):
    """A named person: a unit's contact, a contract manager or a procurer.

    Personal data: shown only to those who need it.
    """

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(50))


class UnitContact(Base):
    """A person's role at a unit (enhetschef, kostchef, beställare, ...)."""

    __tablename__ = "unit_contact"

    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(100))


class Supplier(Base):
    """Leverantör. The org number (10 digits, no dash, check digit valid) is
    the matching key; a supplier known only by name has none and is flagged
    for review."""

    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    @validates("org_number")
    def _normalise_org_number(self, _key: str, value: str | None) -> str | None:
        """Stored as ten digits with a valid check digit, whatever form it came in."""
        return None if value is None else normalise_org_number(value)


class Category(Base):
    """Avtalsområde / inköpskategori: what is bought."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    influenceable: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class Account(Base):
    """Konto: a cost account, mapped to a category. Not influenceable accounts
    (salaries, rent, internal charges ...) put their lines out of scope."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    influenceable: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class Contract(Base):
    """Avtal / ramavtal for one category, valid from-to (both days included)."""

    __tablename__ = "contract"
    __table_args__ = (CheckConstraint("valid_from <= valid_to", name="valid_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    procurer_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    bid_count: Mapped[int | None] = mapped_column(SmallInteger)
    purchasing_body: Mapped[str | None] = mapped_column(String(100))  # Adda, SIC, or None: own tender


class ContractSupplier(Base):
    """The suppliers on a contract (one or more)."""

    __tablename__ = "contract_supplier"

    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), primary_key=True)

    __table_args__ = (
        # Supplier first: the engine asks "which contracts list this supplier?"
        # for every invoice line; the index answers without touching the table.
        Index("ix_contract_supplier_supplier_contract", "supplier_id", "contract_id"),
    )


class ImportBatch(Base):
    """One imported file: who, when, what it held and what came in.

    Every invoice line remembers its batch, so undoing a batch removes exactly
    its lines; the checksum recognises a file imported before.
    """

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    source_name: Mapped[str] = mapped_column(String(300))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, server_default=func.now())
    imported_by: Mapped[str | None] = mapped_column(String(200))
    checksum: Mapped[str | None] = mapped_column(String(64), index=True)
    profile_name: Mapped[str | None] = mapped_column(String(100))
    period: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM, for files without dates
    row_count: Mapped[int] = mapped_column(Integer, default=0)  # data rows read
    imported_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    total_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))  # the file's total
    imported_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal(0), server_default="0")
    # An undone batch stays listed (who undid it, and when); its lines are gone.
    undone_at: Mapped[datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(200))


class ImportBatchCreated(Base):
    """A supplier, unit, department or account an invoice import created, so
    that undoing the batch can remove it again when nothing else uses it.
    A register import that takes the row over (names it in its file) removes
    the record: the row then belongs to the register."""

    __tablename__ = "import_batch_created"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    entity: Mapped[str] = mapped_column(String(20), primary_key=True)  # supplier, unit, department, account
    entity_id: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_import_batch_created_entity", "entity", "entity_id"),)


class ImportBatchOverlap(Base):
    """How many of a batch's rows were already in the database, per batch that
    held them: the list can say "68 021 fanns redan (i import 1)", and that
    those rows are gone once import 1 is undone."""

    __tablename__ = "import_batch_overlap"

    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), primary_key=True
    )
    # No foreign key: the earlier batch may be one without a record (demo lines).
    earlier_batch_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_count: Mapped[int] = mapped_column(Integer)


class ImportProfile(Base):
    """A saved column mapping (field -> header text) for files from one system."""

    __tablename__ = "import_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    mapping: Mapped[str] = mapped_column(Text)  # JSON
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, server_default=func.now())


_PAGE_READS = ("status", "contract_id", "unit_id", "department_id", "supplier_id", "amount")


class InvoiceLine(Base):
    """Fakturarad: the spend data. ``status`` and ``contract_id`` are owned by
    the fidelity engine; ``supplier_contracted`` says whether the supplier
    held any valid contract on the invoice date (for supplier fidelity)."""

    __tablename__ = "invoice_line"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUS_VALUES})", name="status_known"),
        Index("ix_invoice_line_invoice_date", "invoice_date"),
        Index("ix_invoice_line_unit_date", "unit_id", "invoice_date"),
        Index("ix_invoice_line_supplier_date", "supplier_id", "invoice_date"),
        # Removing an account or a department an undone import created checks
        # the lines that could refer to it: one lookup each, not a scan (0010).
        Index("ix_invoice_line_account_id", "account_id"),
        Index("ix_invoice_line_department_id", "department_id"),
        # The contract page: who buys on a contract and who buys in its category
        # elsewhere, each from the lines of a period, read from this index alone (it
        # holds every column the page reads; a line on contract has the contract's
        # category or none); direct awards count a listed supplier's units through it.
        # The contract index answers the catalogue's "was it called off at all".
        Index("ix_invoice_line_contract_date", "contract_id", "invoice_date"),
        Index("ix_invoice_line_category_date", "category_id", "invoice_date", *_PAGE_READS),
        # A unique index rather than a constraint: SQLite adds it without
        # rebuilding a table of millions of lines.
        Index("uq_invoice_line_posting_key", "posting_key", unique=True),
        # Room in each page, so that PostgreSQL rewrites a reclassified line in
        # place (a HOT update) instead of touching every index.
        {"postgresql_with": {"fillfactor": 70}},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batch.id", ondelete="CASCADE"), index=True
    )
    invoice_date: Mapped[date] = mapped_column(Date)
    invoice_number: Mapped[str | None] = mapped_column(String(64))
    # Few indexes on purpose: the engine rewrites status, category and contract
    # of millions of rows, and reports read the summaries instead.
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    # category_id and contract_id are the engine's derived values, kept
    # without foreign keys: checking one per rewritten row made a
    # reclassification several times slower on PostgreSQL, and the engine
    # recomputes both whenever an account or a contract changes.
    category_id: Mapped[int | None] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Money)
    status: Mapped[str] = mapped_column(
        String(16), default=LineStatus.PENDING.value, server_default=LineStatus.PENDING.value
    )
    contract_id: Mapped[int | None] = mapped_column(Integer)
    supplier_contracted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Identifies a posting across files: supplier, invoice, posting values and
    # the occurrence of identical postings within the invoice. Re-importing a
    # file, or an overlapping one, adds nothing twice. None for demo lines.
    # 16 bytes: the first half of a SHA-256 (``importing.resolve.PostingKeys``).
    posting_key: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    # The contract the invoice itself names (PEPPOL ContractDocumentReference).
    # It gives the line a category when its account gives none.
    referenced_contract_id: Mapped[int | None] = mapped_column(Integer)


class _SummaryColumns:
    """Columns every fidelity summary shares; each grain adds its own key.

    The summaries are rebuilt by the engine from classified lines. Queries pick
    the smallest one holding every column they need (``data_access.figures.fidelity``);
    the days of a partial month are always read from the lines.
    """

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)  # first day of the month
    department_id: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    supplier_contracted: Mapped[bool] = mapped_column(Boolean)
    amount: Mapped[Decimal] = mapped_column(Money)
    line_count: Mapped[int] = mapped_column(Integer)


class SummaryByDepartment(_SummaryColumns, Base):
    """Month x department x category: headline cards, trends, heat maps."""

    __tablename__ = "summary_department"


class SummaryByUnit(_SummaryColumns, Base):
    """Month x unit x category: drilling into a department's units."""

    __tablename__ = "summary_unit"
    # Direct awards: the no-contract rows of a year, without the other statuses.
    __table_args__ = (Index("ix_summary_unit_status_month", "status", "month", "category_id", "unit_id"),)

    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)


class SummaryBySupplier(_SummaryColumns, Base):
    """Month x supplier x category: where the money goes."""

    __tablename__ = "summary_supplier"

    supplier_id: Mapped[int] = mapped_column(Integer, index=True)


class Need(Base):
    """Behov: what a unit asks of the procurement unit, in its own words."""

    __tablename__ = "need"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)  # unguessable receipt key
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    need_type: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    submitter_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(40), default="new", server_default="new")
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, server_default=func.now())
    assignee: Mapped[str | None] = mapped_column(String(200))  # the procurer handling it
    internal_notes: Mapped[str | None] = mapped_column(Text)  # never shown to the unit
    updated_at: Mapped[datetime | None] = mapped_column(DateTime)


class NeedEvent(Base):
    """One change to a need during triage: who, when, which field, from what to what."""

    __tablename__ = "need_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)


class Feedback(Base):
    """How a contract works for a unit: ratings 1-5 and free text."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("supplier_rating BETWEEN 1 AND 5", name="supplier_rating_range"),
        CheckConstraint("procurement_rating BETWEEN 1 AND 5", name="procurement_rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int | None] = mapped_column(ForeignKey("need.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True
    )
    supplier_rating: Mapped[int | None] = mapped_column(SmallInteger)
    procurement_rating: Mapped[int | None] = mapped_column(SmallInteger)
    knows_contract_manager: Mapped[bool | None] = mapped_column(Boolean)
    good_text: Mapped[str | None] = mapped_column(Text)
    less_good_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, server_default=func.now())


class Visit(Base):
    """Besök och samtal: a procurer's contact with a unit."""

    __tablename__ = "visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_date: Mapped[date] = mapped_column(Date)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="SET NULL"), index=True
    )
    participants: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)
    follow_up_date: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str | None] = mapped_column(String(254))  # the signed-in e-mail; None before sign-in


class AppSetting(Base):
    """Small key-value settings: data version, demo flag, direct-award limit."""

    __tablename__ = "app_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(500))


# Who may do what (issue 13): a person may hold several roles; "enhet" is tied to units.
ROLES = ("ledning", "upphandlare", "enhet", "admin")
ROLE_VALUES = ", ".join(f"'{role}'" for role in ROLES)


class User(Base):
    """Someone who may sign in: through the identity provider (no password
    here) or with a local account (an argon2 hash, never the password).

    The e-mail is stored lower-cased, so it is the same account however the
    identity provider or the person spells it.
    """

    __tablename__ = "app_user"
    # A sign-in updates the failure counter; no cached read looks at users.
    __table_args__ = ({"info": {OUTSIDE_DATA_VERSION: True}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=clock.now, server_default=func.now())
    # The sign-in slowdown: failures since the last success, and when the latest was.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_failed_at: Mapped[datetime | None] = mapped_column(DateTime)

    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )
    units: Mapped[list[UserUnit]] = relationship(
        back_populates="user", lazy="selectin", cascade="all, delete-orphan"
    )

    @validates("email")
    def _lower_email(self, _key: str, value: str) -> str:
        return value.strip().lower()


class UserRole(Base):
    """One role a user holds."""

    __tablename__ = "app_user_role"
    __table_args__ = (CheckConstraint(f"role IN ({ROLE_VALUES})", name="role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles", lazy="raise")


class UserUnit(Base):
    """A unit an "enhet" user acts for; gone with the unit."""

    __tablename__ = "app_user_unit"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    user: Mapped[User] = relationship(back_populates="units", lazy="raise")


class AuditEvent(Base):
    """One entry of the audit log: who, when, what. Ids and counts only, never
    personal values (a sign-in names the account: that is what it logs)."""

    __tablename__ = "audit_event"
    # Every sign-in writes here; no cached read looks at the log.
    __table_args__ = ({"info": {OUTSIDE_DATA_VERSION: True}},)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(String(500))


__all__ = [
    "ROLES",
    "Account",
    "AppSetting",
    "AuditEvent",
    "Base",
    "Category",
    "Contract",
    "ContractSupplier",
    "Department",
    "Feedback",
    "ImportBatch",
    "ImportBatchCreated",
    "ImportBatchOverlap",
    "ImportProfile",
    "InvoiceLine",
    "LineStatus",
    "Need",
    "Person",
    "SummaryByDepartment",
    "SummaryBySupplier",
    "SummaryByUnit",
    "Supplier",
    "Unit",
    "UnitContact",
    "User",
    "UserRole",
    "UserUnit",
    "Visit",
]
