"""Restore from a backup in the app: the manager screen reads the backup, the confirmation
names its date and what happens, and the restore does what `pos restore` does (the old
database kept beside it, a new sync epoch, audited), then asks the app to restart."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from db.engine import create_sqlite_engine
from db.models import AuditRow, SaleRow, SyncEpochRow
from db.store import DB_FILE, ensure_encrypted
from pos_cli.main import main as pos_main
from tests.ui.conftest import Till, grab, log_in
from ui.restore_screen import RestoreScreen


def _sell(till: Till) -> None:
    s = till.shop.services.selling.new_session()
    s.add("REG100")
    from pos_app.domain.tenders import TenderInput, TenderKind
    s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], till.shop.cashier)


def test_restoring_a_backup_from_the_manager_screen_names_its_date_and_starts_a_new_epoch(
        till: Till, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    log_in(till, qtbot, "manager", "2222")
    _sell(till)
    backup = tmp_path / "till-backup.sqlite3"
    assert pos_main(["--data-dir", str(till.shop.data_dir), "backup", str(backup)]) == 0
    made = datetime(2026, 11, 27, 21, 30)
    os.utime(backup, (made.timestamp(), made.timestamp()))
    _sell(till), _sell(till)                                # after the backup
    restarts: list[int] = []
    till.ctx.restart = lambda: restarts.append(1)
    screen = RestoreScreen(till.ctx, till.shop.manager)
    qtbot.addWidget(screen)
    screen.show()
    screen.choose(backup)
    qtbot.waitUntil(lambda: screen.confirm is not None and screen.confirm.isVisible(),
                    timeout=10_000)
    text = screen.confirm.text()
    assert "2026-11-27 21:30" in text and "新的同步周期" in text and "重启" in text
    grab(screen.confirm, "restore_confirm_zh")
    with qtbot.waitSignal(screen.restored, timeout=30_000) as got:
        screen.confirm.button(QMessageBox.StandardButton.Yes).click()
    result = got.args[0]
    assert result.epoch == 2 and result.kept_as is not None and result.kept_as.exists()
    assert restarts == [1]
    engine = create_sqlite_engine(till.shop.data_dir / DB_FILE,
                                  key=ensure_encrypted(till.shop.data_dir))
    try:
        with engine.connect() as c:
            assert c.scalar(select(func.count()).select_from(SaleRow)) == 1
            assert c.scalar(select(func.max(SyncEpochRow.epoch))) == 2
            [(user_id, target)] = c.execute(select(AuditRow.user_id, AuditRow.target).where(
                AuditRow.action == "store.restored")).all()
        assert (user_id, target) == (till.shop.manager.id, backup.name)
    finally:
        engine.dispose()


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(
        till: Till, qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_bytes(b"not a database at all" * 100)
    screen = RestoreScreen(till.ctx, till.shop.manager)
    qtbot.addWidget(screen)
    screen.choose(bogus)
    qtbot.waitUntil(lambda: "未恢复" in screen.message.text(), timeout=10_000)
    assert screen.confirm is None
