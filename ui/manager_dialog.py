"""The manager dialog: every manager screen (ui/manager/, one per module) in tabs."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QPushButton, QTabWidget, QVBoxLayout, QWidget

from pos_app.services.auth import User
from ui.context import TillContext
from ui.device_settings import DeviceSettingsScreen
from ui.manager.members_screen import MembersScreen
from ui.manager.products_screen import ProductsScreen
from ui.manager.rules_screen import RulesScreen
from ui.manager.settings_screen import SettingsScreen
from ui.manager.shift_screen import ShiftScreen
from ui.manager.users_screen import UsersScreen
from ui.type_scale import BODY, set_size

__all__ = ["ManagerDialog", "MembersScreen", "ProductsScreen", "RulesScreen", "SettingsScreen",
           "ShiftScreen", "UsersScreen"]


class ManagerDialog(QDialog):
    """All manager screens in tabs, opened after a manager confirmed with their PIN."""

    shift_closed = Signal()
    language_changed = Signal(str)

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerDialog")
        self.setWindowTitle(self.tr("Manager · %1").replace("%1", manager.display_name))
        self.setMinimumSize(900, 600)
        set_size(self, BODY)
        self.tabs = QTabWidget()
        self.members = MembersScreen(ctx)
        self.products = ProductsScreen(ctx, manager)
        self.rules = RulesScreen(ctx)
        self.shift = ShiftScreen(ctx, manager)
        self.users = UsersScreen(ctx, manager)
        self.devices = DeviceSettingsScreen(ctx)
        self.settings = SettingsScreen(ctx, devices=self.devices)
        from ui.card_screens import MemberCardsScreen
        self.cards = MemberCardsScreen(ctx, manager)
        self.reports: QWidget | None = None
        if ctx.services.reports is not None:
            from ui.reports_screen import ReportsScreen
            self.reports = ReportsScreen(ctx, manager)
        for widget, title in ((self.members, self.tr("Members")),
                              (self.cards, self.tr("Member cards")),
                              (self.products, self.tr("Products")),
                              (self.rules, self.tr("Rule set")),
                              (self.shift, self.tr("Shift close")),
                              (self.users, self.tr("Users")),
                              (self.settings, self.tr("Settings")),
                              (self.devices, self.tr("Devices"))):
            self.tabs.addTab(widget, title)
        if self.reports is not None:
            self.tabs.insertTab(3, self.reports, self.tr("Reports"))
        from ui.sync_screen import SyncScreen
        self.sync = SyncScreen(ctx, manager)
        self.tabs.addTab(self.sync, self.tr("Head office sync"))
        from ui.restore_screen import RestoreScreen
        self.restore = RestoreScreen(ctx, manager)
        self.tabs.addTab(self.restore, self.tr("Restore backup"))
        self.shift.closed.connect(lambda _z: self.shift_closed.emit())
        self.settings.language_changed.connect(self.language_changed)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
