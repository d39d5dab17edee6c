"""Member use cases of the console: search, the member's page, profile edits (merged with
till edits by the field clocks), 挂失/解挂 from head office, merging two records of one
person, and PIPL export / erase. HTTP-free; pages/members.py calls these."""
from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, literal, select, union_all, update
from sqlalchemy.orm import Session

from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.figures import reindex
from headoffice.console.models import (
    MemberMergeRow,
    MemberSearchRow,
    PrivacyRequestRow,
    TierChangeRow,
)
from headoffice import passes
from headoffice.feeds import emit
from headoffice.ingest import MEMBER_FIELDS, apply_card_event, apply_member_update, new_changed
from headoffice.ledger import Booking, Ledger
from headoffice.promotions import forget_member_tags, merge_member_tags
from headoffice.models import (
    MemberPassRow,
    CardRow,
    InboxRow,
    MemberAccountRow,
    MemberDataRequestRow,
    MemberRow,
    PointsEntryRow,
    SaleRow,
    ShopRow,
    StoredValueEntryRow,
)
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.member import normalise_mobile
from pos_app.sync.events import hlc_pack

SEARCH_LIMIT = 50
ERASED_NAME = "已删除会员"
# Fields erased for PIPL win against any later till edit of them.
ERASED_STAMP = ["~erased", "~hq"]


def mask_mobile(mobile: str | None) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile and len(mobile) >= 7 else (mobile or "")


def search(s: Session, q: str) -> list[dict[str, Any]]:
    """Card number, mobile (full or last 4), name (prefix) or pinyin / initials (prefix)."""
    q = q.strip()
    if not q:
        return []
    # Each lookup the query can mean is one branch, limited on its own index; the first
    # SEARCH_LIMIT members they find, in branch order, are joined to their shop, merge and
    # cards in the same statement: one round trip (it was five, and on a busy server each
    # round trip, not the lookups, was the search's cost).
    branches: list[Any] = []
    if q.isdigit():
        branches.append(select(CardRow.member_id.label("member_id"))
                        .where(CardRow.card_no == q))
        if len(q) == 11:
            branches.append(select(MemberRow.id.label("member_id"))
                            .where(MemberRow.mobile == q).limit(SEARCH_LIMIT))
        elif len(q) == 4:
            branches.append(select(MemberSearchRow.member_id.label("member_id"))
                            .where(MemberSearchRow.mobile_last4 == q).limit(SEARCH_LIMIT))
    else:
        # No ORDER BY: a common surname matches tens of thousands of members and sorting them
        # is the whole cost; each lookup walks its prefix index and stops at the limit.
        col_sets = ([MemberSearchRow.pinyin, MemberSearchRow.initials]
                    if re.fullmatch(r"[a-z]+", q.lower()) else [MemberSearchRow.name])
        like = _prefix(q.lower() if len(col_sets) == 2 else q)
        for col in col_sets:
            branches.append(select(MemberSearchRow.member_id.label("member_id"))
                            .where(col.like(like, escape="\\")).limit(SEARCH_LIMIT))
    found = union_all(*(
        select(b.subquery().c.member_id, literal(rank).label("rank"))
        for rank, b in enumerate(branches))).subquery("found")
    first = (select(found.c.member_id, func.min(found.c.rank).label("rank"))
             .group_by(found.c.member_id).order_by(func.min(found.c.rank), found.c.member_id)
             .limit(SEARCH_LIMIT).subquery("first"))
    rows = s.execute(
        select(MemberRow.id, MemberRow.name, MemberRow.mobile, MemberRow.tier_code,
               ShopRow.code, MemberMergeRow.member_id.label("merged"), CardRow.card_no,
               CardRow.status, first.c.rank)
        .join(first, first.c.member_id == MemberRow.id)
        .outerjoin(ShopRow, ShopRow.id == MemberRow.home_shop_id)
        .outerjoin(MemberMergeRow, MemberMergeRow.member_id == MemberRow.id)
        .outerjoin(CardRow, CardRow.member_id == MemberRow.id)
        .order_by(first.c.rank, MemberRow.id, CardRow.issued_at, CardRow.card_no)).all()
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        hit = out.get(r.id)
        if hit is None:
            hit = out[r.id] = {"id": r.id, "name": r.name, "mobile": mask_mobile(r.mobile),
                               "tier": r.tier_code, "shop": r.code or "", "cards": [],
                               "merged": r.merged is not None}
        if r.card_no is not None:
            hit["cards"].append((r.card_no, r.status))
    return list(out.values())


