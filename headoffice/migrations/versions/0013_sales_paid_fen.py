"""sales: total_fen is paid_fen (the sum of the tenders, cash net of change: the sale's total
less cash rounding), so the name says what it holds

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 12:05:00
"""
from alembic import op


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.alter_column('total_fen', new_column_name='paid_fen')


def downgrade() -> None:
    with op.batch_alter_table('sales', schema=None) as batch_op:
        batch_op.alter_column('paid_fen', new_column_name='total_fen')
