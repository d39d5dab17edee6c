"""The app runs the tested sync worker (pos_app/sync/worker.py) from the composition root: a
sale completed in the real window wakes it, so the sale reaches a real head office (PostgreSQL,
over HTTP) at once rather than at the next sync interval."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtWidgets import QApplication

from pos_app.settings import load_settings, save_settings, with_section
from tests.headoffice.hq_rig import hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, make_till
from tests.ui.conftest import log_in
from ui.background import Background
from ui.main import start_till
from ui.payment_dialog import PaymentDialog
from ui.wedge import WedgeFilter
from wiring import open_till

pytestmark = [pytest.mark.postgres, pytest.mark.integration, pytest.mark.gui,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

REG100 = "6900000000017"
# Far longer than the test may take: only a wake-up can send the sale in time.
INTERVAL_S = 3600


def test_a_sale_in_the_app_wakes_the_sync_worker_and_reaches_head_office_at_once(
        hq, live, tmp_path: Path, qtbot, qapp: QApplication, zh_translator) -> None:  # noqa: ANN001, F811
    hq.import_members(HQ_MEMBERS)
    rig = make_till(hq, live, tmp_path, "S001", "T01")   # enrolled, shift open, goods in stock
    rig.sync()
    rig.close()
    data_dir, clock = rig.shop.data_dir, rig.shop.clock
    save_settings(data_dir, with_section(load_settings(data_dir), "sync", interval_s=INTERVAL_S))
    points_before = hq.account(LI_NA)["accumulated_points"]

    till = open_till(data_dir, clock=clock, fast_hash=True)
    link = till.headoffice
    assert link is not None and link.worker.interval_s == INTERVAL_S
    running = start_till(qapp, till, "zh_CN", Background())
    try:
        # The worker's first cycle runs at start; after it the worker sleeps for the interval.
        qtbot.waitUntil(lambda: link.state() == ("online", 0), timeout=20_000)
        window = running.window
        qtbot.addWidget(window)
        log_in(SimpleNamespace(window=window), qtbot)
        selling = window.selling
        selling.scan(REG100)
        selling.attach_card("100002")                 # 李娜 earns points at head office too
        qtbot.waitUntil(lambda: running.ctx.background.busy == 0
                        and selling.view.member is not None,
                        timeout=10_000)
        selling.open_payment()
        qtbot.waitUntil(lambda: isinstance(selling.dialog, PaymentDialog))
        pay = selling.dialog
        with qtbot.waitSignal(selling.sale_completed, timeout=15_000):
            pay.quick_cash(None)
            pay.complete()
        # Head office has applied the sale (the member's points moved there) within seconds,
        # though the worker's interval is an hour.
        qtbot.waitUntil(lambda: hq.account(LI_NA)["accumulated_points"] > points_before,
                        timeout=20_000)
        assert link.state() == ("online", 0)
        running.ctx.background.wait(10_000)
    finally:
        for device in running.devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
        running.stop()
        till.services.uow.engine.dispose()  # type: ignore[attr-defined]
