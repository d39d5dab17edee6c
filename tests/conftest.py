"""Shared fixtures: a real SQLite store in a temp dir, the real services, a clock tests move."""
from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import browser  # noqa: F401 - one Playwright browser for the whole session
from tests.store_support import STANDARD_GOODS, STANDARD_MEMBERS, Shop, make_shop

__all__ = ["STANDARD_GOODS", "STANDARD_MEMBERS", "Shop", "make_shop"]


def pytest_configure(config: pytest.Config) -> None:
    # The till's secrets go to a real credential store: this machine has no desktop Secret
    # Service, so the test run uses the encrypted file backend (pos_app/secrets.py), in a
    # file of its own with a password of its own; child processes inherit both.
    if "POS_KEYRING" not in os.environ:
        keyring_dir = Path(tempfile.mkdtemp(prefix="pos-test-keyring-"))
        os.environ["POS_KEYRING"] = "file"
        os.environ["POS_KEYRING_FILE"] = str(keyring_dir / "keyring.cfg")
        os.environ["POS_KEYRING_PASSWORD"] = secrets.token_urlsafe(16)


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[Shop]:
    s = make_shop(tmp_path / "till")
    yield s
    s.uow.engine.dispose()


@pytest.fixture
def stocked(shop: Shop) -> Shop:
    shop.products(STANDARD_GOODS)
    shop.members(STANDARD_MEMBERS)
    return shop
