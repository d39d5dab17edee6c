"""A scanner for personal data and secrets in log output (issue 18): card numbers, full mobile
numbers, PINs, keys and SMS codes.

tests/conftest.py feeds it every log record of the whole test session (all levels) and fails
the session on any hit; tests/test_log_hygiene.py runs it over the app's own log files after
an end-to-end sale, card issue and sync. UIDs may appear at DEBUG (hardware-protocols.md,
ARCHITECTURE §7); card numbers, mobiles, PINs, keys and SMS codes never.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Loggers of HTTP client libraries: in the test process they trace the *tests'* own requests
# (a browser test searching the console by mobile); the till's log file keeps them at
# WARNING (ui/main.py setup_logging), so below that they are not product log output.
LIBRARY_REQUEST_LOGGERS = ("httpx", "httpcore", "urllib3", "hpack", "asyncio")

# Mainland mobile numbers: 11 digits from 13x to 19x, not part of a longer digit run.
_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
# The member card numbers this project issues and its tests use: 88 + 10 digits (demo and
# import), and "card ... <number>" written out. (A bare 13-19 digit run is not taken as a
# card number: fuzzed event ids that head office logs when it refuses them look the same.)
_CARD = re.compile(r"(?<![0-9A-Za-z])88[0-9]{10}(?![0-9A-Za-z])")
_CARD_FIELD = re.compile(r"(?i)\bcard(?:[ _-]?(?:no|number|num))?\b['\"]?\s*[:=]\s*['\"]?([0-9A-Za-z]{4,40})")
_PIN = re.compile(r"(?i)\bpin\b['\"]?\s*[:=]\s*['\"]?([0-9]{4,8})\b")
_SMS = re.compile(r"(?i)(?:sms[ _-]?code|verification[ _-]?code|验证码|otp)['\"]?\s*[:=：]?\s*['\"]?([0-9]{4,8})\b")
# Keys: long hex (a raw 128-bit key or more; UUIDs are dashed and never match), the head
# office API key format, PEM blocks, and Mifare sector keys written as key=...
_HEX_KEY = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{32,}(?![0-9A-Fa-f])")
_API_KEY = re.compile(r"\bhq_[A-Za-z0-9_-]{20,}")
_PEM = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_KEY_FIELD = re.compile(r"(?i)\b(?:[a-z_]*key|secret|password|passphrase)\b['\"]?\s*[:=]\s*['\"]?([0-9A-Za-z+/=_-]{12,})")


@dataclass(frozen=True)
class Hit:
    kind: str
    text: str
    where: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.text!r} in {self.where}"


def _redact(value: str) -> str:
    # The report itself must not become a leak: show the shape, not the value.
    return value[:2] + "…" + value[-2:] if len(value) > 6 else "…"


def scan(text: str, where: str = "", *, card_numbers: bool = True) -> list[Hit]:
    """Every suspicious value in `text`, redacted; an empty list when it is clean."""
    hits: list[Hit] = []
    for kind, pattern, group in (("mobile", _MOBILE, 0), ("pin", _PIN, 1), ("sms code", _SMS, 1),
                                 ("key", _HEX_KEY, 0), ("api key", _API_KEY, 0),
                                 ("private key", _PEM, 0), ("key", _KEY_FIELD, 1)):
        for m in pattern.finditer(text):
            hits.append(Hit(kind, _redact(m.group(group)), where))
    if card_numbers:
        for m in _CARD.finditer(text):
            if not _MOBILE.fullmatch(m.group(0)):
                hits.append(Hit("card number", _redact(m.group(0)), where))
        for m in _CARD_FIELD.finditer(text):
            if any(ch.isdigit() for ch in m.group(1)):
                hits.append(Hit("card number", _redact(m.group(1)), where))
    return hits
