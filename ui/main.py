"""The app shell of the cashier app: logging, Qt, translations, settings, the login screen while
the store opens, the main window, and shutdown.

Its neighbours do the rest: ui/receipt_desk.py (receipts and the drawer), ui/device_wiring.py
(devices to Qt signals). With those two it is the only part of ui/ that may import db/,
hardware/ and receipts/ (import-linter).
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from pos_app.bootstrap import Services
from pos_app.ports.clock import Clock
from pos_app.ports.printing import CashDrawer, ReceiptPrinter
from pos_app.settings import Settings
from ui import i18n
from ui.background import Background
from ui.context import TillContext
from ui.device_wiring import (PortLeases, make_device_checks, pcsc_readers, serial_ports,
                              start_devices)
from ui.receipt_desk import export_xlsx, open_receipt_desk

if TYPE_CHECKING:
    from pos_app.services.ic_cards import IcCardService
    from ui.main_window import MainWindow
    from wiring import HeadOfficeLink, Till

log = logging.getLogger(__name__)
RESTART_EXIT = 75     # app.exit code that means "start again" (a restored backup)

LOG_FILE = "pos.log"
UI_STATE_FILE = "ui-state.ini"
# db.store.DB_FILE, named here because importing db.store pulls in SQLAlchemy (slow start-up);
# tests/ui/test_app_start.py checks the two agree.
STORE_FILE = "pos.sqlite3"
# Set to 1: start, show the login screen, print "READY loginDialog" and quit (smoke tests).
SMOKE_ENV = "POS_SMOKE_EXIT"
SMOKE_LOGIN_ENV = "POS_SMOKE_LOGIN"   # "user:pin" of a demo store, for the first-login benchmark


def setup_logging(data_dir: Path, verbose: bool = False) -> Path:
    """A rotating log file in the data dir (5 x 2 MB). Card data and PINs are never logged."""
    log_dir = data_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for other in root.handlers:
        # The console (set up by the CLI) keeps to warnings; details go to the file.
        if not verbose and other.level == logging.NOTSET:
            other.setLevel(logging.WARNING)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # HTTP client libraries log every request URL at INFO/DEBUG; URLs are not ours to keep
    # in a till's log (a query string may carry a card number or mobile), so only their
    # warnings reach the file.
    for name in ("httpx", "httpcore", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return path


def outbox_counter(data_dir: Path):  # noqa: ANN201 - a small closure
    """Events not yet acknowledged by head office (db/early_reads.py: a short read-only query)."""
    from db.early_reads import outbox_pending
    return outbox_pending(data_dir)


def _not_enrolled(pending: Any) -> Any:
    return lambda: ("none", pending())


def build_context(data_dir: Path, services: Services, settings: Settings, language: str,
                  printer: ReceiptPrinter | None = None, drawer: CashDrawer | None = None,
                  background: Background | None = None,
                  headoffice: HeadOfficeLink | None = None,
                  ic_service: IcCardService | None = None) -> TillContext:
    """Everything the screens need; tests call it with their own store and printer."""
    from pos_app.settings import save_settings
    desk = open_receipt_desk(data_dir, services, settings, printer, drawer)
    ctx = TillContext(services=services, background=background or Background(),
                      settings=settings, data_dir=data_dir, receipts=desk, language=language,
                      sync_state=(headoffice.state if headoffice is not None
                                  else _not_enrolled(outbox_counter(data_dir))),
                      save_settings=lambda s: save_settings(data_dir, s),
                      ic_service=ic_service, headoffice=headoffice)
    from pos_app.domain.input_routing import CardNumberFormat
    from pos_app.services.input_routing import store_router
    ctx.router = store_router(services.uow, CardNumberFormat.parse(
        settings.devices.card_prefixes, settings.devices.card_lengths))
    desk.follow_settings(lambda: ctx.settings)
    # The card, shift and reports screens' printing and export (ui/context.py).
    ctx.print_slip = desk.print_slip
    ctx.print_z = desk.print_z_report
    ctx.z_report_pdf = desk.z_report_pdf
    ctx.export_xlsx = export_xlsx
    from db.restore import describe_backup, restore_database   # ui/restore_screen.py
    ctx.describe_backup = describe_backup
    ctx.restore_database = restore_database
    # The devices tab (ui/device_settings.py) and the status bar's live printer state.
    leases = PortLeases()
    ctx.port_leases = leases
    ctx.device_checks = make_device_checks(lambda: ctx.settings, leases)
    ctx.pcsc_readers = pcsc_readers
    ctx.serial_ports = serial_ports
    ctx.printer_status = desk.refresh_state
    return ctx


@dataclass
class RunningTill:
    """The app after login: the till's adapters, the screens' context, the window, the devices."""

    till: Till
    ctx: TillContext
    window: MainWindow
    devices: list[object]

    def stop(self) -> None:
        """Stop the devices and the sync worker (app shutdown); each may fail on its own."""
        for device in self.devices:
            stop = getattr(device, "stop", None) or getattr(device, "close", None)
            if callable(stop):
                try:
                    stop()
                except Exception:  # noqa: BLE001 - shutting down anyway
                    log.exception("device did not stop cleanly")
        try:
            self.till.close()
        except Exception:  # noqa: BLE001 - shutting down anyway
            log.exception("head-office link did not close cleanly")


def start_till(app: QApplication, till: Till, language: str, background: Background,
               ui_state: QSettings | None = None) -> RunningTill:
    """The main window over an opened till (wiring.open_till): context, devices, and the
    head-office sync worker, woken after every sale so the sale leaves at once rather than at
    the next interval."""
    from ui.main_window import MainWindow
    ctx = build_context(till.data_dir, till.services, till.settings, language,
                        background=background, headoffice=till.headoffice,
                        ic_service=till.ic_cards)
    window = MainWindow(ctx, ui_state)
    devices = start_devices(app, ctx, window)
    link = till.headoffice
    if link is not None:
        window.selling.sale_completed.connect(lambda _sale: link.worker.wake())
        link.worker.start()
    return RunningTill(till, ctx, window, devices)


def check_qt_binding() -> None:
    """Say in the log when the Qt binding is one known to abort the app after a while."""
    import PySide6
    if PySide6.__version__.startswith("6.12.0") and sys.version_info < (3, 12):
        # tests/ui/test_qt_binding.py: every Qt call loses a reference to None/True here.
        log.error("PySide6 %s on Python %d.%d loses references on every Qt call and will "
                  "abort the app; install PySide6-Essentials<6.12 or use Python >= 3.12",
                  PySide6.__version__, *sys.version_info[:2])


def load_bundled_fonts() -> list[str]:
    """Fonts shipped inside a packaged app (a CJK font for machines without one)."""
    from PySide6.QtGui import QFontDatabase
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    families: list[str] = []
    for font in sorted((base / "fonts").glob("*.tt[cf]")) if (base / "fonts").is_dir() else []:
        font_id = QFontDatabase.addApplicationFont(str(font))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


# The clock the app runs on; None is the machine's. A test that drives the whole app process
# (tests/ui/app_driver.py) sets it, so the till's time does not come from today's date.
APP_CLOCK: Clock | None = None


class _Boot:
    """Opens the store on a thread while the login screen is already up."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._result: Till | None = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="open-store", daemon=True).start()

    def _run(self) -> None:
        try:
            from wiring import open_till
            self._result = open_till(self._data_dir, APP_CLOCK)
        except BaseException as exc:  # noqa: BLE001 - reported when the cashier logs in
            self.error = exc
        finally:
            self.ready.set()

    def result(self) -> Till:
        self.ready.wait()
        if self.error is not None:
            raise self.error
        assert self._result is not None
        return self._result

    def login(self, username: str, pin: str) -> Any:
        """The login dialog's check (runs on the background lane).

        While the store is still opening, a right PIN of a user with a clean record is
        accepted from the users table directly (sqlite3 + the same Argon2 check, nothing
        written), so the first login does not wait for SQLAlchemy and Alembic. Anything
        else (a wrong PIN, failed attempts to reset, a locked account) goes through the
        store's AuthService, which counts and audits it."""
        if not self.ready.is_set():
            user = quick_login(self._data_dir, username, pin)
            if user is not None:
                return user
        return self.result().services.auth.login(username, pin)


