"""The issue-11 ledger machine, importable: random sequences of everything that moves money,
points and tiers, on two real tills (SQLite) syncing with a real head office (PostgreSQL),
with head office going offline for periods (the tills keep selling on the offline allowance,
then sync).

`LedgerMachine` is a hypothesis `RuleBasedStateMachine`; other suites extend it by
subclassing (add rules, override `RULES`, `GOODS`, `EXTRA_PRODUCTS`) and run it with
`run_ledger_machine(TheirMachine, hq, live, tmp_path)`. Everything a rule needs is on the
instance (`self.hq`, `self.tills`, `self.done`, `self.card`, `self.member_id`, ...).

Invariants after every step, for every member of the example:
- balance = sum of entries at each till; when head office is reachable, at head office too,
  and head office's statement is the tills' statements line by line: per till, in booking
  order, the same (ledger, kind, amounts, sale) on both sides;
- money out (withdrawals, cancel pay-outs) never exceeds money in (top-ups, opening
  balance) plus what head office recorded as owed back (receivables of offline overdrafts);
- bonus money never leaves as cash (withdrawal and cancel entries carry no bonus);
- a sale returned in full leaves nothing behind: its points entries and those of its returns
  sum to zero; a sale returned in full right after it was made leaves spendable points,
  accumulated points, balance and tier EQUAL to what they were before it.
"""
from __future__ import annotations

import sys
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from headoffice.ledger import ledger_check
from headoffice.models import InboxRow, ReceivableRow, ShopRow
from headoffice.models import MemberRow as HqMemberRow
from headoffice.models import PointsEntryRow as HqPoints
from headoffice.models import StoredValueEntryRow as HqMoney
from headoffice.service import HeadOffice
from pos_app.domain.errors import PosError
from pos_app.domain.ledger import EntryKind
from pos_app.domain.rules import RuleSet, default_rule_set
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import TillRig, make_till

CASH, SV, POINTS = TenderKind.CASH, TenderKind.STORED_VALUE, TenderKind.POINTS
GOODS = ("REG100", "PROMO100", "SPECIAL50", "CARD100", "WATER", "WASH")
RULES = default_rule_set(2).with_changes(annual_fee_fen=500, replacement_fee_fen=1_000,
                                         card_validity_days=365, cash_rounding_to_jiao=True)
# Rows a till writes for what it learned from head office (opening balances imported there,
# balance corrections of the feed): not the till's own bookings.
SYNC_KINDS = ("opening", "sync")
CASH_OUT = (EntryKind.WITHDRAW.value, EntryKind.CANCEL_REFUND.value)
MACHINE_PRODUCTS = [
    ("GIFT180", "6900000000086", "保温杯", "礼品/积分/杯", "180.00", "regular", ""),
    ("WASH10", "6900000000062", "洗车10次卡", "服务/洗车/次卡", "300.00", "regular", "",
     "10", "365"),
    ("WASH", "6900000000079", "普通洗车", "服务/洗车/单次", "30.00", "regular", ""),
]


def baskets(goods: tuple[str, ...] = GOODS) -> st.SearchStrategy:
    return st.lists(st.tuples(st.sampled_from(goods), st.integers(1, 3)), min_size=1,
                    max_size=3)


def till_statement(t: TillRig, member_id: str,
                   exclude: tuple[str, ...] = SYNC_KINDS) -> list[tuple]:
    """The lines a till booked itself for a member, in booking order, per ledger (less the
    kinds in `exclude`: what it learned from head office, or booked on its own)."""
    from db.models import PointsEntryRow, StoredValueEntryRow
    with t.shop.uow() as uow:
        pts = uow.session.execute(
            select(PointsEntryRow.kind, PointsEntryRow.spendable_delta,
                   PointsEntryRow.accumulated_delta, PointsEntryRow.sale_id)
            .where(PointsEntryRow.member_id == member_id,
                   PointsEntryRow.kind.not_in(exclude))
            .order_by(PointsEntryRow.id)).all()
        sv = uow.session.execute(
            select(StoredValueEntryRow.kind, StoredValueEntryRow.paid_delta_fen,
                   StoredValueEntryRow.bonus_delta_fen, StoredValueEntryRow.sale_id)
            .where(StoredValueEntryRow.member_id == member_id,
                   StoredValueEntryRow.kind.not_in(exclude))
            .order_by(StoredValueEntryRow.id)).all()
    return [("points", *r) for r in pts] + [("stored_value", *r) for r in sv]


