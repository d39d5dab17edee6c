"""The seams around exactly-once sync (issue 12), with real tills on SQLite and a real head
office on PostgreSQL: restores, re-enrolment, transient database errors, clock steps, lost
cards learned late, many open receivables."""
from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import func, select

from db.cipher import connect_raw, store_key
from headoffice.db import create_ho_engine
from headoffice.models import CardRow, InboxRow, MemberAccountRow, ReceivableRow, SaleRow
from headoffice.service import HeadOffice
from pos_cli.main import main as pos_main
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.headoffice import SpendOutcome
from pos_app.services.cards import IdentityCheck
from pos_cli.sync import enrol_till, open_sync
from pos_app.sync.engine import sync_status
from pos_app.sync.ports import NotEnrolled, SyncError
from tests.headoffice.hq_rig import HqClock, LiveServer, enrol_till as hq_enrol, sale_event
from tests.store_support import STANDARD_GOODS, make_shop
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, make_till, reopen_till

pytestmark = pytest.mark.postgres


def _sales(hq: HeadOffice) -> int:
    with hq.sessions() as s:
        return s.scalar(select(func.count()).select_from(SaleRow))


def _balance(hq: HeadOffice, member: str) -> int:
    a = hq.account(member)
    return a["balance_paid_fen"] + a["balance_bonus_fen"]


# -- 1. a till restored from its own backup --------------------------------------------------

def _restore_scenario(hq: HeadOffice, live: LiveServer, tmp_path: Path, announced: bool):
    hq.import_members(HQ_MEMBERS)                          # 李娜: ¥100
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sync()
    till.sell(), till.sell()
    till.sync()
    backup = tmp_path / "backup.sqlite3"
    assert pos_main(["--data-dir", str(till.shop.data_dir), "backup", str(backup)]) == 0
    for _ in range(4):                                     # after the backup: lost with the disk
        till.sell()
    till.shop.services.members.top_up(till.shop.manager, "100002", 5_000, TenderKind.CASH)
    till.sync()
    assert (_sales(hq), _balance(hq, LI_NA)) == (6, 15_000)
    till.close()
    if announced:
        assert pos_main(["--data-dir", str(till.shop.data_dir), "restore", str(backup)]) == 0
    else:                                                  # copied back by hand, no notice
        key = store_key(till.shop.data_dir)
        src = connect_raw(backup, key)
        dst = connect_raw(till.shop.data_dir / "pos.sqlite3", key)
        src.backup(dst)
        src.close(), dst.close()
    till = reopen_till(till)
    for _ in range(4):                                     # the same seq numbers again
        till.sell()
    till.shop.services.members.top_up(till.shop.manager, "100002", 3_000, TenderKind.CASH)
    till.sync()
    till.sync()
    return till


