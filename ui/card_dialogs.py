"""The forms of the member card screen: register, top up, refund, identity check, replace,
renew, cancel, member PIN and simple confirmations.

Each dialog stays open while its action runs: OK emits `submitted`, the screen runs the
service in the background and either closes the dialog (done) or shows the reason in it
(failed), so a manager fixes a typo without typing the whole form again.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette, QShowEvent
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QButtonGroup, QCheckBox,
                               QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QRadioButton, QSpinBox,
                               QVBoxLayout, QWidget)

from pos_app.domain.errors import PosError, ValidationFailed
from pos_app.domain.member import normalise_mobile
from pos_app.domain.money import parse_yuan
from pos_app.domain.rules import RuleSet
from pos_app.domain.tenders import TOP_UP_TENDERS, TenderKind
from pos_app.services.cards import IdentityCheck, MemberForm
from ui.error_messages import describe
from ui.formatting import tender_name, tr_fill, yuan
from ui.wedge import make_capture_field

GREEN = QColor("#2e7d32")
RED = QColor("#b00020")


def tint(widget: QWidget, color: QColor, bold: bool = True) -> None:
    """Colour and weight by palette and font, never by style sheet: a widget with its own style
    sheet stops inheriting its parent's font, so the manager dialog's bigger type would not reach it."""
    palette = widget.palette()
    role = (QPalette.ColorRole.ButtonText if isinstance(widget, QAbstractButton)
            else QPalette.ColorRole.WindowText)
    palette.setColor(role, color)
    widget.setPalette(palette)
    font = widget.font()
    font.setBold(bold)
    widget.setFont(font)


def touch_sizes(root: QWidget) -> None:
    """Finger-sized fields and buttons (at least 34 and 40 px high) under root."""
    for kind, height in ((QLineEdit, 34), (QComboBox, 34), (QAbstractSpinBox, 34),
                         (QPushButton, 40), (QCheckBox, 30), (QRadioButton, 30)):
        for widget in root.findChildren(kind):
            widget.setMinimumHeight(max(widget.minimumHeight(), height))


class CardActionDialog(QDialog):
    """A form whose OK asks the screen to run the action; stays open until it succeeded."""

    submitted = Signal()

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.note = QLabel()
        self.note.setObjectName("dialogNote")
        self.note.setWordWrap(True)
        self.note.hide()
        self.message = QLabel()
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        tint(self.message, RED)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr_fill("CardDialogs", "Cancel"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        touch_sizes(self)
        super().showEvent(event)

    def set_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def check(self) -> None:
        """Raise ValidationFailed for input the dialog itself can judge (subclasses)."""

    def submit(self) -> None:
        """What OK does: check the input here, then hand the action to the screen."""
        try:
            self.check()
        except PosError as exc:
            self.fail(exc)
            return
        self.message.clear()
        self.buttons.setEnabled(False)
        self.submitted.emit()

    def fail(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.message.setText(describe(exc)[1])


class IdentityFields:
    """Mobile plus ID digits / security answer, or the manager's word that they saw the ID."""

    def __init__(self, dialog: CardActionDialog) -> None:
        self.mobile = QLineEdit()
        self.mobile.setObjectName("identityMobile")
        self.mobile.setPlaceholderText(tr_fill("CardDialogs", "The mobile number the member says"))
        self.mobile.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)
        self.answer = QLineEdit()
        self.answer.setObjectName("identityAnswer")
        self.answer.setPlaceholderText(tr_fill("CardDialogs", "ID card last 6 digits or security answer"))
        self.saw_id = QCheckBox(tr_fill("CardDialogs", "I saw the member's ID card (when no answer is on file)"))
        self.saw_id.setObjectName("identitySawId")
        dialog.form.addRow(tr_fill("CardDialogs", "Mobile"), self.mobile)
        dialog.form.addRow(tr_fill("CardDialogs", "ID / answer"), self.answer)
        dialog.form.addRow("", self.saw_id)

    def check(self) -> None:
        normalise_mobile(self.mobile.text())

    def value(self) -> IdentityCheck:
        return IdentityCheck(self.mobile.text().strip(), self.answer.text().strip(),
                             self.saw_id.isChecked())


