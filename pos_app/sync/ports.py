"""What the sync engine needs from the outside: a till store and a head-office client."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class SyncError(Exception):
    """Base of the sync layer's errors."""


class HeadOfficeUnreachable(SyncError):
    """No answer, a timeout or a server error: try again later with backoff."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotEnrolled(SyncError):
    """Head office does not know this till's key (never enrolled, or revoked)."""


class TillCodeMismatch(SyncError):
    """An enrolment code head office issued for another shop/till code than this till's, on
    a till that has sold already (its receipt numbers carry its own code)."""

    def __init__(self, assigned: str, local: str) -> None:
        super().__init__(f"code issued for {assigned}, this till is {local}")
        self.assigned = assigned
        self.local = local


class SyncRejected(SyncError):
    """Head office refused a request as malformed; retrying unchanged will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(status, detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class OutboxEvent:
    id: str
    device_seq: int
    kind: str
    payload: dict[str, Any]
    created_at: str
    epoch: int = 1


@dataclass(frozen=True)
class PushReply:
    """Head office's answer per event: {"id", "device_seq", "status": applied | replayed |
    refused | retry, "reason"?}. The till moves only by these, never by acked_seq."""

    acked_seq: int
    gap_after: int | None
    refused: list[dict[str, Any]] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)
    epoch: int = 1


@dataclass(frozen=True)
class PulledPage:
    stream: str
    items: list[dict[str, Any]]
    cursor: str
    more: bool
    acked_seq: int


@dataclass(frozen=True)
class SpendReply:
    decision: str          # approved | declined
    reason: str
    auth_id: str | None
    balance_fen: int
    spendable_points: int
    limits: dict[str, int]


class HeadOfficeClient(Protocol):
    def push(self, events: list[OutboxEvent]) -> PushReply:
        """Send events; the reply names the highest contiguous device_seq head office holds."""
        ...

    def pull(self, stream: str, cursor: str, limit: int) -> PulledPage:
        """One page of a stream after `cursor`."""
        ...

    def authorise(self, member_id: str, card_no: str, stored_value_fen: int, points: int,
                  timeout_s: float) -> SpendReply:
        """Ask head office to approve and hold a spend."""
        ...


class SyncStore(Protocol):
    def pending(self, limit: int) -> list[OutboxEvent]:
        """Unacknowledged outbox events in device_seq order, at most `limit`."""
        ...

    def backlog(self) -> int:
        """How many outbox events head office has not acknowledged."""
        ...

    def record_push(self, results: list[dict[str, Any]], epoch: int, at: datetime) -> int:
        """Mark each answered event delivered or refused (one transaction); move to head
        office's epoch if it says the sequence was reused. Returns how many moved."""
        ...

    def cursor(self, stream: str) -> str:
        ...

    def apply_page(self, page: PulledPage, at: datetime) -> None:
        """Apply a pulled page and move its cursor in ONE local transaction."""
        ...

    def record_contact(self, at: datetime, error: str | None,
                       tick: tuple[str, float] | None = None) -> None:
        """Note a successful contact (error None) or a failed one; `tick` is the monotonic
        ticker's (boot id, seconds) at that moment."""
        ...

    def state(self) -> SyncState:
        ...

    def offline_used(self, member_id: str) -> tuple[int, int, int]:
        """(stored value fen, points, count) this member spent offline since the last
        contact with head office (counted by contacts, not by the clock)."""
        ...

    def shop_offline_exposure(self) -> int:
        """Stored value fen spent offline at this till since the last contact."""
        ...

    def note_wall_clock(self, now: datetime) -> datetime:
        """Remember the latest wall-clock time seen; returns it (>= now)."""
        ...

    def record_offline_spend(self, member_id: str, card_no: str, stored_value_fen: int,
                             points: int, at: datetime) -> None:
        ...

    def known_balance(self, member_id: str) -> tuple[int, int]:
        """(stored value fen, spendable points) as this till knows them."""
        ...


class EnrolmentStore(Protocol):
    """What enrolling (`pos sync --enrol`) and `pos sync --refused` / `--resolve` ask of the
    till's store."""

    def site_codes(self) -> tuple[str, str] | None:
        """(shop code, till code) of the till's database, None before `pos init`."""
        ...

    def take_over_codes(self, shop_code: str, till_code: str) -> bool:
        """Take the codes head office assigned (True if they changed); TillCodeMismatch if
        the till has sold or numbered documents under its own code."""
        ...

    def state(self) -> SyncState:
        ...

    def start_epoch(self, reason: str, at: datetime, epoch: int | None = None,
                    base_seq: int | None = None) -> int:
        """Begin a new incarnation (enrolment, restore); returns its number."""
        ...

    def refused_events(self, include_resolved: bool = False) -> list[dict[str, Any]]:
        """Events head office refused: what, when and why."""
        ...

    def resolve_refused(self, event_id: str, at: datetime, user_id: str | None = None,
                        note: str = "") -> bool:
        """A person has dealt with a refused event (audited); False if there is none."""
        ...


@dataclass(frozen=True)
class SyncState:
    acked_seq: int
    backlog: int
    last_success_at: datetime | None
    offline_since: datetime | None
    last_error: str
    limits: dict[str, int]
    refused: int = 0                  # refused by head office, not yet resolved by a person
    epoch: int = 1
    contact_seq: int = 0
    wall_high: datetime | None = None
    contact_boot: str | None = None   # the monotonic ticker at the last contact: its boot
    contact_mono: float | None = None  # and its reading (pos_app/sync/offline_time.py)
