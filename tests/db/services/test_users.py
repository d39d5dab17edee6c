"""Users, roles, PIN lockout and the audit log."""
from __future__ import annotations

from datetime import timedelta

import pytest

from db.store import DB_FILE
from pos_app.domain.errors import (
    AccountLocked,
    NotAPin,
    PermissionDenied,
    ValidationFailed,
    WrongPin,
)
from tests.store_support import store_db


def test_login_with_the_right_pin_and_wrong_pins_lock_after_five_tries(shop):
    auth = shop.services.auth
    assert auth.login("cashier", "1111").role == "cashier"
    for left in (4, 3, 2, 1):
        with pytest.raises(WrongPin) as err:
            auth.login("cashier", "0000")
        assert err.value.tries_left == left
    with pytest.raises(AccountLocked):
        auth.login("cashier", "0000")
    with pytest.raises(AccountLocked):
        auth.login("cashier", "1111")        # locked even with the right PIN
    shop.clock.at += timedelta(minutes=16)
    assert auth.login("cashier", "1111").username == "cashier"


def test_a_scan_in_the_pin_field_is_not_a_wrong_pin_and_locks_no_one_out(shop):
    """Under Xvfb: F7 asks for a manager; the cashier scanned the receipt at once, into the
    manager's PIN field, and it counted as a wrong PIN (five scans would lock the manager)."""
    auth = shop.services.auth
    scans = ("T01-261203-000001", "6900000000017", "69000000017", "１２３４", "123", ";100002?")
    for _round in range(2):
        for scan in scans:
            with pytest.raises(NotAPin):
                auth.authorise("manager", scan, "manager", "return")
            with pytest.raises(NotAPin):
                auth.login("manager", scan)
    for left in (4, 3):                      # a wrong PIN still counts, from the first
        with pytest.raises(WrongPin) as err:
            auth.login("manager", "0000")
        assert err.value.tries_left == left
    assert auth.authorise("manager", "2222", "manager", "return").username == "manager"


def test_pins_are_stored_as_argon2_hashes(shop):
    db = store_db(shop.data_dir / DB_FILE)
    hashes = [r[0] for r in db.execute("SELECT pin_hash FROM users")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("1111" in h for h in hashes)


def test_a_cashier_cannot_do_manager_actions_but_a_manager_can_authorise_in_place(shop):
    auth = shop.services.auth
    cashier = auth.login("cashier", "1111")
    with pytest.raises(PermissionDenied) as err:
        auth.add_user(cashier, "new", "新人", "cashier", "5555")
    assert err.value.needed_role == "manager"
    with pytest.raises(PermissionDenied):
        auth.authorise("cashier", "1111", "manager", "return")
    manager = auth.authorise("manager", "2222", "manager", "return")
    assert manager.role == "manager"


def test_managers_add_cashiers_and_reset_pins_admins_change_roles(shop):
    auth = shop.services.auth
    manager = auth.login("manager", "2222")
    auth.add_user(manager, "zhao", "赵收银", "cashier", "4321")
    with pytest.raises(PermissionDenied):
        auth.add_user(manager, "boss", "老板", "admin", "4321")
    with pytest.raises(ValidationFailed):
        auth.add_user(manager, "zhao", "重复", "cashier", "4321")
    with pytest.raises(ValidationFailed):
        auth.add_user(manager, "x", "x", "cashier", "12")
    auth.reset_pin(manager, "zhao", "8765")
    assert auth.login("zhao", "8765").display_name == "赵收银"
    with pytest.raises(PermissionDenied):
        auth.set_role(manager, "zhao", "manager")
    auth.set_role(auth.login("admin", "9999"), "zhao", "manager")
    assert auth.login("zhao", "8765").role == "manager"


def test_user_changes_and_failed_logins_are_audited_with_who_and_when(shop):
    auth = shop.services.auth
    manager = auth.login("manager", "2222")
    auth.add_user(manager, "zhao", "赵收银", "cashier", "4321")
    with pytest.raises(WrongPin):
        auth.login("zhao", "0000")
    db = store_db(shop.data_dir / DB_FILE)
    rows = db.execute("SELECT action, target, at FROM audit_log WHERE target='zhao' "
                      "ORDER BY at, action").fetchall()
    assert [r[0] for r in rows] == ["login_failed", "user_added"]
    assert all(r[2].startswith("2026-11-28 12:00") for r in rows)
