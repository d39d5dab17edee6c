"""Every event kind a till emits has a head-office handler; nothing else enters the outbox."""
from __future__ import annotations

import re
from pathlib import Path

from headoffice.ingest import _HANDLERS
from pos_app.domain.card import CardEventKind
from pos_app.domain.ledger import EVENT_KINDS
from pos_app.sync.events import KNOWN_KINDS

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r'outbox\.append\(\s*"([a-z_]+\.[a-z_]+)"')
FORMATTED = re.compile(r'outbox\.append\(\s*f"([a-z_]+)\.\{')


def emitted_kinds() -> set[str]:
    """The kinds the till's code can append, read from its source."""
    kinds: set[str] = set()
    prefixes: set[str] = set()
    for folder in ("pos_app", "db", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            kinds |= set(LITERAL.findall(text))
            prefixes |= set(FORMATTED.findall(text))
    # The two formatted kinds: card.{event} for status changes, stored_value.{kind}.
    assert prefixes <= {"card", "stored_value"}, prefixes
    if "card" in prefixes:
        kinds |= {f"card.{k.value}" for k in (CardEventKind.LOST, CardEventKind.UNBLOCKED)}
    if "stored_value" in prefixes:
        kinds |= {"stored_value.topup", "stored_value.refund_balance"}
    return kinds


def test_every_kind_the_till_emits_is_listed_and_has_a_head_office_handler():
    emitted = emitted_kinds()
    assert "member.pin_set" in emitted and "sale.completed" in emitted
    assert emitted <= EVENT_KINDS, emitted - EVENT_KINDS
    missing = sorted(k for k in EVENT_KINDS if k not in _HANDLERS)
    assert missing == []
    assert KNOWN_KINDS == EVENT_KINDS
