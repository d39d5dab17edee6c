"""Who is selling: the shop header that receipts print, and the till."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShopInfo:
    code: str
    name: str
    address: str = ""
    phone: str = ""
    receipt_footer: str = ""


@dataclass(frozen=True)
class TillInfo:
    code: str
    name: str = ""
