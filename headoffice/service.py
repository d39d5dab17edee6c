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

from headoffice import passes, promotions
from headoffice.db import session_factory
from headoffice.errors import Busy, DuplicateTill, NotEnrolled, UnknownShop, UnknownStream
from headoffice.feeds import DOCUMENT_STREAMS, Page, emit, read_page
from headoffice.ingest import BadEvent, apply_event, client_time, new_changed
from headoffice.ledger import Booking, Ledger, bulk_insert
from headoffice.validate import Invalid, check_event
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
    StoredValueEntryRow,
    TillRow,
)
from pos_app.domain.coupons import Coupon, CouponEntry, CouponTemplate
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.ledger import EVENT_KINDS
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.promotions import Promotion
from pos_app.sync.events import KNOWN_KINDS, canonical_json, event_hash, ledger_effects

log = logging.getLogger("headoffice")
T = TypeVar("T")

MAX_BATCH = 500
# Every kind a till may push (the till's outbox list and the sync layer's); anything else is
# refused for good as unknown_kind.
PUSH_KINDS = frozenset(KNOWN_KINDS | EVENT_KINDS)
MAX_EPOCH = 1_000_000        # restores and enrolments of one till: far more than enough
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
    epoch: int = 1


@dataclass(frozen=True)
class PushedEvent:
    id: str
    device_seq: int
    kind: str
    payload: dict[str, Any]
    created_at: str | None = None
    epoch: int = 1               # the till's incarnation: a restore or re-enrolment bumps it
    invalid: Invalid | None = None   # refused by the HTTP layer's per-event schema check


@dataclass
class PushResult:
    """Per event: applied | replayed | refused (final, with a reason) | retry (reason).

    `acked_seq` is head office's highest contiguous seq in the till's current epoch (for
    gap alerts); the till moves its own position by the per-event answers, never by it."""

    results: list[dict[str, Any]]
    acked_seq: int
    gap_after: int | None = None
    refused: int = 0
    epoch: int = 1


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


# SQLSTATEs that say "not now" rather than "never": serialisation, deadlock, lock or
# statement timeout, cancel, shutdown, too many connections, out of resources.
_TRANSIENT = {"40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53000",
              "53100", "53200", "53300", "53400", "25P02"}
CARD_STATUS_KINDS = ("card.lost", "card.cancelled", "card.replaced", "card.unblocked",
                     "card.renewed")


def sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    return getattr(orig, "sqlstate", None) or getattr(exc, "sqlstate", None)


def transient(exc: BaseException) -> bool:
    """A database error worth retrying the whole request for (never a reason to refuse)."""
    if not isinstance(exc, DBAPIError) and sqlstate(exc) is None:
        return False
    code = sqlstate(exc)
    if code is None:
        # A dropped connection (psycopg raises without a SQLSTATE) or SQLite busy/locked.
        return isinstance(exc, OperationalError) or bool(getattr(exc, "connection_invalidated",
                                                                 False))
    return code in _TRANSIENT or code.startswith("08")


