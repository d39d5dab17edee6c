"""Member cards: kinds, statuses and the status machine, which also decides across shops."""
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
    CardStateConflict,
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


class CardAction(StrEnum):
    """What a manager or a sale does with a card; `TRANSITIONS` says from which status."""

    USE = "use"                  # price, earn, pay with it
    REPORT_LOST = "report_lost"
    UNBLOCK = "unblock"
    REPLACE = "replace"
    RENEW = "renew"
    CANCEL = "cancel"
    SET_PIN = "set_pin"
    EXPIRE = "expire"            # the last day passed (head office marks it; a till reads it)


# The card status machine: the only place that says which action is allowed from which
# status and where it leads (None: the status stays). Head office and tills both ask it.
TRANSITIONS: dict[CardAction, dict[CardStatus, CardStatus | None]] = {
    CardAction.USE: {CardStatus.ACTIVE: None},
    CardAction.SET_PIN: {CardStatus.ACTIVE: None},
    # A card past its date can still be reported lost (blocked before anyone renews it).
    CardAction.REPORT_LOST: {CardStatus.ACTIVE: CardStatus.LOST,
                             CardStatus.EXPIRED: CardStatus.LOST},
    CardAction.UNBLOCK: {CardStatus.LOST: CardStatus.ACTIVE},
    CardAction.REPLACE: {CardStatus.ACTIVE: CardStatus.REPLACED,
                         CardStatus.LOST: CardStatus.REPLACED,
                         CardStatus.EXPIRED: CardStatus.REPLACED},
    CardAction.RENEW: {CardStatus.ACTIVE: None, CardStatus.EXPIRED: CardStatus.ACTIVE},
    CardAction.CANCEL: {CardStatus.ACTIVE: CardStatus.CANCELLED,
                        CardStatus.LOST: CardStatus.CANCELLED,
                        CardStatus.EXPIRED: CardStatus.CANCELLED},
    CardAction.EXPIRE: {CardStatus.ACTIVE: CardStatus.EXPIRED},
}

# The moves that lift a block (ARCHITECTURE §6): 解挂 and renewal are explicit, audited
# actions. Every other move only goes forward: blocked beats active whatever the clocks say.
WAYS_BACK = frozenset({CardAction.UNBLOCK, CardAction.RENEW})


def allowed(status: CardStatus, action: CardAction) -> bool:
    return status in TRANSITIONS[action]


def transition(card_no: str, status: CardStatus, action: CardAction) -> CardStatus:
    """The status after `action`, or CardStateConflict naming the status that forbids it."""
    moves = TRANSITIONS[action]
    if status not in moves:
        raise CardStateConflict(card_no, status.value, action.value)
    return moves[status] or status


# The card action each card event a till sends stands for (head office replays them).
EVENT_ACTIONS: dict[str, CardAction] = {
    "card.lost": CardAction.REPORT_LOST, "card.unblocked": CardAction.UNBLOCK,
    "card.replaced": CardAction.REPLACE, "card.renewed": CardAction.RENEW,
    "card.cancelled": CardAction.CANCEL,
}


def status_after_event(status: CardStatus, action: CardAction) -> CardStatus | None:
    """Where a card reported by a till's event goes at head office: the machine's move from
    the status head office holds, or None when the action is not allowed from it (a status
    another till reported first superseded it: a replaced or cancelled card stays dead, a
    lost card is not reported lost again, 解挂 only from lost)."""
    moves = TRANSITIONS[action]
    if status not in moves:
        return None
    return moves[status] or status


def _reachable(start: CardStatus, ways_back: bool) -> set[CardStatus]:
    """The statuses the machine can lead to from `start` in one or more moves (moves that
    lift a block only if `ways_back`)."""
    seen: set[CardStatus] = set()
    todo = [start]
    while todo:
        status = todo.pop()
        for action, moves in TRANSITIONS.items():
            nxt = moves.get(status)
            if nxt is None or nxt in seen or (action in WAYS_BACK and not ways_back):
                continue
            seen.add(nxt)
            todo.append(nxt)
    return seen


def merged_status(local: CardStatus, incoming: CardStatus, *, newer: bool) -> CardStatus:
    """The status a till keeps when head office's (`incoming`) differs from its own: the
    machine decides, not the clocks. Head office's status wins when the machine moves forward
    to it (lost at another shop stops the card here too; replaced, cancelled, expired).
    A way back (解挂, renewal) is taken only when head office's word is `newer` (a newer
    status version, and no card event of this till still on its way up); nothing leads out
    of replaced or cancelled, so such a card never comes back. Two statuses neither of which
    leads to the other (replaced and cancelled, both dead): head office's newer word."""
    if incoming is local:
        return local
    if incoming in _reachable(local, ways_back=False):
        return incoming
    if not newer:
        return local
    if incoming in _reachable(local, ways_back=True) \
            or local not in _reachable(incoming, ways_back=False):
        return incoming
    return local


def member_closed(statuses: list[CardStatus] | tuple[CardStatus, ...]) -> bool:
    """A cancelled membership: a card of it was cancelled and every other one is dead too
    (cancelled, or replaced: a replaced card cannot be cancelled, TRANSITIONS)."""
    return any(s is CardStatus.CANCELLED for s in statuses) and all(
        s in (CardStatus.CANCELLED, CardStatus.REPLACED) for s in statuses)


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

    def check(self, action: CardAction) -> CardStatus:
        """The status after `action` on this card (CardStateConflict if not allowed)."""
        return transition(self.card_no, self.status, action)

    def status_on(self, today: date) -> CardStatus:
        """The status as a till treats it on `today`: an active card past its last day is
        expired (head office marks it so only later)."""
        if self.status is CardStatus.ACTIVE and self.expires_on is not None \
                and self.expires_on < today:
            return CardStatus.EXPIRED
        return self.status

    def allows(self, action: CardAction, today: date) -> bool:
        """Whether the status machine allows `action` on this card today (TRANSITIONS)."""
        return allowed(self.status_on(today), action)

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
    """张三丰 -> 张**: enough to recognise, not enough to leak (always two stars, so the
    mask never tells how long the name is)."""
    if not name:
        return name
    return name[0] + "**"
