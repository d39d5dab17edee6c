"""console users: a TOTP secret being set up (confirmed by a code before it is used)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('console_users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_pending', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('console_users', schema=None) as batch_op:
        batch_op.drop_column('totp_pending')
