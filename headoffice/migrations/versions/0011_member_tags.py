"""member tags (标签) for coupon issue runs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('member_tags',
    sa.Column('member_id', sa.String(length=36), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], ),
    sa.PrimaryKeyConstraint('member_id', 'tag')
    )
    with op.batch_alter_table('member_tags', schema=None) as batch_op:
        batch_op.create_index('ix_member_tags_tag', ['tag'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('member_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_member_tags_tag')
    op.drop_table('member_tags')
