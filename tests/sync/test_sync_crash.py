"""A till killed at random points while selling and syncing, many times: after restart every
event reaches head office exactly once, with no gap; a pulled page lands whole or not at all."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.store import DB_FILE
from headoffice.models import InboxRow, RefusedEventRow, SaleRow, TillRow
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, make_till
from tests.store_support import store_db

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_a_till_killed_at_random_points_while_syncing_delivers_everything_once(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS + [{"name": f"会员{i}", "mobile": f"137{i:08d}",
                                     "card_no": f"7{i:06d}", "paid_fen": i}
                                    for i in range(1500)])
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sell()                                         # a real cash sale as the template
    db = store_db(till.shop.data_dir / DB_FILE)
    template = db.execute("SELECT payload FROM outbox WHERE kind='sale.completed'").fetchone()[0]
    db.close()
    (tmp_path / "template.json").write_text(template)
    till.close()
    rng = random.Random(int(os.environ.get("POS_CRASH_SEED", "11")))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-m", "tests.sync.sync_crash_child",
                                  str(till.shop.data_dir), str(tmp_path / "template.json")],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE)
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.02, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        kills += 1
    # Restart and let it finish, undisturbed.
    from pos_cli.sync import open_sync
    wiring = open_sync(till.shop.data_dir)
    wiring.engine.run_once()
    db = store_db(till.shop.data_dir / DB_FILE)
    local = dict(db.execute("SELECT id, device_seq FROM outbox").fetchall())
    seqs = sorted(local.values())
    assert seqs == list(range(1, len(seqs) + 1))        # gap-free on the till
    members_here = db.execute("SELECT count(*) FROM members").fetchone()[0]
    cursor = db.execute("SELECT cursor FROM sync_cursors WHERE stream='members'").fetchone()
    db.close()
    wiring.close()
    with hq.sessions() as s:
        remote = dict(s.execute(select(InboxRow.event_id, InboxRow.device_seq)).all())
        assert remote == local                          # every event, once, same numbers
        assert s.scalar(select(TillRow.acked_seq)) == len(seqs)
        assert s.scalar(select(func.count()).select_from(RefusedEventRow)) == 0
        sales = s.scalar(select(func.count()).select_from(SaleRow))
    assert sales == sum(1 for _ in local) - 1           # all but shift.opened are sales
    assert members_here == 1503 and cursor is not None
    assert kills == 8
