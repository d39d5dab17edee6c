"""Points earned on a card head office already knew was blocked (a till learned it late):
the rule set's `points_after_block` flags them (default) or reverses them at head office,
and after the next pull the till's statement and head office's agree to the point.
Two real tills on SQLite, head office on PostgreSQL."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from headoffice.models import PointsEntryRow
from headoffice.service import HeadOffice
from pos_app.domain.rules import default_rule_set
from pos_app.services.cards import IdentityCheck
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, WANG_FANG, make_till

pytestmark = pytest.mark.postgres


def _hq_statement(hq: HeadOffice, member_id: str) -> tuple[int, int]:
    with hq.sessions() as s:
        sp, acc = s.execute(select(func.sum(PointsEntryRow.spendable_delta),
                                   func.sum(PointsEntryRow.accumulated_delta))
                            .where(PointsEntryRow.member_id == member_id)).one()
    a = hq.account(member_id)
    assert (a["spendable_points"], a["accumulated_points"]) == (sp, acc)   # sums = balance
    return int(sp), int(acc)


def _lost_card_sale(hq: HeadOffice, live: LiveServer, tmp_path: Path, policy: str | None):
    hq.import_members(HQ_MEMBERS)                          # 王芳: 1,200 points, 9,000 acc.
    if policy is not None:
        rules = replace(default_rule_set(), version=7, points_after_block=policy)
        hq.put_document("rule_sets", "7", {"effective_from": "2026-01-01T00:00:00",
                                           "rules": json.loads(rules.to_json())})
    a = make_till(hq, live, tmp_path, "S001", "T01")
    c = make_till(hq, live, tmp_path, "S002", "T01")
    a.sync(), c.sync()
    c.offline()
    a.shop.services.cards.report_lost(a.shop.manager, "100003",
                                      IdentityCheck("13800003333", manager_confirmed=True))
    a.sync()
    c.sell("100003", qty=3)                                # ¥300 cash: earns points at c
    earned = c.account(WANG_FANG)[2] - 1_200
    assert earned > 0
    c.online()
    c.sync()                                               # push, then pull the balance
    a.sync()
    return a, c, earned


def test_reverse_takes_the_points_back_at_head_office_and_the_till_agrees_after_its_pull(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    a, c, earned = _lost_card_sale(hq, live, tmp_path, "reverse")
    [flag] = hq.flags("earned_after_block")
    assert flag["detail"]["action"] == "reversed"
    with hq.sessions() as s:
        [(kind, sp, flagged)] = s.execute(
            select(PointsEntryRow.kind, PointsEntryRow.spendable_delta, PointsEntryRow.flagged)
            .where(PointsEntryRow.member_id == WANG_FANG, PointsEntryRow.spendable_delta < 0)
        ).all()
    assert (kind, sp, flagged) == ("adjustment", -earned, "after_block")
    sp, acc = _hq_statement(hq, WANG_FANG)
    assert (sp, acc) == (1_200, 9_000)                     # nothing earned on the lost card
    for till in (c, a):                                    # cached = the till's own ledger sums
        assert till.account(WANG_FANG)[2:] == (sp, acc)
    a.close(), c.close()


def test_flag_keeps_the_points_and_both_sides_still_agree(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    a, c, earned = _lost_card_sale(hq, live, tmp_path, None)   # the default: flag
    [flag] = hq.flags("earned_after_block")
    assert flag["detail"]["action"] == "flagged"
    sp, acc = _hq_statement(hq, WANG_FANG)
    assert sp == 1_200 + earned
    for till in (c, a):
        assert till.account(WANG_FANG)[2:] == (sp, acc)
    a.close(), c.close()
