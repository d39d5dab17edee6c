"""Issue 11 symptoms of the selling and return paths, on the in-memory unit of work (no
SQLAlchemy, argon2 or Qt): the real selling, return and card services and the domain ledger
over the fake store's catalog, sales and promotions (held to the SQLite repositories by
tests/db/test_repository_contract.py). Each sequence is the one that exposed the fault; each
failed on the code before the ledger work (de84420)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import default_rule_set
from pos_app.domain.sale import CompletedSale
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.clock import FixedClock
from pos_app.services.auth import User
from pos_app.services.cards import CardService, IdentityCheck
from pos_app.services.returns import ReturnService
from pos_app.services.selling import SellingService
from tests.pos_app.fake_uow import FakePinHasher, FakeStore

AT = datetime(2026, 11, 28, 12, 0)
CASHIER = User("u-cashier", "cashier", "收银员", "cashier")
MANAGER = User("u-manager", "manager", "店长", "manager")
CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE
ZHANG, WANG = "m-zhang", "m-wang"

# The standard goods of tests/store_support.py that these sequences use.
GOODS = [
    Product("p-reg100", "REG100", "羊毛衫", 10_000, barcode="6900000000017",
            category="服装/女装/针织衫"),
    Product("p-water", "WATER", "矿泉水", 200, barcode="6900000000055", category="食品/饮料/水"),
    Product("p-gift180", "GIFT180", "保温杯", 18_000, barcode="6900000000086",
            category="礼品/积分/杯"),
    Product("p-odd", "ODD", "零头商品", 1_003, kind=ProductKind.SPECIAL, category="杂货"),
]


@dataclass
class Till:
    store: FakeStore
    selling: SellingService
    returns: ReturnService
    cards: CardService

    def sell(self, entries: list[str], card: str | None = None,
             tenders: list[TenderInput] | None = None, gifts: tuple[str, ...] = ()
             ) -> CompletedSale:
        s = self.selling.new_session()
        if card:
            s.attach_card(card)
        for e in entries:
            s.add(e)
        for g in gifts:
            s.redeem_gift(g)
        total = s.view().total_fen
        return s.complete(tenders or ([TenderInput(CASH, total)] if total else []), CASHIER)

    def ret(self, receipt_no: str, lines: dict[int, int] | None = None) -> CompletedSale:
        return self.returns.return_items(receipt_no, lines, CASHIER, MANAGER)

    def account(self, member_id: str) -> MemberAccount:
        return self.store.state.accounts[member_id]

    def points(self, member_id: str) -> tuple[int, int]:
        a = self.account(member_id)
        return a.spendable_points, a.accumulated_points


def till(rules=None) -> Till:
    store = FakeStore(rules or default_rule_set(2), AT)
    store.add_products(GOODS)
    store.add_member(ZHANG, "100001", "13800001111", at=AT)
    store.add_member(WANG, "100003", "13800003333", tier="diamond", paid=100_000,
                     points=1_200, accumulated=9_000, at=AT)
    clock, ids, hasher = FixedClock(AT), UuidV7Source(), FakePinHasher()
    selling = SellingService(store, clock, ids, hasher)
    return Till(store, selling, ReturnService(store, clock, ids),
                CardService(store, clock, ids, hasher, spend=selling))


# -- returns ----------------------------------------------------------------------------------
def test_rule_points_recomputed_on_kept_amount_single_unit_returns():
    """The farm: ten bottles of water (¥2 each, ¥20: 2 points) returned one at a time. Each
    single unit is worth under a point, so a return that works out the points of what it
    takes back took none (the old per-line share, rounded down) until the very last unit:
    a customer returning nine of ten kept 2 points for ¥2 of water. After each return the
    member must hold exactly what the kept bottles earn."""
    t = till()
    sale = t.sell(["10*WATER"], "100001")
    assert sale.member.points_earned == 2
    held = []
    for _ in range(10):
        t.ret(sale.receipt_no, {1: 1})
        held.append(t.points(ZHANG))
    kept_yuan = [2 * kept for kept in range(9, -1, -1)]      # ¥18, ¥16, ... ¥0 of water
    assert held == [(y // 10, y // 10) for y in kept_yuan]
    assert held[:5] == [(1, 1)] * 5 and held[5:] == [(0, 0)] * 5


def test_rule_points_bonus_lost_when_the_kept_amount_falls_below_200():
    """¥2,002 (19 jumpers and 51 bottles of water): 200 points + 10 bonus. Returning two
    bottles keeps ¥1,998: 199 points and no bonus. The old return took back the returned
    units' share of the points rounded down (nothing for two bottles) and kept the +10."""
    t = till()
    sale = t.sell(["19*REG100", "51*WATER"], "100001")
    assert sale.member.points_earned == 210
    t.ret(sale.receipt_no, {2: 2})
    assert t.points(ZHANG) == (199, 199)
    t.ret(sale.receipt_no)
    assert t.points(ZHANG) == (0, 0)


