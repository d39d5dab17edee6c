"""A small ESC/POS byte builder that gets Chinese right (GBK in Chinese mode, explicit FS &).

We build bytes ourselves rather than with python-escpos: its text path encodes any string
with a hanzi as GB18030 (4-byte '¥', no FS &) and code-page text after it breaks Chinese
mode (reference/hardware-protocols.md §4.3-4.4). Byte values follow the Epson ESC/POS
command reference as transcribed in the same document, §4.1.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

ESC = 0x1B
GS = 0x1D
FS = 0x1C
LF = 0x0A

MAX_QR_DATA = 7089  # GS ( k model 2 storage limit (numeric); bytes are fewer, the printer refuses more


class EscPosError(ValueError):
    """Base of the builder's refusals; each carries the offending input."""


class UnencodableText(EscPosError):
    """Text holds a character the printer's encoding can't print (sanitise it with layout.clean)."""

    def __init__(self, text: str, char: str, encoding: str) -> None:
        super().__init__(f"{char!r} (U+{ord(char):04X}) cannot be printed in {encoding}")
        self.text = text
        self.char = char
        self.encoding = encoding


class InvalidCommandArgument(EscPosError):
    """A command parameter outside the range the ESC/POS reference allows."""

    def __init__(self, command: str, argument: str, value: object) -> None:
        super().__init__(f"{command}: {argument}={value!r} out of range")
        self.command = command
        self.argument = argument
        self.value = value


class Align(IntEnum):
    LEFT = 0
    CENTER = 1
    RIGHT = 2


class CutMode(StrEnum):
    FULL = "full"        # GS V 0
    PARTIAL = "partial"  # GS V 1 (leaves a hinge; many Chinese 80 mm printers only do this)
    NONE = "none"        # no cutter (e.g. cheap 58 mm printers): feed only, tear by hand


class QrErrorLevel(IntEnum):
    L = 48
    M = 49
    Q = 50
    H = 51


class BarcodeKind(IntEnum):
    """GS k function B symbol ids (m = 65..73)."""

    EAN13 = 67
    EAN8 = 68
    CODE39 = 69
    CODE93 = 72
    CODE128 = 73


@dataclass(frozen=True)
class PrinterProfile:
    """What differs between printer models: line width, Chinese firmware, cutter, code page."""

    name: str
    columns: int                 # Font A characters per line (a hanzi takes 2)
    dots_per_line: int           # printable width in dots, for raster images
    chinese_mode: bool = True    # firmware has a GB font: send FS & and GBK text
    cut: CutMode = CutMode.PARTIAL
    feed_before_cut: int = 4     # lines between the last text and the blade
    code_page: int = 0           # ESC t n used when chinese_mode is off (0 = PC437)
    qr_module_size: int = 6      # GS ( k size, 1..16 dots per module
    gb18030: bool = False        # Chinese font covers GB18030 4-byte characters (rare surnames)

    def __post_init__(self) -> None:
        # 32/42/44/48 are the usual thermal widths; impact printers (TM-U220) have 33-40.
        if not 16 <= self.columns <= 64:
            raise InvalidCommandArgument("PrinterProfile", "columns", self.columns)
        if not 1 <= self.qr_module_size <= 16:
            raise InvalidCommandArgument("PrinterProfile", "qr_module_size", self.qr_module_size)
        if not 0 <= self.feed_before_cut <= 255:
            raise InvalidCommandArgument("PrinterProfile", "feed_before_cut", self.feed_before_cut)

    @property
    def encoding(self) -> str:
        return "gbk" if self.chinese_mode else "ascii"


# Columns per line, reference §4.3: 384-dot 58 mm -> 32, Epson 512-dot -> 42, 576-dot 80 mm -> 48.
PROFILE_58MM = PrinterProfile("58mm", columns=32, dots_per_line=384, qr_module_size=5)
PROFILE_80MM_42 = PrinterProfile("80mm-42", columns=42, dots_per_line=512)
PROFILE_80MM_48 = PrinterProfile("80mm-48", columns=48, dots_per_line=576)
PROFILES: dict[str, PrinterProfile] = {p.name: p for p in (PROFILE_58MM, PROFILE_80MM_42,
                                                           PROFILE_80MM_48)}


