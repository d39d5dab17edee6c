"""Customer (pole) displays: CD5220 and Epson-mode 2x20 VFDs, and the Chinese 8-digit LED price display.

Bytes are rendered by pure renderers and sent by SerialCustomerDisplay from
its own thread, so a slow, missing or unplugged display never blocks or
breaks a sale (ARCHITECTURE.md §4.4). Money arrives as integer fen and is
formatted as yuan only here, when rendering. Exact bytes: reference §5.
"""
from __future__ import annotations

import logging
import re
import threading
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Protocol

import serial

from hardware.errors import PortUnavailable
from hardware.transports import Backoff, open_serial
from pos_app.domain.magstripe import fold_ime_punctuation
from pos_app.domain.money import format_yuan
from pos_app.ports.input_devices import DeviceState, StateHandler

__all__ = [
    "Cd5220Renderer",
    "DisplayLabels",
    "DisplayRenderer",
    "EpsonDisplayRenderer",
    "Led8Light",
    "Led8Renderer",
    "LED8_LIGHT_ENCODINGS",
    "NullCustomerDisplay",
    "SerialCustomerDisplay",
    "open_customer_display",
    "vfd_name",
    "vfd_text",
]

log = logging.getLogger(__name__)

VFD_COLUMNS = 20


class DisplayRenderer(Protocol):
    """Turns what the till wants to show into the bytes one display model understands."""

    def init(self) -> bytes:
        """Bytes that put the display in a known state; sent every time the port is (re)opened."""
        ...

    def item(self, name: str, price_fen: int) -> bytes: ...

    def total(self, total_fen: int) -> bytes: ...

    def payment(self, paid_fen: int, change_fen: int) -> bytes: ...

    def idle(self, message: str) -> bytes: ...


@dataclass(frozen=True)
class DisplayLabels:
    """Words a 2x20 VFD shows beside amounts; ASCII only, since a VFD has no Chinese font (reference §5)."""

    price: str = "PRICE"
    total: str = "TOTAL"
    paid: str = "PAID"
    change: str = "CHANGE"


def vfd_text(text: str) -> str:
    """Text reduced to what a VFD's ASCII font can show: full-width folded, accents dropped, the rest removed."""
    folded = unicodedata.normalize("NFKD", fold_ime_punctuation(text))
    return "".join(ch for ch in folded if " " <= ch <= "~")


_HANZI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002fa1f]+")


def vfd_name(name: str) -> str:
    """A product name as a VFD can show it: hanzi transliterated to pinyin (可口可乐 330ml ->
    'KeKouKeLe 330ml'), so an all-Chinese name never leaves the top line blank."""
    from pypinyin import Style, lazy_pinyin

    def spell(match: re.Match[str]) -> str:
        syllables = lazy_pinyin(match.group(), style=Style.NORMAL, errors="ignore")
        word = "".join(s.capitalize() for s in syllables)
        return f" {word} " if word else " "

    return " ".join(vfd_text(_HANZI_RUN.sub(spell, name.replace("×", "x"))).split())


def _yuan(fen: int) -> str:
    # Money is integer fen everywhere (ARCHITECTURE.md §2): a float here is a
    # bug in the caller, so fail loudly instead of showing a rounded price.
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"amounts are integer fen, not {type(fen).__name__}")
    return format_yuan(fen)


def _line(text: str) -> str:
    return vfd_text(text)[:VFD_COLUMNS].ljust(VFD_COLUMNS)


def _label_amount(label: str, fen: int) -> str:
    amount = _yuan(fen)
    room = VFD_COLUMNS - len(amount) - 1
    label = vfd_text(label)[: max(room, 0)]
    return label + amount.rjust(VFD_COLUMNS - len(label))


def _two_lines(message: str) -> tuple[str, str]:
    first, _, second = message.partition("\n")
    return vfd_text(first).strip()[:VFD_COLUMNS].center(VFD_COLUMNS), vfd_text(second).strip()[
        :VFD_COLUMNS
    ].center(VFD_COLUMNS)


class _VfdRenderer(ABC):
    """Shared layout of the two 2x20 VFD command sets; subclasses say how a frame is addressed."""

    def __init__(self, labels: DisplayLabels | None = None) -> None:
        self.labels = labels if labels is not None else DisplayLabels()

    @abstractmethod
    def frame(self, upper: str, lower: str) -> bytes:
        """Both lines of the display, addressed in this command set."""

    @abstractmethod
    def init(self) -> bytes:
        """The bytes that reset the display into this command set."""

    def item(self, name: str, price_fen: int) -> bytes:
        """Item name above (hanzi as pinyin: a VFD has no Chinese font), 'PRICE' and the price below."""
        return self.frame(_line(vfd_name(name)), _label_amount(self.labels.price, price_fen))

    def total(self, total_fen: int) -> bytes:
        """'TOTAL' and the amount due on the lower line."""
        return self.frame(_line(""), _label_amount(self.labels.total, total_fen))

    def payment(self, paid_fen: int, change_fen: int) -> bytes:
        """Amount paid above, change below."""
        return self.frame(
            _label_amount(self.labels.paid, paid_fen), _label_amount(self.labels.change, change_fen)
        )

    def idle(self, message: str) -> bytes:
        """The message centred; a newline splits it over the two lines."""
        return self.frame(*_two_lines(message))


