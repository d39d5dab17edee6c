"""IC card reads and writes as translated text (rows of ui.error_messages.MESSAGES): what
happened on the reader and what to do.

A reader or card problem (the card left too soon, the PC/SC service restarting, a reader
without the command) is never called forged: it asks for another tap. Only a definite answer
about the chip (blank, not opening with our keys, a signature that does not verify) says
"not one of ours or copied".
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pos_app.domain.card_block import (
    CardMismatch,
    CardSuperseded,
    IssuerRevoked,
    IssuerUnknown,
    MemberBlockError,
    V1BlockRefused,
)
from pos_app.domain.ic_card import CardIoError, CardProblem
from pos_app.services.ic_cards import CardWriteUnfinished, IcSigningUnavailable
from ui.formatting import tr_fill


def _problem_text(problem: CardProblem) -> str:
    return {
        CardProblem.REMOVED: tr_fill("IcMessages", "The card left the reader too soon."),
        CardProblem.SERVICE: tr_fill("IcMessages", "The card reader service did not answer (it may be restarting)."),
        CardProblem.READER: tr_fill("IcMessages", "The card reader is not connected."),
        CardProblem.UNSUPPORTED: tr_fill("IcMessages", "This reader or card does not support the command that was needed."),
        CardProblem.CHANGED: tr_fill("IcMessages", "A different card is on the reader now."),
        CardProblem.NOT_OURS: tr_fill("IcMessages", "This card does not open with our keys."),
        CardProblem.FAILED: tr_fill("IcMessages", "The card could not be read or written."),
    }[problem]


def _card_io_error(exc: CardIoError) -> tuple[str, str]:
    if exc.problem is CardProblem.READER:
        action = tr_fill("IcMessages", "Check the reader's USB cable, then tap the card again.")
    elif exc.problem is CardProblem.UNSUPPORTED:
        action = tr_fill("IcMessages", "Use a supported IC card (Mifare Classic) or reader, or call the manager.")
    elif exc.problem is CardProblem.NOT_OURS:
        action = tr_fill("IcMessages", "It is not one of our member cards. Ask for the member's card or mobile number.")
    else:
        action = tr_fill("IcMessages", "Hold the card flat on the reader and tap it again.")
    return tr_fill("IcMessages", "Card not read"), _problem_text(exc.problem) + "\n" + action


def _v1_refused(exc: V1BlockRefused) -> tuple[str, str]:
    if exc.accepted_until is not None:      # the rule set's last day for v1 blocks passed
        return tr_fill("IcMessages", "Old card format"), tr_fill(
            "IcMessages", "This card still carries the old member data, which was accepted "
            "until %1 only. Replace the card (补卡) for the member; the balance moves with "
            "the member.").args(exc.accepted_until.isoformat())
    return tr_fill("IcMessages", "Old card format"), tr_fill(
        "IcMessages", "This card still carries the old member data, which is no longer "
        "accepted. Replace the card (补卡) for the member.")


# IC card rows of ui.error_messages.MESSAGES (one table; looked up along the error's MRO).
IC_MESSAGES: dict[type[BaseException], Callable[[Any], tuple[str, str]]] = {
    CardWriteUnfinished: lambda exc: (
        tr_fill("IcMessages", "Card write not finished"), _problem_text(exc.problem) + "\n" + tr_fill(
            "IcMessages", "Put the same card back on the reader and keep it there: the till checks "
            "the chip and finishes or cancels the issue. Nothing is charged twice.")),
    IcSigningUnavailable: lambda exc: (tr_fill("IcMessages", "Cannot write member cards"), tr_fill(
        "IcMessages", "This till has no certified card key yet. Enrol it with head office "
        "(pos sync --enrol), then try again.")),
    CardIoError: _card_io_error,
    IssuerUnknown: lambda exc: (tr_fill("IcMessages", "Card not checked yet"), tr_fill(
        "IcMessages", "This card was issued by a till whose certificate this till has not "
        "received yet. Let the till reach head office (sync), then tap again.")),
    IssuerRevoked: lambda exc: (tr_fill("IcMessages", "Card needs replacing"), tr_fill(
        "IcMessages", "This card was written by a till that head office has withdrawn. "
        "Replace the card (补卡) for the member; the balance moves with the member.")),
    V1BlockRefused: lambda exc: _v1_refused(exc),
    CardSuperseded: lambda exc: (tr_fill("IcMessages", "Old card"), tr_fill(
        "IcMessages", "This card was replaced by a newer card. Keep it and call the manager.")),
    CardMismatch: lambda exc: (tr_fill("IcMessages", "Card refused"), tr_fill(
        "IcMessages", "The chip names a different card number than our records. Keep it and "
        "call the manager.")),
    MemberBlockError: lambda exc: (tr_fill("IcMessages", "Card refused"), tr_fill(
        "IcMessages", "This IC card is not one of ours or was copied. Keep it and call the manager.")),
}
