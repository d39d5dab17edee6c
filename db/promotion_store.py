"""SqlPromotions: promotions, coupon templates, coupons and the coupon ledger on the till."""
from __future__ import annotations

import functools
import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from db.models import (
    CouponEntryRow,
    CouponRow,
    CouponTemplateRow,
    PointsEntryRow,
    PromotionRow,
)
from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponState,
    CouponTemplate,
    coupon_from_dict,
    coupon_state,
    entry_from_dict,
    template_from_dict,
    template_to_dict,
)
from pos_app.domain.errors import PosError
from pos_app.domain.packages import TopUpPackage, package_from_dict, package_to_dict
from pos_app.domain.points_expiry import PointsMove
from pos_app.domain.promotions import Promotion, promotion_from_dict, promotion_to_dict


# Parsed promotions and coupon templates by their stored text, so a basket does not pay for
# JSON parsing of 200 promotions on every scan. Keyed by the text, not by (id, version): an id
# and version are one chain's names, and two stores in one process (two tills, a demo store,
# a head office recreated) may hold different promotions under the same id and version.
@functools.lru_cache(maxsize=4096)
def _promotion(body: str) -> Promotion:
    return promotion_from_dict(json.loads(body))


@functools.lru_cache(maxsize=1024)
def _template(body: str) -> CouponTemplate:
    return template_from_dict(json.loads(body))


log = logging.getLogger(__name__)

LOCAL_PREFIX = "till:"   # entries this till booked
HQ_PREFIX = "hq:"        # entries head office sent down


