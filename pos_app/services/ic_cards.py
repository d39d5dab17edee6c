"""IC member cards: issuing and replacing with a signed member record, and checking every tap.

Writing a chip and committing the database cannot be one transaction, so issuing runs in
three steps and survives being killed between any two of them:

1. every precondition is checked (role, card number, member form, card already bound, fee and
   open shift) and the record is signed; then the database records an *intent* (card number,
   UID, generation, the member form) - the card row does not exist yet, so nothing can be
   sold on it; an earlier open intent for the same chip or card number is superseded;
2. the record is written to the chip and read back;
3. the database creates the member and card and closes the intent, in one transaction.

An intent is abandoned only on proof that the chip does not hold its record: a write that
failed before any member data was sent, or a good read showing the chip blank, holding
another record, or not opening with our keys. A read that fails (card pulled away, PC/SC
service restarting, a reader without the command) proves nothing, so the intent stays open
and the next tap of that chip finishes or abandons it. Killed after 2, the next tap finds
the intent, checks the record and completes step 3. So the database never has an active
card whose chip was not written, and a written chip always has a record the database can
complete from.

A tap at the till checks the record (v2 Ed25519 with the certified till keys; v1 HMAC while
the migration window is open) against the database. A v1 record, or one signed by a revoked
till when the rule set says "resign", is rewritten as v2 with this till's key on that tap.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from pos_app.domain.card import CardKind
from pos_app.domain.card_block import (
    CardForged,
    CardNumberNotEncodable,
    IssuerRevoked,
    MemberBlock,
    MemberBlockError,
    MemberBlockMissing,
    V1BlockRefused,
    check_card_no_v2,
    encode_member_block,
)
from pos_app.domain.documents import CardSlip
from pos_app.domain.errors import DeviceFailure, PosError, UnknownCard, ValidationFailed
from pos_app.domain.ic_card import CardIoError, CardProblem, CardTap
from pos_app.domain.member import MemberAtTill
from pos_app.domain.till_keys import BlockVerifier, TillSigner, check_expected
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.ic_card import IcCardReader
from pos_app.ports.store import UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.cards import CardBinding, CardService, IdentityCheck, MemberForm
from pos_app.services.selling import SellingService

log = logging.getLogger(__name__)

INTENT = "ic_write_intent"
CLOSED = ("ic_write_done", "ic_write_abandoned", "ic_write_superseded")


class CardWriteUnfinished(PosError):
    """The chip write may or may not have reached the card (it left the reader, the service
    restarted): the intent stays open until the same card is put on the reader again."""

    def __init__(self, card_no: str, problem: CardProblem) -> None:
        super().__init__(card_no, problem.value)
        self.card_no = card_no
        self.problem = problem


class IcSigningUnavailable(PosError):
    """This till can neither sign v2 records (no certified key) nor, outside the migration
    window, v1 ones: it cannot write member cards until it is enrolled (certified)."""

    def __init__(self) -> None:
        super().__init__()


@dataclass
class CardCodec:
    """How this till signs and checks member records.

    `verifier` is asked on every tap, so certificates and revocations pulled from head office
    apply at once. `signer` is this till's certified key (None before enrolment). `v1_key` is
    the chain's old HMAC master key during the migration window: it checks v1 records (the
    verifier's) and signs new ones only on a till that has no certified key yet.
    """

    verifier: Callable[[], BlockVerifier]
    signer: TillSigner | None = None
    v1_key: bytes | None = None

    def signs_v2(self, today: date) -> bool:
        return self.signer is not None and self.signer.can_sign(today)

    def check_card_no(self, card_no: str, today: date) -> None:
        if self.signs_v2(today):
            check_card_no_v2(card_no)
        elif self.v1_key is not None:
            encode_member_block(card_no, 1, b"\0" * 4, self.v1_key)  # raises if it does not fit
        else:
            raise IcSigningUnavailable()

    def encode(self, card_no: str, generation: int, uid: bytes, today: date) -> bytes:
        if self.signs_v2(today):
            assert self.signer is not None
            return self.signer.encode(card_no, generation, uid, today)
        if self.v1_key is not None:
            return encode_member_block(card_no, generation, uid, self.v1_key)
        raise IcSigningUnavailable()

    def decode(self, record: bytes, uid: bytes) -> tuple[MemberBlock, bool]:
        """(block, issuer revoked?) of a genuine record; MemberBlockError otherwise."""
        verifier = self.verifier()
        if self.signer is not None and self.signer.certificate is not None \
                and self.signer.kid not in verifier.issuers.certificates:
            # Our own certificate counts before the feed has brought it back to us.
            verifier = BlockVerifier(verifier.trusted,
                                     verifier.issuers.with_certificate(self.signer.certificate),
                                     verifier.v1_key)
        try:
            return verifier.decode(record, uid), False
        except IssuerRevoked as revoked:
            return revoked.block, True


class IcCardService:
    """Chip writes at issue/replace time, and the check of a tapped chip at the till."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource, cards: CardService,
                 selling: SellingService, codec: CardCodec) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._cards = cards
        self._selling = selling
        self._codec = codec

    def _uid(self, tap: CardTap) -> bytes:
        if tap.uid is None:
            raise ValidationFailed("card", "the reader could not read this card's UID")
        return tap.uid

    # -- issue and replace -------------------------------------------------------------------
    def issue(self, actor: User, form: MemberForm, card_no: str, tap: CardTap,
              io: IcCardReader, join_receipt_no: str = "") -> CardSlip:
        """Register a member on a tapped IC card: checks, intent, chip write, then the database."""
        require_role(actor, "manager", "register_member")
        uid = self._uid(tap)
        card_no = card_no.strip()
        today = self._clock.now().date()
        # Everything step 3 would refuse is refused before anything is recorded or written.
        self._check_card_no(card_no, today)
        binding = CardBinding(card_no, CardKind.IC, uid.hex().upper())
        self._cards.check_register(form, binding)
        record = self._codec.encode(card_no, 1, uid, today)
        intent = self._record_intent(actor, {"op": "issue", "card_no": card_no,
                                             "uid": uid.hex().upper(), "generation": 1,
                                             "form": asdict(form), "join": join_receipt_no})
        self._write(intent, card_no, tap, io, record)
        return self._complete(intent)

    def replace(self, actor: User, old_card_no: str, new_card_no: str, tap: CardTap,
                io: IcCardReader, identity: IdentityCheck) -> CardSlip:
        """Replace a card by a new IC card carrying the next generation's signed record."""
        require_role(actor, "manager", "replace_card")
        uid = self._uid(tap)
        new_card_no = new_card_no.strip()
        today = self._clock.now().date()
        self._check_card_no(new_card_no, today)
        generation = self._cards.check_replace(old_card_no, new_card_no, uid.hex().upper(),
                                               identity)
        record = self._codec.encode(new_card_no, generation, uid, today)
        intent = self._record_intent(actor, {"op": "replace", "card_no": new_card_no,
                                             "old_card_no": old_card_no,
                                             "uid": uid.hex().upper(), "generation": generation,
                                             "identity": asdict(identity)})
        self._write(intent, new_card_no, tap, io, record)
        return self._complete(intent)

    def _check_card_no(self, card_no: str, today: date) -> None:
        try:
            self._codec.check_card_no(card_no, today)
        except CardNumberNotEncodable:
            raise ValidationFailed("card_no", "this card number cannot be written to the chip") \
                from None

    def _write(self, intent_id: str, card_no: str, tap: CardTap, io: IcCardReader,
               record: bytes) -> None:
        try:
            io.write_member_block(tap, record)
            return
        except CardIoError as exc:
            if exc.untouched:
                self._close(intent_id, "ic_write_abandoned", f"nothing written: {exc.problem.value}")
                raise
            failure: DeviceFailure = exc
        except DeviceFailure as exc:
            failure = exc
        # The write may have reached the chip: only a good read says whether it did.
        try:
            on_chip = io.read_member_block(tap)
        except CardIoError as exc:
            if exc.problem is CardProblem.NOT_OURS:
                self._close(intent_id, "ic_write_abandoned", "chip not ours")
                raise failure from None
            raise CardWriteUnfinished(card_no, getattr(failure, "problem", CardProblem.FAILED)) \
                from failure
        except DeviceFailure:
            raise CardWriteUnfinished(card_no, CardProblem.FAILED) from failure
        if bytes(on_chip[:len(record)]) == record:
            return          # written after all (the answer was lost): complete the issue
        self._close(intent_id, "ic_write_abandoned", "chip does not hold the record")
        raise failure

    def _record_intent(self, actor: User, detail: dict[str, Any]) -> str:
        intent_id = self._ids.new_id()
        now = self._clock.now()
        with self._uow() as uow:
            # A retried issue supersedes what an interrupted one left open for the same chip
            # or card number, so a stale intent can never complete later over a real member.
            for old_id, d, _ in uow.audit.open_intents(INTENT, CLOSED):
                if d["uid"] == detail["uid"] or d["card_no"] == detail["card_no"]:
                    uow.audit.record(now, actor.id, "ic_write_superseded", old_id,
                                     {"by": intent_id})
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

    def _close(self, intent_id: str, action: str, reason: str) -> None:
        with self._uow() as uow:
            uow.audit.record(self._clock.now(), None, action, intent_id, {"reason": reason})
            uow.commit()

    def _open_intents(self, uid_hex: str) -> list[tuple[str, dict[str, Any]]]:
        with self._uow() as uow:
            return [(t, d) for t, d, _ in uow.audit.open_intents(INTENT, CLOSED)
                    if d["uid"] == uid_hex]

    # -- recovery ------------------------------------------------------------------------------
    def recover(self, tap: CardTap, io: IcCardReader) -> CardSlip | None:
        """Finish or abandon an interrupted write for the chip on the reader; a read that
        fails leaves it open (the error says what happened)."""
        uid = self._uid(tap)
        if not self._open_intents(uid.hex().upper()):
            return None
        try:
            record = io.read_member_block(tap)
        except CardIoError as exc:
            if exc.problem is CardProblem.NOT_OURS:
                self._settle(uid, None)
                return None
            raise
        return self._settle(uid, record)

    def _settle(self, uid: bytes, record: bytes | None) -> CardSlip | None:
        """Given a good read of the chip (None: it does not open with our keys), complete the
        open intent whose record it holds and abandon the others."""
        intents = self._open_intents(uid.hex().upper())
        if not intents:
            return None
        block: MemberBlock | None = None
        if record is not None:
            try:
                block, _ = self._codec.decode(record, uid)
            except MemberBlockMissing:
                block = None
            except MemberBlockError:
                block = None
        slip = None
        for intent_id, d in intents:
            if block is not None and slip is None and \
                    (block.card_no, block.generation) == (d["card_no"], d["generation"]):
                slip = self._complete(intent_id)
            else:
                reason = "chip blank" if record is not None and block is None else \
                    "chip not ours" if record is None else "chip holds another record"
                self._close(intent_id, "ic_write_abandoned", reason)
        return slip

    # -- a tap at the till -----------------------------------------------------------------
    def member_for_tap(self, tap: CardTap, io: IcCardReader) -> MemberAtTill:
        """The member behind a tapped chip, only if its signed record matches the database.

        A reader or card problem (card pulled away, service restarting, unsupported command)
        raises that problem - never "forged" - so the cashier can ask for another tap."""
        uid = self._uid(tap)
        try:
            record = io.read_member_block(tap)
        except CardIoError as exc:
            if exc.problem is CardProblem.NOT_OURS:
                # Our keys do not open it: another system's card, or a clone of a UID.
                self._settle(uid, None)
                raise CardForged(None) from None
            raise
        if self._open_intents(uid.hex().upper()):
            self._settle(uid, record)
        try:
            block, revoked = self._codec.decode(record, uid)
        except MemberBlockMissing:
            raise CardForged(None) from None
        if not self._known(block.card_no):
            raise UnknownCard(block.card_no)
        at_till = self._selling.member_by_card(block.card_no)
        card = at_till.card
        if card.uid is not None and card.uid != uid.hex().upper():
            raise CardForged(card.card_no)
        check_expected(block, card.card_no, card.generation)
        today = self._clock.now().date()
        if block.version == 1:
            # The rule set's date closes the v1 window on every till at once.
            with self._uow() as uow:
                until = uow.rules.current(self._clock.now()).v1_blocks_accepted_until
            if until is not None and today > date.fromisoformat(until):
                raise V1BlockRefused(date.fromisoformat(until))
        if revoked:
            if self._rules_refuse_revoked():
                raise IssuerRevoked(block)
        if (block.version == 1 or revoked) and self._codec.signs_v2(today):
            self._resign(tap, io, card.card_no, max(card.generation, block.generation), block,
                         revoked, today)
        return at_till

    def _rules_refuse_revoked(self) -> bool:
        with self._uow() as uow:
            return uow.rules.current(self._clock.now()).revoked_till_cards == "refuse"

    def _resign(self, tap: CardTap, io: IcCardReader, card_no: str, generation: int,
                old: MemberBlock, revoked: bool, today: date) -> None:
        """Rewrite a v1 record, or one of a revoked till, as v2 under this till's key. A
        failure leaves the old record (written last-block-first, so still valid) for the
        next tap and never blocks the sale."""
        uid = self._uid(tap)
        try:
            io.write_member_block(tap, self._codec.encode(card_no, generation, uid, today))
        except DeviceFailure as exc:
            log.warning("re-signing an IC card failed (%s); it is retried on its next tap",
                        type(exc).__name__)
            return
        with self._uow() as uow:
            uow.audit.record(self._clock.now(), None, "ic_block_resigned", card_no,
                             {"from_version": old.version, "issuer": old.issuer,
                              "revoked": revoked, "generation": generation})
            uow.commit()

    def _known(self, card_no: str) -> bool:
        with self._uow() as uow:
            return uow.cards.find_card(card_no) is not None
