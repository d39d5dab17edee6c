"""The embedded default: head office on a SQLite file (what `pos-hq serve` uses with no
setup) serves a till end to end."""
from __future__ import annotations

from pathlib import Path

from headoffice.db import create_ho_engine
from headoffice.ledger import ledger_check
from headoffice.migrate import upgrade
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import HqClock, LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, make_till


def test_a_till_syncs_with_a_head_office_on_sqlite(tmp_path: Path):
    engine = create_ho_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    upgrade(engine)
    hq = HeadOffice(engine, HqClock())
    hq.import_members(HQ_MEMBERS)
    live = LiveServer(hq).start()
    try:
        a = make_till(hq, live, tmp_path, "S001", "T01")
        b = make_till(hq, live, tmp_path, "S002", "T01")
        a.sync(), b.sync()
        a.sell("100002", sv_fen=5_000)
        a.offline()
        b.sell("100002", sv_fen=5_000)
        b.sync()
        a.online()
        a.sync()
        a.sync()
        assert hq.account(LI_NA)["balance_paid_fen"] == 0
        assert sum(a.account(LI_NA)[:2]) == 0 and a.wiring.store.backlog() == 0
        with hq.sessions() as s:
            assert ledger_check(s, LI_NA)
        a.close(), b.close()
    finally:
        live.stop()
        engine.dispose()
