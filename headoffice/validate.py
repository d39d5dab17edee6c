"""Checks on one pushed event before head office applies it (hostile or broken input).

A check that fails refuses that event alone, with a reason the till shows a person; the
rest of the batch goes on. Nothing here touches the database, so the same event always
gets the same answer (a replayed refusal is the same refusal).
"""
from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from pos_app.sync.events import canonical_json

# Fen and points: far inside int64 and far beyond any real sale (¥10 billion).
MAX_AMOUNT = 10 ** 12
MAX_PAYLOAD_CHARS = 64 * 1024        # one event; a batch is limited by the body size
MAX_DEPTH = 12
HLC_RE = re.compile(r"^[0-9]{15}:[0-9]{6}$")
# An HLC stamp this far ahead of head office's clock would win every later edit.
HLC_MAX_AHEAD_MS = 7 * 24 * 3600 * 1000
MONTH_RE = re.compile(r"^([0-9]{4})-([0-9]{2})$")


class Invalid(Exception):
    """A refusal reason (short, stable: the till keys its message on it) and a detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _walk(value: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise Invalid("malformed", f"{path}: nested too deep")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if not -MAX_AMOUNT <= value <= MAX_AMOUNT:
            raise Invalid("number_out_of_range", f"{path}: beyond ±{MAX_AMOUNT}")
        return
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) > MAX_AMOUNT:
            raise Invalid("number_out_of_range", f"{path}: not a finite number in range")
        return
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, f"{path}.{k}", depth + 1)
        return
    if isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, f"{path}[{i}]", depth + 1)
        return
    raise Invalid("malformed", f"{path}: unexpected {type(value).__name__}")


def _plain(value: Any) -> bool:
    """True if `value` passes _walk: the quick look (no paths built) every event gets."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        t = type(v)
        if t is str or v is None or t is bool:
            continue
        if t is int:
            if not -MAX_AMOUNT <= v <= MAX_AMOUNT:
                return False
        elif t is dict:
            stack.extend((x, depth + 1) for x in v.values())
        elif t is list:
            stack.extend((x, depth + 1) for x in v)
        else:
            return False     # floats and anything else: _walk judges them
    return True


def check_hlc(stamp: Any, now: datetime) -> None:
    """A member-edit clock stamp: the fixed-width text form and not far in the future."""
    if not isinstance(stamp, str) or not HLC_RE.match(stamp):
        raise Invalid("bad_hlc", "hlc must look like 000001764300000000:000000 (ms:counter)")
    wall_ms = int(stamp[:15])
    now_ms = int((now - datetime(1970, 1, 1)).total_seconds() * 1000)
    if wall_ms > now_ms + HLC_MAX_AHEAD_MS:
        raise Invalid("bad_hlc", "hlc is more than 7 days ahead of head office's clock")


def check_event(kind: str, payload: Any, payload_text: str | None, now: datetime) -> None:
    """Raise Invalid if this event must be refused before it is applied."""
    if not isinstance(payload, dict):
        raise Invalid("malformed", "payload must be an object")
    text = payload_text if payload_text is not None else canonical_json(payload)
    if len(text) > MAX_PAYLOAD_CHARS:
        raise Invalid("payload_too_large", f"payload over {MAX_PAYLOAD_CHARS} characters")
    if not _plain(payload):
        _walk(payload, "payload", 0)     # again, to say where
    if kind == "member.updated" and payload.get("hlc") not in (None, ""):
        check_hlc(payload["hlc"], now)


def parse_month(period: str) -> str:
    """'YYYY-MM' with a real month (01-12), else ValueError saying what is expected."""
    m = MONTH_RE.match(period.strip()) if isinstance(period, str) else None
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 2000:
        raise ValueError(f"not a month: {period!r} (expected YYYY-MM, e.g. 2026-11)")
    return f"{m.group(1)}-{m.group(2)}"
