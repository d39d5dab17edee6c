"""What the app shell reads from the till's store before the store is open (no SQLAlchemy yet)."""
from __future__ import annotations

from typing import Protocol

from pos_app.services.auth import User


class EarlyStoreReads(Protocol):
    """Read-only looks at the store that never write and never wait long; each answers "don't
    know" (an empty list, None) rather than raise, so the store opening later says why."""

    def active_users(self) -> list[User]:
        """The users for the login list."""
        ...

    def clean_login(self, username: str, pin: str) -> User | None:
        """The user when `pin` is right and the account has no failed attempts or lock to deal
        with; None lets AuthService decide (it counts and audits failures)."""
        ...


class PendingEvents(Protocol):
    """How many outbox events head office has not acknowledged yet (for the status bar)."""

    def __call__(self) -> int: ...
