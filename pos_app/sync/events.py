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

from pos_app.domain.ledger import EVENT_KINDS, LedgerName, entries_of_event

KNOWN_KINDS = EVENT_KINDS   # the domain ledger lists every kind a till emits

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
    """One ledger entry an event implies; an entry of one ledger leaves the other's at zero."""

    member_id: str
    ledger: str          # "stored_value" | "points"
    kind: str
    paid_fen: int = 0    # stored value: paid-in money delta
    bonus_fen: int = 0   # stored value: bonus money delta
    spendable: int = 0   # points: spendable points delta
    accumulated: int = 0  # points: accumulated points delta


def ledger_effects(kind: str, payload: dict[str, Any]) -> list[LedgerEffect]:
    """The points and stored-value entries an outbox event stands for (empty for events that
    move no money): a v2 or v3 payload carries them as the till booked them; a v1 payload is read
    the old way (pos_app.domain.ledger.entries_of_event). Tier entries are not money."""
    return [LedgerEffect(m.member_id, m.entry.ledger.value, m.entry.kind.value,
                         m.entry.paid_fen, m.entry.bonus_fen, m.entry.spendable,
                         m.entry.accumulated)
            for m in entries_of_event(kind, payload) if m.entry.ledger is not LedgerName.TIER]


def stored_value_spent(kind: str, payload: dict[str, Any]) -> int:
    """Fen of stored value an event spends (positive), for allowances and exposure."""
    return -sum(e.paid_fen + e.bonus_fen for e in ledger_effects(kind, payload)
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
