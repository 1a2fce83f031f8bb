"""the contract page reads from one covering index, by category; the contract index narrow again

Revision ID: 0011
Revises: 0010

0009 made both of the contract page's indexes cover what it reads. Two wide
indexes made writing invoice lines dearer than needed (bench/write_floor.py,
1,000,000 lines, primary key and these two only: SQLite 10.8 -> 14.2 s,
PostgreSQL 6.5 -> 16.7 s). One is enough: a line on contract with a contract
has the contract's category, or none (an unmapped account whose supplier is
on the contract), so the page reads both the buyers and the units buying
elsewhere from the (category, date) index, which now also holds the contract.
The (contract, date) index goes back to its two columns of 0006: the
catalogue's "was it called off at all" stops at the first line it finds.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CATEGORY_READS = ["status", "contract_id", "unit_id", "department_id", "supplier_id", "amount"]
OLD_READS = ["status", "unit_id", "department_id", "supplier_id", "amount"]


def _analyze(*indexes: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for index in indexes:
            op.execute(f"ANALYZE {index}")


def upgrade() -> None:
    op.drop_index("ix_invoice_line_contract_date", table_name="invoice_line")
    op.create_index("ix_invoice_line_contract_date", "invoice_line", ["contract_id", "invoice_date"])
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
    op.create_index(
        "ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date", *CATEGORY_READS]
    )
    _analyze("ix_invoice_line_contract_date", "ix_invoice_line_category_date")


def downgrade() -> None:
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
    op.create_index(
        "ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date", *OLD_READS]
    )
    op.drop_index("ix_invoice_line_contract_date", table_name="invoice_line")
    op.create_index(
        "ix_invoice_line_contract_date", "invoice_line", ["contract_id", "invoice_date", *OLD_READS]
    )
