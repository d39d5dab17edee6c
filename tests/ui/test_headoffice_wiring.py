"""Head office wiring of the composition root: an enrolled till that cannot reach head office."""
from __future__ import annotations

import socket

import pytest

from pos_app.settings import load_settings, save_settings, with_section
from tests.conftest import Shop
from ui.main import open_services

pytestmark = [pytest.mark.integration]


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unenrolled_till_reports_offline_with_its_backlog(stocked: Shop) -> None:
    services, settings, sync = open_services(stocked.data_dir)
    assert sync is None


def test_an_enrolled_till_without_head_office_runs_sync_and_says_offline(stocked: Shop) -> None:
    settings = with_section(load_settings(stocked.data_dir), "sync",
                            headoffice_url=f"http://127.0.0.1:{unused_port()}", api_key="k",
                            interval_s=1)
    save_settings(stocked.data_dir, settings)
    services, settings, sync = open_services(stocked.data_dir)
    assert sync is not None
    try:
        sync.start()
        with pytest.raises(Exception):
            sync.engine.run_once()          # nobody listens: the cycle fails and is recorded
        state, backlog = sync.state()
        assert state in ("offline", "offline_too_long") and backlog >= 0
        # Checkout now asks the head-office authoriser (offline: the allowance decides).
        assert type(services.checkout.authoriser).__name__ == "HeadOfficeSpendAuthoriser"
    finally:
        sync.stop()
