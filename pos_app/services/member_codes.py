"""Identify a member from the code on their phone, offline, at this till."""
from __future__ import annotations

from collections.abc import Callable

from pos_app.domain.member_code import (
    MemberCodeRefused,
    Refusal,
    looks_like_numeric_member_code,
    verify,
)
from pos_app.ports.clock import Clock
from pos_app.ports.member_codes import MemberCodeStore, NumericCodeResolver


class MemberCodeService:
    """A member code is taken only if head office signed it, its window (give or take the
    tolerated skew) contains this till's clock, this till has not taken it in that step, and
    the member's card status lets them buy; otherwise MemberCodeRefused or the card's own
    CardNotUsable says why."""

    def __init__(self, store: MemberCodeStore | None, clock: Clock,
                 member_by_id: Callable[[str], object],
                 unix_now: Callable[[], float] | None = None,
                 numeric: NumericCodeResolver | None = None) -> None:
        self.store = store
        self.numeric = numeric
        self.clock = clock
        self._member_by_id = member_by_id
        # The till clock is local wall time; its timestamp() is the Unix time codes count in.
        self._unix_now = unix_now or (lambda: clock.now().timestamp())

    def member_site_url(self) -> str:
        """Head office's member page address (for e-receipt links), "" when not known."""
        return self.store.member_site_url() if self.store is not None else ""

    def identify(self, text: str):  # -> MemberAtTill (SellingService's snapshot type)
        if looks_like_numeric_member_code(text):
            if self.numeric is None:
                raise MemberCodeRefused(Refusal.NEEDS_NETWORK)
            return self._member_by_id(self.numeric.resolve(text.strip().replace(" ", "")))
        if self.store is None:
            raise MemberCodeRefused(Refusal.NO_KEYS)
        try:
            code = verify(text, self.store.keys(), self._unix_now(), self.store.rules())
        except MemberCodeRefused as exc:
            if exc.reason not in (Refusal.UNKNOWN_KEY, Refusal.NO_KEYS, Refusal.KEY_RETIRED):
                raise
            # A key head office published since the store cached its keys: look again.
            self.store.refresh()
            code = verify(text, self.store.keys(), self._unix_now(), self.store.rules())
        member = self._member_by_id(code.member_id)       # card status rules, as for a card
        if not self.store.take(code.member_id, code.step, self.clock.now()):
            raise MemberCodeRefused(Refusal.REPLAYED)
        return member
