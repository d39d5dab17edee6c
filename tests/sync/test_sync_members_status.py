"""Members registered at one shop reach the others; field-level LWW by HLC; online spend
authorisation; the status snapshot the status bar shows."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.models import AuthorisationRow, MemberRow, StoredValueEntryRow
from headoffice.push import PushedEvent
from headoffice.service import HeadOffice
from pos_app.domain.rules import default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.ports.headoffice import SpendOutcome
from pos_app.services.cards import CardBinding, MemberForm
from pos_app.sync.engine import sync_status
from pos_app.sync.events import hlc_pack
from pos_app.sync.ports import HeadOfficeUnreachable
from pos_app.sync.worker import SyncWorker
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, make_till

pytestmark = pytest.mark.postgres


def test_a_member_registered_at_one_shop_is_known_at_the_others_after_a_sync(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), b.sync()
    a.shop.services.cards.register(a.shop.manager,
                                   MemberForm("赵敏", "13900009999", referrer_card_no="100003"),
                                   CardBinding("200001"))
    a.sync()
    b.sync()
    with b.shop.uow() as uow:
        card = uow.cards.find_card("200001")
        assert card is not None and card.status.value == "active"
        member = uow.accounts.find_account(card.member_id)
        # Shop B keeps the reduced form and finds the member by the full number offline.
        assert member.name == "赵敏" and member.mobile == "139****9999"
        assert uow.accounts.find_by_mobile("13900009999").id == member.id
    # whatever the referral gave the referrer at shop A, head office and shop B agree
    assert b.account(WANG_FANG)[2:] == a.account(WANG_FANG)[2:]
    assert hq.account(WANG_FANG)["spendable_points"] == a.account(WANG_FANG)[2]


def test_member_edits_merge_field_by_field_by_hlc_in_any_arrival_order(hq: HeadOffice):
    hq.add_shop("S001", "一店")
    a = hq.enrol(hq.add_till("S001", "T01")).identity
    b = hq.enrol(hq.add_till("S001", "T02")).identity
    t0 = 1_795_800_000_000    # 2026-11-27, the day before head office's test clock
    # A's clock runs three days ahead: its stamp is later, so its name wins; B's mobile edit
    # is the only one on that field; an exact HLC tie goes to the larger till id.
    edits = [(a, {"name": "王芳芳"}, hlc_pack(t0 + 3 * 86_400_000, 0)),
             (b, {"name": "王小芳", "mobile": "13911112222"}, hlc_pack(t0, 5)),
             (a, {"gender": "F"}, hlc_pack(t0, 7)),
             (b, {"gender": "M"}, hlc_pack(t0, 7))]
    seqs = {a.till_id: 0, b.till_id: 0}
    finals = []
    for order in ([0, 1, 2, 3], [3, 1, 2, 0], [1, 3, 0, 2]):
        member_id = str(uuid.uuid4())
        hq.import_members([{"id": member_id, "name": "王芳", "mobile": "13800003333"}])
        for i in order:
            who, fields, stamp = edits[i]
            seqs[who.till_id] += 1
            hq.push(who, [PushedEvent(str(uuid.uuid4()), seqs[who.till_id], "member.updated",
                                      {"member_id": member_id, "fields": fields,
                                       "hlc": stamp})])
        with hq.sessions() as s:
            m = s.get(MemberRow, member_id)
            finals.append((m.name, m.mobile, m.gender))
    winner_gender = "M" if b.till_id > a.till_id else "F"
    assert finals == [("王芳芳", "13911112222", winner_gender)] * 3


def test_online_spends_are_authorised_and_held_and_the_sale_consumes_the_hold(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)                      # 李娜: ¥100
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    ok = a.authoriser.authorise(LI_NA, "100002", 8_000, 0)
    assert ok.outcome is SpendOutcome.APPROVED and ok.auth_id
    # the hold counts: another ¥80 elsewhere is declined while this one is open
    again = a.authoriser.authorise(LI_NA, "100002", 8_000, 0)
    assert (again.outcome, again.reason) == (SpendOutcome.DECLINED, "insufficient_balance")
    s = a.shop.services.selling.new_session()
    s.add("REG100")
    s.attach_card("100002")
    s.complete([TenderInput(TenderKind.STORED_VALUE, 8_000, reference=ok.auth_id),
                TenderInput(TenderKind.CASH, 800)], a.cashier)
    a.sync()
    with hq.sessions() as sess:
        entry = sess.execute(select(StoredValueEntryRow).where(
            StoredValueEntryRow.kind == "spend")).scalar_one()
        assert (entry.offline, entry.auth_id) == (False, ok.auth_id)
        assert sess.get(AuthorisationRow, ok.auth_id).consumed_by is not None



def test_a_withdrawal_uses_up_its_online_authorisation_as_a_sale_does(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    """取款 is authorised online like every stored-value spend; when its event is booked,
    head office marks the authorisation used: its hold is released at once, and the same
    authorisation covers no second withdrawal (that one is booked, as the fact it is, but
    without it: offline)."""
    hq.import_members(HQ_MEMBERS)                      # 王芳: ¥1,000 paid-in, no PIN
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    a.shop.services.selling.authoriser = a.authoriser
    slip = a.shop.services.members.refund_balance(a.shop.manager, "100003", 15_000)
    assert slip.reference and slip.reference != "offline"
    with hq.sessions() as sess:
        assert sess.get(AuthorisationRow, slip.reference).consumed_by is None   # held
    a.sync()
    with a.shop.uow() as uow:
        from sqlalchemy import text
        event_id, payload = uow.session.execute(text(
            "SELECT id, payload FROM outbox WHERE kind = 'stored_value.refund_balance'"
        )).one()
    with hq.sessions() as sess:
        assert sess.get(AuthorisationRow, slip.reference).consumed_by == event_id
        entry = sess.execute(select(StoredValueEntryRow).where(
            StoredValueEntryRow.event_id == event_id,
            StoredValueEntryRow.kind == "refund_balance")).scalar_one()
        assert (entry.offline, entry.auth_id) == (False, slip.reference)
    # The hold is gone with the withdrawal booked: the whole ¥850 left can be authorised
    # (with the used authorisation still held, only ¥700 could).
    assert hq.account(WANG_FANG)["balance_paid_fen"] == 85_000
    whole = a.authoriser.authorise(WANG_FANG, "100003", 85_000, 0)
    assert whole.outcome is SpendOutcome.APPROVED
    # A second withdrawal naming the same authorisation (another till replaying its mark)
    # is booked without it.
    other = hq.enrol(hq.add_till("S001", "T02")).identity
    again = {**json.loads(payload), "entry_id": str(uuid.uuid4())}
    second = str(uuid.uuid4())
    assert hq.push(other, [PushedEvent(second, 1, "stored_value.refund_balance", again)]
                   ).results[0]["status"] == "applied"
    with hq.sessions() as sess:
        assert sess.get(AuthorisationRow, slip.reference).consumed_by == event_id
        entry = sess.execute(select(StoredValueEntryRow).where(
            StoredValueEntryRow.event_id == second,
            StoredValueEntryRow.kind == "refund_balance")).scalar_one()
        assert (entry.offline, entry.auth_id) == (True, None)

def test_the_status_snapshot_shows_offline_backlog_and_a_too_long_offline_warning(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    st = sync_status(a.wiring.store, a.shop.clock)
    assert st.online and st.backlog == 0 and st.last_success_at == a.shop.clock.now()
    a.offline()
    for _ in range(3):
        a.sell()
    with pytest.raises(HeadOfficeUnreachable):
        a.sync()
    st = sync_status(a.wiring.store, a.shop.clock)
    assert (st.online, st.backlog, st.offline_since) == (False, 3, a.shop.clock.now())
    assert "unreachable" in st.last_error and not st.offline_too_long
    a.shop.clock.at = a.shop.clock.at + timedelta(hours=73)
    st = sync_status(a.wiring.store, a.shop.clock)
    assert st.offline_too_long
    late = a.authoriser.authorise(WANG_FANG, "100003", 1_000, 0)
    assert (late.outcome, late.reason) == (SpendOutcome.DECLINED, "offline_too_long")
    a.online()
    a.sync()
    st = sync_status(a.wiring.store, a.shop.clock)
    assert st.online and st.backlog == 0 and not st.offline_too_long


def test_head_office_catalog_prices_promotions_rule_sets_and_limits_reach_the_till(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    a = make_till(hq, live, tmp_path, "S001", "T01")
    hq.put_document("catalog", "TEA1", {"sku": "TEA1", "name": "龙井茶", "price_fen": 12_800,
                                        "kind": "regular", "barcodes": ["6900000000990"]})
    hq.put_document("promotions", "TEA1", {"sku": "TEA1", "rate_bp": 9_000,
                                           "start": "2026-11-01", "end": "2026-12-31"})
    rules = replace(default_rule_set(), version=7)
    hq.put_document("rule_sets", "7", {"effective_from": "2026-11-01T00:00:00",
                                       "rules": json.loads(rules.to_json())})
    hq.put_document("settings", "offline_limits", {**hq.limits(), "card_cap_fen": 30_000})
    a.sync()
    product = a.shop.services.selling.get_product("6900000000990")
    assert (product.sku, product.price_fen) == ("TEA1", 12_800)
    with a.shop.uow() as uow:
        assert uow.rules.current(a.shop.clock.now()).version == 7
    assert a.wiring.store.state().limits["card_cap_fen"] == 30_000
    hq.put_document("prices", "TEA1", {"sku": "TEA1", "price_fen": 9_900})
    a.sync()
    tea = a.shop.services.selling.get_product("TEA1")
    assert (tea.price_fen, tea.promo_rate_bp) == (9_900, 9_000)


def test_the_worker_thread_syncs_in_the_background_and_stops_cleanly(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    worker = SyncWorker(a.wiring.engine, interval_s=60)
    worker.start()
    a.sell("100002")
    worker.wake()
    deadline = time.monotonic() + 15
    while a.wiring.store.backlog() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert a.wiring.store.backlog() == 0
    worker.stop()
    assert sync_status(a.wiring.store, a.shop.clock).online
