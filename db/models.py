"""SQLAlchemy rows of the till's local store. Money columns are INTEGER fen; ids are UUIDv7 text."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(36)


class Base(DeclarativeBase):
    pass


class ShopRow(Base):
    __tablename__ = "shops"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    receipt_footer: Mapped[str] = mapped_column(String(400), default="")


class TillRow(Base):
    __tablename__ = "tills"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    receipt_seq: Mapped[int] = mapped_column(Integer, default=0)


class DocumentSeriesRow(Base):
    """Numbers of documents that are not sales (card slips, top-ups), one series each, so
    they never use up receipt numbers."""

    __tablename__ = "document_series"
    till_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    series: Mapped[str] = mapped_column(String(4), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    role: Mapped[str] = mapped_column(String(16))
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint("role IN ('cashier','manager','admin')", name="ck_user_role"),)


class CategoryRow(Base):
    __tablename__ = "categories"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(200), unique=True)
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 3", name="ck_category_level"),)


class ProductRow(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    # Pinyin initials of the name (牛肉干 -> nrg) for look-ups; db.search_keys.name_initials.
    name_initials: Mapped[str] = mapped_column(String(60), default="", server_default="",
                                               index=True)
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), nullable=True)
    price_fen: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    points_eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    promo_rate_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    promo_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    promo_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    pass_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pass_valid_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint("kind IN ('regular','special','excluded')", name="ck_product_kind"),
        CheckConstraint("price_fen >= 0", name="ck_product_price"),
    )


class BarcodeRow(Base):
    __tablename__ = "barcodes"
    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), index=True)


class RuleSetRow(Base):
    __tablename__ = "rule_sets"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[datetime] = mapped_column(DateTime)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MemberRow(Base):
    __tablename__ = "members"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    # A till never keeps the full mobile (head office does): the masked form it shows
    # (138****5678), the last four digits (a cashier's "find by 1234") and a keyed hash of
    # the full number (pos_app.mobile_keys) that finds the member by it offline.
    mobile_masked: Mapped[str | None] = mapped_column(String(20), nullable=True)
    mobile_last4: Mapped[str | None] = mapped_column(String(4), nullable=True)
    mobile_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True,
                                                    index=True)
    gender: Mapped[str] = mapped_column(String(1), default="")
    # Month and day only ('0000-04-15', lunar leap '0000-L04-15'): the benefit needs no year.
    birthday: Mapped[str | None] = mapped_column(String(12), nullable=True)
    birthday_calendar: Mapped[str] = mapped_column(String(5), default="solar")
    consent_messages: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    tier_code: Mapped[str] = mapped_column(String(16))
    referrer_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"), nullable=True)
    pin_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    pin_failed: Mapped[int] = mapped_column(Integer, default=0)
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    id_check_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    notes: Mapped[str] = mapped_column(String(400), default="")
    # Cached sums of the ledgers, updated in the same transaction as each entry and
    # checked against the sums (ledger_check); the ledgers are the truth.
    spendable_points: Mapped[int] = mapped_column(Integer, default=0)
    accumulated_points: Mapped[int] = mapped_column(Integer, default=0)
    balance_paid_fen: Mapped[int] = mapped_column(Integer, default=0)
    balance_bonus_fen: Mapped[int] = mapped_column(Integer, default=0)
    last_purchase_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_members_name", "name"),
        # "Find by the last four digits" lists matches by name: read in index order, the
        # first twenty are read without sorting the hundred a 1M-member till has per suffix.
        Index("ix_members_mobile_last4_name", "mobile_last4", "name"),
        CheckConstraint("birthday_calendar IN ('solar','lunar')", name="ck_member_calendar"),
    )


class CardRow(Base):
    __tablename__ = "cards"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    card_no: Mapped[str] = mapped_column(String(40), unique=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    uid: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    status: Mapped[str] = mapped_column(String(10))
    generation: Mapped[int] = mapped_column(Integer, default=1)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status_shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    replaced_by_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"), nullable=True)
    __table_args__ = (
        CheckConstraint("kind IN ('magstripe','ic','virtual')", name="ck_card_kind"),
        CheckConstraint("status IN ('active','lost','replaced','cancelled','expired')",
                        name="ck_card_status"),
    )


class CardEventRow(Base):
    __tablename__ = "card_events"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("cards.id"), index=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")


class ShiftRow(Base):
    __tablename__ = "shifts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    opened_at: Mapped[datetime] = mapped_column(DateTime)
    opening_float_fen: Mapped[int] = mapped_column(Integer)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    counted_cash_fen: Mapped[int | None] = mapped_column(Integer, nullable=True)
    z_report: Mapped[str | None] = mapped_column(Text, nullable=True)


class SaleRow(Base):
    __tablename__ = "sales"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    receipt_no: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"))
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), nullable=True, index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    member_id: Mapped[str | None] = mapped_column(ForeignKey("members.id"), nullable=True,
                                                  index=True)
    card_id: Mapped[str | None] = mapped_column(ForeignKey("cards.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    rule_version: Mapped[int] = mapped_column(Integer)
    subtotal_fen: Mapped[int] = mapped_column(Integer)
    discount_fen: Mapped[int] = mapped_column(Integer)
    total_fen: Mapped[int] = mapped_column(Integer)
    rounding_fen: Mapped[int] = mapped_column(Integer, default=0)
    change_fen: Mapped[int] = mapped_column(Integer, default=0)
    points_earned: Mapped[int] = mapped_column(Integer, default=0)
    bonus_points: Mapped[int] = mapped_column(Integer, default=0)
    original_sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True,
                                                         index=True)
    tier_upgraded_to: Mapped[str | None] = mapped_column(String(16), nullable=True)
    manager_flag: Mapped[str | None] = mapped_column(String(200), nullable=True)
    authorised_by_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    snapshot: Mapped[str] = mapped_column(Text)
    __table_args__ = (CheckConstraint("kind IN ('sale','return')", name="ck_sale_kind"),)


class SaleLineRow(Base):
    __tablename__ = "sale_lines"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    sku: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    qty: Mapped[int] = mapped_column(Integer)
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    gross_fen: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(Integer)
    points_share: Mapped[int] = mapped_column(Integer, default=0)
    redeemed_points: Mapped[int] = mapped_column(Integer, default=0)
    original_line_id: Mapped[str | None] = mapped_column(ForeignKey("sale_lines.id"),
                                                         nullable=True, index=True)
    __table_args__ = (UniqueConstraint("sale_id", "line_no", name="uq_sale_line_no"),)


class TenderRow(Base):
    __tablename__ = "tenders"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    sale_id: Mapped[str] = mapped_column(ForeignKey("sales.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Integer)
    received_fen: Mapped[int] = mapped_column(Integer, default=0)
    reference: Mapped[str] = mapped_column(String(80), default="")
    points_used: Mapped[int] = mapped_column(Integer, default=0)
    sv_paid_fen: Mapped[int] = mapped_column(Integer, default=0)
    sv_bonus_fen: Mapped[int] = mapped_column(Integer, default=0)


class PointsEntryRow(Base):
    """Append-only points ledger: spendable and accumulated move separately."""

    __tablename__ = "points_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    spendable_delta: Mapped[int] = mapped_column(Integer)
    accumulated_delta: Mapped[int] = mapped_column(Integer)
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True, index=True)
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("points_entries.id"),
                                                    nullable=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(200), default="")


class StoredValueEntryRow(Base):
    """Append-only stored-value ledger: paid-in and bonus money kept apart."""

    __tablename__ = "stored_value_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    paid_delta_fen: Mapped[int] = mapped_column(Integer)
    bonus_delta_fen: Mapped[int] = mapped_column(Integer)
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True, index=True)
    corrects_id: Mapped[str | None] = mapped_column(ForeignKey("stored_value_entries.id"),
                                                    nullable=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    shift_id: Mapped[str | None] = mapped_column(ForeignKey("shifts.id"), nullable=True)
    tender: Mapped[str] = mapped_column(String(16), default="")
    reference: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(String(200), default="")


class PassRow(Base):
    __tablename__ = "passes"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(120))
    uses_total: Mapped[int] = mapped_column(Integer)
    price_fen: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class PassEntryRow(Base):
    """Append-only uses of a pass: -1 per visit, +n when a use is reversed, refunds close it."""

    __tablename__ = "pass_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    pass_id: Mapped[str] = mapped_column(ForeignKey("passes.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    uses_delta: Mapped[int] = mapped_column(Integer)
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class BenefitRow(Base):
    """A birthday or quarterly gift handed over; one per member, kind and period."""

    __tablename__ = "benefits"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    given_at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    sale_id: Mapped[str | None] = mapped_column(ForeignKey("sales.id"), nullable=True)
    __table_args__ = (UniqueConstraint("member_id", "kind", "period", name="uq_benefit_once"),)


class CashMovementRow(Base):
    __tablename__ = "cash_movements"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shift_id: Mapped[str] = mapped_column(ForeignKey("shifts.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class HeldSaleRow(Base):
    """A basket parked with 挂单 and taken back with 取单."""

    __tablename__ = "held_sales"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AuditRow(Base):
    """Append-only audit log of sensitive actions: who, when, what."""

    __tablename__ = "audit_log"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(80), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")


class OutboxRow(Base):
    """Events for head office, numbered gap-free per till by device_seq."""

    __tablename__ = "outbox"
    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(ID, unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    acked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Head office refused this event for good: shown to a person until resolved.
    refused_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    refused_detail: Mapped[str] = mapped_column(String(200), default="", server_default="")
    refused_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ImportRow(Base):
    """A CSV import already applied, by content hash: re-importing it changes nothing."""

    __tablename__ = "imports"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime)


# --- Sync with head office (db/sync_store.py; reference/offline-sync.md §6) -----------------


class SyncCursorRow(Base):
    """Where each pulled stream stands; moved in the same transaction as the page it ends."""

    __tablename__ = "sync_cursors"
    stream: Mapped[str] = mapped_column(String(20), primary_key=True)
    cursor: Mapped[str] = mapped_column(String(60), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SyncStateRow(Base):
    """The one row of sync state: what head office acknowledged, when we last reached it."""

    __tablename__ = "sync_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    acked_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    offline_since: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(String(200), default="")
    limits: Mapped[str] = mapped_column(Text, default="{}")
    # Offline windows are counted by contacts, not clocks: each successful sync ends one.
    contact_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The latest wall-clock time this till has seen: a clock that steps back shows here.
    wall_high: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # The monotonic ticker at the last successful contact (boot id, seconds): time offline
    # that a wall-clock step cannot shorten (pos_app/sync/offline_time.py).
    contact_boot: Mapped[str | None] = mapped_column(String(80), nullable=True)
    contact_mono: Mapped[float | None] = mapped_column(Float, nullable=True)


class SyncEpochRow(Base):
    """The till's incarnations: events after base_seq belong to this epoch (till identity is
    till id + epoch). Enrolment, `pos restore` and head office's word after an unannounced
    restore start a new one, so a sequence number is never used twice at head office."""

    __tablename__ = "sync_epochs"
    epoch: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    base_seq: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime)


class SyncCardStatusRow(Base):
    """Card statuses as head office last said them (also for cards this till never saw)."""

    __tablename__ = "sync_card_status"
    card_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(10))
    status_version: Mapped[int] = mapped_column(Integer)


class OfflineSpendRow(Base):
    """Stored value or points spent while head office could not authorise (the allowance)."""

    __tablename__ = "sync_offline_spends"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    card_no: Mapped[str] = mapped_column(String(40))
    stored_value_fen: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    # sync_state.contact_seq when spent: the offline window, whatever the clock says.
    window: Mapped[int] = mapped_column(Integer, default=0, server_default="0", index=True)


class SyncDocumentRow(Base):
    """Head-office documents (catalog, prices, promotions, rule sets, settings) as pulled."""

    __tablename__ = "sync_documents"
    stream: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class MemberCodeUseRow(Base):
    """A phone member code this till has taken: once per member per time step."""

    __tablename__ = "member_code_uses"
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    step: Mapped[int] = mapped_column(Integer, primary_key=True)
    used_at: Mapped[datetime] = mapped_column(DateTime, index=True)


class PromotionRow(Base):
    """A promotion from head office (pos_app/domain/promotions.py), by id, newest version."""

    __tablename__ = "promotions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CouponTemplateRow(Base):
    __tablename__ = "coupon_templates"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class CouponRow(Base):
    """One coupon (unique code); its state is the sum of its coupon_entries."""

    __tablename__ = "coupons"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("coupon_templates.id"))
    template_version: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    valid_from: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    source: Mapped[str] = mapped_column(String(80), default="")


class CouponEntryRow(Base):
    """Append-only coupon ledger: issued, redeemed, returned, expired, double_redeemed."""

    __tablename__ = "coupon_entries"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("coupons.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)
    shop: Mapped[str] = mapped_column(String(20), default="")
    sale_id: Mapped[str] = mapped_column(String(36), default="")
    value_fen: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (CheckConstraint(
        "kind IN ('issued','redeemed','returned','expired','double_redeemed')",
        name="ck_coupon_entry_kind"),)


class PackageSaleRow(Base):
    """A top-up package sold at this till (储值套餐): what it gave, so a refund reverses it."""

    __tablename__ = "package_sales"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    package_id: Mapped[str] = mapped_column(String(64))
    package_version: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    body: Mapped[str] = mapped_column(Text)              # the package as sold
    coupons: Mapped[str] = mapped_column(Text, default="")   # codes issued, space separated
    tier_before: Mapped[str] = mapped_column(String(16))
    tender: Mapped[str] = mapped_column(String(16))
    sold_at: Mapped[datetime] = mapped_column(DateTime)
    refunded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
