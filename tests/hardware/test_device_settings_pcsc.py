"""The devices tab on the real PC/SC stack: the reader list comes from our pcscd, and Test says
whether a card is on the chosen reader (English texts: no translator is installed here)."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pos_app.settings import Settings
from ui.background import Background
from ui.context import TillContext
from ui.device_settings import DeviceSettingsScreen, result_text
from ui.device_wiring import make_device_checks, pcsc_readers

if TYPE_CHECKING:  # conftest is pytest's, not importable by name when several exist
    from conftest import Cards, PcscdRig

pytestmark = [pytest.mark.pcsc, pytest.mark.gui,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def screen(tmp_path: Path, qtbot) -> Iterator[DeviceSettingsScreen]:  # noqa: ANN001
    settings = Settings()
    # The devices tab needs no store: only the background lanes and the composition root's checks.
    ctx = TillContext(services=None, background=Background(), settings=settings,  # type: ignore[arg-type]
                      data_dir=tmp_path, receipts=None)  # type: ignore[arg-type]
    ctx.device_checks = make_device_checks(lambda: ctx.settings)
    ctx.pcsc_readers = pcsc_readers
    s = DeviceSettingsScreen(ctx)
    qtbot.addWidget(s)
    yield s
    ctx.background.wait(5000)


def test_the_reader_list_comes_from_pcscd_and_test_reports_the_card(
        pcsc: PcscdRig, cards: Cards, screen: DeviceSettingsScreen, qtbot) -> None:  # noqa: ANN001
    screen.show()                                   # the first show fills the reader list
    qtbot.waitUntil(lambda: screen.pcsc_reader.findText(pcsc.reader(0)) >= 0, timeout=5000)
    assert screen.pcsc_reader.currentText() == ""   # the setting (empty: first reader) is kept
    screen.pcsc_reader.setCurrentIndex(screen.pcsc_reader.findText(pcsc.reader(1)))
    card = cards.new(bytes.fromhex("0A0B0C0D"), slot=1)
    cards.tap(card, slot=1)
    with qtbot.waitSignal(screen.check_finished, timeout=10_000) as done:
        screen.test_buttons["pcsc"].click()
    assert done.args == ["pcsc", True]
    assert screen.results["pcsc"].text() == result_text("card_present", (pcsc.reader(1),))
    assert "0a0b0c0d" not in screen.results["pcsc"].text().lower()
    cards.take_off(card, slot=1)
    with qtbot.waitSignal(screen.check_finished, timeout=10_000):
        screen.test_buttons["pcsc"].click()
    assert screen.results["pcsc"].text() == result_text("no_card", (pcsc.reader(1),))
