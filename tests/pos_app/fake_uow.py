"""An in-memory unit of work for fast core tests: the ports of pos_app.ports.store kept in
dicts and lists, one in-memory repository per port, so the domain and service tests need
neither SQLAlchemy, Alembic nor argon2.

It is a test double of the store, not of the thing under test: the services and the domain
ledger run for real on it. The repositories it fakes are held to the SQLite ones by the
contract suite tests/db/test_repository_contract.py (the same tests run against both); a
port with no contract test here is not faked. A commit copies the working state over the
committed one; leaving the `with` block without a commit throws the work away, as a real
transaction would.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardKind, CardState, CardStatus, mask_mobile
from pos_app.domain.catalog import Product
from pos_app.domain.codec import sale_from_dict, to_jsonable
from pos_app.domain.coupons import (
    Coupon,
    CouponEntry,
    CouponEntryKind,
    CouponState,
    CouponTemplate,
    coupon_state,
)
from pos_app.domain.errors import NotFound, UnknownMember
from pos_app.domain.ledger import (
    EVENT_KINDS,
    LedgerLine,
    LedgerName,
    as_entry,
    balances_of,
    check_event_kind,
)
from pos_app.domain.member import MOBILE_RE, MemberAccount, month_day_birthday
from pos_app.domain.packages import TopUpPackage, package_from_dict, package_to_dict
from pos_app.domain.points_expiry import PointsMove
from pos_app.domain.promotions import Promotion
from pos_app.domain.rules import RuleSet
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.store import PassRecord, ShiftRecord, SoldLine, StoredSale

SHOP = ShopInfo("S001", "示范百货")
TILL = TillInfo("T01")
SHOP_ID = "shop-1"
TILL_ID = "till-1"


@dataclass
class _Member:
    """What the store keeps of a member beyond the account value the services see."""

    account: MemberAccount
    mobile_digits: str | None = None     # the SQL store keeps a keyed hash of it, never it
    pin_hash: str | None = None
    pin_failed: int = 0
    pin_locked_until: datetime | None = None
    id_check_hash: str | None = None
    consent_at: datetime | None = None
    notes: str = ""


@dataclass
class _Card:
    id: str
    state: CardState
    issued_at: datetime
    replaced_by_id: str | None = None


@dataclass
class _State:
    rules: list[tuple[datetime, RuleSet]] = field(default_factory=list)
    members: dict[str, _Member] = field(default_factory=dict)
    cards: dict[str, _Card] = field(default_factory=dict)
    points: list[dict[str, Any]] = field(default_factory=list)
    money: list[dict[str, Any]] = field(default_factory=list)
    card_events: list[dict[str, Any]] = field(default_factory=list)
    passes: dict[str, dict[str, Any]] = field(default_factory=dict)
    pass_entries: list[dict[str, Any]] = field(default_factory=list)
    benefits: set[tuple[str, str, str]] = field(default_factory=set)
    receipts: dict[str, str] = field(default_factory=dict)        # sale id -> receipt no
    user_names: dict[str, str] = field(default_factory=dict)      # user id -> display name
    shift: ShiftRecord | None = None
    # held basket id -> (till id, label, body, held at)
    held: dict[str, tuple[str, str, str, datetime]] = field(default_factory=dict)
    receipt_seq: dict[str, int] = field(default_factory=dict)
    document_seq: dict[tuple[str, str], int] = field(default_factory=dict)
    audit: list[tuple] = field(default_factory=list)
    outbox: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    # catalog: products by id (immutable), barcodes -> product id, active product ids
    products: dict[str, Product] = field(default_factory=dict)
    barcodes: dict[str, str] = field(default_factory=dict)
    sales: dict[str, dict[str, Any]] = field(default_factory=dict)   # sale id -> record
    sale_lines: list[dict[str, Any]] = field(default_factory=list)
    # promotion id -> (promotion, active, version held: a withdrawal moves it on)
    promotions: dict[str, tuple[Promotion, bool, int]] = field(default_factory=dict)
    templates: dict[str, CouponTemplate] = field(default_factory=dict)
    coupons: dict[str, Coupon] = field(default_factory=dict)
    coupon_entries: dict[str, CouponEntry] = field(default_factory=dict)  # id -> entry, in order
    # top-up packages: id -> (package as the feed stored it, withdrawn); package sales by id
    packages: dict[str, tuple[dict[str, Any], bool]] = field(default_factory=dict)
    package_sales: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: int = 0

    def clone(self) -> _State:
        """A copy to work on: containers and mutable records copied, immutable values (rule
        sets, accounts, card states, dates) shared, which is what makes the fake fast."""
        return replace(
            self, rules=list(self.rules),
            members={k: replace(v) for k, v in self.members.items()},
            cards={k: replace(v) for k, v in self.cards.items()},
            points=[dict(e) for e in self.points], money=[dict(e) for e in self.money],
            card_events=[dict(e) for e in self.card_events],
            passes={k: dict(v) for k, v in self.passes.items()},
            pass_entries=[dict(e) for e in self.pass_entries], benefits=set(self.benefits),
            receipts=dict(self.receipts), user_names=dict(self.user_names),
            held=dict(self.held),
            receipt_seq=dict(self.receipt_seq), document_seq=dict(self.document_seq),
            audit=list(self.audit), outbox=list(self.outbox),
            products=dict(self.products), barcodes=dict(self.barcodes),
            sales={k: dict(v) for k, v in self.sales.items()},
            sale_lines=[dict(e) for e in self.sale_lines], promotions=dict(self.promotions),
            templates=dict(self.templates), coupons=dict(self.coupons),
            coupon_entries=dict(self.coupon_entries), packages=dict(self.packages),
            package_sales={k: dict(v) for k, v in self.package_sales.items()})

    def new_id(self) -> str:
        self.ids += 1
        return f"e{self.ids:08d}"

    @property
    def accounts(self) -> dict[str, MemberAccount]:
        """Each member's account as the services read it (balances included)."""
        return {m: rec.account for m, rec in self.members.items()}

    def account(self, member_id: str) -> MemberAccount:
        return self.members[member_id].account

    def put_account(self, account: MemberAccount) -> None:
        self.members[account.id].account = account


