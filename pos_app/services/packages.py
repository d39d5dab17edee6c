"""Selling and refunding top-up packages (储值套餐) at the till: one transaction each, every
part on its own ledger (stored value, points, coupons, a count pass, tier), in one outbox
event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pos_app.domain.coupons import CouponEntry, CouponEntryKind, CouponStatus, issue_coupon
from pos_app.domain.errors import ShiftNotOpen, UnknownCard, ValidationFailed
from pos_app.domain.ledger import Balances, Entry, LedgerName, entries_payload
from pos_app.domain.packages import (
    PackageNotRefundable,
    PackagePart,
    PassUse,
    TopUpPackage,
    package_entries,
    package_refund,
)
from pos_app.domain.tenders import TenderKind
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.promotions import CouponBooking, coupon_payload

TOPUP_TENDERS = (TenderKind.CASH, TenderKind.BANK_CARD, TenderKind.WECHAT, TenderKind.ALIPAY)


@dataclass(frozen=True)
class PackageSold:
    sale_id: str
    package: TopUpPackage
    member_id: str
    coupons: tuple[str, ...]
    upgraded_to: str | None
    at: datetime
    pass_id: str | None = None
    receipt_no: str = ""


@dataclass(frozen=True)
class PackageRefunded:
    sale_id: str
    cash_fen: int
    kept_fen: int
    coupons_revoked: tuple[str, ...]
    coupons_used_fen: int = 0
    bonus_spent_fen: int = 0
    pass_used_fen: int = 0
    pass_uses_revoked: int = 0
    receipt_no: str = ""


def _book(uow: UnitOfWork, member_id: str, entries: tuple[Entry, ...], at: datetime,
          tender: str, shift_id: str | None, actor: User) -> None:
    for e in entries:
        if e.ledger is LedgerName.STORED_VALUE:
            uow.members.add_stored_value(member_id, e.kind.value, e.first, e.second, at,
                                         tender=tender, note=e.note, shift_id=shift_id)
        elif e.ledger is LedgerName.POINTS:
            uow.members.add_points(member_id, e.kind.value, e.first, e.second, at, note=e.note)
        else:
            uow.members.set_tier(member_id, e.tier, at)
            uow.audit.record(at, actor.id, "tier_changed", member_id,
                             {"to": e.tier, "reason": e.note})


class PackageService:
    """储值套餐: the packages head office publishes, sold and refunded as one event each."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    def packages(self) -> list[TopUpPackage]:
        with self._uow() as uow:
            return uow.promotions.packages()

    def sell(self, actor: User, card_no: str, package_id: str, tender: TenderKind,
             reference: str = "") -> PackageSold:
        """Money in, bonus and points, coupons issued, tier lifted — all or nothing."""
        require_role(actor, "manager", "top_up")
        if tender not in TOPUP_TENDERS:
            raise ValidationFailed("tender", "top up with cash, bank card, WeChat or Alipay")
        now = self._clock.now()
        with self._uow() as uow:
            package = next((p for p in uow.promotions.packages() if p.id == package_id), None)
            if package is None:
                raise ValidationFailed("package", f"no package {package_id}: pull from head "
                                                  "office or choose another")
            card = uow.members.find_card(card_no)
            if card is None:
                raise UnknownCard(card_no)
            card.check_usable(now.date())
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None and tender is TenderKind.CASH:
                raise ShiftNotOpen()
            account = uow.members.lock_account(card.member_id)
            rules = uow.rules.current(now)
            entries = package_entries(package, account.tier_code, rules)
            # Every coupon template must be known here, or nothing is sold.
            templates = []
            for template_id, n in package.coupons:
                t = uow.promotions.template(template_id)
                if t is None:
                    raise ValidationFailed("package", f"coupon template {template_id} is not "
                                                      "on this till yet: sync first")
                templates += [t] * n
            # ...and so must the pass product it gives.
            pass_product = None
            if package.pass_sku:
                pass_product = uow.catalog.find_by_code(package.pass_sku)
                if pass_product is None or not pass_product.pass_uses:
                    raise ValidationFailed("package", f"pass product {package.pass_sku} is not "
                                                      "on this till yet: sync first")
            sale_id = self._ids.new_id()
            _book(uow, account.id, entries, now, tender.value, shift.id if shift else None,
                  actor)
            issued = []
            for t in templates:
                c = issue_coupon(t, self._ids.new_id(), account.id, now, f"package:{package.id}")
                uow.promotions.add_coupon(c)
                issued.append(c)
            pass_id = None
            passes: list[dict[str, object]] = []
            if pass_product is not None and pass_product.pass_uses:
                expires = (now.date() + timedelta(days=pass_product.pass_valid_days)
                           if pass_product.pass_valid_days else None)
                pass_id = uow.members.add_pass(account.id, pass_product, None,
                                               pass_product.pass_uses, package.pass_value_fen,
                                               expires, now)
                passes.append({"id": pass_id, "sku": pass_product.sku,
                               "name": pass_product.name, "uses": pass_product.pass_uses,
                               "expires_on": expires.isoformat() if expires else None})
            uow.promotions.add_package_sale(sale_id, package, account.id,
                                            [c.code for c in issued], account.tier_code,
                                            tender.value, now,
                                            [pass_id] if pass_id else [])
            money_in = [e for e in entries if e.ledger is LedgerName.STORED_VALUE]
            receipt_no = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            uow.audit.record(now, actor.id, "package_sold", card_no,
                             {"package": package.id, "sale_id": sale_id,
                              "receipt_no": receipt_no})
            uow.outbox.append("stored_value.topup", {
                "entry_id": sale_id, "member_id": account.id, "card_no": card_no,
                "paid_fen": sum(e.first for e in money_in),
                "bonus_fen": sum(e.second for e in money_in), "tender": tender.value,
                "reference": reference, "receipt_no": receipt_no,
                "shift_id": shift.id if shift else None,
                "package": {"id": package.id, "version": package.version, "sale_id": sale_id,
                            "passes": passes},
                **coupon_payload(CouponBooking((), tuple(issued))),
                **entries_payload(account.id, entries)}, now)
            uow.commit()
        upgraded = next((e.tier for e in entries if e.ledger is LedgerName.TIER), None)
        return PackageSold(sale_id, package, account.id, tuple(c.code for c in issued),
                           upgraded, now, pass_id, receipt_no)

    def refund(self, actor: User, sale_id: str, tender: TenderKind = TenderKind.CASH
               ) -> PackageRefunded:
        """Reverse a package: cash back less what the member already had from it (coupons
        used, bonus spent), bonus and points taken back, unused coupons withdrawn, the tier
        it gave taken back. Manager only; all or nothing."""
        require_role(actor, "manager", "refund_balance")
        now = self._clock.now()
        with self._uow() as uow:
            found = uow.promotions.package_sale(sale_id)
            if found is None:
                raise ValidationFailed("package", f"no package sale {sale_id}")
            package, member_id, codes, tier_before, _tender, refunded, pass_ids = found
            if refunded is not None:
                raise PackageNotRefundable(package.id, PackagePart.REFUNDED)
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None and tender is TenderKind.CASH:
                raise ShiftNotOpen()
            account = uow.members.lock_account(member_id)
            used, revoked = 0, []
            for code in codes:
                coupon = uow.promotions.find_coupon(code)
                if coupon is None:
                    continue
                state = coupon[2]
                if state.status is CouponStatus.REDEEMED and state.redeemed is not None:
                    used += state.redeemed.value_fen
                elif state.status is CouponStatus.AVAILABLE:
                    e = CouponEntry(code, CouponEntryKind.EXPIRED, now,
                                    note=f"package {package.id} refunded")
                    uow.promotions.add_entry(f"till:expired:{code}", e)
                    revoked.append(e)
            pass_use, open_passes = None, []
            for pass_id in pass_ids:
                p = uow.members.get_pass(pass_id)
                left = 0 if p.refunded else p.uses_left
                pass_use = PassUse(p.uses_total, left)
                if left > 0:
                    open_passes.append((pass_id, left))
            balances = Balances(account.balance_paid_fen, account.balance_bonus_fen,
                                account.spendable_points, account.accumulated_points)
            back = package_refund(package, balances, used,
                                  tier_before if tier_before != account.tier_code else None,
                                  account.tier_code, pass_use)
            for pass_id, left in open_passes:
                uow.members.add_pass_entry(pass_id, "refund", -left, None, now)
            _book(uow, member_id, back.entries, now, tender.value, shift.id if shift else None,
                  actor)
            uow.promotions.mark_package_refunded(sale_id, now)
            receipt_no = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            uow.audit.record(now, actor.id, "package_refunded", member_id,
                             {"sale_id": sale_id, "cash_fen": back.cash_fen,
                              "kept_fen": back.kept_fen, "receipt_no": receipt_no})
            money_out = [e for e in back.entries if e.ledger is LedgerName.STORED_VALUE]
            revoked_uses = sum(left for _, left in open_passes)
            uow.outbox.append("stored_value.refund_balance", {
                "entry_id": self._ids.new_id(), "member_id": member_id,
                "paid_fen": sum(e.first for e in money_out),
                "bonus_fen": sum(e.second for e in money_out), "tender": tender.value,
                "receipt_no": receipt_no, "shift_id": shift.id if shift else None,
                "package": {"id": package.id, "version": package.version, "sale_id": sale_id,
                            "refund": True, "pass_uses_revoked": revoked_uses},
                **coupon_payload(CouponBooking(tuple(revoked), ())),
                **entries_payload(member_id, back.entries)}, now)
            uow.commit()
        return PackageRefunded(sale_id, back.cash_fen, back.kept_fen,
                               tuple(e.code for e in revoked), back.coupons_used_fen,
                               back.bonus_spent_fen, back.pass_used_fen, revoked_uses,
                               receipt_no)
