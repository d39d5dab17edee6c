"""What the app needs from an IC / contactless member-card reader."""
from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from pos_app.domain.ic_card import CardTap, ReaderStatus


class IcCardReader(Protocol):
    """Reports taps on its own thread and reads/writes the member block of a tapped card."""

    def start(self, on_tap: Callable[[CardTap], None],
              on_removed: Callable[[str], None] | None = None,
              on_reader_state: Callable[[ReaderStatus], None] | None = None) -> None:
        """Begin calling on_tap for every card put on the reader (UID re-read each time),
        on_removed(reader) when it leaves, on_reader_state when a reader or the service comes
        or goes; callbacks run on a background thread until stop()."""
        ...

    def stop(self) -> None:
        """Stop reporting; returns promptly and never blocks forever."""
        ...

    def read_member_block(self, tap: CardTap) -> bytes:
        """The 16 raw bytes of the member block of the tapped card, if it is still on the reader
        (verify them with pos_app.domain.card_block.verify_member_block)."""
        ...

    def write_member_block(self, tap: CardTap, block: bytes) -> None:
        """Write the member block to the tapped card at issue time and read it back; raises unless
        the card now holds exactly `block`."""
        ...
