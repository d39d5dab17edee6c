"""The sync screen (同步): when head office was last reached, what waits to be sent, whether the
till's clock can be trusted, and the events head office refused, each with its reason in a
shop manager's words. A manager marks a refused event resolved (audited) with the same store
calls `pos sync --refused / --resolve` use; "Sync now" runs one cycle off the GUI thread.

Opened from the manager screens (a tab) and from the status bar's sync indicator. The sync
link is `ctx.headoffice` (wiring.HeadOfficeLink: engine, store, clock); a till that is not
enrolled shows so and nothing else.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_app.services.auth import User
from ui.context import TillContext


_CTX = "SyncScreen"
_REASONS = {
    "number_out_of_range": QT_TRANSLATE_NOOP("SyncScreen", "An amount or quantity is impossibly large."),
    "bad_hlc": QT_TRANSLATE_NOOP("SyncScreen", "The till's clock stamp on this change is wrong (date and time far off)."),
    "malformed": QT_TRANSLATE_NOOP("SyncScreen", "The record is incomplete or damaged."),
    "payload_too_large": QT_TRANSLATE_NOOP("SyncScreen", "The record is too large to accept."),
    "unknown_kind": QT_TRANSLATE_NOOP("SyncScreen", "Head office does not know this kind of record (update the till)."),
    "payload_mismatch": QT_TRANSLATE_NOOP("SyncScreen", "Head office already holds a different record with this number."),
    "foreign_event": QT_TRANSLATE_NOOP("SyncScreen", "Another till already sent a record with this number."),
    "invalid": QT_TRANSLATE_NOOP("SyncScreen", "Head office could not book it (its data did not fit)."),
}
_OTHER_REASON = QT_TRANSLATE_NOOP("SyncScreen", "Refused by head office (%1).")
_KINDS = {
    "sale": QT_TRANSLATE_NOOP("SyncScreen", "Sale or return"),
    "stored_value": QT_TRANSLATE_NOOP("SyncScreen", "Stored value"),
    "points": QT_TRANSLATE_NOOP("SyncScreen", "Points"),
    "card": QT_TRANSLATE_NOOP("SyncScreen", "Member card"),
    "member": QT_TRANSLATE_NOOP("SyncScreen", "Member"),
    "cash": QT_TRANSLATE_NOOP("SyncScreen", "Cash drawer"),
    "shift": QT_TRANSLATE_NOOP("SyncScreen", "Shift"),
    "pass": QT_TRANSLATE_NOOP("SyncScreen", "Count pass"),
}
_AGO = (QT_TRANSLATE_NOOP("SyncScreen", "%1 min ago"), QT_TRANSLATE_NOOP("SyncScreen", "%1 h ago"),
        QT_TRANSLATE_NOOP("SyncScreen", "%1 days ago"))


def reason_text(reason: str) -> str:
    """Head office's refusal reason in words a shop manager understands."""
    if reason in _REASONS:
        return QCoreApplication.translate(_CTX, _REASONS[reason])
    return QCoreApplication.translate(_CTX, _OTHER_REASON).replace("%1", reason)


def kind_text(kind: str) -> str:
    head = kind.split(".", 1)[0]
    return QCoreApplication.translate(_CTX, _KINDS[head]) if head in _KINDS else kind


