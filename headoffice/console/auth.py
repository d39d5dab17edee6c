"""Console sign-in: argon2 passwords, optional TOTP, lockout, server-side sessions with a
CSRF token each, and the roles. HTTP-free; web.py turns these into cookies and redirects."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from headoffice.console.models import AuditRow, ConsoleSessionRow, ConsoleUserRow
from headoffice.errors import HeadOfficeError
from headoffice.models import ShopRow

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")

# What each role may do. A permission "x" lets a user see pages of area x; "x.write" lets
# them change things there. A shop manager sees their own shop only (see `Who.shop_scope`).
ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({"*"}),
    "membership": frozenset({"dashboard", "members", "members.write", "rules", "rules.write",
                             "catalog", "promotions", "promotions.write", "privacy",
                             "privacy.write", "messages"}),
    "finance": frozenset({"dashboard", "money", "money.write", "reports", "worklist",
                          "worklist.write", "members"}),
    "shop_manager": frozenset({"dashboard", "reports", "shops"}),
}
# Every signed-in person may change their own password and second factor.
ROLES = {role: granted | {"account"} for role, granted in ROLES.items()}

_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs the same time.
_DUMMY_HASH = _hasher.hash("not-a-password-" + secrets.token_hex(8))


class SignInRefused(HeadOfficeError):
    """reason: bad_credentials | locked | inactive | bad_code."""

    def __init__(self, reason: str, until: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.until = until


class BadUserInput(HeadOfficeError):
    """A form value is not acceptable: `field` and a message id for the page."""

    def __init__(self, field: str, message: str, **params: Any) -> None:
        super().__init__(field, message)
        self.field = field
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Who:
    """The person behind a request."""

    user_id: str
    username: str
    display_name: str
    role: str
    shop_id: str | None
    csrf: str

    def can(self, permission: str) -> bool:
        granted = ROLES.get(self.role, frozenset())
        return "*" in granted or permission in granted

    @property
    def shop_scope(self) -> str | None:
        """The one shop this person may see, or None for the whole chain."""
        return self.shop_id if self.role == "shop_manager" else None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def check_new_password(password: str) -> None:
    if len(password) < 10:
        raise BadUserInput("password", "Password must be at least 10 characters")
    if len(password) > 200:
        raise BadUserInput("password", "Password is too long")


def add_user(s: Session, now: datetime, new_id: str, username: str, password: str, role: str,
             shop_code: str | None = None, display_name: str = "",
             totp_secret: str | None = None) -> ConsoleUserRow:
    username = username.strip().lower()
    if not (2 <= len(username) <= 40) or not set(username) <= USERNAME_CHARS:
        raise BadUserInput("username", "User name: 2-40 letters, digits, dot, dash or underscore")
    if role not in ROLES:
        raise BadUserInput("role", "Unknown role")
    check_new_password(password)
    shop_id = None
    if role == "shop_manager":
        if not shop_code:
            raise BadUserInput("shop", "A shop manager needs a shop")
        shop_id = s.execute(select(ShopRow.id).where(ShopRow.code == shop_code)).scalar()
        if shop_id is None:
            raise BadUserInput("shop", "Unknown shop")
    if s.execute(select(ConsoleUserRow.id).where(ConsoleUserRow.username == username)).first():
        raise BadUserInput("username", "This user name is taken")
    row = ConsoleUserRow(id=new_id, username=username, display_name=display_name or username,
                         password_hash=hash_password(password), role=role, shop_id=shop_id,
                         totp_secret=totp_secret, failed_logins=0, locked_until=None,
                         active=True, created_at=now, last_login_at=None)
    s.add(row)
    s.flush()
    return row


def verify_password(s: Session, now: datetime, username: str, password: str
                    ) -> ConsoleUserRow:
    """The user whose password this is, or SignInRefused; counts failures and locks."""
    user = s.execute(select(ConsoleUserRow).where(
        ConsoleUserRow.username == username.strip().lower()[:40]).with_for_update()
    ).scalar_one_or_none()
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password or "x")
        except (VerificationError, InvalidHashError):
            pass
        raise SignInRefused("bad_credentials")
    if user.locked_until is not None and user.locked_until > now:
        raise SignInRefused("locked", user.locked_until)
    try:
        _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            audit(s, now, None, user.username, "user.locked", user.username, None,
                  {"until": user.locked_until.isoformat()})
            raise SignInRefused("locked", user.locked_until) from None
        raise SignInRefused("bad_credentials") from None
    if not user.active:
        raise SignInRefused("inactive")
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(s: Session, now: datetime, user: ConsoleUserRow) -> str:
    """A new session for `user`; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    s.add(ConsoleSessionRow(token_hash=_sha(token), user_id=user.id,
                            csrf=secrets.token_urlsafe(32),
                            stage="totp" if user.totp_secret else "ok", created_at=now,
                            expires_at=now + SESSION_IDLE, last_seen_at=now))
    if not user.totp_secret:
        user.last_login_at = now
    s.flush()
    return token


def check_totp(s: Session, now: datetime, token: str, code: str) -> None:
    import pyotp

    row = s.get(ConsoleSessionRow, _sha(token), with_for_update=True)
    if row is None or row.expires_at < now or row.stage != "totp":
        raise SignInRefused("bad_credentials")
    user = s.get(ConsoleUserRow, row.user_id, with_for_update=True)
    if user.locked_until is not None and user.locked_until > now:
        raise SignInRefused("locked", user.locked_until)
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and
            pyotp.TOTP(user.totp_secret).verify(code, for_time=now, valid_window=1)):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            s.delete(row)
            raise SignInRefused("locked", user.locked_until)
        raise SignInRefused("bad_code")
    user.failed_logins = 0
    user.last_login_at = now
    row.stage = "ok"
    row.csrf = secrets.token_urlsafe(32)


def session_user(s: Session, now: datetime, token: str | None, stage: str = "ok"
                 ) -> Who | None:
    if not token or len(token) > 100:
        return None
    # Session and user in one statement: every console request starts here.
    found = s.execute(select(ConsoleSessionRow, ConsoleUserRow)
                      .outerjoin(ConsoleUserRow, ConsoleUserRow.id == ConsoleSessionRow.user_id)
                      .where(ConsoleSessionRow.token_hash == _sha(token))).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at < now or row.stage != stage:
        return None
    if user is None or not user.active:
        return None
    if (now - row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now
        row.expires_at = now + SESSION_IDLE
    return Who(user.id, user.username, user.display_name, user.role, user.shop_id, row.csrf)


def password_matches(user: ConsoleUserRow, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def end_sessions(s: Session, user_id: str, keep_token: str | None = None) -> None:
    """Sign a user out everywhere (but for the session of `keep_token`)."""
    q = delete(ConsoleSessionRow).where(ConsoleSessionRow.user_id == user_id)
    if keep_token:
        q = q.where(ConsoleSessionRow.token_hash != _sha(keep_token))
    s.execute(q)


def end_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(ConsoleSessionRow).where(ConsoleSessionRow.token_hash == _sha(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())


def audit(s: Session, now: datetime, who: Who | None, username: str | None, action: str,
          target: str, before: Any, after: Any, shop_id: str | None = None) -> None:
    """One audit line, in the transaction of the change it describes."""
    s.add(AuditRow(at=now, user_id=who.user_id if who else None,
                   username=(who.username if who else username) or "system", action=action,
                   target=str(target)[:120], shop_id=shop_id,
                   before=json.dumps(before, ensure_ascii=False, sort_keys=True, default=str),
                   after=json.dumps(after, ensure_ascii=False, sort_keys=True, default=str)))
