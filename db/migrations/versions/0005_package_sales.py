"""top-up packages sold at the till

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 08:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('package_sales',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('package_id', sa.String(length=64), nullable=False),
    sa.Column('package_version', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('coupons', sa.Text(), nullable=False),
    sa.Column('tier_before', sa.String(length=16), nullable=False),
    sa.Column('tender', sa.String(length=16), nullable=False),
    sa.Column('sold_at', sa.DateTime(), nullable=False),
    sa.Column('refunded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_package_sales_member_id'), 'package_sales', ['member_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_package_sales_member_id'), table_name='package_sales')
    op.drop_table('package_sales')
