"""Shared fixtures: a real SQLite store in a temp dir, the real services, a clock tests move."""
from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.browser import browser  # noqa: F401 - one Playwright browser for the whole session
from tests.log_scanner import LIBRARY_REQUEST_LOGGERS, Hit, scan

if TYPE_CHECKING:
    from tests.store_support import Shop

__all__ = ["STANDARD_GOODS", "STANDARD_MEMBERS", "Shop", "make_shop"]


def __getattr__(name: str) -> Any:
    # The store helpers load SQLAlchemy, Alembic and argon2: imported on first use, so the
    # core tests (tests/pos_app), which never open a store, do not pay for them.
    if name in __all__:
        import tests.store_support
        return getattr(tests.store_support, name)
    raise AttributeError(name)


# Property tests that name no example count of their own run Hypothesis's 100 per test ("ci",
# the default: the test command and CI); HYPOTHESIS_PROFILE=thorough runs 1,000 of each, for a
# deeper search before a release or after touching the arithmetic, the card blocks or the
# member codes.
hypothesis_settings.register_profile("ci", max_examples=100)
hypothesis_settings.register_profile("thorough", max_examples=1_000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class _LogGuard(logging.Handler):
    """Runs every log record of the session, at every level, through the scanner."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.hits: list[Hit] = []
        self.records = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.records += 1
        if record.levelno < logging.WARNING and \
                record.name.split(".")[0] in LIBRARY_REQUEST_LOGGERS:
            return
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is not our finding
            return
        if record.exc_info and record.exc_info[1] is not None:
            text += " " + str(record.exc_info[1])
        # UIDs may reach DEBUG, card numbers never above it (ARCHITECTURE §7).
        found = scan(text, f"{record.name}:{record.lineno} ({record.levelname})",
                     card_numbers=record.levelno > logging.DEBUG)
        if found and len(self.hits) < 200:
            self.hits.extend(found)


_LOG_GUARD = _LogGuard()


def pytest_sessionstart(session: pytest.Session) -> None:
    root = logging.getLogger()
    root.addHandler(_LOG_GUARD)
    # Records below the root level are never made; lower it so DEBUG and INFO are scanned too.
    root.setLevel(logging.DEBUG)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _LOG_GUARD.hits:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = [f"personal data or secrets in the log ({len(_LOG_GUARD.hits)} finding(s)):"]
        lines += [f"  {hit}" for hit in _LOG_GUARD.hits[:50]]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config: pytest.Config) -> None:
    # The till's secrets go to a real credential store: this machine has no desktop Secret
    # Service, so the test run uses the encrypted file backend (pos_app/secrets.py), in a
    # file of its own with a password of its own; child processes inherit both.
    if "POS_HQ_SIGNING_KEY" not in os.environ:
        # Head office's signing key for the test run, never the machine user's real one.
        os.environ["POS_HQ_SIGNING_KEY"] = str(
            Path(tempfile.mkdtemp(prefix="pos-test-hq-key-")) / "hq-signing-key.pem")
    if "POS_KEYRING" not in os.environ:
        keyring_dir = Path(tempfile.mkdtemp(prefix="pos-test-keyring-"))
        os.environ["POS_KEYRING"] = "file"
        os.environ["POS_KEYRING_FILE"] = str(keyring_dir / "keyring.cfg")
        os.environ["POS_KEYRING_PASSWORD"] = secrets.token_urlsafe(16)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The PC/SC rig (pcscd + vsmartcard-vpcd) waits on pcscd's reader lock between tests: it
    # counts as slow with the SIGKILL loops and the fault proxy, so `-m "not slow"` gives a
    # developer the quick run; the test command (scripts/bootstrap.sh test) runs them all.
    for item in items:
        if item.get_closest_marker("pcsc") is not None and item.get_closest_marker("slow") is None:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    from tests.store_support import make_shop
    s = make_shop(tmp_path / "till")
    yield s
    s.uow.engine.dispose()


@pytest.fixture
def stocked(shop: Shop) -> Shop:
    from tests.store_support import STANDARD_GOODS, STANDARD_MEMBERS
    shop.products(STANDARD_GOODS)
    shop.members(STANDARD_MEMBERS)
    return shop
