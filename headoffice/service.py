"""Head office's use cases over one database, HTTP-free; app.py, cli.py, the console and the
member page call them. Each group lives in its own module:

- enrolment.py      shops, tills, enrolment codes and API keys
- push.py           the till's push: inbox, replays, refusals, epochs, offline checks
- feeds.py          the till's pull (change feeds)
- authorisation.py  online spend authorisation and the offline limits
- administration.py member import, documents, head-office card changes, promotions and
                    coupons, the daily jobs, reports

`HeadOffice` binds them to one engine, clock and id source."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from headoffice import administration, authorisation, enrolment, feeds, push, promotions
from headoffice.authorisation import Decision
from headoffice.db import run_in_transaction, session_factory
from headoffice.enrolment import Enrolment, TillIdentity
from headoffice.feeds import Page
from headoffice.push import PushedEvent, PushResult
from pos_app.domain.coupons import Coupon, CouponEntry, CouponTemplate
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.packages import TopUpPackage
from pos_app.domain.promotions import Promotion

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class HeadOffice:
    """Head office over one database: every use case runs in its own transaction."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now,
                 ids: UuidV7Source | None = None) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)
        self.clock = clock
        self.ids = ids or UuidV7Source()
        self.pg = engine.dialect.name == "postgresql"

    def transaction(self, work: Callable[[Session], T], attempts: int = 8) -> T:
        """Run `work` in one transaction, retried on a transient database error; Busy if it
        persists (the caller answers "retry later" and nothing is recorded)."""
        return run_in_transaction(self.sessions, work, attempts)

    # -- shops, tills, keys (enrolment.py) ------------------------------------------------
    def add_shop(self, code: str, name: str) -> str:
        return enrolment.add_shop(self, code, name)

    def add_till(self, shop_code: str, till_code: str) -> str:
        """Create a till (or give a keyless one a new code): its one-time enrolment code."""
        return enrolment.add_till(self, shop_code, till_code)

    def enrol(self, code: str) -> Enrolment:
        """Exchange a one-time enrolment code for the till's API key."""
        return enrolment.enrol(self, code)

    def revoke_till(self, shop_code: str, till_code: str) -> None:
        enrolment.revoke_till(self, shop_code, till_code)

    def authenticate(self, api_key: str | None) -> TillIdentity:
        return enrolment.authenticate(self, api_key)

    # -- push and pull (push.py, feeds.py) --------------------------------------------------
    def push(self, who: TillIdentity, events: list[PushedEvent]) -> PushResult:
        """Record each event once in the inbox and apply its effects in the same transaction."""
        return push.push(self, who, events)

    def pull(self, who: TillIdentity, stream: str, cursor: str, limit: int
             ) -> tuple[Page, int]:
        """One page of a stream and this till's acked seq, from one consistent snapshot."""
        return feeds.pull(self, who, stream, cursor, limit)

    # -- online spend authorisation (authorisation.py) --------------------------------------
    def limits(self, s: Session | None = None) -> dict[str, int]:
        return authorisation.limits(self, s)

    def authorise(self, who: TillIdentity, member_id: str, card_no: str, stored_value_fen: int,
                  points: int) -> Decision:
        """Approve a spend against the chain-wide balance less holds, and hold it."""
        return authorisation.authorise(self, who, member_id, card_no, stored_value_fen, points)

    # -- head-office data (administration.py) -----------------------------------------------
    def import_members(self, rows: Iterable[dict[str, Any]], shop_code: str | None = None) -> int:
        """Members with cards and opening balances (paid_fen, bonus_fen, points)."""
        return administration.import_members(self, rows, shop_code)

    def put_document(self, stream: str, key: str, body: Any) -> int:
        return administration.put_document(self, stream, key, body)

    def set_card_status(self, card_no: str, status: str) -> None:
        """An HO-side card change (e.g. 挂失 by phone at head office), forward only."""
        administration.set_card_status(self, card_no, status)

    def flags(self, kind: str | None = None) -> list[dict[str, Any]]:
        return administration.flags(self, kind)

    def receivables(self, open_only: bool = True) -> list[dict[str, Any]]:
        return administration.receivables(self, open_only)

    def account(self, member_id: str) -> dict[str, int]:
        return administration.account(self, member_id)

    def publish_promotion(self, promotion: Promotion) -> int:
        """Publish (or replace) a promotion on the feed; returns the document version."""
        return administration.publish_promotion(self, promotion)

    def withdraw_promotion(self, promotion_id: str) -> None:
        administration.withdraw_promotion(self, promotion_id)

    def publish_package(self, package: TopUpPackage) -> int:
        """Publish a top-up package (储值套餐) on the promotions feed."""
        return administration.publish_package(self, package)

    def publish_coupon_template(self, template: CouponTemplate) -> int:
        return administration.publish_coupon_template(self, template)

    def issue_coupons(self, template_id: str, member_filter: promotions.MemberFilter
                      ) -> tuple[str, int]:
        """An issue run: one coupon of the template to every member the filter selects."""
        return administration.issue_coupons(self, template_id, member_filter)

    def coupon(self, code: str) -> tuple[Coupon | None, list[CouponEntry]]:
        return administration.coupon(self, code)

    def run_daily_jobs(self, today: date) -> dict[str, int]:
        """Points and coupon expiry for `today` (idempotent; `pos-hq daily` runs it)."""
        return administration.run_daily_jobs(self, today)
