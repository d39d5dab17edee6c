"""Returns (退货) against an original sale: money back by the original tenders, points taken back."""
from __future__ import annotations

from dataclasses import replace

from pos_app.domain.allocation import allocate
from pos_app.domain.codec import to_jsonable
from pos_app.domain.errors import (
    PassNotUsable,
    ReturnExceedsSale,
    ShiftNotOpen,
    UnknownSale,
    ValidationFailed,
)
from pos_app.domain.money import round_half_up
from pos_app.domain.points import is_lottery_balance, next_ladder_step
from pos_app.domain.pricing import PricedLine
from pos_app.domain.sale import (
    CompletedSale,
    MemberOnSale,
    SaleKind,
    receipt_no_from_scan,
)
from pos_app.domain.tenders import Tender, TenderKind
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import StoredSale, UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.promotions import (
    CouponBooking,
    coupon_payload,
    return_adjustment,
    returned_coupon_entries,
)

# Money goes back first to where it cannot be handed over in cash: points, then stored
# value, then the external payment, and cash last.
REFUND_ORDER = (TenderKind.POINTS, TenderKind.STORED_VALUE, TenderKind.BANK_CARD,
                TenderKind.WECHAT, TenderKind.ALIPAY, TenderKind.CASH)


class ReturnService:
    """Finds sales by receipt or scanned QR and books returns of whole sales or some lines."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    def find_sale(self, text: str) -> StoredSale:
        """The sale a typed receipt number or a scanned receipt QR names."""
        receipt_no = receipt_no_from_scan(text)
        with self._uow() as uow:
            sale = uow.sales.find_by_receipt(receipt_no)
        if sale is None or sale.kind != SaleKind.SALE.value:
            raise UnknownSale(receipt_no)
        return sale

    def return_items(self, receipt_no: str, lines: dict[int, int] | None, cashier: User,
                     authorised_by: User) -> CompletedSale:
        """Book a return (all lines when `lines` is None); needs a manager's authorisation."""
        require_role(authorised_by, "manager", "return")
        now = self._clock.now()
        with self._uow() as uow:
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None:
                raise ShiftNotOpen()
            original = uow.sales.find_by_receipt(receipt_no_from_scan(receipt_no))
            if original is None or original.kind != SaleKind.SALE.value:
                raise UnknownSale(receipt_no)
            wanted = _wanted(original, lines)
            for sold, _qty in wanted:
                if uow.catalog.get(sold.product_id).pass_uses:
                    raise ValidationFailed("line", "a count pass is refunded from the member screen")
            snap = original.snapshot
            out_lines: list[PricedLine] = []
            original_ids: dict[int, str] = {}
            shares: dict[int, int] = {}
            for n, (sold, qty) in enumerate(wanted, start=1):
                left = sold.qty - sold.returned_qty
                amount_left = sold.amount_fen - sold.returned_amount_fen
                points_left = sold.points_share - sold.returned_points
                if qty == left:   # the last units take what is left, so sums stay exact
                    amount, points = amount_left, points_left
                else:
                    amount = round_half_up(sold.amount_fen * qty, sold.qty)
                    points = sold.points_share * qty // sold.qty
                src = snap.lines[sold.line_no - 1]
                out_lines.append(replace(src, line_no=n, qty=qty,
                                         gross_fen=src.unit_price_fen * qty, amount_fen=amount))
                original_ids[n] = sold.line_id
                shares[n] = points
            # 满减 and coupon thresholds the kept goods no longer reach: the refund pays for
            # them (and a later return of the rest gives it back), so that returning part of
            # a sale never gains the customer anything.
            kept_before = [0] * len(snap.lines)
            for s_line in original.lines:
                kept_before[s_line.line_no - 1] = s_line.qty - s_line.returned_qty
            kept_after = list(kept_before)
            for sold, qty in wanted:
                kept_after[sold.line_no - 1] -= qty
            adjust = return_adjustment(snap, kept_before, kept_after)
            if adjust:
                adjust = min(adjust, sum(line.amount_fen for line in out_lines))
                cuts = allocate(adjust, [line.amount_fen for line in out_lines])
                out_lines = [replace(line, amount_fen=line.amount_fen - cut)
                             for line, cut in zip(out_lines, cuts, strict=True)]
            refund_total = sum(line.amount_fen for line in out_lines)
            fully_returned = all(
                s.qty - s.returned_qty == q for s, q in wanted) and len(wanted) == len(
                [s for s in original.lines if s.qty > s.returned_qty])
            if fully_returned:
                refund_total -= snap.rounding_fen  # 抹零 was never paid
            tenders = _refund_tenders(uow, original, refund_total)
            sale_id = self._ids.new_id()
            member_info, flag = None, None
            points_back = sum(shares.values())
            bonus_back = 0
            if original.member_id and snap.member:
                base_earned = snap.member.points_earned - snap.member.bonus_points
                returned_before = sum(s.returned_points for s in original.lines)
                if snap.member.bonus_points and not _bonus_reversed(uow, original) and \
                        base_earned - returned_before - points_back < \
                        uow.rules.current(now).bonus_threshold_points:
                    bonus_back = snap.member.bonus_points
                if original.tier_upgraded_to:
                    flag = f"tier upgrade to {original.tier_upgraded_to} by {original.receipt_no}"
            receipt_no_new = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            result = CompletedSale(
                sale_id=sale_id, receipt_no=receipt_no_new, kind=SaleKind.RETURN,
                shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                cashier_name=cashier.display_name, created_at=now,
                rule_version=snap.rule_version, lines=tuple(out_lines), tenders=tuple(tenders),
                change_fen=0, rounding_fen=snap.rounding_fen if fully_returned else 0,
                member=None, original_receipt_no=original.receipt_no)
            uow.sales.add(result, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                          shift_id=shift.id, user_id=cashier.id, member_id=original.member_id,
                          card_id=original.card_id, points_shares=shares,
                          original_line_ids=original_ids, original_sale_id=original.id,
                          manager_flag=flag, authorised_by_id=authorised_by.id)
            if original.member_id:
                member_info = _book_member_return(uow, result, original, points_back, bonus_back,
                                                  tenders, now)
                result = replace(result, member=member_info)
                uow.sales.update_snapshot(result)
            coupons_back = (returned_coupon_entries(uow, snap, original.id, now)
                            if fully_returned else [])
            if flag:
                uow.audit.record(now, authorised_by.id, "tier_review", original.member_id or "",
                                 {"return": receipt_no_new, "reason": flag})
            uow.audit.record(now, authorised_by.id, "return", receipt_no_new,
                             {"original": original.receipt_no, "refund_fen": refund_total,
                              "cashier": cashier.id})
            uow.outbox.append("sale.returned", {"sale": to_jsonable(result),
                                                "original_sale_id": original.id,
                                                "member_id": original.member_id,
                                                "shift_id": shift.id,
                                                **coupon_payload(CouponBooking(
                                                    tuple(coupons_back), ()))}, now)
            uow.commit()
            return result


    def refund_pass(self, pass_id: str, cashier: User, authorised_by: User) -> CompletedSale:
        """Refund the unused share of a count pass (price × uses left ÷ uses), by the original
        tenders; the pass is closed and the points its unused share earned are taken back."""
        require_role(authorised_by, "manager", "refund_pass")
        now = self._clock.now()
        with self._uow() as uow:
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None:
                raise ShiftNotOpen()
            p = uow.members.get_pass(pass_id)
            if p.refunded or p.uses_left <= 0:
                raise PassNotUsable(pass_id, "refunded" if p.refunded else "used_up")
            original = uow.sales.find_by_id(p.sale_id) if p.sale_id else None
            if original is None:
                raise UnknownSale(p.sale_id or pass_id)
            sold = next(s for s in original.lines if s.product_id == p.product_id)
            amount = round_half_up(p.price_fen * p.uses_left, p.uses_total)
            points = sold.points_share // sold.qty * p.uses_left // p.uses_total
            src = original.snapshot.lines[sold.line_no - 1]
            line = replace(src, line_no=1, qty=1, gross_fen=amount, amount_fen=amount,
                           unit_price_fen=amount)
            tenders = _refund_tenders(uow, original, amount)
            receipt_no = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            result = CompletedSale(
                sale_id=self._ids.new_id(), receipt_no=receipt_no, kind=SaleKind.RETURN,
                shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                cashier_name=cashier.display_name, created_at=now,
                rule_version=original.snapshot.rule_version, lines=(line,),
                tenders=tuple(tenders), change_fen=0, rounding_fen=0,
                original_receipt_no=original.receipt_no)
            uow.sales.add(result, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                          shift_id=shift.id, user_id=cashier.id, member_id=p.member_id,
                          card_id=original.card_id, points_shares={1: points},
                          original_sale_id=original.id, authorised_by_id=authorised_by.id)
            uow.members.add_pass_entry(pass_id, "refund", -p.uses_left, result.sale_id, now)
            result = replace(result, member=_book_member_return(
                uow, result, original, points, 0, tenders, now))
            uow.sales.update_snapshot(result)
            uow.audit.record(now, authorised_by.id, "pass_refunded", pass_id,
                             {"uses_left": p.uses_left, "refund_fen": amount,
                              "receipt_no": receipt_no})
            uow.outbox.append("sale.returned", {"sale": to_jsonable(result),
                                                "original_sale_id": original.id,
                                                "member_id": p.member_id, "pass_id": pass_id,
                                                "shift_id": shift.id}, now)
            uow.commit()
            return result


