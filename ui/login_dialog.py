"""Log in by user and PIN; then open a shift with a float if none is open."""
from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from pos_app.domain.errors import InvalidAmount
from pos_app.domain.money import parse_yuan
from pos_app.services.auth import User
from ui.background import Background
from ui.context import TillContext
from ui.error_messages import describe

log = logging.getLogger(__name__)


def _big(widget: QWidget, points: int = 16) -> None:
    font = widget.font()
    font.setPointSize(points)
    widget.setFont(font)


class LoginDialog(QDialog):
    """User and PIN; the PIN is checked on the background lane (argon2 takes a moment)."""

    logged_in = Signal(object)

    def __init__(self, title_text: str, users: list[User], background: Background,
                 login: Callable[[str, str], User], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._background = background
        self._login = login
        self.user: User | None = None
        self.setObjectName("loginDialog")
        self.setWindowTitle(self.tr("Log in"))
        self.setMinimumWidth(460)
        _big(self, 15)
        title = QLabel(title_text)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _big(title, 20)
        self.user_box = QComboBox()
        self.user_box.setEditable(True)
        # Cashiers first: they log in many times a day, managers now and then.
        for u in sorted(users, key=lambda u: (u.role != "cashier", u.role, u.username)):
            self.user_box.addItem(f"{u.username} · {u.display_name}", u.username)
        self.pin_edit = QLineEdit()
        self.pin_edit.setProperty("secret", True)  # keyboard-wedge capture pauses here
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_edit.setPlaceholderText(self.tr("PIN"))
        # Longer than any PIN: a scan landing here is seen whole and refused, not cut to
        # eight characters that might look like a PIN and count as a wrong one.
        self.pin_edit.setMaxLength(32)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020;")
        self.login_button = QPushButton(self.tr("Log in (Enter)"))
        self.login_button.setDefault(True)
        self.login_button.clicked.connect(self._on_login_button_clicked)
        for w in (self.user_box, self.pin_edit, self.login_button):
            _big(w)
        form = QFormLayout()
        form.addRow(self.tr("User"), self.user_box)
        form.addRow(self.tr("PIN"), self.pin_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.login_button)
        self.pin_edit.setFocus()

    def username(self) -> str:
        data = self.user_box.currentData()
        text = self.user_box.currentText().strip()
        if data is not None and text.startswith(str(data)):
            return str(data)
        return text.split(" ")[0]

    def _on_login_button_clicked(self) -> None:
        username, pin = self.username(), self.pin_edit.text()
        self.login_button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        login = self._login
        self._background.run(lambda: login(username, pin), self._on_login_done,
                             self._on_login_failed)

    def _on_login_done(self, user: User) -> None:
        log.info("logged in: %s", user.username)
        self.user = user
        self.logged_in.emit(user)
        self.accept()

    def _on_login_failed(self, exc: Exception) -> None:
        self.login_button.setEnabled(True)
        self.pin_edit.clear()
        self.message.setText(describe(exc)[1])


class OpenShiftDialog(QDialog):
    """Opening float for a new shift (no shift is open on this till)."""

    def __init__(self, ctx: TillContext, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._user = user
        self.shift = None
        self.setObjectName("openShiftDialog")
        self.setWindowTitle(self.tr("Open shift"))
        self.setMinimumWidth(460)
        _big(self, 15)
        intro = QLabel(self.tr("No shift is open on this till. Count the cash float put into "
                               "the drawer and open the shift."))
        intro.setWordWrap(True)
        self.float_edit = QLineEdit("500.00")
        _big(self.float_edit, 20)
        self.message = QLabel()
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open shift (Enter)"))
        self.open_button.setDefault(True)
        _big(self.open_button)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        form = QFormLayout()
        form.addRow(self.tr("Cash float ¥"), self.float_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.open_button)
        self.float_edit.selectAll()
        self.float_edit.setFocus()

    def _on_open_button_clicked(self) -> None:
        try:
            float_fen = parse_yuan(self.float_edit.text())
        except InvalidAmount as exc:          # shown below
            self.message.setText(describe(exc)[1])
            return
        self.open_button.setEnabled(False)
        self._ctx.background.run(lambda: self._ctx.services.shifts.open(self._user, float_fen),
                                 self._on_open_done, self._on_open_failed)

    def _on_open_done(self, shift: object) -> None:
        self.shift = shift
        self.accept()

    def _on_open_failed(self, exc: Exception) -> None:
        self.open_button.setEnabled(True)
        self.message.setText(describe(exc)[1])
