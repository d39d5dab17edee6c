"""Head-office use cases: enrolment, authenticated push (inbox) and pull (feeds), online spend
authorisation, member import and documents. HTTP-free; app.py and cli.py call these."""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from headoffice import promotions
from headoffice.db import session_factory
from headoffice.errors import DuplicateTill, NotEnrolled, UnknownShop, UnknownStream
from headoffice.feeds import DOCUMENT_STREAMS, Page, emit, read_page
from headoffice.ingest import BadEvent, apply_event, client_time, new_changed
from headoffice.ledger import Booking, Ledger, bulk_insert
from headoffice.models import (
    AuthorisationRow,
    CardRow,
    DocumentRow,
    FlagRow,
    InboxRow,
    MemberAccountRow,
    MemberRow,
    ReceivableRow,
    RefusedEventRow,
    ShopRow,
    TillRow,
)
from pos_app.domain.coupons import Coupon, CouponEntry, CouponTemplate
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.promotions import Promotion
from pos_app.sync.events import canonical_json, event_hash, ledger_effects

log = logging.getLogger("headoffice")
T = TypeVar("T")

MAX_BATCH = 500
ENROL_VALID = timedelta(days=7)
DEFAULT_LIMITS = {
    # Offline spending (reference/offline-sync.md §3): per card per offline period, a cap
    # and a count; per shop a total exposure; and no stored-value spending at all after
    # max_offline_hours without contact.
    "card_cap_fen": 50_000, "card_max_uses": 3, "card_points_cap": 5_000,
    "shop_exposure_fen": 500_000, "max_offline_hours": 72,
    "auth_hold_minutes": 10, "pull_interval_s": 30,
}
_ENROL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TillIdentity:
    """Who is calling, taken from the API key alone."""

    till_id: str
    shop_id: str
    shop_code: str
    till_code: str


@dataclass(frozen=True)
class Enrolment:
    identity: TillIdentity
    api_key: str


@dataclass(frozen=True)
class PushedEvent:
    id: str
    device_seq: int
    kind: str
    payload: dict[str, Any]
    created_at: str | None = None


@dataclass
class PushResult:
    results: list[dict[str, Any]]
    acked_seq: int
    gap_after: int | None = None
    refused: int = 0


@dataclass(frozen=True)
class Decision:
    decision: str                # approved | declined
    reason: str = ""
    auth_id: str | None = None
    balance_fen: int = 0
    spendable_points: int = 0
    limits: dict[str, int] = field(default_factory=dict)


class _Careful(Exception):
    """The fast path met an event it cannot apply: run the batch again, event by event."""


