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
from pos_app.domain.documents import StoredValueSlip
from pos_app.domain.tenders import TOP_UP_TENDERS, TenderKind
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.promotions import CouponBooking, coupon_payload



@dataclass(frozen=True)
class PackageOffer:
    """A package in force as the till shows it: what each part is, by name."""

    package: TopUpPackage
    coupons: tuple[tuple[str, int], ...]     # (coupon name, how many)
    pass_name: str | None
    pass_uses: int
    tier_zh: str
    tier_en: str
    missing: str = ""                        # a part not on this till yet (then not sold)


@dataclass(frozen=True)
class PackageSaleView:
    sale_id: str
    package: TopUpPackage
    sold_at: datetime
    refunded_at: datetime | None


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
    slip: StoredValueSlip | None = None


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
    points_taken: int = 0
    tier_back_to: str | None = None
    slip: StoredValueSlip | None = None


def _book(uow: UnitOfWork, member_id: str, entries: tuple[Entry, ...], at: datetime,
          tender: str, shift_id: str | None, actor: User) -> None:
    for e in entries:
        if e.ledger is LedgerName.STORED_VALUE:
            uow.ledgers.add_stored_value(member_id, e.kind.value, e.paid_fen, e.bonus_fen, at,
                                         tender=tender, note=e.note, shift_id=shift_id)
        elif e.ledger is LedgerName.POINTS:
            uow.ledgers.add_points(member_id, e.kind.value, e.spendable, e.accumulated, at,
                                   note=e.note)
        else:
            uow.accounts.set_tier(member_id, e.tier, at)
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

    def offers(self) -> list[PackageOffer]:
        """The packages in force with every part named (coupon names, the pass, the tier);
        a package whose coupon template or pass product has not reached this till says so."""
        now = self._clock.now()
        with self._uow() as uow:
            rules = uow.rules.current(now)
            out = []
            for p in uow.promotions.packages():
                missing, coupons = "", []
                for template_id, n in p.coupons:
                    t = uow.promotions.template(template_id)
                    if t is None:
                        missing = missing or template_id
                    coupons.append((t.name if t else template_id, n))
                pass_name, uses = None, 0
                if p.pass_sku:
                    product = uow.catalog.find_by_code(p.pass_sku)
                    if product is None or not product.pass_uses:
                        missing = missing or p.pass_sku
                    else:
                        pass_name, uses = product.name, product.pass_uses
                tier_zh = tier_en = ""
                if p.upgrade_tier:
                    try:
                        t = rules.tier(p.upgrade_tier)
                        tier_zh, tier_en = t.name_zh, t.name_en
                    except ValidationFailed:
                        missing = missing or p.upgrade_tier
                out.append(PackageOffer(p, tuple(coupons), pass_name, uses, tier_zh, tier_en,
                                        missing))
            return out

    def sales_of(self, member_id: str) -> list[PackageSaleView]:
        """The member's package sales at this till, newest first (refunded ones too)."""
        with self._uow() as uow:
            return [PackageSaleView(*row) for row in uow.promotions.package_sales_of(member_id)]

    def _slip(self, uow: UnitOfWork, actor: User, entry_id: str, receipt_no: str,
              now: datetime, member_id: str, card_no: str, package: TopUpPackage,
              paid: int, bonus: int, tender: TenderKind, reference: str, refund: bool,
              coupons: tuple[tuple[str, int], ...], pass_: tuple[str, int] | None,
              tier: str, kept: int) -> StoredValueSlip:
        after = uow.accounts.get_account(member_id)
        return StoredValueSlip(entry_id=entry_id, receipt_no=receipt_no,
                         shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                         cashier_name=actor.display_name, created_at=now,
                         member_name=after.name, mobile=after.mobile or "", card_no=card_no,
                         paid_fen=paid, bonus_fen=bonus, tender=tender,
                         balance_paid_after_fen=after.balance_paid_fen,
                         balance_bonus_after_fen=after.balance_bonus_fen, reference=reference,
                         is_refund=refund, package_name=package.name,
                         package_points=package.points, package_coupons=coupons,
                         package_pass=pass_, package_tier=tier, package_kept_fen=kept)

    def sell(self, actor: User, card_no: str, package_id: str, tender: TenderKind,
             reference: str = "") -> PackageSold:
        """Money in, bonus and points, coupons issued, tier lifted — all or nothing."""
        require_role(actor, "manager", "top_up")
        if tender not in TOP_UP_TENDERS:
            raise ValidationFailed("top_up_tender", "top up with cash, bank card, WeChat or Alipay")
        now = self._clock.now()
        with self._uow() as uow:
            package = next((p for p in uow.promotions.packages() if p.id == package_id), None)
            if package is None:
                raise ValidationFailed("package", f"no package {package_id}: pull from head "
                                                  "office or choose another")
            card = uow.cards.find_card(card_no)
            if card is None:
                raise UnknownCard(card_no)
            card.check_usable(now.date())
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None and tender is TenderKind.CASH:
                raise ShiftNotOpen()
            account = uow.accounts.get_account(card.member_id)
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
                pass_id = uow.passes.add_pass(account.id, pass_product, None,
                                               pass_product.pass_uses, package.pass_value_fen,
                                               expires, now)
                # The pass movement as a sale's event carries it (headoffice/passes.py).
                passes.append({"op": "sold", "pass_id": pass_id, "sku": pass_product.sku,
                               "name": pass_product.name, "uses": pass_product.pass_uses,
                               "price_fen": package.pass_value_fen,
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
                "paid_fen": sum(e.paid_fen for e in money_in),
                "bonus_fen": sum(e.bonus_fen for e in money_in), "tender": tender.value,
                "reference": reference, "receipt_no": receipt_no,
                "shift_id": shift.id if shift else None,
                "package": {"id": package.id, "version": package.version, "sale_id": sale_id},
                **({"passes": passes} if passes else {}),
                **coupon_payload(CouponBooking((), tuple(issued))),
                **entries_payload(account.id, entries)}, now)
            upgraded = next((e.tier for e in entries if e.ledger is LedgerName.TIER), None)
            slip = self._slip(
                uow, actor, sale_id, receipt_no, now, account.id, card_no, package,
                sum(e.paid_fen for e in money_in), sum(e.bonus_fen for e in money_in), tender,
                reference, False, tuple((t.name, n) for t, n in _counted(templates)),
                (pass_product.name, pass_product.pass_uses or 0) if pass_product else None,
                rules.tier(upgraded).name_zh if upgraded else "", 0)
            uow.commit()
        return PackageSold(sale_id, package, account.id, tuple(c.code for c in issued),
                           upgraded, now, pass_id, receipt_no, slip)

    def refund(self, actor: User, sale_id: str, tender: TenderKind = TenderKind.CASH,
               dry_run: bool = False) -> PackageRefunded:
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
            card_no = next((c.card_no for c in uow.cards.cards_of(member_id)
                            if c.status.value == "active"), "")
            if refunded is not None:
                raise PackageNotRefundable(package.id, PackagePart.REFUNDED)
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None and tender is TenderKind.CASH:
                raise ShiftNotOpen()
            account = uow.accounts.get_account(member_id)
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
                p = uow.passes.get_pass(pass_id)
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
                uow.passes.add_pass_entry(pass_id, "refund", -left, None, now)
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
                "paid_fen": sum(e.paid_fen for e in money_out),
                "bonus_fen": sum(e.bonus_fen for e in money_out), "tender": tender.value,
                "receipt_no": receipt_no, "shift_id": shift.id if shift else None,
                "package": {"id": package.id, "version": package.version, "sale_id": sale_id,
                            "refund": True},
                **({"passes": [{"op": "refund", "pass_id": pid, "uses": left}
                               for pid, left in open_passes]} if open_passes else {}),
                **coupon_payload(CouponBooking(tuple(revoked), ())),
                **entries_payload(member_id, back.entries)}, now)
            tier_back = next((e.tier for e in back.entries if e.ledger is LedgerName.TIER),
                             None)
            rules = uow.rules.current(now)
            names: dict[str, int] = {}
            for e in revoked:
                found_c = uow.promotions.find_coupon(e.code)
                name = found_c[1].name if found_c and found_c[1] else e.code
                names[name] = names.get(name, 0) + 1
            slip = self._slip(
                uow, actor, sale_id, receipt_no, now, member_id, card_no, package,
                -back.cash_fen, 0, tender, "", True, tuple(names.items()),
                ("", revoked_uses) if revoked_uses else None,
                rules.tier(tier_back).name_zh if tier_back else "", back.kept_fen)
            if dry_run:
                uow.rollback()
            else:
                uow.commit()
        return PackageRefunded(sale_id, back.cash_fen, back.kept_fen,
                               tuple(e.code for e in revoked), back.coupons_used_fen,
                               back.bonus_spent_fen, back.pass_used_fen, revoked_uses,
                               receipt_no, package.points, tier_back, slip)


def _counted(templates: list) -> list:
    """[(template, how many)] in first-seen order."""
    out: dict[str, list] = {}
    for t in templates:
        out.setdefault(t.id, [t, 0])[1] += 1
    return [tuple(v) for v in out.values()]
