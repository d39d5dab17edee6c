"""Promotions, coupon templates and coupons at head office (issue 16).

Promotions and coupon templates are head-office documents published on the existing
"promotions" feed (keys `promo:<id>`, `coupon_template:<id>`); every coupon's state (the
coupon and its ledger entries) is published there too (`coupon:<code>`), so a till learns of
coupons issued to its members, of redemptions elsewhere and of expiries with one pull. The
coupon ledger rules are the domain's (pos_app/domain/coupons.py): a redemption reaching head
office after another sale already redeemed the coupon is booked as `double_redeemed`,
flagged, and charged back as the rule set says.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from headoffice.feeds import emit, put_document
from headoffice.ledger import Booking, flag
from headoffice.models import (
    CouponEntryRow,
    CouponRow,
    CouponRunRow,
    DocumentRow,
    MemberRow,
    MemberTagRow,
    PointsEntryRow,
    ReceivableRow,
    SaleRow,
    ShopRow,
)
from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponTemplate,
    DoubleUsePolicy,
    book_redemption,
    chargeback_for,
    coupon_from_dict,
    coupon_state,
    coupon_to_dict,
    entry_from_dict,
    entry_to_dict,
    expiry_entries,
    issue_coupon,
    template_from_dict,
    template_to_dict,
)
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.packages import TopUpPackage, package_from_dict, package_to_dict
from pos_app.domain.points_expiry import PointsMove, expiry_due, expiry_policy_of
from pos_app.domain.promotions import Promotion, promotion_from_dict, promotion_to_dict
from pos_app.domain.rules import RuleSet, default_rule_set

STREAM = "promotions"


def _put(session: Session, key: str, body: Any, now: datetime) -> int:
    return put_document(session, STREAM, key, body, now)


def current_rules(session: Session) -> RuleSet:
    """The newest rule set head office published (the default rule set before any)."""
    best: tuple[int, RuleSet] | None = None
    for body in session.scalars(select(DocumentRow.body).where(DocumentRow.stream == "rule_sets")):
        try:
            rules = RuleSet.from_json(json.dumps(json.loads(body)["rules"]))
        except (KeyError, TypeError, ValueError):
            continue
        if best is None or rules.version > best[0]:
            best = (rules.version, rules)
    return best[1] if best else default_rule_set()


# -- promotions and templates --------------------------------------------------------------

def publish_promotion(session: Session, promotion: Promotion, now: datetime) -> int:
    promotion.validate()
    return _put(session, f"promo:{promotion.id}", {"promotion": promotion_to_dict(promotion)},
                now)


def withdraw_promotion(session: Session, promotion_id: str, now: datetime) -> None:
    p = find_promotion(session, promotion_id)
    if p is None:
        raise ValidationFailed("promotion", f"no promotion {promotion_id}")
    _put(session, f"promo:{promotion_id}",
         {"promotion": promotion_to_dict(p), "withdrawn": True}, now)


def find_promotion(session: Session, promotion_id: str) -> Promotion | None:
    row = session.get(DocumentRow, (STREAM, f"promo:{promotion_id}"))
    return promotion_from_dict(json.loads(row.body)["promotion"]) if row else None


def promotions(session: Session, include_withdrawn: bool = False) -> list[Promotion]:
    out = []
    for body in session.scalars(select(DocumentRow.body).where(
            DocumentRow.stream == STREAM, DocumentRow.key.like("promo:%"))
            .order_by(DocumentRow.key)):
        d = json.loads(body)
        if include_withdrawn or not d.get("withdrawn"):
            out.append(promotion_from_dict(d["promotion"]))
    return out


def publish_package(session: Session, package: TopUpPackage, now: datetime,
                    withdrawn: bool = False) -> int:
    """A top-up package (储值套餐) on the feed; tills sell what they pulled."""
    package.validate(current_rules(session))
    return _put(session, f"package:{package.id}",
                {"package": package_to_dict(package), "withdrawn": withdrawn}, now)


def packages(session: Session) -> list[TopUpPackage]:
    out = []
    for body in session.scalars(select(DocumentRow.body).where(
            DocumentRow.stream == STREAM, DocumentRow.key.like("package:%"))
            .order_by(DocumentRow.key)):
        d = json.loads(body)
        if not d.get("withdrawn"):
            out.append(package_from_dict(d["package"]))
    return out


def publish_template(session: Session, template: CouponTemplate, now: datetime) -> int:
    template.validate()
    return _put(session, f"coupon_template:{template.id}",
                {"coupon_template": template_to_dict(template)}, now)


def find_template(session: Session, template_id: str) -> CouponTemplate | None:
    row = session.get(DocumentRow, (STREAM, f"coupon_template:{template_id}"))
    return template_from_dict(json.loads(row.body)["coupon_template"]) if row else None


def templates(session: Session) -> list[CouponTemplate]:
    return [template_from_dict(json.loads(b)["coupon_template"])
            for b in session.scalars(select(DocumentRow.body).where(
                DocumentRow.stream == STREAM, DocumentRow.key.like("coupon_template:%"))
                .order_by(DocumentRow.key))]


# -- coupons --------------------------------------------------------------------------------

def _entries(session: Session, code: str) -> list[CouponEntry]:
    return [CouponEntry(r.code, CouponEntryKind(r.kind), r.at, r.shop, r.sale_id, r.value_fen,
                        r.note)
            for r in session.scalars(select(CouponEntryRow).where(CouponEntryRow.code == code)
                                     .order_by(CouponEntryRow.booked_at, CouponEntryRow.id))]


def _coupon(row: CouponRow) -> Coupon:
    return Coupon(row.code, row.template_id, row.template_version, row.member_id, row.issued_at,
                  row.valid_from, row.valid_until, row.source)


def publish_coupon(session: Session, code: str, now: datetime) -> None:
    """The coupon and its whole ledger on the feed (a till replaces what it knew)."""
    row = session.get(CouponRow, code)
    if row is None:
        return
    _put(session, f"coupon:{code}", {"coupon": coupon_to_dict(_coupon(row)),
                                     "entries": [entry_to_dict(e)
                                                 for e in _entries(session, code)]}, now)


def _add_entry(session: Session, entry_id: str, e: CouponEntry, event_id: str | None,
               now: datetime) -> bool:
    if session.get(CouponEntryRow, entry_id) is not None:
        return False
    session.add(CouponEntryRow(id=entry_id, code=e.code, kind=e.kind.value, at=e.at,
                               shop=e.shop, sale_id=e.sale_id, value_fen=e.value_fen,
                               note=e.note[:200], event_id=event_id, booked_at=now))
    session.flush()
    return True


def add_coupon(session: Session, c: Coupon, now: datetime, event_id: str | None = None) -> bool:
    if session.get(CouponRow, c.code) is not None:
        return False
    session.add(CouponRow(code=c.code, template_id=c.template_id,
                          template_version=c.template_version, member_id=c.member_id,
                          issued_at=c.issued_at, valid_from=c.valid_from,
                          valid_until=c.valid_until, source=c.source))
    session.flush()
    _add_entry(session, f"issued:{c.code}", CouponEntry(c.code, CouponEntryKind.ISSUED,
                                                        c.issued_at), event_id, now)
    return True


# -- member tags (标签) ----------------------------------------------------------------------

MAX_TAGS = 20
TAG_LENGTH = 32


def parse_tags(text: str) -> list[str]:
    """Tags as typed: separated by commas (, or ，), semicolons or spaces; each kept once, in
    the order given. ValidationFailed('tags') for a tag over 32 characters or over 20 tags."""
    out: list[str] = []
    for raw in text.replace("，", ",").replace(";", ",").replace("；", ",").replace(
            "、", ",").split(","):
        for tag in raw.split():
            if len(tag) > TAG_LENGTH:
                raise ValidationFailed("tags", f"a tag has at most {TAG_LENGTH} characters")
            if tag not in out:
                out.append(tag)
    if len(out) > MAX_TAGS:
        raise ValidationFailed("tags", f"at most {MAX_TAGS} tags")
    return out


def member_tags(session: Session, member_id: str) -> list[str]:
    return list(session.scalars(select(MemberTagRow.tag).where(
        MemberTagRow.member_id == member_id).order_by(MemberTagRow.tag)))


def set_member_tags(session: Session, member_id: str, tags: Iterable[str],
                    now: datetime) -> tuple[list[str], list[str]]:
    """Replace a member's tags; returns (before, after)."""
    if session.get(MemberRow, member_id) is None:
        raise ValidationFailed("member", f"no member {member_id}")
    before = member_tags(session, member_id)
    wanted = list(dict.fromkeys(tags))
    for row in session.scalars(select(MemberTagRow).where(MemberTagRow.member_id == member_id)):
        if row.tag not in wanted:
            session.delete(row)
    for tag in wanted:
        if tag not in before:
            session.add(MemberTagRow(member_id=member_id, tag=tag, created_at=now))
    session.flush()
    return before, sorted(wanted)