def _ago(delta: timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    n, text = (minutes, _AGO[0]) if minutes < 60 else \
        (minutes // 60, _AGO[1]) if minutes < 48 * 60 else (minutes // 1440, _AGO[2])
    return QCoreApplication.translate(_CTX, text).replace("%1", str(n))


class SyncScreen(QWidget):
    """Last contact, backlog, clock state, refused events (resolve: manager, audited)."""

    synced = Signal()          # a "Sync now" cycle ended (well or not)
    resolved = Signal(str)     # an event id a manager marked resolved

    def __init__(self, ctx: TillContext, manager: User | None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncScreen")
        self.ctx = ctx
        self.manager = manager
        self.link: Any = ctx.headoffice
        self.contact = QLabel()
        self.contact.setObjectName("sync_contact")
        self.backlog = QLabel()
        self.backlog.setObjectName("sync_backlog")
        self.clock = QLabel()
        self.clock.setObjectName("sync_clock")
        self.message = QLabel()
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Last contact with head office:"), self.contact)
        form.addRow(self.tr("Waiting to be sent:"), self.backlog)
        form.addRow(self.tr("Till clock:"), self.clock)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("sync_refused")
        self.table.setHorizontalHeaderLabels([self.tr("When"), self.tr("What"),
                                              self.tr("Why head office refused it"),
                                              self.tr("No.")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setObjectName("sync_now")
        self.sync_button.clicked.connect(self.sync_now)
        self.resolve_button = QPushButton(self.tr("Mark resolved…"))
        self.resolve_button.setObjectName("sync_resolve")
        self.resolve_button.clicked.connect(self._on_resolve_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        buttons.addWidget(self.resolve_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("Refused by head office (a person must deal with "
                                        "each one):")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        self.rows: list[dict[str, Any]] = []
        self.reload()

    # -- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        if self.link is None:
            # Not enrolled: nothing is sent, but the sales and member changes made meanwhile
            # wait for it; say how many, and how to enrol.
            self.contact.setText(self.tr("This till is not enrolled with head office."))
            self.clock.setText("—")
            self.message.setText(self.tr(
                "Ask head office for an enrolment code, then run on this till: "
                "pos sync --enrol CODE --url HEAD-OFFICE-ADDRESS. Everything recorded "
                "meanwhile is kept and sent after enrolment."))
            for w in (self.sync_button, self.resolve_button, self.table):
                w.setEnabled(False)
            state = self.ctx.sync_state
            self.ctx.background.run(lambda: state()[1], self._on_backlog_counted,
                                    lambda _exc: None, lane="device")
            return
        link = self.link

        def work() -> tuple[Any, list[dict[str, Any]]]:
            from pos_app.sync.engine import sync_status
            st = sync_status(link.store, link.clock, link.offline_warn_hours)
            return st, link.store.refused_events()

        self.ctx.background.run(work, self._on_loaded, self._on_failed)

    def _on_backlog_counted(self, count: int) -> None:
        if count >= 0:
            self.backlog.setText(self.tr("%1 event(s)").replace("%1", str(count)))

    def _on_loaded(self, result: tuple[Any, list[dict[str, Any]]]) -> None:
        st, rows = result
        if st.last_success_at is None:
            self.contact.setText(self.tr("Never"))
        else:
            text = st.last_success_at.strftime("%Y-%m-%d %H:%M")
            ago = _ago(st.since_contact)
            self.contact.setText(f"{text} ({ago})" if ago else text)
        if st.offline_since is not None and st.last_error:
            self.contact.setText(self.contact.text() + " · " + self.tr("offline now"))
        self.backlog.setText(self.tr("%1 event(s)").replace("%1", str(st.backlog)))
        if st.clock_behind:
            self.clock.setText(self.tr("Behind: the date and time were set back. Offline "
                                       "limits use the stricter reading; set the clock."))
        elif st.clock_ahead:
            self.clock.setText(self.tr("Ahead of the time since the last contact; offline "
                                       "limits use the stricter reading."))
        else:
            self.clock.setText(self.tr("OK"))
        bad = st.clock_behind or st.clock_ahead
        self.clock.setStyleSheet("color: #b71c1c; font-weight: bold;" if bad else "")
        self.rows = rows
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            when = r["created_at"]
            cells = [when.strftime("%m-%d %H:%M") if isinstance(when, datetime) else str(when),
                     kind_text(r["kind"]), reason_text(r["reason"]), str(r["device_seq"])]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 2 and r.get("detail"):
                    item.setToolTip(str(r["detail"]))
                item.setData(Qt.ItemDataRole.UserRole, r["id"])
                self.table.setItem(i, j, item)
        self.table.resizeColumnToContents(0)
        self.resolve_button.setEnabled(bool(rows) and self.manager is not None
                                       and self.manager.can("manager"))

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(self.tr("Could not read the sync state: %1").replace(
            "%1", exc.__class__.__name__))

    # -- acting ------------------------------------------------------------------------------
    def sync_now(self) -> None:
        if self.link is None:
            return
        self.sync_button.setEnabled(False)
        self.message.setText(self.tr("Syncing…"))
        engine = self.link.engine
        self.ctx.background.run(engine.run_once, self._on_sync_done, self._on_sync_failed,
                                lane="device")

    def _on_sync_done(self, report: Any) -> None:
        self.sync_button.setEnabled(True)
        self.message.setText(self.tr("Synced: %1 sent.").replace("%1", str(report.pushed)))
        self.reload()
        self.synced.emit()

    def _on_sync_failed(self, exc: Exception) -> None:
        self.sync_button.setEnabled(True)
        self.message.setText(self.tr("Head office could not be reached; the till keeps "
                                     "selling and tries again."))
        self.reload()
        self.synced.emit()

    def selected_event(self) -> str | None:
        row = self.table.currentRow()
        return self.rows[row]["id"] if 0 <= row < len(self.rows) else None

    def _on_resolve_button_clicked(self) -> None:
        event_id = self.selected_event()
        if event_id is None:
            self.message.setText(self.tr("Pick a refused event first."))
            return
        note, ok = QInputDialog.getText(self, self.tr("Mark resolved"),
                                        self.tr("What was done (e.g. re-entered, head office "
                                                "told):"))
        if ok:
            self.resolve(event_id, note)

    def resolve(self, event_id: str, note: str) -> None:
        """Mark one refused event dealt with: a manager only, audited with their id."""
        if self.manager is None or not self.manager.can("manager"):
            self.message.setText(self.tr("Only a manager can mark a refused event resolved."))
            return
        store, at, user_id = self.link.store, self.link.clock.now(), self.manager.id

        def done(ok: bool) -> None:
            self.message.setText(self.tr("Marked resolved.") if ok else
                                 self.tr("Already resolved."))
            self.reload()
            if ok:
                self.resolved.emit(event_id)

        self.ctx.background.run(lambda: store.resolve_refused(event_id, at, user_id, note),
                                done, self._on_failed)
