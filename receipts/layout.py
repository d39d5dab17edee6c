"""Receipt layout by printed width: a GBK character takes 2 columns, ASCII 1.

The width that matters is the printer's: a 2-byte GBK character prints 24 dots, two
Font A columns, whatever Unicode says. `unicodedata.east_asian_width` agrees for W/F
characters (hanzi, full-width forms) but calls '×', '·', '—' "ambiguous", and those
print double width too, so we count encoded bytes (reference/hardware-protocols.md §4.3).
"""
from __future__ import annotations

import re
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
# A hanzi the printer has no glyph for (outside GBK, e.g. 𠮷 or 㐀 on a GBK-only printer)
# prints as one white square: it keeps the text's length and layout and reads as "a
# character is missing", where '?' looks like part of the text.
MISSING_HANZI = "□"


def _gbk_width(ch: str) -> int | None:
    """1 or 2 if `ch` is ASCII or 2-byte GBK, else None."""
    if ch < " " or ch == "\x7f":
        return None
    if ch < "\x80":
        return 1
    try:
        encoded = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return 2 if len(encoded) == 2 else None


def _printable_width(ch: str, gb18030: bool) -> int | None:
    """1 or 2 if the printer can print `ch` in Chinese mode, else None.

    With gb18030, 4-byte GB18030 characters (CJK extensions, rare surnames) print too,
    as one 24-dot glyph: two columns."""
    width = _gbk_width(ch)
    if width is not None or not gb18030 or ch < "\x80":
        return width
    try:
        ch.encode("gb18030")
    except UnicodeEncodeError:
        return None
    return 2 if unicodedata.east_asian_width(ch) in "WF" else None


def _is_hanzi(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF" and unicodedata.category(ch) == "Lo"


def clean(text: str, chinese_mode: bool = True, gb18030: bool = False) -> str:
    """Text the printer can print: known look-alikes swapped, anything else unprintable
    replaced ('□' for a hanzi the printer has no glyph for, '?' for the rest).

    Control characters never pass (a product name must not smuggle in a command); a
    newline is a control character too: split multi-line text before cleaning it.
    Without Chinese mode only ASCII survives.
    """
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    for ch in text:
        ch = _REPLACEMENTS.get(ch, ch) if chinese_mode else _ASCII_REPLACEMENTS.get(
            ch, _REPLACEMENTS.get(ch, ch))
        for c in ch:
            width = _printable_width(c, gb18030) if chinese_mode else _gbk_width(c)
            if width is None or (width == 2 and not chinese_mode):
                out.append(MISSING_HANZI if chinese_mode and _is_hanzi(c) else REPLACEMENT_CHAR)
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


# Line-breaking rules for receipts (after the Chinese typesetting rules of JIS X 4051 /
# W3C "Requirements for Chinese Text Layout" §3.1.7): closing punctuation never starts a
# line, opening punctuation never ends one, and a quantity stays with its unit
# ("330ml×2", "4罐", "2.5kg") so a cashier never reads half a number.
_CLOSING = frozenset(")]}）】」』》〉〕，。、；：！？,.;:!?%％…·")
_OPENING = frozenset("([{（【「『《〈〔")
# Measure words and units that follow a number on product names.
_MEASURE = frozenset("个只支瓶罐听包袋盒箱片粒颗条块张卷件双套份杯碗斤两克升米枚台本根把束桶提板组对")
_NUMBER_UNIT = re.compile(r"[×xX*]?\d+(?:[.,]\d+)*(?:[A-Za-z]+|%|％)?(?:[×xX*]\d+(?:[.,]\d+)*(?:[A-Za-z]+)?)*")
_ASCII_WORD = re.compile(r"[!-~]+")


def _units(text: str) -> list[str]:
    """Text cut into the pieces a line may not break inside; spaces are pieces of their own."""
    units: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            units.append(" ")
            i += 1
            continue
        match = _NUMBER_UNIT.match(text, i) if (ch.isdigit() or ch in "×*") else None
        if match is not None and any(c.isdigit() for c in match.group()):
            end = match.end()
            if end < n and text[end] in _MEASURE:
                end += 1
        elif ch < "\x80" and ch not in _OPENING and ch not in _CLOSING:
            end = i + 1
            while end < n and "!" <= text[end] <= "~" and text[end] not in _OPENING \
                    and text[end] not in _CLOSING:
                end += 1
            # A number glued to a Latin word ("Cola330ml") is part of the word.
        else:
            end = i + 1
        units.append(text[i:end])
        i = end
    # Punctuation joins its neighbour: closing to the piece before, opening to the piece after.
    joined: list[str] = []
    carry = ""
    for unit in units:
        if unit[0] in _CLOSING and len(unit) == 1 and joined and joined[-1] != " " and not carry:
            joined[-1] += unit
        elif unit in _OPENING or (len(unit) == 1 and unit in _OPENING):
            carry += unit
        else:
            joined.append(carry + unit)
            carry = ""
    if carry:
        joined.append(carry)
    return joined


def wrap(text: str, width: int) -> list[str]:
    """Wrap to lines of at most `width` columns at the breaks Chinese typesetting allows.

    Chinese has no spaces and may break between any two characters, except before closing
    or after opening punctuation; a Latin word and a number with its unit are kept together
    unless one alone is wider than a line. A space in the second half of a Chinese line is
    preferred as the break (a shop name and its branch stay apart).
    """
    if width < 2:
        raise ValueError("width must be at least 2 (one hanzi)")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        paragraph = paragraph.rstrip()
        if not paragraph:
            lines.append("")
            continue
        # A leading indent (a discount under its line) stays on the first line.
        indent = len(paragraph) - len(paragraph.lstrip(" "))
        if indent >= width:
            indent = 0
        line: list[str] = [" " * indent] if indent else []
        used = indent
        for unit in _units(paragraph.lstrip(" ")):
            w = text_width(unit)
            if unit == " ":
                if used and used + 1 <= width:
                    line.append(unit)
                    used += 1
                elif used:
                    lines.append("".join(line).rstrip())
                    line, used = [], 0
                continue
            if used + w <= width:
                line.append(unit)
                used += w
                continue
            if used:
                # Prefer the last space if it sits in the second half of the line.
                spaces = [k for k, u in enumerate(line) if u == " "]
                if spaces and line[-1] != " " and text_width("".join(line[:spaces[-1]])) * 2 >= width:
                    k = spaces[-1]
                    lines.append("".join(line[:k]).rstrip())
                    line = line[k + 1:]
                else:
                    lines.append("".join(line).rstrip())
                    line = []
                used = text_width("".join(line))
                if used + w <= width:
                    line.append(unit)
                    used += w
                    continue
                if line:
                    lines.append("".join(line).rstrip())
                    line, used = [], 0
            # A piece wider than a whole line: cut it at character boundaries.
            rest = unit
            while text_width(rest) > width:
                head, rest = cut_to_width(rest, width)
                lines.append(head)
            line, used = [rest], text_width(rest)
        if line:
            lines.append("".join(line).rstrip())
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
    # An indent (a discount under its line) gives way before the amount leaves the line.
    while left.startswith(" ") and text_width(left) + 1 + right_w > width:
        left = left[1:]
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