class SqlPromotions:
    def __init__(self, session: Session) -> None:
        self.s = session

    # -- promotions -------------------------------------------------------------------------
    def current(self, at: datetime) -> list[Promotion]:
        rows = self.s.execute(select(PromotionRow.id, PromotionRow.version, PromotionRow.body)
                              .where(PromotionRow.active.is_(True),
                                     or_(PromotionRow.ends_at.is_(None),
                                         PromotionRow.ends_at > at))
                              .order_by(PromotionRow.id)).all()
        return [_promotion(body) for _pid, _version, body in rows]

    def put(self, promotion: Promotion, at: datetime) -> bool:
        promotion.validate()
        row = self.s.get(PromotionRow, promotion.id)
        if row is not None and row.version > promotion.version:
            return False
        if row is None:
            row = PromotionRow(id=promotion.id)
            self.s.add(row)
        row.version, row.kind, row.active = promotion.version, promotion.kind.value, True
        row.starts_at, row.ends_at = promotion.schedule.start, promotion.schedule.end
        row.body = json.dumps(promotion_to_dict(promotion), ensure_ascii=False, sort_keys=True)
        row.updated_at = at
        self.s.flush()
        return True

    def withdraw(self, promotion_id: str, version: int, at: datetime) -> None:
        row = self.s.get(PromotionRow, promotion_id)
        if row is not None and row.version <= version:
            row.version, row.active, row.updated_at = version, False, at
            self.s.flush()

    # -- coupon templates -------------------------------------------------------------------
    def put_template(self, template: CouponTemplate, at: datetime) -> bool:
        template.validate()
        row = self.s.get(CouponTemplateRow, template.id)
        if row is not None and row.version > template.version:
            return False
        if row is None:
            row = CouponTemplateRow(id=template.id)
            self.s.add(row)
        row.version = template.version
        row.body = json.dumps(template_to_dict(template), ensure_ascii=False, sort_keys=True)
        row.updated_at = at
        self.s.flush()
        return True

    def template(self, template_id: str) -> CouponTemplate | None:
        row = self.s.get(CouponTemplateRow, template_id)
        if row is None:
            return None
        return _template(row.body)

    # -- coupons ----------------------------------------------------------------------------
    def _coupon(self, row: CouponRow) -> Coupon:
        return Coupon(row.code, row.template_id, row.template_version, row.member_id,
                      row.issued_at, row.valid_from, row.valid_until, row.source)

    def _entries(self, codes: list[str]) -> dict[str, list[CouponEntry]]:
        out: dict[str, list[CouponEntry]] = {c: [] for c in codes}
        if not codes:
            return out
        for r in self.s.scalars(select(CouponEntryRow).where(CouponEntryRow.code.in_(codes))
                                .order_by(CouponEntryRow.at, CouponEntryRow.id)):
            out[r.code].append(CouponEntry(r.code, CouponEntryKind(r.kind), r.at, r.shop,
                                           r.sale_id, r.value_fen, r.note))
        return out

    def find_coupon(self, code: str) -> tuple[Coupon, CouponTemplate | None, CouponState] | None:
        row = self.s.get(CouponRow, code)
        if row is None:
            return None
        entries = self._entries([code])[code]
        return self._coupon(row), self.template(row.template_id), coupon_state(code, entries)

    def coupons_of(self, member_id: str) -> list[tuple[Coupon, CouponTemplate, CouponState]]:
        rows = list(self.s.scalars(select(CouponRow).where(CouponRow.member_id == member_id)
                                   .order_by(CouponRow.issued_at)))
        entries = self._entries([r.code for r in rows])
        out = []
        for r in rows:
            t = self.template(r.template_id)
            if t is not None:
                out.append((self._coupon(r), t, coupon_state(r.code, entries[r.code])))
        return out

    def add_coupon(self, coupon: Coupon) -> bool:
        if self.s.get(CouponRow, coupon.code) is not None:
            return False
        self.s.add(CouponRow(code=coupon.code, template_id=coupon.template_id,
                             template_version=coupon.template_version,
                             member_id=coupon.member_id, issued_at=coupon.issued_at,
                             valid_from=coupon.valid_from, valid_until=coupon.valid_until,
                             source=coupon.source))
        self.s.flush()
        self.add_entry(f"issued:{coupon.code}",
                       CouponEntry(coupon.code, CouponEntryKind.ISSUED, coupon.issued_at))
        return True

    def add_entry(self, entry_id: str, entry: CouponEntry) -> bool:
        if self.s.get(CouponEntryRow, entry_id) is not None:
            return False
        self.s.add(CouponEntryRow(id=entry_id, code=entry.code, kind=entry.kind.value,
                                  at=entry.at, shop=entry.shop, sale_id=entry.sale_id,
                                  value_fen=entry.value_fen, note=entry.note[:200]))
        self.s.flush()
        return True

    def unconfirmed_redemptions_fen(self) -> int:
        hq = aliased(CouponEntryRow)
        confirmed = select(hq.id).where(hq.id.like(HQ_PREFIX + "%"),
                                        hq.code == CouponEntryRow.code,
                                        hq.sale_id == CouponEntryRow.sale_id).exists()
        return int(self.s.scalar(select(func.coalesce(func.sum(CouponEntryRow.value_fen), 0))
                                 .where(and_(CouponEntryRow.id.like(LOCAL_PREFIX + "%"),
                                             CouponEntryRow.kind == "redeemed",
                                             ~confirmed))) or 0)

    # -- points lots for expiry -----------------------------------------------------------
    def points_moves(self, member_id: str) -> list[PointsMove]:
        rows = self.s.execute(select(PointsEntryRow.created_at, PointsEntryRow.spendable_delta,
                                     PointsEntryRow.kind)
                              .where(PointsEntryRow.member_id == member_id,
                                     PointsEntryRow.spendable_delta != 0)
                              .order_by(PointsEntryRow.created_at, PointsEntryRow.id)).all()
        return [PointsMove(at, n, kind == "expiry") for at, n, kind in rows]

    def members_with_points(self) -> list[str]:
        """Members holding spendable points (the ones whose points can lapse)."""
        from db.models import MemberRow
        return list(self.s.scalars(select(MemberRow.id).where(MemberRow.spendable_points > 0)
                                   .order_by(MemberRow.id)))

    def expirable_coupons(self, at: datetime) -> list[tuple[Coupon, CouponState]]:
        rows = list(self.s.scalars(select(CouponRow).where(CouponRow.valid_until.is_not(None),
                                                           CouponRow.valid_until <= at)))
        entries = self._entries([r.code for r in rows])
        return [(self._coupon(r), coupon_state(r.code, entries[r.code])) for r in rows]


    # -- top-up packages (documents on the promotions feed, sales in package_sales) ------
    def packages(self) -> list[TopUpPackage]:
        from db.models import SyncDocumentRow
        out = []
        for body in self.s.scalars(select(SyncDocumentRow.body).where(
                SyncDocumentRow.stream == "promotions", SyncDocumentRow.key.like("package:%"))
                .order_by(SyncDocumentRow.key)):
            d = json.loads(body)
            if not d.get("withdrawn"):
                out.append(package_from_dict(d["package"]))
        return out

    def put_package(self, package: TopUpPackage, withdrawn: bool = False) -> None:
        """Store a package as the feed would (tests and a till without head office)."""
        from db.models import SyncDocumentRow
        key = f"package:{package.id}"
        body = json.dumps({"package": package_to_dict(package), "withdrawn": withdrawn},
                          ensure_ascii=False, sort_keys=True)
        row = self.s.get(SyncDocumentRow, ("promotions", key))
        if row is None:
            self.s.add(SyncDocumentRow(stream="promotions", key=key, version=package.version,
                                       body=body))
        else:
            row.version, row.body = package.version, body
        self.s.flush()

    def add_package_sale(self, sale_id: str, package: TopUpPackage, member_id: str,
                         coupons: list[str], tier_before: str, tender: str,
                         at: datetime, passes: list[str] | None = None) -> None:
        from db.models import PackageSaleRow
        # The body is the package as sold, with the passes it gave (their ids).
        body = {**package_to_dict(package), "pass_ids": list(passes or ())}
        self.s.add(PackageSaleRow(id=sale_id, package_id=package.id,
                                  package_version=package.version, member_id=member_id,
                                  body=json.dumps(body, ensure_ascii=False),
                                  coupons=" ".join(coupons), tier_before=tier_before,
                                  tender=tender, sold_at=at))
        self.s.flush()

    def package_sale(self, sale_id: str) -> tuple[TopUpPackage, str, list[str], str, str,
                                                  datetime | None, list[str]] | None:
        """(package, member id, coupon codes, tier before, tender, refunded at, pass ids)."""
        from db.models import PackageSaleRow
        row = self.s.get(PackageSaleRow, sale_id)
        if row is None:
            return None
        body = json.loads(row.body)
        return (package_from_dict(body), row.member_id, row.coupons.split(),
                row.tier_before, row.tender, row.refunded_at,
                [str(x) for x in body.get("pass_ids", ())])

    def package_sales_of(self, member_id: str) -> list[tuple[str, TopUpPackage, datetime,
                                                             datetime | None]]:
        from db.models import PackageSaleRow
        rows = self.s.scalars(select(PackageSaleRow).where(
            PackageSaleRow.member_id == member_id).order_by(PackageSaleRow.sold_at.desc(),
                                                            PackageSaleRow.id.desc()))
        return [(r.id, package_from_dict(json.loads(r.body)), r.sold_at, r.refunded_at)
                for r in rows]

    def mark_package_refunded(self, sale_id: str, at: datetime) -> None:
        from db.models import PackageSaleRow
        row = self.s.get(PackageSaleRow, sale_id)
        if row is not None:
            row.refunded_at = at
            self.s.flush()


