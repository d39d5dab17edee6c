"""coupons, the coupon ledger and issue runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('coupons',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=True),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index(op.f('ix_coupons_member_id'), 'coupons', ['member_id'], unique=False)
    op.create_index(op.f('ix_coupons_template_id'), 'coupons', ['template_id'], unique=False)
    op.create_index(op.f('ix_coupons_valid_until'), 'coupons', ['valid_until'], unique=False)
    op.create_table('coupon_entries',
    sa.Column('id', sa.String(length=120), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('shop', sa.String(length=20), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=False),
    sa.Column('value_fen', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('booked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['code'], ['coupons.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_coupon_entries_code'), 'coupon_entries', ['code'], unique=False)
    op.create_table('coupon_runs',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('member_filter', sa.Text(), nullable=False),
    sa.Column('issued', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('coupon_runs')
    op.drop_index(op.f('ix_coupon_entries_code'), table_name='coupon_entries')
    op.drop_table('coupon_entries')
    op.drop_index(op.f('ix_coupons_valid_until'), table_name='coupons')
    op.drop_index(op.f('ix_coupons_template_id'), table_name='coupons')
    op.drop_index(op.f('ix_coupons_member_id'), table_name='coupons')
    op.drop_table('coupons')
