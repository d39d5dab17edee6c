"""The till's main window: login, shift, the selling screen and the status bar."""
from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QWidget

from pos_app.ports.store import ShiftRecord
from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import printer_problem
from ui.login_dialog import LoginDialog, OpenShiftDialog
from ui.manager_auth_dialog import with_role
from ui.selling_screen import SellingScreen

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    """Holds the selling screen; everything else opens as a dialog over it."""

    ready = Signal()          # a user is logged in and a shift is open: selling can start
    logged_out = Signal()

    def __init__(self, ctx: TillContext, ui_settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ui_settings = ui_settings
        self.dialog: QWidget | None = None
        self.shift: ShiftRecord | None = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("Membership POS · %1").replace("%1", ctx.settings.shop.shop_name))
        self.setMinimumSize(1000, 700)
        self.selling = SellingScreen(ctx, self)
        self.selling.status_message.connect(self._on_selling_status_message)
        self.selling.manager_requested.connect(self.open_manager)
        self.selling.logout_requested.connect(self.log_out)
        self.selling.print_finished.connect(lambda _r: self.poll_status())
        self.selling.sale_completed.connect(lambda _s: self.poll_status())
        self.setCentralWidget(self.selling)
        self.selling.setEnabled(False)
        bar = self.statusBar()
        self.status: dict[str, QLabel] = {}
        # Normal (not permanent) widgets: a message the selling screen shows takes the whole
        # bar for its few seconds, then the status comes back. As permanent widgets they left
        # a message about a hundred pixels at 1024×768 ("已挂单，按 F…", seen under Xvfb).
        for key in ("shop", "cashier", "shift", "sync", "printer", "reader", "clock"):
            label = QLabel()
            label.setObjectName(f"status_{key}")
            label.setContentsMargins(6, 0, 6, 0)
            if key == "shop":
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            bar.addWidget(label, 1 if key == "shop" else 0)
            self.status[key] = label
        # The sync indicator opens the sync screen (a manager confirms).
        self.status["sync"].setCursor(Qt.CursorShape.PointingHandCursor)
        self.status["sync"].installEventFilter(self)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start(1000)
        self._ticks = 0
        self._sync: tuple[str, int] = ("none", 0)
        self._waiting = 0
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_app_focus_changed)
        self._restored = False
        if ui_settings is not None:
            geometry = ui_settings.value("main/geometry")
            if isinstance(geometry, QByteArray):
                self._restored = self.restoreGeometry(geometry)
        self.refresh_status()

    def show_initial(self) -> None:
        """Show the window as the cashier left it (size, position, maximised or not); the
        first time, maximised, so the basket's names have the whole screen."""
        if self._restored:
            self.show()
        else:
            self.showMaximized()

    # -- start-up: login, shift ----------------------------------------------------------------
    def start(self) -> LoginDialog:
        """Show the login dialog over the window (users are a short, indexed read)."""
        self.selling.setEnabled(False)
        s = self._ctx.settings.shop
        dialog = LoginDialog(f"{s.shop_name} · {s.till_code}", self._ctx.services.auth.users(),
                             self._ctx.background, self._ctx.services.auth.login, self)
        dialog.logged_in.connect(self._on_login_dialog_logged_in)
        self.dialog = dialog
        dialog.open()
        return dialog

    def continue_login(self, user: User) -> None:
        """A user logged in before this window existed (the start-up login): check the shift."""
        self._on_login_dialog_logged_in(user)

    def _on_login_dialog_logged_in(self, user: User) -> None:
        self._ctx.user = user
        shifts = self._ctx.services.shifts
        self._ctx.background.run(shifts.current, self._on_shift_known)

    def _on_shift_known(self, shift: ShiftRecord | None) -> None:
        if shift is None:
            assert self._ctx.user is not None
            dialog = OpenShiftDialog(self._ctx, self._ctx.user, self)
            dialog.accepted.connect(lambda: self._on_shift_known(dialog.shift))
            dialog.rejected.connect(self.start)
            self.dialog = dialog
            dialog.open()
            return
        self.shift = shift
        self.selling.setEnabled(True)
        self.selling.input.setFocus()
        self.refresh_status()
        self.poll_status()
        self.ready.emit()

    def log_out(self) -> None:
        if not self.selling.session.is_empty:
            self.statusBar().showMessage(self.tr("Finish or hold the sale before logging out."),
                                         5000)
            return
        self._ctx.user = None
        self.refresh_status()
        self.logged_out.emit()
        self.start()

    # -- manager -------------------------------------------------------------------------------
    def open_manager(self, tab: str | None = None) -> None:
        from ui.manager_dialog import ManagerDialog

        def granted(manager: User) -> None:
            dialog = ManagerDialog(self._ctx, manager, self)
            dialog.shift_closed.connect(self._on_manager_dialog_shift_closed)
            dialog.language_changed.connect(self._on_manager_dialog_language_changed)
            dialog.finished.connect(self._on_manager_dialog_finished)
            dialog.sync.synced.connect(self.poll_status)
            dialog.sync.resolved.connect(lambda _id: self.poll_status())
            if tab is not None:
                dialog.tabs.setCurrentWidget(getattr(dialog, tab))
            self.dialog = dialog
            dialog.open()

        asked = with_role(self._ctx, self, "manager_screens", self.tr("the manager screens"),
                          granted)
        if asked is not None:        # a manager confirms first; else granted() set the dialog
            self.dialog = asked

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.status.get("sync") and \
                event.type() == QEvent.Type.MouseButtonRelease:
            self.open_sync_screen()
            return True
        return super().eventFilter(watched, event)

    def open_sync_screen(self) -> None:
        """The manager screens on their sync tab (ui/sync_screen.py)."""
        self.open_manager("sync")

    def _on_manager_dialog_shift_closed(self) -> None:
        self.shift = None
        self.selling.setEnabled(False)
        self.refresh_status()

    def _on_manager_dialog_finished(self, _result: int) -> None:
        if self.shift is None:
            # The shift was closed: the next cashier logs in and opens a new one.
            self._ctx.user = None
            self.refresh_status()
            self.start()

    def _on_manager_dialog_language_changed(self, language: str) -> None:
        self.switch_language(language)

    def switch_language(self, language: str) -> None:
        """Show the till in `language` now: the translators change and every screen's text
        follows (no restart; a sale in progress stays as it is)."""
        from ui import i18n
        app = QApplication.instance()
        if app is None:
            return
        i18n.switch_language(app, i18n.choose_language(language))
        self._ctx.language = i18n.choose_language(language)
        self.setWindowTitle(self.tr("Membership POS · %1").replace(
            "%1", self._ctx.settings.shop.shop_name))
        self.refresh_status()
        # Cells are formatted once per snapshot (discount reasons are words): format again,
        # and the member panel's tier name.
        model = self.selling.model
        model.set_lines(model.lines)
        self.selling.member_panel.set_language(self._ctx.language)
        if self.selling.view is not None:
            self.selling.member_panel.show_view(self.selling.view, self.selling.session.rules)

    # -- status bar ----------------------------------------------------------------------------
    def refresh_status(self) -> None:
        ctx = self._ctx
        s = ctx.settings.shop
        self.status["shop"].setText(f"{s.shop_name} · {s.till_code}")
        self.status["cashier"].setText(
            self.tr("Cashier: %1").replace("%1", ctx.user.display_name) if ctx.user else
            self.tr("Not logged in"))
        self.status["shift"].setText(
            self.tr("Shift since %1").replace("%1", self.shift.opened_at.strftime("%H:%M"))
            if self.shift else self.tr("No shift"))
        sync, pending = self._sync
        texts = {"online": self.tr("Head office online · %1 to upload"),
                 "offline": self.tr("Offline · %1 to upload"),
                 "offline_too_long": self.tr("Offline too long · %1 to upload · call head office"),
                 "refused": self.tr("Head office refused %1 event(s) · ask the manager to "
                                    "check them"),
                 "clock_behind": self.tr("Clock is behind · %1 to upload · set the date "
                                         "and time"),
                 "none": self.tr("Offline · %1 to upload")}
        self.status["sync"].setText(texts.get(sync, texts["offline"]).replace("%1", str(pending)))
        self.status["sync"].setStyleSheet(
            "color: #b71c1c; font-weight: bold;"
            if sync in ("offline_too_long", "refused", "clock_behind") else "")
        state = ctx.receipts.printer_state()
        waiting = self._waiting
        printer = {"ready": self.tr("Printer ready"), "problem": self.tr("Printer problem"),
                   "none": self.tr("No printer")}.get(state, state)
        if waiting:
            printer += " · " + self.tr("%1 receipt(s) waiting (F9)").replace("%1", str(waiting))
        self.status["printer"].setText(printer)
        error = getattr(ctx.receipts, "last_error", None)
        self.status["printer"].setToolTip(printer_problem(error)
                                          if state == "problem" and error is not None else "")
        self.status["printer"].setStyleSheet("color: #e65100; font-weight: bold;"
                                             if waiting or state == "problem" else "")
        reader = ctx.reader_state()
        # Serial drivers report DeviceState values, the PC/SC watcher ReaderState values.
        readers = {"none": self.tr("Card reader: keyboard"),
                   "ready": self.tr("Card reader ready"),
                   "connected": self.tr("Card reader ready"),
                   "connecting": self.tr("Card reader connecting…"),
                   "offline": self.tr("Card reader offline: check its cable"),
                   "disconnected": self.tr("Card reader unplugged"),
                   "service_down": self.tr("Card service (PC/SC) not running"),
                   "stopped": self.tr("Card reader stopped")}
        self.status["reader"].setText(readers.get(
            reader, self.tr("Card reader: %1").replace("%1", reader)))
        self.status["reader"].setStyleSheet(
            "color: #e65100; font-weight: bold;"
            if reader in ("offline", "disconnected", "service_down") else "")
        self._on_clock_timeout()

    def on_device_state(self, *_args: object) -> None:
        """A device driver changed state (a queued signal from its thread): redraw at once."""
        self.refresh_status()

    def _on_clock_timeout(self) -> None:
        # The till's clock (the one its sales are stamped with), not the machine's.
        self.status["clock"].setText(self._ctx.services.clock.now().strftime("%Y-%m-%d %H:%M:%S"))
        self._ticks += 1
        if self._ticks % 10 == 0:
            self.poll_status()

    def poll_status(self) -> None:
        """Re-read the outbox count and the reprint queue off the GUI thread, then redraw."""
        ctx = self._ctx

        printer_status = ctx.printer_status

        def work() -> tuple[tuple[str, int], int]:
            try:
                sync = ctx.sync_state()
            except Exception:  # noqa: BLE001 - a status read must never break the till
                log.exception("sync status failed")
                sync = ("offline", -1)
            if callable(printer_status):
                try:
                    printer_status()   # a printer in trouble is asked again (DLE EOT)
                except Exception:  # noqa: BLE001 - a status read must never break the till
                    log.exception("printer status failed")
            return sync, ctx.receipts.waiting()

        ctx.background.run(work, self._on_status_polled, lambda exc: None, lane="device")

    def _on_status_polled(self, result: tuple[tuple[str, int], int]) -> None:
        self._sync, self._waiting = result
        self.refresh_status()

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        self._ctx.pause_capture(bool(new is not None and new.property("secret")))

    def _on_selling_status_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self._ui_settings is not None:
            self._ui_settings.setValue("main/geometry", self.saveGeometry())
            self._ui_settings.sync()
        super().closeEvent(event)