def _wanted(original: StoredSale, lines: dict[int, int] | None) -> list[tuple]:
    by_no = {s.line_no: s for s in original.lines}
    if lines is None:
        lines = {s.line_no: s.qty - s.returned_qty for s in original.lines
                 if s.qty > s.returned_qty}
        if not lines:
            raise ReturnExceedsSale(0, 1, 0)
    wanted = []
    for line_no, qty in sorted(lines.items()):
        sold = by_no.get(line_no)
        if sold is None:
            raise ValidationFailed("line", f"the sale has no line {line_no}")
        if qty <= 0:
            raise ValidationFailed("qty", "return at least one")
        if qty > sold.qty - sold.returned_qty:
            raise ReturnExceedsSale(line_no, qty, sold.qty - sold.returned_qty)
        wanted.append((sold, qty))
    return wanted


def _refunded_so_far(uow: UnitOfWork, original: StoredSale) -> dict[TenderKind, int]:
    done: dict[TenderKind, int] = {}
    for receipt in uow.sales.returns_of(original.id):
        stored = uow.sales.find_by_receipt(receipt)
        if stored is None:
            continue
        for t in stored.snapshot.tenders:
            done[t.kind] = done.get(t.kind, 0) + t.amount_fen
    return done


def _refund_tenders(uow: UnitOfWork, original: StoredSale, refund_total: int) -> list[Tender]:
    """Split the refund over the original tenders in proportion, cumulatively exact."""
    paid: dict[TenderKind, list[Tender]] = {}
    for t in original.snapshot.tenders:
        paid.setdefault(t.kind, []).append(t)
    kinds = [k for k in REFUND_ORDER if k in paid]
    amounts = [sum(t.amount_fen for t in paid[k]) for k in kinds]
    done = _refunded_so_far(uow, original)
    cumulative = sum(done.values()) + refund_total
    targets = allocate(cumulative, amounts) if amounts else []
    tenders: list[Tender] = []
    for kind, target, cap in zip(kinds, targets, amounts, strict=True):
        amount = min(target, cap) - done.get(kind, 0)
        if amount <= 0:
            continue
        if kind is TenderKind.STORED_VALUE:
            sv_paid = sum(t.sv_paid_fen for t in paid[kind])
            sv_bonus = sum(t.sv_bonus_fen for t in paid[kind])
            bonus_part = round_half_up(amount * sv_bonus, sv_paid + sv_bonus) \
                if sv_paid + sv_bonus else 0
            tenders.append(Tender(kind, amount, sv_paid_fen=amount - bonus_part,
                                  sv_bonus_fen=bonus_part))
        elif kind is TenderKind.POINTS:
            per_fen_points = sum(t.points_used for t in paid[kind])
            points = round_half_up(per_fen_points * amount, cap)
            tenders.append(Tender(kind, amount, points_used=points))
        else:
            ref = next((t.reference for t in paid[kind] if t.reference), "")
            tenders.append(Tender(kind, amount, received_fen=amount if kind is TenderKind.CASH
                                  else 0, reference=ref))
    if sum(t.amount_fen for t in tenders) != refund_total:
        # Rounding drift across kinds: the last tender absorbs it (never more than paid).
        diff = refund_total - sum(t.amount_fen for t in tenders)
        if tenders:
            last = tenders[-1]
            tenders[-1] = replace(last, amount_fen=last.amount_fen + diff,
                                  received_fen=last.received_fen + diff
                                  if last.kind is TenderKind.CASH else 0)
    return tenders


