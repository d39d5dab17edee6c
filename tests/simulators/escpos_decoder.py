"""An independent ESC/POS decoder for tests and the fake printers.

Written from the Epson ESC/POS command reference (lengths per command) and
reference/hardware-protocols.md §4, not from receipts/escpos.py, so it checks the
builder instead of mirroring it. It is incremental (feed() chunks as they arrive, so a
fake printer can answer DLE EOT at once) and never raises or loops on garbage: unknown
bytes become `Problem` entries and are skipped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ALIGNS = {0: "left", 48: "left", 1: "center", 49: "center", 2: "right", 50: "right"}


@dataclass(frozen=True)
class TextLine:
    text: str
    width: int = 1       # character width multiplier (GS ! high nibble + 1)
    height: int = 1
    align: str = "left"
    bold: bool = False


@dataclass(frozen=True)
class Cut:
    partial: bool
    feed_dots_or_lines: int = 0


@dataclass(frozen=True)
class Pulse:
    pin: int
    on_ms: int
    off_ms: int
    realtime: bool = False


@dataclass(frozen=True)
class QrCode:
    payload: bytes
    model: int
    module_size: int
    error_level: str


@dataclass(frozen=True)
class Barcode:
    symbology: int
    data: bytes


@dataclass(frozen=True)
class RasterImage:
    width_dots: int
    height_dots: int


@dataclass(frozen=True)
class StatusQuery:
    command: str   # "DLE EOT", "GS r", "GS a"
    n: int


@dataclass(frozen=True)
class Feed:
    lines: int


@dataclass(frozen=True)
class Problem:
    offset: int
    message: str


Item = TextLine | Cut | Pulse | QrCode | Barcode | RasterImage | StatusQuery | Feed | Problem


@dataclass
class Document:
    items: list[Item] = field(default_factory=list)

    def of(self, kind: type) -> list:
        return [i for i in self.items if isinstance(i, kind)]

    @property
    def lines(self) -> list[TextLine]:
        return self.of(TextLine)

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]

    @property
    def cuts(self) -> list[Cut]:
        return self.of(Cut)

    @property
    def pulses(self) -> list[Pulse]:
        return self.of(Pulse)

    @property
    def qr_codes(self) -> list[QrCode]:
        return self.of(QrCode)

    @property
    def problems(self) -> list[Problem]:
        return self.of(Problem)


class _NeedMore(Exception):
    pass


# Commands with a fixed number of parameter bytes after the 2-byte prefix.
_ESC_FIXED = {0x21: 1, 0x45: 1, 0x2D: 1, 0x61: 1, 0x64: 1, 0x4A: 1, 0x74: 1, 0x52: 1,
              0x32: 0, 0x33: 1, 0x4D: 1, 0x47: 1, 0x7B: 1, 0x56: 1, 0x20: 1, 0x24: 2,
              0x5C: 2, 0x40: 0, 0x70: 3, 0x69: 0, 0x6D: 0, 0x3D: 1, 0x25: 1, 0x55: 1,
              0x72: 1, 0x4C: 0, 0x53: 0, 0x44: -1, 0x63: 2}
_GS_FIXED = {0x21: 1, 0x68: 1, 0x77: 1, 0x48: 1, 0x66: 1, 0x42: 1, 0x4C: 2, 0x57: 2,
             0x72: 1, 0x61: 1, 0x49: 1, 0x2F: 1, 0x62: 1, 0x24: 2, 0x5C: 2, 0x3A: 0,
             0x54: 1, 0x50: 2, 0x7C: 1}
_FS_FIXED = {0x26: 0, 0x2E: 0, 0x21: 1, 0x43: 1, 0x2D: 1, 0x53: 2, 0x57: 1, 0x70: 2}


class EscPosDecoder:
    """Feed bytes in any chunks; read `document` (and the per-feed events) as they decode."""

    def __init__(self, chinese_mode: bool = True, code_page: str = "cp437",
                 gb18030: bool = False) -> None:
        # Chinese firmware powers up in Chinese mode (reference §4.3). gb18030: a font
        # that also has the 4-byte GB18030 characters (else such a sequence is a problem).
        self.chinese = chinese_mode
        self.gb18030 = gb18030
        self.code_page = code_page
        self.document = Document()
        self._buf = bytearray()
        self._offset = 0          # stream offset of _buf[0]
        self._reset_modes()
        self._chars: list[str] = []
        self._line_attrs: tuple[int, int, str, bool] | None = None
        self._qr_store = b""
        self._qr_model = 2
        self._qr_size = 3
        self._qr_level = "L"

    def _reset_modes(self) -> None:
        self.width = 1
        self.height = 1
        self.align = "left"
        self.bold = False

    # -- public ------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Item]:
        """Decode what can be decoded; return the items this chunk completed."""
        start = len(self.document.items)
        self._buf += data
        pos = 0
        while pos < len(self._buf):
            try:
                pos += self._step(pos)
            except _NeedMore:
                break
        del self._buf[:pos]
        self._offset += pos
        return self.document.items[start:]

    def close(self) -> Document:
        """End of stream: a truncated command is reported, an unfinished line kept."""
        if self._buf:
            self._problem(0, f"truncated command at end: {bytes(self._buf[:8]).hex(' ')}")
            self._buf.clear()
        self._flush_line(force=False)
        return self.document

    # -- internals ---------------------------------------------------------------

    def _need(self, pos: int, n: int) -> None:
        if pos + n > len(self._buf):
            raise _NeedMore

    def _problem(self, pos: int, message: str) -> None:
        self.document.items.append(Problem(self._offset + pos, message))

    def _emit(self, item: Item) -> None:
        self.document.items.append(item)

    def _add_char(self, ch: str) -> None:
        if self._line_attrs is None:
            # ESC a only applies at the start of a line; sizes as set when printing begins.
            self._line_attrs = (self.width, self.height, self.align, self.bold)
        self._chars.append(ch)

    def _flush_line(self, force: bool = True) -> None:
        if not self._chars and not force:
            return
        w, h, a, b = self._line_attrs or (self.width, self.height, self.align, self.bold)
        self._emit(TextLine("".join(self._chars), w, h, a, b))
        self._chars = []
        self._line_attrs = None

    def _step(self, pos: int) -> int:
        buf = self._buf
        b = buf[pos]
        if b == 0x0A:
            self._flush_line()
            return 1
        if b == 0x0D:
            return 1
        if b == 0x09:
            self._add_char(" ")
            return 1
        if b == 0x10:
            return self._dle(pos)
        if b == 0x1B:
            return self._esc(pos)
        if b == 0x1D:
            return self._gs(pos)
        if b == 0x1C:
            return self._fs(pos)
        if b < 0x20 or b == 0x7F:
            self._problem(pos, f"unexpected control byte {b:02x}")
            return 1
        if b < 0x80:
            self._add_char(chr(b))
            return 1
        if not self.chinese:
            self._add_char(bytes([b]).decode(self.code_page, errors="replace"))
            return 1
        # Chinese mode: every byte >= 0x80 leads a 2-byte GBK character, or in GB18030 a
        # 4-byte one whose second byte is an ASCII digit (GB 18030-2005 §6).
        self._need(pos, 2)
        pair = bytes(buf[pos:pos + 2])
        if 0x30 <= pair[1] <= 0x39:
            self._need(pos, 4)
            quad = bytes(buf[pos:pos + 4])
            if not self.gb18030:
                self._problem(pos, f"4-byte GB18030 sequence {quad.hex()} on a GBK font")
                self._add_char("\ufffd")
                return 4
            try:
                self._add_char(quad.decode("gb18030"))
            except UnicodeDecodeError:
                self._problem(pos, f"invalid GB18030 sequence {quad.hex()}")
                self._add_char("\ufffd")
            return 4
        try:
            ch = pair.decode("gbk")
            if len(ch) != 1:
                raise UnicodeDecodeError("gbk", pair, 0, 2, "not one character")
        except UnicodeDecodeError:
            self._problem(pos, f"invalid GBK pair {pair.hex()}")
            self._add_char("\ufffd")
            return 2
        self._add_char(ch)
        return 2

    def _dle(self, pos: int) -> int:
        self._need(pos, 2)
        cmd = self._buf[pos + 1]
        if cmd == 0x04:  # DLE EOT n: real-time status
            self._need(pos, 3)
            self._emit(StatusQuery("DLE EOT", self._buf[pos + 2]))
            return 3
        if cmd == 0x14:  # DLE DC4 fn ...: fn 1 = real-time drawer pulse m t
            self._need(pos, 3)
            fn = self._buf[pos + 2]
            if fn == 1:
                self._need(pos, 5)
                m, t = self._buf[pos + 3], self._buf[pos + 4]
                self._emit(Pulse(m, t * 100, t * 100, realtime=True))
                return 5
            self._need(pos, 5)
            return 5
        if cmd == 0x05:  # DLE ENQ n
            self._need(pos, 3)
            return 3
        self._problem(pos, f"unknown DLE {cmd:02x}")
        return 1

    def _esc(self, pos: int) -> int:
        self._need(pos, 2)
        buf = self._buf
        cmd = buf[pos + 1]
        if cmd == 0x2A:  # ESC * m nL nH data: bit image, m 0/1 -> 1 byte/col, 32/33 -> 3
            self._need(pos, 5)
            m, n = buf[pos + 2], buf[pos + 3] | (buf[pos + 4] << 8)
            size = 5 + n * (3 if m in (32, 33) else 1)
            self._need(pos, size)
            self._emit(RasterImage(n, 24 if m in (32, 33) else 8))
            return size
        if cmd == 0x44:  # ESC D n1 ... NUL: tab stops
            end = buf.find(0, pos + 2)
            if end < 0:
                if len(buf) - pos > 34:
                    self._problem(pos, "ESC D without NUL")
                    return 2
                raise _NeedMore
            return end - pos + 1
        if cmd == 0x63:  # ESC c 3/4/5 n
            self._need(pos, 4)
            return 4
        if cmd not in _ESC_FIXED:
            self._problem(pos, f"unknown ESC {cmd:02x}")
            return 2
        n_args = _ESC_FIXED[cmd]
        self._need(pos, 2 + n_args)
        args = buf[pos + 2:pos + 2 + n_args]
        if cmd == 0x40:
            self._flush_line(force=False)
            self._reset_modes()
        elif cmd == 0x21:  # ESC ! n: ANK print mode (b3 bold, b4 2xH, b5 2xW)
            n = args[0]
            self.bold = bool(n & 0x08)
            self.height = 2 if n & 0x10 else 1
            self.width = 2 if n & 0x20 else 1
        elif cmd == 0x45:
            self.bold = bool(args[0] & 1)
        elif cmd == 0x61:
            if args[0] in ALIGNS:
                self.align = ALIGNS[args[0]]
            else:
                self._problem(pos, f"bad alignment {args[0]}")
        elif cmd == 0x64:  # ESC d n: print and feed n lines
            self._flush_line(force=False)
            self._emit(Feed(args[0]))
        elif cmd == 0x4A:
            self._flush_line(force=False)
        elif cmd == 0x70:  # ESC p m t1 t2 (times x 2 ms)
            m = args[0]
            self._emit(Pulse(m & 1 if m in (0, 1, 48, 49) else m, args[1] * 2, args[2] * 2))
        elif cmd in (0x69, 0x6D):  # legacy ESC i / ESC m cuts
            self._flush_line(force=False)
            self._emit(Cut(partial=cmd == 0x6D))
        return 2 + n_args

    def _gs(self, pos: int) -> int:
        self._need(pos, 2)
        buf = self._buf
        cmd = buf[pos + 1]
        if cmd == 0x56:  # GS V m [n]
            self._need(pos, 3)
            m = buf[pos + 2]
            if m in (0, 1, 48, 49):
                self._flush_line(force=False)
                self._emit(Cut(partial=m in (1, 49)))
                return 3
            if m in (65, 66, 97, 98, 103, 104):
                self._need(pos, 4)
                self._flush_line(force=False)
                self._emit(Cut(partial=m in (66, 98, 104), feed_dots_or_lines=buf[pos + 3]))
                return 4
            self._problem(pos, f"bad GS V mode {m}")
            return 3
        if cmd == 0x28:  # GS ( fn pL pH data
            self._need(pos, 5)
            fn = buf[pos + 2]
            length = buf[pos + 3] | (buf[pos + 4] << 8)
            self._need(pos, 5 + length)
            body = bytes(buf[pos + 5:pos + 5 + length])
            if fn == 0x6B:
                self._qr(pos, body)
            return 5 + length
        if cmd == 0x6B:  # GS k m ...
            self._need(pos, 3)
            m = buf[pos + 2]
            if m <= 6:  # function A: NUL-terminated
                end = buf.find(0, pos + 3)
                if end < 0:
                    if len(buf) - pos > 258:
                        self._problem(pos, "GS k function A without NUL")
                        return 3
                    raise _NeedMore
                self._emit(Barcode(m, bytes(buf[pos + 3:end])))
                return end - pos + 1
            if 65 <= m <= 79:  # function B: length byte
                self._need(pos, 4)
                n = buf[pos + 3]
                self._need(pos, 4 + n)
                self._emit(Barcode(m, bytes(buf[pos + 4:pos + 4 + n])))
                return 4 + n
            self._problem(pos, f"bad GS k symbology {m}")
            return 3
        if cmd == 0x76:  # GS v 0 m xL xH yL yH data
            self._need(pos, 8)
            if buf[pos + 2] != 0x30:
                self._problem(pos, "GS v without 0")
                return 2
            x = buf[pos + 4] | (buf[pos + 5] << 8)
            y = buf[pos + 6] | (buf[pos + 7] << 8)
            self._need(pos, 8 + x * y)
            self._flush_line(force=False)
            self._emit(RasterImage(x * 8, y))
            return 8 + x * y
        if cmd == 0x2A:  # GS * x y data (x*y*8 bytes)
            self._need(pos, 4)
            size = 4 + buf[pos + 2] * buf[pos + 3] * 8
            self._need(pos, size)
            return size
        if cmd not in _GS_FIXED:
            self._problem(pos, f"unknown GS {cmd:02x}")
            return 2
        n_args = _GS_FIXED[cmd]
        self._need(pos, 2 + n_args)
        args = buf[pos + 2:pos + 2 + n_args]
        if cmd == 0x21:  # GS ! n: size for ANK and Chinese
            n = args[0]
            w, h = (n >> 4) + 1, (n & 0x0F) + 1
            if w > 8 or h > 8:
                self._problem(pos, f"bad GS ! {n:02x}")
            else:
                self.width, self.height = w, h
        elif cmd == 0x72:
            self._emit(StatusQuery("GS r", args[0]))
        elif cmd == 0x61:
            self._emit(StatusQuery("GS a", args[0]))
        return 2 + n_args

    def _qr(self, pos: int, body: bytes) -> None:
        if len(body) < 2 or body[0] != 0x31:
            return  # another 2D symbol (PDF417 cn=0x30 ...): skipped
        fn = body[1]
        if fn == 0x41 and len(body) >= 3:
            self._qr_model = body[2] - 48
        elif fn == 0x43 and len(body) >= 3:
            self._qr_size = body[2]
        elif fn == 0x45 and len(body) >= 3:
            self._qr_level = {48: "L", 49: "M", 50: "Q", 51: "H"}.get(body[2], "?")
        elif fn == 0x50 and len(body) >= 3:
            self._qr_store = body[3:]
        elif fn == 0x51:
            self._flush_line(force=False)
            self._emit(QrCode(self._qr_store, self._qr_model, self._qr_size, self._qr_level))

    def _fs(self, pos: int) -> int:
        self._need(pos, 2)
        cmd = self._buf[pos + 1]
        if cmd not in _FS_FIXED:
            self._problem(pos, f"unknown FS {cmd:02x}")
            return 2
        n_args = _FS_FIXED[cmd]
        self._need(pos, 2 + n_args)
        if cmd == 0x26:
            self.chinese = True
        elif cmd == 0x2E:
            self.chinese = False
        return 2 + n_args


def decode(data: bytes, chinese_mode: bool = True, gb18030: bool = False) -> Document:
    """Decode a whole job at once."""
    decoder = EscPosDecoder(chinese_mode=chinese_mode, gb18030=gb18030)
    decoder.feed(data)
    return decoder.close()
