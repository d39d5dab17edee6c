"""Issue 16 on the issue-11 ledger machine: the same two real tills (SQLite) and real head
office (PostgreSQL, going offline for periods), with promotions in force (member day, 满减,
multi-buy, points multiplier), coupons issued by head office and redeemed at the tills —
including one coupon redeemed at both tills while both are offline — and months passing with
the points- and coupon-expiry jobs at head office and at the tills.

Every invariant of LedgerMachine holds after every step (the tills' statements are head
office's line by line, balances are the sums, money out never exceeds money in, bonus never
leaves as cash, whole returns leave nothing behind), and more:
- after a sync every coupon has one state everywhere (head office and both tills), and head
  office never holds two live redemptions of one coupon: a second one from an offline till is
  booked as double_redeemed and flagged; nothing is left unconfirmed at a till;
- a sale that used a coupon, returned in full while the coupon is valid, gives it back;
- the expiry jobs are idempotent at head office and at the tills.

CI runs a small size (PROMO_MACHINE_EXAMPLES, default 2 examples of up to 8 steps); the larger
run is noted in the report."""
from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, precondition, rule

from headoffice.promotions import MemberFilter
from headoffice.service import HeadOffice
from pos_app.domain.coupons import (
    CouponEntryKind,
    CouponStatus,
    coupon_state,
)
from pos_app.domain.rules import RuleSet
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.headoffice.hq_rig import LiveServer
from tests.store_support import STANDARD_COUPON_TEMPLATE, STANDARD_PROMOTIONS
from tests.sync.ledger_machine import RULES, LedgerMachine, baskets, run_ledger_machine

pytestmark = pytest.mark.postgres

EXAMPLES = int(os.environ.get("PROMO_MACHINE_EXAMPLES", "2"))
STEPS = int(os.environ.get("PROMO_MACHINE_STEPS", "8"))


