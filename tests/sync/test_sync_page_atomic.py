"""A page and its cursor land in one transaction: a crash while applying leaves neither, and
pulling again gives exactly the state of a till that never crashed."""
from __future__ import annotations

from pathlib import Path

import pytest

from db.store import DB_FILE
from db.sync_store import SqlSyncStore
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, make_till
from tests.store_support import store_db

pytestmark = pytest.mark.postgres


def _state(data_dir: Path) -> tuple:
    db = store_db(data_dir / DB_FILE)
    try:
        return (db.execute("SELECT id, name, mobile_hash, balance_paid_fen, spendable_points "
                           "FROM members ORDER BY id").fetchall(),
                db.execute("SELECT card_no, member_id, status FROM cards ORDER BY card_no"
                           ).fetchall(),
                db.execute("SELECT member_id, kind, paid_delta_fen FROM stored_value_entries "
                           "ORDER BY member_id").fetchall(),
                db.execute("SELECT stream, cursor FROM sync_cursors ORDER BY stream").fetchall())
    finally:
        db.close()


def test_a_crash_while_applying_a_page_changes_nothing_and_a_re_pull_matches(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    hq.import_members(HQ_MEMBERS + [{"name": f"会员{i}", "mobile": f"137{i:08d}",
                                     "card_no": f"7{i:06d}", "paid_fen": 100 + i}
                                    for i in range(30)])
    clean = make_till(hq, live, tmp_path, "S001", "T01")
    clean.wiring.engine.pull_page = 7
    clean.sync()
    crashy = make_till(hq, live, tmp_path, "S001", "T02")
    crashy.wiring.engine.pull_page = 7
    real = SqlSyncStore._cards
    calls = {"n": 0}

    def dies_on_the_third_cards_page(self, s, states, at):
        calls["n"] += 1
        real(self, s, states, at)            # rows written inside the transaction...
        if calls["n"] == 3:
            raise OSError("power cut")       # ...then the process 'dies' before commit
    monkeypatch.setattr(SqlSyncStore, "_cards", dies_on_the_third_cards_page)
    with pytest.raises(OSError):
        crashy.sync()
    cards_cursor = dict(_state(crashy.shop.data_dir)[3])["cards"]
    n_cards = len(_state(crashy.shop.data_dir)[1])
    assert n_cards == 14                     # two whole pages, nothing of the third
    assert cards_cursor != ""
    monkeypatch.setattr(SqlSyncStore, "_cards", real)
    crashy.sync()
    clean.sync()    # head office published the crashy till's card-key certificate meanwhile
    a, b = _state(clean.shop.data_dir), _state(crashy.shop.data_dir)
    assert a[0] == b[0] and a[1] == b[1] and sorted(a[2]) == sorted(b[2]) and a[3] == b[3]
