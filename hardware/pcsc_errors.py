"""Errors of the PC/SC card reader driver; each carries the data the UI needs to explain it.

None of them carries a UID or a key: card data must not reach logs above DEBUG.
"""
from __future__ import annotations

from pos_app.domain.ic_card import CardIoError, CardProblem

# Status words of PC/SC Part 3 storage-card commands (hardware-protocols.md §2.1; SCM SCL3711
# manual §6.2). ACS readers answer 63 00 for every failure, authentication included.
STATUS_MEANINGS: dict[int, str] = {
    0x6300: "operation failed",
    0x6282: "end of data reached before Le bytes",
    0x6700: "wrong length",
    0x6982: "security status not satisfied (not authenticated)",
    0x6986: "command not allowed",
    0x6A81: "function not supported",
    0x6A82: "block does not exist",
    0x6B00: "wrong parameter P1/P2",
}


def describe_status(sw: int) -> str:
    """A short English meaning of a status word, for logs."""
    if sw >> 8 == 0x6C:
        return f"wrong Le, card has {sw & 0xFF} bytes"
    return STATUS_MEANINGS.get(sw, "unknown status")


class IcCardError(CardIoError):
    """Base of every expected failure talking to an IC card through PC/SC; `problem` (class
    attribute or set per instance) tells the core and the UI what happened."""


class PcscUnavailable(IcCardError):
    """The PC/SC service (pcscd / SCardSvr) is not running or stopped mid-call."""

    problem = CardProblem.SERVICE

    def __init__(self, operation: str, hresult: int) -> None:
        super().__init__(operation, f"0x{hresult & 0xFFFFFFFF:08X}")
        self.operation = operation
        self.hresult = hresult


class ReaderUnavailable(IcCardError):
    """The configured reader is not connected (unplugged, or a different name in settings)."""

    problem = CardProblem.READER

    def __init__(self, reader: str | None) -> None:
        super().__init__(reader)
        self.reader = reader


class NoCardPresent(IcCardError):
    """No card is on the reader."""

    problem = CardProblem.REMOVED

    def __init__(self, reader: str) -> None:
        super().__init__(reader)
        self.reader = reader


class CardRemovedDuringOperation(IcCardError):
    """The card left the field before the operation finished; nothing can be assumed written."""

    problem = CardProblem.REMOVED

    def __init__(self, reader: str, operation: str) -> None:
        super().__init__(reader, operation)
        self.reader = reader
        self.operation = operation


class CardChanged(IcCardError):
    """The card on the reader is not the one that was tapped (a swap between tap and read)."""

    problem = CardProblem.CHANGED

    def __init__(self, reader: str) -> None:
        super().__init__(reader)
        self.reader = reader


class PcscFailure(IcCardError):
    """Any other PC/SC error code (SCARD_E_*, SCARD_W_*)."""

    def __init__(self, operation: str, hresult: int, message: str) -> None:
        super().__init__(operation, f"0x{hresult & 0xFFFFFFFF:08X}", message)
        self.operation = operation
        self.hresult = hresult
        self.message = message


class CardCommandFailed(IcCardError):
    """The reader or card refused a command with a status word other than 90 00."""

    def __init__(self, command: str, sw: int, block: int | None = None) -> None:
        super().__init__(command, f"{sw:04X}", describe_status(sw), block)
        self.command = command
        self.sw = sw
        self.block = block
        # 6A 81: the reader (or card) lacks the command - a different problem from a refusal.
        self.problem = CardProblem.UNSUPPORTED if sw == 0x6A81 else CardProblem.FAILED


class UidUnavailable(CardCommandFailed):
    """GET DATA (FF CA) failed: a contact card, or a reader without PC/SC Part 3 support."""

    def __init__(self, sw: int) -> None:
        super().__init__("get uid", sw)


class KeyLoadFailed(CardCommandFailed):
    def __init__(self, sw: int, slot: int) -> None:
        super().__init__("load key", sw)
        self.slot = slot


class AuthenticationFailed(CardCommandFailed):
    """The sector key was wrong (or the card is not a Mifare Classic issued with our keys)."""

    def __init__(self, sw: int, block: int, key_type: str) -> None:
        super().__init__("authenticate", sw, block)
        self.key_type = key_type


class BlockReadFailed(CardCommandFailed):
    def __init__(self, sw: int, block: int) -> None:
        super().__init__("read block", sw, block)


class BlockWriteFailed(CardCommandFailed):
    def __init__(self, sw: int, block: int) -> None:
        super().__init__("update block", sw, block)


class WriteNotVerified(IcCardError):
    """A block read back after writing differs from what was written."""

    def __init__(self, block: int) -> None:
        super().__init__(block)
        self.block = block


class UnsafeBlock(IcCardError):
    """A refusal to write the manufacturer block or a sector trailer through the member-data path."""

    def __init__(self, block: int, reason: str) -> None:
        super().__init__(block, reason)
        self.block = block
        self.reason = reason


class ChipNotOurs(IcCardError):
    """Neither our sector keys nor the factory transport key open the member sector: a card of
    another system, or a clone whose keys are not ours. A definite answer, not a glitch."""

    problem = CardProblem.NOT_OURS

    def __init__(self, sector: int) -> None:
        super().__init__(sector)
        self.sector = sector
