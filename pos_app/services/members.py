"""Member accounts for managers: profile, ledger history, top-ups and refunds of balance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from pos_app.domain.card import CardState
from pos_app.domain.documents import StoredValueSlip
from pos_app.domain.errors import (
    ShiftNotOpen,
    UnknownCard,
    UnknownMember,
    ValidationFailed,
)
from pos_app.domain.errors import PosError
from pos_app.domain.ledger import (
    LedgerLine,
    BROUGHT_OVER_KINDS,
    TierLapse,
    earned_in_window,
    entries_payload,
    tier_lapse,
    tier_validity_entries,
    top_up_entries,
    window_start,
    withdrawal_entries,
)
from pos_app.domain.rules import RuleSet, Tier
from pos_app.domain.member import MemberAccount
from pos_app.domain.money import MAX_AMOUNT_FEN
from pos_app.domain.tenders import TOP_UP_TENDERS, TenderKind
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import PassRecord, UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.ledger_writer import book

if TYPE_CHECKING:
    from pos_app.services.selling import SellingService



@dataclass(frozen=True)
class MemberProfile:
    account: MemberAccount
    cards: tuple[CardState, ...]
    passes: tuple[PassRecord, ...]


class MemberService:
    """Reads of a member's account and the stored-value money movements a manager makes."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource,
                 spend: SellingService | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        # 取款 takes money off the chain-wide balance: it goes through the sale's own
        # authorisation path (PIN above the rule set's amount, head office online, the
        # offline allowance offline). Without one (core tests) nothing is asked of anyone.
        self._spend = spend

    def profile(self, member_id: str) -> MemberProfile:
        with self._uow() as uow:
            account = uow.accounts.find_account(member_id)
            if account is None:
                raise UnknownMember(member_id)
            return MemberProfile(account, tuple(uow.cards.cards_of(member_id)),
                                 tuple(uow.passes.passes_of(member_id)))

    def history(self, member_id: str, limit: int = 200) -> list[LedgerLine]:
        """Points and stored-value entries, newest first, each with the receipt of its sale."""
        with self._uow() as uow:
            return uow.ledgers.ledger(member_id, limit)

    def top_up(self, actor: User, card_no: str, amount_fen: int, tender: TenderKind,
               reference: str = "") -> StoredValueSlip:
        """充值: money in, balance up, the rule set's bonus kept apart; one transaction.
        The rule set's `topup_role` says who may (a cashier at the till key, or a manager)."""
        with self._uow() as uow:
            needed = uow.rules.current(self._clock.now()).topup_role
        require_role(actor, needed, "top_up")
        if tender not in TOP_UP_TENDERS:
            raise ValidationFailed("top_up_tender", "top up with cash, bank card, WeChat or Alipay")
        if not 0 < amount_fen <= MAX_AMOUNT_FEN:
            raise ValidationFailed("amount", "enter the amount to top up")
        return self._move(actor, card_no, amount_fen, tender, reference, refund=False)

    def refund_balance(self, actor: User, card_no: str, amount_fen: int,
                       tender: TenderKind = TenderKind.CASH,
                       member_pin: str | None = None) -> StoredValueSlip:
        """退卡/取款: pay back paid-in money only (bonus is never refunded); authorised like
        every stored-value spend (PIN, head office or the offline allowance)."""
        require_role(actor, "manager", "refund_balance")
        if not 0 < amount_fen <= MAX_AMOUNT_FEN:
            raise ValidationFailed("amount", "enter the amount to refund")
        mark = ""
        if self._spend is not None:
            now = self._clock.now()
            with self._uow() as uow:
                card = uow.cards.find_card(card_no)
                if card is None:
                    raise UnknownCard(card_no)
                card.check_usable(now.date())
                account = uow.accounts.get_account(card.member_id)
                rules = uow.rules.current(now)
                # What the rule set forbids is refused before anyone is asked.
                withdrawal_entries(amount_fen, account.balance_paid_fen,
                                   account.balance_bonus_fen, rules)
            # A member without a PIN: the manager paying out stands in for it, as at a sale
            # (rule set no_pin_stored_value = "manager"); a member with one types it.
            waived = not account.has_pin and rules.no_pin_stored_value == "manager"
            mark = self._spend.authorise_spend(account, card.card_no, amount_fen, 0,
                                               member_pin, rules, waived) or ""
        return self._move(actor, card_no, amount_fen, tender, mark, refund=True)

    def _move(self, actor: User, card_no: str, amount_fen: int, tender: TenderKind,
              reference: str, refund: bool) -> StoredValueSlip:
        now = self._clock.now()
        with self._uow() as uow:
            card = uow.cards.find_card(card_no)
            if card is None:
                raise UnknownCard(card_no)
            card.check_usable(now.date())
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            if shift is None and tender is TenderKind.CASH:
                raise ShiftNotOpen()
            account = uow.accounts.get_account(card.member_id)
            rules = uow.rules.current(now)
            if refund:
                # 取款: the bonus the withdrawn money brought in goes with it (rule set).
                entries = withdrawal_entries(amount_fen, account.balance_paid_fen,
                                             account.balance_bonus_fen, rules)
                kind = "refund_balance"
            else:
                entries = top_up_entries(amount_fen, rules)
                kind = "topup"
            paid = sum(e.paid_fen for e in entries)
            bonus = sum(e.bonus_fen for e in entries)
            entry_ids = [uow.ledgers.add_stored_value(
                account.id, e.kind.value, e.paid_fen, e.bonus_fen, now, tender=tender.value,
                reference=reference, shift_id=shift.id if shift else None) for e in entries]
            entry_id = entry_ids[0]
            # Top-ups and refunds of balance number in their own series, apart from sales.
            receipt_no = uow.sales.next_document_no(uow.site.till().code, now.date(), "V")
            uow.audit.record(now, actor.id, kind, card_no,
                             {"paid_fen": paid, "bonus_fen": bonus, "tender": tender.value,
                              "receipt_no": receipt_no})
            uow.outbox.append(f"stored_value.{kind}", {
                "entry_id": entry_id, "member_id": account.id, "card_no": card_no,
                "paid_fen": paid, "bonus_fen": bonus, "tender": tender.value,
                "reference": reference, "receipt_no": receipt_no,
                "shift_id": shift.id if shift else None,
                **entries_payload(account.id, entries)}, now)
            after = uow.accounts.get_account(account.id)
            uow.commit()
            return StoredValueSlip(entry_id=entry_id, receipt_no=receipt_no,
                             shop_code=uow.site.shop().code, till_code=uow.site.till().code,
                             cashier_name=actor.display_name, created_at=now,
                             member_name=account.name, mobile=account.mobile or "",
                             card_no=card_no, paid_fen=paid, bonus_fen=bonus, tender=tender,
                             balance_paid_after_fen=after.balance_paid_fen,
                             balance_bonus_after_fen=after.balance_bonus_fen,
                             reference=reference, is_refund=refund)

    def review_tiers(self, actor: User | None = None) -> list[tuple[str, str, str]]:
        """The daily tier review of a rolling validity window (rule set `tier_validity_months`):
        members whose points in the window (or a joining receipt inside it) no longer keep
        their tier are lowered or recorded for review as the rule set says. Returns
        (member id, from, to or "review") for each member touched."""
        now = self._clock.now()
        done: list[tuple[str, str, str]] = []
        with self._uow() as uow:
            rules = uow.rules.current(now)
            if rules.tier_validity_months is None:
                return []
            since = window_start(now.date(), rules.tier_validity_months)
            start = datetime(since.year, since.month, since.day)
            for member_id, code in uow.accounts.members_above_tier(rules.base_tier.code):
                decision = tier_validity_entries(
                    code, earned_in_window(uow.ledgers.accumulated_by_kind_since(member_id, start)),
                    _join_tier_since(uow, member_id, start, rules), rules,
                    f"validity {rules.tier_validity_months} months")
                if decision.entries:
                    book(uow, member_id, decision.entries, now,
                         actor_id=actor.id if actor else None)
                    uow.outbox.append("tier.changed", {"member_id": member_id, "at": now,
                                                       **entries_payload(member_id,
                                                                         decision.entries)},
                                      now)
                    done.append((member_id, code, decision.entries[-1].tier))
                elif decision.review:
                    uow.audit.record(now, actor.id if actor else None, "tier_review", member_id,
                                     {"reason": decision.review})
                    done.append((member_id, code, "review"))
            uow.commit()
        return done


