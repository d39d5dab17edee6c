"""Screenshots of the till as a cashier sees it, for review (issue 13): run under an X server
with a window manager, e.g.

    Xvfb :99 -screen 0 1366x768x24 & DISPLAY=:99 openbox &
    DISPLAY=:99 LANG=C .venv/bin/python scripts/screenshots.py DATA_DIR OUT_DIR zh_CN

DATA_DIR is a demo till (`pos init --demo`); the last argument is the till's language
setting ("" = not chosen yet). Drives ui.main.main() in this process: login, shift, a basket
with a member, the manager screens' settings and devices tabs, a card dialog, a message box,
the file dialog, and saves whole-screen PNGs (window manager frames included).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402

from pos_app.settings import load_settings, save_settings  # noqa: E402

data_dir, out_dir, language = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
tag = sys.argv[4] if len(sys.argv) > 4 else language or "default"
out_dir.mkdir(parents=True, exist_ok=True)
settings = load_settings(data_dir)
save_settings(data_dir, settings.__class__(**{**settings.__dict__, "language": language}))
app = QApplication([])
from ui.login_dialog import LoginDialog, OpenShiftDialog  # noqa: E402
from ui.main import main  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

steps: list[str] = []
deadline = time.monotonic() + 120


def shot(name: str) -> None:
    QApplication.processEvents()
    screen = app.primaryScreen()
    size = screen.size()
    path = out_dir / f"{name}_{size.width()}x{size.height()}_{tag}.png"
    screen.grabWindow(0).save(str(path))
    print(path, flush=True)


def later(fn, ms: int = 400) -> None:  # noqa: ANN001
    QTimer.singleShot(ms, fn)


def step() -> None:
    tops = [w for w in app.topLevelWidgets() if w.isVisible()]
    login = next((w for w in tops if isinstance(w, LoginDialog)), None)
    window = next((w for w in tops if isinstance(w, MainWindow)), None)
    if time.monotonic() > deadline:
        print("TIMEOUT", steps, flush=True)
        app.quit()
        return
    if login is not None and "login" not in steps:
        steps.append("login")
        shot("01_login")
        login.user_box.setCurrentIndex(login.user_box.findData("cashier"))
        login.pin_edit.setText("1111")
        login.login_button.click()
    elif window is not None and isinstance(window.dialog, OpenShiftDialog) \
            and window.dialog.isVisible() and "float" not in steps:
        steps.append("float")
        window.dialog.float_edit.setText("300.00")
        window.dialog.open_button.click()
    elif window is not None and window.selling.isEnabled() and "selling" not in steps:
        steps.append("selling")
        selling = window.selling
        for code in ("6900000000217", "6900000000218", "6900000000001", "6900000000003"):
            selling.scan(code)
        selling.attach_card("880000000002")
        later(lambda: (shot("02_selling"), manager(window)), 1500)
        return
    later(step, 200)


def manager(window: MainWindow) -> None:
    from ui.card_dialogs import CardReplaceDialog
    from ui.error_messages import show_error
    from ui.manager_dialog import ManagerDialog
    from pos_app.domain.errors import CardBlocked
    ctx = window._ctx
    user = ctx.services.auth.login("manager", "2222")
    dialog = ManagerDialog(ctx, user, window)
    dialog.language_changed.connect(window._on_manager_dialog_language_changed)
    dialog.resize(min(1280, app.primaryScreen().size().width() - 40),
                  app.primaryScreen().size().height() - 80)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.settings)
    later(lambda: shot("03_manager_settings"), 600)
    later(lambda: dialog.tabs.setCurrentWidget(dialog.devices), 900)
    later(lambda: shot("04_manager_devices"), 1800)

    def scroll_down() -> None:
        from PySide6.QtWidgets import QScrollArea
        area = dialog.devices.findChild(QScrollArea)
        area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    later(scroll_down, 2000)
    later(lambda: shot("04b_manager_devices_lower"), 2150)

    def cards() -> None:
        dialog.close()
        replace = CardReplaceDialog("880000000002", 1_000, False, window)
        replace.show()
        later(lambda: (shot("05_card_replace"), replace.close()), 500)
        later(lambda: box(), 900)

    def box() -> None:
        show_error(window, CardBlocked("880000000006", None, "示范百货"))
        later(lambda: (shot("06_lost_card_alert"), files()), 600)

    def files() -> None:
        for w in app.topLevelWidgets():
            if w.objectName() == "messageBox":
                w.close()
        f = QFileDialog(window, "Export", str(data_dir), "*.xlsx")
        f.setOption(QFileDialog.Option.DontUseNativeDialog)
        f.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        f.show()
        later(lambda: (shot("07_file_dialog"), f.close(), window.close(), app.quit()), 800)

    later(cards, 2400)


later(step, 300)
sys.exit(main(data_dir))
