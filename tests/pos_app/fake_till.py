"""A till's services on the in-memory unit of work, stocked as tests/conftest.py `stocked` is
(tests/store_support.py STANDARD_GOODS and STANDARD_MEMBERS, and the card-fee items `pos init`
makes): the fast counterpart of the SQLite `stocked` fixture for service tests that need
nothing but the repositories the fake keeps (tests/pos_app/fake_uow.py)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import RuleSet, default_rule_set
from pos_app.domain.sale import CompletedSale
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.clock import FixedClock
from pos_app.services.auth import User
from pos_app.services.cards import CardService
from pos_app.services.expiry import ExpiryService
from pos_app.services.members import MemberService
from pos_app.services.packages import PackageService
from pos_app.services.returns import ReturnService
from pos_app.services.selling import SellingService
from pos_app.services.setup import FEE_ITEMS
from tests.pos_app.fake_uow import FakePinHasher, FakeStore

AT = datetime(2026, 11, 28, 12, 0)      # tests/store_support.py NOON, a Saturday
CASHIER = User("u-cashier", "cashier", "收银员", "cashier")
MANAGER = User("u-manager", "manager", "店长", "manager")
CASH = TenderKind.CASH

# tests/store_support.py STANDARD_GOODS, as products.
STANDARD_GOODS = [
    Product("p-reg100", "REG100", "羊毛衫", 10_000, barcode="6900000000017",
            category="服装/女装/针织衫"),
    Product("p-promo100", "PROMO100", "真丝衬衫", 10_000, barcode="6900000000024",
            category="服装/女装/衬衫", promo_rate_bp=8_000),
    Product("p-special50", "SPECIAL50", "特价围巾", 5_000, kind=ProductKind.SPECIAL,
            barcode="6900000000031", category="服装/配饰/围巾"),
    Product("p-card100", "CARD100", "购物卡", 10_000, kind=ProductKind.EXCLUDED,
            barcode="6900000000048", category="服务/礼品卡/购物卡"),
    Product("p-water", "WATER", "矿泉水", 200, barcode="6900000000055", category="食品/饮料/水"),
    Product("p-wash10", "WASH10", "洗车10次卡", 30_000, barcode="6900000000062",
            category="服务/洗车/次卡", pass_uses=10, pass_valid_days=365),
    Product("p-wash", "WASH", "普通洗车", 3_000, barcode="6900000000079",
            category="服务/洗车/单次"),
    Product("p-gift180", "GIFT180", "保温杯", 18_000, barcode="6900000000086",
            category="礼品/积分/杯"),
    Product("p-gift350", "GIFT350", "电饭煲", 35_000, barcode="6900000000093",
            category="礼品/积分/厨电"),
]


@dataclass
class Till:
    """The till's services on a fake store, with helpers as the SQLite `Shop` has them."""

    store: FakeStore
    clock: FixedClock
    selling: SellingService
    returns: ReturnService
    members: MemberService
    cards: CardService
    hasher: FakePinHasher
    expiry: ExpiryService
    packages: PackageService

    def set_rules(self, rules: RuleSet) -> None:
        with self.store() as uow:
            uow.rules.add(rules, self.clock.now().replace(year=2001), self.clock.now())
            uow.commit()

    def member(self, card_no: str, mobile: str, tier: str = "regular", points: int = 0,
               accumulated: int = 0, balance: int = 0, name: str = "会员") -> None:
        """A member as the CSV import brings one in (opening entries, a magstripe card)."""
        self.store.add_member("m-" + card_no, card_no, mobile, tier=tier, paid=balance,
                              points=points, accumulated=accumulated, at=self.clock.now(),
                              name=name)

    def sell(self, entries: list[str], card: str | None = None,
             tenders: list[TenderInput] | None = None, card_first: bool = True
             ) -> CompletedSale:
        s = self.selling.new_session()
        if card and card_first:
            s.attach_card(card)
        for e in entries:
            s.add(e)
        if card and not card_first:
            s.attach_card(card)
        total = s.view().total_fen
        return s.complete(tenders or ([TenderInput(CASH, total)] if total else []), CASHIER)

    def ret(self, receipt_no: str, lines: dict[int, int] | None = None) -> CompletedSale:
        return self.returns.return_items(receipt_no, lines, CASHIER, MANAGER)

    def account(self, mobile: str) -> MemberAccount:
        with self.store() as uow:
            found = uow.accounts.find_by_mobile(mobile)
        assert found is not None
        return found

    def outbox(self, kind: str) -> list[dict]:
        return [p for _seq, k, p in self.store.state.outbox if k == kind]


def stocked(rules: RuleSet | None = None) -> Till:
    store = FakeStore(rules or default_rule_set(), AT)
    store.add_products(STANDARD_GOODS)
    store.add_products([Product("p-" + sku.lower(), sku, name, 0, kind=ProductKind.EXCLUDED,
                                category="服务/会员卡") for sku, name in FEE_ITEMS])
    clock, ids, hasher = FixedClock(AT), UuidV7Source(), FakePinHasher()
    selling = SellingService(store, clock, ids, hasher)
    t = Till(store, clock, selling, ReturnService(store, clock, ids),
             MemberService(store, clock, ids, spend=selling),
             CardService(store, clock, ids, hasher, spend=selling), hasher,
             ExpiryService(store, clock), PackageService(store, clock, ids))
    # tests/store_support.py STANDARD_MEMBERS
    t.member("100001", "13800001111", name="张伟")
    t.member("100002", "13800002222", "gold", 990, 1_500, 20_000, name="李娜")
    t.member("100003", "13800003333", "diamond", 1_200, 9_000, 100_000, name="王芳")
    t.member("100004", "13800004444", "gold", name="赵强")
    t.member("100005", "13800005555", "gold", name="孙丽")
    with store() as uow:
        uow.cards.set_card_status("100004", "lost", AT, uow.site.shop_id())
        uow.cards.set_card_expiry("100005", date(2025, 12, 31))
        uow.commit()
    return t
