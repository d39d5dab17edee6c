"""The core's error hierarchy: each error carries the data the UI needs to explain it."""
from __future__ import annotations

from datetime import date, datetime


class PosError(Exception):
    """Base of every expected, user-explainable failure in the core."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)


class InvalidAmount(PosError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class ValidationFailed(PosError):
    """Input that breaks a field rule; field names the input, reason says why."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason


class NotFound(PosError):
    def __init__(self, what: str, key: str) -> None:
        super().__init__(what, key)
        self.what = what
        self.key = key


class UnknownProduct(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__("product", code)
        self.code = code


class UnknownCard(NotFound):
    def __init__(self, card_no: str) -> None:
        super().__init__("card", card_no)
        self.card_no = card_no


class UnknownMember(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__("member", key)


class UnknownSale(NotFound):
    def __init__(self, receipt_no: str) -> None:
        super().__init__("sale", receipt_no)
        self.receipt_no = receipt_no


class InvalidQuantity(PosError):
    def __init__(self, qty: int) -> None:
        super().__init__(qty)
        self.qty = qty


class AmountTooLarge(PosError):
    def __init__(self, amount_fen: int, limit_fen: int) -> None:
        super().__init__(amount_fen, limit_fen)
        self.amount_fen = amount_fen
        self.limit_fen = limit_fen


class CardNotUsable(PosError):
    """A card that gets no member price, earns nothing and cannot pay."""

    def __init__(self, card_no: str, status: str, since: datetime | date | None = None,
                 shop_name: str | None = None) -> None:
        super().__init__(card_no, status, since, shop_name)
        self.card_no = card_no
        self.status = status
        self.since = since
        self.shop_name = shop_name


class CardBlocked(CardNotUsable):
    def __init__(self, card_no: str, since: datetime | None, shop_name: str | None) -> None:
        super().__init__(card_no, "lost", since, shop_name)


class CardExpired(CardNotUsable):
    def __init__(self, card_no: str, expired_on: date) -> None:
        super().__init__(card_no, "expired", expired_on)


class CardCancelled(CardNotUsable):
    def __init__(self, card_no: str, since: datetime | None) -> None:
        super().__init__(card_no, "cancelled", since)


class CardReplaced(CardNotUsable):
    def __init__(self, card_no: str, since: datetime | None) -> None:
        super().__init__(card_no, "replaced", since)


class InsufficientBalance(PosError):
    def __init__(self, needed_fen: int, available_fen: int) -> None:
        super().__init__(needed_fen, available_fen)
        self.needed_fen = needed_fen
        self.available_fen = available_fen

    @property
    def missing_fen(self) -> int:
        return self.needed_fen - self.available_fen


class WithdrawalExceedsPaidIn(InsufficientBalance):
    """A balance refund (取款) asked for more than the paid-in balance: bonus money never
    leaves as cash."""


class InsufficientPoints(PosError):
    def __init__(self, needed: int, available: int) -> None:
        super().__init__(needed, available)
        self.needed = needed
        self.available = available


class PinRequired(PosError):
    """Paying this much from stored value needs the member's PIN."""

    def __init__(self, amount_fen: int, threshold_fen: int) -> None:
        super().__init__(amount_fen, threshold_fen)
        self.amount_fen = amount_fen
        self.threshold_fen = threshold_fen


class WrongPin(PosError):
    def __init__(self, tries_left: int) -> None:
        super().__init__(tries_left)
        self.tries_left = tries_left


class NotAPin(PosError):
    """What was typed cannot be a PIN (a PIN is 4 to 8 digits): most likely a scan that
    landed in the PIN field. Refused without counting a failed attempt, since no PIN has
    that shape and nothing is learnt from it."""


class AccountLocked(PosError):
    def __init__(self, who: str, until: datetime) -> None:
        super().__init__(who, until)
        self.who = who
        self.until = until


class PermissionDenied(PosError):
    """The user's role may not do this; a manager must authorise."""

    def __init__(self, action: str, role: str, needed_role: str) -> None:
        super().__init__(action, role, needed_role)
        self.action = action
        self.role = role
        self.needed_role = needed_role


class DiscountOverLimit(PosError):
    def __init__(self, requested_bp: int, limit_bp: int) -> None:
        super().__init__(requested_bp, limit_bp)
        self.requested_bp = requested_bp
        self.limit_bp = limit_bp


class PaymentMismatch(PosError):
    """Tenders do not cover the amount due exactly (only cash may give change)."""

    def __init__(self, due_fen: int, tendered_fen: int, reason: str) -> None:
        super().__init__(due_fen, tendered_fen, reason)
        self.due_fen = due_fen
        self.tendered_fen = tendered_fen
        self.reason = reason


class CardNeverExpires(PosError):
    """延期 asked for a card valid for ever (长期有效): an expiry date would shorten it."""

    def __init__(self, card_no: str) -> None:
        super().__init__(card_no)
        self.card_no = card_no


class PointsCashOverCap(PosError):
    def __init__(self, requested_fen: int, cap_fen: int) -> None:
        super().__init__(requested_fen, cap_fen)
        self.requested_fen = requested_fen
        self.cap_fen = cap_fen


class ShiftNotOpen(PosError):
    pass


class ShiftAlreadyOpen(PosError):
    def __init__(self, shift_id: str) -> None:
        super().__init__(shift_id)
        self.shift_id = shift_id


class EmptySale(PosError):
    pass


class ReturnExceedsSale(PosError):
    def __init__(self, line_no: int, requested: int, returnable: int) -> None:
        super().__init__(line_no, requested, returnable)
        self.line_no = line_no
        self.requested = requested
        self.returnable = returnable


class RedemptionNotAllowed(PosError):
    def __init__(self, reason: str, needed_points: int = 0, available_points: int = 0) -> None:
        super().__init__(reason, needed_points, available_points)
        self.reason = reason
        self.needed_points = needed_points
        self.available_points = available_points


class PassNotUsable(PosError):
    def __init__(self, pass_id: str, reason: str) -> None:
        super().__init__(pass_id, reason)
        self.pass_id = pass_id
        self.reason = reason


class ImportRejected(PosError):
    """A file refused whole; problems lists (line number, reason) for every bad row."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        super().__init__(problems)
        self.problems = problems


class DuplicateMember(PosError):
    def __init__(self, field: str, value_masked: str, other_member_name_masked: str) -> None:
        super().__init__(field, value_masked, other_member_name_masked)
        self.field = field
        self.value_masked = value_masked
        self.other_member_name_masked = other_member_name_masked


class CardAlreadyBound(PosError):
    """The card number or chip is already someone's card."""

    def __init__(self, card_no: str, owner_masked: str) -> None:
        super().__init__(card_no, owner_masked)
        self.card_no = card_no
        self.owner_masked = owner_masked


class IdentityNotConfirmed(PosError):
    """The identity check before a card action failed (mobile or ID/answer mismatch)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CardStateConflict(PosError):
    """The card's status does not allow this action (e.g. unblocking a replaced card)."""

    def __init__(self, card_no: str, status: str, action: str) -> None:
        super().__init__(card_no, status, action)
        self.card_no = card_no
        self.status = status
        self.action = action


class BenefitAlreadyGiven(PosError):
    def __init__(self, kind: str, period: str) -> None:
        super().__init__(kind, period)
        self.kind = kind
        self.period = period


class ConfirmationRequired(PosError):
    """A destructive action (cancel a membership) needs an explicit confirmation."""

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


class DeviceFailure(PosError):
    """A device could not do what was asked (drivers' errors derive from this, so the core can
    tell a device problem from a business refusal without importing any driver)."""


class SpendDeclined(PosError):
    """Head office (or the offline allowance) refused a stored-value or points spend."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnknownEventKind(PosError):
    """An outbox event of a kind head office has no handler for: refused, never queued."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class WithdrawalRefused(PosError):
    """取款 refused: the rule set keeps paid-in money while bonus money remains."""

    def __init__(self, bonus_fen: int) -> None:
        super().__init__(bonus_fen)
        self.bonus_fen = bonus_fen


class HeadOfficeNeeded(PosError):
    """This needs head office online (a member's full profile lives there only); `reason`:
    'offline' (not reachable now), 'not_enrolled' (this till has no head office),
    'refused' (head office refused the request for this user)."""

    def __init__(self, what: str, reason: str) -> None:
        super().__init__(what, reason)
        self.what = what
        self.reason = reason
