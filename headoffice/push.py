"""The till's push: each event recorded once in the inbox (keyed by event id) and its effects
applied (headoffice/ingest.py) in the same transaction; replays answered from the inbox;
refusals, epochs, gaps and the offline-spending checks."""
from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, func, insert, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from headoffice.authorisation import read_limits
from headoffice.console import figures
from headoffice.db import sqlstate, transient
from headoffice.enrolment import TillIdentity
from headoffice.feeds import emit
from headoffice.ingest import BadEvent, apply_event, client_time, new_changed
from headoffice.ledger import Booking, Ledger, bulk_insert
from headoffice.models import (
    FlagRow,
    InboxRow,
    RefusedEventRow,
    TillRow,
)
from headoffice.validate import Invalid, check_event
from pos_app.domain.ledger import EVENT_KINDS
from pos_app.sync.events import KNOWN_KINDS, canonical_json, event_hash, ledger_effects

if TYPE_CHECKING:
    from headoffice.service import HeadOffice

log = logging.getLogger("headoffice")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def loggable_id(event_id: str) -> str:
    """An event id for the log: a till's ids are UUIDs; anything else a till (or someone
    holding its key) sent is untrusted text that may carry a card or mobile number, so the
    log gets a short hash of it instead."""
    if _UUID.match(event_id):
        return event_id
    return "sha256:" + hashlib.sha256(event_id.encode()).hexdigest()[:16]

def loggable_seq(device_seq: int) -> str:
    """A device sequence number for the log. A till's run from 1 and never reach a billion; a
    larger one is untrusted input whose digits may be a mobile or card number (the log
    scanner found a fuzzed 11-digit seq in this warning), so the log says only that."""
    return str(device_seq) if 0 <= device_seq < 10**9 else "(out of range)"


MAX_BATCH = 500
# Every kind a till may push (the till's outbox list and the sync layer's); anything else is
# refused for good as unknown_kind.
PUSH_KINDS = frozenset(KNOWN_KINDS | EVENT_KINDS)
MAX_EPOCH = 1_000_000        # restores and enrolments of one till: far more than enough
CARD_STATUS_KINDS = ("card.lost", "card.cancelled", "card.replaced", "card.unblocked",
                     "card.renewed")


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


class _Careful(Exception):
    """The fast path met an event it cannot apply: run the batch again, event by event."""


def _data_error(exc: BaseException) -> bool:
    """The event's own data broke a constraint or a type: refusing it is right."""
    code = sqlstate(exc) or ""
    return code.startswith("22") or code.startswith("23")


