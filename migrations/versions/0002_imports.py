"""import batches, profiles, posting keys

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:02:46.726948
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('import_profile',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('mapping', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_profile')),
    sa.UniqueConstraint('name', name=op.f('uq_import_profile_name'))
    )
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('checksum', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('profile_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('period', sa.String(length=7), nullable=True))
        batch_op.add_column(sa.Column('imported_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('skipped_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('duplicate_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('imported_amount', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_import_batch_checksum'), ['checksum'], unique=False)

    # Plain ALTERs, so SQLite does not rebuild a table of millions of lines.
    op.add_column('invoice_line', sa.Column('posting_key', sa.String(length=64), nullable=True))
    op.create_index('uq_invoice_line_posting_key', 'invoice_line', ['posting_key'], unique=True)


def downgrade() -> None:
    op.drop_index('uq_invoice_line_posting_key', table_name='invoice_line')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_column('posting_key')

    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_batch_checksum'))
        batch_op.drop_column('imported_amount')
        batch_op.drop_column('duplicate_count')
        batch_op.drop_column('skipped_count')
        batch_op.drop_column('imported_count')
        batch_op.drop_column('period')
        batch_op.drop_column('profile_name')
        batch_op.drop_column('checksum')
        batch_op.drop_column('imported_by')

    op.drop_table('import_profile')
