"""tier history: each row says why (reason); every member gets an opening row

Members imported at head office, and members from before tier history was kept (0007), had
no opening row, so the console could not say where their tier came from. The rows kept so
far with no `from_tier` were opening rows; the others were changes.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.String(length=16), nullable=False,
                                      server_default='change'))
    op.execute("UPDATE tier_changes SET reason = 'opening' WHERE from_tier IS NULL")
    # The opening row of every member without one: the tier before its first recorded
    # change, or its tier now; dated when head office first had the member (as
    # headoffice/console/backfill.py's OPEN_HISTORIES, frozen here).
    op.execute("""
INSERT INTO tier_changes (member_id, from_tier, to_tier, at, reason)
SELECT m.id, NULL, COALESCE(f.from_tier, m.tier_code),
       CASE WHEN f.at < m.created_at THEN f.at ELSE m.created_at END, 'opening'
FROM members m
LEFT JOIN tier_changes f ON f.id = (SELECT t.id FROM tier_changes t WHERE t.member_id = m.id
                                    ORDER BY t.at, t.id LIMIT 1)
WHERE NOT m.stub
  AND NOT EXISTS (SELECT 1 FROM tier_changes o
                  WHERE o.member_id = m.id AND o.from_tier IS NULL)""")


def downgrade() -> None:
    # The opening rows stay: without a reason they are what 0013's code took them for.
    with op.batch_alter_table('tier_changes', schema=None) as batch_op:
        batch_op.drop_column('reason')
