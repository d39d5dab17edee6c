"""IC member cards: issuing and replacing with a signed member block, and verifying every tap.

Writing a chip and committing the database cannot be one transaction, so issuing runs in
three steps and survives being killed between any two of them:

1. the database records an *intent* (card number, UID, generation, the member form) — the
   card row does not exist yet, so nothing can be sold on it;
2. the block is written to the chip and read back;
3. the database creates the member and card and closes the intent, in one transaction.

Killed after 1: the chip is blank and no card exists; the intent is abandoned when the same
chip is presented again (or by `recover`). Killed after 2: the chip holds a block for a card
the database has only as an open intent; the next tap of that chip (or `recover`) finds the
intent, checks the block and completes step 3. So the database never has an active card whose
chip was not written, and a written chip always has a record the database can complete from.
"""
from __future__ import annotations

from dataclasses import asdict

from pos_app.domain.card import CardKind
from pos_app.domain.card_block import (
    CardForged,
    MemberBlockError,
    MemberBlockMissing,
    decode_member_block,
    encode_member_block,
    verify_member_block,
)
from pos_app.domain.documents import CardSlip
from pos_app.domain.errors import DeviceFailure, UnknownCard, ValidationFailed
from pos_app.domain.ic_card import CardTap
from pos_app.domain.member import MemberAtTill
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.ic_card import IcCardReader
from pos_app.ports.store import UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.cards import CardBinding, CardService, IdentityCheck, MemberForm
from pos_app.services.selling import CheckoutService

INTENT = "ic_write_intent"
CLOSED = ("ic_write_done", "ic_write_abandoned")


class IcCardService:
    """Chip writes at issue/replace time, and the check of a tapped chip at the till."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource, cards: CardService,
                 checkout: CheckoutService, master_key: bytes) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._cards = cards
        self._checkout = checkout
        self._key = master_key

    def _uid(self, tap: CardTap) -> bytes:
        if tap.uid is None:
            raise ValidationFailed("card", "the reader could not read this card's UID")
        return tap.uid

    def issue(self, actor: User, form: MemberForm, card_no: str, tap: CardTap,
              io: IcCardReader, join_receipt_no: str = "") -> CardSlip:
        """Register a member on a tapped IC card: intent, chip write, then the database."""
        require_role(actor, "manager", "register_member")
        uid = self._uid(tap)
        binding = CardBinding(card_no, CardKind.IC, uid.hex().upper())
        # Refuse what step 3 would refuse before anything is written to the chip.
        self._cards.check_register(form, binding)
        intent = self._record_intent(actor, {"op": "issue", "card_no": card_no,
                                             "uid": uid.hex().upper(), "generation": 1,
                                             "form": asdict(form), "join": join_receipt_no})
        io.write_member_block(tap, encode_member_block(card_no, 1, uid, self._key))
        return self._complete(intent)

    def replace(self, actor: User, old_card_no: str, new_card_no: str, tap: CardTap,
                io: IcCardReader, identity: IdentityCheck) -> CardSlip:
        """Replace a card by a new IC card carrying the next generation's signed block."""
        require_role(actor, "manager", "replace_card")
        uid = self._uid(tap)
        generation = self._cards.check_replace(old_card_no, new_card_no, uid.hex().upper(),
                                               identity)
        intent = self._record_intent(actor, {"op": "replace", "card_no": new_card_no,
                                             "old_card_no": old_card_no,
                                             "uid": uid.hex().upper(), "generation": generation,
                                             "identity": asdict(identity)})
        io.write_member_block(tap, encode_member_block(new_card_no, generation, uid, self._key))
        return self._complete(intent)

    def _record_intent(self, actor: User, detail: dict) -> str:
        intent_id = self._ids.new_id()
        now = self._clock.now()
        with self._uow() as uow:
            uow.audit.record(now, actor.id, INTENT, intent_id, {**detail, "actor": asdict(actor)})
            uow.commit()
        return intent_id

    def _complete(self, intent_id: str) -> CardSlip:
        with self._uow() as uow:
            found = [d for t, d, _ in uow.audit.open_intents(INTENT, CLOSED) if t == intent_id]
        if not found:
            raise ValidationFailed("intent", "this card write was already completed")
        d = found[0]
        actor = User(**d["actor"])
        binding = CardBinding(d["card_no"], CardKind.IC, d["uid"])
        if d["op"] == "issue":
            slip = self._cards.register(actor, MemberForm(**d["form"]), binding, d["join"],
                                        closes_intent=intent_id)
        else:
            slip = self._cards.replace(actor, d["old_card_no"], binding,
                                       IdentityCheck(**d["identity"]), closes_intent=intent_id)
        return slip

    def _abandon(self, intent_id: str, reason: str) -> None:
        with self._uow() as uow:
            uow.audit.record(self._clock.now(), None, "ic_write_abandoned", intent_id,
                             {"reason": reason})
            uow.commit()

    def recover(self, tap: CardTap, io: IcCardReader) -> CardSlip | None:
        """Finish or abandon an interrupted write for the chip on the reader."""
        uid = self._uid(tap).hex().upper()
        with self._uow() as uow:
            intents = [(t, d) for t, d, _ in uow.audit.open_intents(INTENT, CLOSED)
                       if d["uid"] == uid]
        slip = None
        for intent_id, d in intents:
            try:
                block = verify_member_block(io.read_member_block(tap), self._uid(tap),
                                            d["card_no"], d["generation"], self._key)
            except (MemberBlockError, DeviceFailure):
                # A blank chip (still on the transport key, or no block) was never written.
                self._abandon(intent_id, "chip not written")
                continue
            if block.generation == d["generation"]:
                slip = self._complete(intent_id)
        return slip

    def member_for_tap(self, tap: CardTap, io: IcCardReader) -> MemberAtTill:
        """The member behind a tapped chip, only if its signed block matches the database."""
        uid = self._uid(tap)
        try:
            raw = io.read_member_block(tap)
            block = decode_member_block(raw, uid, self._key)
        except (MemberBlockMissing, DeviceFailure):
            # A blank chip, or one our sector keys do not open (a UID clone, another
            # system's card): finish or abandon an interrupted write, then refuse it.
            self.recover(tap, io)
            raise CardForged(None) from None
        if not self._known(block.card_no) and self.recover(tap, io) is None:
            raise UnknownCard(block.card_no)
        at_till = self._checkout.member_by_card(block.card_no)
        card = at_till.card
        if card.uid is not None and card.uid != uid.hex().upper():
            raise CardForged(card.card_no)
        verify_member_block(raw, uid, card.card_no, card.generation, self._key)
        return at_till

    def _known(self, card_no: str) -> bool:
        with self._uow() as uow:
            return uow.members.find_card(card_no) is not None
