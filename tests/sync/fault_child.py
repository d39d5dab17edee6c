"""A till process for the fault-injection test: sells, returns, tops up and reports cards lost
through the real services, and syncs after every action. It runs in step with the test:

    python -m tests.sync.fault_child DATA_DIR SEED STEP

prints "ready", then for every line "STEP" on its standard input does one action at that step
and one sync, and answers "done ACTION synced" or "done ACTION failed" (ACTION: sale, return,
top_up, lost or refused). The parent (or its proxy, in the middle
of a sync) SIGKILLs it whenever it likes; a new process picks up on the same data dir.

The clock is NOON plus ten seconds per step of the whole run (the parent numbers the steps),
so it keeps moving forward across restarts like a real till's, without reading the time."""
from __future__ import annotations

import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from db.pin_hasher import Argon2PinHasher
from db.reports import SqlReportQueriesFactory
from db.store import DB_FILE, open_store
from pos_app.bootstrap import build_services
from pos_app.demo import DEMO_USERS
from pos_app.domain.errors import PosError
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import IdentityCheck
from pos_cli.sync import open_sync

NOON = datetime(2026, 11, 28, 12, 0, 0)
CARDS = {"100001": "13800001111", "100002": "13800002222", "100003": "13800003333"}
EXTRA = [f"7{i:06d}" for i in range(20)]


class StepClock:
    """The run's step, as a time: NOON + 10 s per step."""

    def __init__(self, step: int) -> None:
        self.step = step

    def now(self) -> datetime:
        return NOON + timedelta(seconds=10 * self.step)


def act(services, rng: random.Random, cashier, manager, receipts: list[str]) -> str:  # noqa: ANN001
    """One action; says which."""
    roll = rng.random()
    if roll < 0.55:                                      # a sale, maybe on a card
        s = services.selling.new_session()
        s.add(rng.choice(("REG100", "WATER", "SPECIAL50")))
        card = rng.choice([None, None, *CARDS, *EXTRA[:5]])
        if card:
            s.attach_card(card)
        total = s.view().total_fen
        sv = rng.choice((0, 0, min(total, 1_000)))
        tenders = [TenderInput(TenderKind.STORED_VALUE, sv)] if card and sv else []
        if total - (sv if tenders else 0) > 0:
            tenders.append(TenderInput(TenderKind.CASH, total - (sv if tenders else 0)))
        receipts.append(s.complete(tenders, cashier).receipt_no)
        return "sale"
    elif roll < 0.7 and receipts:                        # return a whole earlier sale
        services.returns.return_items(receipts.pop(rng.randrange(len(receipts))),
                                      None, cashier, manager)
        return "return"
    elif roll < 0.9:                                     # a cash top-up
        services.members.top_up(manager, rng.choice([*CARDS, *EXTRA[:5]]),
                                rng.choice((1_000, 5_000)), TenderKind.CASH)
        return "top_up"
    else:                                                # 挂失 (once per card)
        i = rng.randrange(5, len(EXTRA))
        services.cards.report_lost(manager, EXTRA[i], IdentityCheck(
            f"137{i:08d}", manager_confirmed=True))
        return "lost"


def main() -> int:
    data_dir, seed, step = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    ids = UuidV7Source()
    clock = StepClock(step)
    uow = open_store(data_dir, ids)
    services = build_services(uow, clock, ids, Argon2PinHasher(fast=True),
                              SqlReportQueriesFactory(data_dir / DB_FILE))
    pins = {u[0]: u[3] for u in DEMO_USERS}
    cashier = services.auth.login("cashier", pins["cashier"])
    manager = services.auth.login("manager", pins["manager"])
    wiring = open_sync(data_dir, clock=clock, push_batch=rng.choice((5, 20, 100)))
    receipts: list[str] = []
    print("ready", flush=True)
    for line in sys.stdin:
        clock.step = int(line)
        try:
            did = act(services, rng, cashier, manager, receipts)
        except PosError:
            did = "refused"                              # refused by a rule: fine
        try:
            wiring.engine.run_once()
            print(f"done {did} synced", flush=True)
        except Exception:  # noqa: BLE001 - faults are the point; the next step retries
            print(f"done {did} failed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
