"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 17:47:01.102236
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('app_setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_setting'))
    )
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('influenceable', sa.Boolean(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('name', name=op.f('uq_category_name'))
    )
    op.create_table('department',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department')),
    sa.UniqueConstraint('code', name=op.f('uq_department_code'))
    )
    op.create_table('import_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('source_name', sa.String(length=300), nullable=False),
    sa.Column('imported_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('total_amount', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=50), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('email', name=op.f('uq_person_email'))
    )
    op.create_table('summary_department',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('supplier_contracted', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_department'))
    )
    with op.batch_alter_table('summary_department', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_department_month'), ['month'], unique=False)

    op.create_table('summary_supplier',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('supplier_contracted', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_supplier'))
    )
    with op.batch_alter_table('summary_supplier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_supplier_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_summary_supplier_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('summary_unit',
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('supplier_contracted', sa.Boolean(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_unit'))
    )
    with op.batch_alter_table('summary_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_summary_unit_month'), ['month'], unique=False)
        batch_op.create_index(batch_op.f('ix_summary_unit_unit_id'), ['unit_id'], unique=False)

    op.create_table('supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_number', sa.String(length=10), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('needs_review', sa.Boolean(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('org_number', name=op.f('uq_supplier_org_number'))
    )
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('influenceable', sa.Boolean(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_account_category_id_category')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('number', name=op.f('uq_account_number'))
    )
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_category_id'), ['category_id'], unique=False)

    op.create_table('contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('procurer_id', sa.Integer(), nullable=True),
    sa.Column('bid_count', sa.SmallInteger(), nullable=True),
    sa.Column('purchasing_body', sa.String(length=100), nullable=True),
    sa.CheckConstraint('valid_from <= valid_to', name=op.f('ck_contract_valid_period')),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_contract_category_id_category')),
    sa.ForeignKeyConstraint(['manager_id'], ['person.id'], name=op.f('fk_contract_manager_id_person'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['procurer_id'], ['person.id'], name=op.f('fk_contract_procurer_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contract')),
    sa.UniqueConstraint('reference', name=op.f('uq_contract_reference'))
    )
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contract_category_id'), ['category_id'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_unit_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_department_id'), ['department_id'], unique=False)

    op.create_table('contract_supplier',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_contract_supplier_contract_id_contract'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_contract_supplier_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('contract_id', 'supplier_id', name=op.f('pk_contract_supplier'))
    )
    with op.batch_alter_table('contract_supplier', schema=None) as batch_op:
        batch_op.create_index('ix_contract_supplier_supplier_contract', ['supplier_id', 'contract_id'], unique=False)

    op.create_table('invoice_line',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=True),
    sa.Column('invoice_date', sa.Date(), nullable=False),
    sa.Column('invoice_number', sa.String(length=64), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), server_default='pending', nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('supplier_contracted', sa.Boolean(), server_default='0', nullable=False),
    sa.CheckConstraint("status IN ('on', 'off', 'no_contract', 'excluded', 'unclassified', 'pending')", name=op.f('ck_invoice_line_status_known')),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_invoice_line_account_id_account')),
    sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_invoice_line_batch_id_import_batch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_invoice_line_department_id_department')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_invoice_line_supplier_id_supplier')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_invoice_line_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_line')),
    postgresql_with={'fillfactor': 70}
    )
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_line_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_invoice_line_invoice_date', ['invoice_date'], unique=False)
        batch_op.create_index('ix_invoice_line_supplier_date', ['supplier_id', 'invoice_date'], unique=False)
        batch_op.create_index('ix_invoice_line_unit_date', ['unit_id', 'invoice_date'], unique=False)

    op.create_table('need',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('need_type', sa.String(length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitter_name', sa.String(length=200), nullable=True),
    sa.Column('submitter_email', sa.String(length=254), nullable=True),
    sa.Column('status', sa.String(length=40), server_default='new', nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_need_category_id_category')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_need_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_need_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need')),
    sa.UniqueConstraint('token', name=op.f('uq_need_token'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_unit_id'), ['unit_id'], unique=False)

    op.create_table('unit_contact',
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_unit_contact_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_unit_contact_unit_id_unit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('unit_id', 'person_id', name=op.f('pk_unit_contact'))
    )
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_contact_person_id'), ['person_id'], unique=False)

    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('follow_up_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_visit_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_visit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_unit_id'), ['unit_id'], unique=False)

    op.create_table('feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('supplier_rating', sa.SmallInteger(), nullable=True),
    sa.Column('procurement_rating', sa.SmallInteger(), nullable=True),
    sa.Column('knows_contract_manager', sa.Boolean(), nullable=True),
    sa.Column('good_text', sa.Text(), nullable=True),
    sa.Column('less_good_text', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.func.now(), nullable=False),
    sa.CheckConstraint('procurement_rating BETWEEN 1 AND 5', name=op.f('ck_feedback_procurement_rating_range')),
    sa.CheckConstraint('supplier_rating BETWEEN 1 AND 5', name=op.f('ck_feedback_supplier_rating_range')),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_feedback_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_feedback_need_id_need'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_feedback_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback'))
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_contract_id'), ['contract_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_need_id'), ['need_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_feedback_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_unit_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_need_id'))
        batch_op.drop_index(batch_op.f('ix_feedback_contract_id'))

    op.drop_table('feedback')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_visit_contract_id'))

    op.drop_table('visit')
    with op.batch_alter_table('unit_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_contact_person_id'))

    op.drop_table('unit_contact')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_unit_id'))
        batch_op.drop_index(batch_op.f('ix_need_contract_id'))
        batch_op.drop_index(batch_op.f('ix_need_category_id'))

    op.drop_table('need')
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_line_unit_date')
        batch_op.drop_index('ix_invoice_line_supplier_date')
        batch_op.drop_index('ix_invoice_line_invoice_date')
        batch_op.drop_index(batch_op.f('ix_invoice_line_batch_id'))

    op.drop_table('invoice_line')
    with op.batch_alter_table('contract_supplier', schema=None) as batch_op:
        batch_op.drop_index('ix_contract_supplier_supplier_contract')

    op.drop_table('contract_supplier')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_department_id'))

    op.drop_table('unit')
    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contract_category_id'))

    op.drop_table('contract')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_category_id'))

    op.drop_table('account')
    op.drop_table('supplier')
    with op.batch_alter_table('summary_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_summary_unit_month'))

    op.drop_table('summary_unit')
    with op.batch_alter_table('summary_supplier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_supplier_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_summary_supplier_month'))

    op.drop_table('summary_supplier')
    with op.batch_alter_table('summary_department', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_summary_department_month'))

    op.drop_table('summary_department')
    op.drop_table('person')
    op.drop_table('import_batch')
    op.drop_table('department')
    op.drop_table('category')
    op.drop_table('app_setting')
