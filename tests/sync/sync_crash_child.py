"""Child process for the kill test: sells (writes outbox events) and syncs in a loop until the
parent kills it with SIGKILL at a random moment."""
from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime
from pathlib import Path

from db.store import open_store
from pos_app.domain.ids import UuidV7Source
from pos_app.ports.clock import SystemClock
from pos_cli.sync import open_sync
from pos_app.sync.ports import SyncError


def append_sale(uow_factory, template: dict, n: int) -> None:
    payload = json.loads(json.dumps(template))
    payload["sale"]["sale_id"] = str(uuid.uuid4())
    payload["sale"]["receipt_no"] = f"K{n:08d}"
    with uow_factory() as uow:
        uow.outbox.append("sale.completed", payload, datetime.now().replace(microsecond=0))
        uow.commit()


def main() -> int:
    data_dir = Path(sys.argv[1])
    template = json.loads(Path(sys.argv[2]).read_text())
    uow = open_store(data_dir, UuidV7Source())
    wiring = open_sync(data_dir, clock=SystemClock(), push_batch=25)
    n = 0
    print("ready", flush=True)
    while True:
        n += 1
        append_sale(uow, template, n)
        try:
            wiring.engine.run_once()
        except SyncError:
            pass


if __name__ == "__main__":
    sys.exit(main())
