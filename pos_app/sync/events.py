"""Pure rules shared by the till and head office: event hashing, ledger effects, HLC.

Head office books ledger entries from pushed events with `ledger_effects`; the till uses the
same function to know which of its not-yet-acknowledged events a balance snapshot from head
office does not contain yet. One function, so the two sides can never disagree.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

KNOWN_KINDS = frozenset({
    "sale.completed", "sale.returned", "stored_value.topup", "stored_value.refund_balance",
    "shift.opened", "shift.closed", "cash.moved", "member.registered", "member.updated",
    "card.lost", "card.unblocked", "card.replaced", "card.renewed", "card.cancelled",
    "benefit.given",
})

STREAMS = ("card_status", "members", "cards", "balances", "catalog", "prices", "promotions",
           "rule_sets", "settings")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash(kind: str, device_seq: int, payload: Any,
               payload_text: str | None = None) -> str:
    """What 'the same event' means: kind, device_seq and the canonically encoded payload
    (pass `payload_text` when the canonical text is at hand)."""
    text = payload_text if payload_text is not None else canonical_json(payload)
    return hashlib.sha256(f"{kind}\n{device_seq}\n{text}".encode()).hexdigest()


@dataclass(frozen=True)
class LedgerEffect:
    """One ledger entry an event implies. Stored value: paid/bonus fen; points: spendable/acc."""

    member_id: str
    ledger: str          # "stored_value" | "points"
    kind: str
    first: int           # paid-in fen delta / spendable points delta
    second: int          # bonus fen delta / accumulated points delta


def ledger_effects(kind: str, payload: dict[str, Any]) -> list[LedgerEffect]:
    """The ledger entries an outbox event stands for (empty for events that move no money)."""
    if kind in ("sale.completed", "sale.returned"):
        sale = payload.get("sale") or {}
        member = sale.get("member") or {}
        member_id = payload.get("member_id") or member.get("member_id")
        if not member_id:
            return []
        returning = kind == "sale.returned"
        out: list[LedgerEffect] = []
        earned = int(member.get("points_earned", 0) or 0)
        redeemed = int(member.get("points_redeemed", 0) or 0)
        tender_points = 0
        for t in sale.get("tenders", []):
            if t.get("kind") == "stored_value":
                paid, bonus = int(t.get("sv_paid_fen", 0)), int(t.get("sv_bonus_fen", 0))
                sign = 1 if returning else -1
                out.append(LedgerEffect(member_id, "stored_value",
                                        "refund" if returning else "spend",
                                        sign * paid, sign * bonus))
            elif t.get("kind") == "points":
                tender_points += int(t.get("points_used", 0))
        if returning:
            spendable = earned + tender_points
        else:
            spendable = earned - redeemed
        if spendable or earned:
            out.append(LedgerEffect(member_id, "points", "return" if returning else "sale",
                                    spendable, earned))
        return out
    if kind in ("stored_value.topup", "stored_value.refund_balance"):
        return [LedgerEffect(payload["member_id"], "stored_value", kind.split(".", 1)[1],
                             int(payload.get("paid_fen", 0)), int(payload.get("bonus_fen", 0)))]
    if kind == "card.cancelled":
        # 注销: the paid-in balance is paid out in cash, bonus and spendable points forfeit.
        member_id = payload.get("member_id")
        out = []
        refund = int(payload.get("refund_fen", 0) or 0)
        bonus = int(payload.get("bonus_forfeited_fen", 0) or 0)
        points = int(payload.get("points_forfeited", 0) or 0)
        if member_id and refund:
            out.append(LedgerEffect(member_id, "stored_value", "cancel_refund", -refund, 0))
        if member_id and bonus:
            out.append(LedgerEffect(member_id, "stored_value", "forfeit", 0, -bonus))
        if member_id and points:
            out.append(LedgerEffect(member_id, "points", "forfeit", -points, 0))
        return out
    if kind == "member.registered":
        ref = payload.get("referral") or {}
        if ref.get("referrer_id") and ref.get("points"):
            pts = int(ref["points"])
            return [LedgerEffect(ref["referrer_id"], "points", "referral", pts, pts)]
    return []


def stored_value_spent(kind: str, payload: dict[str, Any]) -> int:
    """Fen of stored value an event spends (positive), for allowances and exposure."""
    return -sum(e.first + e.second for e in ledger_effects(kind, payload)
                if e.ledger == "stored_value" and e.kind == "spend")


# Hybrid logical clock (Kulkarni et al. 2014): wall milliseconds plus a counter, as a
# fixed-width string so that text order is clock order. Ties break on the till id.
def hlc_pack(wall_ms: int, counter: int) -> str:
    return f"{wall_ms:015d}:{counter:06d}"


def hlc_unpack(text: str) -> tuple[int, int]:
    ms, _, counter = text.partition(":")
    return int(ms), int(counter or 0)


class HybridLogicalClock:
    """Stamps local edits; `observe` folds in a clock seen from elsewhere (head office)."""

    def __init__(self, wall_ms: Any) -> None:
        self._wall_ms = wall_ms
        self._ms = 0
        self._counter = 0

    def now(self) -> str:
        wall = int(self._wall_ms())
        if wall > self._ms:
            self._ms, self._counter = wall, 0
        else:
            self._counter += 1
        return hlc_pack(self._ms, self._counter)

    def observe(self, stamp: str) -> None:
        ms, counter = hlc_unpack(stamp)
        self._ms, self._counter = max((self._ms, self._counter), (ms, counter))


def lww_wins(new: tuple[str, str], old: tuple[str, str] | None) -> bool:
    """Field-level last writer wins: a later HLC, or the same HLC from a larger till id."""
    return old is None or tuple(new) > tuple(old)
