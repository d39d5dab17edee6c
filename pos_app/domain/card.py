"""Member cards: kinds, statuses and the forward-only status order used across shops."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pos_app.domain.errors import (
    CardBlocked,
    CardCancelled,
    CardExpired,
    CardNotUsable,
    CardReplaced,
)


class CardKind(StrEnum):
    MAGSTRIPE = "magstripe"
    IC = "ic"
    VIRTUAL = "virtual"


class CardStatus(StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    REPLACED = "replaced"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


# Card status only moves forward (ARCHITECTURE §6): blocked beats active whatever the
# clocks say. Unblocking (解挂) is the one way back and is an explicit, audited action.
STATUS_RANK = {CardStatus.ACTIVE: 0, CardStatus.EXPIRED: 1, CardStatus.LOST: 2,
               CardStatus.REPLACED: 3, CardStatus.CANCELLED: 4}


class CardEventKind(StrEnum):
    ISSUED = "issued"
    LOST = "lost"
    UNBLOCKED = "unblocked"
    REPLACED = "replaced"
    RENEWED = "renewed"
    CANCELLED = "cancelled"
    PIN_SET = "pin_set"


@dataclass(frozen=True)
class CardState:
    card_no: str
    kind: CardKind
    status: CardStatus
    member_id: str
    generation: int = 1
    expires_on: date | None = None
    status_changed_at: datetime | None = None
    status_shop_name: str | None = None
    uid: str | None = None

    def check_usable(self, today: date) -> None:
        """Raise the CardNotUsable subclass that explains why this card can't be used."""
        if self.status is CardStatus.LOST:
            raise CardBlocked(self.card_no, self.status_changed_at, self.status_shop_name)
        if self.status is CardStatus.REPLACED:
            raise CardReplaced(self.card_no, self.status_changed_at)
        if self.status is CardStatus.CANCELLED:
            raise CardCancelled(self.card_no, self.status_changed_at)
        if self.status is CardStatus.EXPIRED:
            raise CardExpired(self.card_no, self.expires_on or today)
        if self.expires_on is not None and today > self.expires_on:
            raise CardExpired(self.card_no, self.expires_on)
        if self.status is not CardStatus.ACTIVE:
            raise CardNotUsable(self.card_no, str(self.status))


def mask_mobile(mobile: str) -> str:
    """138****1234: the middle four digits hidden."""
    if len(mobile) >= 11:
        return mobile[:3] + "****" + mobile[-4:]
    if len(mobile) > 4:
        return "*" * (len(mobile) - 4) + mobile[-4:]
    return mobile


def mask_card_no(card_no: str) -> str:
    """Card numbers on paper keep the first 4 and last 4 characters."""
    if len(card_no) <= 8:
        return card_no[:2] + "*" * max(len(card_no) - 4, 0) + card_no[-2:]
    return card_no[:4] + "*" * (len(card_no) - 8) + card_no[-4:]


def mask_name(name: str) -> str:
    """张三丰 -> 张**: enough to recognise, not enough to leak."""
    if not name:
        return name
    return name[0] + "*" * max(len(name) - 1, 1)