def _unique_violation(exc: BaseException) -> bool:
    """A duplicate key, as SQLAlchemy wraps it or as psycopg's COPY raises it (23505)."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc, "sqlstate", None) == "23505"


class HeadOffice:
    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now,
                 ids: UuidV7Source | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.clock = clock
        self.ids = ids or UuidV7Source()
        self.pg = engine.dialect.name == "postgresql"

    # -- transactions ---------------------------------------------------------------------
    def _tx(self, work: Callable[[Session], T], attempts: int = 8) -> T:
        """Run `work` in one transaction, again after a deadlock or serialisation failure."""
        for attempt in range(attempts):
            with self.sessions() as session:
                try:
                    with session.begin():
                        return work(session)
                except (OperationalError, DBAPIError) as exc:
                    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
                    if code not in ("40P01", "40001") or attempt == attempts - 1:
                        raise
                    time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    # -- shops, tills, keys -------------------------------------------------------------------
    def add_shop(self, code: str, name: str) -> str:
        def work(s: Session) -> str:
            shop_id = self.ids.new_id()
            s.add(ShopRow(id=shop_id, code=code, name=name, created_at=self.clock()))
            return shop_id
        return self._tx(work)

    def add_till(self, shop_code: str, till_code: str) -> str:
        """Create a till and return its one-time enrolment code (shown once, stored hashed)."""
        code = "-".join("".join(secrets.choice(_ENROL_ALPHABET) for _ in range(4))
                        for _ in range(4))

        def work(s: Session) -> str:
            shop = s.execute(select(ShopRow).where(ShopRow.code == shop_code)).scalar_one_or_none()
            if shop is None:
                raise UnknownShop(shop_code)
            if s.execute(select(TillRow.id).where(TillRow.shop_id == shop.id,
                                                  TillRow.code == till_code)).first():
                raise DuplicateTill(shop_code, till_code)
            now = self.clock()
            s.add(TillRow(id=self.ids.new_id(), shop_id=shop.id, code=till_code,
                          enrol_hash=_sha(code), enrol_expires_at=now + ENROL_VALID,
                          key_hash=None, key_hint="", revoked_at=None, acked_seq=0,
                          created_at=now))
            return code
        return self._tx(work)

    def enrol(self, code: str) -> Enrolment:
        """Exchange a one-time enrolment code for the till's API key."""
        api_key = "hq_" + secrets.token_urlsafe(32)

        def work(s: Session) -> Enrolment:
            till = s.execute(select(TillRow).where(TillRow.enrol_hash == _sha(code.strip().upper()))
                             .with_for_update()).scalar_one_or_none()
            if (till is None or till.revoked_at is not None or till.enrol_expires_at is None
                    or till.enrol_expires_at < self.clock()):
                raise NotEnrolled()
            till.enrol_hash = None
            till.enrol_expires_at = None
            till.key_hash = _sha(api_key)
            till.key_hint = api_key[:7]
            shop = s.get(ShopRow, till.shop_id)
            return Enrolment(TillIdentity(till.id, shop.id, shop.code, till.code), api_key)
        enrolment = self._tx(work)
        log.info("till %s/%s enrolled", enrolment.identity.shop_code, enrolment.identity.till_code)
        return enrolment

    def revoke_till(self, shop_code: str, till_code: str) -> None:
        def work(s: Session) -> None:
            till = s.execute(select(TillRow).join(ShopRow, ShopRow.id == TillRow.shop_id)
                             .where(ShopRow.code == shop_code, TillRow.code == till_code)
                             ).scalar_one_or_none()
            if till is None:
                raise NotEnrolled()
            till.revoked_at = self.clock()
            till.key_hash = None
            till.enrol_hash = None
        self._tx(work)
        # Its IC-card signing keys too: every till then re-signs or refuses its cards.
        from headoffice.till_certificates import revoke_till_keys
        revoke_till_keys(self, shop_code, till_code)

    def authenticate(self, api_key: str | None) -> TillIdentity:
        if not api_key or len(api_key) > 200:
            raise NotEnrolled()
        with self.sessions() as s:
            row = s.execute(select(TillRow.id, TillRow.shop_id, ShopRow.code, TillRow.code)
                            .join(ShopRow, ShopRow.id == TillRow.shop_id)
                            .where(TillRow.key_hash == _sha(api_key),
                                   TillRow.revoked_at.is_(None))).first()
        if row is None:
            raise NotEnrolled()
        return TillIdentity(row[0], row[1], row[2], row[3])

    # -- push -------------------------------------------------------------------------------
    def push(self, who: TillIdentity, events: list[PushedEvent]) -> PushResult:
        """Record each event once in the inbox and apply its effects in the same transaction.

        The batch first runs in one go; if an event cannot be applied the transaction is
        rolled back and the batch runs again with a savepoint per event, so one bad event
        is recorded as rejected without holding back the others."""
        events = sorted(events, key=lambda e: e.device_seq)[:MAX_BATCH]
        for attempt in range(2):
            try:
                try:
                    return self._tx(lambda s: self._push(s, who, events, careful=False))
                except _Careful:
                    return self._tx(lambda s: self._push(s, who, events, careful=True))
            except Exception as exc:  # noqa: BLE001 - narrowed to unique violations below
                # Another till committed an event with one of these ids between our read of
                # the inbox and our insert (the per-till lock does not cover other tills).
                # Run once more: this time the inbox shows it and it is refused as foreign.
                # The bulk COPY raises the driver's own error, so look at the SQLSTATE too.
                if attempt or not _unique_violation(exc):
                    raise
        raise AssertionError("unreachable")

    def _push(self, s: Session, who: TillIdentity, events: list[PushedEvent],
              careful: bool) -> PushResult:
        now = self.clock()
        # One push per till at a time: the row lock orders concurrent retries of one batch.
        till = s.execute(select(TillRow).where(TillRow.id == who.till_id).with_for_update()
                         ).scalar_one()
        till.last_seen_at = now
        texts = [canonical_json(ev.payload) for ev in events]
        hs = [event_hash(ev.kind, ev.device_seq, None, t) for ev, t in zip(events, texts)]
        ids = list({ev.id for ev in events})
        seen = {r.event_id: r for r in s.execute(
            select(InboxRow.event_id, InboxRow.till_id, InboxRow.device_seq,
                   InboxRow.payload_hash, InboxRow.result)
            .where(InboxRow.event_id.in_(ids)))} if ids else {}
        taken = dict(s.execute(select(InboxRow.device_seq, InboxRow.event_id).where(
            InboxRow.till_id == who.till_id,
            InboxRow.device_seq.in_([ev.device_seq for ev in events]))).all()) if events else {}
        results: dict[int, dict[str, Any]] = {}      # by position in the batch
        refusals: list[tuple[PushedEvent, str]] = []
        fresh: list[PushedEvent] = []
        in_batch: dict[str, PushedEvent] = {}
        batch_seqs: set[int] = set()
        echoes: list[tuple[int, int]] = []             # (position, position of first copy)
        first_pos: dict[str, int] = {}
        for pos, ev in enumerate(events):
            if ev.id in first_pos and hs[first_pos[ev.id]] == hs[pos]:
                echoes.append((pos, first_pos[ev.id]))   # the same event twice in one batch
                continue
            first_pos.setdefault(ev.id, pos)
            first = seen.get(ev.id)
            if first is not None and first.till_id == who.till_id and \
                    first.payload_hash == hs[pos]:
                results[pos] = {"id": ev.id, "device_seq": ev.device_seq,
                                "status": "replayed", "result": json.loads(first.result)}
            elif first is not None:
                refusals.append((pos, ev, "payload_mismatch" if first.till_id == who.till_id
                                 else "foreign_event"))
            elif taken.get(ev.device_seq, ev.id) != ev.id or ev.id in in_batch or \
                    ev.device_seq in batch_seqs:
                refusals.append((pos, ev, "device_seq_taken" if ev.id not in in_batch
                                 else "payload_mismatch"))
            else:
                in_batch[ev.id] = ev
                batch_seqs.add(ev.device_seq)
                fresh.append((pos, ev))
        changed = new_changed()
        lg = Ledger(s, self.ids)
        try:
            self._preload(lg, [ev for _, ev in fresh])
        except DBAPIError:
            if not careful:
                raise _Careful() from None
            raise
        inbox_rows = []
        for pos, ev in fresh:
            b = Booking(who.shop_id, who.till_id, ev.id, now, client_time(ev.created_at))
            if careful:
                nested = s.begin_nested()
                try:
                    result = apply_event(s, lg, b, ev.kind, ev.payload, changed)
                    changed["balances"] |= lg.flush()
                    nested.commit()
                except (BadEvent, DBAPIError) as exc:
                    nested.rollback()
                    lg.forget()
                    log.warning("event %s (%s) from till %s could not be applied: %s",
                                ev.id, ev.kind, who.till_code, exc.__class__.__name__)
                    result = {"status": "rejected", "error": exc.__class__.__name__}
                    lg.flag("bad_event", b, event_kind=ev.kind, error=str(exc)[:200])
            else:
                try:
                    result = apply_event(s, lg, b, ev.kind, ev.payload, changed)
                except (BadEvent, DBAPIError):
                    raise _Careful() from None
            status = str(result.get("status", "applied"))[:16]
            inbox_rows.append({
                "event_id": ev.id, "till_id": who.till_id, "shop_id": who.shop_id,
                "device_seq": ev.device_seq, "kind": ev.kind, "payload_hash": hs[pos],
                "payload": texts[pos],
                "status": status, "result": json.dumps(result, sort_keys=True),
                "client_at": client_time(ev.created_at), "received_at": now})
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "applied",
                            "result": result}
        try:
            changed["balances"] |= lg.flush()
            bulk_insert(s, InboxRow.__table__, inbox_rows)
        except DBAPIError as exc:
            code = getattr(getattr(exc, "orig", None), "sqlstate", None)
            if careful or code in ("40P01", "40001"):
                raise
            raise _Careful() from None
        for pos, ev, reason in refusals:
            s.execute(insert(RefusedEventRow).values(
                till_id=who.till_id, event_id=ev.id[:64], device_seq=ev.device_seq,
                reason=reason, payload_hash=hs[pos], at=now))
            # The event id and hash only: payloads can carry member data.
            log.warning("refused event %s seq %d from till %s/%s: %s", ev.id, ev.device_seq,
                        who.shop_code, who.till_code, reason)
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "refused",
                            "reason": reason}
        acked = self._advance_ack(s, till)
        gap = None
        higher = s.execute(select(func.min(InboxRow.device_seq)).where(
            InboxRow.till_id == who.till_id, InboxRow.device_seq > acked)).scalar_one_or_none()
        if higher is not None:
            gap = acked
            log.warning("till %s/%s: events after %d are missing (next held: %d)",
                        who.shop_code, who.till_code, acked, higher)
        for stream, keys in changed.items():   # last: the feed lock is held until commit
            emit(s, stream, keys)
        for pos, first in echoes:
            results[pos] = {**results[first], "status": "replayed"}
        return PushResult([results[p] for p in sorted(results)], acked, gap, len(refusals))

    @staticmethod
    def _preload(lg: Ledger, events: list[PushedEvent]) -> None:
        members: set[str] = set()
        cards: set[str] = set()
        sales: set[str] = set()
        for ev in events:
            try:
                members |= {e.member_id for e in ledger_effects(ev.kind, ev.payload)}
                if isinstance(ev.payload.get("card_no"), str):
                    cards.add(ev.payload["card_no"])
                sale = ev.payload.get("sale")
                if isinstance(sale, dict) and isinstance(sale.get("sale_id"), str):
                    sales.add(sale["sale_id"])
            except (KeyError, TypeError, ValueError, AttributeError):
                continue
        lg.preload({m for m in members if isinstance(m, str)}, cards, sales)

    def _advance_ack(self, s: Session, till: TillRow) -> int:
        acked = till.acked_seq
        while True:
            seqs = s.scalars(select(InboxRow.device_seq).where(
                InboxRow.till_id == till.id, InboxRow.device_seq > acked)
                .order_by(InboxRow.device_seq).limit(1000)).all()
            moved = False
            for seq in seqs:
                if seq != acked + 1:
                    break
                acked = seq
                moved = True
            if not moved or len(seqs) < 1000:
                break
        till.acked_seq = acked
        return acked

    # -- pull -------------------------------------------------------------------------------
    def pull(self, who: TillIdentity, stream: str, cursor: str, limit: int
             ) -> tuple[Page, int]:
        """One page of a stream and this till's acked seq, from one consistent snapshot."""
        with self.sessions() as s:
            if self.pg:
                s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            page = read_page(s, stream, cursor, limit, who.shop_code)
            acked = s.execute(select(TillRow.acked_seq).where(TillRow.id == who.till_id)
                              ).scalar_one()
            s.commit()
        return page, acked

    # -- online spend authorisation -------------------------------------------------------------
    def limits(self, s: Session | None = None) -> dict[str, int]:
        def read(session: Session) -> dict[str, int]:
            row = session.execute(select(DocumentRow.body).where(
                DocumentRow.stream == "settings", DocumentRow.key == "offline_limits")
            ).scalar_one_or_none()
            return {**DEFAULT_LIMITS, **(json.loads(row) if row else {})}
        if s is not None:
            return read(s)
        with self.sessions() as session:
            return read(session)

    def authorise(self, who: TillIdentity, member_id: str, card_no: str, stored_value_fen: int,
                  points: int) -> Decision:
        """Approve a spend against the chain-wide balance less holds, and hold it."""
        def work(s: Session) -> Decision:
            now = self.clock()
            limits = self.limits(s)
            card = s.execute(select(CardRow.status, CardRow.member_id)
                             .where(CardRow.card_no == card_no)).first()
            acct = s.execute(select(MemberAccountRow).where(
                MemberAccountRow.member_id == member_id).with_for_update()).scalar_one_or_none()
            if card is None or acct is None or card.member_id != member_id:
                return Decision("declined", "unknown_card", limits=limits)
            if card.status != "active":
                return Decision("declined", f"card_{card.status}", limits=limits)
            held_fen, held_pts = s.execute(select(
                func.coalesce(func.sum(AuthorisationRow.stored_value_fen), 0),
                func.coalesce(func.sum(AuthorisationRow.points), 0)).where(
                AuthorisationRow.member_id == member_id, AuthorisationRow.consumed_by.is_(None),
                AuthorisationRow.expires_at > now)).one()
            balance = acct.balance_paid_fen + acct.balance_bonus_fen - int(held_fen)
            spendable = acct.spendable_points - int(held_pts)
            if stored_value_fen > balance:
                return Decision("declined", "insufficient_balance", balance_fen=balance,
                                spendable_points=spendable, limits=limits)
            if points > spendable:
                return Decision("declined", "insufficient_points", balance_fen=balance,
                                spendable_points=spendable, limits=limits)
            auth_id = self.ids.new_id()
            s.add(AuthorisationRow(id=auth_id, member_id=member_id, card_no=card_no,
                                   shop_id=who.shop_id, till_id=who.till_id,
                                   stored_value_fen=stored_value_fen, points=points,
                                   expires_at=now + timedelta(minutes=limits["auth_hold_minutes"]),
                                   consumed_by=None, created_at=now))
            return Decision("approved", "", auth_id, balance - stored_value_fen,
                            spendable - points, limits)
        return self._tx(work)

    # -- head-office data ---------------------------------------------------------------------
    def import_members(self, rows: Iterable[dict[str, Any]], shop_code: str | None = None) -> int:
        """Members with cards and opening balances (paid_fen, bonus_fen, points)."""
        def work(s: Session) -> int:
            now = self.clock()
            shop_id = None
            if shop_code:
                shop_id = s.execute(select(ShopRow.id).where(ShopRow.code == shop_code)).scalar()
            b = Booking(shop_id, None, None, now)
            lg = Ledger(s, self.ids)
            n = 0
            members, cards, balances = set(), set(), set()
            for r in rows:
                member_id = r.get("id") or self.ids.new_id()
                s.add(MemberRow(id=member_id, name=r["name"], mobile=r.get("mobile"),
                                gender=r.get("gender", ""), birthday=r.get("birthday"),
                                birthday_calendar=r.get("birthday_calendar", "solar"),
                                consent_messages=bool(r.get("consent_messages", False)),
                                tier_code=r.get("tier_code", "regular"), referrer_id=None,
                                field_clocks="{}", home_shop_id=shop_id, stub=False,
                                created_at=now, updated_at=now))
                s.flush()
                s.add(MemberAccountRow(member_id=member_id, balance_paid_fen=0,
                                       balance_bonus_fen=0, spendable_points=0,
                                       accumulated_points=0, receivable_fen=0, version=0))
                s.flush()
                lg.accounts[member_id] = [0, 0, 0, 0, 0]
                lg._orig[member_id] = [0, 0, 0, 0, 0]
                if r.get("card_no"):
                    s.add(CardRow(card_no=r["card_no"], member_id=member_id,
                                  kind=r.get("card_kind", "magstripe"),
                                  status=r.get("card_status", "active"), status_version=1,
                                  generation=1, expires_on=r.get("expires_on"), status_at=now,
                                  status_shop_id=shop_id, replaced_by=None, issued_at=now))
                    cards.add(r["card_no"])
                paid, bonus = int(r.get("paid_fen", 0)), int(r.get("bonus_fen", 0))
                if paid or bonus:
                    lg.stored_value(b, member_id, "opening", paid, bonus)
                pts = int(r.get("points", 0))
                acc = int(r.get("accumulated_points", pts))
                if pts or acc:
                    lg.points(b, member_id, "opening", pts, acc)
                members.add(member_id)
                balances.add(member_id)
                n += 1
            lg.flush()
            emit(s, "members", members)
            emit(s, "cards", cards)
            emit(s, "card_status", cards)
            return n
        return self._tx(work)

    def put_document(self, stream: str, key: str, body: Any) -> int:
        if stream not in DOCUMENT_STREAMS:
            raise UnknownStream(stream)

        def work(s: Session) -> int:
            now = self.clock()
            row = s.get(DocumentRow, (stream, key), with_for_update=True)
            text = json.dumps(body, ensure_ascii=False, sort_keys=True)
            if row is None:
                s.add(DocumentRow(stream=stream, key=key, body=text, version=1, updated_at=now))
                version = 1
            else:
                row.body, row.version, row.updated_at = text, row.version + 1, now
                version = row.version
            s.flush()
            emit(s, stream, {key})
            return version
        return self._tx(work)

    def set_card_status(self, card_no: str, status: str) -> None:
        """An HO-side card change (e.g. 挂失 by phone at head office), forward only."""
        from headoffice.ingest import _card_event  # same rule as a till's event
        kind = {"lost": "card.lost", "cancelled": "card.cancelled", "active": "card.unblocked"}[status]

        def work(s: Session) -> None:
            changed = new_changed()
            lg = Ledger(s, self.ids)
            _card_event(s, lg, Booking(None, None, None, self.clock()), kind,
                        {"card_no": card_no}, changed)
            lg.flush()
            for stream, keys in changed.items():
                emit(s, stream, keys)
        self._tx(work)

    # -- reports ------------------------------------------------------------------------------
    def flags(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.sessions() as s:
            q = select(FlagRow).order_by(FlagRow.id)
            if kind:
                q = q.where(FlagRow.kind == kind)
            return [{"id": f.id, "kind": f.kind, "shop_id": f.shop_id, "till_id": f.till_id,
                     "member_id": f.member_id, "card_no": f.card_no, "event_id": f.event_id,
                     "detail": json.loads(f.detail), "at": f.at.isoformat()}
                    for f in s.scalars(q)]

    def receivables(self, open_only: bool = True) -> list[dict[str, Any]]:
        with self.sessions() as s:
            q = select(ReceivableRow).order_by(ReceivableRow.id)
            if open_only:
                q = q.where(ReceivableRow.recovered_fen < ReceivableRow.amount_fen)
            return [{"id": r.id, "member_id": r.member_id, "shop_id": r.shop_id,
                     "event_id": r.event_id, "amount_fen": r.amount_fen,
                     "recovered_fen": r.recovered_fen,
                     "recovered_at": r.recovered_at.isoformat() if r.recovered_at else None}
                    for r in s.scalars(q)]

    def account(self, member_id: str) -> dict[str, int]:
        with self.sessions() as s:
            a = s.get(MemberAccountRow, member_id)
            if a is None:
                raise KeyError(member_id)
            return {"balance_paid_fen": a.balance_paid_fen, "balance_bonus_fen": a.balance_bonus_fen,
                    "spendable_points": a.spendable_points,
                    "accumulated_points": a.accumulated_points, "receivable_fen": a.receivable_fen}

    # -- promotions, coupons and the daily jobs (headoffice/promotions.py) -------------------
    def publish_promotion(self, promotion: Promotion) -> int:
        """Publish (or replace) a promotion on the feed; returns the document version."""
        return self._tx(lambda s: promotions.publish_promotion(s, promotion, self.clock()))

    def withdraw_promotion(self, promotion_id: str) -> None:
        self._tx(lambda s: promotions.withdraw_promotion(s, promotion_id, self.clock()))

    def publish_package(self, package: TopUpPackage) -> int:
        """Publish a top-up package (储值套餐) on the promotions feed."""
        return self._tx(lambda s: promotions.publish_package(s, package, self.clock()))

    def publish_coupon_template(self, template: CouponTemplate) -> int:
        return self._tx(lambda s: promotions.publish_template(s, template, self.clock()))

    def issue_coupons(self, template_id: str, member_filter: promotions.MemberFilter
                      ) -> tuple[str, int]:
        """An issue run: one coupon of the template to every member the filter selects."""
        return self._tx(lambda s: promotions.issue_run(s, self.ids, template_id, member_filter,
                                                       self.clock()))

    def coupon(self, code: str) -> tuple[Coupon | None, list[CouponEntry]]:
        with self.sessions() as s:
            return promotions.coupon_history(s, code)

    def run_daily_jobs(self, today: date) -> dict[str, int]:
        """Points expiry and coupon expiry for `today` (idempotent: run it as often as you
        like; `pos-hq daily` runs it from cron)."""
        def work(s: Session) -> dict[str, int]:
            now = self.clock()
            points = promotions.expire_points(s, self.ids, today, now)
            coupons = promotions.expire_coupons(s, datetime.combine(today, datetime.min.time()))
            return {"members_points_expired": len(points),
                    "points_expired": sum(points.values()), "coupons_expired": coupons}
        return self._tx(work)