def _prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def get_member(s: Session, member_id: str) -> MemberRow:
    m = s.get(MemberRow, member_id)
    if m is None:
        raise KeyError(member_id)
    return m


def detail(s: Session, member_id: str, today: date | None = None) -> dict[str, Any]:
    """Everything the member's page shows (`today`: the business day, for pass expiry)."""
    m = get_member(s, member_id)
    acct = s.get(MemberAccountRow, member_id)
    shops = {r.id: r.code for r in s.scalars(select(ShopRow))}
    cards = s.scalars(select(CardRow).where(CardRow.member_id == member_id)
                      .order_by(CardRow.issued_at)).all()
    points, running = [], 0
    for e in s.scalars(select(PointsEntryRow).where(PointsEntryRow.member_id == member_id)
                       .order_by(PointsEntryRow.booked_at, PointsEntryRow.id)):
        running += e.spendable_delta
        points.append({"at": e.booked_at, "shop": shops.get(e.shop_id, "HQ"), "kind": e.kind,
                       "delta": e.spendable_delta, "accumulated": e.accumulated_delta,
                       "balance": running, "flagged": e.flagged})
    sv, bal = [], 0
    for e in s.scalars(select(StoredValueEntryRow)
                       .where(StoredValueEntryRow.member_id == member_id)
                       .order_by(StoredValueEntryRow.booked_at, StoredValueEntryRow.id)):
        bal += e.paid_delta_fen + e.bonus_delta_fen
        sv.append({"at": e.booked_at, "shop": shops.get(e.shop_id, "HQ"), "kind": e.kind,
                   "paid": e.paid_delta_fen, "bonus": e.bonus_delta_fen, "balance": bal,
                   "offline": e.offline, "flagged": e.flagged})
    visits = [{"shop": shops.get(shop_id, "?"), "count": int(n), "total_fen": int(t or 0),
               "last": last}
              for shop_id, n, t, last in s.execute(
                  select(SaleRow.shop_id, func.count(), func.sum(SaleRow.paid_fen),
                         func.max(SaleRow.booked_at))
                  .where(SaleRow.member_id == member_id, SaleRow.kind == "sale")
                  .group_by(SaleRow.shop_id))]
    merged_into = s.get(MemberMergeRow, member_id)
    merged_from = s.scalars(select(MemberMergeRow.member_id)
                            .where(MemberMergeRow.into_id == member_id)).all()
    same_mobile = s.scalars(select(MemberRow.id).where(
        MemberRow.mobile == m.mobile, MemberRow.id != member_id)).all() if m.mobile else []
    requests = requests_of(s, member_id)
    # Newest first; an opening row filled in later (migration 0014, `pos-hq backfill`) has a
    # higher id than the changes after it, so the date orders, and the opening row goes last.
    tiers = s.scalars(select(TierChangeRow).where(TierChangeRow.member_id == member_id)
                      .order_by(TierChangeRow.at.desc(), TierChangeRow.from_tier.is_(None),
                                TierChangeRow.id.desc()).limit(50)).all()
    return {"m": m, "acct": acct, "home_shop": shops.get(m.home_shop_id, ""), "cards": cards,
            "points": points[-200:][::-1], "sv": sv[-200:][::-1], "visits": visits,
            "merged_into": merged_into.into_id if merged_into else None,
            "merged_from": merged_from, "same_mobile": same_mobile, "requests": requests,
            "tier_history": tiers,
            "passes": passes.member_view(s, member_id, today or date.min),
            "erased": json.loads(m.field_clocks or "{}").get("name") == ERASED_STAMP}


def _profile(m: MemberRow) -> dict[str, Any]:
    return {f: getattr(m, f) for f in MEMBER_FIELDS}


