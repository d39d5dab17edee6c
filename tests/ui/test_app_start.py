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
    pos = [sys.executable, "-m", "pos_app.cli", "--data-dir", str(data)]
    subprocess.run([*pos, "init", "--demo"], check=True, capture_output=True, timeout=120)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1")
    out = subprocess.run([*pos, "run"], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "READY loginDialog" in out.stdout
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
