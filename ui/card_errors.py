"""Card-lifecycle errors as translated text; everything else falls back to ui.error_messages.

ui/error_messages.py does not know the errors of the card lifecycle yet (duplicate member,
card already bound, identity check, card state, benefit, confirmation, forged chip), so the
card screens read them here first.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.domain import errors as e
from ui.error_messages import describe, show_message
from ui.formatting import card_status_name, tr_fill, yuan
from ui.ic_messages import describe_ic_error

log = logging.getLogger(__name__)

_CTX = "CardErrors"

_FIELDS = {
    "name": QT_TRANSLATE_NOOP("CardErrors", "Enter the member's name (up to 60 characters)."),
    "mobile": QT_TRANSLATE_NOOP("CardErrors", "A mobile number has 11 digits and starts with 13 to 19."),
    "gender": QT_TRANSLATE_NOOP("CardErrors", "Choose the gender, or leave it open."),
    "birthday": QT_TRANSLATE_NOOP("CardErrors", "Check the birthday: no such date in the chosen calendar."),
    "card_no": QT_TRANSLATE_NOOP("CardErrors", "Swipe the card or type its number (letters and digits, up to 40)."),
    "card": QT_TRANSLATE_NOOP("CardErrors", "Put the IC card on the reader and try again."),
    "receipt": QT_TRANSLATE_NOOP("CardErrors", "The receipt does not qualify: it must be from today, not used before, and reach a tier's amount."),
    "days": QT_TRANSLATE_NOOP("CardErrors", "Extend by 1 to 3650 days."),
    "benefit": QT_TRANSLATE_NOOP("CardErrors", "This gift is not due for this member today."),
    "intent": QT_TRANSLATE_NOOP("CardErrors", "This card write was already completed."),
    "amount": QT_TRANSLATE_NOOP("CardErrors", "Enter the amount, like 100.00."),
    "tender": QT_TRANSLATE_NOOP("CardErrors", "Top up with cash, bank card, WeChat Pay or Alipay."),
    "pin": QT_TRANSLATE_NOOP("CardErrors", "A member PIN has 4 to 8 digits."),
    "consent": QT_TRANSLATE_NOOP("CardErrors", "Ask the member whether they agree to messages and tick the box."),
    "pass": QT_TRANSLATE_NOOP("CardErrors", "Select the count pass to refund in the passes table."),
}


def _action_name(action: str) -> str:
    return {"report_lost": tr_fill("CardErrors", "report it lost"),
            "unblock": tr_fill("CardErrors", "unblock it"),
            "replace": tr_fill("CardErrors", "replace it"),
            "renew": tr_fill("CardErrors", "renew it"),
            "cancel": tr_fill("CardErrors", "cancel it")}.get(action, action)


def describe_card_error(exc: BaseException) -> tuple[str, str]:
    """(title, message) for a card-lifecycle error, else ui.error_messages.describe."""
    if isinstance(exc, e.DuplicateMember):
        field = tr_fill("CardErrors", "mobile number") if exc.field == "mobile" else exc.field
        return tr_fill("CardErrors", "Member exists"), tr_fill("CardErrors",
            "The %1 %2 already belongs to member %3. Search that member instead of "
            "registering again.").args(field, exc.value_masked, exc.other_member_name_masked)
    if isinstance(exc, e.CardAlreadyBound):
        return tr_fill("CardErrors", "Card already bound"), tr_fill("CardErrors",
            "Card %1 already belongs to member %2. Use a new, unused card.").args(
            exc.card_no, exc.owner_masked or "?")
    if isinstance(exc, e.IdentityNotConfirmed):
        reasons = {"mobile": tr_fill("CardErrors", "the mobile number does not match the member's"),
                   "answer": tr_fill("CardErrors", "the ID digits or security answer do not match"),
                   "id_card": tr_fill("CardErrors", "no security answer is on file: look at the "
                                                    "ID card and tick \"I saw the ID card\""),
                   "old_pin": tr_fill("CardErrors", "changing a PIN needs the old PIN, or a reset "
                                                    "with the identity check")}
        return tr_fill("CardErrors", "Identity not confirmed"), tr_fill("CardErrors",
            "Identity not confirmed: %1. Nothing was changed.").args(
            reasons.get(exc.reason, exc.reason))
    if isinstance(exc, e.CardStateConflict):
        return tr_fill("CardErrors", "Not possible for this card"), tr_fill("CardErrors",
            "Card %1 is %2, so you cannot %3. Nothing was changed.").args(
            exc.card_no, card_status_name(exc.status), _action_name(exc.action))
    if isinstance(exc, e.CardNeverExpires):
        return tr_fill("CardErrors", "Valid for ever"), tr_fill("CardErrors",
            "Card %1 is valid for ever (长期有效): there is nothing to extend. Nothing was "
            "changed.").args(exc.card_no)
    if isinstance(exc, e.BenefitAlreadyGiven):
        kind = (tr_fill("CardErrors", "birthday gift") if exc.kind == "birthday"
                else tr_fill("CardErrors", "quarterly Diamond gift"))
        return tr_fill("CardErrors", "Already given"), tr_fill("CardErrors",
            "The %1 for %2 was already handed over.").args(kind, exc.period)
    if isinstance(exc, e.ConfirmationRequired):
        return tr_fill("CardErrors", "Confirmation needed"), tr_fill("CardErrors",
            "Confirm the cancellation first; nothing was changed.")
    ic = describe_ic_error(exc)
    if ic is not None:
        return ic
    if isinstance(exc, e.WithdrawalRefused):
        return tr_fill("CardErrors", "Withdrawal refused"), tr_fill("CardErrors",
            "The rule set keeps paid-in money on the card while %1 of bonus money remains. "
            "The member spends the bonus first; nothing was changed.").args(yuan(exc.bonus_fen))
    if isinstance(exc, e.InsufficientBalance):
        return tr_fill("CardErrors", "Not enough paid-in balance"), tr_fill("CardErrors",
            "Only %1 of paid-in balance can be refunded; %2 was asked. Bonus money is "
            "never refunded.").args(yuan(exc.available_fen), yuan(exc.needed_fen))
    if isinstance(exc, e.ValidationFailed) and exc.field in _FIELDS:
        return (tr_fill("CardErrors", "Check the input"),
                QCoreApplication.translate(_CTX, _FIELDS[exc.field]))
    return describe(exc)


def show_card_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal box with the translated error (never a traceback)."""
    if not isinstance(exc, e.PosError):
        log.error("unexpected error on the card screen", exc_info=exc)
    title, text = describe_card_error(exc)
    return show_message(parent, title, text)