def validate_profile(form: dict[str, str], tiers: list[str]) -> dict[str, Any]:
    """The edit form's values, checked; BadUserInput names the first wrong field."""
    name = form.get("name", "").strip()
    if not name or len(name) > 60:
        raise BadUserInput("name", "Enter a name of 1 to 60 characters.")
    mobile_text = form.get("mobile", "").strip()
    mobile = None
    if mobile_text:
        try:
            mobile = normalise_mobile(mobile_text)
        except ValidationFailed:
            raise BadUserInput("mobile", "A mobile number has 11 digits and starts with 13-19.") from None
    gender = form.get("gender", "")
    if gender not in ("", "F", "M"):
        raise BadUserInput("gender", "Choose a gender from the list.")
    birthday = form.get("birthday", "").strip() or None
    calendar = form.get("birthday_calendar", "solar")
    if calendar not in ("solar", "lunar"):
        raise BadUserInput("birthday_calendar", "Choose solar or lunar.")
    if birthday:
        try:
            if calendar == "solar":
                date.fromisoformat(birthday)
            elif not re.fullmatch(r"(\d{4}-)?\d{2}-\d{2}", birthday):
                raise ValueError
        except ValueError:
            raise BadUserInput("birthday", "Write the birthday as YYYY-MM-DD.") from None
    tier = form.get("tier_code", "")
    if tier not in tiers:
        raise BadUserInput("tier_code", "Choose a tier from the list.")
    return {"name": name, "mobile": mobile, "gender": gender, "birthday": birthday,
            "birthday_calendar": calendar, "consent_messages": form.get("consent_messages") == "on",
            "tier_code": tier}


def hq_stamp(now: datetime) -> str:
    return hlc_pack(int(now.replace(tzinfo=UTC).timestamp() * 1000), 0)


def edit_profile(s: Session, lg: Ledger, now: datetime, who: Who, member_id: str,
                 values: dict[str, Any]) -> list[str]:
    """Apply head office's edit as a member.updated with head office's clock: a till edit
    stamped later still wins, field by field, as with any two tills."""
    m = s.execute(select(MemberRow).where(MemberRow.id == member_id).with_for_update()
                  ).scalar_one()
    before = _profile(m)
    fields = {k: v for k, v in values.items() if before.get(k) != v}
    if not fields:
        return []
    changed = new_changed()
    result = apply_member_update(s, lg, Booking(None, None, None, now), "member.updated",
                                 {"member_id": member_id, "fields": fields,
                                  "hlc": hq_stamp(now)}, changed)
    audit(s, now, who, None, "member.edited", member_id,
          {k: before[k] for k in fields}, {k: fields[k] for k in result["taken"]})
    for stream, keys in changed.items():
        emit(s, stream, keys)
    return result["taken"]


def set_card(s: Session, now: datetime, who: Who, member_id: str, card_no: str,
             action: str) -> str:
    """挂失 (lost) or 解挂 (unblock) one card of this member; tills get it on the next pull."""
    card = s.execute(select(CardRow).where(CardRow.card_no == card_no).with_for_update()
                     ).scalar_one_or_none()
    if card is None or card.member_id != member_id:
        raise BadUserInput("card", "This card does not belong to this member.")
    if action == "block" and card.status != "active":
        raise BadUserInput("card", "Only an active card can be reported lost.")
    if action == "unblock" and card.status != "lost":
        raise BadUserInput("card", "Only a card reported lost can be unblocked.")
    before = {"status": card.status, "status_version": card.status_version}
    changed = new_changed()
    lg = Ledger(s, _Ids())
    apply_card_event(s, lg, Booking(None, None, None, now),
                     "card.lost" if action == "block" else "card.unblocked",
                     {"card_no": card_no}, changed)
    lg.flush()
    audit(s, now, who, None, "card.lost" if action == "block" else "card.unblocked", card_no,
          before, {"status": card.status, "status_version": card.status_version})
    for stream, keys in changed.items():
        emit(s, stream, keys)
    return card.status


class _Ids:
    """Card events book nothing, so their Ledger never needs ids."""

    def new_id(self) -> str:  # pragma: no cover - never called for card.lost / unblocked
        raise AssertionError("no ledger entry expected")