class CardBindingFields:
    """A new card: swiped or typed (pre-printed number), or an IC card tapped on the reader."""

    def __init__(self, dialog: CardActionDialog, ic_available: bool) -> None:
        self.card_no = QLineEdit()
        self.card_no.setObjectName("cardNumber")
        self.card_no.setPlaceholderText(tr_fill("CardDialogs", "Swipe the card or type the printed number"))
        self.card_no.setMaxLength(40)
        make_capture_field(self.card_no)
        self.swipe = QRadioButton(tr_fill("CardDialogs", "Magnetic / printed card"))
        self.swipe.setObjectName("bindSwipe")
        self.ic = QRadioButton(tr_fill("CardDialogs", "IC card on the reader"))
        self.ic.setObjectName("bindIc")
        self.ic.setEnabled(ic_available)
        if not ic_available:
            self.ic.setToolTip(tr_fill("CardDialogs", "No IC card reader is set up on this till"))
        group = QButtonGroup(dialog)
        group.addButton(self.swipe)
        group.addButton(self.ic)
        self.swipe.setChecked(True)
        row = QHBoxLayout()
        row.addWidget(self.swipe)
        row.addWidget(self.ic)
        row.addStretch(1)
        dialog.form.addRow(tr_fill("CardDialogs", "Card"), row)
        dialog.form.addRow(tr_fill("CardDialogs", "Card number"), self.card_no)

    def set_swiped(self, card_no: str) -> None:
        self.swipe.setChecked(True)
        self.card_no.setText(card_no)

    @property
    def use_ic(self) -> bool:
        return self.ic.isChecked()

    def check(self) -> None:
        if not self.use_ic and not self.card_no.text().strip():
            raise ValidationFailed("card_no", "swipe or type the card number")

    def value(self) -> str:
        return self.card_no.text().strip()


