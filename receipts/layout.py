"""Receipt layout by printed width: a GBK character takes 2 columns, ASCII 1.

The width that matters is the printer's: a 2-byte GBK character prints 24 dots, two
Font A columns, whatever Unicode says. `unicodedata.east_asian_width` agrees for W/F
characters (hanzi, full-width forms) but calls '×', '·', '—' "ambiguous", and those
print double width too, so we count encoded bytes (reference/hardware-protocols.md §4.3).
"""
from __future__ import annotations

import unicodedata

# Characters that look right on screen but are not 2-byte GBK: the yen sign is 4-byte
# GB18030 and prints as garbage ("0 6", node-escpos #332), the bullet and tick are not
# in GBK at all (reference §4.3).
_REPLACEMENTS = {
    "¥": "￥",
    "•": "·",
    "✓": "√",
    "✔": "√",
    "€": "EUR",
    "\t": " ",
    "\u00a0": " ",
    "\u3000": "  ",  # ideographic space: same width, but keep layout simple ASCII
    "–": "-",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
}
# Without Chinese mode only ASCII prints; the currency sign must survive as something.
_ASCII_REPLACEMENTS = {"￥": "RMB", "¥": "RMB", "×": "x", "·": "."}
REPLACEMENT_CHAR = "?"


def _gbk_width(ch: str) -> int | None:
    """1 or 2 if the printer can print `ch` in Chinese mode, else None."""
    if ch < " " or ch == "\x7f":
        return None
    if ch < "\x80":
        return 1
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return 2 if len(encoded) == 2 else None


def clean(text: str, chinese_mode: bool = True) -> str:
    """Text the printer can print: known look-alikes swapped, anything else unprintable -> '?'.

    Control characters never pass (a product name must not smuggle in a command).
    Without Chinese mode only ASCII survives.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch) if chinese_mode else _ASCII_REPLACEMENTS.get(
            ch, _REPLACEMENTS.get(ch, ch))
        for c in ch:
            width = _gbk_width(c)
            if width is None or (width == 2 and not chinese_mode):
                out.append(REPLACEMENT_CHAR)
            else:
                out.append(c)
    return "".join(out)


def char_width(ch: str) -> int:
    """Printed columns of one (clean) character."""
    return 1 if ch < "\x80" else 2


def text_width(text: str) -> int:
    """Printed columns of a (clean) string: its GBK byte count."""
    return sum(1 if ch < "\x80" else 2 for ch in text)


def cut_to_width(text: str, width: int) -> tuple[str, str]:
    """Split into the longest head that fits `width` and the rest; never splits a character."""
    used = 0
    for i, ch in enumerate(text):
        w = char_width(ch)
        if used + w > width:
            return text[:i], text[i:]
        used += w
    return text, ""


def wrap(text: str, width: int) -> list[str]:
    """Wrap to lines of at most `width` columns; ASCII words move whole when they can.

    Chinese has no spaces and may break between any two characters; a Latin word is kept
    together unless it alone is wider than a line.
    """
    if width < 2:
        raise ValueError("width must be at least 2 (one hanzi)")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        rest = paragraph.rstrip()
        if not rest:
            lines.append("")
            continue
        while rest:
            head, tail = cut_to_width(rest, width)
            if tail and tail[0] != " ":
                space = head.rfind(" ")
                # Break at a space inside a Latin word always; in Chinese text only when
                # the space is in the second half (a shop name and its branch stay apart).
                in_word = _is_word_char(head[-1]) and _is_word_char(tail[0])
                if space > 0 and (in_word or text_width(head[:space]) * 2 >= width):
                    head, tail = head[:space], head[space + 1:] + tail
            lines.append(head.rstrip())
            rest = tail.lstrip(" ")
    return lines


def _is_word_char(ch: str) -> bool:
    return ch < "\x80" and ch != " "


def pad_right(text: str, width: int) -> str:
    return text + " " * max(width - text_width(text), 0)


def pad_left(text: str, width: int) -> str:
    return " " * max(width - text_width(text), 0) + text


def center(text: str, width: int) -> str:
    """Centred by padding with spaces (left gets the smaller half); cut if too wide."""
    text, _ = cut_to_width(text, width)
    gap = width - text_width(text)
    return " " * (gap // 2) + text


def left_right(left: str, right: str, width: int) -> list[str]:
    """`left` flush left and `right` flush right on one line; the left side wraps if needed.

    The right text always ends the last line and is never broken (an amount stays whole);
    if it can't share a line with the left text it gets its own.
    """
    left, right = left.rstrip(), right.strip()
    right_w = text_width(right)
    if right_w > width:
        return wrap(left, width) + wrap(right, width)
    if text_width(left) + 1 + right_w <= width or not left:
        return [left + " " * (width - text_width(left) - right_w) + right]
    wrapped = wrap(left, width)
    last = wrapped[-1]
    if text_width(last) + 1 + right_w <= width:
        return wrapped[:-1] + [last + " " * (width - text_width(last) - right_w) + right]
    return wrapped + [pad_left(right, width)]


def columns(cells: list[tuple[str, int, str]], width: int) -> str:
    """One line of fixed columns: (text, column width, 'l'|'r'); the last cell takes the rest."""
    out: list[str] = []
    used = 0
    for i, (text, col, how) in enumerate(cells):
        col = width - used if i == len(cells) - 1 else col
        text, _ = cut_to_width(text, col)
        out.append(pad_left(text, col) if how == "r" else pad_right(text, col))
        used += col
    return "".join(out).rstrip()


def separator(width: int, char: str = "-") -> str:
    """A rule across the line; a 2-column char ('═', '—') is repeated half as often."""
    return char * (width // char_width(char))