def test_rule_points_bonus_kept_while_the_kept_amount_stays_at_200():
    """¥2,008 (20 jumpers and 4 bottles of water): 200 points + 10 bonus, the 200 split
    199 to the jumpers and 1 to the water. Returning the water keeps ¥2,000: still 200 +
    10. The old return took the water's point back, saw 199 and took the bonus too."""
    t = till()
    sale = t.sell(["20*REG100", "4*WATER"], "100001")
    assert sale.member.points_earned == 210
    t.ret(sale.receipt_no, {2: 4})
    assert t.points(ZHANG) == (210, 210)
    t.ret(sale.receipt_no, {1: 1})           # keeps ¥1,900: 190, no bonus
    assert t.points(ZHANG) == (190, 190)
    t.ret(sale.receipt_no)
    assert t.points(ZHANG) == (0, 0)


def test_rule_returned_gift_line_gives_points_back():
    t = till()
    before = t.account(WANG).spendable_points
    sale = t.sell(["WATER"], "100003", gifts=("GIFT180",))
    assert t.account(WANG).spendable_points == before - 1_000
    t.ret(sale.receipt_no, {2: 1})
    assert t.account(WANG).spendable_points == before


def test_rule_return_to_a_cancelled_member_pays_the_customer_out():
    t = till()
    sale = t.sell(["REG100"], "100003", tenders=[TenderInput(SV, 8_000)])
    t.cards.cancel(MANAGER, "100003", IdentityCheck("13800003333", manager_confirmed=True),
                   True)
    dead = t.account(WANG)
    r = t.ret(sale.receipt_no)
    assert [(x.kind, x.amount_fen) for x in r.tenders] == [(CASH, 8_000)]
    after = t.account(WANG)
    assert (after.balance_fen, after.spendable_points) == (dead.balance_fen,
                                                          dead.spendable_points)


def test_rule_refund_never_exceeds_what_was_paid_with_cash_rounding_and_a_gift():
    t = till(default_rule_set(2).with_changes(cash_rounding_to_jiao=True))
    sale = t.sell(["ODD", "ODD"], "100003", gifts=("GIFT180",))
    paid = sum(x.amount_fen for x in sale.tenders)
    assert paid == 2_000 and sale.rounding_fen == 6
    r1 = t.ret(sale.receipt_no, {1: 1})
    r2 = t.ret(sale.receipt_no, {2: 1})
    r3 = t.ret(sale.receipt_no, {3: 1})
    refunded = sum(x.amount_fen for r in (r1, r2, r3) for x in r.tenders)
    assert refunded == paid


# -- events -----------------------------------------------------------------------------------
def test_a_sale_event_carries_the_entries_the_till_booked():
    t = till()
    sale = t.sell(["3*REG100"], "100003", tenders=[TenderInput(SV, 10_000),
                                                   TenderInput(CASH, 14_000)])
    payload = [p for _seq, kind, p in t.store.state.outbox if kind == "sale.completed"][-1]
    assert payload["v"] == 3
    with t.store() as uow:
        rows = [r for r in uow.ledgers.ledger(WANG, 50) if r.receipt_no == sale.receipt_no]
    booked = sorted((r.ledger, r.kind, *((r.spendable, r.accumulated) if r.ledger == "points"
                                          else (r.paid_fen, r.bonus_fen))) for r in rows)
    carried = sorted((e["ledger"], e["kind"], *((e["spendable"], e["accumulated"])
                                                if e["ledger"] == "points" else
                                                (e["paid_fen"], e["bonus_fen"])))
                     for e in payload["entries"])
    assert booked == carried and booked
