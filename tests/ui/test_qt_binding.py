"""The Qt binding must not lose references to None/True: a till calls Qt millions of times a day.

PySide6 6.12.0 on Python 3.11 drops one reference to None on every void call (setText, show,
...) and one to True on every signal emit; after a few thousand calls the interpreter aborts
("Fatal Python error: none_dealloc / bool_dealloc"). 6.11.3 on 3.11 is fine, and from Python
3.12 None/True are immortal. The fix is a version pin in pyproject.toml.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

PROBE = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    class Probe(QObject):
        changed = Signal(object)
    probe, label = Probe(), QLabel("x")
    none0, true0 = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(200):
        label.setText("a")
        probe.changed.emit(1)
    print(sys.getrefcount(None) - none0, sys.getrefcount(True) - true0, flush=True)
    os._exit(0)
""")


def test_qt_calls_keep_the_references_of_none_and_true() -> None:
    # In a child process: when the binding is broken, a long run aborts the interpreter.
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         timeout=60)
    lost_none, lost_true = (int(x) for x in out.stdout.split())
    assert lost_none > -50 and lost_true > -50, (
        f"PySide6 loses references (None {lost_none}, True {lost_true} per 200 calls): "
        "the app would abort after a few thousand Qt calls; pin PySide6-Essentials<6.12 on "
        "Python 3.11 or run on Python >= 3.12")