def test_a_till_restored_with_pos_restore_loses_nothing_and_keeps_the_paid_top_up(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    till = _restore_scenario(hq, live, tmp_path, announced=True)
    assert _sales(hq) == 10                                # 2 + 4 before, 4 after the restore
    assert _balance(hq, LI_NA) == 18_000                   # ¥100 + ¥50 + ¥30: nothing wiped
    assert sum(till.account(LI_NA)[:2]) == 18_000          # nor on the till
    st = till.wiring.store.state()
    assert (st.backlog, st.refused) == (0, 0) and st.epoch == 2
    assert [f["detail"]["epoch"] for f in hq.flags("till_new_epoch")] == [2]
    assert hq.flags("event_refused") == []
    till.close()


def test_a_till_restored_without_notice_is_detected_moved_to_a_new_epoch_and_loses_nothing(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    till = _restore_scenario(hq, live, tmp_path, announced=False)
    assert (_sales(hq), _balance(hq, LI_NA)) == (10, 18_000)
    assert sum(till.account(LI_NA)[:2]) == 18_000
    st = till.wiring.store.state()
    assert (st.backlog, st.refused) == (0, 0) and st.epoch == 2
    [flag] = hq.flags("till_restored")
    assert flag["detail"]["announced"] is False
    assert hq.flags("event_refused") == []
    till.close()


# -- 2. transient database errors ------------------------------------------------------------

@pytest.fixture
def hq_locky(pg_url: str):
    """Head office with a short lock_timeout, so a held row lock fails a statement fast."""
    engine = create_ho_engine(pg_url, pool_size=4, lock_timeout_ms=300)
    ho = HeadOffice(engine, HqClock(), UuidV7Source())
    server = LiveServer(ho).start()
    yield ho, server
    server.stop()
    engine.dispose()


def test_a_lock_timeout_on_a_lost_card_report_is_retried_later_never_refused(
        hq_locky, pg_url: str, tmp_path: Path):
    hq, live = hq_locky
    hq.import_members(HQ_MEMBERS)
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sync()
    till.sell()                                            # pushed in the same batch
    till.shop.services.cards.report_lost(till.shop.manager, "100003",
                                         IdentityCheck("13800003333", manager_confirmed=True))
    with psycopg.connect(pg_url) as blocker:               # someone holds the card's row
        blocker.execute("SELECT 1 FROM cards WHERE card_no = '100003' FOR UPDATE")
        with pytest.raises(SyncError):
            till.sync()
        st = till.wiring.store.state()
        assert (st.backlog, st.refused) == (2, 0)           # nothing settled, nothing refused
        with hq.sessions() as s:
            assert s.scalars(select(InboxRow.kind)).all() == ["shift.opened"]
    till.sync()                                            # the lock is gone: applied
    with hq.sessions() as s:
        assert s.get(CardRow, "100003").status == "lost"
    assert _sales(hq) == 1
    assert hq.flags("bad_event") == [] and hq.flags("event_refused") == []
    assert till.wiring.store.state().backlog == 0
    till.close()


def test_a_lock_timeout_on_an_online_authorisation_never_loses_the_stored_value_sale(
        hq_locky, pg_url: str):
    hq, live = hq_locky
    hq.import_members(HQ_MEMBERS)
    key = hq_enrol(hq, live.url)
    who = hq.authenticate(key)
    auth = hq.authorise(who, LI_NA, "100002", 3_000, 0)
    assert auth.decision == "approved"
    ev = sale_event(1, member_id=LI_NA, card_no="100002", sv_fen=3_000, auth_id=auth.auth_id)
    with psycopg.connect(pg_url) as blocker:
        blocker.execute("SELECT 1 FROM authorisations FOR UPDATE")
        r = httpx.post(f"{live.url}/v1/sync/push", json={"events": [ev]},
                       headers={"X-Api-Key": key}, timeout=30)
        assert r.status_code == 503 and r.headers["Retry-After"]
    r = httpx.post(f"{live.url}/v1/sync/push", json={"events": [ev]},
                   headers={"X-Api-Key": key}, timeout=30).json()
    assert r["results"][0]["status"] == "applied"
    assert _balance(hq, LI_NA) == 7_000
    assert hq.flags("bad_event") == []


def test_connections_terminated_by_the_database_answer_retry_later_never_a_server_error(
        pg_url: str, pg_admin_dsn: str):
    # No pre-ping: a pooled connection the server killed fails in the middle of a request,
    # as it does when the kill lands between the ping and the query.
    from sqlalchemy import create_engine
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"),
                           pool_size=4)
    hq = HeadOffice(engine, HqClock(), UuidV7Source())
    live = LiveServer(hq).start()
    hq.import_members(HQ_MEMBERS)
    key = hq_enrol(hq, live.url)
    statuses = []
    for round_no in range(4):
        with psycopg.connect(pg_admin_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = %s AND pid <> pg_backend_pid()",
                          (pg_url.rpartition("/")[2],))
        for path, params in (("/v1/whoami", None), ("/v1/sync/pull", {"stream": "members"})):
            statuses.append(httpx.get(f"{live.url}{path}", params=params, timeout=30,
                                      headers={"X-Api-Key": key}).status_code)
        r = httpx.post(f"{live.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                       json={"events": [sale_event(round_no + 1)]})
        statuses.append(r.status_code)
    live.stop()
    engine.dispose()
    assert set(statuses) <= {200, 503} and 200 in statuses, statuses


# -- 3. revoke and enrol again -----------------------------------------------------------------

def test_a_revoked_till_enrolled_again_sends_its_whole_backlog_under_the_same_till(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    till = make_till(hq, live, tmp_path, "S001", "T01", push_batch=2)
    till.sell()
    till.sync()
    hq.revoke_till("S001", "T01")
    for _ in range(5):
        till.sell()
    with pytest.raises(NotEnrolled):
        till.sync()
    code = hq.add_till("S001", "T01")                      # was DuplicateTill: no way back
    reply = enrol_till(till.shop.data_dir, live.url, code)
    assert reply["epoch"] == 2
    till = reopen_till(till, push_batch=2)
    till.sync()
    assert _sales(hq) == 6                                 # past the first batch too
    with hq.sessions() as s:
        assert len(set(s.scalars(select(SaleRow.till_id)))) == 1
    st = till.wiring.store.state()
    assert (st.backlog, st.refused) == (0, 0)
    till.close()


def test_a_fresh_database_enrolled_as_an_existing_till_never_collides_with_its_history(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    old = make_till(hq, live, tmp_path, "S001", "T01")
    old.sell(), old.sell()
    old.sync()
    old.close()
    hq.revoke_till("S001", "T01")
    code = hq.add_till("S001", "T01")
    shop = make_shop(tmp_path / "replacement")             # a new PC, an empty database
    shop.products(STANDARD_GOODS)
    enrol_till(shop.data_dir, live.url, code)
    wiring = open_sync(shop.data_dir, clock=shop.clock)
    shop.services.shifts.open(shop.cashier, 50_000)
    s = shop.services.selling.new_session()
    s.add("REG100")
    s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], shop.cashier)
    wiring.engine.run_once()
    assert _sales(hq) == 3
    assert hq.flags("till_restored") == []                  # no collision to detect
    wiring.close()
    shop.uow.engine.dispose()


# -- 4. a till clock stepping backwards --------------------------------------------------------

def test_a_clock_stepped_back_after_a_sync_does_not_lift_the_offline_caps(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)                          # 王芳: ¥1,000; caps ¥500 / 3 uses
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sync()
    till.offline()
    till.shop.clock.at -= timedelta(days=1)                 # the clock steps back a day
    outcomes = [till.authoriser.authorise(WANG_FANG, "100003", 15_000, 0) for _ in range(6)]
    assert [o.outcome for o in outcomes] == [SpendOutcome.OFFLINE] * 3 + \
        [SpendOutcome.DECLINED] * 3
    assert outcomes[3].reason == "offline_uses_exhausted"
    assert sync_status(till.wiring.store, till.shop.clock).clock_behind
    till.close()


def test_head_office_flags_offline_spends_beyond_the_caps_whatever_the_till_says(
        hq: HeadOffice, live: LiveServer):
    hq.import_members(HQ_MEMBERS)
    key = hq_enrol(hq, live.url)
    events = [sale_event(i, member_id=WANG_FANG, card_no="100003", sv_fen=15_000)
              for i in range(1, 5)]                        # an old till: 4 × ¥150 offline
    r = httpx.post(f"{live.url}/v1/sync/push", json={"events": events},
                   headers={"X-Api-Key": key}, timeout=30).json()
    assert [x["status"] for x in r["results"]] == ["applied"] * 4
    [flag] = hq.flags("offline_cap_exceeded")
    assert flag["member_id"] == WANG_FANG and flag["detail"]["uses"] == 4
    hq.clock.at += timedelta(hours=80)                     # and one after 80 h without contact
    httpx.post(f"{live.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
               json={"events": [sale_event(5, member_id=WANG_FANG, card_no="100003",
                                           sv_fen=1_000)]})
    assert [f["detail"]["clock"] for f in hq.flags("offline_too_long")] == ["head office"]


def test_offline_caps_count_every_applied_spend_when_a_bad_event_sends_the_batch_event_by_event(
        hq: HeadOffice, live: LiveServer):
    """A batch that meets an event head office cannot apply runs again with a savepoint per
    event; the offline-cap check counts the spends the batch applied (kept by the ledger as
    it writes them, not read back), so the rolled-back event must not wipe the others."""
    hq.import_members(HQ_MEMBERS)
    key = hq_enrol(hq, live.url)
    events = [sale_event(i, member_id=WANG_FANG, card_no="100003", sv_fen=15_000)
              for i in range(1, 6)]                        # 5 × ¥150 offline
    events[2]["payload"]["sale"]["lines"] = 7              # not a list: cannot be applied
    r = httpx.post(f"{live.url}/v1/sync/push", json={"events": events},
                   headers={"X-Api-Key": key}, timeout=30).json()
    assert [x["status"] for x in r["results"]] == ["applied"] * 2 + ["refused"] + ["applied"] * 2
    assert r["results"][2]["reason"] == "invalid"          # refused by the event-by-event run
    [flag] = hq.flags("offline_cap_exceeded")
    assert flag["member_id"] == WANG_FANG
    assert (flag["detail"]["uses"], flag["detail"]["spent_fen"]) == (4, 60_000)


# -- 9. a lost card still earning points at a till that has not pulled ----------------------

def test_points_earned_on_a_card_lost_elsewhere_are_flagged_at_head_office(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    c = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), c.sync()
    c.offline()
    a.shop.services.cards.report_lost(a.shop.manager, "100003",
                                      IdentityCheck("13800003333", manager_confirmed=True))
    a.sync()
    c.sell("100003")                                       # cash, earns points
    c.online()
    c.sync()
    [flag] = hq.flags("earned_after_block")
    assert flag["card_no"] == "100003" and flag["detail"]["card_status"] == "lost"
    a.close(), c.close()


# -- 10. many open receivables ---------------------------------------------------------------

def test_an_overdraft_neither_reads_nor_locks_the_members_other_open_receivables(
        hq_locky, pg_url: str):
    hq, live = hq_locky
    hq.import_members(HQ_MEMBERS)                          # 李娜: ¥100
    key = hq_enrol(hq, live.url)
    with hq.sessions() as s:                               # 2,000 open, ¥1 each
        s.add_all([ReceivableRow(member_id=LI_NA, shop_id=None, event_id=str(uuid.uuid4()),
                                 amount_fen=100, recovered_fen=0, created_at=hq.clock())
                   for _ in range(2_000)])
        s.get(MemberAccountRow, LI_NA).receivable_fen = 200_000
        s.commit()
        oldest = s.scalar(select(func.min(ReceivableRow.id)))
    with psycopg.connect(pg_url) as blocker:               # a recovery elsewhere holds one
        blocker.execute("SELECT 1 FROM receivables WHERE id = %s FOR UPDATE", (oldest,))
        r = httpx.post(f"{live.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                       json={"events": [sale_event(1, member_id=LI_NA, card_no="100002",
                                                   sv_fen=15_000)]})
        assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied"
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ReceivableRow)) == 2_001
    # A top-up recovers oldest first and reads only as many as it pays back.
    r = httpx.post(f"{live.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                   json={"events": [{"id": str(uuid.uuid4()), "device_seq": 2,
                                     "kind": "stored_value.topup",
                                     "payload": {"member_id": LI_NA, "paid_fen": 5_250,
                                                 "bonus_fen": 0, "card_no": "100002"}}]})
    assert r.json()["results"][0]["status"] == "applied", r.text
    with hq.sessions() as s:
        recovered = s.scalars(select(ReceivableRow.id).where(
            ReceivableRow.recovered_fen > 0).order_by(ReceivableRow.id)).all()
    assert recovered[0] == oldest and len(recovered) == 50   # ¥50 pays back the 50 oldest
    assert hq.account(LI_NA)["receivable_fen"] == 200_000
