"""What the core needs from the local store: repositories inside one unit of work."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pos_app.domain.card import CardState
from pos_app.domain.catalog import Product
from pos_app.domain.coupons import Coupon, CouponEntry, CouponState, CouponTemplate
from pos_app.domain.ledger import LedgerLine
from pos_app.domain.member import MemberAccount
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.points_expiry import PointsMove
from pos_app.domain.promotions import Promotion
from pos_app.domain.rules import RuleSet
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo, TillInfo


@dataclass(frozen=True)
class UserRecord:
    id: str
    username: str
    display_name: str
    role: str
    pin_hash: str
    failed_attempts: int
    locked_until: datetime | None
    active: bool


@dataclass(frozen=True)
class ShiftRecord:
    id: str
    till_id: str
    user_id: str
    opened_at: datetime
    opening_float_fen: int
    closed_at: datetime | None = None
    counted_cash_fen: int | None = None


@dataclass(frozen=True)
class SoldLine:
    """A line of a stored sale with what has already been returned of it."""

    line_id: str
    line_no: int
    product_id: str
    sku: str
    name: str
    kind: str
    qty: int
    unit_price_fen: int
    gross_fen: int
    amount_fen: int
    points_share: int
    returned_qty: int
    returned_amount_fen: int
    returned_points: int


@dataclass(frozen=True)
class StoredSale:
    id: str
    receipt_no: str
    kind: str
    member_id: str | None
    card_id: str | None
    shift_id: str | None
    created_at: datetime
    total_fen: int
    points_earned: int
    tier_upgraded_to: str | None
    snapshot: CompletedSale
    lines: tuple[SoldLine, ...]


@dataclass(frozen=True)
class PassRecord:
    id: str
    member_id: str
    product_id: str
    name: str
    uses_total: int
    uses_left: int
    price_fen: int
    expires_on: date | None
    refunded: bool
    sale_id: str | None = None


class Catalog(Protocol):
    def find_by_code(self, code: str) -> Product | None:
        """A product by barcode or SKU, or None."""
        ...

    def search(self, text: str, limit: int = 20) -> list[Product]:
        """Products whose name starts with (then contains) the text, or SKU/barcode prefix."""
        ...

    def get(self, product_id: str) -> Product: ...


class Accounts(Protocol):
    """Member accounts: profile, tier, PIN state and the cached balances."""

    def find_account(self, member_id: str) -> MemberAccount | None: ...
    def find_by_mobile(self, mobile: str) -> MemberAccount | None: ...
    def search(self, text: str, limit: int = 20) -> list[MemberAccount]: ...
    def get_account(self, member_id: str) -> MemberAccount:
        """The member re-read from the store inside the write transaction, not from a cache
        (its balances are the ones to book against); UnknownMember if there is none."""
        ...
    def pin_state(self, member_id: str) -> tuple[str | None, int, datetime | None]: ...
    def record_pin_attempt(self, member_id: str, failed: int, locked_until: datetime | None) -> None: ...
    def set_pin(self, member_id: str, pin_hash: str | None, at: datetime) -> None: ...
    def set_tier(self, member_id: str, tier_code: str, at: datetime) -> None: ...
    def touch_purchase(self, member_id: str, at: datetime) -> None: ...
    def add_member(self, member: MemberAccount, at: datetime, id_check_hash: str | None,
                   consent_at: datetime | None, notes: str = "") -> None: ...
    def update_member(self, member_id: str, at: datetime, **fields: object) -> None: ...
    def members_above_tier(self, tier_code: str) -> list[tuple[str, str]]:
        """(member id, tier code) of every member whose tier is not `tier_code`."""
        ...
    def id_check_hash(self, member_id: str) -> str | None: ...


class Cards(Protocol):
    """Member cards, their status and their event history."""

    def find_card(self, card_no: str) -> CardState | None: ...
    def find_card_by_uid(self, uid_hex: str) -> CardState | None: ...
    def card_id(self, card_no: str) -> str | None: ...
    def cards_of(self, member_id: str) -> list[CardState]: ...
    def add_card(self, card: CardState, at: datetime) -> str: ...
    def set_card_status(self, card_no: str, status: str, at: datetime, shop_id: str | None,
                        replaced_by_card_no: str | None = None) -> None: ...
    def set_card_expiry(self, card_no: str, expires_on: date | None) -> None: ...
    def add_card_event(self, card_no: str, member_id: str, kind: str, at: datetime,
                       user_id: str | None, detail: dict[str, Any]) -> None: ...
    def card_events(self, member_id: str) -> list[tuple]:
        """(at, card_no, kind, user display name, shop name, detail dict) oldest first."""
        ...
    def find_card_event(self, kind: str, detail_contains: str) -> bool: ...
    def joined_by_receipt(self, receipt_no: str) -> list[str]:
        """Members who joined or were upgraded with this receipt (join by purchase)."""
        ...


class Ledgers(Protocol):
    """The points and stored-value ledgers: append-only entries, the balances follow."""

    def add_points(self, member_id: str, kind: str, spendable: int, accumulated: int,
                   at: datetime, sale_id: str | None = None, note: str = "",
                   corrects_id: str | None = None) -> str: ...
    def add_stored_value(self, member_id: str, kind: str, paid_fen: int, bonus_fen: int,
                         at: datetime, sale_id: str | None = None, tender: str = "",
                         reference: str = "", note: str = "", shift_id: str | None = None,
                         corrects_id: str | None = None) -> str: ...
    def ledger_sums(self, member_id: str) -> tuple[int, int, int, int]:
        """(spendable, accumulated, paid-in, bonus) summed from the entries themselves."""
        ...
    def accumulated_by_kind_since(self, member_id: str, since: datetime) -> dict[str, int]:
        """Accumulated points the member's entries added from `since` on, per entry kind
        (which kinds count towards a tier is the domain's: ledger.earned_in_window)."""
        ...
    def accumulated_by_day(self, member_id: str, since: datetime) -> list[tuple[date, str, int]]:
        """(day, kind, accumulated points) added from `since` on (when a tier lapses)."""
        ...
    def ledger(self, member_id: str, limit: int) -> list[LedgerLine]:
        """The member's statement lines of both ledgers, newest first."""
        ...


class Passes(Protocol):
    """Count passes (计次卡) and their use entries."""

    def passes_of(self, member_id: str) -> list[PassRecord]: ...
    def get_pass(self, pass_id: str) -> PassRecord: ...
    def add_pass(self, member_id: str, product: Product, sale_id: str | None, uses: int,
                 price_fen: int, expires_on: date | None, at: datetime) -> str: ...
    def add_pass_entry(self, pass_id: str, kind: str, uses_delta: int, sale_id: str | None,
                       at: datetime) -> None: ...


class Benefits(Protocol):
    """Once-per-period member benefits (birthday gifts): given or not."""

    def benefit_given(self, member_id: str, kind: str, period: str) -> bool: ...
    def record_benefit(self, member_id: str, kind: str, period: str, at: datetime,
                       user_id: str | None, sale_id: str | None) -> None: ...


class Sales(Protocol):
    def next_receipt_no(self, till_code: str, day: date) -> str: ...
    def next_document_no(self, till_code: str, day: date, series: str) -> str:
        """The next number of a non-sale document series (card events 'K', stored value 'V'),
        apart from the sale receipt numbers."""
        ...
    def add(self, sale: CompletedSale, *, shop_id: str, till_id: str, shift_id: str | None,
            user_id: str, member_id: str | None, card_id: str | None,
            points_shares: dict[int, int], original_line_ids: dict[int, str] | None = None,
            original_sale_id: str | None = None, tier_upgraded_to: str | None = None,
            manager_flag: str | None = None, authorised_by_id: str | None = None) -> None: ...
    def find_by_receipt(self, receipt_no: str) -> StoredSale | None: ...
    def find_by_id(self, sale_id: str) -> StoredSale | None: ...
    def count_reprint(self, receipt_no: str) -> int: ...
    def returns_of(self, sale_id: str) -> list[str]: ...
    def update_snapshot(self, sale: CompletedSale) -> None: ...
    def member_history(self, member_id: str, limit: int = 50) -> list[StoredSale]: ...


class Shifts(Protocol):
    def open_shift_of(self, till_id: str) -> ShiftRecord | None: ...
    def open(self, shift: ShiftRecord) -> None: ...
    def close(self, shift_id: str, at: datetime, counted_cash_fen: int, closed_by: str,
              z_report_json: str) -> None: ...
    def add_cash_movement(self, movement_id: str, shift_id: str, amount_fen: int, reason: str,
                          user_id: str, at: datetime) -> None: ...
    def figures(self, shift_id: str) -> dict[str, Any]:
        """Raw sums of one shift for the Z report (sales, tenders, movements; the ledgers per
        entry kind: which kinds a figure counts is the domain's, pos_app.domain.ledger)."""
        ...
    def hold(self, held_id: str, till_id: str, label: str, body: str, at: datetime) -> None: ...
    def held(self, till_id: str) -> list[tuple[str, str, datetime]]: ...
    def take_held(self, held_id: str) -> str: ...
    def held_bodies(self, till_id: str) -> list[tuple[str, str, datetime, str]]:
        """(id, label, held at, body) of every held basket of the till, oldest first."""
        ...


class Users(Protocol):
    def find_by_username(self, username: str) -> UserRecord | None: ...
    def get(self, user_id: str) -> UserRecord: ...
    def all(self) -> list[UserRecord]: ...
    def add(self, user: UserRecord, at: datetime) -> None: ...
    def update_login_state(self, user_id: str, failed: int, locked_until: datetime | None) -> None: ...
    def update(self, user_id: str, *, role: str | None = None, pin_hash: str | None = None,
               active: bool | None = None) -> None: ...


class RuleSets(Protocol):
    def current(self, at: datetime) -> RuleSet:
        """The rule set in force at a moment (the newest with effective_from <= at)."""
        ...

    def add(self, rules: RuleSet, effective_from: datetime, at: datetime) -> None: ...


class Site(Protocol):
    def shop(self) -> ShopInfo: ...
    def till(self) -> TillInfo: ...
    def shop_id(self) -> str: ...
    def till_id(self) -> str: ...
    def shop_name_of(self, shop_id: str | None) -> str | None: ...
    def ensure(self, shop_id: str, shop: ShopInfo, till_id: str, till: TillInfo) -> bool: ...


class AuditLog(Protocol):
    def record(self, at: datetime, user_id: str | None, action: str, target: str,
               detail: dict[str, Any]) -> None: ...

    def open_intents(self, action: str, closing_actions: tuple[str, ...]
                     ) -> list[tuple[str, dict[str, Any], datetime]]:
        """Entries of `action` whose target has no later entry of a closing action."""
        ...


class Outbox(Protocol):
    def append(self, kind: str, payload: dict[str, Any], at: datetime) -> int:
        """Queue an event for head office; returns its gap-free device_seq."""
        ...


class Promotions(Protocol):
    """Promotions, coupon templates, coupons and the coupon ledger on this till."""

    def current(self, at: datetime) -> list[Promotion]:
        """Every promotion not yet ended at `at` (the engine checks each one's window)."""
        ...
    def put(self, promotion: Promotion, at: datetime) -> bool:
        """Store a promotion unless a newer version is held; True when stored."""
        ...
    def withdraw(self, promotion_id: str, version: int, at: datetime) -> None: ...
    def put_template(self, template: CouponTemplate, at: datetime) -> bool: ...
    def template(self, template_id: str) -> CouponTemplate | None: ...
    def find_coupon(self, code: str) -> tuple[Coupon, CouponTemplate | None, CouponState] | None: ...
    def coupons_of(self, member_id: str) -> list[tuple[Coupon, CouponTemplate, CouponState]]: ...
    def add_coupon(self, coupon: Coupon) -> bool:
        """Store a coupon and its ISSUED entry once (False when the code is known)."""
        ...
    def add_entry(self, entry_id: str, entry: CouponEntry) -> bool:
        """Append a coupon entry once by id (False when that id is already booked)."""
        ...
    def points_moves(self, member_id: str) -> list[PointsMove]:
        """The member's spendable-points entries, oldest first (for expiry lots)."""
        ...
    def members_with_points(self) -> list[str]: ...
    def expirable_coupons(self, at: datetime) -> list[tuple[Coupon, CouponState]]:
        """Coupons whose window ended by `at` (with their state)."""
        ...
    def packages(self) -> list[TopUpPackage]: ...
    def put_package(self, package: TopUpPackage, withdrawn: bool = False) -> None: ...
    def add_package_sale(self, sale_id: str, package: TopUpPackage, member_id: str,
                         coupons: list[str], tier_before: str, tender: str,
                         at: datetime, passes: list[str] | None = None) -> None: ...
    def package_sale(self, sale_id: str) -> tuple[TopUpPackage, str, list[str], str, str,
                                                  datetime | None, list[str]] | None:
        """(package, member id, coupon codes, tier before, tender, refunded at, pass ids)."""
        ...
    def package_sales_of(self, member_id: str) -> list[tuple[str, TopUpPackage, datetime,
                                                             datetime | None]]:
        """The member's package sales at this till, newest first: (sale id, package, sold
        at, refunded at)."""
        ...
    def mark_package_refunded(self, sale_id: str, at: datetime) -> None: ...
    def unconfirmed_redemptions_fen(self) -> int:
        """The value of coupons this till took that head office has not yet confirmed (the
        coupon feed has not brought their redemption back): the offline exposure."""
        ...


class UnitOfWork(Protocol):
    catalog: Catalog
    accounts: Accounts
    cards: Cards
    ledgers: Ledgers
    passes: Passes
    benefits: Benefits
    sales: Sales
    shifts: Shifts
    users: Users
    rules: RuleSets
    site: Site
    audit: AuditLog
    outbox: Outbox
    imports: Imports
    promotions: Promotions

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork:
        """A fresh unit of work: one transaction, rolled back unless committed."""
        ...


@dataclass(frozen=True)
class ProductImportRow:
    line: int
    sku: str
    barcode: str
    name: str
    category_path: tuple[str, ...]
    price_fen: int
    kind: str
    promo_rate_bp: int | None
    pass_uses: int | None = None
    pass_valid_days: int | None = None


@dataclass(frozen=True)
class MemberImportRow:
    line: int
    card_no: str
    name: str
    mobile: str | None
    tier: str
    birthday: str | None
    birthday_calendar: str
    points: int
    accumulated_points: int
    balance_fen: int
    card_kind: str
    card_status: str
    card_expiry: date | None


class Imports(Protocol):
    def seen(self, sha256: str) -> bool: ...
    def mark(self, sha256: str, kind: str, rows: int, at: datetime) -> None: ...
    def apply_products(self, rows: list[ProductImportRow], at: datetime) -> tuple[int, int]:
        """Insert or update by SKU; returns (created, updated)."""
        ...
    def apply_members(self, rows: list[MemberImportRow], at: datetime,
                      created_ids: list[tuple[str, MemberImportRow]] | None = None
                      ) -> tuple[int, int]:
        """Create members with cards and opening-balance entries; existing cards are skipped.
        Each member created is appended to `created_ids` (id, row) when it is given."""
        ...
    def conflicts(self, rows: list[MemberImportRow]) -> list[tuple[int, str]]:
        """Rows whose mobile belongs to another member already in the store."""
        ...


class PinHasher(Protocol):
    def hash(self, pin: str) -> str:
        """A salted, slow hash of a PIN."""
        ...

    def verify(self, pin_hash: str, pin: str) -> bool: ...
