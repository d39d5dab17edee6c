"""A member's full profile from head office, for a manager (the till keeps only the reduced
form: name, masked mobile, birthday month and day). Fetched when opened, online only; head
office checks the role again and audits the request."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from pos_app.services.member_profile import FullProfile, MemberProfileService
from ui.context import TillContext
from ui.error_messages import describe
from ui.formatting import card_status_name


def profile_service(ctx: TillContext) -> MemberProfileService:
    """The composition root may hand one over (ctx.member_profiles); otherwise one is made
    from the till's head-office settings."""
    if ctx.member_profiles is not None:
        return ctx.member_profiles
    from pos_app.sync.member_profiles import member_profile_source
    return MemberProfileService(member_profile_source(ctx.settings))


class MemberProfileDialog(QDialog):
    """Shows the profile once head office answers, or why it cannot."""

    def __init__(self, ctx: TillContext, member_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberProfileDialog")
        self.setWindowTitle(self.tr("Member details (head office)"))
        self.setMinimumWidth(460)
        self._ctx = ctx
        self.status = QLabel(self.tr("Asking head office…"))
        self.status.setObjectName("profileStatus")
        self.status.setWordWrap(True)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("name", self.tr("Name")), ("mobile", self.tr("Mobile")),
                           ("gender", self.tr("Gender")), ("birthday", self.tr("Birthday")),
                           ("consent", self.tr("Messages")), ("cards", self.tr("Cards"))):
            value = QLabel("—")
            value.setObjectName(f"profile_{key}")
            self.fields[key] = value
            form.addRow(label, value)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(form)
        layout.addWidget(buttons)
        service, user = profile_service(ctx), ctx.user
        if user is None:
            self.status.setText(self.tr("Log in as a manager first."))
            return
        ctx.background.run(lambda: service.full_profile(user, member_id), self._on_done,
                           self._on_failed)

    def _on_done(self, p: FullProfile) -> None:
        self.status.setText(self.tr("From head office; this request is recorded there."))
        calendar = self.tr("lunar") if p.birthday_calendar == "lunar" else self.tr("solar")
        gender = {"M": self.tr("male"), "F": self.tr("female")}.get(p.gender, "—")
        values: dict[str, Any] = {
            "name": p.name, "mobile": p.mobile or "—", "gender": gender,
            "birthday": f"{p.birthday} ({calendar})" if p.birthday else "—",
            "consent": self.tr("yes") if p.consent_messages else self.tr("no"),
            "cards": "; ".join(f"{no} ({card_status_name(st)})" for no, st in p.cards) or "—"}
        for key, text in values.items():
            self.fields[key].setText(str(text))

    def _on_failed(self, exc: BaseException) -> None:
        title, message = describe(exc)
        self.status.setText(f"{title}: {message}")
