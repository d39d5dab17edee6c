"""The till's daily job: points past their last day and coupons past their window expire
(the same domain functions head office runs, so both sides book the same entries), and the
list of members whose points lapse soon (a reminder)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pos_app.domain.coupons import expiry_entries
from pos_app.domain.ledger import EntryKind
from pos_app.domain.points_expiry import ExpiryMode, expiring_soon, expiry_due, expiry_policy_of
from pos_app.ports.clock import Clock
from pos_app.ports.store import UnitOfWorkFactory


@dataclass(frozen=True)
class ExpiryRun:
    members: int           # members whose points lapsed
    points: int            # points that lapsed in all
    coupons: int           # coupons that expired


@dataclass(frozen=True)
class ExpiringPoints:
    member_id: str
    name: str
    mobile: str | None
    points: int
    last_day: date


class ExpiryService:
    """Points and coupon expiry at the till; running it twice on one day books nothing new."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def run(self, today: date | None = None) -> ExpiryRun:
        now = self._clock.now()
        today = today or now.date()
        members = points = coupons = 0
        with self._uow() as uow:
            policy = expiry_policy_of(uow.rules.current(now))
            if policy.mode is not ExpiryMode.NEVER:
                for member_id in uow.promotions.members_with_points():
                    due = expiry_due(uow.promotions.points_moves(member_id), policy, today)
                    for d in due:
                        # keyed like head office's entry (expiry:<member>:<day>)
                        uow.ledgers.add_points(member_id, EntryKind.EXPIRY.value, -d.points, 0,
                                               now, note=d.key(member_id))
                        points += d.points
                    members += bool(due)
            at = datetime.combine(today, datetime.min.time())
            for coupon, state in uow.promotions.expirable_coupons(at):
                for e in expiry_entries([(coupon, state)], at):
                    if uow.promotions.add_entry(f"till:expired:{e.code}", e):
                        coupons += 1
            uow.commit()
        return ExpiryRun(members, points, coupons)

    def expiring(self, days: int | None = None, limit: int = 500) -> list[ExpiringPoints]:
        """Members whose spendable points lapse within `days` (the rule set's notice by
        default), soonest first: the reminder list."""
        now = self._clock.now()
        out: list[ExpiringPoints] = []
        with self._uow() as uow:
            rules = uow.rules.current(now)
            policy = expiry_policy_of(rules)
            if policy.mode is ExpiryMode.NEVER:
                return []
            days = rules.points_expiry_notice_days if days is None else days
            for member_id in uow.promotions.members_with_points():
                soon, day = expiring_soon(uow.promotions.points_moves(member_id), policy,
                                          now.date(), days)
                if soon and day is not None:
                    acc = uow.accounts.find_account(member_id)
                    out.append(ExpiringPoints(member_id, acc.name if acc else "",
                                              acc.mobile if acc else None, soon, day))
        out.sort(key=lambda x: (x.last_day, x.member_id))
        return out[:limit]