def encode_text(text: str, chinese_mode: bool, gb18030: bool = False) -> bytes:
    """Text as the printer reads it: ASCII + 2-byte GBK in Chinese mode, ASCII otherwise.

    With gb18030 (a printer whose font covers GB18030) the 4-byte sequences of characters
    outside GBK (𠮷, 㐀) pass too. Refuses (UnencodableText) control characters, other
    4-byte sequences and single bytes >= 0x80: in Chinese mode every byte >= 0x80 is a lead
    byte that would swallow the next one (reference §4.3), and a control byte would inject
    a command.
    """
    out = bytearray()
    for ch in text:
        if ch < " " or ch == "\x7f":
            raise UnencodableText(text, ch, "printable text")
        if ch < "\x80":
            out.append(ord(ch))
            continue
        if not chinese_mode:
            raise UnencodableText(text, ch, "ascii")
        try:
            encoded = ch.encode("gbk")
        except UnicodeEncodeError:
            encoded = b""
        if len(encoded) != 2 and gb18030:
            try:
                encoded = ch.encode("gb18030")
            except UnicodeEncodeError:
                encoded = b""
            if len(encoded) == 4:
                out += encoded
                continue
        if len(encoded) != 2:  # e.g. '€' is cp936 0x80, a lone lead byte on the printer
            raise UnencodableText(text, ch, "gb18030" if gb18030 else "gbk")
        out += encoded
    return bytes(out)


