"""Three days offline: 10,000 sales go up in bounded batches, none twice, none timing out."""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.store import DB_FILE
from headoffice.models import InboxRow, PointsEntryRow, SaleRow
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, make_till
from tests.store_support import store_db

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BACKLOG = 10_000


def test_a_three_day_backlog_of_ten_thousand_sales_goes_up_in_bounded_batches(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    till = make_till(hq, live, tmp_path, "S001", "T01", push_batch=200)
    till.sync()
    till.offline()
    till.sell("100002")                                 # a real member sale as the template
    db = store_db(till.shop.data_dir / DB_FILE)
    template = json.loads(db.execute(
        "SELECT payload FROM outbox WHERE kind='sale.completed'").fetchone()[0])
    db.close()
    earned = template["sale"]["member"]["points_earned"]
    with till.shop.uow() as uow:                        # the rest of three days of selling
        for n in range(BACKLOG - 1):
            template["sale"]["sale_id"] = str(uuid.uuid4())
            template["sale"]["receipt_no"] = f"B{n:08d}"
            uow.outbox.append("sale.completed", template, till.shop.clock.now())
        uow.commit()
    assert till.wiring.store.backlog() == BACKLOG
    sizes: list[int] = []
    durations: list[float] = []

    def chooser(request):  # real HTTP, timed; the bodies tell the batch sizes
        if request.url.path.endswith("/push"):
            sizes.append(len(json.loads(request.content)["events"]))
            durations.append(time.monotonic())
        return "ok"
    till.faults.chooser = chooser
    till.online()
    start = time.monotonic()
    till.sync()
    elapsed = time.monotonic() - start
    assert till.wiring.store.backlog() == 0
    assert max(sizes) <= 200 and sum(sizes) == BACKLOG
    gaps = [b - a for a, b in zip([start] + durations, durations)]
    assert max(gaps) < 10, "one batch came close to the client timeout"
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SaleRow)) == BACKLOG
        assert s.scalar(select(func.count(func.distinct(InboxRow.event_id)))) == BACKLOG + 1
        pts = s.scalar(select(func.sum(PointsEntryRow.spendable_delta)).where(
            PointsEntryRow.member_id == LI_NA, PointsEntryRow.kind == "earn"))
    assert pts == earned * BACKLOG
    print(f"10,000-sale backlog pushed in {elapsed:.1f} s")
