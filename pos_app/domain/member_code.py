"""The dynamic member code (会员码) a member shows on the phone instead of a plastic card.

Head office signs (member id, time step) with its Ed25519 key; the member page shows a new
code every step (30-60 s) from a short pre-signed batch, so it keeps working without
signal. A till verifies with head office's public key alone (pos_app.domain.signing), so no
till holds anything that could mint a code. A screenshot stops working when its window
ends; a code is taken once per till per step; a member whose card status blocks them is
refused by the same card rules as a swiped card (the service checks that).

Layout, 94 bytes, sent as "MC" + RFC 4648 base32 without padding (153 characters, all in the
QR alphanumeric set and safe for keyboard-wedge scanners, which may change letter case)::

    0      version (1)
    1..8   key id (8 bytes: sha256(public key)[:8])
    9..24  member id (UUID, 16 bytes)
    25..28 time step, big-endian uint32: unix seconds // step_s
    29     step_s (seconds per step, 30..60)
    30..93 Ed25519 signature over bytes 0..29, context "member-code"
"""
from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from pos_app.domain.signing import (
    CONTEXT_MEMBER_CODE,
    KID_LEN,
    SIGNATURE_LEN,
    BadSignature,
    KeyRetired,
    TrustedKeys,
    UnknownKey,
)

VERSION = 1
PREFIX = "MC"
SIGNED_LEN = 1 + KID_LEN + 16 + 4 + 1
CODE_BYTES = SIGNED_LEN + SIGNATURE_LEN
TEXT_LEN = len(PREFIX) + (CODE_BYTES * 8 + 4) // 5
MIN_STEP_S, MAX_STEP_S = 30, 60
DEFAULT_STEP_S = 30
# How far a till's clock may be from head office's and still take a code. Tills are kept
# within this by sync (head office reports the skew on the console); beyond it the cashier
# sees "check the till's clock" rather than a silent refusal.
DEFAULT_SKEW_S = 120
SETTINGS_DOCUMENT = ("settings", "member_code")

_TEXT = re.compile(rf"^{PREFIX}[A-Z2-7]{{{TEXT_LEN - len(PREFIX)}}}$")


class Refusal(str, Enum):
    """Why a till refused a member code (the screen explains each in words)."""

    MALFORMED = "malformed"          # not a member code at all, or damaged
    FORGED = "forged"                # the signature does not verify
    UNKNOWN_KEY = "unknown_key"      # signed by a key this till does not (yet) trust
    KEY_RETIRED = "key_retired"      # signed by a key head office has retired
    EXPIRED = "expired"              # its window has passed (an old screenshot)
    NOT_YET_VALID = "not_yet_valid"  # its window has not begun (the till's clock is behind)
    REPLAYED = "replayed"            # already taken at this till in this step
    NO_KEYS = "no_keys"              # this till has not received head office's keys yet
    NEEDS_NETWORK = "needs_network"  # a numeric code, and head office cannot be reached
    BLOCKED = "blocked"              # head office says the member's card is blocked


class MemberCodeRefused(Exception):
    """A member code that identifies nobody; `reason` says why, never who."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(reason.value, detail)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class MemberCodeRules:
    """Step length and tolerated clock skew, from head office's settings document."""

    step_s: int = DEFAULT_STEP_S
    skew_s: int = DEFAULT_SKEW_S

    @classmethod
    def from_document(cls, body: dict | None) -> MemberCodeRules:
        body = body or {}
        step = int(body.get("step_s", DEFAULT_STEP_S))
        skew = int(body.get("skew_s", DEFAULT_SKEW_S))
        if not MIN_STEP_S <= step <= MAX_STEP_S or not 0 <= skew <= 600:
            raise ValueError("member code settings out of range")
        return cls(step, skew)


@dataclass(frozen=True)
class MemberCode:
    kid: str
    member_id: str
    step: int
    step_s: int
    signature: bytes

    @property
    def starts_at(self) -> int:
        """Unix second the code's window opens (head office's clock)."""
        return self.step * self.step_s

    @property
    def ends_at(self) -> int:
        return (self.step + 1) * self.step_s


NUMERIC = re.compile(r"^96\d{16}$")