def resolve_member(s: Session, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if s.get(MemberRow, text) is not None:
        return text
    return s.scalar(select(CardRow.member_id).where(CardRow.card_no == text))


def merge(s: Session, lg: Ledger, now: datetime, who: Who, keep_id: str, other_text: str) -> str:
    """Fold `other` into `keep`: its cards, stored value (paid-in and bonus apart) and points
    move over by ledger entries; `other` is kept, marked merged, without a mobile."""
    other_id = resolve_member(s, other_text)
    if other_id is None:
        raise BadUserInput("other", "No member has this id or card number.")
    if other_id == keep_id:
        raise BadUserInput("other", "A member cannot be merged into itself.")
    for mid in (keep_id, other_id):
        if s.get(MemberMergeRow, mid) is not None:
            raise BadUserInput("other", "One of the two records was already merged.")
    lg.preload({keep_id, other_id}, set(), set())
    keep = s.get(MemberRow, keep_id)
    other = s.get(MemberRow, other_id)
    paid, bonus, pts, acc, _r = lg.accounts[other_id]
    b = Booking(None, None, None, now)
    if paid or bonus:
        lg.stored_value(b, other_id, "merge_out", -paid, -bonus)
        lg.stored_value(b, keep_id, "merge_in", paid, bonus)
    if pts or acc:
        lg.points(b, other_id, "merge_out", -pts, -acc)
        lg.points(b, keep_id, "merge_in", pts, acc)
    cards = s.scalars(select(CardRow.card_no).where(CardRow.member_id == other_id)).all()
    s.execute(update(CardRow).where(CardRow.member_id == other_id).values(member_id=keep_id))
    s.execute(update(MemberPassRow).where(MemberPassRow.member_id == other_id)
              .values(member_id=keep_id))
    before = {"other": {"id": other_id, **_profile(other)}, "cards": list(cards),
              "stored_value_fen": [paid, bonus], "points": [pts, acc]}
    other_mobile = other.mobile
    other.mobile = None
    clocks = json.loads(other.field_clocks or "{}")
    clocks["mobile"] = ERASED_STAMP
    other.field_clocks = json.dumps(clocks, sort_keys=True)
    other.updated_at = now
    if not keep.mobile and other_mobile:
        keep.mobile = other_mobile
    merge_member_tags(s, keep_id, other_id, now)
    s.add(MemberMergeRow(member_id=other_id, into_id=keep_id, at=now, by=who.username))
    changed_members = lg.flush()
    s.flush()
    audit(s, now, who, None, "member.merged", keep_id, before,
          {"into": keep_id, "cards": list(cards)})
    emit(s, "members", {keep_id, other_id})
    emit(s, "balances", changed_members | {keep_id, other_id})
    emit(s, "cards", set(cards))
    emit(s, "card_status", set(cards))
    return other_id


def export(s: Session, now: datetime, who: Who, member_id: str) -> dict[str, Any]:
    """Everything head office holds about one member, for a PIPL access request."""
    m = get_member(s, member_id)
    d = detail(s, member_id)
    acct = d["acct"]
    doc = {"exported_at": now.isoformat(), "member": {"id": m.id, **_profile(m),
                                                      "created_at": m.created_at.isoformat()},
           "cards": [{"card_no": c.card_no, "kind": c.kind, "status": c.status,
                      "issued_at": c.issued_at.isoformat(),
                      "expires_on": c.expires_on.isoformat() if c.expires_on else None}
                     for c in d["cards"]],
           "account": {"balance_paid_fen": acct.balance_paid_fen if acct else 0,
                       "balance_bonus_fen": acct.balance_bonus_fen if acct else 0,
                       "spendable_points": acct.spendable_points if acct else 0,
                       "accumulated_points": acct.accumulated_points if acct else 0},
           "points_entries": [{**e, "at": e["at"].isoformat()} for e in d["points"]],
           "stored_value_entries": [{**e, "at": e["at"].isoformat()} for e in d["sv"]],
           "passes": [{**p, "expires_on": p["expires_on"].isoformat() if p["expires_on"]
                       else None, "sold_at": p["sold_at"].isoformat()} for p in d["passes"]],
           "purchases": [{"sale_id": r.id, "shop_id": r.shop_id, "kind": r.kind,
                          "total_fen": r.paid_fen, "at": r.booked_at.isoformat()}
                         for r in s.scalars(select(SaleRow).where(SaleRow.member_id == member_id)
                                            .order_by(SaleRow.booked_at))]}
    _close_requests(s, now, who, member_id, "export")
    audit(s, now, who, None, "member.exported", member_id, None, {"lines": len(doc["purchases"])})
    return doc


def erase(s: Session, lg: Ledger, now: datetime, who: Who, member_id: str) -> None:
    """PIPL erasure: refused while money is owed either way; then the person's data goes,
    the ledgers stay (amounts, dates, shops) and every card is cancelled."""
    m = s.execute(select(MemberRow).where(MemberRow.id == member_id).with_for_update()
                  ).scalar_one()
    lg.preload({member_id}, set(), set())
    paid, bonus, pts, _acc, receivable = lg.accounts[member_id]
    if paid or bonus:
        raise BadUserInput("erase", "Settle the stored-value balance first (refund it at a till): "
                           "a member with money on the card cannot be erased.")
    if receivable:
        raise BadUserInput("erase", "The member still owes money (a receivable): recover it first.")
    before = _profile(m)
    b = Booking(None, None, None, now)
    if pts:
        lg.points(b, member_id, "forfeit", -pts, 0)
    changed = new_changed()
    for card in s.scalars(select(CardRow.card_no).where(CardRow.member_id == member_id)).all():
        apply_card_event(s, lg, b, "card.cancelled", {"card_no": card}, changed)
    forget_member_tags(s, member_id)
    m.name, m.mobile, m.gender, m.birthday = ERASED_NAME, None, "", None
    m.consent_messages, m.referrer_id = False, None
    m.field_clocks = json.dumps({f: ERASED_STAMP for f in MEMBER_FIELDS}, sort_keys=True)
    m.updated_at = now
    s.flush()
    # The person's data in sale documents and the events tills sent about them.
    for sale in s.scalars(select(SaleRow).where(SaleRow.member_id == member_id)):
        body = json.loads(sale.body)
        if isinstance(body.get("member"), dict):
            for k in ("name", "mobile", "birthday"):
                body["member"].pop(k, None)
            sale.body = json.dumps(body, ensure_ascii=False, sort_keys=True)
    for ev in s.scalars(select(InboxRow).where(
            InboxRow.kind.in_(("member.registered", "member.updated")),
            InboxRow.payload.like(f"%{member_id}%"))):
        ev.payload = json.dumps({"erased": True, "member_id": member_id})
    s.execute(MemberSearchRow.__table__.delete().where(
        MemberSearchRow.__table__.c.member_id == member_id))
    lg.flush()
    _close_requests(s, now, who, member_id, "erase")
    audit(s, now, who, None, "member.erased", member_id, before, {"name": ERASED_NAME})
    for stream, keys in changed.items():
        emit(s, stream, keys)
    emit(s, "members", {member_id})
    emit(s, "balances", {member_id})


def requests_of(s: Session, member_id: str | None = None, limit: int = 500
                ) -> list[dict[str, Any]]:
    """PIPL requests: members' own (member page, `member_data_requests`) and head office's."""
    out = []
    q1 = select(PrivacyRequestRow)
    q2 = select(MemberDataRequestRow)
    if member_id:
        q1 = q1.where(PrivacyRequestRow.member_id == member_id)
        q2 = q2.where(MemberDataRequestRow.member_id == member_id)
    for r in s.scalars(q1.order_by(PrivacyRequestRow.created_at.desc()).limit(limit)):
        out.append({"member_id": r.member_id, "kind": r.kind, "source": r.source,
                    "status": r.status, "created_at": r.created_at, "done_at": r.done_at,
                    "done_by": r.done_by})
    for r in s.scalars(q2.order_by(MemberDataRequestRow.requested_at.desc()).limit(limit)):
        out.append({"member_id": r.member_id, "kind": r.kind, "source": "member",
                    "status": r.status, "created_at": r.requested_at, "done_at": r.handled_at,
                    "done_by": r.handled_by})
    return sorted(out, key=lambda r: (r["status"] != "open", -r["created_at"].timestamp()))


def _close_requests(s: Session, now: datetime, who: Who, member_id: str, kind: str) -> None:
    open_rows = s.scalars(select(PrivacyRequestRow).where(
        PrivacyRequestRow.member_id == member_id, PrivacyRequestRow.kind == kind,
        PrivacyRequestRow.status == "open")).all()
    for r in open_rows:
        r.status, r.done_at, r.done_by = "done", now, who.username
    members_own = s.scalars(select(MemberDataRequestRow).where(
        MemberDataRequestRow.member_id == member_id, MemberDataRequestRow.kind == kind,
        MemberDataRequestRow.status == "open")).all()
    for m in members_own:
        m.status, m.handled_at, m.handled_by = "done", now, who.username
    if not open_rows and not members_own:
        s.add(PrivacyRequestRow(id=str(uuid.uuid4()),
                                member_id=member_id, kind=kind, source="head_office",
                                status="done", detail="", created_at=now, done_at=now,
                                done_by=who.username))


def reindex_all(s: Session) -> int:
    """Rebuild the search rows of every member (after a bulk load outside ingest)."""
    ids = set(s.scalars(select(MemberRow.id)))
    reindex(s, ids)
    return len(ids)
