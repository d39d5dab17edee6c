"""Products as the till prices them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class ProductKind(StrEnum):
    REGULAR = "regular"    # 正价: member discount applies
    SPECIAL = "special"    # 特价: no member discount, earns points
    EXCLUDED = "excluded"  # top-ups, gift cards: no discount, no points


@dataclass(frozen=True)
class Product:
    id: str
    sku: str
    name: str
    price_fen: int
    kind: ProductKind = ProductKind.REGULAR
    points_eligible: bool = True
    barcode: str | None = None
    category: str = ""
    promo_rate_bp: int | None = None
    promo_start: date | None = None
    promo_end: date | None = None
    pass_uses: int | None = None        # a count pass (计次卡) of this many uses
    pass_valid_days: int | None = None

    def promotion_on(self, day: date) -> int | None:
        """The promotion rate in force on a day, or None."""
        if self.promo_rate_bp is None or self.kind is not ProductKind.REGULAR:
            return None
        if self.promo_start is not None and day < self.promo_start:
            return None
        if self.promo_end is not None and day > self.promo_end:
            return None
        return self.promo_rate_bp

    @property
    def earns_points(self) -> bool:
        return self.points_eligible and self.kind is not ProductKind.EXCLUDED
