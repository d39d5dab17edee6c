"""Shared fixtures: a real SQLite store in a temp dir, the real services, a clock tests move."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import browser  # noqa: F401 - one Playwright browser for the whole session
from tests.store_support import STANDARD_GOODS, STANDARD_MEMBERS, Shop, make_shop

__all__ = ["STANDARD_GOODS", "STANDARD_MEMBERS", "Shop", "make_shop"]


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
