"""What every screen is handed by the composition root: services, the background helper, ports."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pos_app.bootstrap import Services
from pos_app.domain.input_routing import CardNumberFormat, InputRouter, RoutedInput
from pos_app.domain.sale import CompletedSale
from pos_app.services.auth import User
from pos_app.settings import Settings
from ui.background import Background


@dataclass(frozen=True)
class PrintResult:
    """A print attempt: printed, or kept for reprint with the printer's error."""

    printed: bool
    error: Exception | None = None
    # False: no receipt printer is set up, so nothing reached paper (preview or PDF instead).
    configured: bool = True
    # Nothing to print (F9 before any receipt).
    nothing: bool = False


class ReceiptDesk(Protocol):
    """Receipts and the drawer as the screens see them; every method may block (device lane)."""

    def print_sale(self, sale: CompletedSale) -> PrintResult:
        """Render and print a finished sale; on failure keep it for reprint."""
        ...

    def reprint_waiting(self) -> int:
        """Print every waiting job oldest first; return how many printed (raise on failure)."""
        ...

    def reprint_last(self) -> PrintResult:
        """Print the last receipt again, marked as a reprint."""
        ...

    def waiting(self) -> int:
        """How many receipts wait for reprint."""
        ...

    def open_drawer(self) -> None:
        ...

    def last_preview(self) -> list[str]:
        """The last printed (or queued) receipt as text lines for the screen."""
        ...

    def printer_state(self) -> str:
        """'ready', 'problem', 'none' (no printer configured)."""
        ...

    def last_pdf(self) -> bytes:
        """The last receipt as an 80 mm PDF page (empty when there is none)."""
        ...


@dataclass
class TillContext:
    """The till as the screens use it; built once in ui/main.py."""

    services: Services
    background: Background
    settings: Settings
    data_dir: Path
    receipts: ReceiptDesk
    language: str = "zh_CN"
    # ('online' | 'offline' | 'offline_too_long' | 'none' (not enrolled), events to upload)
    sync_state: Callable[[], tuple[str, int]] = lambda: ("none", 0)
    reader_state: Callable[[], str] = lambda: "none"
    save_settings: Callable[[Settings], None] = lambda s: None
    # Pause (True) or resume keyboard-wedge capture: a PIN typed on a fast PIN pad must
    # never be taken for a scan (set by ui/main.py when the wedge filter is installed).
    pause_capture: Callable[[bool], None] = lambda paused: None
    user: User | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # What a scanned/swiped/typed string is (ui/main.py gives it the store's lookups; other
    # features add recognisers with router.add_recogniser).
    router: InputRouter = field(default_factory=InputRouter)

    def route(self, text: str, *, selling: bool = True, lookups: bool = True) -> RoutedInput:
        """Route input with the card-number shape from the current settings (may block: call
        it on the background lane)."""
        d = self.settings.devices
        self.router.card_format = CardNumberFormat.parse(d.card_prefixes, d.card_lengths)
        return self.router.route(text, selling=selling, lookups=lookups)