def hq_statement(hq: HeadOffice, member_id: str, shop_code: str) -> list[tuple]:
    """Head office's lines for a member from one shop's events, in the till's event order
    (epoch, device_seq) and, inside an event, in booking order."""
    with hq.sessions() as s:
        shop_id = s.scalar(select(ShopRow.id).where(ShopRow.code == shop_code))
        order = (InboxRow.epoch, InboxRow.device_seq)
        pts = s.execute(
            select(HqPoints.kind, HqPoints.spendable_delta, HqPoints.accumulated_delta,
                   HqPoints.sale_id)
            .join(InboxRow, InboxRow.event_id == HqPoints.event_id)
            .where(HqPoints.member_id == member_id, InboxRow.shop_id == shop_id)
            .order_by(*order, HqPoints.id)).all()
        sv = s.execute(
            select(HqMoney.kind, HqMoney.paid_delta_fen, HqMoney.bonus_delta_fen,
                   HqMoney.sale_id)
            .join(InboxRow, InboxRow.event_id == HqMoney.event_id)
            .where(HqMoney.member_id == member_id, InboxRow.shop_id == shop_id)
            .order_by(*order, HqMoney.id)).all()
    return [("points", *r) for r in pts] + [("stored_value", *r) for r in sv]


class LedgerMachine(RuleBasedStateMachine):
    """Two tills and head office; see the module docstring. Bind with `bound(...)`."""

    RULES: ClassVar[RuleSet] = RULES
    GOODS: ClassVar[tuple[str, ...]] = GOODS
    # Products the machine's tills stock beside the standard goods (catalog CSV rows).
    EXTRA_PRODUCTS: ClassVar[list[tuple[str, ...]]] = MACHINE_PRODUCTS
    # Kinds a till books that never travel as its events (compared apart, if at all).
    TILL_ONLY_KINDS: ClassVar[tuple[str, ...]] = SYNC_KINDS
    hq: ClassVar[HeadOffice]
    tills: ClassVar[list[TillRig]]
    done: ClassVar[Counter]

    @classmethod
    def bound(cls, hq: HeadOffice, tills: list[TillRig], done: Counter) -> type:
        return type(cls.__name__, (cls,), {"hq": hq, "tills": tills, "done": done})

    @initialize(tier=st.sampled_from(["regular", "gold", "diamond"]),
                paid=st.integers(0, 3_000).map(lambda y: y * 100),
                points=st.integers(0, 2_500))
    def start(self, tier: str, paid: int, points: int) -> None:
        self.online_now = True
        self.member_id = str(uuid.uuid4())
        self.card = f"9{uuid.uuid4().int % 10**9:09d}"
        self.mobile = f"139{uuid.uuid4().int % 10**8:08d}"
        self.hq.import_members([{"id": self.member_id, "name": "测试", "mobile": self.mobile,
                                 "card_no": self.card, "tier_code": tier, "paid_fen": paid,
                                 "points": points, "accumulated_points": points}])
        self.opening_paid = paid
        self.sales: list[tuple[int, str]] = []        # (till index, receipt no)
        self.others: list[str] = []                   # members who joined by a receipt
        self.closed = False
        self.sync_all()
        # Every sequence starts from a member sale partly returned, so each example
        # exercises a return whatever the random steps turn out to be.
        self.sell(0, [("REG100", 2)], 0, 0, False, True)
        if self.sales:
            t = self.till(0)
            self.attempt(lambda: t.shop.services.returns.return_items(
                self.sales[-1][1], {1: 1}, t.cashier, t.shop.manager), "returned")

    # -- helpers -----------------------------------------------------------------------------
    def sync_all(self) -> None:
        if not self.online_now:
            return
        for t in self.tills:
            t.sync()
        for t in self.tills:
            t.sync()

    def till(self, i: int) -> TillRig:
        return self.tills[i % len(self.tills)]

    def attempt(self, fn: Callable[[], Any], label: str = "") -> Any:
        name = label or sys._getframe(1).f_code.co_name
        try:
            out = fn()
        except PosError as exc:
            self.done[f"refused {name}: {exc.__class__.__name__}"] += 1
            return None
        self.done[name + (" offline" if not self.online_now else "")] += 1
        return out

    def ident(self) -> IdentityCheck:
        return IdentityCheck(self.mobile, manager_confirmed=True)

    def standing(self, i: int) -> tuple[int, int, int, int, str]:
        """(spendable, accumulated, paid, bonus, tier) of the member at till i."""
        t = self.till(i)
        paid, bonus, spendable, accumulated = t.account(self.member_id)
        with t.shop.uow() as uow:
            tier = uow.accounts.find_account(self.member_id).tier_code
        return spendable, accumulated, paid, bonus, tier

    # -- rules -------------------------------------------------------------------------------
    @rule(i=st.integers(0, 1), basket=baskets(), sv_share=st.integers(0, 100),
          pts_share=st.integers(0, 100), gift=st.booleans(), member=st.booleans())
    def sale(self, i, basket, sv_share, pts_share, gift, member) -> None:
        self.sell(i, basket, sv_share, pts_share, gift, member)

    def sell(self, i, basket, sv_share, pts_share, gift, member) -> Any:
        """A sale of `basket` paid with stored value (sv_share % of what is due, capped by the
        balance), points as cash (pts_share % of what the rule set lets points pay) and cash."""
        t = self.till(i)
        s = t.shop.services.selling.new_session()
        if member and self.attempt(lambda: s.attach_card(self.card)) is None:
            member = False
        for sku, qty in basket:
            s.add(f"{qty}*{sku}")
        if member and gift:
            self.attempt(lambda: s.redeem_gift("GIFT180"))
        view = s.view()
        total = view.total_fen
        tenders: list[TenderInput] = []
        pts = 0
        if member and view.member:
            acct = view.member.account
            committed = sum(line.redeemed_points for line in view.lines)
            rules = s.rules
            if rules.points_cash_enabled and pts_share:
                cap = total * rules.points_cash_cap_bp // 10_000
                can = max(acct.spendable_points - committed, 0) * 100 // rules.points_per_yuan
                pts = min(cap, can) * pts_share // 100
            sv = min((total - pts) * sv_share // 100, max(acct.balance_fen, 0), 20_000)
            if pts:
                tenders.append(TenderInput(POINTS, pts))
            if sv:
                tenders.append(TenderInput(SV, sv))
            rest = total - pts - sv
        else:
            rest = total
        if rest:
            tenders.append(TenderInput(CASH, rest))
        sale = self.attempt(lambda: s.complete(tenders, t.cashier), "sale completed")
        if sale is not None:
            self.sales.append((i % len(self.tills), sale.receipt_no))
            if pts:
                self.done["paid with points"] += 1
        return sale

    @rule(pick=st.integers(0, 50), whole=st.booleans(), line=st.integers(1, 4),
          qty=st.integers(1, 3), fresh=st.booleans(), basket=baskets(),
          sv_share=st.integers(0, 100), pts_share=st.integers(0, 100), gift=st.booleans())
    def give_back(self, pick, whole, line, qty, fresh, basket, sv_share, pts_share,
                  gift) -> None:
        if fresh or not self.sales:      # sell first, then return some of it
            self.sell(pick, basket, sv_share, pts_share, gift, True)
            pick = len(self.sales) - 1
        if not self.sales:
            return
        i, receipt = self.sales[pick % len(self.sales)]
        t = self.till(i)
        returns = t.shop.services.returns
        self.attempt(lambda: returns.return_items(receipt, None if whole else {line: qty},
                                                  t.cashier, t.shop.manager), "returned")

    @precondition(lambda self: not self.closed)
    @rule(i=st.integers(0, 1), basket=baskets(), sv_share=st.integers(0, 100),
          pts_share=st.integers(0, 100), gift=st.booleans())
    def sell_and_return_all(self, i, basket, sv_share, pts_share, gift) -> None:
        """A member sale returned in full at once: points, accumulated points, balance and
        tier are exactly what they were before it (a join or points upgrade included)."""
        before = self.standing(i)
        sale = self.sell(i, basket, sv_share, pts_share, gift, True)
        if sale is None or sale.member is None:
            return
        t = self.till(i)
        if self.attempt(lambda: t.shop.services.returns.return_items(
                sale.receipt_no, None, t.cashier, t.shop.manager), "returned whole") is None:
            return
        assert self.standing(i) == before, (sale.receipt_no, before, self.standing(i))
        if sale.member.upgraded_to:
            self.done["upgrade returned"] += 1

    @rule(i=st.integers(0, 1), yuan=st.integers(1, 1_500))
    def top_up(self, i, yuan) -> None:
        t = self.till(i)
        self.attempt(lambda: t.shop.services.members.top_up(
            t.shop.manager, self.card, yuan * 100, CASH))

    @rule(i=st.integers(0, 1), share=st.integers(1, 100))
    def withdraw(self, i, share) -> None:
        t = self.till(i)
        with t.shop.uow() as uow:
            a = uow.accounts.find_account(self.member_id)
        amount = max(a.balance_paid_fen, 0) * share // 100
        if amount > 0:
            self.attempt(lambda: t.shop.services.members.refund_balance(
                t.shop.manager, self.card, amount))

    @rule(i=st.integers(0, 1), from_balance=st.booleans())
    def renew_with_fee(self, i, from_balance) -> None:
        t = self.till(i)
        self.attempt(lambda: t.shop.services.cards.renew(
            t.shop.manager, self.card, 30, fee_tender=SV if from_balance else CASH))

    @rule(i=st.integers(0, 1), from_balance=st.booleans())
    def replace_card(self, i, from_balance) -> None:
        t = self.till(i)
        new = f"8{uuid.uuid4().int % 10**9:09d}"
        if self.attempt(lambda: t.shop.services.cards.replace(
                t.shop.manager, self.card, CardBinding(new), self.ident(),
                fee_tender=SV if from_balance else CASH)) is not None:
            self.card = new

    @precondition(lambda self: not self.closed and len(self.sales) >= 4)
    @rule(i=st.integers(0, 1))
    def cancel(self, i) -> None:
        t = self.till(i)
        if self.attempt(lambda: t.shop.services.cards.cancel(
                t.shop.manager, self.card, self.ident(), True)) is not None:
            self.closed = True

    @rule(i=st.integers(0, 1), use=st.booleans(), refund=st.booleans())
    def count_pass(self, i, use, refund) -> None:
        t = self.till(i)
        s = t.shop.services.selling.new_session()
        if self.attempt(lambda: s.attach_card(self.card)) is None:
            return
        passes = [p for p in s.view().passes if not p.refunded and p.uses_left > 0]
        if use and passes:
            self.attempt(lambda: s.use_pass(passes[0].id))
        else:
            self.attempt(lambda: s.add("WASH10"))
        if s.is_empty:
            return
        if refund:    # hold and recall before paying: the lines keep their meaning
            held = self.attempt(lambda: s.hold("machine"))
            if held is None or self.attempt(lambda: s.recall(held)) is None:
                return
        total = s.view().total_fen
        sale = self.attempt(lambda: s.complete(
            [TenderInput(CASH, total)] if total else [], t.cashier))
        if sale is not None and total:
            self.sales.append((i % len(self.tills), sale.receipt_no))
        if refund and passes:
            self.attempt(lambda: t.shop.services.returns.refund_pass(
                passes[0].id, t.cashier, t.shop.manager))

    @rule(i=st.integers(0, 1), qty=st.integers(3, 40))
    def join_by_purchase(self, i, qty) -> None:
        t = self.till(i)
        s = t.shop.services.selling.new_session()
        s.add(f"{qty}*REG100")
        sale = self.attempt(lambda: s.complete([TenderInput(CASH, s.view().total_fen)],
                                               t.cashier))
        if sale is None:
            return
        self.sales.append((i % len(self.tills), sale.receipt_no))
        mobile = f"137{uuid.uuid4().int % 10**8:08d}"
        slip = self.attempt(lambda: t.shop.services.cards.register(
            t.shop.manager, MemberForm("新人", mobile),
            CardBinding(f"7{uuid.uuid4().int % 10**9:09d}"), join_receipt_no=sale.receipt_no))
        if slip is not None:
            with t.shop.uow() as uow:
                self.others.append(uow.accounts.find_by_mobile(mobile).id)

    @rule()
    def next_day(self) -> None:
        for t in self.tills:
            t.shop.clock.at += timedelta(days=1)
        self.hq.clock.at += timedelta(days=1)

    @precondition(lambda self: self.online_now)
    @rule(basket=baskets(), sv_share=st.integers(0, 100), pts_share=st.integers(0, 100))
    def head_office_goes_offline(self, basket, sv_share, pts_share) -> None:
        """The network goes: both tills keep selling, stored value and points on the offline
        allowance (the period lasts until `head_office_comes_back`)."""
        self.online_now = False
        for t in self.tills:
            t.offline()
        self.done["offline period"] += 1
        for i in range(len(self.tills)):
            self.sell(i, basket, sv_share, pts_share, False, True)

    @precondition(lambda self: not self.online_now)
    @rule()
    def head_office_comes_back(self) -> None:
        for t in self.tills:
            t.online()
        self.online_now = True
        self.sync_all()

    # -- invariants --------------------------------------------------------------------------
    def members(self) -> list[str]:
        return [self.member_id, *self.others]

    @invariant()
    def tills_balance_their_books(self) -> None:
        for m in self.members():
            for t in self.tills:
                with t.shop.uow() as uow:
                    known = uow.accounts.find_account(m) is not None
                if known:        # a member who joined offline at the other till is not yet
                    t.account(m)  # cached balance == ledger sum at each till

    @invariant()
    def ledgers_agree(self) -> None:
        if self.online_now:
            self.check_with_head_office()

    def check_with_head_office(self) -> None:
        self.sync_all()
        for m in self.members():
            booked: list[tuple] = []
            for t in self.tills:
                mine = till_statement(t, m, self.TILL_ONLY_KINDS)
                with t.shop.uow() as uow:
                    shop_code = uow.site.shop().code
                theirs = hq_statement(self.hq, m, shop_code)
                # line for line, in order, the same fields: head office's statement of what
                # this till booked is the till's statement
                assert theirs == mine, (shop_code, m)
                booked += mine
            with self.hq.sessions() as s:
                assert ledger_check(s, m)
                hq_tier = s.scalar(select(HqMemberRow.tier_code).where(HqMemberRow.id == m))
                owed = s.scalar(select(func.coalesce(func.sum(ReceivableRow.amount_fen), 0))
                                .where(ReceivableRow.member_id == m))
            hq_acct = self.hq.account(m)
            for t in self.tills:                   # after the sync every till sees the same
                paid, bonus, spendable, accumulated = t.account(m)
                assert (paid, bonus, spendable, accumulated) == (
                    hq_acct["balance_paid_fen"], hq_acct["balance_bonus_fen"],
                    hq_acct["spendable_points"], hq_acct["accumulated_points"])
                with t.shop.uow() as uow:
                    assert uow.accounts.find_account(m).tier_code == hq_tier
            money_in = self.opening_paid if m == self.member_id else 0
            money_out = 0
            for ledger, kind, first, second, _sale in booked:
                if ledger != "stored_value":
                    continue
                if kind == EntryKind.TOPUP.value:
                    money_in += first
                if kind in CASH_OUT:
                    assert second == 0, "bonus money left as cash"
                    money_out -= first
            assert money_out <= money_in + int(owed)

    @invariant()
    def whole_returns_leave_nothing_behind(self) -> None:
        from db.models import PointsEntryRow
        for i, receipt in self.sales:
            t = self.till(i)
            with t.shop.uow() as uow:
                sale = uow.sales.find_by_receipt(receipt)
                if sale is None or sale.member_id is None:
                    continue
                if any(line.qty > line.returned_qty for line in sale.lines):
                    continue
                ids = {sale.id} | {uow.sales.find_by_receipt(r).id
                                   for r in uow.sales.returns_of(sale.id)}
                sp, acc = uow.session.execute(select(
                    func.coalesce(func.sum(PointsEntryRow.spendable_delta), 0),
                    func.coalesce(func.sum(PointsEntryRow.accumulated_delta), 0))
                    .where(PointsEntryRow.sale_id.in_(ids))).one()
                assert (sp, acc) == (0, 0), receipt

    def teardown(self) -> None:
        # A sequence that ends offline: the network comes back and everything must agree.
        if not getattr(self, "online_now", True):
            self.head_office_comes_back()
            self.check_with_head_office()


def machine_tills(hq: HeadOffice, live: LiveServer, tmp_path: Path,
                  machine: type[LedgerMachine] = LedgerMachine) -> list[TillRig]:
    """Two tills in two shops, stocked, on the machine's rule set, whose stored-value and
    points spends go through head office (online) or the offline allowance."""
    tills = [make_till(hq, live, tmp_path, "S001", "T01"),
             make_till(hq, live, tmp_path, "S002", "T01")]
    for t in tills:
        t.shop.products(list(machine.EXTRA_PRODUCTS))
        t.shop.set_rules(machine.RULES)
        t.shop.services.selling.authoriser = t.authoriser
    return tills


def run_ledger_machine(machine: type[LedgerMachine], hq: HeadOffice, live: LiveServer,
                       tmp_path: Path, examples: int, steps: int) -> Counter:
    """Run `machine` (LedgerMachine or a subclass) on two fresh tills; returns what was done."""
    tills = machine_tills(hq, live, tmp_path, machine)
    done: Counter = Counter()
    try:
        run_state_machine_as_test(
            machine.bound(hq, tills, done),
            settings=settings(max_examples=examples, stateful_step_count=steps, deadline=None,
                              suppress_health_check=list(HealthCheck)))
    finally:
        for t in tills:
            t.close()
    return done
