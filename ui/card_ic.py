"""IC member cards as the card screen sees them: issue, replace and identify the chip on the reader.

`ctx.ic_cards` holds an IcCardDesk when the till has an IC reader. ReaderIcCardDesk
is the ready-made one: the composition root hands it the IcCardService, the reader port and
a function that says which card is on the reader right now (from the reader's tap callback).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pos_app.domain.documents import CardSlip
from pos_app.domain.errors import ValidationFailed
from pos_app.domain.ic_card import CardTap, uid_hex
from pos_app.domain.member import MemberAtTill
from pos_app.ports.ic_card import IcCardReader
from pos_app.services.auth import User
from pos_app.services.cards import IdentityCheck, MemberForm
from pos_app.services.ic_cards import IcCardService


class IcCardDesk(Protocol):
    """Chip work for the card screen; every method blocks (run it in the background)."""

    def issue(self, actor: User, form: MemberForm, card_no: str,
              join_receipt_no: str = "") -> CardSlip:
        """Register the member on the card on the reader (card_no '' = the chip's UID)."""
        ...

    def replace(self, actor: User, old_card_no: str, new_card_no: str,
                identity: IdentityCheck) -> CardSlip:
        """Replace old_card_no by the card on the reader (new_card_no '' = the chip's UID)."""
        ...

    def member_on_reader(self) -> MemberAtTill:
        """The member behind the card on the reader, only if its signed block is genuine."""
        ...


class ReaderIcCardDesk:
    """IcCardDesk over IcCardService and one reader."""

    def __init__(self, service: IcCardService, io: IcCardReader,
                 current_tap: Callable[[], CardTap | None]) -> None:
        self._service = service
        self._io = io
        self._current_tap = current_tap

    def _tap(self) -> CardTap:
        tap = self._current_tap()
        if tap is None or tap.uid is None:
            raise ValidationFailed("card", "put the IC card on the reader")
        return tap

    def issue(self, actor: User, form: MemberForm, card_no: str,
              join_receipt_no: str = "") -> CardSlip:
        tap = self._tap()
        assert tap.uid is not None
        return self._service.issue(actor, form, card_no or uid_hex(tap.uid), tap, self._io,
                                   join_receipt_no)

    def replace(self, actor: User, old_card_no: str, new_card_no: str,
                identity: IdentityCheck) -> CardSlip:
        tap = self._tap()
        assert tap.uid is not None
        return self._service.replace(actor, old_card_no, new_card_no or uid_hex(tap.uid), tap,
                                     self._io, identity)

    def member_on_reader(self) -> MemberAtTill:
        return self._service.member_for_tap(self._tap(), self._io)
