"""fidelity targets per department

Revision ID: 0005
Revises: 0004

The overall target and the direct-award limit are app settings; a
department's own target sits on the department.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("department") as batch_op:
        batch_op.add_column(sa.Column("fidelity_target_pct", sa.Numeric(5, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("department") as batch_op:
        batch_op.drop_column("fidelity_target_pct")
