"""A basket's view reads what the member holds and is due (birthday gift, quarterly gift,
passes, tier lapse) once per member, day and basket (pos_app/services/selling.py view()),
because view() runs on every scan. A stateful property test of that cache: whatever the
cashier does - scans, members attached, swapped and taken off, pass visits, sales completed
(which give the birthday and quarterly gifts and sell passes), the clock moving on across
midnight - the open basket's view equals the view of the same basket rung up afresh."""
from __future__ import annotations

from datetime import timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pos_app.domain.errors import PosError
from pos_app.domain.tenders import TenderInput
from tests.pos_app.fake_till import CASH, CASHIER, stocked

GOODS = ("6900000000017", "6900000000024", "6900000000055", "WASH10", "WASH", "SPECIAL50")
CARDS = ("100001", "100002", "100003")   # regular, gold, diamond (quarterly gift)


class SellingViewCache(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.till = stocked()
        with self.till.store() as uow:
            # Birthdays the clock reaches within the run: the gold member's tomorrow, the
            # diamond member's today (AT is 2026-11-28).
            uow.accounts.update_member("m-100002", self.till.clock.now(), birthday="1990-11-29")
            uow.accounts.update_member("m-100003", self.till.clock.now(), birthday="1985-11-28")
            uow.commit()
        self.session = self.till.selling.new_session()
        self.ops: list[tuple[str, str]] = []       # what was done to the open basket
        self.sales = 0

    def _try(self, op: str, arg: str) -> None:
        """Do it as the cashier does; a refusal (a pass sold with no member, a card taken
        off a basket that uses its pass) leaves the basket as it was, which the invariant
        checks: the refused step is not replayed."""
        try:
            self._do(self.session, op, arg)
        except PosError:
            return
        self.ops.append((op, arg))

    def _do(self, session, op: str, arg: str):
        if op == "add":
            return session.add(arg)
        if op == "attach":
            return session.attach_card(arg)
        if op == "detach":
            return session.detach_member()
        return session.use_pass(arg)

    @rule(code=st.sampled_from(GOODS))
    def scan(self, code: str) -> None:
        self._try("add", code)

    @rule(card=st.sampled_from(CARDS))
    def attach(self, card: str) -> None:
        self._try("attach", card)

    @precondition(lambda self: self.session.member is not None)
    @rule()
    def detach(self) -> None:
        self._try("detach", "")

    @precondition(lambda self: self.session.member is not None)
    @rule(data=st.data())
    def visit_on_a_pass(self, data) -> None:
        usable = [p for p in self.session.view().passes if p.uses_left > 0]
        used = {arg for op, arg in self.ops if op == "pass"}
        usable = [p for p in usable if p.id not in used]
        if not usable:
            return
        chosen = data.draw(st.sampled_from(usable))
        self._try("pass", chosen.id)

    @rule(hours=st.integers(min_value=1, max_value=30))
    def time_passes(self, hours: int) -> None:
        self.till.clock.at += timedelta(hours=hours)

    @precondition(lambda self: not self.session.is_empty)
    @rule()
    def complete(self) -> None:
        total = self.session.view().total_fen
        self.session.complete([TenderInput(CASH, total)] if total else [], CASHIER)
        self.sales += 1
        self.ops = []

    @invariant()
    def the_view_is_the_view_of_the_same_basket_rung_up_afresh(self) -> None:
        fresh = self.till.selling.new_session()
        for op, arg in self.ops:
            self._do(fresh, op, arg)
        assert self.session.view() == fresh.view()


SellingViewCache.TestCase.settings = settings(max_examples=60, stateful_step_count=25,
                                              deadline=None)
test_the_open_basket_s_view_never_goes_stale = SellingViewCache.TestCase
