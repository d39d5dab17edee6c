"""search keys (members.mobile_last4, products.name_initials, indexed); document number series

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('document_series',
    sa.Column('till_code', sa.String(length=32), nullable=False),
    sa.Column('series', sa.String(length=4), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('till_code', 'series')
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_last4', sa.String(length=4), nullable=True))
        batch_op.create_index('ix_members_mobile_last4', ['mobile_last4'], unique=False)
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_initials', sa.String(length=60), nullable=False,
                                      server_default=''))
        batch_op.create_index('ix_products_name_initials', ['name_initials'], unique=False)
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE members SET mobile_last4 = substr(mobile, -4) "
                         "WHERE mobile IS NOT NULL AND length(mobile) >= 4"))
    from db.search_keys import name_initials
    rows = conn.execute(sa.text("SELECT id, name FROM products")).fetchall()
    if rows:
        conn.execute(sa.text("UPDATE products SET name_initials = :ini WHERE id = :id"),
                     [{"ini": name_initials(r[1]), "id": r[0]} for r in rows])


def downgrade() -> None:
    op.drop_table('document_series')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_name_initials')
        batch_op.drop_column('name_initials')
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index('ix_members_mobile_last4')
        batch_op.drop_column('mobile_last4')
