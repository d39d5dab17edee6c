"""Applying one pushed event's effects, inside the push transaction (after its inbox insert).

Each function returns the event's result (stored in the inbox and returned on replays) and
adds the keys it changed to `changed` so the batch writes its feed rows once.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from headoffice import passes
from headoffice.console import figures
from headoffice.ledger import Booking, Ledger
from headoffice.promotions import book_sale_coupons
from headoffice.models import (
    AuthorisationRow,
    BenefitRow,
    CardRow,
    MemberRow,
    TillEventRow,
)
from pos_app.domain.card import (
    EVENT_ACTIONS,
    CardAction,
    CardStatus,
    status_after_event,
)
from pos_app.domain.ledger import EntryKind, LedgerName, entries_of_event
from pos_app.sync.events import hlc_pack, ledger_effects, lww_wins

Changed = dict[str, set[str]]
MEMBER_FIELDS = ("name", "mobile", "gender", "birthday", "birthday_calendar",
                 "consent_messages", "tier_code")


class BadEvent(Exception):
    """A known kind whose payload cannot be applied; recorded and flagged, never retried."""


def new_changed() -> Changed:
    return defaultdict(set)


def _client_time(text: Any) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


def apply_event(session: Session, lg: Ledger, b: Booking, kind: str,
                payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    try:
        handler = _HANDLERS.get(kind)
        if handler is None:
            lg.flag("unknown_kind", b, event_kind=kind)
            return {"status": "unknown_kind"}
        result = handler(session, lg, b, kind, payload, changed)
        figures.note(session, b, kind, payload, result)   # the console's daily figures
        return result
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise BadEvent(f"{exc.__class__.__name__}: {exc}") from None


def _sale(session: Session, lg: Ledger, b: Booking, kind: str, payload: dict[str, Any],
          changed: Changed) -> dict[str, Any]:
    sale = payload["sale"]
    sale_id = str(sale["sale_id"])
    if sale_id in lg.sale_ids:
        lg.flag("duplicate_sale", b, sale_id=sale_id)
        return {"status": "duplicate_sale", "sale_id": sale_id}
    member_id = payload.get("member_id")
    tenders = sale.get("tenders") or []
    paid = sum(int(t["amount_fen"]) for t in tenders)
    lg.add_sale({
        "id": sale_id, "event_id": b.event_id, "shop_id": b.shop_id, "till_id": b.till_id,
        "kind": "return" if kind == "sale.returned" else "sale",
        "receipt_no": str(sale.get("receipt_no", ""))[:40], "member_id": member_id,
        "paid_fen": paid, "original_sale_id": payload.get("original_sale_id"),
        "client_at": b.client_at, "booked_at": b.at,
        "body": json.dumps(sale, ensure_ascii=False, sort_keys=True)})
    result: dict[str, Any] = {"status": "applied", "sale_id": sale_id, "flags": []}
    result["flags"] += book_sale_coupons(session, b, payload, member_id)
    result["flags"] += passes.book(session, b, kind, payload, member_id)   # 计次卡
    _book_tiers(session, lg, b, kind, payload, changed)
    effects = ledger_effects(kind, payload)
    if not effects:
        return result
    lg.ensure_member(member_id, b)
    card_no = payload.get("card_no")
    status = lg.card_status(card_no)
    blocked = status is not None and status != CardStatus.ACTIVE.value
    flagged = "after_block" if blocked else ""
    spends = [e for e in effects if e.ledger == "stored_value" and e.kind == "spend"]
    if blocked and (spends or any(e.ledger == "points" and e.spendable < 0 for e in effects)):
        lg.flag("spent_after_block", b, member_id=member_id, card_no=card_no,
             card_status=status, sale_id=sale_id)
        result["flags"].append("spent_after_block")
    reverse = False
    if blocked and any(e.ledger == "points" and e.spendable > 0 for e in effects):
        # A till that had not learned of the block yet: the points are booked (the sale
        # happened) and head office reviews them or, as the rule set says, reverses them.
        reverse = _reverse_after_block(session)
        lg.flag("earned_after_block", b, member_id=member_id, card_no=card_no,
                card_status=status, sale_id=sale_id,
                action="reversed" if reverse else "flagged")
        result["flags"].append("earned_after_block")
    auth_ids = {str(t.get("reference")) for t in tenders
                if t.get("kind") == "stored_value" and t.get("reference")}
    online_auth = _consume_authorisation(session, b, member_id, auth_ids) if spends else None
    for e in effects:
        if e.ledger == "stored_value":
            lg.stored_value(b, e.member_id, e.kind, e.paid_fen, e.bonus_fen,
                            sale_id=sale_id, auth_id=online_auth,
                            offline=e.kind == "spend" and online_auth is None,
                            flagged=flagged if e.kind == "spend" else "", result=result)
        else:
            lg.points(b, e.member_id, e.kind, e.spendable, e.accumulated, sale_id=sale_id,
                      flagged=flagged)
        changed["balances"].add(e.member_id)
    if reverse:
        _reverse_points(lg, b, effects, sale_id, result)
    return result


def _consume_authorisation(session: Session, b: Booking, member_id: str,
                           references: set[str]) -> str | None:
    """The online authorisation (one of `references`, the marks the till's spend carries)
    that this event used up: marked consumed by the event, so its hold is released and it
    covers no other spend. None when none of them is an open authorisation of the member
    (offline, or an authorisation another event used already): the spend is booked offline."""
    if not references:
        return None
    auth_id = session.execute(
        select(AuthorisationRow.id).where(AuthorisationRow.id.in_(references),
                                          AuthorisationRow.member_id == member_id,
                                          AuthorisationRow.consumed_by.is_(None))
        .limit(1).with_for_update()).scalar_one_or_none()
    if auth_id:
        session.execute(update(AuthorisationRow).where(AuthorisationRow.id == auth_id)
                        .values(consumed_by=b.event_id))
    return auth_id


def _reverse_after_block(session: Session) -> bool:
    """The rule set's `points_after_block`: "reverse" takes back the points a sale earned on
    a blocked card; "flag" (the default) only flags them for review."""
    from headoffice.promotions import current_rules
    return current_rules(session).points_after_block == "reverse"


def _reverse_points(lg: Ledger, b: Booking, effects: list[Any], sale_id: str,
                    result: dict[str, Any]) -> None:
    """An adjustment entry naming the sale takes back what it earned; it reaches the till
    with the member's balance at its next pull (db/sync_store.py books it there)."""
    for member_id in sorted({e.member_id for e in effects}):
        earned = [e for e in effects if e.member_id == member_id and e.ledger == "points"
                  and e.spendable > 0]
        spendable = sum(e.spendable for e in earned)
        accumulated = sum(e.accumulated for e in earned)
        if spendable or accumulated:
            lg.points(b, member_id, "adjustment", -spendable, -accumulated, sale_id=sale_id,
                      flagged="after_block")
            result["flags"].append("points_reversed")
            result["points_reversed"] = spendable


def _stored_value(session: Session, lg: Ledger, b: Booking, kind: str,
                  payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    member_id = str(payload["member_id"])
    lg.ensure_member(member_id, b)
    effects = ledger_effects(kind, payload)
    # 取款 goes through the authorisation path of every stored-value spend: the
    # authorisation it used (its reference) is used up here, as a sale's is.
    withdrawal = kind == "stored_value.refund_balance"
    reference = str(payload.get("reference") or "")
    online_auth = _consume_authorisation(session, b, member_id, {reference}) \
        if withdrawal and reference and any(e.ledger == "stored_value" for e in effects) \
        else None
    for e in effects:
        if e.ledger == "points":   # a top-up package's points (储值套餐)
            lg.points(b, e.member_id, e.kind, e.spendable, e.accumulated)
        elif withdrawal:
            lg.stored_value(b, e.member_id, e.kind, e.paid_fen, e.bonus_fen,
                            auth_id=online_auth,
                            offline=e.kind == EntryKind.WITHDRAW.value and online_auth is None)
        else:
            lg.stored_value(b, e.member_id, e.kind, e.paid_fen, e.bonus_fen)
    changed["balances"].add(member_id)
    result: dict[str, Any] = {"status": "applied"}
    lg.report_receivable(member_id, result)
    if payload.get("package"):
        # A package's coupons, pass and tier travel with its top-up (or its refund).
        result["flags"] = book_sale_coupons(session, b, payload, member_id)
        result["flags"] += passes.book(session, b, kind, payload, member_id)   # 计次卡
        _book_tiers(session, lg, b, kind, payload, changed)
    return result


def _book_tiers(session: Session, lg: Ledger, b: Booking, kind: str,
                payload: dict[str, Any], changed: Changed) -> int:
    """Tier entries the till booked (v2 and v3 payloads) move the member's tier as given."""
    n = 0
    for m in entries_of_event(kind, payload):
        if m.entry.ledger is not LedgerName.TIER:
            continue
        lg.ensure_member(m.member_id, b)
        row = session.get(MemberRow, m.member_id)
        if row is not None and row.tier_code != m.entry.tier:
            row.tier_code = m.entry.tier
            row.updated_at = b.at
            changed["members"].add(m.member_id)
        n += 1
    if n:
        session.flush()
    return n


def _tier_changed(session: Session, lg: Ledger, b: Booking, kind: str,
                  payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    return {"status": "applied", "tiers": _book_tiers(session, lg, b, kind, payload, changed)}


def _till_document(session: Session, lg: Ledger, b: Booking, kind: str,
                   payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    session.execute(insert(TillEventRow).values(
        event_id=b.event_id, shop_id=b.shop_id, till_id=b.till_id, kind=kind,
        body=json.dumps(payload, ensure_ascii=False, sort_keys=True), booked_at=b.at))
    return {"status": "applied"}


def _member_registered(session: Session, lg: Ledger, b: Booking, kind: str,
                       payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    m = payload["member"]
    member_id = str(m["id"])
    existing = session.get(MemberRow, member_id)
    if existing is not None and not existing.stub:
        lg.flag("duplicate_registration", b, member_id=member_id)
    values = {f: m.get(f) for f in MEMBER_FIELDS if f in m}
    values["consent_messages"] = bool(values.get("consent_messages", False))
    values["gender"] = str(values.get("gender") or "")[:1]
    values["tier_code"] = str(values.get("tier_code") or "regular")
    values["birthday_calendar"] = str(values.get("birthday_calendar") or "solar")
    if payload.get("source") == "import":
        figures.mark_imported(session, member_id)
    if existing is None:
        session.add(MemberRow(id=member_id, referrer_id=m.get("referrer_id"),
                              field_clocks="{}", home_shop_id=b.shop_id, stub=False,
                              created_at=b.at, updated_at=b.at, **values))
        session.flush()
        lg.open_account(member_id)
    elif existing.stub:
        for k, v in values.items():
            setattr(existing, k, v)
        existing.stub = False
        existing.referrer_id = m.get("referrer_id")
        existing.updated_at = b.at
        session.flush()
    mobile = values.get("mobile")
    if mobile and session.execute(select(MemberRow.id).where(
            MemberRow.mobile == mobile, MemberRow.id != member_id).limit(1)).first():
        # Two shops registered one person offline: both stay, head office merges by hand.
        lg.flag("duplicate_mobile", b, member_id=member_id)
    changed["members"].add(member_id)
    card = payload.get("card")
    if card:
        _ensure_card(session, b, card, member_id)
        changed["cards"].add(str(card["card_no"]))
        changed["card_status"].add(str(card["card_no"]))
    # A referral's points, or an imported member's opening entries (`pos import members`,
    # `pos init --demo`): booked as the till booked them. Replays never reach here (the
    # inbox answers them), so each entry is booked once.
    _book_as_the_till_did(lg, b, kind, payload, changed)
    book_sale_coupons(session, b, payload, member_id)   # a welcome coupon, if any
    return {"status": "applied", "member_id": member_id}


def _book_as_the_till_did(lg: Ledger, b: Booking, kind: str, payload: dict[str, Any],
                          changed: Changed) -> None:
    """Every ledger entry the event carries, booked as the till booked it; the members'
    balances are noted as changed."""
    for e in ledger_effects(kind, payload):
        if e.ledger == "stored_value":
            lg.stored_value(b, e.member_id, e.kind, e.paid_fen, e.bonus_fen)
        else:
            lg.points(b, e.member_id, e.kind, e.spendable, e.accumulated)
        changed["balances"].add(e.member_id)


def _ensure_card(session: Session, b: Booking, card: dict[str, Any], member_id: str) -> CardRow:
    card_no = str(card["card_no"])
    row = session.get(CardRow, card_no)
    if row is None:
        expires = card.get("expires_on")
        # An imported card may come in lost or blocked (the old system's status).
        status = str(card.get("status") or CardStatus.ACTIVE.value)
        if status not in {s.value for s in CardStatus}:
            raise ValueError(f"unknown card status {status!r}")
        row = CardRow(card_no=card_no, member_id=member_id,
                      kind=str(card.get("kind") or "magstripe")[:10], status=status,
                      status_version=1, generation=int(card.get("generation") or 1),
                      expires_on=date.fromisoformat(expires) if expires else None,
                      status_at=b.at, status_shop_id=b.shop_id, replaced_by=None,
                      issued_at=b.at)
        session.add(row)
        session.flush()
    return row


def apply_member_update(session: Session, lg: Ledger, b: Booking, kind: str,
                        payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    """A member.updated event: field by field, the later HLC wins (also the console's edits)."""
    member_id = str(payload["member_id"])
    hlc = payload.get("hlc")
    if not hlc:
        # Until every till stamps an HLC, its wall clock stands in (counter 0).
        at = _client_time(payload.get("at")) or b.client_at or b.at
        hlc = hlc_pack(int(at.replace(tzinfo=UTC).timestamp() * 1000), 0)
    hlc = str(hlc)
    m = session.execute(select(MemberRow).where(MemberRow.id == member_id).with_for_update()
                        ).scalar_one_or_none()
    if m is None:
        lg.ensure_member(member_id, b)
        m = session.get(MemberRow, member_id)
    clocks = json.loads(m.field_clocks or "{}")
    taken, lost = [], []
    stamp = (hlc, b.till_id or "")
    for field, value in dict(payload["fields"]).items():
        if field not in MEMBER_FIELDS:
            lost.append(field)
            continue
        old = clocks.get(field)
        if lww_wins(stamp, tuple(old) if old else None):
            setattr(m, field, bool(value) if field == "consent_messages" else value)
            clocks[field] = list(stamp)
            taken.append(field)
        else:
            lost.append(field)
    m.field_clocks = json.dumps(clocks, sort_keys=True)
    m.updated_at = b.at
    session.flush()
    if taken:
        changed["members"].add(member_id)
    return {"status": "applied", "taken": sorted(taken), "superseded": sorted(lost)}


def apply_card_event(session: Session, lg: Ledger, b: Booking, kind: str,
                     payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    """A card status event; status only moves forward (also head office's own changes)."""
    card_no = str(payload["card_no"])
    row = session.execute(select(CardRow).where(CardRow.card_no == card_no).with_for_update()
                          ).scalar_one_or_none()
    if row is None:
        member_id = payload.get("member_id")
        if not member_id:
            lg.flag("unknown_card", b, card_no=card_no, event_kind=kind)
            return {"status": "unknown_card"}
        lg.ensure_member(str(member_id), b)
        row = _ensure_card(session, b, {"card_no": card_no}, str(member_id))
        lg.flag("unknown_card", b, card_no=card_no, event_kind=kind)
    result: dict[str, Any] = {"status": "applied"}
    action = kind.split(".", 1)[1]
    # The domain card machine (pos_app.domain.card.TRANSITIONS) judges every move here too.
    target = status_after_event(CardStatus(row.status), EVENT_ACTIONS[kind])
    if action == "renewed":
        # The fee was paid and the new date holds even if another till blocked the card since.
        expires = payload.get("expires_on")
        row.expires_on = date.fromisoformat(expires) if expires else None
        if target is not None and target.value != row.status:
            _set_status(row, target, b)
    elif action == "unblocked":
        # 解挂 is the one way back, and only from lost: a replaced or cancelled card stays dead.
        if target is not None:
            _set_status(row, target, b)
        else:
            result = {"status": "ignored", "card_status": row.status}
            lg.flag("unblock_ignored", b, card_no=card_no, card_status=row.status)
    else:
        if target is not None and target.value != row.status:
            _set_status(row, target, b)
        else:
            result = {"status": "superseded", "card_status": row.status}
        if action == "cancelled":
            # Cancelling the membership ends every card of the member, and its money moves.
            for other in session.scalars(select(CardRow).where(
                    CardRow.member_id == row.member_id, CardRow.card_no != card_no)):
                moved = status_after_event(CardStatus(other.status), CardAction.CANCEL)
                if moved is not None:
                    _set_status(other, moved, b)
                    lg.cards[other.card_no] = other.status
                    changed["cards"].add(other.card_no)
                    changed["card_status"].add(other.card_no)
            _book_as_the_till_did(lg, b, kind, payload, changed)
        if action == "replaced" and payload.get("new_card_no"):
            new_no = str(payload["new_card_no"])
            row.replaced_by = new_no
            _ensure_card(session, b, {"card_no": new_no, "kind": payload.get("kind", row.kind),
                                      "generation": payload.get("generation",
                                                                row.generation + 1)},
                         row.member_id)
            changed["cards"].add(new_no)
            changed["card_status"].add(new_no)
    session.flush()
    lg.cards[card_no] = row.status
    if row.replaced_by:
        lg.cards[row.replaced_by] = lg.cards.get(row.replaced_by) or CardStatus.ACTIVE.value
    changed["cards"].add(card_no)
    changed["card_status"].add(card_no)
    return result


def _set_status(row: CardRow, status: CardStatus, b: Booking) -> None:
    row.status = status.value
    row.status_version += 1
    row.status_at = b.at
    row.status_shop_id = b.shop_id


def _benefit(session: Session, lg: Ledger, b: Booking, kind: str,
             payload: dict[str, Any], changed: Changed) -> dict[str, Any]:
    member_id, what, period = (str(payload["member_id"]), str(payload["kind"])[:16],
                               str(payload["period"])[:8])
    exists = session.execute(select(BenefitRow.id).where(
        BenefitRow.member_id == member_id, BenefitRow.kind == what,
        BenefitRow.period == period)).scalar_one_or_none()
    if exists is not None:
        # Two offline shops handed the same gift over: both are booked facts; HO follows up.
        lg.flag("duplicate_benefit", b, member_id=member_id, benefit=what, period=period)
        return {"status": "duplicate_benefit"}
    session.execute(insert(BenefitRow).values(member_id=member_id, kind=what, period=period,
                                              shop_id=b.shop_id, event_id=b.event_id))
    return {"status": "applied"}


_HANDLERS: dict[str, Any] = {
    "sale.completed": _sale, "sale.returned": _sale,
    "stored_value.topup": _stored_value, "stored_value.refund_balance": _stored_value,
    "shift.opened": _till_document, "shift.closed": _till_document,
    "cash.moved": _till_document,
    "member.registered": _member_registered, "member.updated": apply_member_update,
    "card.lost": apply_card_event, "card.unblocked": apply_card_event, "card.replaced": apply_card_event,
    "card.renewed": apply_card_event, "card.cancelled": apply_card_event,
    "benefit.given": _benefit,
    # A member's PIN change: head office keeps the fact (never a PIN or its hash).
    "member.pin_set": _till_document, "drawer.opened": _till_document,
    "tier.changed": _tier_changed,
}


def client_time(text: Any) -> datetime | None:
    return _client_time(text)
