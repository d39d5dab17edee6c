"""less personal data on the till: masked mobile, last four and a keyed hash instead of the
full number; birthdays without their year; the gender cleared (head office keeps it); member payloads of
delivered events reduced the same way

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 10:45:00
"""
import json

import sqlalchemy as sa
from alembic import op

from pos_app.domain.card import mask_mobile
from pos_app.domain.member import month_day_birthday, reduced_member

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mobile_masked', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('mobile_hash', sa.String(length=64), nullable=True))
    rows = conn.execute(sa.text("SELECT id, mobile, birthday FROM members "
                                "WHERE mobile IS NOT NULL OR birthday IS NOT NULL")).all()
    if rows:
        keys = None
        if any(r[1] for r in rows):
            # db.migrate hands the till's mobile keys over (from its credential store).
            keys = op.get_context().config.attributes["mobile_keys"]()
        for member_id, mobile, birthday in rows:
            digits = "".join(ch for ch in (mobile or "") if ch.isdigit())
            conn.execute(sa.text(
                "UPDATE members SET mobile_masked = :masked, mobile_hash = :hash, "
                "mobile_last4 = :last4, birthday = :birthday WHERE id = :id"),
                {"masked": mask_mobile(digits) if digits else None,
                 "hash": keys.hash(digits) if digits and keys else None,
                 "last4": digits[-4:] if len(digits) >= 4 else None,
                 "birthday": month_day_birthday(birthday), "id": member_id})
    conn.execute(sa.text("UPDATE members SET gender = ''"))
    for seq, payload in conn.execute(sa.text(
            "SELECT device_seq, payload FROM outbox WHERE kind = 'member.registered' "
            "AND acked_at IS NOT NULL")).all():
        body = json.loads(payload)
        if isinstance(body.get("member"), dict):
            body["member"] = reduced_member(body["member"])
            conn.execute(sa.text("UPDATE outbox SET payload = :p WHERE device_seq = :s"),
                         {"p": json.dumps(body, ensure_ascii=False, default=str), "s": seq})
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('mobile')
        batch_op.create_index(batch_op.f('ix_members_mobile_hash'), ['mobile_hash'],
                              unique=True)


def downgrade() -> None:
    # The full numbers are at head office only: they do not come back.
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_members_mobile_hash'))
        batch_op.add_column(sa.Column('mobile', sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint('uq_members_mobile', ['mobile'])
        batch_op.drop_column('mobile_hash')
        batch_op.drop_column('mobile_masked')
