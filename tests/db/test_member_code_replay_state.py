"""Stateful property test: two tills with real SQLite stores take phone member codes shown
by the page as head office's time moves and the tills' clocks drift. A code is taken exactly
when the till's clock is inside its window (give or take the skew) and that till has not
taken that member's code for that step before; any other till may take it once too."""
from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from db.engine import create_sqlite_engine
from db.member_code_store import SqlMemberCodeStore
from db.models import Base, SyncDocumentRow
from headoffice.member_site.codes import mint
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.member_code import MemberCodeRefused, Refusal
from pos_app.domain.signing import TrustedKeys
from pos_app.ports.clock import FixedClock
from pos_app.services.member_codes import MemberCodeService

SIGNER = HeadOfficeSigner.generate()
MEMBERS = [f"0190f000-0000-7000-8000-00000000000{i}" for i in range(1, 4)]
T0 = 1_796_000_010
STEP, SKEW = 30, 120


class Till:
    def __init__(self, folder: Path, name: str) -> None:
        self.engine = create_sqlite_engine(folder / f"{name}.sqlite3")
        Base.metadata.create_all(self.engine)
        with self.engine.begin() as c:
            c.execute(SyncDocumentRow.__table__.insert(), [
                {"stream": "settings", "key": "signing_keys", "version": 1,
                 "body": json.dumps(TrustedKeys.of([SIGNER.public]).to_document())},
                {"stream": "settings", "key": "member_code", "version": 1,
                 "body": json.dumps({"step_s": STEP, "skew_s": SKEW})}])
        self.offset = 0
        self.now = T0
        # The member lookup stands in for the card rules (tested elsewhere): every member buys.
        self.service = MemberCodeService(SqlMemberCodeStore(self.engine),
                                         FixedClock(datetime(2026, 11, 28, 12)),
                                         member_by_id=lambda m: m,
                                         unix_now=lambda: self.now + self.offset)


class MemberCodes(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(prefix="pos-code-state-")
        self.tills = [Till(Path(self.folder.name), n) for n in ("a", "b")]
        self.hq_now = T0
        self.shown: list[tuple[str, int, str]] = []     # (member, step, text)
        self.taken: set[tuple[int, str, int]] = set()    # (till, member, step)
        self.accepted = 0

    def teardown(self) -> None:
        for t in self.tills:
            t.engine.dispose()
        self.folder.cleanup()

    @rule(seconds=st.integers(0, 200))
    def time_passes(self, seconds: int) -> None:
        self.hq_now += seconds
        for t in self.tills:
            t.now = self.hq_now

    @rule(till=st.integers(0, 1), offset=st.integers(-200, 200))
    def till_clock_drifts(self, till: int, offset: int) -> None:
        self.tills[till].offset = offset

    @rule(member=st.sampled_from(MEMBERS))
    def page_shows_the_current_code(self, member: str) -> None:
        step = self.hq_now // STEP
        self.shown.append((member, step, mint(SIGNER, member, step, STEP)))

    @rule(till=st.integers(0, 1), pick=st.integers(0, 10_000))
    def cashier_scans_a_code_once_shown(self, till: int, pick: int) -> None:
        if not self.shown:
            return
        member, step, text = self.shown[pick % len(self.shown)]
        t = self.tills[till]
        now = t.now + t.offset
        in_window = step * STEP - SKEW <= now < (step + 1) * STEP + SKEW
        fresh = (till, member, step) not in self.taken
        try:
            got = t.service.identify(text)
        except MemberCodeRefused as exc:
            if not in_window:
                assert exc.reason in (Refusal.EXPIRED, Refusal.NOT_YET_VALID)
            else:
                assert not fresh and exc.reason is Refusal.REPLAYED
            return
        assert in_window and fresh and got == member
        self.taken.add((till, member, step))
        self.accepted += 1

    @invariant()
    def each_till_took_each_member_step_at_most_once(self) -> None:
        for t_index, t in enumerate(self.tills):
            with t.engine.connect() as c:
                rows = c.exec_driver_sql("SELECT member_id, step FROM member_code_uses").all()
            assert len(rows) == len(set(rows))
            assert {(t_index, m, s) for m, s in rows} == {x for x in self.taken if x[0] == t_index}


MemberCodes.TestCase.settings = settings(max_examples=25, stateful_step_count=40, deadline=None)
TestMemberCodes = MemberCodes.TestCase
