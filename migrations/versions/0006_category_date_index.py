"""index invoice lines by category and date

Revision ID: 0006
Revises: 0005

The contract page lists who buys on a contract and who buys the same
category elsewhere: the category's lines of a period, without scanning all.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date"])


def downgrade() -> None:
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
