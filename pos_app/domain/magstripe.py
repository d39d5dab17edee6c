"""Magnetic-stripe track text (ISO/IEC 7811/7813 tracks 1-2, ISO 4909 track 3) as readers deliver it.

Pure functions over the decoded ASCII a reader sends (keyboard wedge, MagTek
RS-232, MSR605 ISO read); readers check the LRC and never send it, so neither
do we (docs/reference/hardware-protocols.md §1.1). Track contents are card
data: nothing here logs them, and errors describe a problem without quoting it.
"""
from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.errors import PosError

__all__ = [
    "CardNumberRule",
    "CardNumberUnavailable",
    "Swipe",
    "Track",
    "TrackParseError",
    "card_number",
    "fold_ime_punctuation",
    "parse_swipe",
    "parse_track",
]


class TrackParseError(PosError):
    """Swipe text that is not valid track data; reason says why, never what the card holds."""

    def __init__(self, reason: str, track: int | None = None) -> None:
        super().__init__(reason, track)
        self.reason = reason
        self.track = track

    def __str__(self) -> str:
        where = f"track {self.track}: " if self.track is not None else ""
        return where + self.reason


class CardNumberUnavailable(TrackParseError):
    """The swipe parsed but the track or field the card-number rule names is missing or unreadable."""


# Sentinels and separators (ISO/IEC 7813 §; reference §1.1). Track 3 uses ';'
# on the stripe, but MagTek readers *output* '+' for it so a host can tell the
# tracks apart (MagTek RS-232 manual; reference §1.2). MagTek's full-size
# port-powered reader manual (table 3-1) also lists '#' (AAMVA) and '!' (CDL
# driving-licence) as track-3 start sentinels, and the 3-track RS-232 swipe
# reader manual (figure 3-1) names '!', ';' or 'B' as alternatives to '+'.
_START_SENTINELS = {"%": 1, ";": 2, "+": 3, "#": 3, "!": 3}
# 'B' starts track 3 only after another track: first in a swipe it is far
# more likely a track-1 format code whose '%' was lost.
_LATE_TRACK3_SENTINELS = frozenset("B")
_END_SENTINEL = "?"
_SEPARATORS = {1: "^", 2: "=", 3: "="}
# Data characters per track, sentinels excluded (ISO 7811-2 character sets:
# track 1 is 6-bit ASCII 0x20-0x5F, tracks 2/3 are 4-bit BCD 0x30-0x3F).
_TRACK1_CHARS = frozenset(chr(c) for c in range(0x20, 0x60)) - {"%", "?"}
_BCD_CHARS = frozenset("0123456789:<=>")
_CHARSETS = {1: _TRACK1_CHARS, 2: _BCD_CHARS, 3: _BCD_CHARS}
# Max data characters between the sentinels (79/40/107 incl. SS, ES, LRC;
# reference §1.1).
_MAX_DATA = {1: 76, 2: 37, 3: 104}
# A reader that could not decode a track sends SS 'E' ES: '%E?', ';E?', '+E?'
# (MagTek RS-232 manual; Elo support article, reference §1.2).
_ERROR_MARK = "E"

# A Chinese IME in Chinese-punctuation mode turns Shift+6 ('^') into a
# six-dot ellipsis and Shift+4 ('$') into the yuan sign, and types the
# full-width forms U+FF01-FF5E for the rest of ASCII (reference §1.2).
_IME_SEQUENCES = (("\u2026\u2026", "^"), ("\u2026", "^"), ("\uffe5", "$"), ("\u3000", " "))
_FULLWIDTH_FIRST, _FULLWIDTH_LAST, _FULLWIDTH_OFFSET = 0xFF01, 0xFF5E, 0xFEE0


def fold_ime_punctuation(text: str) -> str:
    """Return text with a Chinese IME's full-width punctuation folded back to the ASCII a reader typed."""
    for seq, ascii_char in _IME_SEQUENCES:
        text = text.replace(seq, ascii_char)
    return "".join(
        chr(ord(ch) - _FULLWIDTH_OFFSET) if _FULLWIDTH_FIRST <= ord(ch) <= _FULLWIDTH_LAST else ch
        for ch in text
    )


@dataclass(frozen=True)
class Track:
    """One decoded track: its number (1-3) and the data between its sentinels."""

    number: int
    data: str

    @property
    def fields(self) -> tuple[str, ...]:
        """The data split at the track's field separator ('^' on track 1, '=' on tracks 2 and 3)."""
        return tuple(self.data.split(_SEPARATORS[self.number]))

    def __repr__(self) -> str:
        # Track data is card data: keep it out of reprs that end up in logs and tracebacks.
        return f"Track(number={self.number}, length={len(self.data)})"


@dataclass(frozen=True)
class Swipe:
    """One card swipe: the tracks that were read and the track numbers the reader reported as unreadable."""

    tracks: tuple[Track, ...]
    errors: tuple[int, ...] = ()

    def track(self, number: int) -> Track | None:
        """The track with this number, or None if it was missing or unreadable."""
        for track in self.tracks:
            if track.number == number:
                return track
        return None

    def __repr__(self) -> str:
        lengths = ", ".join(f"{t.number}:{len(t.data)}" for t in self.tracks)
        return f"Swipe(tracks=[{lengths}], errors={list(self.errors)})"


