"""The users screen: till users, their roles and PINs."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import describe, role_name
from ui.manager.tables import fill_table, make_table


class UsersScreen(QWidget):
    """Add users, reset PINs, change roles (admins only) — each checked by the auth service."""

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.table = make_table([self.tr("User"), self.tr("Name"), self.tr("Role")])
        self.table.setObjectName("usersTable")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in ("cashier", "manager", "admin"):
            self.role.addItem(role_name(role), role)
        self.pin = QLineEdit()
        self.pin.setProperty("secret", True)  # keyboard-wedge capture pauses here
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        add = QPushButton(self.tr("Add user"))
        add.clicked.connect(self.add_user)
        reset = QPushButton(self.tr("Reset PIN"))
        reset.clicked.connect(self.reset_pin)
        set_role = QPushButton(self.tr("Set role"))
        set_role.clicked.connect(self.set_role)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Display name"), self.display_name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("PIN (4-8 digits)"), self.pin)
        buttons = QHBoxLayout()
        for b in (add, reset, set_role):
            buttons.addWidget(b)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.message)
        right.addStretch(1)
        layout.addLayout(right, 1)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.reload()

    def reload(self) -> None:
        auth = self._ctx.services.auth
        self._ctx.background.run(auth.users, self._on_users_done, self._on_failed)

    def _on_users_done(self, users: list[User]) -> None:
        fill_table(self.table, [[u.username, u.display_name, role_name(u.role)] for u in users])

    def _on_table_item_selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.username.setText(self.table.item(rows[0].row(), 0).text())

    def _call(self, fn, ok_text: str) -> None:  # noqa: ANN001
        def done(_result: object) -> None:
            self.message.setText(ok_text)
            self.pin.clear()
            self.reload()
        self._ctx.background.run(fn, done, self._on_failed)

    def add_user(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, n, r, p = (self.username.text().strip(), self.display_name.text().strip(),
                      self.role.currentData(), self.pin.text())
        self._call(lambda: auth.add_user(actor, u, n, r, p),
                   self.tr("User %1 added.").replace("%1", u))

    def reset_pin(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, p = self.username.text().strip(), self.pin.text()
        self._call(lambda: auth.reset_pin(actor, u, p),
                   self.tr("PIN of %1 reset.").replace("%1", u))

    def set_role(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, r = self.username.text().strip(), self.role.currentData()
        self._call(lambda: auth.set_role(actor, u, r),
                   self.tr("Role of %1 changed.").replace("%1", u))

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(describe(exc)[1])