def merge_member_tags(session: Session, keep_id: str, other_id: str, now: datetime) -> None:
    """A merged record's tags go to the member it was folded into."""
    mine = member_tags(session, keep_id)
    theirs = member_tags(session, other_id)
    set_member_tags(session, keep_id, [*mine, *theirs], now)
    set_member_tags(session, other_id, [], now)


def forget_member_tags(session: Session, member_id: str) -> None:
    """PIPL erasure: a member's tags go with the rest of their data."""
    session.execute(delete(MemberTagRow).where(MemberTagRow.member_id == member_id))
    session.flush()


def all_tags(session: Session) -> list[tuple[str, int]]:
    """Every tag in use with how many members carry it (the issue run form's hint)."""
    return [(t, int(n)) for t, n in session.execute(
        select(MemberTagRow.tag, func.count()).group_by(MemberTagRow.tag)
        .order_by(MemberTagRow.tag))]


@dataclass(frozen=True)
class MemberFilter:
    """Who an issue run reaches: every condition given must hold (a member with any of the
    tags given meets the tag condition)."""

    tiers: frozenset[str] = frozenset()
    birthday_month: int | None = None
    last_purchase_before: date | None = None
    member_ids: frozenset[str] = frozenset()    # an explicit list
    tags: frozenset[str] = frozenset()

    @staticmethod
    def from_dict(d: Mapping[str, Any]) -> MemberFilter:
        month = d.get("birthday_month")
        before = d.get("last_purchase_before")
        f = MemberFilter(frozenset(map(str, d.get("tiers") or ())),
                         int(month) if month not in (None, "") else None,
                         date.fromisoformat(before) if before else None,
                         frozenset(map(str, d.get("member_ids") or ())),
                         frozenset(map(str, d.get("tags") or ())))
        if f.birthday_month is not None and not 1 <= f.birthday_month <= 12:
            raise ValidationFailed("birthday_month", "a month from 1 to 12")
        return f

    def to_dict(self) -> dict[str, Any]:
        return {"tiers": sorted(self.tiers), "birthday_month": self.birthday_month,
                "last_purchase_before": self.last_purchase_before.isoformat()
                if self.last_purchase_before else None, "member_ids": sorted(self.member_ids),
                "tags": sorted(self.tags)}