class Cd5220Renderer(_VfdRenderer):
    """CD5220 command set (CD5220 user manual; POSX XP8200 manual), the usual VFD default, 9600 8N1."""

    def init(self) -> bytes:
        # ESC @ initialise, then CLR.
        return b"\x1b\x40\x0c"

    def frame(self, upper: str, lower: str) -> bytes:
        # CLR first: after ESC Q A/B the display ignores other commands until
        # CLR (CD5220 manual, "string display mode"). ESC Q A / ESC Q B write
        # the upper / lower line, each ended by CR; 20 columns padded so the
        # previous text is overwritten.
        return (
            b"\x0c"
            + b"\x1b\x51\x41" + upper.encode("ascii") + b"\x0d"
            + b"\x1b\x51\x42" + lower.encode("ascii") + b"\x0d"
        )


class EpsonDisplayRenderer(_VfdRenderer):
    """Epson ESC/POS customer-display mode (as in LCDproc serialPOS_epson.c), 9600 8N1."""

    def init(self) -> bytes:
        # ESC @ initialise, US 01 overwrite mode so writing the 20th column of
        # the lower line does not scroll the display, CLR.
        return b"\x1b\x40\x1f\x01\x0c"

    def frame(self, upper: str, lower: str) -> bytes:
        # US $ x y moves the cursor (1-based column, row); full 20-column lines
        # overwrite what was there, so no CLR and no flicker.
        return (
            b"\x1f\x24\x01\x01" + upper.encode("ascii")
            + b"\x1f\x24\x01\x02" + lower.encode("ascii")
        )


class Led8Light:
    """Indicator lights of the 8-digit LED display, selected with ESC s n (n 0-4)."""

    NONE = 0
    PRICE = 1  # 单价
    TOTAL = 2  # 总计
    PAID = 3  # 收款
    CHANGE = 4  # 找零


# How n of ESC s n goes on the wire. The command sheet writes n as '0'-'4'
# and most drivers send the ASCII digit (GiPOS, CustomPos.cs), but field
# units and drivers exist that take the raw byte 00-04 and ignore a digit, so
# it is a display-profile setting (devices.display_led8_lights).
LED8_LIGHT_ENCODINGS = ("ascii", "raw")


LED8_DIGITS = 8


class Led8Renderer:
    """The common Chinese 8-digit LED price display ("客显"), 2400 baud by default.

    Manual followed: the generic LED8 customer-display command sheet as
    transcribed in reference §5 (C# CustomPos.cs) and used by public POS code
    (GiPOS CustomerDisplay.cpp: ``ESC Q A <price> CR`` then ``ESC s <type>``
    with the type as an ASCII digit; Wintec CD110 driver: light first, then
    number). ESC @ init, CLR 0C, ESC s n lights none/单价/总计/收款/找零,
    ESC Q A d1..dn CR shows the number ('0'-'9', '-', '.'; at most 8 digit
    positions, a dot shares its digit's position). It cannot show text.
    """

    def __init__(self, lights: str = "ascii") -> None:
        if lights not in LED8_LIGHT_ENCODINGS:
            raise ValueError(f"unknown LED light encoding {lights!r}; expected one of {LED8_LIGHT_ENCODINGS}")
        self._raw_lights = lights == "raw"

    def light(self, light: int) -> bytes:
        """ESC s n selecting one light, n as the display profile wants it (raw byte or ASCII digit)."""
        return b"\x1b\x73" + (bytes((light,)) if self._raw_lights else str(light).encode("ascii"))

    def init(self) -> bytes:
        return b"\x1b\x40\x0c"

    @staticmethod
    def number(fen: int) -> bytes:
        """ESC Q A with the amount as yuan, or dashes when it needs more than 8 digit positions."""
        text = _yuan(fen)
        positions = sum(1 for ch in text if ch != ".")
        if positions > LED8_DIGITS:
            # Showing the low digits of a bigger amount would show the customer a wrong price.
            text = "-" * LED8_DIGITS
        return b"\x1b\x51\x41" + text.encode("ascii") + b"\x0d"

    def frame(self, light: int, fen: int) -> bytes:
        """Select the light, then show the number (light first so the label never lags the number)."""
        return self.light(light) + self.number(fen)

    def item(self, name: str, price_fen: int) -> bytes:
        """The price under the 单价 light (the name cannot be shown)."""
        return self.frame(Led8Light.PRICE, price_fen)

    def total(self, total_fen: int) -> bytes:
        """The amount due under the 总计 light."""
        return self.frame(Led8Light.TOTAL, total_fen)

    def payment(self, paid_fen: int, change_fen: int) -> bytes:
        """The change under the 找零 light: one number fits, and the change is what the customer waits for."""
        return self.frame(Led8Light.CHANGE, change_fen)

    def idle(self, message: str) -> bytes:
        """Blank digits, all lights off (the display has no letters for a message)."""
        return b"\x0c" + self.light(Led8Light.NONE)


