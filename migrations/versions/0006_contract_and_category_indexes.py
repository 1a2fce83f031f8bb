"""index invoice lines by contract and date, and by category and date

Revision ID: 0006
Revises: 0005

The contract page lists who buys on a contract (and the catalogue, which
contracts nobody called off) and who buys the same category elsewhere: the
contract's or the category's lines of a period, without scanning them all.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_invoice_line_contract_date", "invoice_line", ["contract_id", "invoice_date"])
    op.create_index("ix_invoice_line_category_date", "invoice_line", ["category_id", "invoice_date"])


def downgrade() -> None:
    op.drop_index("ix_invoice_line_category_date", table_name="invoice_line")
    op.drop_index("ix_invoice_line_contract_date", table_name="invoice_line")
