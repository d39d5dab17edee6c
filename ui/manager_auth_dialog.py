"""A manager confirms a cashier's action with their own PIN, in place, without logging anyone out."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QVBoxLayout, QWidget)

from pos_app.services.auth import User
from ui.context import TillContext
from ui.error_messages import describe


class ManagerAuthDialog(QDialog):
    """Asks for a manager's user name and PIN and checks them with auth.authorise."""

    def __init__(self, ctx: TillContext, action: str, action_text: str, needed_role: str,
                 on_granted: Callable[[User], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._action = action
        self._needed = needed_role
        self._on_granted = on_granted
        self.setObjectName("managerAuthDialog")
        self.setWindowTitle(self.tr("Manager authorisation"))
        self.setMinimumWidth(460)
        font = self.font()
        font.setPointSize(15)
        self.setFont(font)
        what = QLabel(self.tr("A manager must confirm: %1").replace("%1", action_text))
        what.setWordWrap(True)
        self.user_edit = QLineEdit("manager")
        self.pin_edit = QLineEdit()
        self.pin_edit.setProperty("secret", True)  # keyboard-wedge capture pauses here
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        # Longer than any PIN: a scan landing here is seen whole and refused, not cut to
        # eight characters that might look like a PIN and count as a wrong one.
        self.pin_edit.setMaxLength(32)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Authorise"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Manager"), self.user_edit)
        form.addRow(self.tr("PIN"), self.pin_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.pin_edit.setFocus()

    def submit(self, username: str, pin: str) -> None:
        """Type the credentials and confirm (what the OK button does)."""
        self.user_edit.setText(username)
        self.pin_edit.setText(pin)
        self._on_buttons_accepted()

    def _on_buttons_accepted(self) -> None:
        username, pin = self.user_edit.text().strip(), self.pin_edit.text()
        self.buttons.setEnabled(False)
        auth = self._ctx.services.auth
        self._ctx.background.run(
            lambda: auth.authorise(username, pin, self._needed, self._action),
            self._on_authorise_done, self._on_authorise_failed)

    def _on_authorise_done(self, user: User) -> None:
        self.accept()
        self._on_granted(user)

    def _on_authorise_failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.pin_edit.clear()
        self.message.setText(describe(exc)[1])


def with_role(ctx: TillContext, parent: QWidget, action: str, action_text: str,
              on_granted: Callable[[User], None], needed_role: str = "manager"
              ) -> ManagerAuthDialog | None:
    """Run on_granted with the current user if their role reaches needed_role, else ask in place."""
    if ctx.user is not None and ctx.user.can(needed_role):
        on_granted(ctx.user)
        return None
    dialog = ManagerAuthDialog(ctx, action, action_text, needed_role, on_granted, parent)
    dialog.open()
    return dialog