def _digits(mobile: str | None) -> str | None:
    return "".join(ch for ch in mobile if ch.isdigit()) if mobile else None


def _reduced_birthday(b: Birthday | None) -> Birthday | None:
    """The month and day only, as the till keeps a birthday (README "Less personal data")."""
    return Birthday.parse(month_day_birthday(b.to_text()), b.calendar.value) if b else None


def _json(detail: dict[str, Any]) -> str:
    """A detail as the SQL store keeps it (its JSON text)."""
    return json.dumps(to_jsonable(detail), ensure_ascii=False)


class InMemoryAccounts:
    def __init__(self, st: _State) -> None:
        self.st = st

    def _member(self, member_id: str) -> _Member:
        rec = self.st.members.get(member_id)
        if rec is None:
            raise UnknownMember(member_id)
        return rec

    def find_account(self, member_id: str) -> MemberAccount | None:
        rec = self.st.members.get(member_id)
        return rec.account if rec else None

    def find_by_mobile(self, mobile: str) -> MemberAccount | None:
        digits = _digits(mobile)
        return next((m.account for m in self.st.members.values()
                     if digits and m.mobile_digits == digits), None)

    def search(self, text: str, limit: int = 20) -> list[MemberAccount]:
        text = text.strip()
        if not text:
            return []
        found: dict[str, MemberAccount] = {}
        accounts = sorted(self.st.accounts.values(), key=lambda a: (a.name, a.id))
        if text.isdigit() and len(text) == 4:
            found.update((a.id, a) for a in accounts if (a.mobile or "")[-4:] == text)
        if text.isdigit():
            if MOBILE_RE.match(text):
                by_mobile = self.find_by_mobile(text)
                if by_mobile is not None:
                    found[by_mobile.id] = by_mobile
            found.update((c.state.member_id, self.st.account(c.state.member_id))
                         for c in self.st.cards.values() if c.state.card_no == text)
        if len(found) < limit:
            for a in accounts:
                if a.name.startswith(text):
                    found.setdefault(a.id, a)
        return list(found.values())[:limit]

    def get_account(self, member_id: str) -> MemberAccount:
        return self._member(member_id).account

    def pin_state(self, member_id: str) -> tuple[str | None, int, datetime | None]:
        rec = self._member(member_id)
        return rec.pin_hash, rec.pin_failed, rec.pin_locked_until

    def record_pin_attempt(self, member_id: str, failed: int, locked_until: datetime | None) -> None:
        rec = self.st.members.get(member_id)
        if rec is not None:
            rec.pin_failed, rec.pin_locked_until = failed, locked_until

    def set_pin(self, member_id: str, pin_hash: str | None, at: datetime) -> None:
        rec = self.st.members.get(member_id)
        if rec is not None:
            rec.pin_hash, rec.pin_failed, rec.pin_locked_until = pin_hash, 0, None
            rec.account = replace(rec.account, has_pin=pin_hash is not None)

    def set_tier(self, member_id: str, tier_code: str, at: datetime) -> None:
        rec = self.st.members.get(member_id)
        if rec is not None:
            rec.account = replace(rec.account, tier_code=tier_code)

    def touch_purchase(self, member_id: str, at: datetime) -> None:
        rec = self.st.members.get(member_id)
        if rec is not None:
            rec.account = replace(rec.account, last_purchase_at=at)

    def add_member(self, member: MemberAccount, at: datetime, id_check_hash: str | None,
                   consent_at: datetime | None, notes: str = "") -> None:
        if member.id in self.st.members:
            raise ValueError(f"member {member.id} exists")
        digits = _digits(member.mobile)
        account = replace(member, mobile=mask_mobile(digits) if digits else None, gender="",
                          birthday=_reduced_birthday(member.birthday), spendable_points=0,
                          accumulated_points=0, balance_paid_fen=0, balance_bonus_fen=0,
                          has_pin=False, created_at=at, last_purchase_at=None)
        self.st.members[member.id] = _Member(account, digits, id_check_hash=id_check_hash,
                                             consent_at=consent_at, notes=notes)

    def update_member(self, member_id: str, at: datetime, **fields: object) -> None:
        allowed = {"name", "mobile", "gender", "birthday", "birthday_calendar",
                   "consent_messages", "consent_at", "notes", "tier_code", "id_check_hash"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not a member field: {sorted(unknown)}")
        rec = self.st.members.get(member_id)
        if rec is None:
            return
        a = rec.account
        changes: dict[str, Any] = {k: fields[k] for k in
                                   ("name", "consent_messages", "tier_code") if k in fields}
        if "mobile" in fields:                  # the gender is kept at head office only
            rec.mobile_digits = _digits(fields["mobile"])  # type: ignore[arg-type]
            changes["mobile"] = mask_mobile(rec.mobile_digits) if rec.mobile_digits else None
        if "birthday" in fields or "birthday_calendar" in fields:
            text = fields.get("birthday", a.birthday.to_text() if a.birthday else None)
            calendar = fields.get("birthday_calendar",
                                  a.birthday.calendar.value if a.birthday else "solar")
            changes["birthday"] = (Birthday.parse(month_day_birthday(str(text)), str(calendar))
                                   if text else None)
        rec.account = replace(a, **changes)
        for k in ("id_check_hash", "consent_at", "notes"):
            if k in fields:
                setattr(rec, k, fields[k])

    def members_above_tier(self, tier_code: str) -> list[tuple[str, str]]:
        return sorted((a.id, a.tier_code) for a in self.st.accounts.values()
                      if a.tier_code != tier_code)

    def id_check_hash(self, member_id: str) -> str | None:
        rec = self.st.members.get(member_id)
        return rec.id_check_hash if rec else None


class InMemoryCards:
    def __init__(self, st: _State) -> None:
        self.st = st

    def _card(self, card: _Card) -> CardState:
        return card.state

    def find_card(self, card_no: str) -> CardState | None:
        card = self.st.cards.get(card_no.strip())
        return card.state if card else None

    def find_card_by_uid(self, uid_hex: str) -> CardState | None:
        return next((c.state for c in self.st.cards.values() if c.state.uid == uid_hex.upper()),
                    None)

    def card_id(self, card_no: str) -> str | None:
        card = self.st.cards.get(card_no)
        return card.id if card else None

    def cards_of(self, member_id: str) -> list[CardState]:
        return [c.state for c in sorted(self.st.cards.values(), key=lambda c: c.issued_at)
                if c.state.member_id == member_id]

    def add_card(self, card: CardState, at: datetime) -> str:
        if card.card_no in self.st.cards:
            raise ValueError(f"card {card.card_no} exists")
        if card.member_id not in self.st.members:
            raise UnknownMember(card.member_id)
        card_id = self.st.new_id()
        self.st.cards[card.card_no] = _Card(card_id, replace(
            card, status_changed_at=None, status_shop_name=None), at)
        return card_id

    def set_card_status(self, card_no: str, status: str, at: datetime, shop_id: str | None,
                        replaced_by_card_no: str | None = None) -> None:
        card = self.st.cards.get(card_no)
        if card is None:
            return
        shop_name = SHOP.name if shop_id == SHOP_ID else None
        card.state = replace(card.state, status=CardStatus(status), status_changed_at=at,
                             status_shop_name=shop_name)
        if replaced_by_card_no:
            card.replaced_by_id = self.card_id(replaced_by_card_no)

    def set_card_expiry(self, card_no: str, expires_on: date | None) -> None:
        card = self.st.cards.get(card_no)
        if card is not None:
            card.state = replace(card.state, expires_on=expires_on)

    def add_card_event(self, card_no: str, member_id: str, kind: str, at: datetime,
                       user_id: str | None, detail: dict[str, Any]) -> None:
        if card_no not in self.st.cards:
            raise NotFound("card", card_no)
        self.st.card_events.append({"id": self.st.new_id(), "card_no": card_no,
                                    "member_id": member_id, "kind": kind, "at": at,
                                    "user_id": user_id, "detail": _json(detail)})

    def card_events(self, member_id: str) -> list[tuple]:
        rows = sorted((e for e in self.st.card_events if e["member_id"] == member_id),
                      key=lambda e: (e["at"], e["id"]))
        return [(e["at"], e["card_no"], e["kind"], self.st.user_names.get(e["user_id"]),
                 SHOP.name, json.loads(e["detail"])) for e in rows]

    def joined_by_receipt(self, receipt_no: str) -> list[str]:
        needle = f'"join_receipt": "{receipt_no}"'
        return sorted({e["member_id"] for e in self.st.card_events
                       if e["kind"] in ("issued", "upgraded") and needle in e["detail"]})

    def find_card_event(self, kind: str, detail_contains: str) -> bool:
        return any(e["kind"] == kind and detail_contains in e["detail"]
                   for e in self.st.card_events)


class InMemoryLedgers:
    def __init__(self, st: _State) -> None:
        self.st = st

    def add_points(self, member_id: str, kind: str, spendable: int, accumulated: int,
                   at: datetime, sale_id: str | None = None, note: str = "",
                   corrects_id: str | None = None) -> str:
        entry_id = self.st.new_id()
        self.st.points.append({"id": entry_id, "member_id": member_id, "kind": kind,
                               "spendable": spendable, "accumulated": accumulated, "at": at,
                               "sale_id": sale_id, "note": note, "corrects_id": corrects_id})
        rec = self.st.members.get(member_id)
        if rec is not None:
            a = rec.account
            rec.account = replace(a, spendable_points=a.spendable_points + spendable,
                                  accumulated_points=a.accumulated_points + accumulated)
        return entry_id

    def add_stored_value(self, member_id: str, kind: str, paid_fen: int, bonus_fen: int,
                         at: datetime, sale_id: str | None = None, tender: str = "",
                         reference: str = "", note: str = "", shift_id: str | None = None,
                         corrects_id: str | None = None) -> str:
        entry_id = self.st.new_id()
        self.st.money.append({"id": entry_id, "member_id": member_id, "kind": kind,
                              "paid_fen": paid_fen, "bonus_fen": bonus_fen, "at": at,
                              "sale_id": sale_id, "tender": tender, "reference": reference,
                              "note": note, "shift_id": shift_id, "corrects_id": corrects_id})
        rec = self.st.members.get(member_id)
        if rec is not None:
            a = rec.account
            rec.account = replace(a, balance_paid_fen=a.balance_paid_fen + paid_fen,
                                  balance_bonus_fen=a.balance_bonus_fen + bonus_fen)
        return entry_id

    def ledger_sums(self, member_id: str) -> tuple[int, int, int, int]:
        rows = [as_entry(LedgerName.POINTS, e["kind"], spendable=e["spendable"],
                         accumulated=e["accumulated"])
                for e in self.st.points if e["member_id"] == member_id]
        rows += [as_entry(LedgerName.STORED_VALUE, e["kind"], paid_fen=e["paid_fen"],
                          bonus_fen=e["bonus_fen"])
                 for e in self.st.money if e["member_id"] == member_id]
        b = balances_of(rows)
        return b.spendable, b.accumulated, b.paid_fen, b.bonus_fen

    def accumulated_by_kind_since(self, member_id: str, since: datetime) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.st.points:
            if e["member_id"] == member_id and e["at"] >= since:
                out[e["kind"]] = out.get(e["kind"], 0) + e["accumulated"]
        return out

    def accumulated_by_day(self, member_id: str, since: datetime) -> list[tuple[date, str, int]]:
        days: dict[tuple[date, str], int] = {}
        for e in self.st.points:
            if e["member_id"] == member_id and e["at"] >= since:
                key = (e["at"].date(), e["kind"])
                days[key] = days.get(key, 0) + e["accumulated"]
        return sorted((d, k, n) for (d, k), n in days.items())

    def ledger(self, member_id: str, limit: int) -> list[LedgerLine]:
        def rows(entries: list[dict[str, Any]], name: str, a: str, b: str) -> list[LedgerLine]:
            mine = sorted((e for e in entries if e["member_id"] == member_id),
                          key=lambda e: (e["at"], e["id"]), reverse=True)[:limit]
            return [LedgerLine(e["at"], name, e["kind"],
                               self.st.receipts.get(e["sale_id"]) if e["sale_id"] else None,
                               e["note"], **{a: e[a], b: e[b]})
                    for e in mine]
        out = rows(self.st.points, "points", "spendable", "accumulated") + \
            rows(self.st.money, "stored_value", "paid_fen", "bonus_fen")
        out.sort(key=lambda r: r.at, reverse=True)
        return out[:limit]


class InMemoryPasses:
    def __init__(self, st: _State) -> None:
        self.st = st

    def _pass(self, p: dict[str, Any]) -> PassRecord:
        entries = [e for e in self.st.pass_entries if e["pass_id"] == p["id"]]
        return PassRecord(id=p["id"], member_id=p["member_id"], product_id=p["product_id"],
                          name=p["name"], uses_total=p["uses_total"],
                          uses_left=p["uses_total"] + sum(e["uses_delta"] for e in entries),
                          price_fen=p["price_fen"], expires_on=p["expires_on"],
                          refunded=any(e["kind"] == "refund" for e in entries),
                          sale_id=p["sale_id"])

    def passes_of(self, member_id: str) -> list[PassRecord]:
        return [self._pass(p) for p in sorted(self.st.passes.values(), key=lambda p: p["at"])
                if p["member_id"] == member_id]

    def get_pass(self, pass_id: str) -> PassRecord:
        p = self.st.passes.get(pass_id)
        if p is None:
            raise NotFound("pass", pass_id)
        return self._pass(p)

    def add_pass(self, member_id: str, product: Product, sale_id: str, uses: int,
                 price_fen: int, expires_on: date | None, at: datetime) -> str:
        pass_id = self.st.new_id()
        self.st.passes[pass_id] = {"id": pass_id, "member_id": member_id,
                                   "product_id": product.id, "sale_id": sale_id,
                                   "name": product.name, "uses_total": uses,
                                   "price_fen": price_fen, "expires_on": expires_on, "at": at}
        return pass_id

    def add_pass_entry(self, pass_id: str, kind: str, uses_delta: int, sale_id: str | None,
                       at: datetime) -> None:
        if pass_id not in self.st.passes:
            raise NotFound("pass", pass_id)
        self.st.pass_entries.append({"id": self.st.new_id(), "pass_id": pass_id, "kind": kind,
                                     "uses_delta": uses_delta, "sale_id": sale_id, "at": at})


class InMemoryBenefits:
    def __init__(self, st: _State) -> None:
        self.st = st

    def benefit_given(self, member_id: str, kind: str, period: str) -> bool:
        return (member_id, kind, period) in self.st.benefits

    def record_benefit(self, member_id: str, kind: str, period: str, at: datetime,
                       user_id: str | None, sale_id: str | None) -> None:
        self.st.benefits.add((member_id, kind, period))


class InMemoryShifts:
    """The open shift and the held baskets (the shift figures and Z-report tests run on the
    SQLite store)."""

    def __init__(self, st: _State) -> None:
        self.st = st

    def open_shift_of(self, till_id: str) -> ShiftRecord | None:
        return self.st.shift

    def hold(self, held_id: str, till_id: str, label: str, body: str, at: datetime) -> None:
        if held_id in self.st.held:
            raise ValueError(f"held sale {held_id} exists")
        self.st.held[held_id] = (till_id, label, body, at)

    def held_bodies(self, till_id: str) -> list[tuple[str, str, datetime, str]]:
        mine = sorted(((at, held_id, label, body) for held_id, (till, label, body, at)
                       in self.st.held.items() if till == till_id), key=lambda r: r[0])
        return [(held_id, label, at, body) for at, held_id, label, body in mine]

    def held(self, till_id: str) -> list[tuple[str, str, datetime]]:
        return [(held_id, label, at) for held_id, label, at, _body in self.held_bodies(till_id)]

    def take_held(self, held_id: str) -> str:
        held = self.st.held.pop(held_id, None)
        if held is None:
            raise NotFound("held sale", held_id)
        return held[2]


class InMemoryCatalog:
    """Products by barcode or SKU (active ones), search by SKU or name prefix (the SQLite
    store also finds pinyin initials and, for Chinese text, names containing it)."""

    def __init__(self, st: _State) -> None:
        self.st = st

    def find_by_code(self, code: str) -> Product | None:
        code = code.strip()
        pid = self.st.barcodes.get(code)
        product = self.st.products.get(pid) if pid else None
        if product is None:
            product = next((p for p in self.st.products.values() if p.sku == code), None)
        if product is None:
            return None
        # The line shows the barcode that was scanned, not just the product's first one.
        if code != product.sku and product.barcode != code:
            product = replace(product, barcode=code)
        return product

    def search(self, text: str, limit: int = 20) -> list[Product]:
        text = text.strip()
        if not text:
            return []
        found = sorted((p for p in self.st.products.values() if p.sku.startswith(text)),
                       key=lambda p: p.sku) if text.isascii() else []
        found += sorted((p for p in self.st.products.values() if p.name.startswith(text)),
                        key=lambda p: p.name)
        return list({p.id: p for p in found}.values())[:limit]

    def get(self, product_id: str) -> Product:
        product = self.st.products.get(product_id)
        if product is None:
            raise NotFound("product", product_id)
        return product


class InMemorySales:
    """Sales with their lines and what has been returned of each line, receipt and document
    numbers."""

    def __init__(self, st: _State) -> None:
        self.st = st

    def next_receipt_no(self, till_code: str, day: date) -> str:
        seq = self.st.receipt_seq[till_code] = self.st.receipt_seq.get(till_code, 0) + 1
        return f"{till_code}-{day:%y%m%d}-{seq:06d}"

    def next_document_no(self, till_code: str, day: date, series: str) -> str:
        key = (till_code, series)
        seq = self.st.document_seq[key] = self.st.document_seq.get(key, 0) + 1
        return f"{till_code}-{day:%y%m%d}-{series}{seq:05d}"

    def add(self, sale: CompletedSale, *, shop_id: str, till_id: str, shift_id: str | None,
            user_id: str, member_id: str | None, card_id: str | None,
            points_shares: dict[int, int], original_line_ids: dict[int, str] | None = None,
            original_sale_id: str | None = None, tier_upgraded_to: str | None = None,
            manager_flag: str | None = None, authorised_by_id: str | None = None,
            snapshot_json: str | None = None) -> None:
        if sale.sale_id in self.st.sales or sale.receipt_no in self.st.receipts.values():
            raise ValueError(f"sale {sale.sale_id} ({sale.receipt_no}) is booked already")
        m = sale.member
        self.st.sales[sale.sale_id] = {
            "id": sale.sale_id, "receipt_no": sale.receipt_no, "kind": sale.kind.value,
            "member_id": member_id, "card_id": card_id, "shift_id": shift_id,
            "created_at": sale.created_at, "total_fen": sale.total_fen,
            "points_earned": m.points_earned if m else 0, "tier_upgraded_to": tier_upgraded_to,
            "original_sale_id": original_sale_id, "reprint_count": 0,
            "snapshot": snapshot_json or json.dumps(to_jsonable(sale), ensure_ascii=False)}
        self.st.receipts[sale.sale_id] = sale.receipt_no
        for line in sale.lines:
            self.st.sale_lines.append({
                "id": self.st.new_id(), "sale_id": sale.sale_id, "line_no": line.line_no,
                "product_id": line.product_id, "sku": line.sku, "name": line.name,
                "kind": line.kind.value, "qty": line.qty, "unit_price_fen": line.unit_price_fen,
                "gross_fen": line.gross_fen, "amount_fen": line.amount_fen,
                "points_share": points_shares.get(line.line_no, 0),
                "original_line_id": (original_line_ids or {}).get(line.line_no)})

    def _stored(self, r: dict[str, Any]) -> StoredSale:
        lines = []
        for ln in sorted((x for x in self.st.sale_lines if x["sale_id"] == r["id"]),
                         key=lambda x: x["line_no"]):
            back = [x for x in self.st.sale_lines if x["original_line_id"] == ln["id"]]
            lines.append(SoldLine(ln["id"], ln["line_no"], ln["product_id"], ln["sku"],
                                  ln["name"], ln["kind"], ln["qty"], ln["unit_price_fen"],
                                  ln["gross_fen"], ln["amount_fen"], ln["points_share"],
                                  sum(x["qty"] for x in back),
                                  sum(x["amount_fen"] for x in back),
                                  sum(x["points_share"] for x in back)))
        return StoredSale(r["id"], r["receipt_no"], r["kind"], r["member_id"], r["card_id"],
                          r["shift_id"], r["created_at"], r["total_fen"], r["points_earned"],
                          r["tier_upgraded_to"], sale_from_dict(json.loads(r["snapshot"])),
                          tuple(lines))

    def _by_receipt(self, receipt_no: str) -> dict[str, Any] | None:
        return next((r for r in self.st.sales.values() if r["receipt_no"] == receipt_no), None)

    def find_by_id(self, sale_id: str) -> StoredSale | None:
        r = self.st.sales.get(sale_id)
        return self._stored(r) if r else None

    def find_by_receipt(self, receipt_no: str) -> StoredSale | None:
        r = self._by_receipt(receipt_no.strip())
        return self._stored(r) if r else None

    def returns_of(self, sale_id: str) -> list[str]:
        return [r["receipt_no"] for r in self.st.sales.values()
                if r["original_sale_id"] == sale_id]

    def update_snapshot(self, sale: CompletedSale) -> None:
        r = self.st.sales[sale.sale_id]
        r["snapshot"] = json.dumps(to_jsonable(sale), ensure_ascii=False)
        r["points_earned"] = sale.member.points_earned if sale.member else 0

    def count_reprint(self, receipt_no: str) -> int:
        r = self._by_receipt(receipt_no)
        if r is None:
            raise NotFound("sale", receipt_no)
        r["reprint_count"] += 1
        return int(r["reprint_count"])

    def member_history(self, member_id: str, limit: int = 50) -> list[StoredSale]:
        mine = sorted((r for r in self.st.sales.values() if r["member_id"] == member_id),
                      key=lambda r: r["created_at"], reverse=True)
        return [self._stored(r) for r in mine[:limit]]


class InMemoryPromotions:
    """Promotions, coupon templates, coupons and their entries, the till's unconfirmed coupon
    exposure, top-up packages and their sales, the points moves the expiry planning reads and
    what the expiry job looks for."""

    def __init__(self, st: _State) -> None:
        self.st = st

    def current(self, at: datetime) -> list[Promotion]:
        return [p for _pid, (p, active, _v) in sorted(self.st.promotions.items())
                if active and (p.schedule.end is None or p.schedule.end > at)]

    def put(self, promotion: Promotion, at: datetime) -> bool:
        promotion.validate()
        held = self.st.promotions.get(promotion.id)
        if held is not None and held[2] > promotion.version:
            return False
        self.st.promotions[promotion.id] = (promotion, True, promotion.version)
        return True

    def withdraw(self, promotion_id: str, version: int, at: datetime) -> None:
        held = self.st.promotions.get(promotion_id)
        if held is not None and held[2] <= version:
            self.st.promotions[promotion_id] = (held[0], False, version)

    def put_template(self, template: CouponTemplate, at: datetime) -> bool:
        template.validate()
        held = self.st.templates.get(template.id)
        if held is not None and held.version > template.version:
            return False
        self.st.templates[template.id] = template
        return True

    def template(self, template_id: str) -> CouponTemplate | None:
        return self.st.templates.get(template_id)

    def _state(self, code: str) -> CouponState:
        mine = sorted((e.at, entry_id, e) for entry_id, e in self.st.coupon_entries.items()
                      if e.code == code)
        return coupon_state(code, [e for _at, _id, e in mine])

    def find_coupon(self, code: str) -> tuple[Coupon, CouponTemplate | None, CouponState] | None:
        c = self.st.coupons.get(code)
        if c is None:
            return None
        return c, self.template(c.template_id), self._state(code)

    def coupons_of(self, member_id: str) -> list[tuple[Coupon, CouponTemplate, CouponState]]:
        out = []
        for c in sorted((c for c in self.st.coupons.values() if c.member_id == member_id),
                        key=lambda c: c.issued_at):
            t = self.template(c.template_id)
            if t is not None:
                out.append((c, t, self._state(c.code)))
        return out

    def add_coupon(self, coupon: Coupon) -> bool:
        if coupon.code in self.st.coupons:
            return False
        self.st.coupons[coupon.code] = coupon
        self.add_entry(f"issued:{coupon.code}",
                       CouponEntry(coupon.code, CouponEntryKind.ISSUED, coupon.issued_at))
        return True

    def add_entry(self, entry_id: str, entry: CouponEntry) -> bool:
        if entry_id in self.st.coupon_entries:
            return False
        self.st.coupon_entries[entry_id] = replace(entry, note=entry.note[:200])
        return True

    def unconfirmed_redemptions_fen(self) -> int:
        """What coupons redeemed at this till (entries "till:...") took off sales that head
        office has not confirmed yet (no "hq:..." entry for the same coupon and sale)."""
        confirmed = {(e.code, e.sale_id) for entry_id, e in self.st.coupon_entries.items()
                     if entry_id.startswith("hq:")}
        return sum(e.value_fen for entry_id, e in self.st.coupon_entries.items()
                   if entry_id.startswith("till:") and e.kind is CouponEntryKind.REDEEMED
                   and (e.code, e.sale_id) not in confirmed)

    # -- top-up packages (kept as the feed stores them, sales as sold) --------------------
    def packages(self) -> list[TopUpPackage]:
        return [package_from_dict(d) for _k, (d, withdrawn) in sorted(self.st.packages.items())
                if not withdrawn]

    def put_package(self, package: TopUpPackage, withdrawn: bool = False) -> None:
        self.st.packages[package.id] = (package_to_dict(package), withdrawn)

    def add_package_sale(self, sale_id: str, package: TopUpPackage, member_id: str,
                         coupons: list[str], tier_before: str, tender: str,
                         at: datetime, passes: list[str] | None = None) -> None:
        if sale_id in self.st.package_sales:
            raise ValueError(f"package sale {sale_id} exists")
        self.st.package_sales[sale_id] = {
            "id": sale_id, "package": package_to_dict(package), "member_id": member_id,
            "coupons": list(coupons), "tier_before": tier_before, "tender": tender,
            "sold_at": at, "refunded_at": None, "pass_ids": list(passes or ())}

    def package_sale(self, sale_id: str) -> tuple[TopUpPackage, str, list[str], str, str,
                                                  datetime | None, list[str]] | None:
        r = self.st.package_sales.get(sale_id)
        if r is None:
            return None
        return (package_from_dict(r["package"]), r["member_id"], list(r["coupons"]),
                r["tier_before"], r["tender"], r["refunded_at"], list(r["pass_ids"]))

    def package_sales_of(self, member_id: str) -> list[tuple[str, TopUpPackage, datetime,
                                                             datetime | None]]:
        mine = sorted((r for r in self.st.package_sales.values() if r["member_id"] == member_id),
                      key=lambda r: (r["sold_at"], r["id"]), reverse=True)
        return [(r["id"], package_from_dict(r["package"]), r["sold_at"], r["refunded_at"])
                for r in mine]

    def mark_package_refunded(self, sale_id: str, at: datetime) -> None:
        r = self.st.package_sales.get(sale_id)
        if r is not None:
            r["refunded_at"] = at

    def members_with_points(self) -> list[str]:
        """Members holding spendable points (the ones whose points can lapse)."""
        return sorted(m for m, a in self.st.accounts.items() if a.spendable_points > 0)

    def expirable_coupons(self, at: datetime) -> list[tuple[Coupon, CouponState]]:
        return [(c, self._state(c.code)) for c in self.st.coupons.values()
                if c.valid_until is not None and c.valid_until <= at]

    def points_moves(self, member_id: str) -> list[PointsMove]:
        mine = sorted((e for e in self.st.points
                       if e["member_id"] == member_id and e["spendable"] != 0),
                      key=lambda e: (e["at"], e["id"]))
        return [PointsMove(e["at"], e["spendable"], e["kind"] == "expiry") for e in mine]


class InMemoryRuleSets:
    def __init__(self, st: _State) -> None:
        self.st = st

    def current(self, at: datetime) -> RuleSet:
        in_force = [r for r in self.st.rules if r[0] <= at]
        if not in_force:
            raise NotFound("rule set", at.isoformat())
        return max(in_force, key=lambda r: (r[0], r[1].version))[1]

    def add(self, rules: RuleSet, effective_from: datetime, at: datetime) -> None:
        self.st.rules = [r for r in self.st.rules if r[1].version != rules.version]
        self.st.rules.append((effective_from, rules))


class InMemorySite:
    def shop(self) -> ShopInfo:
        return SHOP

    def till(self) -> TillInfo:
        return TILL

    def shop_id(self) -> str:
        return SHOP_ID

    def till_id(self) -> str:
        return TILL_ID

    def shop_name_of(self, shop_id: str | None) -> str | None:
        return SHOP.name if shop_id == SHOP_ID else None


class InMemoryAuditLog:
    def __init__(self, st: _State) -> None:
        self.st = st

    def record(self, at: datetime, user_id: str | None, action: str, target: str,
               detail: dict[str, Any]) -> None:
        self.st.audit.append((at, user_id, action, target, json.loads(_json(detail))))


class InMemoryOutbox:
    def __init__(self, st: _State) -> None:
        self.st = st

    def append(self, kind: str, payload: dict[str, Any], at: datetime) -> int:
        check_event_kind(kind)
        seq = len(self.st.outbox) + 1
        self.st.outbox.append((seq, kind, json.loads(json.dumps(to_jsonable(payload)))))
        return seq


class FakeUnitOfWork:
    """One transaction on a FakeStore: the work is a copy of the committed state."""

    def __init__(self, store: FakeStore) -> None:
        self._store = store
        self._bind(store.committed.clone())

    def _bind(self, state: _State) -> None:
        self.state = state
        self.accounts = InMemoryAccounts(state)
        self.cards = InMemoryCards(state)
        self.ledgers = InMemoryLedgers(state)
        self.passes = InMemoryPasses(state)
        self.benefits = InMemoryBenefits(state)
        self.shifts = InMemoryShifts(state)
        self.sales = InMemorySales(state)
        self.catalog = InMemoryCatalog(state)
        self.promotions = InMemoryPromotions(state)
        self.rules = InMemoryRuleSets(state)
        self.site = InMemorySite()
        self.audit = InMemoryAuditLog(state)
        self.outbox = InMemoryOutbox(state)

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def commit(self) -> None:
        self._store.committed = self.state.clone()

    def rollback(self) -> None:
        self._bind(self._store.committed.clone())


class FakeStore:
    """The unit-of-work factory: `store()` opens a unit of work on the committed state."""

    def __init__(self, rules: RuleSet, at: datetime) -> None:
        self.committed = _State()
        self.committed.rules.append((at.replace(year=2001), rules))
        self.committed.shift = ShiftRecord("shift-1", TILL_ID, "u-cashier", at, 50_000)

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    @property
    def state(self) -> _State:
        return self.committed

    def add_member(self, member_id: str, card_no: str, mobile: str, *, tier: str = "regular",
                   paid: int = 0, bonus: int = 0, points: int = 0,
                   accumulated: int | None = None, at: datetime, name: str = "会员") -> None:
        """A member with a magstripe card and opening balances, committed."""
        with self() as uow:
            uow.accounts.add_member(MemberAccount(member_id, name, mobile, tier, 0, 0, 0, 0),
                                    at, None, None)
            uow.cards.add_card(CardState(card_no, CardKind.MAGSTRIPE, CardStatus.ACTIVE,
                                         member_id), at)
            if paid or bonus:
                uow.ledgers.add_stored_value(member_id, "opening", paid, bonus, at)
            acc = points if accumulated is None else accumulated
            if points or acc:
                uow.ledgers.add_points(member_id, "opening", points, acc, at)
            uow.commit()


    def add_products(self, products: list[Product]) -> None:
        """Products on sale (each found by its SKU and its barcode), committed."""
        for p in products:
            self.committed.products[p.id] = p
            if p.barcode:
                self.committed.barcodes[p.barcode] = p.id


class FakePinHasher:
    """PINs are not what the core tests are about: a plain, fast stand-in for argon2 (tests
    only; db/pin_hasher.py is the real one and has its own tests)."""

    def hash(self, pin: str) -> str:
        return "plain:" + pin

    def verify(self, pin_hash: str, pin: str) -> bool:
        return pin_hash == "plain:" + pin


assert "member.pin_set" in EVENT_KINDS