class CardRegisterDialog(CardActionDialog):
    """办卡: the member form and the first card."""

    def __init__(self, ic_available: bool, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Register a member and issue a card (办卡)"),
                         self.tr("Register and issue"), parent)
        self.setObjectName("cardRegisterDialog")
        self.name = QLineEdit()
        self.name.setObjectName("memberName")
        self.name.setMaxLength(60)
        self.mobile = QLineEdit()
        self.mobile.setObjectName("memberMobile")
        self.mobile.setPlaceholderText("13912345678")
        self.mobile_hint = QLabel()
        self.mobile_hint.setObjectName("mobileHint")
        self.mobile.textChanged.connect(self._on_mobile_text_changed)
        self.gender = QComboBox()
        self.gender.setObjectName("memberGender")
        for code, text in (("", self.tr("Not given")), ("F", self.tr("Female")),
                           ("M", self.tr("Male"))):
            self.gender.addItem(text, code)
        self.birthday = QLineEdit()
        self.birthday.setObjectName("memberBirthday")
        self.birthday.setPlaceholderText(self.tr("YYYY-MM-DD, e.g. 1990-04-15"))
        self.calendar = QComboBox()
        self.calendar.setObjectName("birthdayCalendar")
        self.calendar.addItem(self.tr("Solar (公历)"), "solar")
        self.calendar.addItem(self.tr("Lunar (农历)"), "lunar")
        self.leap = QCheckBox(self.tr("Leap month (闰月)"))
        self.leap.setObjectName("birthdayLeap")
        self.leap.setEnabled(False)
        self.calendar.currentIndexChanged.connect(self._on_calendar_current_index_changed)
        bday = QHBoxLayout()
        bday.addWidget(self.birthday, 1)
        bday.addWidget(self.calendar)
        bday.addWidget(self.leap)
        self.consent = QCheckBox(self.tr("The member agrees to receive messages "
                                         "(recorded with the time)"))
        self.consent.setObjectName("memberConsent")
        self.referrer = QLineEdit()
        self.referrer.setObjectName("referrerCard")
        self.referrer.setPlaceholderText(self.tr("Card number of the member who referred them"))
        self.id_check = QLineEdit()
        self.id_check.setObjectName("memberIdCheck")
        self.id_check.setPlaceholderText(self.tr("ID card last 6 digits or a security answer"))
        self.join_receipt = QLineEdit()
        self.join_receipt.setObjectName("joinReceipt")
        self.join_receipt.setPlaceholderText(self.tr("Scan today's receipt to join a higher tier"))
        self.form.addRow(self.tr("Name"), self.name)
        mobile_row = QHBoxLayout()
        mobile_row.addWidget(self.mobile, 1)
        mobile_row.addWidget(self.mobile_hint)
        self.form.addRow(self.tr("Mobile"), mobile_row)
        self.form.addRow(self.tr("Gender"), self.gender)
        self.form.addRow(self.tr("Birthday"), bday)
        self.form.addRow(self.tr("ID / answer"), self.id_check)
        self.form.addRow(self.tr("Referred by"), self.referrer)
        self.form.addRow(self.tr("Same-day receipt"), self.join_receipt)
        self.form.addRow("", self.consent)
        self.binding = CardBindingFields(self, ic_available)

    def _on_mobile_text_changed(self, text: str) -> None:
        if not text.strip():
            self.mobile_hint.clear()
            return
        try:
            normalise_mobile(text)
        except ValidationFailed:
            self.mobile_hint.setText(self.tr("11 digits, 13-19…"))
            tint(self.mobile_hint, RED, bold=False)
        else:
            self.mobile_hint.setText("✓")
            tint(self.mobile_hint, GREEN)

    def _on_calendar_current_index_changed(self, _index: int) -> None:
        lunar = self.calendar.currentData() == "lunar"
        self.leap.setEnabled(lunar)
        if not lunar:
            self.leap.setChecked(False)

    def birthday_text(self) -> str:
        text = self.birthday.text().strip().replace("/", "-")
        if text and self.leap.isChecked():
            parts = text.split("-")
            if len(parts) == 3 and not parts[1].startswith(("L", "闰")):
                text = f"{parts[0]}-L{parts[1]}-{parts[2]}"
        return text

    def check(self) -> None:
        if not self.name.text().strip():
            raise ValidationFailed("name", "enter the member's name")
        normalise_mobile(self.mobile.text())
        self.binding.check()
        if self.birthday.text().strip():
            from pos_app.domain.birthday import Birthday
            Birthday.parse(self.birthday_text(), self.calendar.currentData())

    def member_form(self) -> MemberForm:
        return MemberForm(name=self.name.text().strip(), mobile=self.mobile.text().strip(),
                          gender=self.gender.currentData(), birthday=self.birthday_text(),
                          birthday_calendar=self.calendar.currentData(),
                          consent_messages=self.consent.isChecked(),
                          referrer_card_no=self.referrer.text().strip(),
                          id_check=self.id_check.text().strip())


