"""Selling at the till: the basket, the member, pricing, and completing a sale in one transaction."""
from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from pos_app.domain.allocation import allocate
from pos_app.domain.card import CardState
from pos_app.domain.catalog import Product
from pos_app.domain.codec import to_jsonable
from pos_app.domain.errors import (
    AccountLocked,
    CardNotUsable,
    DiscountOverLimit,
    EmptySale,
    InsufficientBalance,
    InvalidQuantity,
    PassNotUsable,
    PosError,
    PinRequired,
    RedemptionNotAllowed,
    ShiftNotOpen,
    SpendDeclined,
    UnknownCard,
    UnknownMember,
    UnknownProduct,
    ValidationFailed,
    WrongPin,
)
from pos_app.domain.member import MemberAccount, MemberAtTill
from pos_app.domain.money import BP_ONE
from pos_app.domain.ledger import (
    Balances,
    Entry,
    EntryKind,
    balances_of,
    entries_payload,
    join_eligible_fen,
    join_tier,
    sale_eligible_fen,
    sale_entries,
    tier_after,
    upgrade_entries,
)
from pos_app.domain.ledger import (LedgerName, TierLapse, earned_in_window, tier_change,
                                    tier_validity_entries, window_start)
from pos_app.domain.ledger import points as points_entry
from pos_app.domain.points import (
    PointsEarned,
    is_lottery_balance,
    ladder_step_for,
    next_ladder_step,
    points_for_spend,
    step_for_price,
)
from pos_app.domain.pricing import (
    BasketItem,
    PricedBasket,
    PricedLine,
    PriceReason,
    ReasonKind,
    price_line,
)
from pos_app.domain.coupons import CouponNotUsable, CouponRefusal, CouponUse
from pos_app.domain.points_expiry import PointsMove, expiring_soon, expiry_policy_of
from pos_app.domain.promotions import PromotedBasket, PromotionBook
from pos_app.domain.rules import RuleSet, Tier
from pos_app.domain.sale import (
    CompletedSale,
    MemberOnSale,
    PassBalance,
    SaleKind,
    receipt_link,
)
from pos_app.domain.tenders import (TenderInput, TenderKind, TenderSplit, Wallet, points_for_cash,
                                   split_tenders)
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.headoffice import NullSpendAuthoriser, SpendAuthoriser
from pos_app.ports.member_codes import MemberCodeStore, NumericCodeResolver
from pos_app.ports.store import PassRecord, PinHasher, UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import LOCKOUT, MAX_PIN_TRIES, User, require_role
from pos_app.services.ledger_writer import book as book_entries
from pos_app.services.promotions import (
    CouponOffer,
    book_sale_coupons,
    coupon_payload,
    load_book,
    CouponRow,
    coupon_rows,
    member_offers,
    normalise_code,
    price_with_coupons,
    sale_coupons,
    sale_promotions,
)
from pos_app.services.member_codes import MemberCodeService

QTY_CODE = re.compile(r"^\s*(\d{1,6})\s*[*xX×]\s*(\S+)\s*$")


def parse_entry(text: str) -> tuple[int, str]:
    """'3*6901234567890' -> (3, code); a bare code -> (1, code)."""
    m = QTY_CODE.match(text)
    if m:
        return int(m.group(1)), m.group(2)
    code = text.strip()
    if not code:
        raise ValidationFailed("code", "scan a barcode or type a SKU")
    return 1, code