class PromotionsLedgerMachine(LedgerMachine):
    RULES: ClassVar[RuleSet] = RULES.with_changes(points_expiry="months",
                                                  points_expiry_months=1)
    # The tills' own expiry entries are booked apart from their events (head office runs
    # the same job itself); balances still agree after every sync.
    TILL_ONLY_KINDS: ClassVar[tuple[str, ...]] = (*LedgerMachine.TILL_ONLY_KINDS, "expiry")

    @initialize(tier=st.sampled_from(["regular", "gold", "diamond"]),
                paid=st.integers(0, 3_000).map(lambda y: y * 100),
                points=st.integers(0, 2_500))
    def start(self, tier: str, paid: int, points: int) -> None:
        """As LedgerMachine's start, then a coupon from head office used on a sale, so each
        example redeems (and syncs) a coupon whatever the random steps turn out to be."""
        LedgerMachine.start(self, tier, paid, points)
        self.head_office_issues_a_coupon()
        self.sale_with_a_coupon(1, [("WATER", 2)], False)

    # -- helpers -----------------------------------------------------------------------------
    def codes(self) -> list[str]:
        with self.till(0).shop.uow() as uow:
            held = uow.promotions.coupons_of(self.member_id)
        return sorted(c.code for c, _t, _s in held)

    def usable_at(self, i: int) -> list[str]:
        t = self.till(i)
        s = t.shop.services.selling.new_session()
        view = self.attempt(lambda: s.attach_card(self.card), "card attached")
        return [c.code for c in view.coupons] if view is not None else []

    def sell_with_coupon(self, i: int, basket: list[tuple[str, int]], code: str) -> Any:
        t = self.till(i)
        s = t.shop.services.selling.new_session()
        if self.attempt(lambda: s.attach_card(self.card), "card attached") is None:
            return None
        for sku, qty in basket:
            s.add(f"{qty}*{sku}")
        if self.attempt(lambda: s.apply_coupon(code), "coupon applied") is None:
            return None
        total = s.view().total_fen
        sale = self.attempt(lambda: s.complete([TenderInput(TenderKind.CASH, total)]
                                               if total else [], t.cashier),
                            "coupon sale completed")
        if sale is not None:
            self.sales.append((i % len(self.tills), sale.receipt_no))
        return sale

    # -- rules -------------------------------------------------------------------------------
    @precondition(lambda self: not self.closed)
    @rule()
    def head_office_issues_a_coupon(self) -> None:
        self.attempt(lambda: self.hq.issue_coupons(
            "T10", MemberFilter(member_ids=frozenset({self.member_id}))), "coupon issued")
        self.sync_all()

    @rule(i=st.integers(0, 1), basket=baskets(), whole_return=st.booleans())
    def sale_with_a_coupon(self, i, basket, whole_return) -> None:
        usable = self.usable_at(i)
        if not usable:
            return
        code = usable[0]
        sale = self.sell_with_coupon(i, [*basket, ("REG100", 1)], code)
        if sale is None or not whole_return:
            return
        t = self.till(i)
        if self.attempt(lambda: t.shop.services.returns.return_items(
                sale.receipt_no, None, t.cashier, t.shop.manager), "coupon sale returned") \
                is None:
            return
        with t.shop.uow() as uow:
            coupon, _tpl, state = uow.promotions.find_coupon(code)
        valid = coupon.valid_until is None or t.shop.clock.now() < coupon.valid_until
        # returned while valid: the coupon is back; else it stays used (never cash)
        assert (state.status is CouponStatus.AVAILABLE) == valid, (code, state)

    @precondition(lambda self: self.online_now and not self.closed)
    @rule(basket=baskets())
    def one_coupon_at_two_offline_tills(self, basket) -> None:
        """Both tills offline, each takes the same coupon; back online, head office books it
        once and flags the second as double_redeemed."""
        usable = [c for c in self.usable_at(0) if c in self.usable_at(1)]
        if not usable:
            return
        code = usable[0]
        flagged = len(self.hq.flags("coupon_double_use"))
        for t in self.tills:
            t.offline()
        self.online_now = False
        sales = [self.sell_with_coupon(i, [*basket, ("REG100", 1)], code)
                 for i in range(len(self.tills))]
        self.head_office_comes_back()
        _coupon, entries = self.hq.coupon(code)
        kinds = [e.kind for e in entries]
        if all(s is not None for s in sales):
            assert kinds.count(CouponEntryKind.DOUBLE_REDEEMED) >= 1, kinds
            assert len(self.hq.flags("coupon_double_use")) > flagged
            self.done["coupon redeemed at two offline tills"] += 1

    @rule(days=st.sampled_from([1, 11, 32]))
    def days_pass_and_the_expiry_jobs_run(self, days) -> None:
        """The clocks move on; head office's daily job and each till's run (twice: the
        second books nothing)."""
        for t in self.tills:
            t.shop.clock.at += timedelta(days=days)
        self.hq.clock.at += timedelta(days=days)
        today = self.hq.clock.at.date()
        self.done[f"{days} days passed"] += 1
        first = self.hq.run_daily_jobs(today)
        again = self.hq.run_daily_jobs(today)
        assert (again["points_expired"], again["coupons_expired"], again["passes_expired"]) \
            == (0, 0, 0), \
            again
        for t in self.tills:
            run = t.shop.services.expiry.run(today)
            assert t.shop.services.expiry.run(today) == type(run)(0, 0, 0)
            if run.points:
                self.done["points expired at a till"] += 1
        if first.get("points_expired"):
            self.done["points expired at head office"] += 1
        self.sync_all()

    # -- invariants --------------------------------------------------------------------------
    @invariant()
    def coupons_agree(self) -> None:
        if not self.online_now:
            return
        self.sync_all()
        for code in self.codes():
            _coupon, entries = self.hq.coupon(code)
            at_hq = coupon_state(code, entries)
            # sales holding the coupon: redeemed and not returned (never two at once)
            live = {e.sale_id for e in entries if e.kind is CouponEntryKind.REDEEMED} \
                - {e.sale_id for e in entries if e.kind is CouponEntryKind.RETURNED}
            assert len(live) <= 1, (code, [(e.kind, e.sale_id) for e in entries])
            assert (at_hq.status is CouponStatus.REDEEMED) == bool(live), (code, at_hq)
            for t in self.tills:
                with t.shop.uow() as uow:
                    found = uow.promotions.find_coupon(code)
                    assert uow.promotions.unconfirmed_redemptions_fen() == 0
                assert found is not None and found[2].status is at_hq.status, (
                    code, found[2] if found else None, at_hq)


def test_promotions_coupons_and_expiry_keep_the_ledgers_agreeing(
        hq: HeadOffice, live: LiveServer, tmp_path: Path):
    rules = PromotionsLedgerMachine.RULES
    hq.put_document("rule_sets", str(rules.version),
                    {"effective_from": "2026-01-01T00:00:00",
                     "rules": json.loads(rules.to_json())})
    for p in STANDARD_PROMOTIONS:
        hq.publish_promotion(p)
    hq.publish_coupon_template(STANDARD_COUPON_TEMPLATE)
    done = run_ledger_machine(PromotionsLedgerMachine, hq, live, tmp_path, EXAMPLES, STEPS)
    print(sorted(done.items()))
    assert done["sale completed"] and done["returned"]
    assert done["coupon sale completed"] + done["coupon sale completed offline"]
