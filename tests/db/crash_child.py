"""Child process for the crash test: sells in a loop until it is killed (SIGKILL)."""
from __future__ import annotations

import sys
from pathlib import Path

from db.pin_hasher import Argon2PinHasher
from db.store import open_store
from pos_app.bootstrap import build_services
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.clock import SystemClock


def main(data_dir: str) -> None:
    ids = UuidV7Source()
    services = build_services(open_store(Path(data_dir), ids), SystemClock(), ids,
                              Argon2PinHasher(fast=True))
    cashier = services.auth.login("cashier", "1111")
    if services.shifts.current() is None:
        services.shifts.open(cashier, 0)
    session = services.selling.new_session()
    n = 0
    print("ready", flush=True)
    while True:
        n += 1
        session.add("REG100")
        session.add("2*WATER")
        session.attach_card("300001")
        total = session.view().total_fen
        session.complete([TenderInput(TenderKind.STORED_VALUE, 100),
                          TenderInput(TenderKind.CASH, total - 100)], cashier)


if __name__ == "__main__":
    main(sys.argv[1])
