"""Head office wiring of the composition root (wiring.open_till): an enrolled till that cannot
reach head office, and the app's sync worker woken by a sale."""
from __future__ import annotations

import socket

import pytest

from pos_app.settings import load_settings, save_settings, with_section
from tests.conftest import STANDARD_MEMBERS, Shop
from wiring import open_till

pytestmark = [pytest.mark.integration]


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_an_unenrolled_till_reports_offline_with_its_backlog(stocked: Shop) -> None:
    till = open_till(stocked.data_dir)
    assert till.headoffice is None


def test_an_enrolled_till_without_head_office_runs_sync_and_says_offline(stocked: Shop) -> None:
    settings = with_section(load_settings(stocked.data_dir), "sync",
                            headoffice_url=f"http://127.0.0.1:{unused_port()}", api_key="k",
                            interval_s=1)
    save_settings(stocked.data_dir, settings)
    till = open_till(stocked.data_dir)
    sync = till.headoffice
    assert sync is not None
    try:
        sync.worker.start()
        with pytest.raises(Exception):
            sync.engine.run_once()          # nobody listens: the cycle fails and is recorded
        state, backlog = sync.state()
        assert state in ("offline", "offline_too_long")
        # Nothing went up: the stocked till's imported members wait, and one more event
        # counts once (`backlog >= 0` could not fail).
        assert backlog >= len(STANDARD_MEMBERS)
        with till.services.uow() as uow:
            uow.outbox.append("cash.moved", {"amount_fen": 100, "note": "x"},
                              stocked.clock.now())
            uow.commit()
        assert sync.state() == (state, backlog + 1)
        # Checkout now asks the head-office authoriser (offline: the allowance decides).
        assert type(till.services.selling.authoriser).__name__ == "HeadOfficeSpendAuthoriser"
    finally:
        till.close()


def test_a_refused_event_or_a_clock_stepped_back_shows_in_the_status_bar_state(
        stocked: Shop) -> None:
    from datetime import datetime, timedelta

    settings = with_section(load_settings(stocked.data_dir), "sync",
                            headoffice_url=f"http://127.0.0.1:{unused_port()}", api_key="k",
                            interval_s=1)
    save_settings(stocked.data_dir, settings)
    till = open_till(stocked.data_dir)
    services, sync = till.services, till.headoffice
    assert sync is not None
    try:
        now = datetime.now().replace(microsecond=0)
        sync.store.note_wall_clock(now + timedelta(hours=2))   # seen before the step back
        assert sync.state()[0] == "clock_behind"
        with services.uow() as uow:
            uow.outbox.append("cash.moved", {"amount_fen": 100, "note": "x"}, now)
            uow.commit()
        # the stocked till's imported members wait in the outbox too
        [event] = [e for e in sync.store.pending(100) if e.kind == "cash.moved"]
        sync.store.record_push([{"id": event.id, "device_seq": event.device_seq,
                                 "status": "refused", "reason": "number_out_of_range"}], 1, now)
        assert sync.state() == ("refused", 1)
        assert [r["reason"] for r in sync.store.refused_events()] == ["number_out_of_range"]
        assert sync.store.resolve_refused(event.id, now)
        assert sync.state()[0] != "refused"
    finally:
        till.close()