def _unique_violation(exc: BaseException) -> bool:
    """A duplicate key, as SQLAlchemy wraps it or as psycopg's COPY raises it (23505)."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc, "sqlstate", None) == "23505"


def push(ho: HeadOffice, who: TillIdentity, events: list[PushedEvent]) -> PushResult:
    """Record each event once in the inbox and apply its effects in the same transaction.

    The batch first runs in one go; if an event cannot be applied the transaction is
    rolled back and the batch runs again with a savepoint per event, so one bad event
    is refused without holding back the others. A transient database error is never a
    refusal: the whole request is retried and, if it persists, raises Busy."""
    events = sorted(events, key=lambda e: (e.device_seq, e.epoch))[:MAX_BATCH]
    for attempt in range(2):
        try:
            try:
                return ho.transaction(lambda s: _push(ho, s, who, events, careful=False))
            except _Careful:
                return ho.transaction(lambda s: _push(ho, s, who, events, careful=True))
        except Exception as exc:  # noqa: BLE001 - narrowed to unique violations below
            # Another till committed an event with one of these ids between our read of
            # the inbox and our insert (the per-till lock does not cover other tills).
            # Run once more: this time the inbox shows it and it is refused as foreign.
            # The bulk COPY raises the driver's own error, so look at the SQLSTATE too.
            if attempt or not _unique_violation(exc):
                raise
    raise AssertionError("unreachable")

def _push(ho: HeadOffice, s: Session, who: TillIdentity, events: list[PushedEvent],
          careful: bool) -> PushResult:
    now = ho.clock()
    # One push per till at a time: the row lock orders concurrent retries of one batch.
    till = s.execute(select(TillRow).where(TillRow.id == who.till_id).with_for_update()
                     ).scalar_one()
    prev_seen = till.last_seen_at      # last_seen_at moves with acked_seq: one UPDATE
    epoch_before = till.epoch
    texts = [canonical_json(ev.payload) for ev in events]
    hs = [event_hash(ev.kind, ev.device_seq, None, t) for ev, t in zip(events, texts)]
    ids_set = {ev.id for ev in events}
    ids = list(ids_set)
    # One round trip: what the inbox holds under these event ids (replays, foreign ids)
    # and under these (till, seq) numbers (a restore nobody announced).
    seqs = {ev.device_seq for ev in events}
    seen: dict[str, Any] = {}
    taken: dict[tuple[int, int], str] = {}
    if events:
        for r in s.execute(select(InboxRow.event_id, InboxRow.till_id, InboxRow.epoch,
                                  InboxRow.device_seq, InboxRow.payload_hash, InboxRow.status,
                                  InboxRow.result)
                           .where(or_(InboxRow.event_id.in_(ids),
                                      and_(InboxRow.till_id == who.till_id,
                                           InboxRow.device_seq.in_(seqs))))):
            if r.event_id in ids_set:
                seen[r.event_id] = r
            if r.till_id == who.till_id and r.device_seq in seqs:
                taken[(r.epoch, r.device_seq)] = r.event_id
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
        elif ev.invalid is not None or _invalid(ev, texts[pos], now) is not None:
            # Refused for good, and kept in the inbox so a replay gets the same answer.
            bad = ev.invalid or _invalid(ev, texts[pos], now)
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
        log.warning("till %s/%s reused seq %s: restored without notice; new epoch %d",
                    who.shop_code, who.till_code, loggable_seq(stale[0][1].device_seq),
                    till.epoch)
        for pos, ev in stale:
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "retry",
                            "reason": "epoch_stale"}
    # Card status first: a lost-card report never waits behind, or fails with, a sale.
    fresh.sort(key=lambda pe: pe[1].kind not in CARD_STATUS_KINDS)
    changed = new_changed()
    # The first run settles balances when it writes (deferred); the event-by-event run
    # writes after every event anyway, so it locks the accounts up front.
    lg = Ledger(s, ho.ids, deferred=not careful)
    try:
        _preload(lg, [ev for _, ev in fresh])
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
                                loggable_id(ev.id), ev.kind, who.till_code,
                                exc.__class__.__name__)
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
        inbox_rows.append((pos, ev, status, result))
        if status == "rejected":
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "refused",
                            "reason": "invalid", "result": result}
        else:
            results[pos] = {"id": ev.id, "device_seq": ev.device_seq, "status": "applied",
                            "result": result}
    try:
        changed["balances"] |= lg.flush()
        # The results as settled (a deferred ledger adds overdrafts when it writes).
        bulk_insert(s, InboxRow.__table__, [{
            "event_id": ev.id, "till_id": who.till_id, "shop_id": who.shop_id,
            "epoch": ev.epoch, "device_seq": ev.device_seq, "kind": ev.kind,
            "payload_hash": hs[pos], "payload": texts[pos],
            "status": status, "result": json.dumps(result, sort_keys=True),
            "client_at": client_time(ev.created_at), "received_at": now}
            for pos, ev, status, result in inbox_rows] + invalid_rows)
    except DBAPIError as exc:
        if careful or transient(exc):
            raise
        raise _Careful() from None
    _record_refusals(s, who, refusals, hs, now, results)
    _offline_checks(s, who, lg.offline_spends, prev_seen, now)
    acked = _advance_ack(s, till, epoch_before)
    till.last_seen_at = now
    gap = None
    higher = s.execute(select(func.min(InboxRow.device_seq)).where(
        InboxRow.till_id == who.till_id, InboxRow.epoch == till.epoch,
        InboxRow.device_seq > acked)).scalar_one_or_none()
    if higher is not None:
        gap = acked
        log.warning("till %s/%s: events after %s are missing (next held: %s)",
                    who.shop_code, who.till_code, loggable_seq(acked), loggable_seq(higher))
    figures.write_counted(s)     # before the feed lock, which is held until commit
    for stream, keys in changed.items():   # last: the feed lock is held until commit
        emit(s, stream, keys)
    for pos, first in echoes:
        results[pos] = {**results[first]}
        if results[pos]["status"] == "applied":
            results[pos]["status"] = "replayed"
    refused = sum(1 for r in results.values() if r["status"] == "refused")
    return PushResult([results[p] for p in sorted(results)], acked, gap, refused,
                      till.epoch or 1)

def _offline_checks(s: Session, who: TillIdentity, spends: list[tuple[str, int]],
                    prev_seen: datetime | None, now: datetime) -> None:
    """Flag offline stored-value spends (member id, fen) that broke the offline rules by any
    reading: per card (amount, count) and per till (exposure) within this contact, and the
    time since the till's previous contact by head office's clock. A till's own clock can
    step back; these readings cannot."""
    if not spends:
        return
    limits = read_limits(s)
    per_member: dict[str, list[int]] = {}
    for member_id, fen in spends:
        m = per_member.setdefault(member_id, [0, 0])
        m[0] += fen
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
    if flags:   # one statement for all of them, not one round trip per member
        s.execute(insert(FlagRow), [{"kind": kind, "shop_id": who.shop_id,
                                     "till_id": who.till_id, "member_id": member_id,
                                     "detail": json.dumps(detail), "at": now}
                                    for kind, member_id, detail in flags])

def _invalid(ev: PushedEvent, text: str, now: datetime) -> Invalid | None:
    if ev.kind not in PUSH_KINDS:
        return Invalid("unknown_kind", f"head office does not know {ev.kind[:40]!r}")
    try:
        check_event(ev.kind, ev.payload, text, now)
    except Invalid as exc:
        return exc
    return None

def _record_refusals(s: Session, who: TillIdentity,
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
        log.warning("refused event %s seq %s from till %s/%s: %s", loggable_id(ev.id),
                    loggable_seq(ev.device_seq), who.shop_code, who.till_code, reason)

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

def _advance_ack(s: Session, till: TillRow, epoch_before: int | None) -> int:
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
