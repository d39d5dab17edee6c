"""console daily breakdown (cashier, tender, category figures kept on ingest)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('daily_breakdown',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shop_id', sa.String(length=36), nullable=False),
    sa.Column('dimension', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('sales_count', sa.BigInteger(), nullable=False),
    sa.Column('returns_count', sa.BigInteger(), nullable=False),
    sa.Column('net_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'shop_id', 'dimension', 'key')
    )
    with op.batch_alter_table('daily_breakdown', schema=None) as batch_op:
        batch_op.create_index('ix_daily_breakdown_dim_day', ['dimension', 'day'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('daily_breakdown', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_breakdown_dim_day')
    op.drop_table('daily_breakdown')
