"""Head-office console rows: users, sessions, audit log, daily figures, the member search
index, rule-set versions, the catalog master, price overrides, promotions, worklists.

They share `headoffice.models.Base`, so one Alembic history covers them."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from headoffice.models import ID, SEQ, Base


class ConsoleUserRow(Base):
    """A head-office person: argon2 hash, optional TOTP secret, lockout counters."""

    __tablename__ = "console_users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A new secret being set up: it replaces totp_secret once a code from it is confirmed.
    totp_pending: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ConsoleSessionRow(Base):
    """A signed-in browser: the cookie holds a random token, we keep only its hash."""

    __tablename__ = "console_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("console_users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(8))        # "totp" until the code is given, then "ok"
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)


class AuditRow(Base):
    """Every change made in the console: who, when, what, before and after (JSON)."""

    __tablename__ = "console_audit"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    username: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    shop_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    before: Mapped[str] = mapped_column(Text, default="null")
    after: Mapped[str] = mapped_column(Text, default="null")


class DailyFigureRow(Base):
    """Per shop and business day, maintained on ingest (headoffice/console/figures.py)."""

    __tablename__ = "daily_figures"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    sales_count: Mapped[int] = mapped_column(BigInteger, default=0)
    sales_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    returns_count: Mapped[int] = mapped_column(BigInteger, default=0)
    returns_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    member_sales_count: Mapped[int] = mapped_column(BigInteger, default=0)
    member_sales_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    points_issued: Mapped[int] = mapped_column(BigInteger, default=0)
    points_redeemed: Mapped[int] = mapped_column(BigInteger, default=0)
    sv_topup_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    sv_topup_bonus_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    sv_spent_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    new_members: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (Index("ix_daily_figures_shop_day", "shop_id", "day"),)


class MemberSearchRow(Base):
    """What member search looks up besides card and mobile: name, pinyin, mobile's last 4."""

    __tablename__ = "member_search"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    pinyin: Mapped[str] = mapped_column(String(240))
    initials: Mapped[str] = mapped_column(String(60))
    mobile_last4: Mapped[str] = mapped_column(String(4))
    __table_args__ = (
        Index("ix_member_search_name", "name", postgresql_ops={"name": "varchar_pattern_ops"}),
        Index("ix_member_search_pinyin", "pinyin",
              postgresql_ops={"pinyin": "varchar_pattern_ops"}),
        Index("ix_member_search_initials", "initials",
              postgresql_ops={"initials": "varchar_pattern_ops"}),
        Index("ix_member_search_last4", "mobile_last4"),
    )


class RuleSetVersionRow(Base):
    """A rule-set version: a draft being edited, or published with its effective time."""

    __tablename__ = "rule_set_versions"
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    body: Mapped[str] = mapped_column(Text)                 # RuleSet.to_json()
    effective_from: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(10))         # draft | published
    note: Mapped[str] = mapped_column(String(200), default="")
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    published_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class CategoryRow(Base):
    """Three-level product categories, named by their path (食品/饮料/茶)."""

    __tablename__ = "catalog_categories"
    path: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column(Integer)
    parent_path: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)


class CatalogProductRow(Base):
    """Head office's product master; publishing copies it to the `catalog` feed."""

    __tablename__ = "catalog_products"
    sku: Mapped[str] = mapped_column(String(40), primary_key=True)
    barcode: Mapped[str] = mapped_column(String(40), default="", index=True)
    name: Mapped[str] = mapped_column(String(120))
    category_path: Mapped[str] = mapped_column(String(200), default="", index=True)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(10))
    pass_uses: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pass_valid_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class PriceOverrideRow(Base):
    """A shop's own price for a product (published as `sku@SHOP` on the `prices` feed)."""

    __tablename__ = "price_overrides"
    sku: Mapped[str] = mapped_column(ForeignKey("catalog_products.sku"), primary_key=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"), primary_key=True)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class PromotionRow(Base):
    """A percentage promotion on a counter (top-level category), a category or a product."""

    __tablename__ = "console_promotions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    scope: Mapped[str] = mapped_column(String(10))          # counter | category | product
    target: Mapped[str] = mapped_column(String(200))        # category path or sku
    rate_bp: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    shops: Mapped[str] = mapped_column(Text, default="[]")  # shop codes; [] = every shop
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class WorkNoteRow(Base):
    """Resolve/comment on a flag or receivable in the worklist."""

    __tablename__ = "console_work_notes"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    item_kind: Mapped[str] = mapped_column(String(12))      # flag | receivable
    item_id: Mapped[int] = mapped_column(BigInteger)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str] = mapped_column(String(500), default="")
    username: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_work_notes_item", "item_kind", "item_id"),)


class PrivacyRequestRow(Base):
    """A PIPL request (export or erase a member's data), from a member or from head office."""

    __tablename__ = "privacy_requests"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    kind: Mapped[str] = mapped_column(String(8))            # export | erase
    source: Mapped[str] = mapped_column(String(12))         # member | head_office
    status: Mapped[str] = mapped_column(String(10))         # open | done | refused
    detail: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    done_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    done_by: Mapped[str | None] = mapped_column(String(40), nullable=True)


class MemberMergeRow(Base):
    """A member record folded into another (two registrations of one person)."""

    __tablename__ = "member_merges"
    member_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    into_id: Mapped[str] = mapped_column(String(36), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    by: Mapped[str] = mapped_column(String(40))


class TillReportRow(Base):
    """What a till says about itself on each pull: app version, unsent backlog, its clock."""

    __tablename__ = "till_reports"
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), primary_key=True)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    backlog: Mapped[int] = mapped_column(BigInteger, default=0)
    clock_skew_s: Mapped[int] = mapped_column(Integer, default=0)   # till clock - HQ clock
    reported_at: Mapped[datetime] = mapped_column(DateTime)


class TierChangeRow(Base):
    """A member's tier as it changed at head office (from a till's event or the console).
    Every member has one opening row (`from_tier` None): the tier it came with, and why."""

    __tablename__ = "tier_changes"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(36), index=True)
    from_tier: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_tier: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)
    # TIER_REASONS: an opening row says how the member came (imported, registered at a till,
    # or `opening`: the tier found when the history was filled in for a member without one).
    reason: Mapped[str] = mapped_column(String(16), default="change", server_default="change")


TIER_REASONS = ("import", "registered", "opening", "change")


class DailyBreakdownRow(Base):
    """Per shop and business day, sales split by cashier, tender or top-level category, kept
    on ingest beside `daily_figures` (headoffice/console/figures.py): the reports read these.
    `net_fen` is sales less returns; a sale counts once under each key it touches."""

    __tablename__ = "daily_breakdown"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    shop_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(10), primary_key=True)  # cashier|tender|category
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    sales_count: Mapped[int] = mapped_column(BigInteger, default=0)
    returns_count: Mapped[int] = mapped_column(BigInteger, default=0)
    net_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (Index("ix_daily_breakdown_dim_day", "dimension", "day"),)