def apply_promotion_document(store: SqlPromotions, key: str, body: dict[str, Any],
                             at: datetime) -> None:
    """A promotion, coupon template or coupon (with its ledger) from head office's feed.
    A document the till cannot use is logged (without its content) and skipped, so one bad
    promotion never stops the feed."""
    try:
        if key.startswith("promo:"):
            p = promotion_from_dict(body["promotion"])
            if body.get("withdrawn"):
                store.withdraw(p.id, p.version, at)
            else:
                store.put(p, at)
        elif key.startswith("package:"):
            package_from_dict(body["package"])   # kept as the feed stored it; checked here
        elif key.startswith("coupon_template:"):
            store.put_template(template_from_dict(body["coupon_template"]), at)
        elif key.startswith("coupon:"):
            c = coupon_from_dict(body["coupon"])
            if store.template(c.template_id) is None:
                log.warning("coupon %s for a template not yet pulled: skipped", c.code)
                return
            store.add_coupon(c)
            for d in body.get("entries", ()):
                e = entry_from_dict(d)
                if e.kind is CouponEntryKind.ISSUED:
                    continue
                store.add_entry(f"{HQ_PREFIX}{e.kind.value}:{e.code}:{e.sale_id}:"
                                f"{e.at.isoformat()}", e)
    except (KeyError, TypeError, ValueError, PosError) as exc:
        log.warning("promotions document %s not usable: %s", key.split(":")[0],
                    exc.__class__.__name__)

