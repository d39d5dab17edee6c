"""sync: the monotonic ticker at the last contact (boot id, seconds)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_boot', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('contact_mono', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.drop_column('contact_mono')
        batch_op.drop_column('contact_boot')
