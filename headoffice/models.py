"""Head-office rows (PostgreSQL in production, SQLite embedded). Money is BIGINT fen.

Ledgers are append-only; `member_accounts` caches their sums in the same transaction as
each entry (checked by `ledger_check`). `change_log` is the pull feed: rows name an entity,
the entity's current state is read at pull time.
"""
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
    UniqueConstraint,
)
from sqlalchemy import text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(36)
# SQLite only auto-numbers an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
SEQ = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class ShopRow(Base):
    __tablename__ = "shops"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TillRow(Base):
    """A till and its credentials: a one-time enrolment code, then a hashed API key."""

    __tablename__ = "tills"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    enrol_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    enrol_expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    key_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    key_hint: Mapped[str] = mapped_column(String(12), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # The till's incarnation: enrolment bumps it and a restore or an unannounced re-use of
    # sequence numbers moves it on, so (till, epoch, device_seq) never names two events.
    epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("shop_id", "code", name="uq_till_code"),)


class InboxRow(Base):
    """Every event a till pushed, once, with the result its first application gave."""

    __tablename__ = "inbox"
    event_id: Mapped[str] = mapped_column(ID, primary_key=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"))
    epoch: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    device_seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(40))
    payload_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    result: Mapped[str] = mapped_column(Text)
    client_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (UniqueConstraint("till_id", "epoch", "device_seq",
                                       name="uq_inbox_till_epoch_seq"),)


class RefusedEventRow(Base):
    """A push that was refused (same id, different payload; a taken device_seq): for HO."""

    __tablename__ = "refused_events"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"), index=True)
    event_id: Mapped[str] = mapped_column(String(64))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(40))
    payload_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime)


class FlagRow(Base):
    """Something head office must look at: overdraft, spend on a blocked card, a gap."""

    __tablename__ = "flags"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    till_id: Mapped[str | None] = mapped_column(ForeignKey("tills.id"), nullable=True)
    member_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    card_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")
    at: Mapped[datetime] = mapped_column(DateTime)


class MemberRow(Base):
    __tablename__ = "members"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    mobile: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    gender: Mapped[str] = mapped_column(String(1), default="")
    birthday: Mapped[str | None] = mapped_column(String(12), nullable=True)
    birthday_calendar: Mapped[str] = mapped_column(String(5), default="solar")
    consent_messages: Mapped[bool] = mapped_column(Boolean, default=False)
    tier_code: Mapped[str] = mapped_column(String(16), default="regular")
    referrer_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    # Field-level last-writer-wins: {field: [hlc, till_id]} of the write that set it.
    field_clocks: Mapped[str] = mapped_column(Text, default="{}")
    home_shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    stub: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MemberAccountRow(Base):
    """Cached sums of a member's ledgers (the ledgers are the truth) and open receivable."""

    __tablename__ = "member_accounts"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    balance_paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_bonus_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    spendable_points: Mapped[int] = mapped_column(BigInteger, default=0)
    accumulated_points: Mapped[int] = mapped_column(BigInteger, default=0)
    receivable_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class CardRow(Base):
    __tablename__ = "cards"
    card_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10), default="magstripe")
    status: Mapped[str] = mapped_column(String(10), default="active")
    # Bumped on every status change; a till lets a lower-ranked status (解挂) replace a
    # higher one only when it carries a newer version.
    status_version: Mapped[int] = mapped_column(BigInteger, default=1)
    generation: Mapped[int] = mapped_column(Integer, default=1)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status_shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    replaced_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)


class StoredValueEntryRow(Base):
    """Append-only chain-wide stored-value ledger; paid-in and bonus apart."""

    __tablename__ = "stored_value_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    till_id: Mapped[str | None] = mapped_column(ForeignKey("tills.id"), nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    paid_delta_fen: Mapped[int] = mapped_column(BigInteger)
    bonus_delta_fen: Mapped[int] = mapped_column(BigInteger)
    sale_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    auth_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    offline: Mapped[bool] = mapped_column(Boolean, default=False)
    flagged: Mapped[str] = mapped_column(String(40), default="")
    client_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    booked_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)


