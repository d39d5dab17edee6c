"""promotions, coupon templates, coupons and the coupon ledger

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
    op.create_table('promotions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_promotions_ends_at'), 'promotions', ['ends_at'], unique=False)
    op.create_table('coupon_templates',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('coupons',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('template_id', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('valid_from', sa.DateTime(), nullable=True),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('source', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['coupon_templates.id'], ),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_index(op.f('ix_coupons_member_id'), 'coupons', ['member_id'], unique=False)
    op.create_table('coupon_entries',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('shop', sa.String(length=20), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=False),
    sa.Column('value_fen', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.CheckConstraint("kind IN ('issued','redeemed','returned','expired','double_redeemed')", name='ck_coupon_entry_kind'),
    sa.ForeignKeyConstraint(['code'], ['coupons.code'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_coupon_entries_code'), 'coupon_entries', ['code'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_coupon_entries_code'), table_name='coupon_entries')
    op.drop_table('coupon_entries')
    op.drop_index(op.f('ix_coupons_member_id'), table_name='coupons')
    op.drop_table('coupons')
    op.drop_table('coupon_templates')
    op.drop_index(op.f('ix_promotions_ends_at'), table_name='promotions')
    op.drop_table('promotions')
