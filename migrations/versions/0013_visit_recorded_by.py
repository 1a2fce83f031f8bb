"""who registered a visit (issue 13)

Revision ID: 0013
Revises: 0012

A visit records the signed-in person who registered it, as triage and
imports do, rather than a name anyone could type. Visits from before sign-in
have none.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.add_column(sa.Column("recorded_by", sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("visit") as batch:
        batch.drop_column("recorded_by")