def looks_like_numeric_member_code(text: str) -> bool:
    """The numeric form: 18 digits starting 96 (no EAN-13 or card number has 18 digits),
    a one-time number head office checks online (README: why not offline)."""
    return NUMERIC.match(text.strip().replace(" ", "")) is not None


def looks_like_member_code(text: str) -> bool:
    """Cheap test for input routing: a scan that is shaped like a member code."""
    t = text.strip()
    return len(t) == TEXT_LEN and _TEXT.match(t.upper()) is not None


def signed_part(kid: str, member_id: str, step: int, step_s: int) -> bytes:
    """The 30 bytes head office signs for one member and step."""
    if not MIN_STEP_S <= step_s <= MAX_STEP_S:
        raise ValueError("step_s must be 30..60")
    if not 0 <= step < 2 ** 32:
        raise ValueError("step out of range")
    kid_raw = bytes.fromhex(kid)
    if len(kid_raw) != KID_LEN:
        raise ValueError("key id must be 8 bytes")
    return (bytes([VERSION]) + kid_raw + uuid.UUID(member_id).bytes
            + step.to_bytes(4, "big") + bytes([step_s]))


def encode(signed: bytes, signature: bytes) -> str:
    if len(signed) != SIGNED_LEN or len(signature) != SIGNATURE_LEN:
        raise ValueError("wrong member code part lengths")
    return PREFIX + base64.b32encode(signed + signature).decode("ascii").rstrip("=")


def decode(text: str) -> tuple[MemberCode, bytes]:
    """The code and the exact bytes its signature covers; MemberCodeRefused(MALFORMED)."""
    t = text.strip().upper()
    if not looks_like_member_code(t):
        raise MemberCodeRefused(Refusal.MALFORMED, "shape")
    body = t[len(PREFIX):]
    try:
        raw = base64.b32decode(body + "=" * (-len(body) % 8))
    except (binascii.Error, ValueError):
        raise MemberCodeRefused(Refusal.MALFORMED, "base32") from None
    if len(raw) != CODE_BYTES or raw[0] != VERSION:
        raise MemberCodeRefused(Refusal.MALFORMED, "version")
    step_s = raw[29]
    if not MIN_STEP_S <= step_s <= MAX_STEP_S:
        raise MemberCodeRefused(Refusal.MALFORMED, "step")
    code = MemberCode(kid=raw[1:9].hex(), member_id=str(uuid.UUID(bytes=raw[9:25])),
                      step=int.from_bytes(raw[25:29], "big"), step_s=step_s,
                      signature=raw[SIGNED_LEN:])
    return code, raw[:SIGNED_LEN]


def window_check(code: MemberCode, now_unix: float, skew_s: int) -> None:
    """Accept only while the till's clock, give or take `skew_s`, is inside the code's window."""
    if now_unix < code.starts_at - skew_s:
        raise MemberCodeRefused(Refusal.NOT_YET_VALID)
    if now_unix >= code.ends_at + skew_s:
        raise MemberCodeRefused(Refusal.EXPIRED)


def verify(text: str, keys: TrustedKeys, now_unix: float, rules: MemberCodeRules) -> MemberCode:
    """Check shape, head office's signature and the time window (not replay, not the card)."""
    code, signed = decode(text)
    if not keys:
        raise MemberCodeRefused(Refusal.NO_KEYS)
    from datetime import UTC, datetime
    signed_at = datetime.fromtimestamp(code.starts_at, UTC).replace(tzinfo=None)
    try:
        keys.verify(code.kid, CONTEXT_MEMBER_CODE, signed, code.signature, signed_at=signed_at)
    except BadSignature:
        raise MemberCodeRefused(Refusal.FORGED) from None
    except UnknownKey:
        raise MemberCodeRefused(Refusal.UNKNOWN_KEY) from None
    except KeyRetired:
        raise MemberCodeRefused(Refusal.KEY_RETIRED) from None
    window_check(code, now_unix, rules.skew_s)
    return code


def steps_from(now_unix: int, step_s: int, count: int) -> Iterable[int]:
    """The current step and the next count-1 (what the page's offline batch covers)."""
    first = now_unix // step_s
    return range(first, first + count)
