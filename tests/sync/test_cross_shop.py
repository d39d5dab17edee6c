"""Cards and balances across shops: offline double spends, lost cards, clock skew, settlement."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.models import SaleRow, StoredValueEntryRow
from headoffice.service import HeadOffice
from headoffice.settlement import export_xlsx, settle
from pos_app.domain.errors import CardBlocked
from pos_app.domain.tenders import TenderKind
from pos_app.ports.headoffice import SpendOutcome
from pos_app.services.cards import IdentityCheck
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import (
    HQ_MEMBERS,
    LI_NA,
    NOON,
    WANG_FANG,
    ZHANG_WEI,
    TillRig,
    make_till,
)

pytestmark = pytest.mark.postgres


def test_two_tills_spending_one_card_offline_leave_a_receivable_the_next_top_up_recovers(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)                     # 李娜: ¥100 on the card
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), b.sync()
    a.offline(), b.offline()
    for till in (a, b):
        decision = till.authoriser.authorise(LI_NA, "100002", 8_000, 0)
        assert decision.outcome is SpendOutcome.OFFLINE
        assert decision.allowance_left_fen == 2_000
        till.sell("100002", sv_fen=8_000)             # ¥88 at Gold price: ¥80 + ¥8 cash
    a.online(), b.online()
    a.sync(), b.sync()
    acct = hq.account(LI_NA)
    assert acct["balance_paid_fen"] + acct["balance_bonus_fen"] == -6_000
    assert acct["receivable_fen"] == 6_000
    [open_receivable] = hq.receivables()
    assert open_receivable["amount_fen"] == 6_000
    assert any(f["kind"] == "overdraft" and f["member_id"] == LI_NA for f in hq.flags())
    a.sync()
    assert sum(a.account(LI_NA)[:2]) == -6_000        # the till learns the chain's balance
    a.shop.services.members.top_up(a.shop.manager, "100002", 10_000, TenderKind.CASH)
    a.sync(), b.sync()
    acct = hq.account(LI_NA)
    assert acct["balance_paid_fen"] + acct["balance_bonus_fen"] == 4_000
    assert acct["receivable_fen"] == 0 and hq.receivables() == []
    assert sum(b.account(LI_NA)[:2]) == 4_000
    assert sum(a.account(LI_NA)[:2]) == 4_000


def test_a_card_lost_at_one_shop_is_refused_online_after_one_pull_and_offline_only_within_allowance(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)                     # 王芳: ¥1,000 on card 100003
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    c = make_till(hq, live, tmp_path, "S003", "T01")
    for till in (a, b, c):
        till.sync()
    c.offline()                                       # shop C lost its line before the report
    a.shop.services.cards.report_lost(a.shop.manager, "100003",
                                      IdentityCheck("13800003333", manager_confirmed=True))
    a.sync()
    b.sync()                                          # one pull interval
    with pytest.raises(CardBlocked):
        b.shop.services.selling.new_session().attach_card("100003")
    assert b.authoriser.authorise(WANG_FANG, "100003", 1_000, 0).reason == "card_lost"
    # Offline C does not know yet: the allowance (¥500 cap) bounds what it can accept.
    for _ in range(2):
        assert c.authoriser.authorise(WANG_FANG, "100003", 15_000, 0).outcome is \
            SpendOutcome.OFFLINE
        c.sell("100003", sv_fen=15_000, sku="REG100", qty=2)   # Diamond: 2 × ¥80
    refused = c.authoriser.authorise(WANG_FANG, "100003", 30_000, 0)
    assert refused.outcome is SpendOutcome.DECLINED
    assert refused.reason == "offline_allowance_exceeded" and refused.allowance_left_fen == 20_000
    c.online()
    c.sync()
    with hq.sessions() as s:
        flagged = s.scalars(select(StoredValueEntryRow.flagged).where(
            StoredValueEntryRow.member_id == WANG_FANG, StoredValueEntryRow.kind == "spend")).all()
    assert flagged == ["after_block", "after_block"]
    assert len([f for f in hq.flags("spent_after_block") if f["card_no"] == "100003"]) == 2
    with pytest.raises(CardBlocked):                  # and C now refuses it too
        c.shop.services.selling.new_session().attach_card("100003")


def test_a_card_lost_then_unblocked_at_one_shop_follows_at_another_as_the_machine_says(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)                     # 王芳: card 100003
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    for till in (a, b):
        till.sync()

    def status_at(till: TillRig) -> str:
        with till.shop.uow() as uow:
            return uow.cards.find_card("100003").status.value

    who = IdentityCheck("13800003333", manager_confirmed=True)
    a.shop.services.cards.report_lost(a.shop.manager, "100003", who)
    a.sync()
    b.sync()
    assert status_at(b) == "lost"                     # a forward move: taken at once
    a.shop.services.cards.unblock(a.shop.manager, "100003", who)
    a.sync()
    b.sync()
    assert status_at(b) == "active"                   # 解挂: head office's newer word
    b.sync()
    assert (status_at(a), status_at(b)) == ("active", "active")


def test_till_clocks_three_days_off_change_neither_order_nor_cursors_nor_settlement(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    hq.clock.at = NOON.replace(day=20)
    ahead = make_till(hq, live, tmp_path, "S001", "T01", at=NOON + timedelta(days=3))
    behind = make_till(hq, live, tmp_path, "S002", "T01", at=NOON - timedelta(days=3))
    ahead.sync(), behind.sync()
    ahead.shop.services.members.top_up(ahead.shop.manager, "100001", 20_000, TenderKind.CASH)
    ahead.sync()
    behind.sync()
    for _ in range(3):
        behind.sell("100001", sv_fen=5_000)            # spent at S002, paid in at S001
    behind.sync()
    ahead.sync()
    with hq.sessions() as s:
        sales = s.execute(select(SaleRow.client_at, SaleRow.booked_at)).all()
    assert {c.date() for c, _ in sales} == {(NOON - timedelta(days=3)).date()}
    assert {bk for _, bk in sales} == {hq.clock.at}   # booked on head office's clock
    hq.clock.at = NOON.replace(month=12, day=1, hour=3)
    doc = settle(hq, "2026-11")
    assert doc["shops"]["S001"]["topup_paid_fen"] == 20_000
    assert doc["shops"]["S002"]["spent_paid_fen"] == 15_000
    assert doc["net"] == [{"from": "S001", "to": "S002", "amount_fen": 15_000}]
    assert settle(hq, "2026-11") == doc               # immutable: asked again, same document
    export_xlsx(doc, tmp_path / "settlement.xlsx")
    from openpyxl import load_workbook
    wb = load_workbook(tmp_path / "settlement.xlsx")
    assert wb["净额 Net"]["C2"].value == 150
    assert ahead.account(ZHANG_WEI)[0] == 5_000


def test_the_shop_exposure_cap_from_head_office_bounds_offline_spending_across_cards(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    hq.import_members(HQ_MEMBERS)
    hq.put_document("settings", "offline_limits", {**hq.limits(), "shop_exposure_fen": 10_000})
    a = make_till(hq, live, tmp_path, "S001", "T01")
    a.sync()
    a.offline()
    assert a.authoriser.authorise(LI_NA, "100002", 8_000, 0).outcome is SpendOutcome.OFFLINE
    refused = a.authoriser.authorise(WANG_FANG, "100003", 5_000, 0)
    assert (refused.outcome, refused.reason) == (SpendOutcome.DECLINED, "shop_exposure_exceeded")
    calls = len(a.faults.log)
    assert a.authoriser.authorise(WANG_FANG, "100003", 2_000, 0).outcome is SpendOutcome.OFFLINE
    assert len(a.faults.log) == calls                   # no second wait on a dead line
    a.online()
    a.shop.clock.at += timedelta(minutes=1)
    a.sync()                                # contact resets the period and the next payment
    assert a.authoriser.authorise(WANG_FANG, "100003", 5_000, 0).outcome is \
        SpendOutcome.APPROVED                           # asks head office again
