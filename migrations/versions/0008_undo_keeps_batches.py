"""undone batches stay listed; what an import created and which rows it found already there

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('undone_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('undone_by', sa.String(length=200), nullable=True))

    op.create_table('import_batch_created',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=20), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_batch_created_batch_id_import_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'entity', 'entity_id', name=op.f('pk_import_batch_created'))
    )
    op.create_index('ix_import_batch_created_entity', 'import_batch_created', ['entity', 'entity_id'], unique=False)

    op.create_table('import_batch_overlap',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('earlier_batch_id', sa.Integer(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_import_batch_overlap_batch_id_import_batch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('batch_id', 'earlier_batch_id', name=op.f('pk_import_batch_overlap'))
    )


def downgrade() -> None:
    op.drop_table('import_batch_overlap')
    op.drop_index('ix_import_batch_created_entity', table_name='import_batch_created')
    op.drop_table('import_batch_created')
    with op.batch_alter_table('import_batch', schema=None) as batch_op:
        batch_op.drop_column('undone_by')
        batch_op.drop_column('undone_at')