class PointsEntryRow(Base):
    __tablename__ = "points_entries"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    spendable_delta: Mapped[int] = mapped_column(BigInteger)
    accumulated_delta: Mapped[int] = mapped_column(BigInteger)
    sale_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    flagged: Mapped[str] = mapped_column(String(40), default="")
    booked_at: Mapped[datetime] = mapped_column(DateTime)


class ReceivableRow(Base):
    """Money a member owes after a late offline spend overdrew the balance."""

    __tablename__ = "receivables"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    shop_id: Mapped[str | None] = mapped_column(ForeignKey("shops.id"), nullable=True)
    event_id: Mapped[str] = mapped_column(String(64))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    recovered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    recovered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    # Open ones, oldest first, per member: a recovery reads only what it pays back.
    __table_args__ = (Index("ix_receivables_open", "member_id", "id",
                            postgresql_where=text("recovered_fen < amount_fen"),
                            sqlite_where=text("recovered_fen < amount_fen")),)


class AuthorisationRow(Base):
    """An online spend approved by head office: a hold until the sale event consumes it."""

    __tablename__ = "authorisations"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    card_no: Mapped[str] = mapped_column(String(40))
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"))
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    stored_value_fen: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    consumed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SaleRow(Base):
    __tablename__ = "sales"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"), index=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    kind: Mapped[str] = mapped_column(String(8))
    receipt_no: Mapped[str] = mapped_column(String(40), index=True)
    member_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    # What the tenders paid (cash net of change): the sale's total less 抹零; negative for a
    # return.
    paid_fen: Mapped[int] = mapped_column(BigInteger)
    original_sale_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    client_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    booked_at: Mapped[datetime] = mapped_column(DateTime, index=True)   # console reports
    body: Mapped[str] = mapped_column(Text)


class TillEventRow(Base):
    """Shift opens/closes, cash movements, benefits: kept as documents for reports."""

    __tablename__ = "till_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"), index=True)
    till_id: Mapped[str] = mapped_column(ForeignKey("tills.id"))
    kind: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    booked_at: Mapped[datetime] = mapped_column(DateTime)


class BenefitRow(Base):
    __tablename__ = "benefits"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ID)
    kind: Mapped[str] = mapped_column(String(16))
    period: Mapped[str] = mapped_column(String(8))
    shop_id: Mapped[str] = mapped_column(ForeignKey("shops.id"))
    event_id: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("member_id", "kind", "period", name="uq_ho_benefit"),)


class DocumentRow(Base):
    """Head-office-authored data a till only reads: catalog, prices, promotions, rule sets,
    settings (offline caps). One JSON body per (stream, key)."""

    __tablename__ = "documents"
    stream: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ChangeLogRow(Base):
    """The pull feed, committed in seq order (see headoffice/feeds.py); `xid` is kept at 0
    for cursor compatibility."""

    __tablename__ = "change_log"
    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    xid: Mapped[int] = mapped_column(BigInteger, default=0)
    stream: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    __table_args__ = (Index("ix_change_log_feed", "stream", "xid", "seq"),)


class SettlementRow(Base):
    """An immutable monthly settlement document; never recomputed in place."""

    __tablename__ = "settlements"
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)


# -- the member page (headoffice/member_site) --------------------------------------------------

class MemberSmsCodeRow(Base):
    """A one-time sign-in (or confirmation) code sent by SMS; only its salted hash is kept."""

    __tablename__ = "member_sms_codes"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    member_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    purpose: Mapped[str] = mapped_column(String(12))          # sign_in | lost
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    ip: Mapped[str] = mapped_column(String(45), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class MemberSignInFailureRow(Base):
    """A wrong code typed on the member page: counted per IP and per number to stop guessing."""

    __tablename__ = "member_signin_failures"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    mobile_hash: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str] = mapped_column(String(45), index=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class MemberSessionRow(Base):
    """A signed-in member page; the browser holds the token, head office only its hash."""

    __tablename__ = "member_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(43))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    verified_at: Mapped[datetime] = mapped_column(DateTime)   # last SMS check
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class MessageLogRow(Base):
    """Every message head office sent or decided not to send, and opt-outs (the console
    shows this table). Never holds a code or a full mobile number."""

    __tablename__ = "message_log"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    member_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    mobile_masked: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))     # sign_in, card_lost, birthday, ...
    template: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(12))      # sent, failed, suppressed, opt_out
    reason: Mapped[str] = mapped_column(String(80), default="")
    provider: Mapped[str] = mapped_column(String(12))
    provider_id: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[datetime] = mapped_column(DateTime, index=True)