class CardTopUpDialog(CardActionDialog):
    """充值: amount, tender and reference; the rule set's bonus shown before confirming."""

    def __init__(self, rules: RuleSet | None, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Top up (充值)"), self.tr("Confirm top-up"), parent)
        self.setObjectName("cardTopUpDialog")
        self._rules = rules
        self.amount = QLineEdit()
        self.amount.setObjectName("topUpAmount")
        self.amount.setPlaceholderText("1000.00")
        self.amount.textChanged.connect(self._on_amount_text_changed)
        self.tender = QComboBox()
        self.tender.setObjectName("topUpTender")
        for kind in TOP_UP_TENDERS:
            self.tender.addItem(tender_name(kind), kind.value)
        self.reference = QLineEdit()
        self.reference.setObjectName("topUpReference")
        self.reference.setPlaceholderText(self.tr("Bank slip or payment number (not for cash)"))
        self.bonus = QLabel("—")
        self.bonus.setObjectName("topUpBonus")
        tint(self.bonus, GREEN)
        self.form.addRow(self.tr("Amount ¥"), self.amount)
        self.form.addRow(self.tr("Paid by"), self.tender)
        self.form.addRow(self.tr("Reference"), self.reference)
        self.form.addRow(self.tr("Bonus"), self.bonus)

    def amount_fen(self) -> int:
        return parse_yuan(self.amount.text())

    def tender_kind(self) -> TenderKind:
        return TenderKind(self.tender.currentData())

    def _on_amount_text_changed(self, _text: str) -> None:
        try:
            fen = self.amount_fen()
        except PosError:
            self.bonus.setText("—")
            return
        bonus = self._rules.top_up_bonus(fen) if self._rules else 0
        self.bonus.setText(self.tr("%1 bonus (not refundable) · the card gets %2")
                           .replace("%1", yuan(bonus)).replace("%2", yuan(fen + bonus)))

    def check(self) -> None:
        if self.amount_fen() <= 0:
            raise ValidationFailed("amount", "enter the amount")


class CardRefundDialog(CardActionDialog):
    """退卡/取款: pay back paid-in balance in cash; bonus money stays."""

    def __init__(self, paid_fen: int, bonus_fen: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Refund balance (退卡/取款)"), self.tr("Pay out"), parent)
        self.setObjectName("cardRefundDialog")
        self.set_note(self.tr("Paid-in balance %1 can be paid out in cash. Bonus %2 is never "
                              "refunded.").replace("%1", yuan(paid_fen))
                      .replace("%2", yuan(bonus_fen)))
        self.amount = QLineEdit(f"{paid_fen // 100}.{paid_fen % 100:02d}" if paid_fen > 0 else "")
        self.amount.setObjectName("refundAmount")
        self.form.addRow(self.tr("Amount ¥"), self.amount)
        # Paid out of the balance like any stored-value spend: the member's PIN above the
        # rule set's amount.
        self.member_pin = QLineEdit()
        self.member_pin.setObjectName("refundMemberPin")
        self.member_pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.form.addRow(self.tr("Member PIN"), self.member_pin)

    def amount_fen(self) -> int:
        return parse_yuan(self.amount.text())

    def pin(self) -> str | None:
        return self.member_pin.text().strip() or None

    def check(self) -> None:
        if self.amount_fen() <= 0:
            raise ValidationFailed("amount", "enter the amount")


class CardIdentityDialog(CardActionDialog):
    """An action that needs the identity check only (report lost, unblock)."""

    def __init__(self, title: str, ok_text: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(title, ok_text, parent)
        self.setObjectName("cardIdentityDialog")
        self.set_note(note)
        self.identity = IdentityFields(self)

    def check(self) -> None:
        self.identity.check()


class CardReplaceDialog(CardActionDialog):
    """补卡: the identity check and the new card."""

    def __init__(self, old_card_no: str, fee_fen: int, ic_available: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Replace card (补卡)"), self.tr("Replace card"), parent)
        self.setObjectName("cardReplaceDialog")
        self.set_note(self.tr("Card %1 will be dead for good. Balance, points, tier and passes "
                              "move to the new card. Replacement fee: %2.")
                      .replace("%1", old_card_no).replace("%2", yuan(fee_fen)))
        self.identity = IdentityFields(self)
        self.binding = CardBindingFields(self, ic_available)

    def check(self) -> None:
        self.identity.check()
        self.binding.check()


class CardRenewDialog(CardActionDialog):
    """延期: extend the expiry (and take the annual fee if the rule set has one)."""

    def __init__(self, card_no: str, expires: str, fee_fen: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Renew card (延期)"), self.tr("Renew"), parent)
        self.setObjectName("cardRenewDialog")
        self.set_note(self.tr("Card %1 expires: %2. Annual fee: %3.").replace("%1", card_no)
                      .replace("%2", expires).replace("%3", yuan(fee_fen)))
        self.days = QSpinBox()
        self.days.setObjectName("renewDays")
        self.days.setRange(1, 3650)
        self.days.setValue(365)
        self.days.setSuffix(self.tr(" days"))
        self.form.addRow(self.tr("Extend by"), self.days)


class CardCancelDialog(CardActionDialog):
    """注销: shows what is paid back and what is forfeited; needs an explicit tick."""

    def __init__(self, name: str, refund_fen: int, bonus_fen: int, points: int,
                 passes: int, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Cancel membership (注销)"), self.tr("Cancel membership"),
                         parent)
        self.setObjectName("cardCancelDialog")
        self.set_note(self.tr("Cancel the membership of %1?\n• Paid back in cash: %2\n"
                              "• Forfeited: bonus balance %3, %4 points\n"
                              "• Unused count passes: %5 (refund them first)\n"
                              "• Every card of the member is closed for good.")
                      .replace("%1", name).replace("%2", yuan(refund_fen))
                      .replace("%3", yuan(bonus_fen)).replace("%4", str(points))
                      .replace("%5", str(passes)))
        tint(self.note, RED)
        self.identity = IdentityFields(self)
        self.confirmed = QCheckBox(self.tr("I explained this to the member and they agree"))
        self.confirmed.setObjectName("cancelConfirmed")
        self.form.addRow("", self.confirmed)
        tint(self.ok_button, RED)

    def check(self) -> None:
        self.identity.check()


class CardPinDialog(CardActionDialog):
    """Member PIN: set the first one, change it with the old one, or reset it (identity)."""

    def __init__(self, has_pin: bool, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Member PIN"), self.tr("Save PIN"), parent)
        self.setObjectName("cardPinDialog")
        self.mode = QComboBox()
        self.mode.setObjectName("pinMode")
        if not has_pin:
            self.mode.addItem(self.tr("Set the first PIN"), "set")
        else:
            self.mode.addItem(self.tr("Change (member types the old PIN)"), "change")
            self.mode.addItem(self.tr("Reset (forgotten: identity check)"), "reset")
        self.old_pin = self._pin_edit("oldPin")
        self.new_pin = self._pin_edit("newPin")
        self.repeat = self._pin_edit("repeatPin")
        self.form.addRow(self.tr("What"), self.mode)
        self.form.addRow(self.tr("Old PIN"), self.old_pin)
        self.form.addRow(self.tr("New PIN (4-8 digits)"), self.new_pin)
        self.form.addRow(self.tr("New PIN again"), self.repeat)
        self.identity = IdentityFields(self)
        self.mode.currentIndexChanged.connect(self._on_mode_current_index_changed)
        self._on_mode_current_index_changed(0)

    def _pin_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setProperty("secret", True)  # keyboard-wedge capture pauses here
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(8)
        return edit

    def _on_mode_current_index_changed(self, _index: int) -> None:
        mode = self.mode.currentData()
        self.old_pin.setEnabled(mode == "change")
        for w in (self.identity.mobile, self.identity.answer, self.identity.saw_id):
            w.setEnabled(mode == "reset")

    def check(self) -> None:
        pin = self.new_pin.text()
        if not (pin.isdigit() and 4 <= len(pin) <= 8) or pin != self.repeat.text():
            raise ValidationFailed("pin", "4-8 digits, typed twice the same")
        if self.mode.currentData() == "reset":
            self.identity.check()


class CardConfirmDialog(CardActionDialog):
    """A plain yes/no for an action without input (gifts, pass refunds)."""

    def __init__(self, title: str, text: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, ok_text, parent)
        self.setObjectName("cardConfirmDialog")
        self.set_note(text)
        font = self.note.font()
        font.setBold(True)
        self.note.setFont(font)
