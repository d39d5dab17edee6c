"""Restore from a backup (恢复备份), a manager screen: pick a `pos backup` file, read what it
holds, confirm with the backup's date and what will happen, then do what `pos restore FILE`
does (db/restore.py: the current database kept beside it, a new sync epoch) and reopen the
app on the restored store (`ctx.restart`, set by ui/main.py).

The store is in use while the app runs: the sync worker is stopped and the store's
connections closed before the copy, and the app restarts right after it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.services.auth import User
from ui.context import TillContext


class RestoreScreen(QWidget):
    restored = Signal(object)      # db.restore.Restored

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreScreen")
        self.ctx = ctx
        self.manager = manager
        self.confirm: QMessageBox | None = None
        intro = QLabel(self.tr(
            "Put a backup made with 备份 / pos backup in place of this till's database. The "
            "current database is kept beside it. Sales made after the backup that head "
            "office already received stay at head office; the till starts a new sync epoch "
            "so nothing is sent twice or lost. The app restarts afterwards."))
        intro.setWordWrap(True)
        self.pick_button = QPushButton(self.tr("Choose a backup file…"))
        self.pick_button.setObjectName("restore_pick")
        self.pick_button.clicked.connect(self._on_pick_button_clicked)
        self.message = QLabel()
        self.message.setObjectName("restore_message")
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.pick_button)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def _on_pick_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Backup file"),
                                              str(self.ctx.data_dir),
                                              self.tr("Till backups (*.sqlite3 *.db *.bak);;"
                                                      "All files (*)"))
        if path:
            self.choose(Path(path))

    def choose(self, path: Path) -> None:
        """Read the backup (off the GUI thread) and ask for confirmation naming its date."""
        data_dir = self.ctx.data_dir
        describe = self.ctx.describe_backup

        def work() -> Any:
            return describe(data_dir, path)   # type: ignore[operator]

        self.ctx.background.run(work, lambda info: self._ask(path, info), self._on_failed)

    def _ask(self, path: Path, info: Any) -> None:
        last = info.last_event_at.strftime("%Y-%m-%d %H:%M") if info.last_event_at else "—"
        text = self.tr(
            "Restore the backup of %1 (last sale or change recorded %2, %3 event(s))?\n\n"
            "Everything done on this till after that time leaves this till's database (it "
            "is kept in a file beside it). What head office received stays there. A new "
            "sync epoch starts and the app restarts.").replace(
            "%1", info.made_at.strftime("%Y-%m-%d %H:%M")).replace("%2", last).replace(
            "%3", str(info.events))
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Restore backup"), text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("restore_confirm")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda result: self._confirmed(path) if
                             result == QMessageBox.StandardButton.Yes else None)
        self.confirm = box
        box.open()

    def _confirmed(self, path: Path) -> None:
        self.pick_button.setEnabled(False)
        self.message.setText(self.tr("Restoring…"))
        ctx, user_id = self.ctx, self.manager.id
        sync = ctx.headoffice
        at = ctx.services.clock.now()
        restore_database: Any = ctx.restore_database

        def work() -> Any:
            from pos_app.domain.ids import UuidV7Source
            if sync is not None:          # nothing may write while the file is replaced
                sync.worker.stop()
                sync.store.engine.dispose()
            ctx.services.uow.engine.dispose()  # type: ignore[attr-defined]
            return restore_database(ctx.data_dir, path, UuidV7Source(), at, user_id)

        def failed(exc: Exception) -> None:
            # No restart: the app goes on on its own database (restore_database checks the
            # backup before it touches anything), and so does its sync. The worker was
            # stopped for the copy; left stopped, the till sent nothing until its next start.
            if sync is not None:
                sync.worker.start()
            self._on_failed(exc)

        self.ctx.background.run(work, self._on_restored, failed)

    def _on_restored(self, result: Any) -> None:
        self.message.setText(self.tr("Restored: sync epoch %1, %2 event(s) to send. The "
                                     "previous database is kept as %3. Restarting…")
                             .replace("%1", str(result.epoch)).replace("%2", str(result.unsent))
                             .replace("%3", result.kept_as.name if result.kept_as else "—"))
        self.restored.emit(result)
        if self.ctx.restart is not None:
            self.ctx.restart()

    def _on_failed(self, exc: Exception) -> None:
        self.pick_button.setEnabled(True)
        self.message.setText(self.tr("Not restored: %1").replace("%1", str(exc)[:300]))
