"""member passes (计次卡) kept from the tills' events

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_passes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('shop_id', sa.String(length=36), nullable=True),
    sa.Column('till_id', sa.String(length=36), nullable=True),
    sa.Column('sale_id', sa.String(length=36), nullable=True),
    sa.Column('sku', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('uses_total', sa.Integer(), nullable=False),
    sa.Column('uses_left', sa.Integer(), nullable=False),
    sa.Column('price_fen', sa.BigInteger(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('sold_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member_passes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_passes_member_id'), ['member_id'], unique=False)

    op.create_table('member_pass_entries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('pass_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('uses_delta', sa.Integer(), nullable=False),
    sa.Column('sale_id', sa.String(length=36), nullable=True),
    sa.Column('event_id', sa.String(length=64), nullable=True),
    sa.Column('shop_id', sa.String(length=36), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('member_pass_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_pass_entries_pass_id'), ['pass_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member_pass_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_pass_entries_pass_id'))
    op.drop_table('member_pass_entries')
    with op.batch_alter_table('member_passes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_passes_member_id'))
    op.drop_table('member_passes')
