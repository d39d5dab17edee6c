"""Restore from a backup in the running app, end to end (issue 12 item 1's restore-then-sync
seam, through the app): the real cashier app in its own process (tests/ui/app_driver.py runs
`pos --data-dir DIR run` and works its windows like a manager would) restores a `pos backup`
on the 恢复备份 tab; the app then closes and starts again by itself, with the same command
line and environment, on the restored store; its sync worker and then the same till's later
sales reach head office (PostgreSQL) with nothing lost or counted twice. A restore that fails
does not restart the app, and the till keeps syncing."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from headoffice.models import SaleRow
from headoffice.service import HeadOffice
from pos_app.domain.tenders import TenderKind
from pos_cli.main import main as pos_main
from tests.headoffice.hq_rig import LiveServer
from tests.headoffice.hq_rig import hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, TillRig, make_till, reopen_till

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
MARK = "POS_TEST_RESTART_MARK"
# The till's time in these tests, whatever today's date: the test's till sells two hours
# before it, the app (tests/ui/app_driver.py, ui.main.APP_CLOCK) starts at it and runs at the
# machine's pace, and the till sells again after the app is done.
BASE = datetime(2026, 11, 28, 14, 0)


def _sales(hq: HeadOffice) -> int:
    with hq.sessions() as s:
        return s.scalar(select(func.count()).select_from(SaleRow))


def _balance(hq: HeadOffice, member: str) -> int:
    a = hq.account(member)
    return a["balance_paid_fen"] + a["balance_bonus_fen"]


def _till_with_a_backup(hq: HeadOffice, live: LiveServer, tmp_path: Path
                        ) -> tuple[TillRig, Path]:
    """A till that synced 2 sales, was backed up, then sold 4 more and took a ¥50 top-up for
    李娜, all at head office. Its clock is two hours before the app's."""
    hq.import_members(HQ_MEMBERS)                          # 李娜: ¥100
    till = make_till(hq, live, tmp_path, "S001", "T01",
                     at=BASE - timedelta(hours=2))
    till.sync()
    till.sell(), till.sell()
    till.sync()
    backup = tmp_path / "backup.sqlite3"
    assert pos_main(["--data-dir", str(till.shop.data_dir), "backup", str(backup)]) == 0
    till.shop.clock.at += timedelta(minutes=5)
    for _ in range(4):                                     # after the backup
        till.sell()
    till.shop.services.members.top_up(till.shop.manager, "100002", 5_000, TenderKind.CASH)
    till.sync()
    assert (_sales(hq), _balance(hq, LI_NA)) == (6, 15_000)
    till.close()
    return till, backup


def _run_app(data_dir: Path, tmp_path: Path, **script: Any) -> tuple[int, list[dict], str]:
    """Run the app under the driver until it ends by itself; its exit code, the journal and
    the value of the marker variable it was started with."""
    log = tmp_path / "journal.jsonl"
    path = tmp_path / "drive.json"
    path.write_text(json.dumps({"journal": str(log), "mark_env": MARK,
                                "clock_at": BASE.isoformat(), "clock_t0": time.monotonic(),
                                **script}))
    mark = secrets.token_hex(8)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "POS_DRIVE": str(path), MARK: mark,
           "PYTHONPATH": str(ROOT)}
    with (tmp_path / "app.out").open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ui.app_driver", "--data-dir", str(data_dir), "run"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        code = proc.wait(timeout=300)
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert not [e for e in events if e["event"] in ("driver_error", "not_synced")], (
        events, (tmp_path / "app.out").read_text(errors="replace")[-3000:])
    return code, events, mark


def test_a_restore_in_the_app_restarts_it_on_the_restored_store_and_nothing_is_lost_or_doubled(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    till, backup = _till_with_a_backup(hq, live, tmp_path)
    data_dir = till.shop.data_dir
    code, events, mark = _run_app(data_dir, tmp_path, restore=str(backup))
    assert code == 0, events
    kinds = [(e["event"], e["incarnation"]) for e in events]
    assert kinds == [("started", 1), ("confirmed", 1), ("restored", 1),
                     ("started", 2), ("ready", 2), ("synced", 2), ("exited", 2)], kinds
    first, second = [e for e in events if e["event"] == "started"]
    # The app started again by itself: same command line, same environment.
    assert second["argv"] == first["argv"] and second["mark"] == first["mark"] == mark
    restored = next(e for e in events if e["event"] == "restored")
    ready = next(e for e in events if e["event"] == "ready")
    assert restored["epoch"] == ready["epoch"] == 2        # the new app is on the restored store
    assert list(data_dir.glob("pos.sqlite3.before-restore-*"))
    # The restored till goes on selling: 4 sales and a ¥30 top-up with the sequence numbers
    # of the ones it lost with the restore. Head office keeps all of them, once each.
    till = reopen_till(till)
    till.shop.clock.at = BASE + timedelta(minutes=10)    # after the app (it quits within 5)
    for _ in range(4):
        till.sell()
    till.shop.services.members.top_up(till.shop.manager, "100002", 3_000, TenderKind.CASH)
    till.sync()
    till.sync()
    assert _sales(hq) == 10                                # 2 + 4 before, 4 after the restore
    assert _balance(hq, LI_NA) == 18_000                   # ¥100 + ¥50 + ¥30: nothing wiped
    assert sum(till.account(LI_NA)[:2]) == 18_000          # nor on the till
    st = till.wiring.store.state()
    assert (st.backlog, st.refused, st.epoch) == (0, 0, 2)
    assert [f["detail"]["epoch"] for f in hq.flags("till_new_epoch")] == [2]
    assert hq.flags("event_refused") == []
    till.close()


def test_a_restore_that_fails_in_the_app_does_not_restart_it_and_the_till_keeps_syncing(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    till, backup = _till_with_a_backup(hq, live, tmp_path)
    data_dir = till.shop.data_dir
    code, events, _mark = _run_app(data_dir, tmp_path, restore=str(backup),
                                   remove_before_yes=True)
    assert code == 0, events
    kinds = [(e["event"], e["incarnation"]) for e in events]
    assert kinds == [("started", 1), ("confirmed", 1), ("restore_failed", 1),
                     ("synced_after_failure", 1), ("exited", 1)], kinds
    assert "未恢复" in next(e for e in events if e["event"] == "restore_failed")["message"]
    assert not list(data_dir.glob("pos.sqlite3.before-restore-*"))
    assert _sales(hq) == 7                                 # the sale made after the failure
    with hq.sessions() as s:                               # ... on the app's clock, not today's
        latest = s.scalar(select(func.max(SaleRow.client_at)))
    assert BASE <= latest <= BASE + timedelta(minutes=5)
    till = reopen_till(till)
    assert till.wiring.store.state().epoch == 1
    till.close()
