"""Money is an integer count of fen (0.01 yuan) everywhere; rates are basis points."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from pos_app.domain.errors import InvalidAmount

BP_ONE = 10_000  # 100% in basis points: 8.8折 is 8_800, 8折 is 8_000

# A sane upper bound for one amount: ¥100,000,000. Anything larger is a typo
# or an attack and would overflow SQLite's INTEGER if multiplied further.
MAX_AMOUNT_FEN = 100_000_000_00

_YUAN_RE = re.compile(r"^\s*[¥￥]?\s*(-?\d{1,12})(?:\.(\d{1,2}))?\s*$")


def parse_yuan(text: str) -> int:
    """Parse a yuan amount like '12.50' or '￥3' into fen; raise InvalidAmount otherwise."""
    match = _YUAN_RE.match(text or "")
    if not match:
        raise InvalidAmount(text)
    whole, frac = match.group(1), (match.group(2) or "").ljust(2, "0")
    negative = whole.startswith("-")
    fen = abs(int(whole)) * 100 + int(frac)
    fen = -fen if negative else fen
    if abs(fen) > MAX_AMOUNT_FEN:
        raise InvalidAmount(text)
    return fen


def parse_rate(text: str) -> int:
    """Parse a discount rate like '0.8' or '0.88' (pay 80%/88%) into basis points."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise InvalidAmount(str(text)) from None
    if not (Decimal(0) < value <= Decimal(1)):
        raise InvalidAmount(str(text))
    bp = value * BP_ONE
    if bp != bp.to_integral_value():
        raise InvalidAmount(str(text))
    return int(bp)


def mul_rate(fen: int, *rates_bp: int) -> int:
    """Multiply an amount by one or more rates and round half-up to the fen once."""
    numerator = fen
    denominator = 1
    for rate in rates_bp:
        numerator *= rate
        denominator *= BP_ONE
    return round_half_up(numerator, denominator)


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (commercial rounding)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return sign * q


def format_yuan(fen: int) -> str:
    """Format fen as a yuan amount with two decimals ('70.40'); no currency sign."""
    sign = "-" if fen < 0 else ""
    whole, frac = divmod(abs(fen), 100)
    return f"{sign}{whole}.{frac:02d}"


def format_zhe(rate_bp: int) -> str:
    """Chinese discount notation: 8_800 -> '8.8', 8_000 -> '8', 9_500 -> '9.5'."""
    tenths = Decimal(rate_bp) / Decimal(1000)
    text = format(tenths.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), "f")
    return text
