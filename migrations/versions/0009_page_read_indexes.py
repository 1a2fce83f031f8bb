"""covering indexes for the contract page; the unit summary by status and month

Revision ID: 0009
Revises: 0008

Every page fast at 5,000,000 lines (issue 10, point 15):

- The contract page reads its contract's lines and its category's lines of a
  period. The (contract, date) and (category, date) indexes of 0006 found
  them, but every line was then fetched from the table, one random read each
  (about 130,000 for the busiest contract; the page took 4.2 s). The same two
  indexes now also hold what the page reads (status, unit, department,
  supplier, amount), so the lines are read from the index alone. Same names,
  same leading columns: every query that used them still does.
- Direct awards read amounts from the summaries; the units per category come
  from the unit summary's no-contract rows of the year (status and month
  first: 2 ms where reading every status of the year took 80 ms), and the
  units of each listed supplier from the (category, date) index, which now
  holds status, unit and supplier.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

READ_COLUMNS = ["status", "unit_id", "department_id", "supplier_id", "amount"]


def _analyze(*indexes: str) -> None:
    """New indexes need statistics, or SQLite's planner guesses (PostgreSQL
    keeps column statistics, which do not change here)."""
    if op.get_bind().dialect.name == "sqlite":
        for index in indexes:
            op.execute(f"ANALYZE {index}")


def upgrade() -> None:
    op.drop_index("ix_invoice_line_contract_date", table_name="invoice_line")
    op.create_index(
        "ix_invoice_line_contract_date", "invoice_line", ["contract_id", "invoice_date", *READ_COLUMNS]
    )
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
    op.create_index(
        "ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date", *READ_COLUMNS]
    )
    op.create_index(
        "ix_summary_unit_status_month", "summary_unit", ["status", "month", "category_id", "unit_id"]
    )
    _analyze(
        "ix_invoice_line_contract_date",
        "ix_invoice_line_category_date",
        "ix_summary_unit_status_month",
    )


def downgrade() -> None:
    op.drop_index("ix_summary_unit_status_month", table_name="summary_unit")
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
    op.create_index("ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date"])
    op.drop_index("ix_invoice_line_contract_date", table_name="invoice_line")
    op.create_index("ix_invoice_line_contract_date", "invoice_line", ["contract_id", "invoice_date"])