def _bonus_reversed(uow: UnitOfWork, original: StoredSale) -> bool:
    for receipt in uow.sales.returns_of(original.id):
        stored = uow.sales.find_by_receipt(receipt)
        if stored and stored.snapshot.member and stored.snapshot.member.bonus_points:
            return True
    return False


def _book_member_return(uow: UnitOfWork, result: CompletedSale, original: StoredSale,
                        points_back: int, bonus_back: int, tenders: list[Tender], now
                        ) -> MemberOnSale:
    member_id = original.member_id
    assert member_id is not None
    m = uow.members
    if points_back:
        m.add_points(member_id, "return", -points_back, -points_back, now, result.sale_id,
                     note=original.receipt_no)
    if bonus_back:
        m.add_points(member_id, "bonus_reversal", -bonus_back, -bonus_back, now,
                     result.sale_id, note=original.receipt_no)
    for t in tenders:
        if t.kind is TenderKind.STORED_VALUE:
            m.add_stored_value(member_id, "refund", t.sv_paid_fen, t.sv_bonus_fen, now,
                               result.sale_id, tender=t.kind.value, note=original.receipt_no)
        elif t.kind is TenderKind.POINTS:
            m.add_points(member_id, "points_cash_back", t.points_used, 0, now, result.sale_id,
                         note=original.receipt_no)
    account = m.lock_account(member_id)
    rules = uow.rules.current(now)
    tier = rules.tier(account.tier_code)
    snap_member = original.snapshot.member
    need, step = next_ladder_step(account.spendable_points, rules)
    return MemberOnSale(
        member_id=member_id, name=account.name, mobile=account.mobile or "",
        card_no=snap_member.card_no if snap_member else "", tier_code=tier.code,
        tier_name_zh=tier.name_zh, tier_name_en=tier.name_en,
        points_earned=-(points_back + bonus_back), bonus_points=-bonus_back, points_redeemed=0,
        spendable_after=account.spendable_points, accumulated_after=account.accumulated_points,
        balance_after_fen=account.balance_fen,
        lottery=is_lottery_balance(account.spendable_points, rules),
        next_step_points=need, next_step_cap_fen=step.cap_fen)
