"""Head office's own data: member import, documents (catalog, prices, settings...), card
status changed at head office, promotions and coupons, the daily jobs, and the reports the
CLI prints (flags, receivables, one account)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice import feeds, passes, promotions
from headoffice.console import figures
from headoffice.errors import UnknownStream
from headoffice.feeds import DOCUMENT_STREAMS, emit
from headoffice.ingest import apply_card_event, new_changed
from headoffice.ledger import Booking, Ledger
from headoffice.models import (
    CardRow,
    FlagRow,
    MemberAccountRow,
    MemberRow,
    ReceivableRow,
    ShopRow,
)
from pos_app.domain.coupons import Coupon, CouponEntry, CouponTemplate
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.promotions import Promotion

if TYPE_CHECKING:
    from headoffice.service import HeadOffice


def import_members(ho: HeadOffice, rows: Iterable[dict[str, Any]],
                   shop_code: str | None = None) -> int:
    """Members with cards and opening balances (paid_fen, bonus_fen, points)."""
    def work(s: Session) -> int:
        now = ho.clock()
        shop_id = None
        if shop_code:
            shop_id = s.execute(select(ShopRow.id).where(ShopRow.code == shop_code)).scalar()
        b = Booking(shop_id, None, None, now)
        lg = Ledger(s, ho.ids)
        n = 0
        members, cards, balances = set(), set(), set()
        for r in rows:
            member_id = r.get("id") or ho.ids.new_id()
            figures.mark_imported(s, member_id)
            s.add(MemberRow(id=member_id, name=r["name"], mobile=r.get("mobile"),
                            gender=r.get("gender", ""), birthday=r.get("birthday"),
                            birthday_calendar=r.get("birthday_calendar", "solar"),
                            consent_messages=bool(r.get("consent_messages", False)),
                            tier_code=r.get("tier_code", "regular"), referrer_id=None,
                            field_clocks="{}", home_shop_id=shop_id, stub=False,
                            created_at=now, updated_at=now))
            s.flush()
            lg.open_account(member_id)
            if r.get("card_no"):
                s.add(CardRow(card_no=r["card_no"], member_id=member_id,
                              kind=r.get("card_kind", "magstripe"),
                              status=r.get("card_status", "active"), status_version=1,
                              generation=1, expires_on=r.get("expires_on"), status_at=now,
                              status_shop_id=shop_id, replaced_by=None, issued_at=now))
                cards.add(r["card_no"])
            paid, bonus = int(r.get("paid_fen", 0)), int(r.get("bonus_fen", 0))
            if paid or bonus:
                lg.stored_value(b, member_id, "opening", paid, bonus)
            pts = int(r.get("points", 0))
            acc = int(r.get("accumulated_points", pts))
            if pts or acc:
                lg.points(b, member_id, "opening", pts, acc)
            members.add(member_id)
            balances.add(member_id)
            n += 1
        lg.flush()
        emit(s, "members", members)
        emit(s, "cards", cards)
        emit(s, "card_status", cards)
        return n
    return ho.transaction(work)


def put_document(ho: HeadOffice, stream: str, key: str, body: Any) -> int:
    if stream not in DOCUMENT_STREAMS:
        raise UnknownStream(stream)
    return ho.transaction(lambda s: feeds.put_document(s, stream, key, body, ho.clock()))


def set_card_status(ho: HeadOffice, card_no: str, status: str) -> None:
    """An HO-side card change (e.g. 挂失 by phone at head office), forward only."""
    kind = {"lost": "card.lost", "cancelled": "card.cancelled", "active": "card.unblocked"}[status]

    def work(s: Session) -> None:
        changed = new_changed()
        lg = Ledger(s, ho.ids)
        apply_card_event(s, lg, Booking(None, None, None, ho.clock()), kind,   # a till's rule
                         {"card_no": card_no}, changed)
        lg.flush()
        for stream, keys in changed.items():
            emit(s, stream, keys)
    ho.transaction(work)


# -- reports ---------------------------------------------------------------------------
def flags(ho: HeadOffice, kind: str | None = None) -> list[dict[str, Any]]:
    with ho.sessions() as s:
        q = select(FlagRow).order_by(FlagRow.id)
        if kind:
            q = q.where(FlagRow.kind == kind)
        return [{"id": f.id, "kind": f.kind, "shop_id": f.shop_id, "till_id": f.till_id,
                 "member_id": f.member_id, "card_no": f.card_no, "event_id": f.event_id,
                 "detail": json.loads(f.detail), "at": f.at.isoformat()}
                for f in s.scalars(q)]


def receivables(ho: HeadOffice, open_only: bool = True) -> list[dict[str, Any]]:
    with ho.sessions() as s:
        q = select(ReceivableRow).order_by(ReceivableRow.id)
        if open_only:
            q = q.where(ReceivableRow.recovered_fen < ReceivableRow.amount_fen)
        return [{"id": r.id, "member_id": r.member_id, "shop_id": r.shop_id,
                 "event_id": r.event_id, "amount_fen": r.amount_fen,
                 "recovered_fen": r.recovered_fen,
                 "recovered_at": r.recovered_at.isoformat() if r.recovered_at else None}
                for r in s.scalars(q)]


def account(ho: HeadOffice, member_id: str) -> dict[str, int]:
    with ho.sessions() as s:
        a = s.get(MemberAccountRow, member_id)
        if a is None:
            raise KeyError(member_id)
        return {"balance_paid_fen": a.balance_paid_fen, "balance_bonus_fen": a.balance_bonus_fen,
                "spendable_points": a.spendable_points,
                "accumulated_points": a.accumulated_points, "receivable_fen": a.receivable_fen}


# -- promotions, coupons and the daily jobs (headoffice/promotions.py) -----------------
def publish_promotion(ho: HeadOffice, promotion: Promotion) -> int:
    """Publish (or replace) a promotion on the feed; returns the document version."""
    return ho.transaction(lambda s: promotions.publish_promotion(s, promotion, ho.clock()))


def withdraw_promotion(ho: HeadOffice, promotion_id: str) -> None:
    ho.transaction(lambda s: promotions.withdraw_promotion(s, promotion_id, ho.clock()))


def publish_package(ho: HeadOffice, package: TopUpPackage) -> int:
    """Publish a top-up package (储值套餐) on the promotions feed."""
    return ho.transaction(lambda s: promotions.publish_package(s, package, ho.clock()))


def publish_coupon_template(ho: HeadOffice, template: CouponTemplate) -> int:
    return ho.transaction(lambda s: promotions.publish_template(s, template, ho.clock()))


def issue_coupons(ho: HeadOffice, template_id: str, member_filter: promotions.MemberFilter
                  ) -> tuple[str, int]:
    """An issue run: one coupon of the template to every member the filter selects."""
    return ho.transaction(lambda s: promotions.issue_run(s, ho.ids, template_id, member_filter,
                                                         ho.clock()))


def coupon(ho: HeadOffice, code: str) -> tuple[Coupon | None, list[CouponEntry]]:
    with ho.sessions() as s:
        return promotions.coupon_history(s, code)


def run_daily_jobs(ho: HeadOffice, today: date) -> dict[str, int]:
    """Points expiry and coupon expiry for `today` (idempotent: run it as often as you
    like; `pos-hq daily` runs it from cron)."""
    def work(s: Session) -> dict[str, int]:
        now = ho.clock()
        points = promotions.expire_points(s, ho.ids, today, now)
        coupons = promotions.expire_coupons(s, datetime.combine(today, datetime.min.time()))
        return {"members_points_expired": len(points),
                "points_expired": sum(points.values()), "coupons_expired": coupons,
                "passes_expired": passes.expire(s, today, now)}
    return ho.transaction(work)
