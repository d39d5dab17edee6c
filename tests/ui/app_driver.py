"""The real cashier app in its own process, driven from inside by a small script: for what only
a whole process shows (a restore restarts the app).

    POS_DRIVE=SCRIPT.json python -m tests.ui.app_driver --data-dir DIR run

runs `pos --data-dir DIR run` (pos_cli.main -> ui.main.main, the app's real start, login,
window, sync worker and shutdown) after making the QApplication and a driver that looks at the
app's windows every 50 ms. SCRIPT is {"journal": PATH, "restore": BACKUP or null,
"remove_before_yes": bool, "mark_env": NAME, "clock_at": ISO time, "clock_t0": monotonic
seconds}: the app runs on a clock that reads clock_at at clock_t0 (ui.main.APP_CLOCK), not
on the machine's date. The driver appends one JSON line per event to
the journal (flushed and fsynced, so the test reads it as soon as it is there):

- every start: {"event": "started", "incarnation": n, "pid", "argv" (sys.orig_argv),
  "mark" (the value of the variable named by mark_env, which the driver then changes: a
  restart must start with the environment the app started with, not the run's)};
- the first start, with a backup to restore: logs in as the manager, opens the manager
  screens on 恢复备份, chooses the backup (what the file dialog does), confirms with Yes
  ("confirmed"), then "restored" {epoch, unsent} or "restore_failed" {message}. After a
  failure it sells one item, wakes the sync worker and waits for the sale to reach head office
  ("synced_after_failure" {backlog}), then quits;
- any later start (the app restarted itself): logs in, and once the window is ready says
  "ready" {epoch, backlog}, waits for the sync worker's first good contact ("synced"
  {epoch, backlog}) and quits.

Nothing here replaces the app's own code: the restart, if any, is the app's."""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

SYNC_WAIT_S = 90.0


class RunningClock:
    """The app's clock: the script's `clock_at` at the monotonic instant `clock_t0` the test
    wrote, running at the machine's pace from there. CLOCK_MONOTONIC is one clock for every
    process on the machine, so the app after a restart goes on where the one before left
    off; the till's time never comes from today's date."""

    def __init__(self, start: datetime, t0: float) -> None:
        self.start = start
        self.t0 = t0

    def now(self) -> datetime:
        return (self.start + timedelta(seconds=time.monotonic() - self.t0)).replace(
            microsecond=0)


def journal(path: Path, event: str, **fields: Any) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps({"event": event, "pid": os.getpid(), **fields},
                           ensure_ascii=False, default=str) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _starts(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines()
               if json.loads(line)["event"] == "started")


