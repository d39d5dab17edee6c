"""Logging in, roles and the manager authorisation asked for in place."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from pos_app.domain.errors import (
    AccountLocked,
    NotAPin,
    PermissionDenied,
    ValidationFailed,
    WrongPin,
)
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import PinHasher, UnitOfWorkFactory, UserRecord

ROLE_RANK = {"cashier": 0, "manager": 1, "admin": 2}
MAX_PIN_TRIES = 5
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class User:
    id: str
    username: str
    display_name: str
    role: str

    def can(self, needed_role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[needed_role]


def require_role(user: User, needed_role: str, action: str) -> None:
    """Raise PermissionDenied unless the user's role reaches `needed_role`."""
    if not user.can(needed_role):
        raise PermissionDenied(action, user.role, needed_role)


def is_pin_shaped(pin: str) -> bool:
    """A PIN is 4 to 8 ASCII digits (the shape validate_pin allows when one is set)."""
    return pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8


def validate_pin(pin: str) -> str:
    if not is_pin_shaped(pin):
        raise ValidationFailed("pin", "a PIN is 4 to 8 digits")
    return pin


class AuthService:
    """Checks PINs with lockout after repeated failures and records every outcome."""

    def __init__(self, uow: UnitOfWorkFactory, hasher: PinHasher, clock: Clock,
                 ids: IdSource) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock
        self._ids = ids

    def login(self, username: str, pin: str) -> User:
        """The user if the PIN is right; WrongPin / AccountLocked otherwise (5 tries)."""
        return self._check(username, pin, "login")

    def authorise(self, username: str, pin: str, needed_role: str, action: str) -> User:
        """A manager (or higher) confirming an action with their own PIN, in place."""
        user = self._check(username, pin, f"authorise:{action}")
        require_role(user, needed_role, action)
        return user

    def _check(self, username: str, pin: str, purpose: str) -> User:
        if not is_pin_shaped(pin):
            # A receipt or a barcode scanned into the PIN field while a manager was asked
            # for: no PIN looks like that, so it is not a wrong guess and locks no one out.
            raise NotAPin()
        now = self._clock.now()
        with self._uow() as uow:
            rec = uow.users.find_by_username(username)
            if rec is None or not rec.active:
                uow.audit.record(now, None, "login_failed", username, {"purpose": purpose})
                uow.commit()
                raise WrongPin(MAX_PIN_TRIES)
            if rec.locked_until is not None and rec.locked_until > now:
                raise AccountLocked(rec.username, rec.locked_until)
            if not self._hasher.verify(rec.pin_hash, pin):
                failed = rec.failed_attempts + 1
                locked = now + LOCKOUT if failed >= MAX_PIN_TRIES else None
                uow.users.update_login_state(rec.id, 0 if locked else failed, locked)
                uow.audit.record(now, rec.id, "login_failed", rec.username,
                                 {"purpose": purpose, "locked": locked is not None})
                uow.commit()
                if locked:
                    raise AccountLocked(rec.username, locked)
                raise WrongPin(MAX_PIN_TRIES - failed)
            if rec.failed_attempts or rec.locked_until:
                uow.users.update_login_state(rec.id, 0, None)
            if purpose != "login":
                uow.audit.record(now, rec.id, "authorised", purpose, {})
            uow.commit()
            return _user(rec)

    def add_user(self, actor: User, username: str, display_name: str, role: str, pin: str) -> User:
        """Create a user (managers create cashiers; only admins create managers/admins)."""
        require_role(actor, "manager", "add_user")
        if role not in ROLE_RANK:
            raise ValidationFailed("role", "role must be cashier, manager or admin")
        if ROLE_RANK[role] > ROLE_RANK[actor.role]:
            raise PermissionDenied("add_user", actor.role, role)
        if not username.strip() or not display_name.strip():
            raise ValidationFailed("username", "user name and display name are required")
        validate_pin(pin)
        now = self._clock.now()
        with self._uow() as uow:
            if uow.users.find_by_username(username) is not None:
                raise ValidationFailed("username", f"user {username!r} already exists")
            rec = UserRecord(self._ids.new_id(), username.strip(), display_name.strip(), role,
                             self._hasher.hash(pin), 0, None, True)
            uow.users.add(rec, now)
            uow.audit.record(now, actor.id, "user_added", rec.username, {"role": role})
            uow.commit()
            return _user(rec)

    def reset_pin(self, actor: User, username: str, new_pin: str) -> None:
        require_role(actor, "manager", "reset_pin")
        validate_pin(new_pin)
        now = self._clock.now()
        with self._uow() as uow:
            rec = uow.users.find_by_username(username)
            if rec is None:
                raise ValidationFailed("username", f"no user {username!r}")
            if ROLE_RANK[rec.role] > ROLE_RANK[actor.role]:
                raise PermissionDenied("reset_pin", actor.role, rec.role)
            uow.users.update(rec.id, pin_hash=self._hasher.hash(new_pin))
            uow.audit.record(now, actor.id, "user_pin_reset", rec.username, {})
            uow.commit()

    def set_role(self, actor: User, username: str, role: str) -> None:
        require_role(actor, "admin", "set_role")
        if role not in ROLE_RANK:
            raise ValidationFailed("role", "role must be cashier, manager or admin")
        now = self._clock.now()
        with self._uow() as uow:
            rec = uow.users.find_by_username(username)
            if rec is None:
                raise ValidationFailed("username", f"no user {username!r}")
            uow.users.update(rec.id, role=role)
            uow.audit.record(now, actor.id, "user_role_changed", rec.username,
                             {"from": rec.role, "to": role})
            uow.commit()

    def users(self) -> list[User]:
        with self._uow() as uow:
            return [_user(r) for r in uow.users.all()]


def _user(rec: UserRecord) -> User:
    return User(rec.id, rec.username, rec.display_name, rec.role)
