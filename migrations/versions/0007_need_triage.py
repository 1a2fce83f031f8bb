"""need triage: assignee, internal notes, and the history of every change

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('need_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('changed_by', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_need_event_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_event'))
    )
    with op.batch_alter_table('need_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_event_need_id'), ['need_id'], unique=False)

    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assignee', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('internal_notes', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('internal_notes')
        batch_op.drop_column('assignee')

    with op.batch_alter_table('need_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_event_need_id'))

    op.drop_table('need_event')
