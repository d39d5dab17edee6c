"""sync: epochs (till incarnations), refused events, offline windows by contact count

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 08:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sync_epochs',
    sa.Column('epoch', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('base_seq', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('epoch')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_reason', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('refused_detail', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('refused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_refused_at'), ['refused_at'], unique=False)
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('wall_high', sa.DateTime(), nullable=True))
    with op.batch_alter_table('sync_offline_spends', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_sync_offline_spends_window'), ['window'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sync_offline_spends', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_offline_spends_window'))
        batch_op.drop_column('window')
    with op.batch_alter_table('sync_state', schema=None) as batch_op:
        batch_op.drop_column('wall_high')
        batch_op.drop_column('contact_seq')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_refused_at'))
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('refused_at')
        batch_op.drop_column('refused_detail')
        batch_op.drop_column('refused_reason')
    op.drop_table('sync_epochs')
