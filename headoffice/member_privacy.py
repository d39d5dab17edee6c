"""Less personal data on the tills (README "Less personal data on the till").

Head office keeps the full member profile; tills keep the reduced form: the name, the masked
mobile, its last four digits and a keyed hash of the full number, the birthday's month and
day. The hash key (the chain's mobile lookup key) is one random 256-bit key, the same for
every till so a member is found by the full number at any shop offline; it is made here the
first time it is needed, kept in head office's database in a document no feed serves, and
handed to each till with its certificate (POST /v1/till-certificate) or on request
(GET /v1/till-keys), both authenticated with the till's API key.

A manager at a till who needs the full profile (to call the member, check an ID) fetches it
online (GET /v1/members/{id}/profile): head office refuses roles below manager and writes
who (the till user), which till, which member and when into its audit log
(console_audit, action "member.profile_viewed"), readable on the console's audit page.
"""
from __future__ import annotations

import json
import os
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from headoffice.models import CardRow, DocumentRow, MemberAccountRow, MemberRow
from pos_app.domain.card import mask_mobile
from pos_app.domain.member import mobile_lookup_hash, month_day_birthday

if TYPE_CHECKING:
    from headoffice.service import HeadOffice, TillIdentity

# Not a feed stream (pos_app.sync.events.STREAMS): never served to anyone by a pull.
PRIVATE_STREAM = "hq_private"
MOBILE_KEY_DOCUMENT = (PRIVATE_STREAM, "mobile_lookup_key")
PROFILE_ROLES = ("manager", "admin")


def mobile_key(session: Session) -> bytes:
    """The chain's mobile lookup key, made on first use (several workers agree on one)."""
    bind = session.get_bind()
    row = session.get(DocumentRow, MOBILE_KEY_DOCUMENT)
    if row is None and bind.dialect.name == "sqlite":
        # SQLite has one writer: a second connection would wait on this request's own
        # transaction (a 503 every time). Make it in this transaction, in a savepoint.
        try:
            with session.begin_nested():
                session.add(DocumentRow(
                    stream=MOBILE_KEY_DOCUMENT[0], key=MOBILE_KEY_DOCUMENT[1],
                    body=json.dumps({"key": os.urandom(32).hex()}), version=1,
                    updated_at=datetime.now()))
        except IntegrityError:
            pass                                   # another process made it first
        row = session.get(DocumentRow, MOBILE_KEY_DOCUMENT)
        # Not cached: this transaction may still roll back and take the key with it.
        return bytes.fromhex(json.loads(row.body)["key"])  # type: ignore[union-attr]
    if row is None:
        engine = bind.engine if hasattr(bind, "engine") else bind
        try:
            with Session(engine) as own, own.begin():
                own.add(DocumentRow(stream=MOBILE_KEY_DOCUMENT[0], key=MOBILE_KEY_DOCUMENT[1],
                                    body=json.dumps({"key": os.urandom(32).hex()}), version=1,
                                    updated_at=datetime.now()))
        except IntegrityError:
            pass                                   # another worker made it first
        with Session(engine) as own:
            body = own.get(DocumentRow, MOBILE_KEY_DOCUMENT).body  # type: ignore[union-attr]
    else:
        body = row.body
    # Read from the database each time (one primary-key read): a per-process cache keyed by
    # the URL outlived a database recreated under the same URL.
    return bytes.fromhex(json.loads(body)["key"])


def till_mobile_state(session: Session, mobile: str | None) -> dict[str, Any]:
    """What a till may keep of a mobile number."""
    if not mobile:
        return {"mobile_masked": None, "mobile_last4": None, "mobile_hash": None}
    return {"mobile_masked": mask_mobile(mobile), "mobile_last4": mobile[-4:],
            "mobile_hash": mobile_lookup_hash(mobile_key(session), mobile)}


def reduced_state(session: Session, member: dict[str, Any]) -> dict[str, Any]:
    """A member feed entry in the reduced form: no full mobile, no birth year, no gender."""
    out = {k: v for k, v in member.items() if k not in ("mobile", "gender")}
    out.update(till_mobile_state(session, member.get("mobile")))
    out["birthday"] = month_day_birthday(member.get("birthday"))
    clocks = out.get("field_clocks")
    if isinstance(clocks, dict):
        out["field_clocks"] = {k: v for k, v in clocks.items() if k not in ("mobile", "gender")}
    return out


class ProfileRefused(Exception):
    """The till user's role may not see a member's full profile."""


def member_profile(ho: HeadOffice, who: TillIdentity, member_id: str, user: str,
                   role: str) -> dict[str, Any] | None:
    """The full profile of one member for a manager at a till, audited; None if unknown."""
    from headoffice.console.auth import audit

    if role not in PROFILE_ROLES:
        def refuse(s: Session) -> None:
            audit(s, ho.clock(), None, f"till:{user}"[:40], "member.profile_refused",
                  member_id, None, {"till": f"{who.shop_code}/{who.till_code}",
                                    "till_id": who.till_id, "user": user, "role": role},
                  shop_id=who.shop_id)
        ho.transaction(refuse)
        raise ProfileRefused(role)

    def work(s: Session) -> dict[str, Any] | None:
        m = s.get(MemberRow, member_id)
        if m is None:
            return None
        account = s.get(MemberAccountRow, member_id)
        cards = [{"card_no": c.card_no, "status": c.status, "kind": c.kind}
                 for c in s.scalars(select(CardRow).where(CardRow.member_id == member_id)
                                    .order_by(CardRow.issued_at))]
        audit(s, ho.clock(), None, f"till:{user}"[:40], "member.profile_viewed", member_id,
              None, {"till": f"{who.shop_code}/{who.till_code}", "till_id": who.till_id,
                     "user": user, "role": role}, shop_id=who.shop_id)
        return {"id": m.id, "name": m.name, "mobile": m.mobile, "gender": m.gender,
                "birthday": m.birthday, "birthday_calendar": m.birthday_calendar,
                "consent_messages": m.consent_messages, "tier_code": m.tier_code,
                "created_at": m.created_at.isoformat(), "cards": cards,
                "balance_fen": (account.balance_paid_fen + account.balance_bonus_fen)
                if account else 0}
    return ho.transaction(work)


def till_keys(ho: HeadOffice) -> dict[str, str]:
    """The keys a till needs from head office beside its certificate."""
    with ho.sessions() as s:
        return {"mobile_lookup_key": mobile_key(s).hex()}

