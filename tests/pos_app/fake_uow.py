"""An in-memory unit of work for fast core tests (issue 11): the ports of pos_app.ports.store
that the member, card and ledger services use, kept in dicts and lists.

It is a test double of the store, not of the thing under test: the services and the domain
ledger run for real on it. The store-backed tests (tests/store_support.py) stay for the
repositories. A commit copies the working state over the committed one; leaving the `with`
block without a commit throws the work away, as a real transaction would.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pos_app.domain.card import CardState, CardStatus
from pos_app.domain.errors import NotFound
from pos_app.domain.ledger import EVENT_KINDS, check_event_kind
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import RuleSet
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.store import ShiftRecord


@dataclass
class _State:
    rules: list[tuple[datetime, RuleSet]] = field(default_factory=list)
    accounts: dict[str, MemberAccount] = field(default_factory=dict)
    cards: dict[str, CardState] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    card_events: list[tuple] = field(default_factory=list)
    id_checks: dict[str, str | None] = field(default_factory=dict)
    pins: dict[str, tuple[str | None, int, datetime | None]] = field(default_factory=dict)
    benefits: set[tuple[str, str, str]] = field(default_factory=set)
    shift: ShiftRecord | None = None
    receipt_seq: int = 0
    audit: list[tuple] = field(default_factory=list)
    outbox: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    ids: int = 0


class _Members:
    def __init__(self, st: _State) -> None:
        self.st = st

    def _id(self) -> str:
        self.st.ids += 1
        return f"e{self.st.ids:08d}"

    def find_card(self, card_no: str) -> CardState | None:
        return self.st.cards.get(card_no)

    def find_card_by_uid(self, uid_hex: str) -> CardState | None:
        return next((c for c in self.st.cards.values() if c.uid == uid_hex), None)

    def card_id(self, card_no: str) -> str | None:
        return card_no if card_no in self.st.cards else None

    def find_account(self, member_id: str) -> MemberAccount | None:
        return self.st.accounts.get(member_id)

    def find_by_mobile(self, mobile: str) -> MemberAccount | None:
        return next((a for a in self.st.accounts.values() if a.mobile == mobile), None)

    def cards_of(self, member_id: str) -> list[CardState]:
        return [c for c in self.st.cards.values() if c.member_id == member_id]

    def lock_account(self, member_id: str) -> MemberAccount:
        account = self.st.accounts.get(member_id)
        if account is None:
            raise NotFound("member", member_id)
        return account

    def set_tier(self, member_id: str, tier_code: str, at: datetime) -> None:
        self.st.accounts[member_id] = replace(self.st.accounts[member_id], tier_code=tier_code)

    def touch_purchase(self, member_id: str, at: datetime) -> None:
        self.st.accounts[member_id] = replace(self.st.accounts[member_id], last_purchase_at=at)

    def add_points(self, member_id: str, kind: str, spendable: int, accumulated: int,
                   at: datetime, sale_id: str | None = None, note: str = "",
                   corrects_id: str | None = None) -> str:
        entry_id = self._id()
        self.st.points.append({"id": entry_id, "member_id": member_id, "kind": kind,
                               "first": spendable, "second": accumulated, "at": at,
                               "sale_id": sale_id, "note": note})
        a = self.st.accounts[member_id]
        self.st.accounts[member_id] = replace(
            a, spendable_points=a.spendable_points + spendable,
            accumulated_points=a.accumulated_points + accumulated)
        return entry_id

    def add_stored_value(self, member_id: str, kind: str, paid_fen: int, bonus_fen: int,
                         at: datetime, sale_id: str | None = None, tender: str = "",
                         reference: str = "", note: str = "", shift_id: str | None = None,
                         corrects_id: str | None = None) -> str:
        entry_id = self._id()
        self.st.money.append({"id": entry_id, "member_id": member_id, "kind": kind,
                              "first": paid_fen, "second": bonus_fen, "at": at,
                              "sale_id": sale_id, "tender": tender, "note": note})
        a = self.st.accounts[member_id]
        self.st.accounts[member_id] = replace(
            a, balance_paid_fen=a.balance_paid_fen + paid_fen,
            balance_bonus_fen=a.balance_bonus_fen + bonus_fen)
        return entry_id

    def ledger_sums(self, member_id: str) -> tuple[int, int, int, int]:
        p = [e for e in self.st.points if e["member_id"] == member_id]
        m = [e for e in self.st.money if e["member_id"] == member_id]
        return (sum(e["first"] for e in p), sum(e["second"] for e in p),
                sum(e["first"] for e in m), sum(e["second"] for e in m))

    def accumulated_since(self, member_id: str, since: datetime) -> int:
        return sum(e["second"] for e in self.st.points
                   if e["member_id"] == member_id and e["at"] >= since
                   and e["kind"] not in ("opening", "sync"))

    def members_above_tier(self, tier_code: str) -> list[tuple[str, str]]:
        return sorted((a.id, a.tier_code) for a in self.st.accounts.values()
                      if a.tier_code != tier_code)

    def card_events(self, member_id: str) -> list[tuple]:
        return [e[1:] for e in self.st.card_events if e[0] == member_id]

    def add_card_event(self, card_no: str, member_id: str, kind: str, at: datetime,
                       user_id: str | None, detail: dict[str, Any]) -> None:
        self.st.card_events.append((member_id, at, card_no, kind, user_id, None, dict(detail)))

    def set_card_status(self, card_no: str, status: str, at: datetime, shop_id: str | None,
                        replaced_by_card_no: str | None = None) -> None:
        self.st.cards[card_no] = replace(self.st.cards[card_no], status=CardStatus(status),
                                         status_changed_at=at)

    def set_card_expiry(self, card_no: str, expires_on: date | None) -> None:
        self.st.cards[card_no] = replace(self.st.cards[card_no], expires_on=expires_on)

    def id_check_hash(self, member_id: str) -> str | None:
        return self.st.id_checks.get(member_id)

    def pin_state(self, member_id: str) -> tuple[str | None, int, datetime | None]:
        return self.st.pins.get(member_id, (None, 0, None))

    def benefit_given(self, member_id: str, kind: str, period: str) -> bool:
        return (member_id, kind, period) in self.st.benefits

    def record_benefit(self, member_id: str, kind: str, period: str, at: datetime,
                       user_id: str | None, sale_id: str | None) -> None:
        self.st.benefits.add((member_id, kind, period))


class _Shifts:
    def __init__(self, st: _State) -> None:
        self.st = st

    def open_shift_of(self, till_id: str) -> ShiftRecord | None:
        return self.st.shift


class _Sales:
    def __init__(self, st: _State) -> None:
        self.st = st

    def next_receipt_no(self, till_code: str, day: date) -> str:
        self.st.receipt_seq += 1
        return f"{till_code}-{day:%y%m%d}-{self.st.receipt_seq:06d}"

    def next_document_no(self, till_code: str, day: date, series: str) -> str:
        self.st.receipt_seq += 1
        return f"{till_code}-{series}{day:%y%m%d}-{self.st.receipt_seq:06d}"


class _Rules:
    def __init__(self, st: _State) -> None:
        self.st = st

    def current(self, at: datetime) -> RuleSet:
        return max((r for r in self.st.rules if r[0] <= at), key=lambda r: r[0])[1]

    def add(self, rules: RuleSet, effective_from: datetime, at: datetime) -> None:
        self.st.rules.append((effective_from, rules))


class _Site:
    def shop(self) -> ShopInfo:
        return ShopInfo("S001", "示范百货")

    def till(self) -> TillInfo:
        return TillInfo("T01")

    def shop_id(self) -> str:
        return "shop-1"

    def till_id(self) -> str:
        return "till-1"


class _Audit:
    def __init__(self, st: _State) -> None:
        self.st = st

    def record(self, at: datetime, user_id: str | None, action: str, target: str,
               detail: dict[str, Any]) -> None:
        self.st.audit.append((at, user_id, action, target, detail))


class _Outbox:
    def __init__(self, st: _State) -> None:
        self.st = st

    def append(self, kind: str, payload: dict[str, Any], at: datetime) -> int:
        check_event_kind(kind)
        seq = len(self.st.outbox) + 1
        self.st.outbox.append((seq, kind, copy.deepcopy(payload)))
        return seq


class FakeUnitOfWork:
    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self.state = copy.deepcopy(store.committed)
        self.members = _Members(self.state)
        self.shifts = _Shifts(self.state)
        self.sales = _Sales(self.state)
        self.rules = _Rules(self.state)
        self.site = _Site()
        self.audit = _Audit(self.state)
        self.outbox = _Outbox(self.state)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self._store.committed = copy.deepcopy(self.state)

    def rollback(self) -> None:
        self.state = copy.deepcopy(self._store.committed)


class FakeStore:
    """The unit-of-work factory: `store()` opens a unit of work on the committed state."""

    def __init__(self, rules: RuleSet, at: datetime) -> None:
        self.committed = _State()
        self.committed.rules.append((at.replace(year=2001), rules))
        self.committed.shift = ShiftRecord("shift-1", "till-1", "u-cashier", at, 50_000)

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    @property
    def state(self) -> _State:
        return self.committed

    def add_member(self, member_id: str, card_no: str, mobile: str, *, tier: str = "regular",
                   paid: int = 0, bonus: int = 0, points: int = 0,
                   accumulated: int | None = None, at: datetime) -> None:
        from pos_app.domain.card import CardKind
        st = self.committed
        st.accounts[member_id] = MemberAccount(member_id, "会员", mobile, tier, 0, 0, 0, 0)
        st.cards[card_no] = CardState(card_no, CardKind.MAGSTRIPE, CardStatus.ACTIVE, member_id)
        members = _Members(st)
        if paid or bonus:
            members.add_stored_value(member_id, "opening", paid, bonus, at)
        acc = points if accumulated is None else accumulated
        if points or acc:
            members.add_points(member_id, "opening", points, acc, at)


assert "member.pin_set" in EVENT_KINDS