def select_members(session: Session, f: MemberFilter) -> list[str]:
    q = select(MemberRow.id).where(MemberRow.stub.is_(False))
    if f.tiers:
        q = q.where(MemberRow.tier_code.in_(f.tiers))
    if f.member_ids:
        q = q.where(MemberRow.id.in_(f.member_ids))
    if f.tags:
        q = q.where(MemberRow.id.in_(select(MemberTagRow.member_id)
                                     .where(MemberTagRow.tag.in_(f.tags))))
    if f.birthday_month is not None:
        # birthday is 'YYYY-MM-DD' or 'MM-DD'; the month is the second-to-last part
        q = q.where(func.substr(MemberRow.birthday, func.length(MemberRow.birthday) - 4, 2)
                    == f"{f.birthday_month:02d}")
    if f.last_purchase_before is not None:
        last = (select(SaleRow.member_id, func.max(SaleRow.booked_at).label("last"))
                .where(SaleRow.member_id.is_not(None)).group_by(SaleRow.member_id).subquery())
        q = q.outerjoin(last, last.c.member_id == MemberRow.id).where(
            (last.c.last.is_(None)) | (last.c.last < datetime.combine(
                f.last_purchase_before, datetime.min.time())))
    return list(session.scalars(q.order_by(MemberRow.id)))


def issue_run(session: Session, ids: UuidV7Source, template_id: str, f: MemberFilter,
              now: datetime) -> tuple[str, int]:
    """Issue one coupon of a template to every member the filter selects (per-member limits
    respected); every coupon goes out on the feed."""
    template = find_template(session, template_id)
    if template is None:
        raise ValidationFailed("template", f"no coupon template {template_id}")
    run_id = ids.new_id()
    held = dict(session.execute(select(CouponRow.member_id, func.count())
                                .where(CouponRow.template_id == template_id)
                                .group_by(CouponRow.member_id)).all())
    n = 0
    for member_id in select_members(session, f):
        have = int(held.get(member_id, 0))
        if template.per_member_limit is not None and have >= template.per_member_limit:
            continue
        c = issue_coupon(template, ids.new_id(), member_id, now, f"run:{run_id}", have)
        add_coupon(session, c, now)
        publish_coupon(session, c.code, now)
        n += 1
    session.add(CouponRunRow(id=run_id, template_id=template_id,
                             member_filter=json.dumps(f.to_dict(), sort_keys=True), issued=n,
                             at=now))
    session.flush()
    return run_id, n


def _shop_code(session: Session, shop_id: str | None) -> str:
    if shop_id is None:
        return ""
    return session.scalar(select(ShopRow.code).where(ShopRow.id == shop_id)) or ""


