"""Search keys kept beside the rows they find: a member's mobile's last four digits, and a
product name's pinyin initials (牛肉干 -> nrg), each in its own indexed column."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

INITIALS_MAX = 60
_pinyin: dict[str, Any] = {}


def _lazy_pinyin() -> Any:
    """pypinyin, imported on first use with its single-character dictionary only: the phrase
    dictionary costs ~45 MB and 190k objects, whose garbage-collection pauses (~100 ms) would
    break keyboard-wedge timing on the till. Initials then take each hanzi's usual reading."""
    if not _pinyin:
        os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
        from pypinyin import Style, lazy_pinyin
        _pinyin.update(fn=lazy_pinyin, style=Style.FIRST_LETTER)
    return _pinyin


def mobile_last4(mobile: str | None) -> str | None:
    """The last four digits of a mobile number (the column a cashier's "1234" finds), or None."""
    if not mobile:
        return None
    digits = "".join(ch for ch in mobile if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else None


@lru_cache(maxsize=4096)
def name_initials(name: str) -> str:
    """Lower-case first letters of each hanzi's pinyin, other letters and digits as they are
    (牛肉干 -> nrg, 农夫山泉550ml -> nfsq550ml); heteronyms take pypinyin's usual reading."""
    out: list[str] = []
    p = _lazy_pinyin()
    for part in p["fn"](name, style=p["style"], errors=lambda s: list(s)):
        for ch in part:
            if ch.isascii() and ch.isalnum():
                out.append(ch.lower())
    return "".join(out)[:INITIALS_MAX]
