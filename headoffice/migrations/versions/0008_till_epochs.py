"""till epochs (incarnations) and open-receivable index

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:50:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Tills enrolled before epochs existed are in epoch 1, and so is everything they sent.
    with op.batch_alter_table('tills') as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE tills SET epoch = 1 WHERE key_hash IS NOT NULL OR revoked_at IS NOT NULL")
    with op.batch_alter_table('inbox') as batch_op:
        batch_op.add_column(sa.Column('epoch', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_inbox_till_seq', type_='unique')
        batch_op.create_unique_constraint('uq_inbox_till_epoch_seq',
                                          ['till_id', 'epoch', 'device_seq'])
    op.create_index('ix_receivables_open', 'receivables', ['member_id', 'id'], unique=False,
                    postgresql_where=sa.text('recovered_fen < amount_fen'),
                    sqlite_where=sa.text('recovered_fen < amount_fen'))


def downgrade() -> None:
    op.drop_index('ix_receivables_open', table_name='receivables')
    with op.batch_alter_table('inbox') as batch_op:
        batch_op.drop_constraint('uq_inbox_till_epoch_seq', type_='unique')
        batch_op.create_unique_constraint('uq_inbox_till_seq', ['till_id', 'device_seq'])
        batch_op.drop_column('epoch')
    with op.batch_alter_table('tills') as batch_op:
        batch_op.drop_column('epoch')
