"""phone member codes taken at this till

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 07:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_code_uses',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('member_id', 'step')
    )
    op.create_index(op.f('ix_member_code_uses_used_at'), 'member_code_uses', ['used_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_member_code_uses_used_at'), table_name='member_code_uses')
    op.drop_table('member_code_uses')
