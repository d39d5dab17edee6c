"""Members and their accounts: the balances belong to the member, never to a card."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardState
from pos_app.domain.errors import ValidationFailed

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(text: str) -> str:
    """A mainland mobile number, digits only; raise ValidationFailed if it is not one."""
    digits = re.sub(r"[\s\-]", "", text or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not MOBILE_RE.match(digits):
        raise ValidationFailed("mobile", "a mobile number has 11 digits and starts with 13-19")
    return digits


@dataclass(frozen=True)
class MemberAccount:
    id: str
    name: str
    mobile: str | None
    tier_code: str
    spendable_points: int
    accumulated_points: int
    balance_paid_fen: int
    balance_bonus_fen: int
    gender: str = ""
    birthday: Birthday | None = None
    consent_messages: bool = False
    referrer_id: str | None = None
    has_pin: bool = False
    created_at: datetime | None = None
    last_purchase_at: datetime | None = None

    @property
    def balance_fen(self) -> int:
        return self.balance_paid_fen + self.balance_bonus_fen


@dataclass(frozen=True)
class MemberAtTill:
    """A member attached to a sale through a card (or a manual lookup)."""

    account: MemberAccount
    card: CardState