def _data_error(exc: BaseException) -> bool:
    """The event's own data broke a constraint or a type: refusing it is right."""
    code = sqlstate(exc) or ""
    return code.startswith("22") or code.startswith("23")


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
        """Run `work` in one transaction, again after a transient database error (deadlock,
        serialisation, lock or statement timeout, a dropped connection); if it persists,
        raise Busy so the caller answers "retry later" and nothing is recorded."""
        for attempt in range(attempts):
            with self.sessions() as session:
                try:
                    with session.begin():
                        return work(session)
                except (OperationalError, DBAPIError) as exc:
                    if not transient(exc):
                        raise
                    code = sqlstate(exc)
                    # Deadlocks and serialisation failures clear at once; a held lock or a
                    # slow statement will not clear within one request: give up sooner.
                    last = attempt == attempts - 1 or (code not in ("40P01", "40001")
                                                       and attempt >= 1)
                    if last:
                        log.warning("database busy (%s); asking the caller to retry",
                                    code or exc.__class__.__name__)
                        raise Busy(code or exc.__class__.__name__) from None
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
        """Create a till and return its one-time enrolment code (shown once, stored hashed).

        A till that has no working key (revoked, or never enrolled) gets a new code on the
        same till row: same till id, same history; enrolling with it starts a new epoch."""
        code = "-".join("".join(secrets.choice(_ENROL_ALPHABET) for _ in range(4))
                        for _ in range(4))

        def work(s: Session) -> str:
            shop = s.execute(select(ShopRow).where(ShopRow.code == shop_code)).scalar_one_or_none()
            if shop is None:
                raise UnknownShop(shop_code)
            now = self.clock()
            till = s.execute(select(TillRow).where(TillRow.shop_id == shop.id,
                                                   TillRow.code == till_code)
                             .with_for_update()).scalar_one_or_none()
            if till is not None:
                if till.key_hash is not None:
                    raise DuplicateTill(shop_code, till_code)
                till.revoked_at = None
                till.enrol_hash = _sha(code)
                till.enrol_expires_at = now + ENROL_VALID
                log.info("till %s/%s gets a new enrolment code", shop_code, till_code)
                return code
            s.add(TillRow(id=self.ids.new_id(), shop_id=shop.id, code=till_code,
                          enrol_hash=_sha(code), enrol_expires_at=now + ENROL_VALID,
                          key_hash=None, key_hint="", revoked_at=None, acked_seq=0,
                          epoch=0, created_at=now))
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
            # A new incarnation: whatever database enrols (the old one, a fresh one, a
            # restored one) numbers its new events in an epoch no earlier event used.
            till.epoch = (till.epoch or 0) + 1
            till.acked_seq = 0
            shop = s.get(ShopRow, till.shop_id)
            return Enrolment(TillIdentity(till.id, shop.id, shop.code, till.code), api_key,
                             till.epoch)
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
        for attempt in range(2):         # once more on a connection the server just dropped
            try:
                with self.sessions() as s:
                    row = s.execute(
                        select(TillRow.id, TillRow.shop_id, ShopRow.code, TillRow.code)
                        .join(ShopRow, ShopRow.id == TillRow.shop_id)
                        .where(TillRow.key_hash == _sha(api_key),
                               TillRow.revoked_at.is_(None))).first()
                break
            except DBAPIError as exc:
                if attempt or not transient(exc):
                    raise
        if row is None:
            raise NotEnrolled()
        return TillIdentity(row[0], row[1], row[2], row[3])

    # -- push -------------------------------------------------------------------------------
    def push(self, who: TillIdentity, events: list[PushedEvent]) -> PushResult:
        """Record each event once in the inbox and apply its effects in the same transaction.

        The batch first runs in one go; if an event cannot be applied the transaction is
        rolled back and the batch runs again with a savepoint per event, so one bad event
        is refused without holding back the others. A transient database error is never a
        refusal: the whole request is retried and, if it persists, raises Busy."""
        events = sorted(events, key=lambda e: (e.device_seq, e.epoch))[:MAX_BATCH]
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
        prev_seen = till.last_seen_at
        till.last_seen_at = now
        epoch_before = till.epoch
        texts = [canonical_json(ev.payload) for ev in events]
        hs = [event_hash(ev.kind, ev.device_seq, None, t) for ev, t in zip(events, texts)]
        ids = list({ev.id for ev in events})
        seen = {r.event_id: r for r in s.execute(
            select(InboxRow.event_id, InboxRow.till_id, InboxRow.device_seq,
                   InboxRow.payload_hash, InboxRow.status, InboxRow.result)
            .where(InboxRow.event_id.in_(ids)))} if ids else {}
        taken = {(r[0], r[1]): r[2] for r in s.execute(
            select(InboxRow.epoch, InboxRow.device_seq, InboxRow.event_id).where(
                InboxRow.till_id == who.till_id,
                InboxRow.device_seq.in_({ev.device_seq for ev in events})))} if events else {}
        results: dict[int, dict[str, Any]] = {}      # by position in the batch
        refusals: list[tuple[int, PushedEvent, str, str]] = []
        stale: list[tuple[int, PushedEvent]] = []
        fresh: list[tuple[int, PushedEvent]] = []
        in_batch: dict[str, PushedEvent] = {}
        batch_seqs: set[tuple[int, int]] = set()
        echoes: list[tuple[int, int]] = []             # (position, position of first copy)
        first_pos: dict[str, int] = {}
        invalid_rows: list[dict[str, Any]] = []
        for pos, ev in enumerate(events):
            if ev.id in first_pos and hs[first_pos[ev.id]] == hs[pos]:
                echoes.append((pos, first_pos[ev.id]))   # the same event twice in one batch
                continue
            first_pos.setdefault(ev.id, pos)
            first = seen.get(ev.id)
            key = (ev.epoch, ev.device_seq)
            if first is not None and first.till_id == who.till_id and \
                    first.payload_hash == hs[pos]:
                # Reconciled by event id, whatever epoch or batch it came in first.
                if first.status in ("rejected", "refused"):
                    res = json.loads(first.result)
                    results[pos] = {"id": ev.id, "device_seq": ev.device_seq,
                                    "status": "refused",
                                    "reason": res.get("reason", "invalid"), "result": res}
                else:
                    results[pos] = {"id": ev.id, "device_seq": ev.device_seq,
                                    "status": "replayed", "result": json.loads(first.result)}
            elif first is not None:
                refusals.append((pos, ev, "payload_mismatch" if first.till_id == who.till_id
                                 else "foreign_event", ""))
            elif not 1 <= ev.epoch < MAX_EPOCH:
                refusals.append((pos, ev, "malformed", f"epoch must be 1..{MAX_EPOCH - 1}"))
            elif ev.id in in_batch:
                refusals.append((pos, ev, "payload_mismatch", ""))
            elif taken.get(key, ev.id) != ev.id or key in batch_seqs:
                # This (epoch, seq) holds another event: the till was restored from a
                # backup or re-installed without telling us. Not a refusal: it moves to a
                # new epoch (below) and sends the event again.
                stale.append((pos, ev))
            elif ev.invalid is not None or self._invalid(ev, texts[pos], now) is not None:
                # Refused for good, and kept in the inbox so a replay gets the same answer.
                bad = ev.invalid or self._invalid(ev, texts[pos], now)
                in_batch[ev.id] = ev
                batch_seqs.add(key)
                refusals.append((pos, ev, bad.reason, bad.detail))
                invalid_rows.append({
                    "event_id": ev.id, "till_id": who.till_id, "shop_id": who.shop_id,
                    "epoch": ev.epoch, "device_seq": ev.device_seq, "kind": ev.kind[:40],
                    "payload_hash": hs[pos],
                    "payload": texts[pos] if bad.reason != "payload_too_large" else "",
                    "status": "refused",
                    "result": json.dumps({"status": "refused", "reason": bad.reason,
                                          "detail": bad.detail[:200]}, sort_keys=True),
                    "client_at": None, "received_at": now})
            else:
                in_batch[ev.id] = ev
                batch_seqs.add(key)
                fresh.append((pos, ev))
        top_epoch = max([till.epoch or 1] + [ev.epoch for _, ev in fresh])
        if top_epoch > (till.epoch or 1):
            lg_flag = {"epoch": top_epoch, "previous": till.epoch, "announced": True}
            s.execute(insert(FlagRow).values(kind="till_new_epoch", shop_id=who.shop_id,
                                             till_id=who.till_id, detail=json.dumps(lg_flag),
                                             at=now))
            till.epoch = top_epoch
        if stale:
            till.epoch = max(top_epoch, max(ev.epoch for _, ev in stale)) + 1
            s.execute(insert(FlagRow).values(
                kind="till_restored", shop_id=who.shop_id, till_id=who.till_id,
                detail=json.dumps({"epoch": till.epoch, "announced": False,
                                   "seq_reused": stale[0][1].device_seq}), at=now))
            log.warning("till %s/%s reused seq %d: restored without notice; new epoch %d",
                        who.shop_code, who.till_code, stale[0][1].device_seq, till.epoch)
            for pos, ev in stale:
                results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "retry",
                                "reason": "epoch_stale"}
        # Card status first: a lost-card report never waits behind, or fails with, a sale.
        fresh.sort(key=lambda pe: pe[1].kind not in CARD_STATUS_KINDS)
        changed = new_changed()
        lg = Ledger(s, self.ids)
        try:
            self._preload(lg, [ev for _, ev in fresh])
        except DBAPIError as exc:
            if not careful and not transient(exc):
                raise _Careful() from None
            raise
        # A sale rung up before this batch's own card event on that card is judged by the
        # card's status before the batch (the card event was applied first).
        card_seq: dict[str, int] = {}
        card_before: dict[str, str | None] = {}
        for _, ev in fresh:
            no = ev.payload.get("card_no")
            if ev.kind in CARD_STATUS_KINDS and isinstance(no, str) and no not in card_seq:
                card_seq[no] = ev.device_seq
                card_before[no] = lg.card_status(no)
        inbox_rows = []
        for pos, ev in fresh:
            b = Booking(who.shop_id, who.till_id, ev.id, now, client_time(ev.created_at))
            no = ev.payload.get("card_no")
            earlier = (ev.kind not in CARD_STATUS_KINDS and isinstance(no, str)
                       and ev.device_seq < card_seq.get(no, 0))
            if earlier:
                now_status, lg.cards[no] = lg.cards.get(no), card_before[no]
            try:
                if careful:
                    nested = s.begin_nested()
                    try:
                        result = apply_event(s, lg, b, ev.kind, ev.payload, changed)
                        changed["balances"] |= lg.flush()
                        nested.commit()
                    except (BadEvent, DBAPIError) as exc:
                        nested.rollback()
                        lg.forget()
                        if isinstance(exc, DBAPIError) and (
                                transient(exc) or not _data_error(exc)
                                or ev.kind in CARD_STATUS_KINDS):
                            raise    # not this event's fault: the whole request retries
                        log.warning("event %s (%s) from till %s could not be applied: %s",
                                    ev.id, ev.kind, who.till_code, exc.__class__.__name__)
                        result = {"status": "rejected", "error": exc.__class__.__name__}
                        lg.flag("bad_event", b, event_kind=ev.kind, error=str(exc)[:200])
                else:
                    try:
                        result = apply_event(s, lg, b, ev.kind, ev.payload, changed)
                    except BadEvent:
                        raise _Careful() from None
                    except DBAPIError as exc:
                        if transient(exc):
                            raise
                        raise _Careful() from None
            finally:
                if earlier:
                    lg.cards[no] = now_status
            status = str(result.get("status", "applied"))[:16]
            inbox_rows.append({
                "event_id": ev.id, "till_id": who.till_id, "shop_id": who.shop_id,
                "epoch": ev.epoch, "device_seq": ev.device_seq, "kind": ev.kind,
                "payload_hash": hs[pos], "payload": texts[pos],
                "status": status, "result": json.dumps(result, sort_keys=True),
                "client_at": client_time(ev.created_at), "received_at": now})
            if status == "rejected":
                results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "refused",
                                "reason": "invalid", "result": result}
            else:
                results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "applied",
                                "result": result}
        try:
            changed["balances"] |= lg.flush()
            bulk_insert(s, InboxRow.__table__, inbox_rows + invalid_rows)
        except DBAPIError as exc:
            if careful or transient(exc):
                raise
            raise _Careful() from None
        self._record_refusals(s, who, refusals, hs, now, results)
        self._offline_checks(s, who, [ev for _, ev in fresh], prev_seen, now)
        acked = self._advance_ack(s, till, epoch_before)
        gap = None
        higher = s.execute(select(func.min(InboxRow.device_seq)).where(
            InboxRow.till_id == who.till_id, InboxRow.epoch == till.epoch,
            InboxRow.device_seq > acked)).scalar_one_or_none()
        if higher is not None:
            gap = acked
            log.warning("till %s/%s: events after %d are missing (next held: %d)",
                        who.shop_code, who.till_code, acked, higher)
        for stream, keys in changed.items():   # last: the feed lock is held until commit
            emit(s, stream, keys)
        for pos, first in echoes:
            results[pos] = {**results[first]}
            if results[pos]["status"] == "applied":
                results[pos]["status"] = "replayed"
        refused = sum(1 for r in results.values() if r["status"] == "refused")
        return PushResult([results[p] for p in sorted(results)], acked, gap, refused,
                          till.epoch or 1)

    def _offline_checks(self, s: Session, who: TillIdentity, fresh: list[PushedEvent],
                        prev_seen: datetime | None, now: datetime) -> None:
        """Flag offline stored-value spends that broke the offline rules by any reading:
        per card (amount, count) and per till (exposure) within this contact, and the time
        since the till's previous contact by head office's clock. A till's own clock can
        step back; these readings cannot."""
        def has_sv(ev: PushedEvent) -> bool:
            sale = ev.payload.get("sale") if ev.kind.startswith("sale.") else None
            tenders = sale.get("tenders") if isinstance(sale, dict) else None
            return isinstance(tenders, list) and any(
                isinstance(t, dict) and t.get("kind") == "stored_value" for t in tenders)
        ids = [ev.id for ev in fresh if has_sv(ev)]
        if not ids:
            return
        rows = s.execute(select(StoredValueEntryRow.member_id, StoredValueEntryRow.event_id,
                                StoredValueEntryRow.paid_delta_fen
                                + StoredValueEntryRow.bonus_delta_fen)
                         .where(StoredValueEntryRow.event_id.in_(ids),
                                StoredValueEntryRow.offline.is_(True),
                                StoredValueEntryRow.kind == "spend")).all()
        if not rows:
            return
        limits = self.limits(s)
        per_member: dict[str, list[int]] = {}
        for member_id, _event_id, delta in rows:
            m = per_member.setdefault(member_id, [0, 0])
            m[0] += -int(delta)
            m[1] += 1
        flags = []
        for member_id, (fen, uses) in sorted(per_member.items()):
            if fen > limits["card_cap_fen"] or uses > limits["card_max_uses"]:
                flags.append(("offline_cap_exceeded", member_id,
                              {"spent_fen": fen, "uses": uses, "cap_fen": limits["card_cap_fen"],
                               "max_uses": limits["card_max_uses"]}))
        total = sum(fen for fen, _ in per_member.values())
        if total > limits["shop_exposure_fen"]:
            flags.append(("offline_exposure_exceeded", None,
                          {"spent_fen": total, "cap_fen": limits["shop_exposure_fen"]}))
        if prev_seen is not None and now - prev_seen > timedelta(
                hours=limits["max_offline_hours"]):
            flags.append(("offline_too_long", None,
                          {"hours_since_contact": int((now - prev_seen).total_seconds() // 3600),
                           "max_hours": limits["max_offline_hours"], "clock": "head office"}))
        for kind, member_id, detail in flags:
            s.execute(insert(FlagRow).values(kind=kind, shop_id=who.shop_id,
                                             till_id=who.till_id, member_id=member_id,
                                             detail=json.dumps(detail), at=now))

    @staticmethod
    def _invalid(ev: PushedEvent, text: str, now: datetime) -> Invalid | None:
        if ev.kind not in PUSH_KINDS:
            return Invalid("unknown_kind", f"head office does not know {ev.kind[:40]!r}")
        try:
            check_event(ev.kind, ev.payload, text, now)
        except Invalid as exc:
            return exc
        return None

    def _record_refusals(self, s: Session, who: TillIdentity,
                         refusals: list[tuple[int, PushedEvent, str, str]], hs: list[str],
                         now: datetime, results: dict[int, dict[str, Any]]) -> None:
        """Refusals are answers the till shows a person; head office lists them as flags
        (once per event and reason, however often the till asks again)."""
        if not refusals:
            return
        known = set(s.execute(select(RefusedEventRow.event_id, RefusedEventRow.reason).where(
            RefusedEventRow.till_id == who.till_id,
            RefusedEventRow.event_id.in_({ev.id[:64] for _, ev, _, _ in refusals}))).all())
        for pos, ev, reason, detail in refusals:
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "refused",
                            "reason": reason, **({"detail": detail[:200]} if detail else {})}
            if (ev.id[:64], reason) in known:
                continue
            known.add((ev.id[:64], reason))
            s.execute(insert(RefusedEventRow).values(
                till_id=who.till_id, event_id=ev.id[:64], device_seq=ev.device_seq,
                reason=reason, payload_hash=hs[pos], at=now))
            s.execute(insert(FlagRow).values(
                kind="event_refused", shop_id=who.shop_id, till_id=who.till_id,
                event_id=ev.id[:64], at=now,
                detail=json.dumps({"reason": reason, "detail": detail[:200],
                                   "event_kind": ev.kind[:40], "device_seq": ev.device_seq,
                                   "epoch": ev.epoch}, ensure_ascii=False)))
            # The event id and hash only: payloads can carry member data.
            log.warning("refused event %s seq %d from till %s/%s: %s", ev.id[:64],
                        ev.device_seq, who.shop_code, who.till_code, reason)

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

    def _advance_ack(self, s: Session, till: TillRow, epoch_before: int | None) -> int:
        """Head office's highest contiguous seq in the till's current epoch (for gap alerts).
        A new epoch counts from the first seq head office holds in it."""
        epoch = till.epoch or 1
        acked = till.acked_seq
        if epoch != (epoch_before or 1) or acked == 0:
            first = s.scalar(select(func.min(InboxRow.device_seq)).where(
                InboxRow.till_id == till.id, InboxRow.epoch == epoch))
            acked = 0 if first is None or epoch == 1 else first - 1
        while True:
            seqs = s.scalars(select(InboxRow.device_seq).where(
                InboxRow.till_id == till.id, InboxRow.epoch == epoch,
                InboxRow.device_seq > acked)
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
                    "points_expired": sum(points.values()), "coupons_expired": coupons,
                    "passes_expired": passes.expire(s, today, now)}
        return self._tx(work)