def _join_tier_since(uow: UnitOfWork, member_id: str, start: datetime, rules: RuleSet
                     ) -> Tier | None:
    """The best tier a joining receipt gave the member inside the window."""
    best: Tier | None = None
    for at, _card, kind, _by, _shop, detail in uow.cards.card_events(member_id):
        if at < start or not isinstance(detail, dict) or not detail.get("join_receipt"):
            continue
        code = detail.get("tier") if kind == "issued" else detail.get("to")
        if not code:
            continue
        try:
            tier = rules.tier(str(code))
        except PosError:
            continue
        if best is None or tier.rank > best.rank:
            best = tier
    return best


def tier_lapse_of(uow: UnitOfWork, member_id: str, tier_code: str, now: datetime,
                  rules: RuleSet, earned_now: int = 0) -> TierLapse | None:
    """When the member's tier stops holding under the rolling window, if that is within the
    notice period: told ahead on the receipt and the member panel. `earned_now`: accumulated
    points of a sale not booked yet."""
    if rules.tier_validity_months is None or tier_code == rules.base_tier.code:
        return None
    since = window_start(now.date(), rules.tier_validity_months)
    start = datetime(since.year, since.month, since.day)
    earned = [(day, n) for day, kind, n in uow.ledgers.accumulated_by_day(member_id, start)
              if kind not in BROUGHT_OVER_KINDS]
    if earned_now:
        earned = [*earned, (now.date(), earned_now)]
    joins: list[tuple[date, str]] = []
    for at, _card, kind, _by, _shop, detail in uow.cards.card_events(member_id):
        if at < start or not isinstance(detail, dict) or not detail.get("join_receipt"):
            continue
        code = detail.get("tier") if kind == "issued" else detail.get("to")
        if code:
            joins.append((at.date(), str(code)))
    return tier_lapse(tier_code, now.date(), earned, joins, rules)