class SerialCustomerDisplay:
    """A customer display on a serial port; show_* never block or fail on the device, a thread sends the bytes.

    Only the latest screen matters to a customer, so a newer show_* replaces
    an unsent one. When the port is missing or fails, the screen is kept and
    sent after the port reopens (with backoff), preceded by the init bytes.
    """

    def __init__(
        self,
        url: str,
        renderer: DisplayRenderer,
        *,
        baudrate: int = 9600,
        backoff: Backoff | None = None,
        on_state: StateHandler | None = None,
    ) -> None:
        self.url = url
        self._renderer = renderer
        self._baudrate = baudrate
        self._backoff = backoff if backoff is not None else Backoff()
        self._on_state = on_state
        self._state = DeviceState.STOPPED
        self._cond = threading.Condition()
        self._pending: bytes | None = None
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> DeviceState:
        """READY after a successful write, OFFLINE while the port is missing or failing."""
        return self._state

    def show_item(self, name: str, price_fen: int) -> None:
        """Show the item just added and its price."""
        self._submit(self._renderer.item(name, price_fen))

    def show_total(self, total_fen: int) -> None:
        """Show the amount due."""
        self._submit(self._renderer.total(total_fen))

    def show_payment(self, paid_fen: int, change_fen: int) -> None:
        """Show what the customer paid and the change due."""
        self._submit(self._renderer.payment(paid_fen, change_fen))

    def show_idle(self, message: str) -> None:
        """Show a greeting between sales."""
        self._submit(self._renderer.idle(message))

    def flush(self, timeout: float = 2.0) -> bool:
        """Wait until the latest screen has been written; False if it has not been within timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._pending is None, timeout)

    def close(self) -> None:
        """Stop the sender thread and release the port; unsent screens are dropped."""
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(3.0)

    def _submit(self, frame: bytes) -> None:
        with self._cond:
            if self._closing:
                return
            self._pending = frame
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"display@{self.url}", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        port: serial.SerialBase | None = None
        offline_reported = False
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._closing or self._pending is not None)
                    if self._closing:
                        return
                    frame = self._pending
                assert frame is not None
                try:
                    if port is None:
                        port = open_serial(self.url, self._baudrate)
                        port.write(self._renderer.init())
                    port.write(frame)
                    port.flush()
                except (PortUnavailable, serial.SerialException, OSError) as exc:
                    if not offline_reported:
                        log.warning("customer display %s: %s", self.url, exc)
                        offline_reported = True
                        self._set_state(DeviceState.OFFLINE)
                    if port is not None:
                        _close_quietly(port)
                        port = None
                    with self._cond:
                        self._cond.wait_for(lambda: self._closing, self._backoff.next_delay())
                    continue
                offline_reported = False
                self._backoff.reset()
                self._set_state(DeviceState.READY)
                with self._cond:
                    if self._pending is frame:
                        self._pending = None
                        self._cond.notify_all()
        finally:
            if port is not None:
                _close_quietly(port)
            self._set_state(DeviceState.STOPPED)

    def _set_state(self, state: DeviceState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:  # noqa: BLE001 - thread boundary
                log.exception("customer display %s: state handler failed", self.url)


def _close_quietly(port: serial.SerialBase) -> None:
    try:
        port.close()
    except Exception:  # noqa: BLE001 - a dead port may fail to close; it is gone either way
        log.debug("closing display port failed", exc_info=True)


class NullCustomerDisplay:
    """A till without a customer display: accepts every screen and shows nothing."""

    def show_item(self, name: str, price_fen: int) -> None:
        """Do nothing."""

    def show_total(self, total_fen: int) -> None:
        """Do nothing."""

    def show_payment(self, paid_fen: int, change_fen: int) -> None:
        """Do nothing."""

    def show_idle(self, message: str) -> None:
        """Do nothing."""

    def close(self) -> None:
        """Do nothing (the serial display's shutdown, so the app can close either kind)."""


# Default baud rates per model: VFDs ship at 9600, the LED8 price displays at 2400 (reference §5).
_MODELS: dict[str, tuple[type, int]] = {
    "cd5220": (Cd5220Renderer, 9600),
    "epson": (EpsonDisplayRenderer, 9600),
    "led8": (Led8Renderer, 2400),
}


def open_customer_display(
    model: str, url: str | None, *, baudrate: int | None = None, backoff: Backoff | None = None,
    led8_lights: str = "ascii",
) -> SerialCustomerDisplay | NullCustomerDisplay:
    """The display the till's settings name ('cd5220', 'epson', 'led8'; no url means none); raises ValueError for an unknown model.

    led8_lights says how the LED price display takes ESC s n ('ascii' digit or 'raw' byte).
    """
    if not url or model == "none":
        return NullCustomerDisplay()
    try:
        renderer_type, default_baud = _MODELS[model]
    except KeyError:
        raise ValueError(f"unknown customer display model {model!r}; expected one of {sorted(_MODELS)}") from None
    renderer = Led8Renderer(led8_lights) if renderer_type is Led8Renderer else renderer_type()
    return SerialCustomerDisplay(url, renderer, baudrate=baudrate or default_baud, backoff=backoff)
