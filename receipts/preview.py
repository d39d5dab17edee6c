"""Turn an ESC/POS job back into display lines: the cashier app's "last receipt" preview.

A small interpreter of the commands receipts/escpos.py emits (and the common others,
skipped by their Epson-reference lengths); it never raises on odd input.
"""
from __future__ import annotations

from dataclasses import dataclass

from receipts.layout import text_width


@dataclass(frozen=True)
class PreviewLine:
    """One printed line; kind 'text', or 'qr' / 'barcode' / 'image' / 'cut' / 'pulse'."""

    text: str
    kind: str = "text"
    width: int = 1
    height: int = 1
    align: str = "left"
    bold: bool = False


_ALIGN = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# Parameter bytes after ESC x / GS x / FS x for fixed-length commands we only skip.
_ESC_ARGS = {ord(c): n for c, n in [("!", 1), ("-", 1), ("J", 1), ("t", 1), ("R", 1),
                                    ("2", 0), ("3", 1), ("M", 1), ("G", 1), ("{", 1),
                                    ("V", 1), (" ", 1), ("$", 2), ("\\", 2), ("=", 1),
                                    ("i", 0), ("m", 0), ("c", 2), ("U", 1), ("r", 1)]}
_GS_ARGS = {ord(c): n for c, n in [("h", 1), ("w", 1), ("H", 1), ("f", 1), ("B", 1),
                                   ("L", 2), ("W", 2), ("r", 1), ("a", 1), ("I", 1),
                                   ("/", 1), ("b", 1), ("$", 2), ("\\", 2), ("P", 2)]}
_FS_ARGS = {ord(c): n for c, n in [("!", 1), ("C", 1), ("-", 1), ("S", 2), ("W", 1),
                                   ("p", 2)]}


def preview_lines(data: bytes, chinese_mode: bool = True) -> list[PreviewLine]:
    """The job as lines with their size/alignment, plus QR/cut/pulse markers."""
    out: list[PreviewLine] = []
    chars: list[str] = []
    width = height = 1
    align = "left"
    bold = False
    line_fmt: tuple[int, int, str, bool] | None = None
    qr_data = b""
    i, n = 0, len(data)

    def flush(force: bool = True) -> None:
        nonlocal chars, line_fmt
        if chars or force:
            w, h, a, b = line_fmt or (width, height, align, bold)
            out.append(PreviewLine("".join(chars), "text", w, h, a, b))
        chars, line_fmt = [], None

    def put(ch: str) -> None:
        nonlocal line_fmt
        if line_fmt is None:
            line_fmt = (width, height, align, bold)
        chars.append(ch)

    while i < n:
        b = data[i]
        rest = n - i
        if b == 0x0A:
            flush()
            i += 1
        elif b == 0x1B and rest >= 2:
            c = data[i + 1]
            if c == 0x40:
                flush(False)
                width = height = 1
                align, bold = "left", False
                i += 2
            elif c in (0x45, 0x61, 0x64) and rest >= 3:
                arg = data[i + 2]
                if c == 0x45:
                    bold = bool(arg & 1)
                elif c == 0x61:
                    align = _ALIGN.get(arg, align)
                else:
                    flush(False)
                i += 3
            elif c == 0x70 and rest >= 5:
                out.append(PreviewLine(f"[drawer pin {data[i + 2] & 1}]", "pulse"))
                i += 5
            elif c in _ESC_ARGS:
                i += 2 + _ESC_ARGS[c]
            else:
                i += 2
        elif b == 0x1D and rest >= 2:
            c = data[i + 1]
            if c == 0x21 and rest >= 3:
                width, height = (data[i + 2] >> 4) + 1, (data[i + 2] & 0x0F) + 1
                i += 3
            elif c == 0x56 and rest >= 3:
                flush(False)
                out.append(PreviewLine("", "cut"))
                i += 4 if data[i + 2] in (65, 66, 97, 98, 103, 104) else 3
            elif c == 0x28 and rest >= 5:
                size = data[i + 3] | data[i + 4] << 8
                body = data[i + 5:i + 5 + size]
                if data[i + 2] == 0x6B and body[:2] == b"\x31\x50":
                    qr_data = body[3:]
                elif data[i + 2] == 0x6B and body[:2] == b"\x31\x51":
                    flush(False)
                    out.append(PreviewLine(qr_data.decode("utf-8", "replace"), "qr",
                                           align=align))
                i += 5 + size
            elif c == 0x6B and rest >= 4:
                m = data[i + 2]
                if m >= 65:
                    length = data[i + 3]
                    code = data[i + 4:i + 4 + length].decode("ascii", "replace")
                    out.append(PreviewLine(code.removeprefix("{B"), "barcode", align=align))
                    i += 4 + length
                else:
                    end = data.find(b"\x00", i + 3)
                    i = n if end < 0 else end + 1
            elif c == 0x76 and rest >= 8:
                x = data[i + 4] | data[i + 5] << 8
                y = data[i + 6] | data[i + 7] << 8
                flush(False)
                out.append(PreviewLine(f"[image {x * 8}x{y}]", "image", align=align))
                i += 8 + x * y
            elif c in _GS_ARGS:
                i += 2 + _GS_ARGS[c]
            else:
                i += 2
        elif b == 0x1C and rest >= 2:
            c = data[i + 1]
            if c == 0x26:
                chinese_mode = True
            elif c == 0x2E:
                chinese_mode = False
            i += 2 + _FS_ARGS.get(c, 0)
        elif b == 0x10 and rest >= 3:
            i += 5 if data[i + 1] == 0x14 else 3
        elif b < 0x20 or b == 0x7F:
            i += 1
        elif b < 0x80:
            put(chr(b))
            i += 1
        elif chinese_mode and rest >= 2:
            put(data[i:i + 2].decode("gbk", "replace")[:1])
            i += 2
        else:
            put("?")
            i += 1
    flush(False)
    return out


def preview_text(data: bytes, columns: int) -> list[str]:
    """Plain monospaced lines for a text view: alignment applied, markers for QR and cut.

    Double-width text keeps its characters (a screen can't print them wider), but is
    aligned as if it took its printed width.
    """
    out: list[str] = []
    for line in preview_lines(data):
        if line.kind == "cut":
            out.append("- " * (columns // 2))
            continue
        text = line.text if line.kind == "text" else f"[{line.kind.upper()}: {line.text}]"
        printed = text_width(text) * (line.width if line.kind == "text" else 1)
        gap = max(columns - printed, 0)
        pad = gap // 2 if line.align == "center" else gap if line.align == "right" else 0
        out.append((" " * pad + text).rstrip())
    return out
