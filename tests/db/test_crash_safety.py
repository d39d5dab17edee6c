"""Crash test: a till killed with SIGKILL mid-sale loses nothing committed and keeps nothing half-done."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from db.store import DB_FILE
from tests.store_support import store_db

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("POS_CRASH_KILLS", "25"))


def check_store(db_path: Path) -> int:
    db = store_db(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    sales = db.execute("SELECT id, snapshot FROM sales").fetchall()
    for sale_id, snapshot in sales:
        snap = json.loads(snapshot)
        lines = db.execute("SELECT count(*) FROM sale_lines WHERE sale_id=?", (sale_id,)).fetchone()[0]
        tenders = db.execute("SELECT count(*) FROM tenders WHERE sale_id=?", (sale_id,)).fetchone()[0]
        points = db.execute("SELECT count(*) FROM points_entries WHERE sale_id=?", (sale_id,)).fetchone()[0]
        money = db.execute("SELECT count(*) FROM stored_value_entries WHERE sale_id=?", (sale_id,)).fetchone()[0]
        events = db.execute("SELECT count(*) FROM outbox WHERE payload LIKE ?",
                            (f'%"sale_id": "{sale_id}"%',)).fetchone()[0]
        assert (lines, tenders, points, money, events) == (len(snap["lines"]), len(snap["tenders"]), 1, 1, 1)
    seqs = [r[0] for r in db.execute("SELECT device_seq FROM outbox ORDER BY device_seq")]
    assert seqs == list(range(1, len(seqs) + 1))
    # Cached balances equal the ledger sums for every member.
    bad = db.execute("""
        SELECT m.id FROM members m
        WHERE m.spendable_points != (SELECT coalesce(sum(spendable_delta),0) FROM points_entries WHERE member_id=m.id)
           OR m.balance_paid_fen + m.balance_bonus_fen != (SELECT coalesce(sum(paid_delta_fen + bonus_delta_fen),0)
                                                          FROM stored_value_entries WHERE member_id=m.id)""").fetchall()
    assert bad == []
    db.close()
    return len(sales)


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_half_a_sale(stocked):
    stocked.members([{"card_no": "300001", "name": "压力测试", "mobile": "13600001111",
                      "balance": "100000.00"}])
    db_path = stocked.data_dir / DB_FILE
    stocked.uow.engine.dispose()
    rng = random.Random(20261128)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    previous = 0
    for _ in range(KILLS):
        child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("crash_child.py")),
                                  str(stocked.data_dir)], stdout=subprocess.PIPE, env=env, cwd=ROOT)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.01, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert child.returncode == -signal.SIGKILL   # it was still selling, not crashed
        count = check_store(db_path)
        assert count >= previous     # nothing committed is ever lost
        previous = count
    assert previous > 0
