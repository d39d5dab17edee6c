"""The card lifecycle for managers: register and issue, report lost, unblock, replace, renew,
cancel, member PINs and benefit hand-overs. Every action is audited, queued for head office and
commits whole or not at all."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import (
    CardAction,
    CardEventKind,
    CardKind,
    CardState,
    CardStatus,
    allowed,
    mask_mobile,
    mask_name,
)
from pos_app.domain.codec import to_jsonable
from pos_app.domain.documents import CardSlip
from pos_app.domain.errors import (
    BenefitAlreadyGiven,
    CardAlreadyBound,
    CardNeverExpires,
    ConfirmationRequired,
    DuplicateMember,
    IdentityNotConfirmed,
    ShiftNotOpen,
    UnknownCard,
    UnknownMember,
    UnknownSale,
    ValidationFailed,
    WrongPin,
)
from pos_app.domain.member import MemberAccount, normalise_mobile
from pos_app.domain.ledger import (
    Balances,
    cancel_entries,
    entries_payload,
    fee_entries,
    join_eligible_fen,
    join_tier,
    referral_entries,
    tier_change,
)
from pos_app.domain.pricing import BasketItem, price_line
from pos_app.domain.rules import RuleSet
from pos_app.domain.sale import CompletedSale, SaleKind, receipt_no_from_scan
from pos_app.domain.tenders import TenderInput, TenderKind, Wallet, split_tenders
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import PinHasher, UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role, validate_pin
from pos_app.services.ledger_writer import book
from pos_app.services.promotions import CouponBooking, coupon_payload, registration_coupons
from pos_app.services.selling import SellingService, birthday_due, quarter_of
from pos_app.sync.events import HybridLogicalClock

CARD_NO_MAX = 40
# The fee items `pos init` creates (excluded goods: no discount, no points).
FEE_CARD = "FEE-CARD"
FEE_ANNUAL = "FEE-ANNUAL"
FEE_REPLACEMENT = "FEE-REPLACE"


@dataclass(frozen=True)
class MemberForm:
    name: str
    mobile: str
    gender: str = ""                 # "M", "F" or ""
    birthday: str = ""               # YYYY-MM-DD (lunar leap month: YYYY-L04-15)
    birthday_calendar: str = "solar"
    consent_messages: bool = False
    referrer_card_no: str = ""
    id_check: str = ""               # ID-card last six digits or a security answer
    notes: str = ""


@dataclass(frozen=True)
class CardBinding:
    """The physical card being bound: a swiped number, a tapped chip, or a printed number."""

    card_no: str
    kind: CardKind = CardKind.MAGSTRIPE
    uid: str | None = None


@dataclass(frozen=True)
class IdentityCheck:
    mobile: str
    answer: str = ""
    manager_confirmed: bool = False  # the manager saw the ID card (when no answer is on file)


@dataclass(frozen=True)
class CardHistoryLine:
    at: datetime
    card_no: str
    kind: str
    by: str | None
    shop: str | None
    detail: dict[str, Any]


def _check_card_no(card_no: str) -> str:
    card_no = card_no.strip()
    if not card_no or len(card_no) > CARD_NO_MAX or not card_no.isalnum():
        raise ValidationFailed("card_no", "a card number is letters and digits, up to 40")
    return card_no


def _answer_hash(member_id: str, answer: str) -> str:
    # Salted with the member id: the answer is short, so it is kept as a keyed hash and
    # compared in constant time; it is never stored or logged in clear.
    return hmac.new(member_id.encode(), answer.strip().upper().encode(), hashlib.sha256).hexdigest()


class CardService:
    """Manager actions on members and their cards."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource,
                 hasher: PinHasher, spend: SellingService | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._hasher = hasher
        # A fee paid from the balance goes through the sale's own authorisation path.
        self._spend = spend or SellingService(uow, clock, ids, hasher)
        # Member edits merge field by field at head office by hybrid logical clock.
        self._hlc = HybridLogicalClock(lambda: int(clock.now().timestamp() * 1000))

    # -- register and issue (办卡) -----------------------------------------------------------
    def check_register(self, form: MemberForm, binding: CardBinding,
                       fee_tender: TenderKind = TenderKind.CASH) -> None:
        """Raise what `register` would raise for this form and card, without writing
        (the card fee's open shift included, so a chip is never written for a card whose fee
        cannot be taken)."""
        with self._uow() as uow:
            self._validated(uow, form, binding)
            rules = uow.rules.current(self._clock.now())
            self._check_fee(uow, FEE_CARD, rules.card_fee_fen + rules.annual_fee_fen, fee_tender)

    def _check_fee(self, uow: UnitOfWork, sku: str, fee_fen: int, tender: TenderKind) -> None:
        """What `_take_fee` would refuse, checked before anything is written."""
        if fee_fen <= 0:
            return
        if tender not in (TenderKind.CASH, TenderKind.BANK_CARD, TenderKind.WECHAT,
                          TenderKind.ALIPAY, TenderKind.STORED_VALUE):
            raise ValidationFailed("fee_tender", "take the fee in cash, by card, WeChat, Alipay or "
                                             "from the balance")
        if uow.shifts.open_shift_of(uow.site.till_id()) is None:
            raise ShiftNotOpen()
        if uow.catalog.find_by_code(sku) is None:
            raise ValidationFailed("fee", f"the fee item {sku} is missing: run `pos init`")

    def _validated(self, uow: UnitOfWork, form: MemberForm, binding: CardBinding
                   ) -> tuple[str, str, Birthday | None, str, str | None]:
        name = form.name.strip()
        if not name or len(name) > 60:
            raise ValidationFailed("name", "enter the member's name (up to 60 characters)")
        mobile = normalise_mobile(form.mobile)
        if form.gender not in ("", "M", "F"):
            raise ValidationFailed("gender", "gender is M, F or empty")
        birthday = Birthday.parse(form.birthday, form.birthday_calendar) if form.birthday else None
        card_no = _check_card_no(binding.card_no)
        self._check_free(uow, card_no, binding.uid, mobile)
        referrer_id = None
        if form.referrer_card_no.strip():
            ref = uow.cards.find_card(form.referrer_card_no.strip())
            if ref is None:
                raise UnknownCard(form.referrer_card_no.strip())
            referrer_id = ref.member_id
        return name, mobile, birthday, card_no, referrer_id

    def register(self, actor: User, form: MemberForm, binding: CardBinding,
                 join_receipt_no: str = "", closes_intent: str | None = None,
                 fee_tender: TenderKind = TenderKind.CASH,
                 member_pin: str | None = None) -> CardSlip:
        """A new member with a first card; join-by-purchase tier and referral points apply."""
        require_role(actor, "manager", "register_member")
        now = self._clock.now()
        with self._uow() as uow:
            rules = uow.rules.current(now)
            name, mobile, birthday, card_no, referrer_id = self._validated(uow, form, binding)
            tier = rules.base_tier
            if join_receipt_no:
                tier = self._join_tier(uow, rules, join_receipt_no, now, None) or tier
            member_id = self._ids.new_id()
            account = MemberAccount(id=member_id, name=name, mobile=mobile,
                                    tier_code=tier.code, spendable_points=0,
                                    accumulated_points=0, balance_paid_fen=0,
                                    balance_bonus_fen=0, gender=form.gender, birthday=birthday,
                                    consent_messages=form.consent_messages,
                                    referrer_id=referrer_id)
            uow.accounts.add_member(account, now,
                                   _answer_hash(member_id, form.id_check) if form.id_check else None,
                                   now if form.consent_messages else None, form.notes.strip())
            expires = (now.date() + timedelta(days=rules.card_validity_days)
                       if rules.card_validity_days else None)
            card = CardState(card_no, binding.kind, CardStatus.ACTIVE, member_id, 1, expires,
                             uid=binding.uid.upper() if binding.uid else None)
            uow.cards.add_card(card, now)
            detail: dict[str, Any] = {"kind": binding.kind.value, "tier": tier.code}
            if join_receipt_no:
                detail["join_receipt"] = receipt_no_from_scan(join_receipt_no)
            uow.cards.add_card_event(card_no, member_id, CardEventKind.ISSUED.value, now,
                                       actor.id, detail)
            referral = None
            ref_entries = referral_entries(rules, card_no) if referrer_id else ()
            if referrer_id and ref_entries:
                book(uow, referrer_id, ref_entries, now, actor_id=actor.id)
                referral = {"referrer_id": referrer_id, "points": rules.referral_points}
            uow.audit.record(now, actor.id, "member_registered", card_no,
                             {"member_id": member_id, "tier": tier.code})
            # A welcome coupon (优惠券 on registration) when the rule set names a template
            # this till has pulled.
            welcome = registration_coupons(uow, self._ids, rules, member_id, now)
            if closes_intent:
                uow.audit.record(now, actor.id, "ic_write_done", closes_intent, {"card_no": card_no})
            uow.outbox.append("member.registered", {
                "member": {"id": member_id, "name": name, "mobile": mobile, "gender": form.gender,
                           "birthday": birthday.to_text() if birthday else None,
                           "birthday_calendar": birthday.calendar.value if birthday else "solar",
                           "consent_messages": form.consent_messages, "tier_code": tier.code,
                           "referrer_id": referrer_id},
                "card": {"card_no": card_no, "kind": binding.kind.value, "uid": card.uid,
                         "expires_on": expires, "generation": 1},
                "referral": referral,
                **coupon_payload(CouponBooking((), welcome)),
                **entries_payload(referrer_id, ref_entries)}, now)
            fee = rules.card_fee_fen + rules.annual_fee_fen
            fee_sale = self._take_fee(uow, actor, FEE_CARD, fee, fee_tender, member_id, card_no,
                                      now, None)
            slip = self._slip(uow, actor, CardEventKind.ISSUED, account, card_no, now,
                              expires_on=expires, tier_code=tier.code, fee_fen=fee,
                              fee_sale=fee_sale)
            uow.commit()
            return slip

    def _check_free(self, uow: UnitOfWork, card_no: str, uid: str | None,
                    mobile: str | None) -> None:
        existing = uow.cards.find_card(card_no)
        if existing is not None:
            owner = uow.accounts.find_account(existing.member_id)
            raise CardAlreadyBound(card_no, mask_name(owner.name if owner else ""))
        if uid:
            chip = uow.cards.find_card_by_uid(uid)
            if chip is not None:
                owner = uow.accounts.find_account(chip.member_id)
                raise CardAlreadyBound(chip.card_no, mask_name(owner.name if owner else ""))
        if mobile:
            other = uow.accounts.find_by_mobile(mobile)
            if other is not None:
                raise DuplicateMember("mobile", mask_mobile(mobile), mask_name(other.name))

    def _join_tier(self, uow: UnitOfWork, rules: RuleSet, receipt: str, now: datetime,
                   member_id: str | None):
        """Join by purchase: only goods that earn points count, on the person's own receipt of
        the same day, not yet used to join, net of anything returned from it."""
        receipt_no = receipt_no_from_scan(receipt)
        sale = uow.sales.find_by_receipt(receipt_no)
        if sale is None or sale.kind != "sale":
            raise UnknownSale(receipt_no)
        if sale.created_at.date() != now.date():
            raise ValidationFailed("receipt", "only a receipt from today qualifies")
        if sale.member_id is not None and sale.member_id != member_id:
            raise ValidationFailed("receipt", "the receipt belongs to another member")
        if uow.cards.find_card_event("issued", f'"join_receipt": "{receipt_no}"') or \
                uow.cards.find_card_event("upgraded", f'"join_receipt": "{receipt_no}"'):
            raise ValidationFailed("receipt", "this receipt was already used to join")
        kept = join_eligible_fen(
            (line.earns_points, sold.amount_fen - sold.returned_amount_fen)
            for line, sold in zip(sale.snapshot.lines, sale.lines, strict=True))
        tier = join_tier(None, kept, rules)
        if tier is None:
            raise ValidationFailed("receipt", "the goods on the receipt that earn points are "
                                              "below the amount for a tier")
        return tier

    def upgrade_by_receipt(self, actor: User, card_no: str, receipt: str) -> CardSlip:
        """A lower-tier member shows a same-day receipt that qualifies for a higher tier."""
        require_role(actor, "manager", "upgrade_tier")
        now = self._clock.now()
        with self._uow() as uow:
            card = self._usable_card(uow, card_no, now.date())
            account = uow.accounts.get_account(card.member_id)
            rules = uow.rules.current(now)
            tier = self._join_tier(uow, rules, receipt, now, account.id)
            if rules.tier(account.tier_code).rank >= tier.rank:
                raise ValidationFailed("receipt", "the member already has this tier or better")
            book(uow, account.id, (tier_change(account.tier_code, tier.code, "join_receipt"),),
                 now, actor_id=actor.id)
            uow.cards.add_card_event(card.card_no, account.id, "upgraded", now, actor.id,
                                       {"to": tier.code,
                                        "join_receipt": receipt_no_from_scan(receipt)})
            uow.audit.record(now, actor.id, "tier_upgraded", card.card_no,
                             {"from": account.tier_code, "to": tier.code})
            uow.outbox.append("member.updated", {"member_id": account.id,
                                                 "fields": {"tier_code": tier.code},
                                                 "hlc": self._hlc.now(), "at": now}, now)
            slip = self._slip(uow, actor, CardEventKind.ISSUED, account, card.card_no, now,
                              tier_code=tier.code)
            uow.commit()
            return slip

    # -- identity and lookups ---------------------------------------------------------------
    def _card(self, uow: UnitOfWork, card_no: str) -> CardState:
        card = uow.cards.find_card(card_no.strip())
        if card is None:
            raise UnknownCard(card_no)
        return card

    def _usable_card(self, uow: UnitOfWork, card_no: str, today: date) -> CardState:
        card = self._card(uow, card_no)
        card.check_usable(today)
        return card

    def _confirm(self, uow: UnitOfWork, member_id: str, identity: IdentityCheck) -> None:
        account = uow.accounts.find_account(member_id)
        if account is None:
            raise UnknownMember(member_id)
        try:
            mobile = normalise_mobile(identity.mobile)
        except ValidationFailed:
            raise IdentityNotConfirmed("mobile") from None
        # The till keeps a keyed hash of the number, not the number: ask the store whose it is.
        owner = uow.accounts.find_by_mobile(mobile)
        if owner is None or owner.id != member_id:
            raise IdentityNotConfirmed("mobile")
        stored = uow.accounts.id_check_hash(member_id)
        if stored:
            if not hmac.compare_digest(stored, _answer_hash(member_id, identity.answer)):
                raise IdentityNotConfirmed("answer")
        elif not identity.manager_confirmed:
            raise IdentityNotConfirmed("id_card")

    # -- report lost (挂失) / unblock (解挂) --------------------------------------------------
    def report_lost(self, actor: User, card_no: str, identity: IdentityCheck) -> CardSlip:
        """Block the card at once; every sale, payment and earning with it is refused."""
        require_role(actor, "manager", "report_lost")
        now = self._clock.now()
        with self._uow() as uow:
            card = self._card(uow, card_no)
            status = card.check(CardAction.REPORT_LOST)
            self._confirm(uow, card.member_id, identity)
            return self._set_status(uow, actor, card, status, CardEventKind.LOST, now)

    def unblock(self, actor: User, card_no: str, identity: IdentityCheck) -> CardSlip:
        """A lost card that turned up, if it was not replaced meanwhile."""
        require_role(actor, "manager", "unblock")
        now = self._clock.now()
        with self._uow() as uow:
            card = self._card(uow, card_no)
            status = card.check(CardAction.UNBLOCK)
            self._confirm(uow, card.member_id, identity)
            return self._set_status(uow, actor, card, status, CardEventKind.UNBLOCKED,
                                    now)

    def _set_status(self, uow: UnitOfWork, actor: User, card: CardState, status: CardStatus,
                    event: CardEventKind, now: datetime) -> CardSlip:
        shop_id = uow.site.shop_id()
        uow.cards.set_card_status(card.card_no, status.value, now, shop_id)
        uow.cards.add_card_event(card.card_no, card.member_id, event.value, now, actor.id, {})
        uow.audit.record(now, actor.id, f"card_{event.value}", card.card_no,
                         {"member_id": card.member_id})
        uow.outbox.append(f"card.{event.value}", {"card_no": card.card_no,
                                                  "member_id": card.member_id, "at": now,
                                                  "generation": card.generation}, now)
        account = uow.accounts.get_account(card.member_id)
        slip = self._slip(uow, actor, event, account, card.card_no, now,
                          expires_on=card.expires_on)
        uow.commit()
        return slip

    # -- replace (补卡/换卡) -------------------------------------------------------------------
    def check_replace(self, old_card_no: str, new_card_no: str, uid: str | None,
                      identity: IdentityCheck, fee_tender: TenderKind = TenderKind.CASH) -> int:
        """Raise what `replace` would raise (the fee's open shift included); the new card's
        generation otherwise."""
        with self._uow() as uow:
            old = self._replaceable(uow, old_card_no, _check_card_no(new_card_no), uid, identity)
            rules = uow.rules.current(self._clock.now())
            self._check_fee(uow, FEE_REPLACEMENT, rules.replacement_fee_fen, fee_tender)
            return max(c.generation for c in uow.cards.cards_of(old.member_id)) + 1

    def _replaceable(self, uow: UnitOfWork, old_card_no: str, new_no: str, uid: str | None,
                     identity: IdentityCheck) -> CardState:
        old = self._card(uow, old_card_no)
        old.check(CardAction.REPLACE)
        self._confirm(uow, old.member_id, identity)
        self._check_free(uow, new_no, uid, None)
        return old

    def replace(self, actor: User, old_card_no: str, binding: CardBinding,
                identity: IdentityCheck, closes_intent: str | None = None,
                fee_tender: TenderKind = TenderKind.CASH,
                member_pin: str | None = None) -> CardSlip:
        """A new card for the same member; the old one is dead for good (generation bumped)."""
        require_role(actor, "manager", "replace_card")
        new_no = _check_card_no(binding.card_no)
        now = self._clock.now()
        mark = self._fee_mark_for(old_card_no, "replacement_fee_fen", fee_tender, member_pin)
        with self._uow() as uow:
            old = self._replaceable(uow, old_card_no, new_no, binding.uid, identity)
            rules = uow.rules.current(now)
            generation = max(c.generation for c in uow.cards.cards_of(old.member_id)) + 1
            # A replacement gets the validity a new card gets, or the old one's if later.
            # Without a card_validity_days a new card is perpetual (长期有效), so the
            # replacement is too, whatever the old card's expiry was; a perpetual old card
            # is later than any date, so its replacement stays perpetual.
            expires = None
            if rules.card_validity_days and old.expires_on is not None:
                fresh = now.date() + timedelta(days=rules.card_validity_days)
                expires = max(fresh, old.expires_on)
            new = CardState(new_no, binding.kind, CardStatus.ACTIVE, old.member_id, generation,
                            expires, uid=binding.uid.upper() if binding.uid else None)
            uow.cards.add_card(new, now)
            uow.cards.set_card_status(old.card_no, CardStatus.REPLACED.value, now,
                                        uow.site.shop_id(), replaced_by_card_no=new_no)
            fee = rules.replacement_fee_fen
            detail = {"old_card_no": old.card_no, "new_card_no": new_no,
                      "generation": generation, "fee_fen": fee}
            uow.cards.add_card_event(old.card_no, old.member_id, CardEventKind.REPLACED.value,
                                       now, actor.id, detail)
            uow.cards.add_card_event(new_no, old.member_id, CardEventKind.ISSUED.value, now,
                                       actor.id, {"replaces": old.card_no,
                                                  "kind": binding.kind.value})
            uow.audit.record(now, actor.id, "card_replaced", old.card_no, detail)
            if closes_intent:
                uow.audit.record(now, actor.id, "ic_write_done", closes_intent, {"card_no": new_no})
            uow.outbox.append("card.replaced", {"card_no": old.card_no, "member_id": old.member_id,
                                                "new_card_no": new_no, "kind": binding.kind.value,
                                                "uid": new.uid, "generation": generation,
                                                "expires_on": expires, "fee_fen": fee,
                                                "at": now}, now)
            fee_sale = self._take_fee(uow, actor, FEE_REPLACEMENT, fee, fee_tender, old.member_id,
                                      new_no, now, mark)
            account = uow.accounts.get_account(old.member_id)
            slip = self._slip(uow, actor, CardEventKind.REPLACED, account, new_no, now,
                              old_card_no=old.card_no, fee_fen=fee, expires_on=expires,
                              fee_sale=fee_sale)
            uow.commit()
            return slip

    # -- renew (延期) and cancel (注销) -------------------------------------------------------
    def renew(self, actor: User, card_no: str, days: int,
              fee_tender: TenderKind = TenderKind.CASH,
              member_pin: str | None = None) -> CardSlip:
        """Extend the expiry by `days` from the later of today and the current expiry."""
        require_role(actor, "manager", "renew_card")
        if not 0 < days <= 3_650:
            raise ValidationFailed("days", "extend by 1 to 3650 days")
        now = self._clock.now()
        mark = self._fee_mark_for(card_no, "annual_fee_fen", fee_tender, member_pin)
        with self._uow() as uow:
            card = self._card(uow, card_no)
            renewed_status = card.check(CardAction.RENEW)
            if card.expires_on is None:
                # 长期有效: any date would shorten its validity; it stays perpetual.
                raise CardNeverExpires(card.card_no)
            base = max(card.expires_on or now.date(), now.date())
            expires = base + timedelta(days=days)
            uow.cards.set_card_expiry(card.card_no, expires)
            if renewed_status is not card.status:
                uow.cards.set_card_status(card.card_no, renewed_status.value, now,
                                            uow.site.shop_id())
            fee = uow.rules.current(now).annual_fee_fen
            uow.cards.add_card_event(card.card_no, card.member_id, CardEventKind.RENEWED.value,
                                       now, actor.id, {"expires_on": expires, "fee_fen": fee})
            uow.audit.record(now, actor.id, "card_renewed", card.card_no,
                             {"expires_on": expires})
            uow.outbox.append("card.renewed", {"card_no": card.card_no, "expires_on": expires,
                                               "member_id": card.member_id, "at": now}, now)
            fee_sale = self._take_fee(uow, actor, FEE_ANNUAL, fee, fee_tender, card.member_id,
                                      card.card_no, now, mark)
            account = uow.accounts.get_account(card.member_id)
            slip = self._slip(uow, actor, CardEventKind.RENEWED, account, card.card_no, now,
                              expires_on=expires, fee_fen=fee, fee_sale=fee_sale)
            uow.commit()
            return slip

    def cancel(self, actor: User, card_no: str, identity: IdentityCheck, confirmed: bool
               ) -> CardSlip:
        """注销: refund the paid-in balance in cash, forfeit points and bonus, close every card."""
        require_role(actor, "manager", "cancel_membership")
        if not confirmed:
            raise ConfirmationRequired("cancel_membership")
        now = self._clock.now()
        with self._uow() as uow:
            card = self._card(uow, card_no)
            card.check(CardAction.CANCEL)
            self._confirm(uow, card.member_id, identity)
            account = uow.accounts.get_account(card.member_id)
            shift = uow.shifts.open_shift_of(uow.site.till_id())
            refund = max(account.balance_paid_fen, 0)
            if refund and shift is None:
                raise ShiftNotOpen()
            entries = cancel_entries(Balances(account.balance_paid_fen, account.balance_bonus_fen,
                                              account.spendable_points,
                                              account.accumulated_points), card.card_no)
            book(uow, account.id, entries, now, tender="cash",
                 shift_id=shift.id if shift else None, actor_id=actor.id)
            for c in uow.cards.cards_of(account.id):
                if allowed(c.status, CardAction.CANCEL):
                    uow.cards.set_card_status(c.card_no, CardStatus.CANCELLED.value, now,
                                                uow.site.shop_id())
            detail = {"refund_fen": refund, "bonus_forfeited_fen": account.balance_bonus_fen,
                      "points_forfeited": account.spendable_points}
            uow.cards.add_card_event(card.card_no, account.id, CardEventKind.CANCELLED.value,
                                       now, actor.id, detail)
            uow.audit.record(now, actor.id, "membership_cancelled", card.card_no, detail)
            uow.outbox.append("card.cancelled", {"card_no": card.card_no,
                                                 "member_id": account.id, "at": now, **detail,
                                                 **entries_payload(account.id, entries)}, now)
            slip = self._slip(uow, actor, CardEventKind.CANCELLED, account, card.card_no, now,
                              refund_fen=refund)
            uow.commit()
            return slip

    # -- member PIN ---------------------------------------------------------------------------
    def set_pin(self, actor: User, card_no: str, new_pin: str, old_pin: str | None = None,
                identity: IdentityCheck | None = None) -> None:
        """Set a first PIN, change it with the old one, or reset it with the identity check."""
        require_role(actor, "manager", "member_pin")
        validate_pin(new_pin)
        now = self._clock.now()
        with self._uow() as uow:
            card = self._usable_card(uow, card_no, now.date())
            current, _failed, _locked = uow.accounts.pin_state(card.member_id)
            how = "set"
            if current is not None:
                if old_pin is not None:
                    if not self._hasher.verify(current, old_pin):
                        raise WrongPin(0)
                    how = "changed"
                elif identity is not None:
                    self._confirm(uow, card.member_id, identity)
                    how = "reset"
                else:
                    raise IdentityNotConfirmed("old_pin")
            uow.accounts.set_pin(card.member_id, self._hasher.hash(new_pin), now)
            uow.cards.add_card_event(card.card_no, card.member_id, CardEventKind.PIN_SET.value,
                                       now, actor.id, {"how": how})
            uow.audit.record(now, actor.id, f"member_pin_{how}", card.card_no, {})
            uow.outbox.append("member.pin_set", {"member_id": card.member_id, "how": how,
                                                 "at": now}, now)
            uow.commit()

    # -- benefits ----------------------------------------------------------------------------
    def give_benefit(self, actor: User, card_no: str, kind: str) -> str:
        """Record the birthday gift (once a year) or the Diamond quarterly gift (once a quarter)."""
        now = self._clock.now()
        with self._uow() as uow:
            card = self._usable_card(uow, card_no, now.date())
            account = uow.accounts.get_account(card.member_id)
            rules = uow.rules.current(now)
            if kind == "birthday":
                occurrence = account.birthday.occurrence_on(now.date()) \
                    if account.birthday else None
                if occurrence is None:
                    raise ValidationFailed("benefit", "today is not the member's birthday")
                # Once per birthday occurrence: a lunar birthday may come twice in a year.
                period = occurrence
            elif kind == "quarterly":
                if not rules.tier(account.tier_code).quarterly_gift:
                    raise ValidationFailed("benefit", "the quarterly gift is for Diamond members")
                period = quarter_of(now.date())
            else:
                raise ValidationFailed("benefit", "benefit is birthday or quarterly")
            if uow.benefits.benefit_given(account.id, kind, period):
                raise BenefitAlreadyGiven(kind, period)
            uow.benefits.record_benefit(account.id, kind, period, now, actor.id, None)
            uow.audit.record(now, actor.id, "benefit_given", card.card_no,
                             {"kind": kind, "period": period})
            uow.outbox.append("benefit.given", {"member_id": account.id, "kind": kind,
                                                "period": period, "at": now}, now)
            uow.commit()
            return period

    # -- fees ---------------------------------------------------------------------------------
    def _fee_mark_for(self, card_no: str, fee_field: str, tender: TenderKind,
                      member_pin: str | None) -> str | None:
        if tender is not TenderKind.STORED_VALUE:
            return None
        with self._uow() as uow:
            card = self._card(uow, card_no)
            fee = int(getattr(uow.rules.current(self._clock.now()), fee_field))
        return self._fee_mark(card.member_id, card.card_no, fee, tender, member_pin)

    def _fee_mark(self, member_id: str, card_no: str, fee_fen: int, tender: TenderKind,
                  member_pin: str | None) -> str | None:
        """A fee from the balance is a stored-value spend like a sale's: PIN above the rule
        set's amount, head office online or the offline allowance, before the transaction."""
        if fee_fen <= 0 or tender is not TenderKind.STORED_VALUE:
            return None
        with self._uow() as uow:
            account = uow.accounts.find_account(member_id)
            rules = uow.rules.current(self._clock.now())
        if account is None:
            raise UnknownMember(member_id)
        return self._spend.authorise_spend(account, card_no, fee_fen, 0, member_pin, rules) \
            or "checked"

    def _take_fee(self, uow: UnitOfWork, actor: User, sku: str, fee_fen: int,
                  tender: TenderKind, member_id: str, card_no: str, now: datetime,
                  mark: str | None) -> CompletedSale | None:
        """A card, annual or replacement fee is a sale of its own (excluded goods: no discount,
        no points) in the same transaction as the card action, so both happen or neither."""
        if fee_fen <= 0:
            return None
        if tender not in (TenderKind.CASH, TenderKind.BANK_CARD, TenderKind.WECHAT,
                          TenderKind.ALIPAY, TenderKind.STORED_VALUE):
            raise ValidationFailed("fee_tender", "take the fee in cash, by card, WeChat, Alipay or "
                                             "from the balance")
        shift = uow.shifts.open_shift_of(uow.site.till_id())
        if shift is None:
            raise ShiftNotOpen()
        product = uow.catalog.find_by_code(sku)
        if product is None:
            raise ValidationFailed("fee", f"the fee item {sku} is missing: run `pos init`")
        rules = uow.rules.current(now)
        line = price_line(1, BasketItem(replace(product, price_fen=fee_fen), 1), rules, None,
                          now.date())
        wallet = None
        if tender is TenderKind.STORED_VALUE:
            account = uow.accounts.get_account(member_id)
            wallet = Wallet(account.balance_paid_fen, account.balance_bonus_fen, 0)
        if tender is TenderKind.STORED_VALUE and mark is None:
            raise ValidationFailed("fee_authorisation", "a fee from the balance needs the member's "
                                             "authorisation first")
        reference = mark if mark and mark != "checked" else ""
        split = split_tenders(fee_fen, [TenderInput(tender, fee_fen, reference)], rules, wallet)
        shop = uow.site.shop()
        sale = CompletedSale(
            sale_id=self._ids.new_id(),
            receipt_no=uow.sales.next_receipt_no(uow.site.till().code, now.date()),
            kind=SaleKind.SALE, shop_code=shop.code, till_code=uow.site.till().code,
            cashier_name=actor.display_name, created_at=now, rule_version=rules.version,
            lines=(line,), tenders=split.tenders, change_fen=0, rounding_fen=0)
        uow.sales.add(sale, shop_id=uow.site.shop_id(), till_id=uow.site.till_id(),
                      shift_id=shift.id, user_id=actor.id, member_id=member_id,
                      card_id=uow.cards.card_id(card_no), points_shares={})
        entries = [e for t in split.tenders if t.kind is TenderKind.STORED_VALUE
                   for e in fee_entries(t.sv_paid_fen, t.sv_bonus_fen, sku)]
        book(uow, member_id, entries, now, sale_id=sale.sale_id, shift_id=shift.id,
             tender=TenderKind.STORED_VALUE.value, actor_id=actor.id)
        uow.audit.record(now, actor.id, "fee_taken", card_no, {"sku": sku, "fee_fen": fee_fen,
                                                               "receipt_no": sale.receipt_no})
        uow.outbox.append("sale.completed", {"sale": to_jsonable(sale), "member_id": member_id,
                                             "card_no": card_no, "shift_id": shift.id,
                                             **entries_payload(member_id, entries)}, now)
        return sale

    # -- history ------------------------------------------------------------------------------
    def history(self, member_id: str) -> list[CardHistoryLine]:
        """Every card event of the member (issued, lost, replaced, ...) with who and where."""
        with self._uow() as uow:
            return [CardHistoryLine(*row) for row in uow.cards.card_events(member_id)]

    def _slip(self, uow: UnitOfWork, actor: User, kind: CardEventKind, account: MemberAccount,
              card_no: str, now: datetime, old_card_no: str | None = None, fee_fen: int = 0,
              expires_on: date | None = None, refund_fen: int = 0,
              tier_code: str | None = None, fee_sale: CompletedSale | None = None) -> CardSlip:
        tier = uow.rules.current(now).tier(tier_code or account.tier_code)
        return CardSlip(
            event_id=self._ids.new_id(),
            # Card events number in their own series: they never use up sale receipt numbers.
            receipt_no=uow.sales.next_document_no(uow.site.till().code, now.date(), "K"),
            kind=kind, shop_code=uow.site.shop().code, till_code=uow.site.till().code,
            operator_name=actor.display_name, created_at=now, member_name=account.name,
            mobile=account.mobile or "", card_no=card_no, tier_name_zh=tier.name_zh,
            tier_name_en=tier.name_en, old_card_no=old_card_no, fee_fen=fee_fen,
            expires_on=expires_on.isoformat() if expires_on else None,
            balance_fen=account.balance_fen, spendable_points=account.spendable_points,
            refund_fen=refund_fen, fee_sale=fee_sale)


