"""Every typed error the cashier can meet, as translated text that says what happened and what to do.

The only place where an exception becomes words, for every screen. `MESSAGES` is one table
from error type to wording; `describe` looks an error up along its class's MRO, so a
subclass without its own row reads as its nearest described parent. Device errors share one
root (`DeviceFailure`); printer errors carry a `PrinterProblem` (the hardware layer, which the
screens may not import, says which) and nothing a cashier has to read (never card data).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.domain import errors as e
from pos_app.domain.coupons import CouponNotUsable, CouponRefusal
from pos_app.ports.printing import PrinterFailure, PrinterProblem
from ui.formatting import card_status_name, tr_fill, yuan
from ui.ic_messages import IC_MESSAGES

log = logging.getLogger(__name__)

_CTX = "ErrorMessages"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "?"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    return value.isoformat()


def card_problem(exc: e.CardNotUsable) -> str:
    """Why a card gets no member price (shown on the member panel and in dialogs)."""
    if exc.status == "lost":
        if exc.shop_name:
            return tr_fill("ErrorMessages", "This card was reported lost on %1 at %2.").args(_when(exc.since), exc.shop_name)
        return tr_fill("ErrorMessages", "This card was reported lost on %1.").args(_when(exc.since))
    if exc.status == "expired":
        return tr_fill("ErrorMessages", "This card expired on %1.").args(_when(exc.since))
    if exc.status == "cancelled":
        return tr_fill("ErrorMessages", "This card was cancelled on %1.").args(_when(exc.since))
    if exc.status == "replaced":
        return tr_fill("ErrorMessages", "This card was replaced by a new card on %1.").args(_when(exc.since))
    return tr_fill("ErrorMessages", "This card cannot be used (%1).").args(exc.status)


def coupon_problem(exc: CouponNotUsable) -> str:
    """Why a coupon does not apply, and what the customer can do about it."""
    r = exc.reason
    if r is CouponRefusal.BELOW_THRESHOLD:
        return tr_fill("ErrorMessages", "The coupon needs %1 more of goods it covers.").args(
            yuan(exc.shortfall_fen))
    if r is CouponRefusal.EXCLUDED_GOODS:
        if exc.shortfall_fen:
            return tr_fill("ErrorMessages", "Excluded goods (%1) do not count towards the coupon: "
                           "%2 more of other goods is needed.").args(", ".join(exc.skus),
                                                                     yuan(exc.shortfall_fen))
        return tr_fill("ErrorMessages", "The coupon does not cover these goods (%1).").args(
            ", ".join(exc.skus))
    if r is CouponRefusal.EXPIRED:
        return tr_fill("ErrorMessages", "The coupon expired on %1.").args(_when(exc.at))
    if r is CouponRefusal.NOT_YET_VALID:
        return tr_fill("ErrorMessages", "The coupon can be used from %1.").args(_when(exc.at))
    if r is CouponRefusal.USED:
        return tr_fill("ErrorMessages", "The coupon was already used at %1 on %2.").args(
            exc.shop or "?", _when(exc.at))
    if r is CouponRefusal.OTHER_MEMBER:
        return tr_fill("ErrorMessages", "The coupon belongs to another member: attach that "
                       "member's card first.")
    if r is CouponRefusal.WRONG_SHOP:
        return tr_fill("ErrorMessages", "The coupon cannot be used in this shop.")
    if r is CouponRefusal.NOT_IN_SCOPE:
        return tr_fill("ErrorMessages", "None of the goods in the basket are covered by the coupon.")
    if r is CouponRefusal.NOT_STACKABLE:
        return tr_fill("ErrorMessages", "This coupon cannot be used together with another coupon.")
    if r is CouponRefusal.ALREADY_IN_SALE:
        return tr_fill("ErrorMessages", "This coupon is already on the sale.")
    if r is CouponRefusal.OFFLINE_LIMIT:
        return tr_fill("ErrorMessages", "This till has taken as many coupons as it may before head "
                       "office confirms them: sync first (or take %1 less).").args(
            yuan(exc.shortfall_fen))
    if r is CouponRefusal.LIMIT_REACHED:
        return tr_fill("ErrorMessages", "The member already holds as many of these coupons as allowed.")
    return tr_fill("ErrorMessages", "No coupon has the code %1: check it and scan again.").args(
        exc.code)


_FIELDS = {
    "code": QT_TRANSLATE_NOOP("ErrorMessages", "Scan a barcode or type a SKU, then press Enter."),
    "member": QT_TRANSLATE_NOOP("ErrorMessages", "Swipe or tap the member card first (F2)."),
    "member_lines": QT_TRANSLATE_NOOP("ErrorMessages", "The basket has lines of this member "
                                      "(a pass visit, a pass bought, a gift for points): "
                                      "remove them first, then change or take off the card."),
    "qty": QT_TRANSLATE_NOOP("ErrorMessages", "A line that uses a count pass is always one visit."),
    "line": QT_TRANSLATE_NOOP("ErrorMessages", "Select a line in the basket first."),
    "pass_line": QT_TRANSLATE_NOOP("ErrorMessages", "A count pass is not returned here: "
                                   "set its return quantity to 0 and refund the pass on the "
                                   "member cards screen (Refund pass), which takes off the "
                                   "visits already used."),
    "discount": QT_TRANSLATE_NOOP("ErrorMessages", "Enter a discount rate between 0 and 1, e.g. 0.9 for 10% off."),
    "member_pin": QT_TRANSLATE_NOOP("ErrorMessages", "The member has no PIN yet or the PIN is not 4 to 8 digits: a manager sets one first."),
    "pin": QT_TRANSLATE_NOOP("ErrorMessages", "A PIN has 4 to 8 digits."),
    "basket": QT_TRANSLATE_NOOP("ErrorMessages", "Finish or hold the current sale first."),
    "tender": QT_TRANSLATE_NOOP("ErrorMessages", "Every tender must be a positive amount."),
    "top_up_tender": QT_TRANSLATE_NOOP("ErrorMessages", "Top up with cash, bank card, WeChat Pay or Alipay."),
    "fee_tender": QT_TRANSLATE_NOOP("ErrorMessages", "Take the fee in cash, by bank card, WeChat Pay, Alipay or from the balance."),
    "fee_authorisation": QT_TRANSLATE_NOOP("ErrorMessages", "A fee from the balance needs the member's PIN or signature first."),
    "points": QT_TRANSLATE_NOOP("ErrorMessages", "Points can only pay whole amounts (100 points = ¥1.00)."),
    "float": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the cash put into the drawer, e.g. 500.00."),
    "amount": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the amount, like 100.00."),
    "counted": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the cash counted in the drawer."),
    "reason": QT_TRANSLATE_NOOP("ErrorMessages", "Say why the cash is moved."),
    "username": QT_TRANSLATE_NOOP("ErrorMessages", "Check the user name: it is required and must not exist yet."),
    "role": QT_TRANSLATE_NOOP("ErrorMessages", "The role must be cashier, manager or admin."),
    "tier": QT_TRANSLATE_NOOP("ErrorMessages", "The rule set does not know this tier: sync with head office."),
    "name": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the member's name (up to 60 characters)."),
    "mobile": QT_TRANSLATE_NOOP("ErrorMessages", "A mobile number has 11 digits and starts with 13 to 19."),
    "gender": QT_TRANSLATE_NOOP("ErrorMessages", "Choose the gender, or leave it open."),
    "birthday": QT_TRANSLATE_NOOP("ErrorMessages", "Check the birthday: no such date in the chosen calendar."),
    "card_no": QT_TRANSLATE_NOOP("ErrorMessages", "Swipe the card or type its number (letters and digits, up to 40)."),
    "card": QT_TRANSLATE_NOOP("ErrorMessages", "Put the IC card on the reader and try again."),
    "receipt": QT_TRANSLATE_NOOP("ErrorMessages", "The receipt does not qualify: it must be from today, not used before, and reach a tier's amount."),
    "days": QT_TRANSLATE_NOOP("ErrorMessages", "Extend by 1 to 3650 days."),
    "benefit": QT_TRANSLATE_NOOP("ErrorMessages", "This gift is not due for this member today."),
    "intent": QT_TRANSLATE_NOOP("ErrorMessages", "This card write was already completed."),
    "consent": QT_TRANSLATE_NOOP("ErrorMessages", "Ask the member whether they agree to messages and tick the box."),
    "pass": QT_TRANSLATE_NOOP("ErrorMessages", "Select the count pass to refund in the passes table."),
}

Wording = Callable[[Any], tuple[str, str]]


def _card_not_usable(x: e.CardNotUsable) -> tuple[str, str]:
    return tr_fill("ErrorMessages", "No member price"), card_problem(x) + "\n" + tr_fill("ErrorMessages",
        "The card gets no member price, earns no points and cannot pay. "
        "Ask for another card or sell without a member.")


def _head_office_needed(x: e.HeadOfficeNeeded) -> tuple[str, str]:
    if x.reason == "refused":
        return tr_fill("ErrorMessages", "Head office refused"), tr_fill("ErrorMessages",
            "Head office shows a member's full details to managers only.")
    if x.reason == "not_enrolled":
        return tr_fill("ErrorMessages", "Head office needed"), tr_fill("ErrorMessages",
            "Full member details are kept at head office only, and this till is not "
            "connected to head office.")
    return tr_fill("ErrorMessages", "Head office needed"), tr_fill("ErrorMessages",
        "Full member details are kept at head office only, and head office cannot be "
        "reached now. Try again when the till is online.")


def _payment_mismatch(x: e.PaymentMismatch) -> tuple[str, str]:
    if x.reason == "non_cash_over_due":
        return tr_fill("ErrorMessages", "Too much paid"), tr_fill("ErrorMessages",
            "Card, stored value, points and mobile payments may not pay more than %1 due; "
            "only cash gives change.").args(yuan(x.due_fen))
    return tr_fill("ErrorMessages", "Not fully paid"), tr_fill("ErrorMessages",
        "%1 is due but only %2 was tendered. Add another tender.").args(
        yuan(x.due_fen), yuan(x.tendered_fen))


def _redemption_not_allowed(x: e.RedemptionNotAllowed) -> tuple[str, str]:
    if x.reason == "special_or_excluded":
        return tr_fill("ErrorMessages", "Cannot redeem"), tr_fill("ErrorMessages",
            "Special-priced and excluded items cannot be taken for points.")
    return tr_fill("ErrorMessages", "Cannot redeem"), tr_fill("ErrorMessages",
        "This gift needs %1 points; the member has %2 available.").args(
        x.needed_points, x.available_points)


def _pass_not_usable(x: e.PassNotUsable) -> tuple[str, str]:
    reasons = {"expired": tr_fill("ErrorMessages", "the pass has expired"), "used_up": tr_fill("ErrorMessages", "no uses are left"),
               "refunded": tr_fill("ErrorMessages", "the pass was refunded"),
               "other_member": tr_fill("ErrorMessages", "the pass belongs to another member")}
    return tr_fill("ErrorMessages", "Pass not usable"), tr_fill("ErrorMessages", "The pass cannot be used: %1.").args(
        reasons.get(x.reason, x.reason))


def _spend_declined(x: e.SpendDeclined) -> tuple[str, str]:
    reasons = {
        "offline_too_long": tr_fill("ErrorMessages", "The till has been offline too long to "
                               "let balance or points be spent. Take another tender and "
                               "call head office."),
        "offline_uses_exhausted": tr_fill("ErrorMessages", "This card was used offline as "
                                     "often as allowed. Take another tender."),
        "offline_allowance_exceeded": tr_fill("ErrorMessages", "Offline, this card may spend "
                                         "less. Pay part with another tender."),
        "shop_exposure_exceeded": tr_fill("ErrorMessages", "The shop's offline limit for "
                                     "card spending is reached. Take another tender."),
    }
    return tr_fill("ErrorMessages", "Spend not authorised"), reasons.get(
        x.reason, tr_fill("ErrorMessages", "Head office refused the balance or points "
                     "spend (%1). Take another tender.").args(x.reason))


def _duplicate_member(x: e.DuplicateMember) -> tuple[str, str]:
    field = tr_fill("ErrorMessages", "mobile number") if x.field == "mobile" else x.field
    return tr_fill("ErrorMessages", "Member exists"), tr_fill("ErrorMessages",
        "The %1 %2 already belongs to member %3. Search that member instead of "
        "registering again.").args(field, x.value_masked, x.other_member_name_masked)


def _identity_not_confirmed(x: e.IdentityNotConfirmed) -> tuple[str, str]:
    reasons = {"mobile": tr_fill("ErrorMessages", "the mobile number does not match the member's"),
               "answer": tr_fill("ErrorMessages", "the ID digits or security answer do not match"),
               "id_card": tr_fill("ErrorMessages", "no security answer is on file: look at the "
                             "ID card and tick \"I saw the ID card\""),
               "old_pin": tr_fill("ErrorMessages", "changing a PIN needs the old PIN, or a reset "
                             "with the identity check")}
    return tr_fill("ErrorMessages", "Identity not confirmed"), tr_fill("ErrorMessages",
        "Identity not confirmed: %1. Nothing was changed.").args(reasons.get(x.reason, x.reason))


def _action_name(action: str) -> str:
    return {"report_lost": tr_fill("ErrorMessages", "report it lost"), "unblock": tr_fill("ErrorMessages", "unblock it"),
            "replace": tr_fill("ErrorMessages", "replace it"), "renew": tr_fill("ErrorMessages", "renew it"),
            "cancel": tr_fill("ErrorMessages", "cancel it")}.get(action, action)


def _benefit_already_given(x: e.BenefitAlreadyGiven) -> tuple[str, str]:
    kind = tr_fill("ErrorMessages", "birthday gift") if x.kind == "birthday" else tr_fill("ErrorMessages", "quarterly Diamond gift")
    return tr_fill("ErrorMessages", "Already given"), tr_fill("ErrorMessages", "The %1 for %2 was already handed over.").args(kind, x.period)


def _confirmation_required(x: e.ConfirmationRequired) -> tuple[str, str]:
    if x.action == "cancel_membership":
        return tr_fill("ErrorMessages", "Confirmation needed"), tr_fill("ErrorMessages",
            "Confirm the cancellation first; nothing was changed.")
    return tr_fill("ErrorMessages", "Confirmation needed"), tr_fill("ErrorMessages", "This cannot be undone: confirm it first.")


def _validation_failed(x: e.ValidationFailed) -> tuple[str, str]:
    hint = _FIELDS.get(x.field)
    if hint:
        return tr_fill("ErrorMessages", "Check the input"), QCoreApplication.translate(_CTX, hint)
    return tr_fill("ErrorMessages", "Check the input"), tr_fill("ErrorMessages", "Check the field \"%1\".").args(x.field)


# One row per error type; `describe` walks the error's MRO to the first row it finds.
MESSAGES: dict[type[BaseException], Wording] = {
    **IC_MESSAGES,
    e.CardNotUsable: _card_not_usable,
    e.UnknownProduct: lambda x: (tr_fill("ErrorMessages", "Unknown item"), tr_fill("ErrorMessages",
        "No product has the code %1. Check the code or search by name.").args(x.code)),
    e.UnknownCard: lambda x: (tr_fill("ErrorMessages", "Unknown card"), tr_fill("ErrorMessages",
        "No member card %1 is known at this till. Search the member by mobile or name.").args(
        x.card_no)),
    e.UnknownMember: lambda x: (tr_fill("ErrorMessages", "Unknown member"), tr_fill("ErrorMessages", "This member is not known at this till.")),
    e.UnknownSale: lambda x: (tr_fill("ErrorMessages", "Receipt not found"), tr_fill("ErrorMessages",
        "No sale with receipt %1. Scan the QR code on the receipt or check the number.").args(
        x.receipt_no)),
    e.NotFound: lambda x: (tr_fill("ErrorMessages", "Not found"), tr_fill("ErrorMessages", "Nothing was found for %1.").args(x.key)),
    e.InvalidQuantity: lambda x: (tr_fill("ErrorMessages", "Invalid quantity"), tr_fill("ErrorMessages",
        "%1 is not a valid quantity. Enter a whole number from 1 to 9999.").args(x.qty)),
    e.InvalidAmount: lambda x: (tr_fill("ErrorMessages", "Invalid amount"), tr_fill("ErrorMessages",
        "\"%1\" is not an amount. Type it like 12.50.").args(x.text)),
    e.AmountTooLarge: lambda x: (tr_fill("ErrorMessages", "Amount too large"), tr_fill("ErrorMessages",
        "%1 is more than the limit of %2. Check the price.").args(
        yuan(x.amount_fen), yuan(x.limit_fen))),
    e.InsufficientBalance: lambda x: (tr_fill("ErrorMessages", "Not enough balance"), tr_fill("ErrorMessages",
        "The card balance is %1 but %2 was asked. Pay the missing %3 another way.").args(
        yuan(x.available_fen), yuan(x.needed_fen), yuan(x.missing_fen))),
    e.WithdrawalExceedsPaidIn: lambda x: (tr_fill("ErrorMessages", "Not enough paid-in balance"), tr_fill("ErrorMessages",
        "Only %1 of paid-in balance can be refunded; %2 was asked. Bonus money is "
        "never refunded.").args(yuan(x.available_fen), yuan(x.needed_fen))),
    e.WithdrawalRefused: lambda x: (tr_fill("ErrorMessages", "Withdrawal refused"), tr_fill("ErrorMessages",
        "The rule set keeps paid-in money on the card while %1 of bonus money remains. "
        "The member spends the bonus first; nothing was changed.").args(yuan(x.bonus_fen))),
    e.InsufficientPoints: lambda x: (tr_fill("ErrorMessages", "Not enough points"), tr_fill("ErrorMessages",
        "This needs %1 points; the member has %2.").args(x.needed, x.available)),
    e.PinRequired: lambda x: (tr_fill("ErrorMessages", "Member PIN needed"), tr_fill("ErrorMessages",
        "Paying %1 from the card needs the member's PIN. Ask the member to type it.").args(
        yuan(x.amount_fen))),
    e.WrongPin: lambda x: (tr_fill("ErrorMessages", "Wrong PIN"), tr_fill("ErrorMessages",
        "The PIN is wrong. %1 tries left before the account is locked.").args(x.tries_left)),
    e.NotAPin: lambda x: (tr_fill("ErrorMessages", "Not a PIN"), tr_fill("ErrorMessages",
        "A PIN is 4 to 8 digits, typed by hand; that looked like a scan. Nothing was counted "
        "against the account: type the PIN.")),
    e.AccountLocked: lambda x: (tr_fill("ErrorMessages", "Locked"), tr_fill("ErrorMessages",
        "Too many wrong PINs: locked until %1. Ask a manager.").args(x.until.strftime("%H:%M"))),
    e.HeadOfficeNeeded: _head_office_needed,
    e.PermissionDenied: lambda x: (tr_fill("ErrorMessages", "Manager needed"), tr_fill("ErrorMessages",
        "A %1 must authorise this. Ask a manager to type their PIN.").args(
        role_name(x.needed_role))),
    e.DiscountOverLimit: lambda x: (tr_fill("ErrorMessages", "Discount too large"), tr_fill("ErrorMessages",
        "%1% off is more than the %2% your role may give. Ask a manager.").args(
        x.requested_bp // 100, x.limit_bp // 100)),
    e.PaymentMismatch: _payment_mismatch,
    e.PointsCashOverCap: lambda x: (tr_fill("ErrorMessages", "Too much paid with points"), tr_fill("ErrorMessages",
        "Points may pay at most %1 of this sale.").args(yuan(x.cap_fen))),
    e.ShiftNotOpen: lambda x: (tr_fill("ErrorMessages", "No open shift"), tr_fill("ErrorMessages", "Open a shift with the cash float first.")),
    e.ShiftAlreadyOpen: lambda x: (tr_fill("ErrorMessages", "Shift already open"), tr_fill("ErrorMessages",
        "A shift is already open on this till.")),
    e.EmptySale: lambda x: (tr_fill("ErrorMessages", "Empty basket"), tr_fill("ErrorMessages", "Scan at least one item first.")),
    e.ReturnExceedsSale: lambda x: (tr_fill("ErrorMessages", "Too many returned"), tr_fill("ErrorMessages",
        "Line %1: only %2 can still be returned.").args(x.line_no, x.returnable)),
    e.RedemptionNotAllowed: _redemption_not_allowed,
    CouponNotUsable: lambda x: (tr_fill("ErrorMessages", "Coupon not usable"), coupon_problem(x)),
    e.PassNotUsable: _pass_not_usable,
    e.ImportRejected: lambda x: (tr_fill("ErrorMessages", "Import refused"), tr_fill("ErrorMessages",
        "%1 line(s) have problems; nothing was imported. Fix them and import again.").args(
        len(x.problems))),
    e.DuplicateMember: _duplicate_member,
    e.SpendDeclined: _spend_declined,
    e.CardAlreadyBound: lambda x: (tr_fill("ErrorMessages", "Card already bound"), tr_fill("ErrorMessages",
        "Card %1 already belongs to member %2. Use a new, unused card.").args(
        x.card_no, x.owner_masked or "?")),
    e.IdentityNotConfirmed: _identity_not_confirmed,
    e.CardStateConflict: lambda x: (tr_fill("ErrorMessages", "Not possible for this card"), tr_fill("ErrorMessages",
        "Card %1 is %2, so you cannot %3. Nothing was changed.").args(
        x.card_no, card_status_name(x.status), _action_name(x.action))),
    e.CardNeverExpires: lambda x: (tr_fill("ErrorMessages", "Valid for ever"), tr_fill("ErrorMessages",
        "Card %1 is valid for ever (长期有效): there is nothing to extend. Nothing was "
        "changed.").args(x.card_no)),
    e.BenefitAlreadyGiven: _benefit_already_given,
    e.ConfirmationRequired: _confirmation_required,
    e.DeviceFailure: lambda x: (tr_fill("ErrorMessages", "Device problem"), tr_fill("ErrorMessages",
        "A device did not respond. Check its cable and power, then try again.")),
    PrinterFailure: lambda x: (tr_fill("ErrorMessages", "Printer problem"), printer_problem(x) + "\n" + tr_fill("ErrorMessages",
        "The sale is done. The receipt waits for reprint (F9).")),
    e.ValidationFailed: _validation_failed,
    e.PosError: lambda x: (tr_fill("ErrorMessages", "Cannot do that"), tr_fill("ErrorMessages", "The till refused this (%1).").args(
        type(x).__name__)),
}


def describe(exc: BaseException) -> tuple[str, str]:
    """(title, message) for an error; the message says what to do next."""
    for cls in type(exc).__mro__:
        wording = MESSAGES.get(cls)
        if wording is not None:
            return wording(exc)
    return tr_fill("ErrorMessages", "Something went wrong"), tr_fill("ErrorMessages",
        "An unexpected error happened; it was written to the log. Try again, "
        "and call support if it happens again.")


def printer_problem(exc: PrinterFailure) -> str:
    """What is wrong with the printer, by the problem its driver names."""
    return {
        PrinterProblem.COVER_OPEN: tr_fill("ErrorMessages", "The printer cover is open: close it."),
        PrinterProblem.PAPER_OUT: tr_fill("ErrorMessages", "The printer is out of paper: put in a new roll."),
        PrinterProblem.NO_ANSWER: tr_fill("ErrorMessages", "The printer does not answer: check its power and cable."),
        PrinterProblem.OFFLINE: tr_fill("ErrorMessages", "The printer is offline: press its feed button or switch "
                                   "it off and on."),
        PrinterProblem.FAULT: tr_fill("ErrorMessages", "The printer reports a fault (cutter jam?): open it, clear "
                                 "it, close it."),
    }.get(exc.problem, tr_fill("ErrorMessages", "The printer could not print."))


def role_name(role: str) -> str:
    return {"cashier": tr_fill("ErrorMessages", "cashier"), "manager": tr_fill("ErrorMessages", "manager"),
            "admin": tr_fill("ErrorMessages", "administrator")}.get(role, role)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal message box that does not block the event loop (devices keep reading)."""
    if not isinstance(exc, e.PosError):
        log.error("unexpected error shown to the cashier", exc_info=exc)
    title, text = describe(exc)
    return show_message(parent, title, text)


def show_message(parent: QWidget | None, title: str, text: str,
                 icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("messageBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
