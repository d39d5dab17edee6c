"""What a scanned, swiped or typed string is: a member card, a receipt, a product, or unknown.

Many wedge readers send a card number as bare digits ending in Enter, and printed-number cards
(印号卡) are scanned as barcodes, so "digits + Enter" alone does not say "product". Every screen
asks one router, which decides in this order:

1. extra recognisers (e.g. a member's phone code), first to answer wins;
2. a receipt: the receipt QR payload (POS:R:<no>) or a receipt number as printed;
3. a card number by its shape, when the shop set one (prefixes and/or lengths in settings);
4. the catalog (when the screen sells): a known barcode or SKU is a product;
5. bare digits: on a card screen a card number (new cards too); on a selling screen only a
   card number the store knows;
6. otherwise: a product code on a selling screen (so "unknown product" is said), else unknown.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from pos_app.domain.sale import receipt_no_from_link

RECEIPT_QR_PREFIX = "POS:R:"
# T01-261128-000123: till code, day, sequence (db next_receipt_no).
_RECEIPT_NO = re.compile(r"^[A-Za-z0-9]{1,10}-\d{6}-\d{4,8}$")
_BARE_CARD = re.compile(r"^\d{6,20}$")


class InputKind(StrEnum):
    CARD = "card"
    RECEIPT = "receipt"
    PRODUCT = "product"
    MEMBER_CODE = "member_code"   # reserved for a member's phone code (issue 17)
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class RoutedInput:
    """What the text is, and the value to act on (the card number, receipt number, code)."""

    kind: InputKind
    value: str


@dataclass(frozen=True)
class CardNumberFormat:
    """The shape of this shop's card numbers (settings): digits only, with one of `prefixes`
    (none: any) and one of `lengths` (none: 6-20 digits). Unset: no shape is trusted."""

    prefixes: tuple[str, ...] = ()
    lengths: tuple[int, ...] = ()

    @property
    def configured(self) -> bool:
        return bool(self.prefixes or self.lengths)

    def matches(self, text: str) -> bool:
        if not text.isascii() or not text.isdigit():
            return False
        if self.lengths and len(text) not in self.lengths:
            return False
        if not self.lengths and not 6 <= len(text) <= 20:
            return False
        return not self.prefixes or text.startswith(self.prefixes)

    @staticmethod
    def parse(prefixes: str, lengths: str) -> CardNumberFormat:
        """From the settings' comma-separated text ('88,66' and '12,16')."""
        p = tuple(x.strip() for x in prefixes.split(",") if x.strip())
        try:
            n = tuple(int(x) for x in lengths.split(",") if x.strip())
        except ValueError:
            n = ()
        return CardNumberFormat(p, n)


Recogniser = Callable[[str], RoutedInput | None]


def receipt_number(text: str) -> str | None:
    """The receipt number in a receipt's QR payload (POS:R: or the e-receipt link) or as
    printed; None if it is not one."""
    linked = receipt_no_from_link(text)
    if linked is not None:
        return linked
    if text.upper().startswith(RECEIPT_QR_PREFIX):
        return text[len(RECEIPT_QR_PREFIX):].strip() or None
    return text if _RECEIPT_NO.match(text) else None


class InputRouter:
    """Routes one input string (see the module docstring for the order)."""

    def __init__(self, card_format: CardNumberFormat | None = None,
                 recognisers: Iterable[Recogniser] = (),
                 is_product: Callable[[str], bool] | None = None,
                 is_card: Callable[[str], bool] | None = None) -> None:
        self.card_format = card_format or CardNumberFormat()
        self.recognisers: list[Recogniser] = list(recognisers)
        self._is_product = is_product
        self._is_card = is_card

    def add_recogniser(self, recogniser: Recogniser) -> None:
        """Put a recogniser before the built-in rules (later additions are asked last)."""
        self.recognisers.append(recogniser)

    def route(self, text: str, *, selling: bool = True, lookups: bool = True) -> RoutedInput:
        """What `text` is. `selling`: the screen sells goods, so the catalog is asked.
        `lookups=False` stops before the store is asked (steps 4-5): the selling screen adds
        the item itself (one catalog look-up, not two) and asks `known_card` only when the
        catalog has no such code, which keeps the same order."""
        text = text.strip()
        for recognise in self.recognisers:
            found = recognise(text)
            if found is not None:
                return found
        receipt = receipt_number(text)
        if receipt is not None:
            return RoutedInput(InputKind.RECEIPT, receipt)
        if self.card_format.configured and self.card_format.matches(text):
            return RoutedInput(InputKind.CARD, text)
        if selling and not lookups:
            return RoutedInput(InputKind.PRODUCT, text)
        if selling and self._is_product is not None and self._is_product(text):
            return RoutedInput(InputKind.PRODUCT, text)
        if _BARE_CARD.match(text):
            # A card screen deals in cards (new ones too); a selling screen asks the store.
            if not selling or (self._is_card is not None and self._is_card(text)):
                return RoutedInput(InputKind.CARD, text)
        return RoutedInput(InputKind.PRODUCT if selling else InputKind.UNKNOWN, text)

    def known_card(self, text: str) -> bool:
        """Bare digits that a card in the store carries (step 5 on its own)."""
        text = text.strip()
        return bool(_BARE_CARD.match(text)) and self._is_card is not None and self._is_card(text)
