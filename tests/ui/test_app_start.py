"""The app as the README starts it: `pos init --demo`, then `pos run` up to the login screen."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.ui.conftest import Till
from ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_pos_run_opens_the_login_screen_on_the_demo_shop(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    pos = [sys.executable, "-m", "pos_cli", "--data-dir", str(data)]
    subprocess.run([*pos, "init", "--demo"], check=True, capture_output=True, timeout=120)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1")
    out = subprocess.run([*pos, "run"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "SHOWN loginDialog" in out.stdout and "READY loginDialog" in out.stdout
    log_text = (data / "logs" / "pos.log").read_text(encoding="utf-8")
    assert "login screen shown" in log_text


def test_the_main_window_remembers_its_geometry(till: Till, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    state = QSettings(str(tmp_path / "ui-state.ini"), QSettings.Format.IniFormat)
    first = MainWindow(till.ctx, state)
    qtbot.addWidget(first)
    # The offscreen screen is small: Qt keeps a restored window on screen, so move, don't grow.
    first.resize(1000, 700)
    first.move(37, 21)
    first.show()
    first.close()
    second = MainWindow(till.ctx, QSettings(str(tmp_path / "ui-state.ini"),
                                            QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert state.contains("main/geometry")
    # Offscreen, Qt clamps a restored window into its small virtual screen, so the exact
    # position can't be compared here; the stored geometry must be accepted as a whole.
    assert second.restoreGeometry(state.value("main/geometry"))
    assert second.width() == 1000


def test_a_broken_settings_file_stops_the_app_with_an_explanation_not_a_traceback(
        tmp_path: Path) -> None:
    data = tmp_path / "till"
    data.mkdir()
    (data / "till.toml").write_text('[devices]\nprinter = "COM3"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1")
    out = subprocess.run([sys.executable, "-m", "ui.main", str(data)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert "FAILED ValidationFailed" in out.stdout
    assert "Traceback" not in out.stderr
    assert "devices.printer" in (data / "logs" / "pos.log").read_text(encoding="utf-8")


def test_the_store_file_name_known_to_the_fast_login_matches_the_store() -> None:
    from db.store import DB_FILE
    from ui.main import STORE_FILE
    assert STORE_FILE == DB_FILE


def test_the_start_up_user_list_is_read_without_the_store_layer(stocked) -> None:  # noqa: ANN001
    from ui.main import quick_users
    users = quick_users(stocked.data_dir)
    assert {u.username for u in users} == {"admin", "manager", "cashier"}
    assert quick_users(stocked.data_dir / "nowhere") == []


DRIVER = """
import sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from ui.login_dialog import LoginDialog, OpenShiftDialog
from ui.main import main
from ui.main_window import MainWindow
seen = {}
deadline = time.monotonic() + 60

def step():
    tops = [w for w in app.topLevelWidgets() if w.isVisible()]
    login = next((w for w in tops if isinstance(w, LoginDialog)), None)
    window = next((w for w in tops if isinstance(w, MainWindow)), None)
    if login is not None and "login" not in seen:
        seen["login"] = True
        login.user_box.setCurrentIndex(login.user_box.findData("cashier"))
        login.pin_edit.setText("1111")
        login.login_button.click()
    elif (window is not None and isinstance(window.dialog, OpenShiftDialog)
          and window.dialog.isVisible() and "float" not in seen):
        seen["float"] = True
        window.dialog.float_edit.setText("300.00")
        window.dialog.open_button.click()
    elif window is not None and window.selling.isEnabled():
        print("SELLING", window.status["cashier"].text(), flush=True)
        window.close()
        app.quit()
        return
    if time.monotonic() > deadline:
        print("TIMEOUT", seen, flush=True)
        app.quit()
        return
    QTimer.singleShot(50, step)

QTimer.singleShot(100, step)
sys.exit(main(Path(sys.argv[1])))
"""


def test_main_shows_the_login_first_then_the_selling_screen_after_the_shift_opens(
        stocked) -> None:  # noqa: ANN001
    """ui.main.main() end to end (own process): login screen, PIN, float, selling screen."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", DRIVER, str(stocked.data_dir)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "SELLING" in out.stdout, out.stdout + out.stderr[-2000:]
    shift = stocked.services.shifts.current()
    assert shift is not None and shift.opening_float_fen == 30_000


def test_the_first_login_checks_the_pin_before_the_store_has_opened(stocked) -> None:  # noqa: ANN001
    """A right PIN is accepted from the users table alone; a wrong one still goes through the
    store, which counts it; a user with failed attempts to reset also goes through the store."""
    from pos_app.domain.errors import WrongPin
    from ui.main import _Boot, quick_login
    data = stocked.data_dir
    user = quick_login(data, "cashier", "1111")
    assert user is not None and user.username == "cashier" and user.role == "cashier"
    assert quick_login(data, "cashier", "9999") is None
    assert quick_login(data, "nobody", "1111") is None
    boot = _Boot(data)                  # not started: the store is "still opening"
    assert boot.login("cashier", "1111").username == "cashier"
    boot.start()
    with pytest.raises(WrongPin):
        boot.login("cashier", "0000")
    with stocked.services.uow() as uow:
        assert uow.users.find_by_username("cashier").failed_attempts == 1
    assert quick_login(data, "cashier", "1111") is None      # a failure to reset: the store decides
    assert boot.login("cashier", "1111").username == "cashier"
    with stocked.services.uow() as uow:
        assert uow.users.find_by_username("cashier").failed_attempts == 0


def test_the_first_login_smoke_run_reports_the_pin_accepted(tmp_path: Path) -> None:
    data = tmp_path / "demo"
    pos = [sys.executable, "-m", "pos_cli", "--data-dir", str(data)]
    subprocess.run([*pos, "init", "--demo"], check=True, capture_output=True, timeout=120)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1",
               POS_SMOKE_LOGIN="cashier:1111")
    out = subprocess.run([sys.executable, "-m", "ui.main", str(data)], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = out.stdout.split("\n")
    assert lines[0] == "SHOWN loginDialog" and lines[1].startswith("LOGGED_IN ")
    assert "READY loginDialog" in out.stdout
    assert "1111" not in (data / "logs" / "pos.log").read_text(encoding="utf-8")
