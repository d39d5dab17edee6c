"""The sync screen on the real window against a real head office on PostgreSQL that refuses
an event: last contact, backlog, clock, the refusal in a manager's words (zh_CN), "Sync
now", and a manager marking it resolved (audited), opened from the status bar."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import AuditRow
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import LiveServer, hq, live, pg_admin_dsn, pg_template, pg_url  # noqa: F401
from tests.simulators.tcp_printer import TcpPrinterSimulator
from tests.sync.sync_rig import HQ_MEMBERS, make_till
from tests.ui.conftest import grab
from ui.main import build_context
from ui.main_window import MainWindow

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def rig(hq: HeadOffice, live: LiveServer, tmp_path: Path, qtbot, zh_translator):  # noqa: ANN001, ANN201
    hq.import_members(HQ_MEMBERS)
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sync()
    with till.shop.uow() as uow:                       # a typo head office refuses for good
        uow.outbox.append("cash.moved", {"amount_fen": 10 ** 15, "note": "typo"},
                          till.shop.clock.now())
        uow.commit()
    till.sync()
    with TcpPrinterSimulator() as printer:
        from pos_app.settings import Settings as S, with_section as ws
        settings = ws(ws(S(), "devices", printer_url=printer.url), "shop",
                      shop_name="示范百货", till_code="T01")
        ctx = build_context(till.shop.data_dir, till.shop.services, settings, "zh_CN")
        ctx.headoffice = till.wiring           # what wiring.open_till gives an enrolled till
        ctx.sync_state = ctx.headoffice.state
        ctx.user = till.shop.manager
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        yield till, ctx, window
        ctx.background.wait(10_000)
    till.close()


def test_the_sync_screen_lists_a_refusal_in_words_and_a_manager_resolves_it(rig, qtbot) -> None:  # noqa: ANN001
    till, ctx, window = rig
    window.poll_status()
    qtbot.waitUntil(lambda: "拒收" in window.status["sync"].text(), timeout=10_000)
    qtbot.mouseClick(window.status["sync"], Qt.MouseButton.LeftButton)   # the indicator
    dialog = window.dialog
    screen = dialog.sync
    assert dialog.tabs.currentWidget() is screen
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    assert screen.table.item(0, 2).text() == "金额或数量大得不可能。"
    assert screen.table.item(0, 1).text() == "钱箱"
    assert screen.backlog.text() == "0 条"
    assert screen.clock.text() == "正常"
    assert screen.contact.text().startswith(till.shop.clock.now().strftime("%Y-%m-%d"))
    grab(dialog, "sync_screen_refused_zh")
    till.sell()                                          # one more to send: "Sync now"
    screen.reload()
    qtbot.waitUntil(lambda: screen.backlog.text() == "1 条", timeout=10_000)
    with qtbot.waitSignal(screen.synced, timeout=30_000):
        screen.sync_now()
    qtbot.waitUntil(lambda: screen.backlog.text() == "0 条", timeout=10_000)
    assert "已同步" in screen.message.text()
    event_id = screen.selected_event() or screen.rows[0]["id"]
    with qtbot.waitSignal(screen.resolved, timeout=10_000):
        screen.resolve(event_id, "已重新录入")
    qtbot.waitUntil(lambda: screen.table.rowCount() == 0, timeout=10_000)
    assert till.wiring.store.state().refused == 0        # what pos sync --refused reads
    with till.shop.uow.engine.connect() as c:
        [audit] = c.execute(select(AuditRow.user_id, AuditRow.detail).where(
            AuditRow.action == "sync.refusal_resolved")).all()
    assert audit.user_id == till.shop.manager.id
    assert json.loads(audit.detail)["note"] == "已重新录入"
    qtbot.waitUntil(lambda: "拒收" not in window.status["sync"].text(), timeout=10_000)
    dialog.reject()


def test_a_cashier_cannot_resolve_and_a_clock_set_back_is_shown(rig, qtbot) -> None:  # noqa: ANN001
    from datetime import timedelta

    from ui.sync_screen import SyncScreen
    till, ctx, window = rig
    till.shop.clock.at -= timedelta(hours=3)             # the till's clock set back
    screen = SyncScreen(ctx, till.shop.cashier)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=10_000)
    assert "慢" in screen.clock.text() or "调回" in screen.clock.text()
    assert not screen.resolve_button.isEnabled()
    screen.resolve(screen.rows[0]["id"], "")
    assert till.wiring.store.state().refused == 1


def test_a_till_not_enrolled_says_how_many_records_wait_and_how_to_enrol(till, qtbot) -> None:  # noqa: ANN001
    """Not enrolled, the screen showed an empty backlog while the status bar counted the
    records waiting; it now counts them and says how to enrol (seen under Xvfb)."""
    from ui.sync_screen import SyncScreen
    till.shop.open_shift()                       # a shift opened: a record to send
    expected = till.ctx.sync_state()[1]
    assert expected > 0
    screen = SyncScreen(till.ctx, till.shop.manager)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.backlog.text() == f"{expected} 条", timeout=10_000)
    assert "pos sync --enrol" in screen.message.text()
    assert not screen.sync_button.isEnabled()
