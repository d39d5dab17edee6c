"""members found by the last four digits of the mobile are listed by name: one index on
(mobile_last4, name) instead of mobile_last4 alone, so the first twenty are read in order

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:00:00
"""
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_members_mobile_last4_name', 'members', ['mobile_last4', 'name'],
                    unique=False)
    op.drop_index('ix_members_mobile_last4', table_name='members')


def downgrade() -> None:
    op.create_index('ix_members_mobile_last4', 'members', ['mobile_last4'], unique=False)
    op.drop_index('ix_members_mobile_last4_name', table_name='members')