def quarter_of(day: date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def birthday_due(uow: UnitOfWork, account: MemberAccount, day: date) -> str | None:
    """The birthday occurrence `day` is, if its gift is not yet given (once per occurrence)."""
    if account.birthday is None:
        return None
    occurrence = account.birthday.occurrence_on(day)
    if occurrence is None or uow.benefits.benefit_given(account.id, "birthday", occurrence):
        return None
    return occurrence


@dataclass(frozen=True)
class Badges:
    birthday: bool = False
    quarterly_gift: bool = False
    join_tier: str | None = None   # this basket would qualify the member for that tier


@dataclass(frozen=True)
class BasketView:
    """What the selling screen draws: priced lines, totals, member panel and badges."""

    basket: PricedBasket
    member: MemberAtTill | None
    tier: Tier | None
    points: PointsEarned
    badges: Badges
    passes: tuple[PassRecord, ...]
    rule_version: int
    next_step_points: int = 0
    next_step_cap_fen: int = 0
    redeemable_cap_fen: int = 0    # the dearest gift the member can take for points now
    promoted: PromotedBasket | None = None      # promotions applied, 满送 rewards, boosts
    coupons: tuple[CouponOffer, ...] = ()       # the member's coupons usable here now
    coupon_uses: tuple[CouponUse, ...] = ()     # the coupons on this basket and their value
    points_expiring: int = 0                    # the member's points lapsing soon
    points_expiring_on: date | None = None
    tier_lapse: TierLapse | None = None         # the tier lapses soon (rolling validity)

    @property
    def extra_points(self) -> int:
        """Points a multiplier (积分翻倍, 会员日) adds to this basket."""
        return self.promoted.extra_points if self.promoted and self.member else 0

    @property
    def lines(self) -> tuple[PricedLine, ...]:
        return self.basket.lines

    @property
    def total_fen(self) -> int:
        return self.basket.total_fen


@dataclass
class _Draft:
    items: list[BasketItem] = field(default_factory=list)
    pass_uses: dict[int, str] = field(default_factory=dict)   # line index -> pass id
    member: MemberAtTill | None = None
    sale_rate_bp: int | None = None
    discount_by: str | None = None
    pin_waived_by: str | None = None     # manager who authorised stored value without a PIN
    coupons: list[str] = field(default_factory=list)   # coupon codes, in the order applied


class SellingService:
    """Use cases of the selling screen; every write runs in one unit of work."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource,
                 hasher: PinHasher, authoriser: SpendAuthoriser | None = None,
                 member_codes: MemberCodeStore | None = None,
                 numeric_codes: NumericCodeResolver | None = None) -> None:
        self.uow = uow
        self.clock = clock
        self.ids = ids
        self.hasher = hasher
        self.authoriser: SpendAuthoriser = authoriser or NullSpendAuthoriser()
        self._shop_code: str | None = None
        self.member_codes = MemberCodeService(member_codes, clock, self.member_by_id,
                                              numeric=numeric_codes)

    # -- look-ups ---------------------------------------------------------------------------
    def rules(self) -> RuleSet:
        with self.uow() as uow:
            return uow.rules.current(self.clock.now())

    def promotion_book(self, rules: RuleSet) -> PromotionBook:
        """The promotions not yet ended now, read once per basket like the rule set."""
        with self.uow() as uow:
            return load_book(uow, rules, self.clock.now())

    def shop_code(self) -> str:
        if self._shop_code is None:
            with self.uow() as uow:
                self._shop_code = uow.site.shop().code
        return self._shop_code

    def record_reprint(self, receipt_no: str) -> int:
        """Count one more reprint of a sale's receipt (it prints as 重印 N); returns N."""
        with self.uow() as uow:
            count = uow.sales.count_reprint(receipt_no)
            uow.commit()
        return count

    def get_product(self, code: str) -> Product:
        """The product with this barcode or SKU; UnknownProduct when there is none."""
        with self.uow() as uow:
            product = uow.catalog.find_by_code(code)
        if product is None:
            raise UnknownProduct(code)
        return product

    def search_products(self, text: str, limit: int = 20) -> list[Product]:
        with self.uow() as uow:
            return uow.catalog.search(text, limit)

    def member_by_card(self, card_no: str) -> MemberAtTill:
        """The member behind a usable card; CardNotUsable explains a lost/expired/... card."""
        with self.uow() as uow:
            card = uow.cards.find_card(card_no)
            if card is None:
                raise UnknownCard(card_no)
            return self._usable(uow, card)

    def member_by_uid(self, uid_hex: str) -> MemberAtTill:
        with self.uow() as uow:
            card = uow.cards.find_card_by_uid(uid_hex)
            if card is None:
                raise UnknownCard(uid_hex)
            return self._usable(uow, card)

    def member_by_id(self, member_id: str) -> MemberAtTill:
        """A member found by a manual search: priced through their active card."""
        with self.uow() as uow:
            account = uow.accounts.find_account(member_id)
            if account is None:
                raise UnknownMember(member_id)
            cards = uow.cards.cards_of(member_id)
            today = self.clock.now().date()
            problem: CardNotUsable | None = None
            for card in reversed(cards):
                try:
                    card.check_usable(today)
                    return MemberAtTill(account, card)
                except CardNotUsable as exc:
                    problem = problem or exc
            if problem is not None:
                raise problem
            raise UnknownCard(member_id)

    def search_members(self, text: str, limit: int = 20) -> list[MemberAccount]:
        with self.uow() as uow:
            return uow.accounts.search(text, limit)

    def _usable(self, uow: UnitOfWork, card: CardState) -> MemberAtTill:
        card.check_usable(self.clock.now().date())
        account = uow.accounts.find_account(card.member_id)
        if account is None:
            raise UnknownMember(card.member_id)
        return MemberAtTill(account, card)

    # -- member PIN -------------------------------------------------------------------------
    def verify_member_pin(self, member_id: str, pin: str | None) -> None:
        """Check a member's PIN with lockout; failures are recorded even though the sale is not."""
        now = self.clock.now()
        with self.uow() as uow:
            pin_hash, failed, locked_until = uow.accounts.pin_state(member_id)
            if pin_hash is None:
                raise ValidationFailed("member_pin", "the member has no PIN yet: a manager sets one first")
            if locked_until is not None and locked_until > now:
                raise AccountLocked("member", locked_until)
            if pin is None:
                raise WrongPin(MAX_PIN_TRIES - failed)
            if self.hasher.verify(pin_hash, pin):
                if failed:
                    uow.accounts.record_pin_attempt(member_id, 0, None)
                    uow.commit()
                return
            failed += 1
            locked = now + LOCKOUT if failed >= MAX_PIN_TRIES else None
            uow.accounts.record_pin_attempt(member_id, 0 if locked else failed, locked)
            uow.audit.record(now, None, "member_pin_failed", member_id, {"locked": bool(locked)})
            uow.commit()
        if locked:
            raise AccountLocked("member", locked)
        raise WrongPin(MAX_PIN_TRIES - failed)

    def authorise_spend(self, account: MemberAccount, card_no: str, sv_fen: int,
                        points_fen: int, member_pin: str | None, rules: RuleSet,
                        pin_waived: bool = False) -> str | None:
        """The one authorisation path of every stored-value or points spend (sale, card fee,
        pass): enough balance, the member's PIN above the rule set's amount, then head office
        online or the offline allowance. Returns the mark the tenders carry (auth id or
        "offline"), None when nothing was asked of head office."""
        if sv_fen and sv_fen > account.balance_fen:
            # Say what is missing before asking the member for a PIN they need not type.
            raise InsufficientBalance(sv_fen, account.balance_fen)
        if sv_fen and sv_fen > rules.stored_value_pin_threshold_fen and not pin_waived:
            if member_pin is None:
                raise PinRequired(sv_fen, rules.stored_value_pin_threshold_fen)
            self.verify_member_pin(account.id, member_pin)
        if not (sv_fen or points_fen):
            return None
        # The balance belongs to the whole chain: head office authorises the spend when it can
        # be reached, the offline allowance decides when it cannot. This is the one network
        # call, made before the local transaction begins.
        points = points_for_cash(points_fen, rules) if points_fen else 0
        auth = self.authoriser.authorise(account.id, card_no, sv_fen, points)
        if not auth.allowed:
            raise SpendDeclined(auth.reason)
        if auth.auth_id or auth.outcome.value == "offline":
            return auth.auth_id or "offline"
        return None

    def new_session(self) -> SellingSession:
        return SellingSession(self)


class SellingSession:
    """One basket at one till: add, change and remove lines, attach a member, pay."""

    def __init__(self, service: SellingService) -> None:
        self._svc = service
        self._d = _Draft()
        self._rules = service.rules()
        self._book = service.promotion_book(self._rules)
        self._coupon_rows: dict[str, CouponRow] = {}
        self._extras: tuple[str, tuple[CouponOffer, ...], int, date | None] | None = None
        self._standing: tuple[tuple[str, str, date], bool, bool, tuple[PassRecord, ...],
                              TierLapse | None] | None = None
        self._rules_stale = False
        self.last_changed_line: int | None = None    # the line the last add made or raised

    # -- basket -----------------------------------------------------------------------------
    @property
    def rules(self) -> RuleSet:
        return self._rules

    @property
    def is_empty(self) -> bool:
        return not self._d.items

    @property
    def member(self) -> MemberAtTill | None:
        return self._d.member

    def add(self, entry: str, merge: bool = False) -> BasketView:
        """Add what the input line says: a barcode, a SKU or 'qty*code'."""
        qty, code = parse_entry(entry)
        return self.add_product(self._svc.get_product(code), qty, merge)

    def add_product(self, product: Product, qty: int = 1, merge: bool = False) -> BasketView:
        """Add a line; with `merge` (a till setting) a repeated scan raises the quantity of the
        plain line already holding that product instead."""
        self._fresh_rules()
        if qty <= 0 or qty > self._rules.max_line_qty:
            raise InvalidQuantity(qty)
        if product.pass_uses and self._d.member is None:
            raise ValidationFailed("member", "a count pass is sold to a member: attach the card first")
        idx = self._mergeable(product) if merge else None
        item = BasketItem(product, qty if idx is None else self._d.items[idx].qty + qty)
        if item.qty > self._rules.max_line_qty:
            raise InvalidQuantity(item.qty)
        # Price it once alone: an absurd price or quantity is refused before it joins the basket.
        price_line(1, item, self._rules, None, self._svc.clock.now().date())
        if idx is None:
            self._d.items.append(item)
        else:
            self._d.items[idx] = replace(self._d.items[idx], qty=item.qty)
        self.last_changed_line = (idx if idx is not None else len(self._d.items) - 1) + 1
        return self.view()

    def _mergeable(self, product: Product) -> int | None:
        """The plain line of `product` a repeated scan joins (no gift, pass or manual price)."""
        for i, it in enumerate(self._d.items):
            if (it.product.id == product.id and not it.redeemed_points and it.manual_rate_bp is None
                    and i not in self._d.pass_uses and not product.pass_uses):
                return i
        return None

    def set_qty(self, line_no: int, qty: int) -> BasketView:
        idx = self._index(line_no)
        if idx in self._d.pass_uses:
            raise ValidationFailed("qty", "a pass visit is one use per line")
        if qty <= 0 or qty > self._rules.max_line_qty:
            raise InvalidQuantity(qty)
        self._d.items[idx] = replace(self._d.items[idx], qty=qty)
        return self.view()

    def remove_line(self, line_no: int) -> BasketView:
        idx = self._index(line_no)
        del self._d.items[idx]
        self._d.pass_uses = {(i if i < idx else i - 1): p
                             for i, p in self._d.pass_uses.items() if i != idx}
        return self.view()

    def _index(self, line_no: int) -> int:
        if not 1 <= line_no <= len(self._d.items):
            raise ValidationFailed("line", f"there is no line {line_no}")
        return line_no - 1

    def discount_line(self, line_no: int, rate_bp: int, by: User) -> BasketView:
        """A manual line discount, within the authorising user's role limit."""
        self._check_discount(rate_bp, by)
        idx = self._index(line_no)
        self._d.items[idx] = replace(self._d.items[idx], manual_rate_bp=rate_bp)
        self._d.discount_by = by.id
        return self.view()

    def discount_sale(self, rate_bp: int, by: User) -> BasketView:
        """A manual discount on every line that can be discounted."""
        self._check_discount(rate_bp, by)
        self._d.items = [replace(i, manual_rate_bp=rate_bp) if not i.redeemed_points else i
                         for i in self._d.items]
        self._d.discount_by = by.id
        return self.view()

    def role_for_discount(self, rate_bp: int, asking: User | None) -> str:
        """Who must confirm this manual discount (RuleSet.role_for_discount): the screen asks
        that role in place, and discount_line/discount_sale check the limit again."""
        return self._rules.role_for_discount(rate_bp, asking.role if asking else None)

    def _check_discount(self, rate_bp: int, by: User) -> None:
        if not 0 < rate_bp <= BP_ONE:
            raise ValidationFailed("discount", "a discount rate is between 0 and 1")
        limit = self._rules.manual_discount_limit(by.role)
        if BP_ONE - rate_bp > limit:
            raise DiscountOverLimit(BP_ONE - rate_bp, limit)

    # -- member -----------------------------------------------------------------------------
    def attach_card(self, card_no: str) -> BasketView:
        self._fresh_rules()
        return self._attach(self._svc.member_by_card(card_no))

    def attach_member_code(self, text: str) -> BasketView:
        """The dynamic code on a member's phone (verified offline); refusals say why."""
        self._fresh_rules()
        return self._attach(self._svc.member_codes.identify(text))

    def attach_uid(self, uid_hex: str) -> BasketView:
        return self._attach(self._svc.member_by_uid(uid_hex))

    def attach_member(self, member_id: str) -> BasketView:
        return self._attach(self._svc.member_by_id(member_id))

    def _attach(self, member: MemberAtTill) -> BasketView:
        if self._d.member is not None and member.account.id != self._d.member.account.id:
            self._member_lines_block("another member's card")
        self._d.member = member
        return self.view()

    def detach_member(self) -> BasketView:
        self._member_lines_block("taking the card off")
        self._d.member = None
        return self.view()

    def _member_lines_block(self, what: str) -> None:
        """Lines that belong to the member on the basket (a visit on their pass, a gift for
        their points, a pass sold to them) keep that member: another card or none would
        book them to someone else, or refuse the sale at the end."""
        if self._d.pass_uses or any(i.redeemed_points or i.product.pass_uses
                                    for i in self._d.items):
            raise ValidationFailed("member_lines",
                                   f"remove the pass and gift lines first ({what})")

    def redeem_gift(self, code: str) -> BasketView:
        """Take one gift for points (gift ladder): never special-priced, one item per step."""
        member = self._require_member()
        product = self._svc.get_product(code)
        if product.kind.value != "regular":
            raise RedemptionNotAllowed("special_or_excluded")
        step = step_for_price(product.price_fen, self._rules)
        committed = sum(i.redeemed_points for i in self._d.items)
        available = member.account.spendable_points - committed
        if available < step.points:
            raise RedemptionNotAllowed("not_enough_points", step.points, max(available, 0))
        self._d.items.append(BasketItem(product, 1, redeemed_points=step.points))
        return self.view()

    def use_pass(self, pass_id: str) -> BasketView:
        """One visit on a count pass: its own line, free, one use taken at completion."""
        member = self._require_member()
        with self._svc.uow() as uow:
            p = uow.passes.get_pass(pass_id)
            product = uow.catalog.get(p.product_id)
        pending = sum(1 for pid in self._d.pass_uses.values() if pid == pass_id)
        today = self._svc.clock.now().date()
        if p.member_id != member.account.id:
            raise PassNotUsable(pass_id, "other_member")
        if p.refunded:
            raise PassNotUsable(pass_id, "refunded")
        if p.expires_on is not None and today > p.expires_on:
            raise PassNotUsable(pass_id, "expired")
        if p.uses_left - pending <= 0:
            raise PassNotUsable(pass_id, "used_up")
        self._d.items.append(BasketItem(replace(product, price_fen=0, pass_uses=None), 1))
        self._d.pass_uses[len(self._d.items) - 1] = pass_id
        return self.view()

    def _require_member(self) -> MemberAtTill:
        if self._d.member is None:
            raise ValidationFailed("member", "swipe or tap the member card first")
        return self._d.member

    # -- what the screen shows --------------------------------------------------------------
    def view(self) -> BasketView:
        now = self._svc.clock.now()
        member = self._d.member
        tier = self._rules.tier(member.account.tier_code) if member else None
        try:
            promoted, uses = self._price(now)
        except CouponNotUsable:
            # A coupon the basket no longer reaches (a line removed): it comes off the basket.
            self._d.coupons = []
            promoted, uses = self._price(now)
        basket = _mark_pass_lines(promoted.basket, self._d.pass_uses)
        points = points_for_spend(basket.eligible_fen, self._rules) if member else PointsEarned(0, 0)
        badges = Badges()
        passes: tuple[PassRecord, ...] = ()
        need, cap, redeemable = 0, 0, 0
        offers: tuple[CouponOffer, ...] = ()
        expiring, expiring_on = 0, None
        lapse: TierLapse | None = None
        if member:
            acc = member.account
            key = (acc.id, acc.tier_code, now.date())
            if self._standing is None or self._standing[0] != key:
                # What the member holds and is due, read once per member, day and basket:
                # view() runs on every scan, and these do not change while the basket is
                # open (a sale or a new basket reads them again).
                with self._svc.uow() as uow:
                    self._member_extras(uow, acc.id, now)
                    birthday = birthday_due(uow, acc, now.date()) is not None
                    quarterly = bool(tier and tier.quarterly_gift and
                                     not uow.benefits.benefit_given(
                                         acc.id, "quarterly", quarter_of(now.date())))
                    passes = tuple(uow.passes.passes_of(acc.id))
                    from pos_app.services.members import tier_lapse_of
                    lapse = tier_lapse_of(uow, acc.id, acc.tier_code, now, self._rules) \
                        if tier else None
                self._standing = (key, birthday, quarterly, passes, lapse)
            _, birthday, quarterly, passes, lapse = self._standing
            offers, expiring, expiring_on = self._offers_now()
            join = join_tier(tier, join_eligible_fen(
                (line.earns_points, line.amount_fen) for line in basket.lines), self._rules)
            badges = Badges(birthday, quarterly, join.code if join else None)
            committed = sum(i.redeemed_points for i in self._d.items)
            need, step = next_ladder_step(acc.spendable_points - committed, self._rules)
            cap = step.cap_fen
            now_step = ladder_step_for(acc.spendable_points - committed, self._rules)
            redeemable = now_step.cap_fen if now_step else 0
        return BasketView(basket, member, tier, points, badges, passes, self._rules.version,
                          need, cap, redeemable if member else 0, promoted, offers, uses,
                          expiring, expiring_on, lapse if member else None)

    # -- hold and recall (挂单/取单) ------------------------------------------------------------
    def hold(self, label: str = "") -> str:
        if self.is_empty:
            raise EmptySale()
        view = self.view()
        # Every line keeps its meaning: a pass visit stays a visit, a gift stays a gift.
        body = json.dumps({"items": [{"code": i.product.sku, "qty": i.qty,
                                      "manual_rate_bp": i.manual_rate_bp,
                                      "redeemed_points": i.redeemed_points,
                                      "pass_id": self._d.pass_uses.get(n)}
                                     for n, i in enumerate(self._d.items)],
                           "card_no": self._d.member.card.card_no if self._d.member else None,
                           "member_id": self._d.member.account.id if self._d.member else None,
                           "sale_rate_bp": self._d.sale_rate_bp,
                           "discount_by": self._d.discount_by,
                           "summary": held_summary(view)}, ensure_ascii=False)
        now = self._svc.clock.now()
        held_id = self._svc.ids.new_id()
        with self._svc.uow() as uow:
            uow.shifts.hold(held_id, uow.site.till_id(), label or now.strftime("%H:%M:%S"),
                            body, now)
            uow.commit()
        self.clear()
        return held_id

    def held(self) -> list[tuple[str, str, datetime]]:
        with self._svc.uow() as uow:
            return uow.shifts.held(uow.site.till_id())

    def recall(self, held_id: str) -> BasketView:
        if not self.is_empty:
            raise ValidationFailed("basket", "finish or hold the current sale first")
        with self._svc.uow() as uow:
            body = json.loads(uow.shifts.take_held(held_id))
            products = []
            for it in body["items"]:
                product = uow.catalog.find_by_code(it["code"])
                if product is None:
                    raise UnknownProduct(it["code"])
                products.append(product)
            uow.commit()
        self._d = _Draft(sale_rate_bp=body.get("sale_rate_bp"),
                         discount_by=body.get("discount_by"))
        if body.get("card_no"):
            try:
                self._d.member = self._svc.member_by_card(body["card_no"])
            except CardNotUsable:
                self._d.member = None
        for it, product in zip(body["items"], products, strict=True):
            if it.get("pass_id"):
                if self._d.member is None:
                    continue          # the card is no longer usable: no visit without it
                try:
                    self.use_pass(it["pass_id"])
                except PosError:
                    continue          # used up or expired meanwhile: the line goes
            elif it.get("redeemed_points"):
                if self._d.member is None:
                    continue
                self._d.items.append(BasketItem(product, 1,
                                                redeemed_points=int(it["redeemed_points"])))
            else:
                self._d.items.append(BasketItem(product, it["qty"], it.get("manual_rate_bp")))
        return self.view()

    def clear(self) -> None:
        """Start a new basket; the rule set is re-read when the next basket starts."""
        self._d = _Draft()
        self._coupon_rows = {}
        self._extras = None
        self._standing = None
        self._rules_stale = True

    def _fresh_rules(self) -> None:
        # A basket starts on the rule set and promotions in force now (a sync may have
        # brought new ones while the till stood idle); it keeps them until it is done.
        if not self._d.items:
            self._rules = self._svc.rules()
            self._book = self._svc.promotion_book(self._rules)
            self._rules_stale = False

    # -- coupons ----------------------------------------------------------------------------
    def apply_coupon(self, text: str) -> BasketView:
        """Put a scanned or picked coupon on the basket; CouponNotUsable says why not
        (threshold short by ¥X, excluded goods, expired, used at 某店 on 某日, ...)."""
        code = normalise_code(text)
        if code in self._d.coupons:
            raise CouponNotUsable(code, CouponRefusal.ALREADY_IN_SALE)
        with self._svc.uow() as uow:
            self._coupon_rows[code] = coupon_rows(uow, [code])[0]
        self._d.coupons.append(code)
        try:
            self._price(self._svc.clock.now())
        except CouponNotUsable:
            self._d.coupons.remove(code)
            raise
        return self.view()

    def remove_coupon(self, code: str) -> BasketView:
        if code in self._d.coupons:
            self._d.coupons.remove(code)
        return self.view()

    @property
    def coupon_codes(self) -> tuple[str, ...]:
        return tuple(self._d.coupons)

    def _price(self, now: datetime) -> tuple[PromotedBasket, tuple[CouponUse, ...]]:
        """The basket with its promotions and coupons, from what this basket already read
        (the coupons are read when applied; completing the sale reads them again)."""
        member = self._d.member
        tier = self._rules.tier(member.account.tier_code) if member else None
        return price_with_coupons(self._d.items, self._rules, tier, now, self._svc.shop_code(),
                                  self._book, tuple(self._d.pass_uses),
                                  [self._coupon_rows[c] for c in self._d.coupons],
                                  member.account.id if member else None)

    def _member_extras(self, uow: UnitOfWork, member_id: str, now: datetime
                       ) -> tuple[tuple[CouponOffer, ...], int, date | None]:
        """The member's usable coupons and points lapsing soon, read once per member and
        basket (a sale or a new basket reads them again)."""
        if self._extras is None or self._extras[0] != member_id:
            offers = member_offers(uow, member_id, now, self._svc.shop_code())
            soon, day = expiring_soon(uow.promotions.points_moves(member_id),
                                      expiry_policy_of(self._rules), now.date(),
                                      self._rules.points_expiry_notice_days)
            self._extras = (member_id, offers, soon, day)
        return self._offers_now()

    def _offers_now(self) -> tuple[tuple[CouponOffer, ...], int, date | None]:
        assert self._extras is not None
        _, offers, soon, day = self._extras
        return tuple(o for o in offers if o.code not in self._d.coupons), soon, day

    # -- paying -----------------------------------------------------------------------------
    def needs_pin(self, stored_value_fen: int) -> bool:
        return stored_value_fen > self._rules.stored_value_pin_threshold_fen

    def complete(self, tenders: list[TenderInput], cashier: User,
                 member_pin: str | None = None, pin_waived_by: User | None = None) -> CompletedSale:
        """Commit the sale whole (lines, tenders, ledgers, audit, outbox) or raise and record nothing.

        `pin_waived_by`: a manager who authorised stored value without a PIN for a member who
        has none (rule set `no_pin_stored_value = "manager"`); audited with the sale."""
        if self.is_empty:
            raise EmptySale()
        sv = sum(t.amount_fen for t in tenders if t.kind is TenderKind.STORED_VALUE)
        member = self._d.member
        if sv and member is not None and sv > member.account.balance_fen:
            # Say what is missing before asking the member for a PIN they need not type.
            raise InsufficientBalance(sv, member.account.balance_fen)
        waived = bool(sv and member is not None and self.needs_pin(sv)
                      and waive_pin_allowed(self._rules, member, pin_waived_by))
        points_fen = sum(t.amount_fen for t in tenders if t.kind is TenderKind.POINTS)
        if member is not None and (sv or points_fen):
            mark = self._svc.authorise_spend(member.account, member.card.card_no, sv,
                                             points_fen, member_pin, self._rules, waived)
            if mark:
                tenders = [replace(t, reference=t.reference or mark)
                           if t.kind in (TenderKind.STORED_VALUE, TenderKind.POINTS) else t
                           for t in tenders]
        self._d.pin_waived_by = pin_waived_by.id if waived and pin_waived_by else None
        sale = _complete(self._svc, self._d, tenders, cashier)
        self.clear()
        return sale


def held_summary(view: BasketView) -> dict[str, object]:
    """What the recall list and the Z report show of a held basket."""
    return {"total_fen": view.total_fen,
            "items": sum(line.qty for line in view.lines if not line.redeemed_points),
            "member": view.member.account.name if view.member else ""}


def waive_pin_allowed(rules: RuleSet, member: MemberAtTill, by: User | None) -> bool:
    """True when `by` may stand in for the PIN: the member has none, the rule set lets a manager
    authorise, and `by` is a manager (PermissionDenied otherwise)."""
    if by is None or member.account.has_pin or rules.no_pin_stored_value != "manager":
        return False
    require_role(by, "manager", "stored_value_no_pin")
    return True


def _mark_pass_lines(basket: PricedBasket, pass_uses: dict[int, str]) -> PricedBasket:
    if not pass_uses:
        return basket
    lines = list(basket.lines)
    for idx in pass_uses:
        lines[idx] = replace(lines[idx], reasons=(PriceReason(ReasonKind.PASS),),
                             earns_points=False)
    return PricedBasket(tuple(lines))


def _complete(svc: SellingService, d: _Draft, tender_inputs: list[TenderInput],
              cashier: User) -> CompletedSale:
    now = svc.clock.now()
    today = now.date()
    link_base = svc.member_codes.member_site_url()
    with svc.uow() as uow:
        rules = uow.rules.current(now)
        till_id = uow.site.till_id()
        shift = uow.shifts.open_shift_of(till_id)
        if shift is None:
            raise ShiftNotOpen()
        member = d.member
        account: MemberAccount | None = None
        tier: Tier | None = None
        card_id: str | None = None
        if member is not None:
            # Re-read the card inside the write transaction: a card reported lost (here or
            # by a sync from head office) since it was swiped must not be priced or paid.
            card = uow.cards.find_card(member.card.card_no)
            if card is None:
                raise UnknownCard(member.card.card_no)
            card.check_usable(today)
            account = uow.accounts.get_account(member.account.id)
            tier = rules.tier(account.tier_code)
            card_id = uow.cards.card_id(card.card_no)
        shop_code = uow.site.shop().code
        book = load_book(uow, rules, now)
        rows = coupon_rows(uow, d.coupons)
        promoted, coupon_uses = price_with_coupons(
            d.items, rules, tier, now, shop_code, book, tuple(d.pass_uses), rows,
            account.id if account else None)
        basket = _mark_pass_lines(promoted.basket, d.pass_uses)
        gift_points = sum(i.redeemed_points for i in d.items)
        wallet = None
        if account is not None:
            if gift_points > account.spendable_points:
                raise RedemptionNotAllowed("not_enough_points", gift_points,
                                           max(account.spendable_points, 0))
            wallet = Wallet(account.balance_paid_fen, account.balance_bonus_fen,
                            account.spendable_points - gift_points)
        split = split_tenders(basket.total_fen, tender_inputs, rules, wallet)
        sale_id = svc.ids.new_id()
        receipt_no = uow.sales.next_receipt_no(uow.site.till().code, today)
        member_info: MemberOnSale | None = None
        shares: dict[int, int] = {}
        upgraded: str | None = None
        entries: list[Entry] = []
        if account is not None and member is not None and tier is not None:
            member_info, shares, upgraded, entries = _plan_member(
                uow, rules, account, tier, member, basket, split, now, promoted)
        elif any(line.redeemed_points for line in basket.lines):
            raise ValidationFailed("member", "a gift for points needs the member card")
        if member_info is not None and account is not None:
            member_info, entries = _with_promotion_points(uow, rules, account.id, member_info,
                                                          entries, promoted, now)
        shop = uow.site.shop()
        sale = CompletedSale(
            sale_id=sale_id, receipt_no=receipt_no, kind=SaleKind.SALE, shop_code=shop.code,
            till_code=uow.site.till().code, cashier_name=cashier.display_name, created_at=now,
            rule_version=rules.version, lines=basket.lines, tenders=split.tenders,
            change_fen=split.change_fen, rounding_fen=split.rounding_fen,
            member=member_info,
            receipt_link=receipt_link(link_base, receipt_no, secrets.token_urlsafe(16))
            if link_base else "",
            promotions=sale_promotions(promoted, book),
            coupons=sale_coupons(coupon_uses, rows, basket),
            gifts=tuple((r.gift_sku, r.gift_qty) for r in promoted.rewards if r.gift_sku))
        uow.sales.add(sale, shop_id=uow.site.shop_id(), till_id=till_id, shift_id=shift.id,
                      user_id=cashier.id, member_id=account.id if account else None,
                      card_id=card_id, points_shares=shares, tier_upgraded_to=upgraded,
                      authorised_by_id=d.discount_by)
        pass_moves: list[dict[str, Any]] = []
        if account is not None:
            # Ledger entries and passes point at the sale row, so they follow it.
            book_entries(uow, account.id, entries, now, sale_id=sale_id, shift_id=shift.id,
                         tender=TenderKind.STORED_VALUE.value, actor_id=cashier.id)
            joined = next((e.tier for e in entries if e.ledger is LedgerName.TIER
                           and e.note.endswith(":" + JOIN_REASON)), None)
            if joined and member is not None:
                # This receipt is used to join now (never again), and a return of it finds
                # the tier it gave (services/returns.py).
                uow.cards.add_card_event(member.card.card_no, account.id, "upgraded", now,
                                           cashier.id, {"to": joined,
                                                        "join_receipt": receipt_no})
            uow.accounts.touch_purchase(account.id, now)
            pass_moves = _book_passes(uow, d, basket, account.id, sale_id, now)
            if pass_moves and member_info:
                member_info = replace(member_info, passes=_pass_balances(uow, account.id))
                sale = replace(sale, member=member_info)
        elif d.pass_uses or any(i.product.pass_uses for i in d.items):
            raise ValidationFailed("member", "a count pass needs the member card")
        booked = book_sale_coupons(uow, svc.ids, rules, coupon_uses, promoted, sale_id,
                                   shop.code, account.id if account else None, now)
        if booked.issued:
            sale = replace(sale, coupons_issued=tuple(c.code for c in booked.issued))
        uow.audit.record(now, cashier.id, "sale", receipt_no,
                         {"total_fen": sale.total_fen, "member": account.id if account else None,
                          "manual_discount_by": d.discount_by,
                          **({"pin_waived_by": d.pin_waived_by} if d.pin_waived_by else {})})
        uow.outbox.append("sale.completed", {"sale": to_jsonable(sale),
                                             "member_id": account.id if account else None,
                                             "card_no": member.card.card_no if member else None,
                                             "shift_id": shift.id,
                                             **({"passes": pass_moves} if pass_moves else {}),
                                             **coupon_payload(booked),
                                             **entries_payload(account.id if account else None,
                                                               entries)}, now)
        uow.commit()
        return sale


def _with_promotion_points(uow: UnitOfWork, rules: RuleSet, member_id: str,
                           info: MemberOnSale, entries: list[Entry], promoted: PromotedBasket,
                           now: datetime) -> tuple[MemberOnSale, list[Entry]]:
    """The points lapsing soon (積分翻倍 extra points are planned with the sale's own)."""
    moves = [*uow.promotions.points_moves(member_id),
             *(PointsMove(now, e.spendable) for e in entries if e.spendable)]
    soon, day = expiring_soon(moves, expiry_policy_of(rules), now.date(),
                              rules.points_expiry_notice_days)
    if soon:
        info = replace(info, points_expiring=soon, points_expiring_on=day.isoformat()
                       if day else None)
    return info, entries


JOIN_REASON = "join_receipt"


def _plan_member(uow: UnitOfWork, rules: RuleSet, account: MemberAccount, tier: Tier,
                 member: MemberAtTill, basket: PricedBasket, split: TenderSplit, now: datetime,
                 promoted: PromotedBasket | None = None
                 ) -> tuple[MemberOnSale, dict[int, int], str | None, list[Entry]]:
    """The member's ledger entries for this sale (from the domain ledger) and the receipt's
    member part."""
    non_earning = sum(t.amount_fen for t in split.tenders
                      if t.kind.value in rules.non_earning_tenders)
    eligible = sale_eligible_fen(basket.eligible_fen, non_earning, split.rounding_fen)
    planned = sale_entries(
        eligible, [(line.sku, line.redeemed_points) for line in basket.lines
                   if line.redeemed_points],
        sum(t.points_used for t in split.tenders if t.kind is TenderKind.POINTS),
        [(t.sv_paid_fen, t.sv_bonus_fen) for t in split.tenders
         if t.kind is TenderKind.STORED_VALUE], rules)
    earned = planned.earned
    eligible_lines = [line for line in basket.lines if line.earns_points]
    shares_list = allocate(earned.base, [line.amount_fen for line in eligible_lines])
    shares = {line.line_no: share for line, share in zip(eligible_lines, shares_list, strict=True)}
    entries = list(planned.entries)
    extra = promoted.extra_points if promoted is not None else 0
    if extra:
        # 积分翻倍 / 会员日 extra points are accumulated points like any other: they count
        # toward an upgrade in this very sale (and head office books the same entries).
        entries.append(points_entry(EntryKind.PROMO_POINTS, extra, extra, ",".join(
            b.promotion_id for b in promoted.boosts)[:200] if promoted else ""))
    after = balances_of(entries, Balances(account.balance_paid_fen, account.balance_bonus_fen,
                                          account.spendable_points, account.accumulated_points))
    entries += upgrade_entries(tier.code, after.accumulated, rules)
    # Join by purchase at the till: this sale is a same-day receipt of the member's own, not
    # yet used to join nor returned; only goods that earn points count (the basket badge).
    by_receipt = join_tier(rules.tier(tier_after(tier.code, entries)), join_eligible_fen(
        (line.earns_points, line.amount_fen) for line in basket.lines), rules)
    if by_receipt is not None:
        entries.append(tier_change(tier_after(tier.code, entries), by_receipt.code,
                                   JOIN_REASON))
    if rules.tier_validity_months is not None and tier_after(tier.code, entries) == tier.code:
        # Rolling validity, evaluated at each sale as well as daily: the points of the window
        # (this sale's included) or a joining receipt inside it keep the tier.
        since = window_start(now.date(), rules.tier_validity_months)
        start = datetime(since.year, since.month, since.day)
        in_window = earned_in_window(uow.ledgers.accumulated_by_kind_since(account.id, start)) + sum(
            e.accumulated for e in entries)
        from pos_app.services.members import _join_tier_since
        entries += tier_validity_entries(tier.code, in_window,
                                         _join_tier_since(uow, account.id, start, rules),
                                         rules).entries
    new_code = tier_after(tier.code, entries)
    new_tier = rules.tier(new_code)
    upgraded = new_code if new_code != tier.code else None
    redeemed = -sum(e.spendable for e in entries
                    if e.kind in (EntryKind.GIFT, EntryKind.POINTS_CASH))
    birthday = birthday_due(uow, account, now.date()) is not None
    need, step = next_ladder_step(after.spendable, rules)
    info = MemberOnSale(
        member_id=account.id, name=account.name, mobile=account.mobile or "",
        card_no=member.card.card_no, tier_code=new_tier.code, tier_name_zh=new_tier.name_zh,
        tier_name_en=new_tier.name_en, points_earned=earned.total + extra,
        bonus_points=earned.bonus, promo_points=extra,
        points_redeemed=redeemed, spendable_after=after.spendable,
        accumulated_after=after.accumulated, balance_after_fen=after.balance_fen,
        passes=_pass_balances(uow, account.id),
        lottery=is_lottery_balance(after.spendable, rules), birthday=birthday,
        next_step_points=need, next_step_cap_fen=step.cap_fen, upgraded_to=upgraded,
        tier_before=tier.code if upgraded else None)
    from pos_app.services.members import tier_lapse_of
    lapse = tier_lapse_of(uow, account.id, new_code, now, rules, sum(
        e.accumulated for e in entries))
    if lapse is not None:
        info = replace(info, tier_lapse_on=lapse.lapse_on.isoformat(),
                       tier_keep_points=lapse.keep_points)
    return info, shares, upgraded, entries


def _book_passes(uow: UnitOfWork, d: _Draft, basket: PricedBasket, member_id: str,
                 sale_id: str, now: datetime) -> list[dict[str, Any]]:
    """Book the sale's pass visits and the passes it sells; returns the movements for the
    sale's event (`passes`), so head office keeps the passes too (headoffice/passes.py)."""
    moves: list[dict[str, Any]] = []
    for idx, item in enumerate(d.items):
        if idx in d.pass_uses:
            uow.passes.add_pass_entry(d.pass_uses[idx], "use", -1, sale_id, now)
            moves.append({"op": "use", "pass_id": d.pass_uses[idx], "uses": 1})
        elif item.product.pass_uses:
            expires = (now.date() + timedelta(days=item.product.pass_valid_days)
                       if item.product.pass_valid_days else None)
            line = basket.lines[idx]
            for n in range(item.qty):
                price = allocate(line.amount_fen, [1] * item.qty)[n]
                pass_id = uow.passes.add_pass(member_id, item.product, sale_id,
                                               item.product.pass_uses, price, expires, now)
                moves.append({"op": "sold", "pass_id": pass_id, "sku": item.product.sku,
                              "name": item.product.name, "uses": item.product.pass_uses,
                              "price_fen": price,
                              "expires_on": expires.isoformat() if expires else None})
    return moves


def _pass_balances(uow: UnitOfWork, member_id: str) -> tuple[PassBalance, ...]:
    return tuple(PassBalance(p.name, p.uses_left,
                             p.expires_on.isoformat() if p.expires_on else None)
                 for p in uow.passes.passes_of(member_id) if not p.refunded and p.uses_left > 0)