def book_sale_coupons(session: Session, b: Booking, payload: Mapping[str, Any],
                      member_id: str | None) -> list[str]:
    """The coupons a till's sale (or return) redeemed, gave back or issued; returns flags."""
    entries = payload.get("coupon_entries") or []
    issued = payload.get("coupons_issued") or []
    if not entries and not issued:
        return []
    now = b.at
    shop = _shop_code(session, b.shop_id)   # never the shop a payload names
    rules = current_rules(session)
    flags: list[str] = []
    touched: set[str] = set()
    for d in issued:
        c = coupon_from_dict(d)
        add_coupon(session, c, now, b.event_id)
        touched.add(c.code)
    for d in entries:
        e = entry_from_dict(d)
        e = CouponEntry(e.code, e.kind, e.at, shop, e.sale_id, e.value_fen, e.note)
        if session.get(CouponRow, e.code) is None:
            flag(session, "unknown_coupon", b, member_id=member_id, code=e.code,
                 sale_id=e.sale_id)
            flags.append("unknown_coupon")
            continue
        if e.kind is CouponEntryKind.REDEEMED:
            e = book_redemption(_entries(session, e.code), e)
        if not _add_entry(session, f"{e.kind.value}:{e.code}:{e.sale_id}", e, b.event_id, now):
            continue
        touched.add(e.code)
        if e.kind is CouponEntryKind.DOUBLE_REDEEMED:
            back = chargeback_for(e, rules.coupon_double_use)
            flag(session, "coupon_double_use", b, member_id=member_id, code=e.code,
                 sale_id=e.sale_id, value_fen=e.value_fen, charged_to=back.charged_to.value,
                 first=e.note)
            flags.append("coupon_double_use")
            if back.charged_to is DoubleUsePolicy.CHARGE_MEMBER and member_id is not None:
                session.add(ReceivableRow(member_id=member_id, shop_id=b.shop_id,
                                          event_id=b.event_id or "", amount_fen=e.value_fen,
                                          created_at=now))
    for code in sorted(touched):
        publish_coupon(session, code, now)
    return flags


def coupon_history(session: Session, code: str) -> tuple[Coupon | None, list[CouponEntry]]:
    row = session.get(CouponRow, code)
    return (_coupon(row) if row else None), _entries(session, code)


# -- daily jobs -----------------------------------------------------------------------------

def expire_coupons(session: Session, now: datetime) -> int:
    """Every coupon past its window still available gets its EXPIRED entry (idempotent)."""
    rows = list(session.scalars(select(CouponRow).where(CouponRow.valid_until.is_not(None),
                                                        CouponRow.valid_until <= now)))
    n = 0
    for row in rows:
        c = _coupon(row)
        for e in expiry_entries([(c, coupon_state(c.code, _entries(session, c.code)))], now):
            if _add_entry(session, f"expired:{c.code}", e, None, now):
                publish_coupon(session, c.code, now)
                n += 1
    return n


def points_moves(session: Session, member_id: str) -> list[PointsMove]:
    return [PointsMove(at, n, kind == "expiry") for at, n, kind in session.execute(
        select(PointsEntryRow.booked_at, PointsEntryRow.spendable_delta, PointsEntryRow.kind)
        .where(PointsEntryRow.member_id == member_id, PointsEntryRow.spendable_delta != 0)
        .order_by(PointsEntryRow.booked_at, PointsEntryRow.id))]


def members_with_points(session: Session) -> Iterable[str]:
    return session.scalars(select(PointsEntryRow.member_id).distinct()
                           .order_by(PointsEntryRow.member_id))


def expire_points(session: Session, ids: UuidV7Source, today: date, now: datetime,
                  rules: RuleSet | None = None) -> dict[str, int]:
    """The daily points-expiry job at head office: for every member, the points of lots past
    their last day, one entry per member and day, keyed `expiry:<member>:<day>` so a second
    run (or the till's own run of the same function) books nothing new. Returns
    {member_id: points expired} for this run."""
    from headoffice.ledger import Ledger
    rules = rules or current_rules(session)
    policy = expiry_policy_of(rules)
    if policy.mode.value == "never":
        return {}
    done: dict[str, int] = {}
    lg = Ledger(session, ids)
    for member_id in list(members_with_points(session)):
        for due in expiry_due(points_moves(session, member_id), policy, today):
            key = due.key(member_id)
            if session.scalar(select(func.count()).select_from(PointsEntryRow)
                              .where(PointsEntryRow.event_id == key)):
                continue
            lg.preload({member_id}, set(), set())
            lg.points(Booking(None, None, key, now), member_id, "expiry", -due.points, 0)
            done[member_id] = done.get(member_id, 0) + due.points
        lg.flush()
    if done:
        emit(session, "balances", set(done))
    return done
