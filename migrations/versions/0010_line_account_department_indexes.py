"""invoice lines by account and by department, so that removing an account or a department is fast

Revision ID: 0010
Revises: 0009

Undoing an import removes the accounts and departments it created that
nothing else uses (issue 10, point 12). The database checks each removed row
against ``invoice_line``'s foreign keys, and without an index on the child
column that is a scan of every line per row: 19 s for Örebro's 243 accounts
at 1,000,000 lines on SQLite, minutes at 5,000,000 (PostgreSQL's foreign key
trigger does the same). Reclassifying the lines of changed accounts (an
account plan import) finds them through the account index too.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_invoice_line_account_id", "invoice_line", ["account_id"])
    op.create_index("ix_invoice_line_department_id", "invoice_line", ["department_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ANALYZE ix_invoice_line_account_id")
        op.execute("ANALYZE ix_invoice_line_department_id")


def downgrade() -> None:
    op.drop_index("ix_invoice_line_department_id", table_name="invoice_line")
    op.drop_index("ix_invoice_line_account_id", table_name="invoice_line")