class MemberDataRequestRow(Base):
    """A member's own PIPL request from the member page (delete my data); the console's
    PIPL flow reads the open ones and closes them."""

    __tablename__ = "member_data_requests"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))        # erase | export
    source: Mapped[str] = mapped_column(String(12))      # member_page
    status: Mapped[str] = mapped_column(String(10))      # open | done | refused
    note: Mapped[str] = mapped_column(String(200), default="")
    requested_at: Mapped[datetime] = mapped_column(DateTime)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    handled_by: Mapped[str | None] = mapped_column(String(40), nullable=True)


class CouponRow(Base):
    """A coupon issued anywhere in the chain (head office run, 满送 at a till, a package)."""

    __tablename__ = "coupons"
    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64), index=True)
    template_version: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    valid_from: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    valid_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    source: Mapped[str] = mapped_column(String(80), default="")


class CouponEntryRow(Base):
    """The chain's coupon ledger (pos_app/domain/coupons.py): append-only, one state fold."""

    __tablename__ = "coupon_entries"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("coupons.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(DateTime)
    shop: Mapped[str] = mapped_column(String(20), default="")
    sale_id: Mapped[str] = mapped_column(String(36), default="")
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    note: Mapped[str] = mapped_column(String(200), default="")
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    booked_at: Mapped[datetime] = mapped_column(DateTime)


class CouponRunRow(Base):
    """One issue run: a template handed to the members a filter selected."""

    __tablename__ = "coupon_runs"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    template_id: Mapped[str] = mapped_column(String(64))
    member_filter: Mapped[str] = mapped_column(Text)
    issued: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)


class MemberTagRow(Base):
    """Head office's tags on a member (标签: 'VIP', '企业客户'...), set on the console's member
    page; coupon issue runs select members by them."""

    __tablename__ = "member_tags"
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    __table_args__ = (Index("ix_member_tags_tag", "tag"),)


class MemberShortCodeRow(Base):
    """The numeric form of a member code (for scanners that cannot read a phone screen, or
    typing): a random one-time number a till checks online, once in the whole chain."""

    __tablename__ = "member_short_codes"
    code: Mapped[str] = mapped_column(String(18), primary_key=True)
    member_id: Mapped[str] = mapped_column(ForeignKey("members.id"))
    step: Mapped[int] = mapped_column(BigInteger)
    step_s: Mapped[int] = mapped_column(Integer)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    used_by_till: Mapped[str | None] = mapped_column(ID, nullable=True)
    __table_args__ = (UniqueConstraint("member_id", "step", name="uq_member_short_code_step"),)


class MemberPassRow(Base):
    """A count pass (计次卡) a till sold, as head office knows it from the till's events
    (headoffice/passes.py). `uses_left` and `status` cache the pass's entries."""

    __tablename__ = "member_passes"
    id: Mapped[str] = mapped_column(ID, primary_key=True)          # the till's pass id
    member_id: Mapped[str] = mapped_column(ID, index=True)
    shop_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    till_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    sale_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    sku: Mapped[str] = mapped_column(String(40), default="")
    name: Mapped[str] = mapped_column(String(120))
    uses_total: Mapped[int] = mapped_column(Integer)
    uses_left: Mapped[int] = mapped_column(Integer)
    price_fen: Mapped[int] = mapped_column(BigInteger)
    expires_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(10))     # active | used_up | refunded | expired
    sold_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MemberPassEntryRow(Base):
    """Append-only: sold (+uses), use (-1), refund (-uses left), expire (-uses left)."""

    __tablename__ = "member_pass_entries"
    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    pass_id: Mapped[str] = mapped_column(ID, index=True)
    kind: Mapped[str] = mapped_column(String(10))
    uses_delta: Mapped[int] = mapped_column(Integer)
    sale_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    event_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    shop_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime)