class EscPosBuilder:
    """Accumulates one print job; every method appends exact ESC/POS bytes and returns self."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self._buf = bytearray()

    def build(self) -> bytes:
        return bytes(self._buf)

    def raw(self, data: bytes) -> EscPosBuilder:
        self._buf += data
        return self

    def init(self) -> EscPosBuilder:
        """ESC @, then the character mode: FS & + GBK, or FS . + ESC t code page.

        ESC @ resets modes but Chinese firmware powers up in Chinese mode, so we always
        say which mode we want (reference §4.3). We do not send FS C: on Epson Japanese
        models it selects JIS instead of GB.
        """
        self._buf += bytes((ESC, 0x40))
        if self.profile.chinese_mode:
            self.chinese_on()
        else:
            self.chinese_off()
            self._buf += bytes((ESC, 0x74, self.profile.code_page))
        return self

    def chinese_on(self) -> EscPosBuilder:
        self._buf += bytes((FS, 0x26))
        return self

    def chinese_off(self) -> EscPosBuilder:
        self._buf += bytes((FS, 0x2E))
        return self

    def text(self, text: str) -> EscPosBuilder:
        self._buf += encode_text(text, self.profile.chinese_mode, self.profile.gb18030)
        return self

    def line(self, text: str = "") -> EscPosBuilder:
        return self.text(text).newline()

    def newline(self) -> EscPosBuilder:
        self._buf.append(LF)
        return self

    def size(self, width: int = 1, height: int = 1) -> EscPosBuilder:
        """GS ! n: high nibble width-1, low nibble height-1; the one size command that also
        enlarges hanzi (ESC ! is ANK only, reference §4.3)."""
        if not (1 <= width <= 8 and 1 <= height <= 8):
            raise InvalidCommandArgument("GS !", "size", (width, height))
        self._buf += bytes((GS, 0x21, ((width - 1) << 4) | (height - 1)))
        return self

    def align(self, align: Align) -> EscPosBuilder:
        # ESC a only takes effect at the start of a line (Epson reference esc_a).
        self._buf += bytes((ESC, 0x61, int(align)))
        return self

    def bold(self, on: bool = True) -> EscPosBuilder:
        self._buf += bytes((ESC, 0x45, 1 if on else 0))
        return self

    def feed(self, lines: int = 1) -> EscPosBuilder:
        """ESC d n: print the buffer and feed n lines."""
        if not 0 <= lines <= 255:
            raise InvalidCommandArgument("ESC d", "lines", lines)
        self._buf += bytes((ESC, 0x64, lines))
        return self

    def cut(self, mode: CutMode | None = None) -> EscPosBuilder:
        """Feed the paper past the blade, then GS V 0 (full) or GS V 1 (partial)."""
        mode = self.profile.cut if mode is None else mode
        self.feed(self.profile.feed_before_cut)
        if mode is CutMode.FULL:
            self._buf += bytes((GS, 0x56, 0x00))
        elif mode is CutMode.PARTIAL:
            self._buf += bytes((GS, 0x56, 0x01))
        return self

    def qr(self, data: str | bytes, module_size: int | None = None,
           error_level: QrErrorLevel = QrErrorLevel.M) -> EscPosBuilder:
        """A native QR code: GS ( k model 2, size, error level, store, print (cn=0x31)."""
        payload = data.encode("ascii") if isinstance(data, str) else bytes(data)
        size = self.profile.qr_module_size if module_size is None else module_size
        if not 1 <= size <= 16:
            raise InvalidCommandArgument("GS ( k", "module_size", size)
        if not 1 <= len(payload) <= MAX_QR_DATA:
            raise InvalidCommandArgument("GS ( k", "data length", len(payload))
        self._buf += bytes((GS, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00))  # model 2
        self._buf += bytes((GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, size))
        self._buf += bytes((GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, int(error_level)))
        n = len(payload) + 3  # pL pH count cn, fn, m as well as the data
        self._buf += bytes((GS, 0x28, 0x6B, n & 0xFF, n >> 8, 0x31, 0x50, 0x30)) + payload
        self._buf += bytes((GS, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30))
        return self

    def barcode(self, data: str, kind: BarcodeKind = BarcodeKind.CODE128, height: int = 80,
                module_width: int = 2, hri_below: bool = True) -> EscPosBuilder:
        """GS h / GS w / GS H, then GS k function B (m, n, data); CODE128 gets code set B."""
        if not 1 <= height <= 255:
            raise InvalidCommandArgument("GS h", "height", height)
        if not 2 <= module_width <= 6:
            raise InvalidCommandArgument("GS w", "module_width", module_width)
        payload = data.encode("ascii")
        if kind is BarcodeKind.CODE128:
            # Function B CODE128 data must start with a code set selector (Epson gs_lk).
            payload = b"{B" + payload.replace(b"{", b"{{")
        elif kind in (BarcodeKind.EAN13, BarcodeKind.EAN8):
            need = (12, 13) if kind is BarcodeKind.EAN13 else (7, 8)
            if not data.isdigit() or len(data) not in need:
                raise InvalidCommandArgument("GS k", "data", data)
        if not 1 <= len(payload) <= 255:
            raise InvalidCommandArgument("GS k", "data length", len(payload))
        self._buf += bytes((GS, 0x68, height, GS, 0x77, module_width,
                            GS, 0x48, 2 if hri_below else 0))
        self._buf += bytes((GS, 0x6B, int(kind), len(payload))) + payload
        return self

    def raster(self, width_dots: int, height_dots: int, bits: bytes) -> EscPosBuilder:
        """GS v 0: `bits` rows of ceil(width/8) bytes, MSB leftmost, 1 = black."""
        row = (width_dots + 7) // 8
        if not (1 <= row <= 0xFFFF and 1 <= height_dots <= 0x0FFF):
            raise InvalidCommandArgument("GS v 0", "size", (width_dots, height_dots))
        if len(bits) != row * height_dots:
            raise InvalidCommandArgument("GS v 0", "data length", len(bits))
        self._buf += bytes((GS, 0x76, 0x30, 0x00, row & 0xFF, row >> 8,
                            height_dots & 0xFF, height_dots >> 8)) + bits
        return self

    def image(self, image: Image.Image, threshold: int = 128) -> EscPosBuilder:
        """A Pillow image as a raster (scaled down to the paper width, no dithering)."""
        img = image.convert("L")
        if img.width > self.profile.dots_per_line:
            ratio = self.profile.dots_per_line / img.width
            img = img.resize((self.profile.dots_per_line, max(1, round(img.height * ratio))))
        row = (img.width + 7) // 8
        pixels = img.load()
        out = bytearray()
        for y in range(img.height):
            for bx in range(row):
                byte = 0
                for bit in range(8):
                    x = bx * 8 + bit
                    if x < img.width and pixels[x, y] < threshold:
                        byte |= 0x80 >> bit
                out.append(byte)
        return self.raster(img.width, img.height, bytes(out))

    def drawer_pulse(self, pin: int = 0, on_ms: int = 100, off_ms: int = 100) -> EscPosBuilder:
        self._buf += drawer_pulse_bytes(pin, on_ms, off_ms)
        return self

    def lines(self, texts: Iterable[str]) -> EscPosBuilder:
        for t in texts:
            self.line(t)
        return self


def drawer_pulse_bytes(pin: int = 0, on_ms: int = 100, off_ms: int = 100) -> bytes:
    """ESC p m t1 t2: m 0 = connector pin 2, 1 = pin 5; times in units of 2 ms (Epson esc_p)."""
    if pin not in (0, 1):
        raise InvalidCommandArgument("ESC p", "pin", pin)
    t1, t2 = on_ms // 2, off_ms // 2
    if not (1 <= t1 <= 255 and 1 <= t2 <= 255):
        raise InvalidCommandArgument("ESC p", "pulse", (on_ms, off_ms))
    return bytes((ESC, 0x70, pin, t1, t2))