def quick_users(data_dir: Path) -> list[Any]:
    """The users for the login list, read with sqlite3 before SQLAlchemy is even imported."""
    from db.early_reads import SqliteEarlyReads
    return list(SqliteEarlyReads(data_dir).active_users())


def quick_login(data_dir: Path, username: str, pin: str) -> Any:
    """The user if `pin` is right and the account has no failed attempts or lock to deal with;
    None to let AuthService decide (it records failures). Reads only; never logs the PIN."""
    from db.early_reads import SqliteEarlyReads
    return SqliteEarlyReads(data_dir).clean_login(username, pin)


def _fatal(exc: BaseException, data_dir: Path) -> None:
    from PySide6.QtWidgets import QMessageBox

    from ui.error_messages import describe
    title, text = describe(exc)
    detail = QCoreApplication.translate(
        "Startup", "The till could not start. The details are in %1.").replace(
        "%1", str(data_dir / "logs" / LOG_FILE))
    if os.environ.get(SMOKE_ENV):
        print(f"FAILED {type(exc).__name__}", flush=True)
        return
    QMessageBox.critical(None, title, text + "\n\n" + detail)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    """A bug in a slot: log the traceback, show the cashier a sentence, keep the till running."""
    log.error("unhandled exception", exc_info=(kind, exc, tb))  # type: ignore[arg-type]
    from ui.error_messages import show_error
    show_error(QApplication.activeWindow(), exc)


def restart_command() -> list[str]:
    """The command line this process was started with: the packaged app's executable and its
    arguments, or the interpreter with its own options (`-m pos_cli`, `-X ...`) and the
    script's."""
    if getattr(sys, "frozen", False):
        return [sys.executable, *sys.argv[1:]]
    return [sys.executable, *sys.orig_argv[1:]]


