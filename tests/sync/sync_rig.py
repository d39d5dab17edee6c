"""Real tills (SQLite, the real services) syncing with a real head office over HTTP, with a
fault-injecting transport in between."""
from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from headoffice.service import HeadOffice
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.auth import User
from pos_app.sync.authoriser import HeadOfficeSpendAuthoriser
from pos_cli.sync import SyncWiring, enrol_till, open_sync
from pos_app.sync.engine import SyncReport

try:  # the shared till fixtures are moving from tests/conftest.py to tests/store_support.py
    from tests.store_support import NOON, STANDARD_GOODS, Shop, make_shop
except ImportError:
    from tests.conftest import NOON, STANDARD_GOODS, Shop, make_shop  # type: ignore
from tests.headoffice.hq_rig import Faults, FaultyTransport, LiveServer

CASH = TenderKind.CASH
SV = TenderKind.STORED_VALUE

# The chain's members as head office holds them (ids fixed so tests can name them).
LI_NA = "0190f000-0000-7000-8000-000000000002"
WANG_FANG = "0190f000-0000-7000-8000-000000000003"
ZHANG_WEI = "0190f000-0000-7000-8000-000000000001"
HQ_MEMBERS = [
    {"id": ZHANG_WEI, "name": "张伟", "mobile": "13800001111", "card_no": "100001",
     "tier_code": "regular"},
    {"id": LI_NA, "name": "李娜", "mobile": "13800002222", "card_no": "100002",
     "tier_code": "gold", "paid_fen": 10_000, "points": 990, "accumulated_points": 1500},
    {"id": WANG_FANG, "name": "王芳", "mobile": "13800003333", "card_no": "100003",
     "tier_code": "diamond", "paid_fen": 100_000, "points": 1200, "accumulated_points": 9000},
]


@dataclass
class TillRig:
    shop: Shop
    faults: Faults
    wiring: SyncWiring
    authoriser: HeadOfficeSpendAuthoriser
    cashier: User

    def sync(self) -> SyncReport:
        return self.wiring.engine.run_once()

    def offline(self) -> None:
        self.faults.default = "drop_request"

    def online(self) -> None:
        self.faults.default = "ok"

    def sell(self, card_no: str | None = None, sv_fen: int = 0, sku: str = "REG100",
             qty: int = 1) -> Any:
        s = self.shop.services.selling.new_session()
        s.add(f"{qty}*{sku}" if qty > 1 else sku)
        if card_no:
            s.attach_card(card_no)
        total = s.view().total_fen
        tenders = []
        if sv_fen:
            tenders.append(TenderInput(SV, sv_fen))
        if total - sv_fen > 0:
            tenders.append(TenderInput(CASH, total - sv_fen))
        return s.complete(tenders, self.cashier)

    def account(self, member_id: str) -> tuple[int, int, int, int]:
        """(paid, bonus, spendable, accumulated) cached, after checking them against the
        till's own ledgers."""
        with self.shop.uow() as uow:
            a = uow.accounts.find_account(member_id)
            sums = uow.ledgers.ledger_sums(member_id)
        assert sums == (a.spendable_points, a.accumulated_points, a.balance_paid_fen,
                        a.balance_bonus_fen)
        return a.balance_paid_fen, a.balance_bonus_fen, a.spendable_points, a.accumulated_points

    def close(self) -> None:
        self.wiring.close()
        self.shop.uow.engine.dispose()


def reopen_till(rig: TillRig, push_batch: int | None = None) -> TillRig:
    """The same till after its database was replaced (restore) or its key changed
    (re-enrolment): new engines on the same data dir, same clock and fault plan."""
    from db.reports import SqlReportQueriesFactory
    from db.store import DB_FILE, open_store
    from pos_app.bootstrap import build_services
    from pos_app.domain.ids import UuidV7Source
    from tests.store_support import Shop

    rig.close()
    old = rig.shop
    ids = UuidV7Source()
    uow = open_store(old.data_dir, ids)
    services = build_services(uow, old.clock, ids, old.hasher,
                              SqlReportQueriesFactory(old.data_dir / DB_FILE))
    shop = Shop(old.data_dir, uow, old.clock, services, old.hasher)
    wiring = open_sync(shop.data_dir, clock=shop.clock, transport=FaultyTransport(rig.faults),
                       push_batch=push_batch)
    authoriser = HeadOfficeSpendAuthoriser(wiring.client, wiring.store, shop.clock,
                                           timeout_s=2.0)
    return TillRig(shop, rig.faults, wiring, authoriser, shop.cashier)


def make_till(hq: HeadOffice, live: LiveServer, root: Path, shop_code: str, till_code: str,
              at: datetime = NOON, push_batch: int | None = None) -> TillRig:
    shop = make_shop(root / f"{shop_code}-{till_code}-{uuid.uuid4().hex[:6]}", at)
    shop.products(STANDARD_GOODS)
    with contextlib.suppress(IntegrityError):   # the shop exists already
        hq.add_shop(shop_code, f"shop {shop_code}")
    code = hq.add_till(shop_code, till_code)
    enrol_till(shop.data_dir, live.url, code)
    faults = Faults()
    wiring = open_sync(shop.data_dir, clock=shop.clock, transport=FaultyTransport(faults),
                       push_batch=push_batch)
    authoriser = HeadOfficeSpendAuthoriser(wiring.client, wiring.store, shop.clock,
                                           timeout_s=2.0)
    cashier = shop.cashier
    shop.services.shifts.open(cashier, 50_000)
    return TillRig(shop, faults, wiring, authoriser, cashier)
