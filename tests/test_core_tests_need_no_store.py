"""The core tests (tests/pos_app) import neither the store's libraries nor Qt: they run on the
in-memory unit of work (tests/pos_app/fake_uow.py), which is what keeps them fast."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import importlib, pathlib, sys
for p in sorted(pathlib.Path("tests/pos_app").rglob("*.py")):
    importlib.import_module(".".join(p.with_suffix("").parts))
importlib.import_module("tests.conftest")
loaded = sorted(m for m in ("sqlalchemy", "alembic", "argon2", "db", "PySide6")
                if m in sys.modules)
print(" ".join(loaded))
"""


def test_the_core_tests_and_the_shared_conftest_load_no_store_or_qt_library():
    out = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120)
    assert out.stdout.split() == []
