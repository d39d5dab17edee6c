"""Returns (退货) against an original sale: money back by the original tenders, points taken back."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from pos_app.domain.allocation import allocate
from pos_app.domain.codec import to_jsonable
from pos_app.domain.errors import (
    PassNotUsable,
    ReturnExceedsSale,
    ShiftNotOpen,
    UnknownSale,
    ValidationFailed,
)
from pos_app.domain.card import member_closed
from pos_app.domain.ledger import (
    Balances,
    Entry,
    EntryKind,
    entries_payload,
    gift_return_entries,
    join_eligible_fen,
    join_tier,
    kept_eligible_fen,
    pass_refund_fen,
    pass_refundable,
    refund_due_fen,
    refund_tender_entries,
    return_points_entries,
    sale_eligible_fen,
    tier_after,
    tier_after_loss,
    tier_deserved,
)
from pos_app.domain.money import round_half_up
from pos_app.domain.points import PointsEarned, is_lottery_balance, next_ladder_step
from pos_app.domain.rules import RuleSet, Tier
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
from pos_app.services.ledger_writer import book

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

    def get_sale(self, text: str) -> StoredSale:
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
                    raise ValidationFailed("pass_line", "a count pass is refunded from the member screen")
            snap = original.snapshot
            out_lines: list[PricedLine] = []
            original_ids: dict[int, str] = {}
            shares: dict[int, int] = {}
            for n, (sold, qty) in enumerate(wanted, start=1):
                left = sold.qty - sold.returned_qty
                points_left = sold.points_share - sold.returned_points
                # The line's share of these units, cumulatively (so the shares of every
                # return of the line add up to its amount exactly). Not the amount left after
                # earlier refunds: those were cut by what a threshold (满减, coupon) clawed
                # back, and the adjustment below gives that back itself.
                amount = (round_half_up(sold.amount_fen * (sold.returned_qty + qty), sold.qty)
                          - round_half_up(sold.amount_fen * sold.returned_qty, sold.qty))
                if qty == left:   # the last units take what is left, so sums stay exact
                    points = points_left
                else:
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
            fully_returned = all(
                s.qty - s.returned_qty == q for s, q in wanted) and len(wanted) == len(
                [s for s in original.lines if s.qty > s.returned_qty])
            returning = sum(line.amount_fen for line in out_lines)
            returned_before = sum(sold.returned_amount_fen for sold in original.lines)
            # Everything returned gives back the same share of what was paid as of the lines:
            # 抹零 and free gift lines can never make a refund exceed what was paid.
            refund_total = refund_due_fen(snap.due_fen, snap.total_fen, returned_before,
                                          returning)
            member_id = original.member_id
            closed = bool(member_id) and _member_closed(uow, member_id)
            tenders = _refund_tenders(uow, original, refund_total)
            forfeited_fen = 0
            if closed:
                tenders, forfeited_fen = _pay_out(tenders)
            paid_back = sum(t.amount_fen for t in tenders)
            sale_id = self._ids.new_id()
            receipt_no_new = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            result = CompletedSale(
                sale_id=sale_id, receipt_no=receipt_no_new, kind=SaleKind.RETURN,
                shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                cashier_name=cashier.display_name, created_at=now,
                rule_version=snap.rule_version, lines=tuple(out_lines), tenders=tuple(tenders),
                change_fen=0, rounding_fen=returning - paid_back - forfeited_fen,
                forfeited_fen=forfeited_fen,
                member=None, original_receipt_no=original.receipt_no)
            entries: list[Entry] = []
            review: str | None = None
            if member_id and snap.member and not closed:
                entries, shares, review = _member_return(
                    uow, original, out_lines, tenders, receipt_no_new, now)
            # The receipt may have made someone a member (join by purchase): their tier
            # follows the return too.
            returning_eligible = sum(line.amount_fen for line in out_lines if line.earns_points)
            joined_decisions = [
                (joined, *_tier_after_return(uow, original, [], returning_eligible, joined,
                                             receipt_no_new, now))
                for joined in uow.cards.joined_by_receipt(original.receipt_no)
                if joined != member_id and not _member_closed(uow, joined)]
            uow.sales.add(result, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                          shift_id=shift.id, user_id=cashier.id, member_id=member_id,
                          card_id=original.card_id, points_shares=shares,
                          original_line_ids=original_ids, original_sale_id=original.id,
                          manager_flag=review, authorised_by_id=authorised_by.id)
            if member_id and not closed:
                book(uow, member_id, entries, now, sale_id=sale_id, shift_id=shift.id,
                     tender=TenderKind.STORED_VALUE.value, actor_id=authorised_by.id)
                result = replace(result, member=_member_after(uow, original, entries, now))
                uow.sales.update_snapshot(result)
            coupons_back = (returned_coupon_entries(uow, snap, original.id, now)
                            if fully_returned else [])
            if review:
                uow.audit.record(now, authorised_by.id, "tier_review", member_id or "",
                                 {"return": receipt_no_new, "reason": review})
            for joined, tier_entries, why in joined_decisions:
                if tier_entries:
                    book(uow, joined, tier_entries, now, sale_id=sale_id,
                         actor_id=authorised_by.id)
                    uow.outbox.append("tier.changed", {"member_id": joined, "at": now,
                                                       "sale_id": sale_id,
                                                       **entries_payload(joined, tier_entries)},
                                      now)
                if why:
                    uow.audit.record(now, authorised_by.id, "tier_review", joined,
                                     {"return": receipt_no_new, "reason": why})
            uow.audit.record(now, authorised_by.id, "return", receipt_no_new,
                             {"original": original.receipt_no, "refund_fen": paid_back,
                              "cashier": cashier.id, "member_closed": closed,
                              "forfeited_closed_fen": forfeited_fen})
            uow.outbox.append("sale.returned", {"sale": to_jsonable(result),
                                                "original_sale_id": original.id,
                                                "member_id": member_id,
                                                "shift_id": shift.id,
                                                **coupon_payload(CouponBooking(
                                                    tuple(coupons_back), ())),
                                                **entries_payload(member_id, entries)}, now)
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
            p = uow.passes.get_pass(pass_id)
            if not pass_refundable(p.uses_left, p.refunded):
                raise PassNotUsable(pass_id, "refunded" if p.refunded else "used_up")
            original = uow.sales.find_by_id(p.sale_id) if p.sale_id else None
            if original is None:
                raise UnknownSale(p.sale_id or pass_id)
            sold = next(s for s in original.lines if s.product_id == p.product_id)
            # The pass line as a return line of its unused share (it still earns, so the
            # points the sale gave are recomputed on what the member keeps).
            amount = pass_refund_fen(p.price_fen, p.uses_left, p.uses_total)
            src = original.snapshot.lines[sold.line_no - 1]
            line = replace(src, line_no=1, qty=1, gross_fen=amount, amount_fen=amount,
                           unit_price_fen=amount)
            tenders = _refund_tenders(uow, original, amount)
            forfeited = 0
            closed = _member_closed(uow, p.member_id)
            if closed:
                tenders, forfeited = _pay_out(tenders)
            receipt_no = uow.sales.next_receipt_no(uow.site.till().code, now.date())
            result = CompletedSale(
                sale_id=self._ids.new_id(), receipt_no=receipt_no, kind=SaleKind.RETURN,
                shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                cashier_name=cashier.display_name, created_at=now,
                rule_version=original.snapshot.rule_version, lines=(line,),
                tenders=tuple(tenders), change_fen=0,
                rounding_fen=amount - sum(t.amount_fen for t in tenders) - forfeited,
                forfeited_fen=forfeited,
                original_receipt_no=original.receipt_no)
            entries: list[Entry] = []
            shares: dict[int, int] = {1: 0}
            if not closed and original.snapshot.member:
                entries, shares, _review = _member_return(uow, original, [line], tenders,
                                                          receipt_no, now)
            uow.sales.add(result, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                          shift_id=shift.id, user_id=cashier.id, member_id=p.member_id,
                          card_id=original.card_id, points_shares=shares,
                          original_sale_id=original.id, authorised_by_id=authorised_by.id)
            uow.passes.add_pass_entry(pass_id, "refund", -p.uses_left, result.sale_id, now)
            if not closed:
                book(uow, p.member_id, entries, now, sale_id=result.sale_id, shift_id=shift.id,
                     tender=TenderKind.STORED_VALUE.value, actor_id=authorised_by.id)
                result = replace(result, member=_member_after(uow, original, entries, now))
            uow.sales.update_snapshot(result)
            uow.audit.record(now, authorised_by.id, "pass_refunded", pass_id,
                             {"uses_left": p.uses_left, "refund_fen": amount,
                              "receipt_no": receipt_no})
            uow.outbox.append("sale.returned", {"sale": to_jsonable(result),
                                                "original_sale_id": original.id,
                                                "member_id": p.member_id, "pass_id": pass_id,
                                                "passes": [{"op": "refund", "pass_id": pass_id,
                                                            "uses": p.uses_left}],
                                                "shift_id": shift.id,
                                                **entries_payload(p.member_id, entries)}, now)
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


def _member_closed(uow: UnitOfWork, member_id: str) -> bool:
    return member_closed([c.status for c in uow.cards.cards_of(member_id)])


def _pay_out(tenders: list[Tender]) -> tuple[list[Tender], int]:
    """A cancelled membership has no account to credit: the customer is paid out, cash for
    what went back to the balance, the original tender otherwise.

    What the cancellation itself would have forfeited is not paid out: the bonus share of a
    stored-value tender (bonus money never leaves as cash, membership-rules §5) and the points
    tender (points are not money; §6 cancel refunds the paid-in balance only and forfeits the
    points). So a return after the cancellation gives the customer exactly what a return
    before it followed by the cancellation would have: the order does not matter. The
    forfeited amount is returned (shown on the receipt, audited, carried by the event)."""
    out: list[Tender] = []
    forfeited = 0
    cash = 0
    for t in tenders:
        if t.kind is TenderKind.STORED_VALUE:
            cash += t.sv_paid_fen
            forfeited += t.sv_bonus_fen
        elif t.kind is TenderKind.POINTS:
            forfeited += t.amount_fen
        elif t.kind is TenderKind.CASH:
            cash += t.amount_fen
        else:
            out.append(t)
    if cash:
        out.append(Tender(TenderKind.CASH, cash, received_fen=cash))
    return out, forfeited


def _prior_returns(uow: UnitOfWork, original: StoredSale) -> list[CompletedSale]:
    out = []
    for receipt in uow.sales.returns_of(original.id):
        stored = uow.sales.find_by_receipt(receipt)
        if stored is not None:
            out.append(stored.snapshot)
    return out


def _member_return(uow: UnitOfWork, original: StoredSale, lines: list[PricedLine],
                   tenders: list[Tender], receipt_no: str, now: datetime
                   ) -> tuple[list[Entry], dict[int, int], str | None]:
    """The member's entries for a return, from the domain ledger: points recomputed on what
    the member keeps, gift points back, the refund to the balance, and the tier that follows."""
    snap = original.snapshot
    member = snap.member
    assert member is not None and original.member_id is not None
    sale_rules = uow.rules.current(original.created_at)
    earned = PointsEarned(member.points_earned - member.bonus_points, member.bonus_points)
    prior = _prior_returns(uow, original)
    taken = PointsEarned(sum(-(r.member.points_earned - r.member.bonus_points)
                             for r in prior if r.member),
                         sum(-r.member.bonus_points for r in prior if r.member))
    non_earning = sum(t.amount_fen for t in snap.tenders
                      if t.kind.value in sale_rules.non_earning_tenders)
    sale_eligible = sale_eligible_fen(snap.basket.eligible_fen, non_earning, snap.rounding_fen)
    returned_before = sum(line.amount_fen for r in prior for line in r.lines
                          if line.earns_points)
    returning = sum(line.amount_fen for line in lines if line.earns_points)
    kept = kept_eligible_fen(sale_eligible, snap.basket.eligible_fen,
                             snap.basket.eligible_fen - returned_before - returning)
    note = original.receipt_no
    entries: list[Entry] = list(return_points_entries(
        earned, taken, kept, sale_rules, note, extra_points=member.promo_points,
        sale_eligible=sale_eligible))
    entries += gift_return_entries((line.redeemed_points for line in lines), note)
    entries += refund_tender_entries(
        [(t.sv_paid_fen, t.sv_bonus_fen) for t in tenders if t.kind is TenderKind.STORED_VALUE],
        sum(t.points_used for t in tenders if t.kind is TenderKind.POINTS), note)
    back = -sum(e.spendable for e in entries
                if e.kind in (EntryKind.RETURN, EntryKind.BONUS_REVERSAL))
    eligible_lines = [line for line in lines if line.earns_points]
    shares_list = allocate(back, [line.amount_fen for line in eligible_lines]) \
        if eligible_lines else []
    shares = {line.line_no: n for line, n in zip(eligible_lines, shares_list, strict=True)}
    tier_entries, review = _tier_after_return(uow, original, entries, returning,
                                              original.member_id, receipt_no, now)
    return entries + tier_entries, shares, review


def _join_tier_kept(uow: UnitOfWork, member_id: str, rules: RuleSet,
                    extra_returned: dict[str, int]) -> Tier | None:
    """The best tier a joining receipt of the member still gives, net of its returns."""
    best: Tier | None = None
    for _at, _card, kind, _by, _shop, detail in uow.cards.card_events(member_id):
        receipt = detail.get("join_receipt") if isinstance(detail, dict) else None
        if kind not in ("issued", "upgraded") or not receipt:
            continue
        sale = uow.sales.find_by_receipt(receipt)
        if sale is None:
            continue
        eligible = join_eligible_fen(
            (line.earns_points, line.amount_fen) for line in sale.snapshot.lines)
        returned = sum(s.returned_amount_fen for s, line in zip(sale.lines, sale.snapshot.lines,
                                                                  strict=True)
                       if line.earns_points) + extra_returned.get(sale.id, 0)
        tier = join_tier(None, eligible - returned, rules)
        if tier is not None and (best is None or tier.rank > best.rank):
            best = tier
    return best


def _tier_after_return(uow: UnitOfWork, original: StoredSale, entries: list[Entry],
                       returning_eligible_fen: int, member_id: str, receipt_no: str,
                       now: datetime) -> tuple[list[Entry], str | None]:
    """A tier never silently survives the return that took away what earned it: when the
    member qualified for the tier before this return (by points or a joining receipt) and no
    longer does, the rule set lowers it or puts it up for review."""
    rules = uow.rules.current(now)
    account = uow.accounts.get_account(member_id)
    current = rules.tier(account.tier_code)
    before = Balances(account.balance_paid_fen, account.balance_bonus_fen,
                      account.spendable_points, account.accumulated_points)
    after = before.after(entries)
    deserved_after = tier_deserved(
        after.accumulated,
        _join_tier_kept(uow, member_id, rules, {original.id: returning_eligible_fen}), rules)
    if deserved_after.rank >= current.rank:
        return [], None
    snap_member = original.snapshot.member
    gained_here = bool(snap_member and snap_member.member_id == member_id
                       and snap_member.upgraded_to == current.code)
    floor = rules.base_tier
    if gained_here and snap_member and snap_member.tier_before:
        floor = rules.tier(snap_member.tier_before)   # back to where the sale found it
    elif not gained_here:
        deserved_before = tier_deserved(before.accumulated,
                                        _join_tier_kept(uow, member_id, rules, {}), rules)
        if deserved_before.rank < current.rank:
            return [], None    # the tier did not rest on points or a receipt (e.g. imported)
    if floor.rank > deserved_after.rank:
        deserved_after = floor
    decision = tier_after_loss(account.tier_code, deserved_after, rules,
                               f"return {receipt_no} of {original.receipt_no}")
    return list(decision.entries), decision.review


def _member_after(uow: UnitOfWork, original: StoredSale, entries: list[Entry], now: datetime
                  ) -> MemberOnSale:
    """The member part of the return receipt, read back after the entries were booked."""
    member_id = original.member_id
    assert member_id is not None
    account = uow.accounts.get_account(member_id)
    rules = uow.rules.current(now)
    tier = rules.tier(tier_after(account.tier_code, entries))
    snap_member = original.snapshot.member
    base_back = -sum(e.spendable for e in entries if e.kind is EntryKind.RETURN)
    bonus_back = -sum(e.spendable for e in entries if e.kind is EntryKind.BONUS_REVERSAL)
    gift_back = sum(e.spendable for e in entries if e.kind is EntryKind.GIFT_RETURN)
    need, step = next_ladder_step(account.spendable_points, rules)
    return MemberOnSale(
        member_id=member_id, name=account.name, mobile=account.mobile or "",
        card_no=snap_member.card_no if snap_member else "", tier_code=tier.code,
        tier_name_zh=tier.name_zh, tier_name_en=tier.name_en,
        points_earned=-(base_back + bonus_back), bonus_points=-bonus_back,
        points_redeemed=-gift_back,
        spendable_after=account.spendable_points, accumulated_after=account.accumulated_points,
        balance_after_fen=account.balance_fen,
        lottery=is_lottery_balance(account.spendable_points, rules),
        next_step_points=need, next_step_cap_fen=step.cap_fen)
