"""Every typed error the cashier can meet, as translated text that says what happened and what to do.

The only place where an exception becomes words. Printer errors come from the hardware
layer, which the screens may not import: they are recognised by class name and carry
nothing a cashier has to read (never card data).
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from pos_app.domain import errors as e
from pos_app.domain.coupons import CouponNotUsable, CouponRefusal
from pos_app.ports.printing import PrinterFailure
from ui.formatting import card_status_name, tr_fill
from ui.formatting import yuan

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
    "qty": QT_TRANSLATE_NOOP("ErrorMessages", "A line that uses a count pass is always one visit."),
    "line": QT_TRANSLATE_NOOP("ErrorMessages", "Select a line in the basket first."),
    "discount": QT_TRANSLATE_NOOP("ErrorMessages", "Enter a discount rate between 0 and 1, e.g. 0.9 for 10% off."),
    "pin": QT_TRANSLATE_NOOP("ErrorMessages", "The member has no PIN yet or the PIN is not 4 to 8 digits: a manager sets one first."),
    "basket": QT_TRANSLATE_NOOP("ErrorMessages", "Finish or hold the current sale first."),
    "tender": QT_TRANSLATE_NOOP("ErrorMessages", "Every tender must be a positive amount."),
    "points": QT_TRANSLATE_NOOP("ErrorMessages", "Points can only pay whole amounts (100 points = ¥1.00)."),
    "float": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the cash put into the drawer, e.g. 500.00."),
    "amount": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the amount."),
    "counted": QT_TRANSLATE_NOOP("ErrorMessages", "Enter the cash counted in the drawer."),
    "reason": QT_TRANSLATE_NOOP("ErrorMessages", "Say why the cash is moved."),
    "username": QT_TRANSLATE_NOOP("ErrorMessages", "Check the user name: it is required and must not exist yet."),
    "role": QT_TRANSLATE_NOOP("ErrorMessages", "The role must be cashier, manager or admin."),
    "tier": QT_TRANSLATE_NOOP("ErrorMessages", "The rule set does not know this tier: sync with head office."),
}


def describe(exc: BaseException) -> tuple[str, str]:
    """(title, message) for an error; the message says what to do next."""
    from ui.ic_messages import describe_ic_error
    ic = describe_ic_error(exc)
    if ic is not None:
        return ic
    if isinstance(exc, e.CardNotUsable):
        return tr_fill("ErrorMessages", "No member price"), card_problem(exc) + "\n" + tr_fill("ErrorMessages",
            "The card gets no member price, earns no points and cannot pay. "
            "Ask for another card or sell without a member.")
    if isinstance(exc, e.UnknownProduct):
        return tr_fill("ErrorMessages", "Unknown item"), tr_fill("ErrorMessages",
            "No product has the code %1. Check the code or search by name.").args(exc.code)
    if isinstance(exc, e.UnknownCard):
        return tr_fill("ErrorMessages", "Unknown card"), tr_fill("ErrorMessages",
            "No member card %1 is known at this till. Search the member by mobile or name.").args(exc.card_no)
    if isinstance(exc, e.UnknownMember):
        return tr_fill("ErrorMessages", "Unknown member"), tr_fill("ErrorMessages", "This member is not known at this till.")
    if isinstance(exc, e.UnknownSale):
        return tr_fill("ErrorMessages", "Receipt not found"), tr_fill("ErrorMessages",
            "No sale with receipt %1. Scan the QR code on the receipt or check the number.").args(exc.receipt_no)
    if isinstance(exc, e.NotFound):
        return tr_fill("ErrorMessages", "Not found"), tr_fill("ErrorMessages", "Nothing was found for %1.").args(exc.key)
    if isinstance(exc, e.InvalidQuantity):
        return tr_fill("ErrorMessages", "Invalid quantity"), tr_fill("ErrorMessages",
            "%1 is not a valid quantity. Enter a whole number from 1 to 9999.").args(exc.qty)
    if isinstance(exc, e.InvalidAmount):
        return tr_fill("ErrorMessages", "Invalid amount"), tr_fill("ErrorMessages",
            "\"%1\" is not an amount. Type it like 12.50.").args(exc.text)
    if isinstance(exc, e.AmountTooLarge):
        return tr_fill("ErrorMessages", "Amount too large"), tr_fill("ErrorMessages",
            "%1 is more than the limit of %2. Check the price.").args(yuan(exc.amount_fen), yuan(exc.limit_fen))
    if isinstance(exc, e.InsufficientBalance):
        return tr_fill("ErrorMessages", "Not enough balance"), tr_fill("ErrorMessages",
            "The card balance is %1 but %2 was asked. Pay the missing %3 another way.").args(yuan(exc.available_fen), yuan(exc.needed_fen), yuan(exc.missing_fen))
    if isinstance(exc, e.InsufficientPoints):
        return tr_fill("ErrorMessages", "Not enough points"), tr_fill("ErrorMessages",
            "This needs %1 points; the member has %2.").args(exc.needed, exc.available)
    if isinstance(exc, e.PinRequired):
        return tr_fill("ErrorMessages", "Member PIN needed"), tr_fill("ErrorMessages",
            "Paying %1 from the card needs the member's PIN. Ask the member to type it.").args(yuan(exc.amount_fen))
    if isinstance(exc, e.WrongPin):
        return tr_fill("ErrorMessages", "Wrong PIN"), tr_fill("ErrorMessages",
            "The PIN is wrong. %1 tries left before the account is locked.").args(exc.tries_left)
    if isinstance(exc, e.AccountLocked):
        return tr_fill("ErrorMessages", "Locked"), tr_fill("ErrorMessages",
            "Too many wrong PINs: locked until %1. Ask a manager.").args(exc.until.strftime("%H:%M"))
    if isinstance(exc, e.HeadOfficeNeeded):
        if exc.reason == "refused":
            return tr_fill("ErrorMessages", "Head office refused"), tr_fill("ErrorMessages",
                "Head office shows a member's full details to managers only.")
        if exc.reason == "not_enrolled":
            return tr_fill("ErrorMessages", "Head office needed"), tr_fill("ErrorMessages",
                "Full member details are kept at head office only, and this till is not "
                "connected to head office.")
        return tr_fill("ErrorMessages", "Head office needed"), tr_fill("ErrorMessages",
            "Full member details are kept at head office only, and head office cannot be "
            "reached now. Try again when the till is online.")
    if isinstance(exc, e.PermissionDenied):
        return tr_fill("ErrorMessages", "Manager needed"), tr_fill("ErrorMessages",
            "A %1 must authorise this. Ask a manager to type their PIN.").args(role_name(exc.needed_role))
    if isinstance(exc, e.DiscountOverLimit):
        return tr_fill("ErrorMessages", "Discount too large"), tr_fill("ErrorMessages",
            "%1% off is more than the %2% your role may give. Ask a manager.").args(exc.requested_bp // 100, exc.limit_bp // 100)
    if isinstance(exc, e.PaymentMismatch):
        if exc.reason == "non_cash_over_due":
            return tr_fill("ErrorMessages", "Too much paid"), tr_fill("ErrorMessages",
                "Card, stored value, points and mobile payments may not pay more than %1 due; "
                "only cash gives change.").args(yuan(exc.due_fen))
        return tr_fill("ErrorMessages", "Not fully paid"), tr_fill("ErrorMessages",
            "%1 is due but only %2 was tendered. Add another tender.").args(yuan(exc.due_fen), yuan(exc.tendered_fen))
    if isinstance(exc, e.PointsCashOverCap):
        return tr_fill("ErrorMessages", "Too much paid with points"), tr_fill("ErrorMessages",
            "Points may pay at most %1 of this sale.").args(yuan(exc.cap_fen))
    if isinstance(exc, e.ShiftNotOpen):
        return tr_fill("ErrorMessages", "No open shift"), tr_fill("ErrorMessages", "Open a shift with the cash float first.")
    if isinstance(exc, e.ShiftAlreadyOpen):
        return tr_fill("ErrorMessages", "Shift already open"), tr_fill("ErrorMessages", "A shift is already open on this till.")
    if isinstance(exc, e.EmptySale):
        return tr_fill("ErrorMessages", "Empty basket"), tr_fill("ErrorMessages", "Scan at least one item first.")
    if isinstance(exc, e.ReturnExceedsSale):
        return tr_fill("ErrorMessages", "Too many returned"), tr_fill("ErrorMessages",
            "Line %1: only %2 can still be returned.").args(exc.line_no, exc.returnable)
    if isinstance(exc, e.RedemptionNotAllowed):
        if exc.reason == "special_or_excluded":
            return tr_fill("ErrorMessages", "Cannot redeem"), tr_fill("ErrorMessages",
                "Special-priced and excluded items cannot be taken for points.")
        return tr_fill("ErrorMessages", "Cannot redeem"), tr_fill("ErrorMessages",
            "This gift needs %1 points; the member has %2 available.").args(exc.needed_points, exc.available_points)
    if isinstance(exc, CouponNotUsable):
        return tr_fill("ErrorMessages", "Coupon not usable"), coupon_problem(exc)
    if isinstance(exc, e.PassNotUsable):
        reasons = {"expired": tr_fill("ErrorMessages", "the pass has expired"), "used_up": tr_fill("ErrorMessages", "no uses are left"),
                   "refunded": tr_fill("ErrorMessages", "the pass was refunded"),
                   "other_member": tr_fill("ErrorMessages", "the pass belongs to another member")}
        return tr_fill("ErrorMessages", "Pass not usable"), tr_fill("ErrorMessages", "The pass cannot be used: %1.").args(reasons.get(exc.reason, exc.reason))
    if isinstance(exc, e.ImportRejected):
        return tr_fill("ErrorMessages", "Import refused"), tr_fill("ErrorMessages",
            "%1 line(s) have problems; nothing was imported. Fix them and import again.").args(len(exc.problems))
    if isinstance(exc, e.DuplicateMember):
        return tr_fill("ErrorMessages", "Member exists"), tr_fill("ErrorMessages", "A member with this %1 already exists.").args(exc.field)
    if isinstance(exc, e.SpendDeclined):
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
            exc.reason, tr_fill("ErrorMessages", "Head office refused the balance or points "
                                "spend (%1). Take another tender.").args(exc.reason))
    if isinstance(exc, e.CardAlreadyBound):
        return tr_fill("ErrorMessages", "Card already in use"), tr_fill(
            "ErrorMessages", "Card %1 already belongs to %2. Use a new card.").args(
            exc.card_no, exc.owner_masked)
    if isinstance(exc, e.IdentityNotConfirmed):
        return tr_fill("ErrorMessages", "Identity not confirmed"), tr_fill(
            "ErrorMessages", "The identity check did not match. Check the member's ID or "
            "mobile number again.")
    if isinstance(exc, e.CardStateConflict):
        return tr_fill("ErrorMessages", "Not possible for this card"), tr_fill(
            "ErrorMessages", "Card %1 is %2: this cannot be done with it.").args(
            exc.card_no, card_status_name(exc.status))
    if isinstance(exc, e.BenefitAlreadyGiven):
        return tr_fill("ErrorMessages", "Already handed over"), tr_fill(
            "ErrorMessages", "This gift was already handed over for %1.").args(exc.period)
    if isinstance(exc, e.ConfirmationRequired):
        return tr_fill("ErrorMessages", "Please confirm"), tr_fill(
            "ErrorMessages", "This cannot be undone: confirm it first.")
    if isinstance(exc, e.DeviceFailure):
        return tr_fill("ErrorMessages", "Device problem"), tr_fill(
            "ErrorMessages", "A device did not respond. Check its cable and power, then try "
            "again.")
    if isinstance(exc, e.ValidationFailed):
        hint = _FIELDS.get(exc.field)
        if hint:
            return tr_fill("ErrorMessages", "Check the input"), QCoreApplication.translate(_CTX, hint)
        return tr_fill("ErrorMessages", "Check the input"), tr_fill("ErrorMessages", "Check the field \"%1\".").args(exc.field)
    if isinstance(exc, PrinterFailure):
        return tr_fill("ErrorMessages", "Printer problem"), printer_problem(exc) + "\n" + tr_fill("ErrorMessages",
            "The sale is done. The receipt waits for reprint (F9).")
    if isinstance(exc, e.PosError):
        return tr_fill("ErrorMessages", "Cannot do that"), tr_fill("ErrorMessages", "The till refused this (%1).").args(type(exc).__name__)
    return tr_fill("ErrorMessages", "Something went wrong"), tr_fill("ErrorMessages",
        "An unexpected error happened; it was written to the log. Try again, "
        "and call support if it happens again.")


def printer_problem(exc: BaseException) -> str:
    """What is wrong with the printer, by the driver's error class (hardware is not imported)."""
    name = type(exc).__name__
    if name == "CoverOpen":
        return tr_fill("ErrorMessages", "The printer cover is open: close it.")
    if name == "PaperOut":
        return tr_fill("ErrorMessages", "The printer is out of paper: put in a new roll.")
    if name in ("PrinterUnreachable", "PrinterTimeout", "PrintInterrupted"):
        return tr_fill("ErrorMessages", "The printer does not answer: check its power and cable.")
    if name == "PrinterOffline":
        return tr_fill("ErrorMessages", "The printer is offline: press its feed button or switch it off and on.")
    if name == "PrinterFault":
        return tr_fill("ErrorMessages", "The printer reports a fault (cutter jam?): open it, clear it, close it.")
    return tr_fill("ErrorMessages", "The printer could not print.")


def role_name(role: str) -> str:
    return {"cashier": tr_fill("ErrorMessages", "cashier"), "manager": tr_fill("ErrorMessages", "manager"),
            "admin": tr_fill("ErrorMessages", "administrator")}.get(role, role)


def show_error(parent: QWidget | None, exc: BaseException) -> QMessageBox:
    """A window-modal message box that does not block the event loop (devices keep reading)."""
    if not isinstance(exc, (e.PosError, PrinterFailure)):
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
