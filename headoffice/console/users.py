"""Console users: `pos-hq user add` (the first admin, from the command line) and the users
and account pages' use cases (create, edit, switch off, passwords, TOTP set-up and reset)."""
from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console import auth
from headoffice.console.models import ConsoleUserRow
from headoffice.models import ShopRow


def add_user_cli(ho: Any, args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        no_terminal = ("error: no terminal to ask the password on; pass it on standard input: "
                       "echo \"$PASSWORD\" | pos-hq user add NAME --role ROLE --password-stdin")
        if not sys.stdin.isatty():
            print(no_terminal, file=sys.stderr)
            return 2
        try:
            password = getpass.getpass("password: ")
            again = getpass.getpass("again: ")
        except EOFError:
            print(no_terminal, file=sys.stderr)
            return 2
        if again != password:
            print("the two passwords differ", file=sys.stderr)
            return 2
    secret = None
    if args.totp:
        import pyotp
        secret = pyotp.random_base32()

    def work(s: Any) -> None:
        row = auth.add_user(s, ho.clock(), ho.ids.new_id(), args.username, password, args.role,
                            args.shop, args.name, secret)
        auth.audit(s, ho.clock(), None, "pos-hq", "user.added", row.username, None,
                   {"username": row.username, "role": row.role, "shop": args.shop,
                    "totp": bool(secret)})
    try:
        ho.transaction(work)
    except auth.BadUserInput as exc:
        print(f"{exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(f"user {args.username.strip().lower()} added ({args.role})")
    if secret:
        print(f"TOTP secret (add it to the authenticator app now; shown once): {secret}")
        print(provisioning(secret, args.username.strip().lower()))
    return 0


# -- console user management (pages/users.py) ------------------------------------------------
DISPLAY_MAX = 60


def user_rows(s: Session) -> list[dict[str, Any]]:
    """Every console user with their shop code, for the users page."""
    codes = {r.id: r.code for r in s.scalars(select(ShopRow))}
    return [{"u": u, "shop": codes.get(u.shop_id or "", "")}
            for u in s.scalars(select(ConsoleUserRow).order_by(ConsoleUserRow.username))]


def get_user(s: Session, user_id: str, lock: bool = False) -> ConsoleUserRow:
    row = s.get(ConsoleUserRow, user_id[:36], with_for_update=lock)
    if row is None:
        raise KeyError(user_id)
    return row


def _snapshot(s: Session, u: ConsoleUserRow) -> dict[str, Any]:
    shop = s.get(ShopRow, u.shop_id) if u.shop_id else None
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "shop": shop.code if shop else None, "active": u.active,
            "totp": bool(u.totp_secret)}


def _display_name(form: dict[str, Any], default: str) -> str:
    name = str(form.get("display_name", "")).strip() or default
    if len(name) > DISPLAY_MAX:
        raise auth.BadUserInput("display_name", "At most 60 characters.")
    return name


def create_user(s: Session, now: datetime, who: auth.Who, new_id: str,
                form: dict[str, Any]) -> ConsoleUserRow:
    """A new console user from the users page; the password is typed twice."""
    username = str(form.get("username", ""))
    display = _display_name(form, username.strip().lower())
    password = str(form.get("password", ""))
    auth.check_new_password(password)
    if str(form.get("again", "")) != password:
        raise auth.BadUserInput("again", "The two passwords differ.")
    row = auth.add_user(s, now, new_id, username, password, str(form.get("role", "")),
                        str(form.get("shop", "")) or None, display)
    auth.audit(s, now, who, None, "user.added", row.username, None, _snapshot(s, row))
    return row


def update_user(s: Session, now: datetime, who: auth.Who, user_id: str,
                form: dict[str, Any]) -> None:
    """Display name, role, shop, on/off, and optionally a new password set by an admin.
    An admin cannot switch themselves off or take away their own admin role."""
    u = get_user(s, user_id, lock=True)
    before = _snapshot(s, u)
    display = _display_name(form, u.username)
    role = str(form.get("role", ""))
    if role not in auth.ROLES:
        raise auth.BadUserInput("role", "Unknown role")
    active = str(form.get("active", "")) in ("on", "1", "true")
    if u.id == who.user_id and (role != u.role or not active):
        raise auth.BadUserInput("role" if role != u.role else "active",
                                "You cannot take away your own access; ask another "
                                "administrator.")
    shop_id = None
    if role == "shop_manager":
        code = str(form.get("shop", ""))
        if not code:
            raise auth.BadUserInput("shop", "A shop manager needs a shop")
        shop_id = s.scalar(select(ShopRow.id).where(ShopRow.code == code))
        if shop_id is None:
            raise auth.BadUserInput("shop", "Unknown shop")
    password = str(form.get("password", ""))
    if password:
        auth.check_new_password(password)
        if str(form.get("again", "")) != password:
            raise auth.BadUserInput("again", "The two passwords differ.")
    u.display_name, u.role, u.shop_id, u.active = display, role, shop_id, active
    if password:
        u.password_hash = auth.hash_password(password)
        u.failed_logins, u.locked_until = 0, None
    if not active or password or role != before["role"]:
        auth.end_sessions(s, u.id)              # takes effect now, not at the next sign-in
    after = _snapshot(s, u)
    if after != before:
        auth.audit(s, now, who, None, "user.updated", u.username, before, after)
    if password:
        auth.audit(s, now, who, None, "user.password_reset", u.username, None, None)


def reset_totp(s: Session, now: datetime, who: auth.Who, user_id: str) -> None:
    """An admin removes another user's second factor (a lost phone); they set it up again."""
    u = get_user(s, user_id, lock=True)
    if not u.totp_secret and not u.totp_pending:
        raise auth.BadUserInput("totp", "This user has no second factor.")
    u.totp_secret = u.totp_pending = None
    auth.audit(s, now, who, None, "user.totp_reset", u.username, {"totp": True},
               {"totp": False})


def change_own_password(s: Session, now: datetime, who: auth.Who, form: dict[str, Any],
                        keep_token: str | None) -> None:
    """A signed-in user's own new password: the current one is required (a wrong one counts
    towards the lockout like a failed sign-in); other sessions of the user end."""
    current = str(form.get("current_password", ""))
    new = str(form.get("new_password", ""))
    if not current:
        raise auth.BadUserInput("current_password", "Enter your current password.")
    u = get_user(s, who.user_id, lock=True)
    if not auth.password_matches(u, current):
        u.failed_logins += 1
        if u.failed_logins >= auth.MAX_FAILURES:
            u.locked_until, u.failed_logins = now + auth.LOCKOUT, 0
            auth.audit(s, now, who, None, "user.locked", u.username, None,
                       {"until": u.locked_until.isoformat()})
        raise auth.BadUserInput("current_password", "This is not your current password.")
    try:
        auth.check_new_password(new)
    except auth.BadUserInput as exc:
        raise auth.BadUserInput("new_password", exc.message) from None
    if new == current:
        raise auth.BadUserInput("new_password", "Choose a password other than the current one.")
    if str(form.get("again", "")) != new:
        raise auth.BadUserInput("again", "The two passwords differ.")
    u.password_hash = auth.hash_password(new)
    u.failed_logins = 0
    auth.end_sessions(s, u.id, keep_token)
    auth.audit(s, now, who, None, "user.password_changed", u.username, None, None)


def start_totp(s: Session, now: datetime, who: auth.Who) -> str:
    """A new secret for the user's authenticator app; it is used only once confirmed."""
    import pyotp

    u = get_user(s, who.user_id, lock=True)
    u.totp_pending = pyotp.random_base32()
    auth.audit(s, now, who, None, "user.totp_setup_started", u.username, None, None)
    return u.totp_pending


def confirm_totp(s: Session, now: datetime, who: auth.Who, code: str) -> None:
    """A code from the new secret switches it on (replacing any earlier secret)."""
    import pyotp

    u = get_user(s, who.user_id, lock=True)
    if not u.totp_pending:
        raise auth.BadUserInput("code", "Start the set-up first.")
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6 and
            pyotp.TOTP(u.totp_pending).verify(code, for_time=now, valid_window=1)):
        raise auth.BadUserInput("code", "The 6-digit code is wrong or expired. Enter the code "
                                        "your app shows now.")
    had = bool(u.totp_secret)
    u.totp_secret, u.totp_pending = u.totp_pending, None
    auth.audit(s, now, who, None, "user.totp_enabled", u.username, {"totp": had},
               {"totp": True})


def pending_totp(s: Session, who: auth.Who) -> tuple[str | None, bool]:
    """(the secret being set up or None, whether a second factor is on) for the account page."""
    u = get_user(s, who.user_id)
    return u.totp_pending, bool(u.totp_secret)


def provisioning(secret: str, username: str) -> str:
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name="POS head office")
