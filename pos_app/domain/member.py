"""Members and their accounts: the balances belong to the member, never to a card."""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardState, mask_mobile
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


MOBILE_HASH_CONTEXT = b"membership-pos mobile lookup v1\x00"
# Profile fields a till never keeps once head office has them (README "Less personal data").
PROFILE_ONLY_FIELDS = ("gender", "notes", "id_no", "address", "email")


def mobile_lookup_hash(key: bytes, mobile: str) -> str:
    """The keyed hash (HMAC-SHA256, hex) a till finds a member by when asked the full mobile:
    without the chain's lookup key an 11-digit number cannot be recovered from it by trying
    every number. Head office computes the same with the same key for its feeds."""
    return hmac.new(key, MOBILE_HASH_CONTEXT + mobile.encode("ascii"), hashlib.sha256).hexdigest()


def month_day_birthday(text: str | None) -> str | None:
    """A stored birthday ('1990-04-15', lunar leap '1990-L04-15') without its year
    ('0000-04-15'): the birthday benefit needs the month and day only."""
    if not text:
        return None
    parts = str(text).split("-", 1)
    return f"0000-{parts[1]}" if len(parts) == 2 else None


def is_full_mobile(value: object) -> bool:
    return isinstance(value, str) and bool(MOBILE_RE.match(value))


def reduced_member(member: dict[str, object]) -> dict[str, object]:
    """The form of a member record a till may keep once head office holds the full profile
    (an outbox payload after delivery): masked mobile and last four instead of the number,
    the birthday without its year, no other profile fields."""
    out = dict(member)
    mobile = out.pop("mobile", None)
    if isinstance(mobile, str) and mobile:
        out["mobile_masked"] = mask_mobile(mobile)
        out["mobile_last4"] = mobile[-4:]
    if "birthday" in out:
        out["birthday"] = month_day_birthday(out["birthday"])  # type: ignore[arg-type]
    for name in PROFILE_ONLY_FIELDS:
        out.pop(name, None)
    return out


@dataclass(frozen=True)
class MemberAccount:
    """`mobile`: on a till, as the till keeps it - masked (138****5678), never the full
    number once stored (a new registration carries the full number until it is written)."""

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
