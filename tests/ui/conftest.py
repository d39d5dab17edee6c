"""UI fixtures: the real store from tests/conftest.py, the real screens, a fake ESC/POS printer on TCP."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from pos_app.settings import Settings, with_section
from tests.conftest import Shop
from tests.simulators.tcp_printer import TcpPrinterSimulator
from ui import i18n
from ui.context import TillContext
from ui.device_wiring import start_devices
from ui.main import build_context
from ui.main_window import MainWindow
from ui.type_scale import apply_app_font
from ui.wedge import WedgeFilter

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def _zh_built(qapp: QApplication) -> None:
    i18n.build()
    apply_app_font(qapp)          # as ui.main.main() does


@pytest.fixture
def zh_translator(qapp: QApplication, _zh_built: None) -> Iterator[None]:
    """The app in Simplified Chinese, as on a Chinese shop's till, for this test only: a
    session-wide translator left every later test (head office, sync) reading Chinese."""
    i18n.install(qapp, "zh_CN")
    yield
    i18n.uninstall(qapp)


@pytest.fixture
def printer() -> Iterator[TcpPrinterSimulator]:
    with TcpPrinterSimulator() as sim:
        yield sim


@dataclass
class Till:
    shop: Shop
    ctx: TillContext
    window: MainWindow
    printer: TcpPrinterSimulator

    def wait_idle(self, qtbot, timeout: int = 10_000) -> None:  # noqa: ANN001
        qtbot.waitUntil(lambda: self.ctx.background.busy == 0, timeout=timeout)


def make_till(shop: Shop, printer: TcpPrinterSimulator, qtbot, language: str = "zh_CN") -> Till:  # noqa: ANN001
    settings = with_section(Settings(), "devices", printer_url=printer.url)
    settings = with_section(settings, "shop", shop_name="示范百货", till_code="T01")
    ctx = build_context(shop.data_dir, shop.services, settings, language)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    return Till(shop, ctx, window, printer)


@pytest.fixture
def till(stocked: Shop, printer: TcpPrinterSimulator, qtbot, zh_translator) -> Iterator[Till]:  # noqa: ANN001
    t = make_till(stocked, printer, qtbot)
    yield t
    t.ctx.background.wait(10_000)
    QApplication.processEvents()      # deliver the last results while the window still exists


def log_in(till: Till, qtbot, username: str = "cashier", pin: str = "1111",  # noqa: ANN001
           float_text: str = "500.00") -> None:
    """Drive the login dialog and, if asked for, the open-shift dialog, until selling is ready."""
    from ui.login_dialog import OpenShiftDialog
    window = till.window
    window.resize(1024, 768)
    window.show()
    dialog = window.start()
    index = dialog.user_box.findData(username)
    dialog.user_box.setCurrentIndex(index)
    dialog.pin_edit.setText(pin)
    with qtbot.waitSignal(window.ready, timeout=15_000, raising=True) as _blocker:
        dialog.login_button.click()
        qtbot.waitUntil(lambda: isinstance(window.dialog, OpenShiftDialog)
                        or window.selling.isEnabled(), timeout=10_000)
        if isinstance(window.dialog, OpenShiftDialog):
            window.dialog.float_edit.setText(float_text)
            window.dialog.open_button.click()


@contextmanager
def devices_started(till: Till, qtbot, qapp: QApplication,  # noqa: ANN001
                    steady_wedge: bool = False) -> Iterator[Till]:
    """Logged in, the till's devices started as the app starts them, the selling input
    focused; the keyboard-wedge filters come off the application afterwards."""
    log_in(till, qtbot)
    devices = start_devices(qapp, till.ctx, till.window)
    if steady_wedge:
        for device in devices:
            if isinstance(device, WedgeFilter):
                # The wedge's timing is tested in test_wedge.py; here a busy shared test
                # machine must not split a burst (the setting wedge_gap_ms allows this much).
                device.gap_ms, device.settle_ms = 150, 170
    qtbot.waitExposed(till.window)
    till.window.activateWindow()
    till.window.selling.input.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is till.window.selling.input)
    yield till
    for device in devices:
        if isinstance(device, WedgeFilter):
            qapp.removeEventFilter(device)
            device.deleteLater()


@pytest.fixture
def wired(till: Till, qtbot, qapp: QApplication) -> Iterator[Till]:  # noqa: ANN001
    """The till ready to sell with its devices started, the wedge steadied."""
    with devices_started(till, qtbot, qapp, steady_wedge=True) as t:
        yield t


def grab(widget, name: str) -> Path:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    widget.grab().save(str(path))
    return path