class Driver:
    def __init__(self, app: QApplication, script: dict[str, Any], incarnation: int,
                 clock: RunningClock) -> None:
        self.app = app
        self.script = script
        self.log = Path(script["journal"])
        self.incarnation = incarnation
        self.stage = "login"
        self.window: Any = None
        self.deadline = 0.0
        # Contacts from now on count, by the app's own clock.
        self.clock = clock
        self.since = clock.now()
        self.timer = QTimer()
        self.timer.timeout.connect(self.tick)
        self.timer.start(50)

    def note(self, event: str, **fields: Any) -> None:
        journal(self.log, event, incarnation=self.incarnation, **fields)

    def _link(self) -> Any:
        return self.window._ctx.headoffice

    def tick(self) -> None:
        try:
            getattr(self, f"_{self.stage}")()
        except Exception as exc:  # noqa: BLE001 - say what broke, then stop the app
            self.note("driver_error", error=repr(exc), stage=self.stage)
            self.timer.stop()
            self.app.exit(3)

    def _login(self) -> None:
        from ui.login_dialog import LoginDialog
        dialogs = [w for w in self.app.topLevelWidgets()
                   if isinstance(w, LoginDialog) and w.isVisible()]
        if not dialogs or dialogs[0].user_box.findData("manager") < 0:
            return
        if self.script.get("mark_env"):
            # The app is running: what the run puts in its environment from now on is not
            # what a restart starts with.
            os.environ[self.script["mark_env"]] = "changed during the run"
        login = dialogs[0]
        login.user_box.setCurrentIndex(login.user_box.findData("manager"))
        login.pin_edit.setText("2222")
        login.login_button.click()
        self.stage = "window"

    def _window(self) -> None:
        from ui.login_dialog import OpenShiftDialog
        from ui.main_window import MainWindow
        windows = [w for w in self.app.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            return
        self.window = window = windows[0]
        if isinstance(window.dialog, OpenShiftDialog) and window.dialog.isVisible():
            window.dialog.float_edit.setText("500.00")
            window.dialog.open_button.click()
            return
        if not window.selling.isEnabled():
            return
        st = self._link().store.state()
        if self.incarnation == 1 and self.script.get("restore"):
            window.open_manager("restore")
            self.stage = "manager"
        else:
            self.note("ready", epoch=st.epoch, backlog=st.backlog)
            self.deadline = time.monotonic() + SYNC_WAIT_S
            self.stage = "synced"

    def _manager(self) -> None:
        from ui.manager_dialog import ManagerDialog
        dialog = self.window.dialog
        if not isinstance(dialog, ManagerDialog) or not dialog.isVisible():
            return
        self.screen = screen = dialog.restore
        screen.restored.connect(lambda r: self.note("restored", epoch=r.epoch, unsent=r.unsent))
        screen.choose(Path(self.script["restore"]))
        self.stage = "confirm"

    def _confirm(self) -> None:
        box = self.screen.confirm
        if box is None or not box.isVisible():
            return
        if self.script.get("remove_before_yes"):     # the USB stick pulled out meanwhile
            Path(self.script["restore"]).unlink()
        self.note("confirmed", text=box.text())
        box.button(QMessageBox.StandardButton.Yes).click()
        self.stage = "restoring"

    def _restoring(self) -> None:
        # Success: the screen asks the app to restart (nothing for the driver to do). Failure:
        # the screen says so and offers the button again.
        if not self.screen.pick_button.isEnabled():
            return
        self.note("restore_failed", message=self.screen.message.text())
        ctx = self.window._ctx
        from pos_app.domain.tenders import TenderInput, TenderKind
        session = ctx.services.selling.new_session()
        session.add("REG100")
        session.complete([TenderInput(TenderKind.CASH, session.view().total_fen)],
                         ctx.user)
        self.since = self.clock.now()
        self._link().worker.wake()
        self.deadline = time.monotonic() + SYNC_WAIT_S
        self.stage = "synced"

    def _synced(self) -> None:
        st = self._link().store.state()
        done = st.backlog == 0 and st.last_success_at is not None and \
            st.last_success_at >= self.since
        if not done and time.monotonic() < self.deadline:
            return
        event = "synced_after_failure" if self.incarnation == 1 else "synced"
        self.note(event if done else "not_synced", epoch=st.epoch, backlog=st.backlog)
        self.timer.stop()
        self.app.quit()


def main() -> int:
    script = json.loads(Path(os.environ["POS_DRIVE"]).read_text(encoding="utf-8"))
    log = Path(script["journal"])
    incarnation = _starts(log) + 1
    journal(log, "started", incarnation=incarnation, argv=sys.orig_argv,
            mark=os.environ.get(script.get("mark_env", ""), None))
    app = QApplication(sys.argv[:1])          # ui.main.main uses the existing one
    import ui.main
    ui.main.APP_CLOCK = clock = RunningClock(datetime.fromisoformat(script["clock_at"]),
                                             float(script["clock_t0"]))
    driver = Driver(app, script, incarnation, clock)
    from pos_cli.main import main as pos_main
    code = pos_main(sys.argv[1:])
    driver.note("exited", code=code)
    return code


if __name__ == "__main__":
    sys.exit(main())