@dataclass(frozen=True)
class CardNumberRule:
    """Where a shop's member card keeps its number: track, field, and an optional slice within the field.

    Chinese member cards usually carry the number alone on track 2
    (``;12345678?``) or before the first separator (``;123=456?``): the default
    ``CardNumberRule(track=2, field=0)`` covers both. For a track-1 format-B
    card use ``CardNumberRule(track=1, field=0, start=1)`` to drop the 'B'.
    """

    track: int = 2
    field: int = 0
    start: int = 0
    length: int | None = None

    def __post_init__(self) -> None:
        if self.track not in (1, 2, 3):
            raise ValueError(f"track must be 1, 2 or 3, not {self.track}")
        if self.field < 0 or self.start < 0 or (self.length is not None and self.length <= 0):
            raise ValueError("field and start must be >= 0 and length > 0")


def parse_track(number: int, text: str) -> Track | None:
    """Parse one track's text, with or without its sentinels; None if the reader marked it unreadable ('E').

    Used where the transport already says which track this is (MSR605 ISO read
    frames carry the track number; their track 3 starts with ';', reference §1.4).
    Raises TrackParseError for text that cannot be that track.
    """
    if number not in _CHARSETS:
        raise TrackParseError(f"no such track {number}")
    body = fold_ime_punctuation(text).strip("\r\n")
    if body[:1] in "%;+" or (number == 3 and body[:1] in _START_SENTINELS):
        body = body[1:]
        if not body.endswith(_END_SENTINEL):
            raise TrackParseError("no end sentinel", number)
        body = body[:-1]
    elif body.endswith(_END_SENTINEL):
        raise TrackParseError("end sentinel without start sentinel", number)
    return _decode(number, body)


def _decode(number: int, body: str) -> Track | None:
    if body == _ERROR_MARK:
        return None
    if number == 1:
        # Track 1 has no lower case; lower case means Caps Lock inverted a wedge reader's Shift.
        body = body.upper()
    if not body:
        raise TrackParseError("empty track", number)
    if len(body) > _MAX_DATA[number]:
        raise TrackParseError(f"{len(body)} characters, more than the {_MAX_DATA[number]} the track holds", number)
    bad = sum(1 for ch in body if ch not in _CHARSETS[number])
    if bad:
        raise TrackParseError(f"{bad} character(s) outside the track's character set", number)
    return Track(number, body)


def parse_swipe(text: str) -> Swipe:
    """Parse what a reader sends for one swipe ('%…?;…?+…?' with optional CR/LF) into a Swipe.

    Accepts missing tracks, 'E' error tracks, track-2-only member cards,
    a second ';' block as track 3 (readers that keep the ISO 4909 sentinel),
    MagTek's other track-3 sentinels ('#' AAMVA, '!' CDL, 'B' after another track),
    CR/LF/CRLF terminators and a Chinese IME's full-width punctuation.
    Raises TrackParseError if nothing in the text is a track or any part is malformed.
    """
    folded = fold_ime_punctuation(text)
    tracks: list[Track] = []
    errors: list[int] = []
    seen: set[int] = set()
    i, n = 0, len(folded)
    while i < n:
        ch = folded[i]
        if ch in "\r\n":
            # Terminators, and CR/LF some readers put between tracks.
            i += 1
            continue
        if ch in _LATE_TRACK3_SENTINELS and seen and 3 not in seen:
            number = 3
        elif ch not in _START_SENTINELS:
            raise TrackParseError(f"unexpected character at position {i}, expected a start sentinel")
        else:
            number = _START_SENTINELS[ch]
        if number == 2 and (2 in seen or 3 in seen):
            number = 3
        if number in seen:
            raise TrackParseError("track appears twice", number)
        end = folded.find(_END_SENTINEL, i + 1)
        if end < 0:
            raise TrackParseError("no end sentinel", number)
        seen.add(number)
        track = _decode(number, folded[i + 1 : end])
        if track is None:
            errors.append(number)
        else:
            tracks.append(track)
        i = end + 1
    if not seen:
        raise TrackParseError("no track data")
    return Swipe(tuple(tracks), tuple(errors))


def card_number(swipe: Swipe, rule: CardNumberRule) -> str:
    """The member card number the rule points at; raises CardNumberUnavailable if that track or field is absent."""
    track = swipe.track(rule.track)
    if track is None:
        reason = "reader could not read the track" if rule.track in swipe.errors else "track missing"
        raise CardNumberUnavailable(reason, rule.track)
    fields = track.fields
    if rule.field >= len(fields):
        raise CardNumberUnavailable(f"track has {len(fields)} field(s), rule wants field {rule.field}", rule.track)
    value = fields[rule.field][rule.start :]
    if rule.length is not None:
        value = value[: rule.length]
    if not value:
        raise CardNumberUnavailable("the card-number field is empty", rule.track)
    return value