def restart(env: dict[str, str]) -> None:
    """Start the app again: the same command line, the environment it started with (not
    what the run added to it). POSIX: exec in place (the same process id, so a terminal,
    shortcut or supervisor keeps following the app). Windows has no exec (its os.execv starts
    a new process without quoting arguments, so a path with a space broke): a new process
    starts and this one ends."""
    command = restart_command()
    log.warning("restarting the app on the restored database")
    logging.shutdown()
    if os.name == "nt":
        import subprocess
        subprocess.Popen(command, env=env, close_fds=True)
        return
    os.execve(command[0], command, env)


def main(data_dir: Path, argv: list[str] | None = None) -> int:
    """Start the till app on `data_dir`; returns the exit code."""
    started = time.perf_counter()
    start_env = dict(os.environ)      # a restart after a restore starts with this
    setup_logging(data_dir)
    log.info("starting, data dir %s", data_dir)
    # The store (SQLAlchemy, Alembic, the schema check) starts opening first, on a thread,
    # while Qt and the login screen load: by the time a PIN is typed it is usually ready.
    boot = _Boot(data_dir)
    boot.start()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("membership-pos")
    from ui.type_scale import apply_app_font
    apply_app_font(app)
    check_qt_binding()
    fonts = load_bundled_fonts()
    if fonts:
        log.info("bundled fonts: %s", ", ".join(fonts))
    i18n.install(app, i18n.choose_language(""))   # Chinese until the settings say otherwise
    try:
        from pos_app.settings import load_settings
        settings = load_settings(data_dir)
    except Exception as exc:  # noqa: BLE001 - app boundary: explain, log, stop
        log.exception("the till's settings could not be read")
        _fatal(exc, data_dir)
        return 1
    language = i18n.choose_language(settings.language)
    i18n.uninstall(app)
    i18n.install(app, language)
    sys.excepthook = _excepthook

    # The login screen comes first; the store (SQLAlchemy, Alembic, the schema check) opens
    # on a thread meanwhile, so a cashier can type while the rest starts (cold start < 2 s).
    background = Background()
    shop = settings.shop
    from ui.login_dialog import LoginDialog
    login = LoginDialog(f"{shop.shop_name} · {shop.till_code}", quick_users(data_dir),
                        background, boot.login)
    login.show()
    log.info("login screen shown after %.0f ms", (time.perf_counter() - started) * 1000)
    if os.environ.get(SMOKE_ENV):
        # Packaging checks and the cold-start benchmark: say when the login screen is up, then
        # wait for the store (a broken store must still fail the check) and quit.
        def smoke_done() -> None:
            print(f"SHOWN {login.objectName()}", flush=True)
            print(f"LANGUAGE {language} {login.login_button.text()}", flush=True)
            boot.ready.wait(60)
            if boot.error is not None:
                log.error("the store could not be opened", exc_info=boot.error)
                print(f"FAILED {type(boot.error).__name__}", flush=True)
                app.exit(1)
                return
            print(f"READY {login.objectName()}", flush=True)
            app.quit()
        smoke_login = os.environ.get(SMOKE_LOGIN_ENV, "")
        if smoke_login:
            # The first-login benchmark: "type" user and PIN the moment the window shows and
            # say how long until the PIN was accepted (benchmarks/ui_latency.py).
            def smoke_login_now() -> None:
                print(f"SHOWN {login.objectName()}", flush=True)
                username, _, pin = smoke_login.partition(":")
                typed = time.perf_counter()

                def accepted(_user: object) -> None:
                    print(f"LOGGED_IN {time.perf_counter() - typed:.3f}", flush=True)
                    boot.ready.wait(60)
                    print("FAILED" if boot.error else f"READY {login.objectName()}", flush=True)
                    app.quit()

                login.logged_in.connect(accepted)
                login.user_box.setCurrentIndex(max(login.user_box.findData(username), 0))
                login.pin_edit.setText(pin)
                login.login_button.click()
            QTimer.singleShot(0, smoke_login_now)
        else:
            QTimer.singleShot(0, smoke_done)
    else:
        smoke_login = ""
    state: dict[str, RunningTill] = {}

    def on_logged_in(user: object) -> None:
        till = boot.result()
        ui_state = QSettings(str(data_dir / UI_STATE_FILE), QSettings.Format.IniFormat)
        running = start_till(app, till, language, background, ui_state)
        running.ctx.restart = lambda: app.exit(RESTART_EXIT)   # ui/restore_screen.py
        state["running"] = running
        running.window.show_initial()
        running.window.continue_login(user)  # type: ignore[arg-type]

    def on_login_rejected() -> None:
        if "running" not in state:
            app.quit()

    if not smoke_login:
        login.logged_in.connect(on_logged_in)
    login.rejected.connect(on_login_rejected)
    code = app.exec()
    if "running" in state:
        state["running"].stop()
    elif boot.ready.is_set() and boot.error is None:
        boot.result().close()
    background.wait(5_000)
    if code == RESTART_EXIT:   # a backup was restored: start again on the restored store
        restart(start_env)
        return 0
    return int(code)


if __name__ == "__main__":
    from pos_app.settings import resolve_data_dir  # noqa: I001
    sys.exit(main(resolve_data_dir(sys.argv[1] if len(sys.argv) > 1 else None)))
