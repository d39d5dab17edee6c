"""The input router over the till's store: the catalog and the cards it knows."""
from __future__ import annotations

from collections.abc import Iterable

from pos_app.domain.errors import PosError
from pos_app.domain.input_routing import (CardNumberFormat, InputKind, InputRouter, Recogniser,
                                          RoutedInput)
from pos_app.domain.member_code import looks_like_member_code, looks_like_numeric_member_code
from pos_app.ports.store import UnitOfWorkFactory
from pos_app.services.selling import parse_entry


def member_code(text: str) -> RoutedInput | None:
    """The phone member code (a rotating, head-office-signed code shown on the member's phone),
    or its numeric form (18 digits from 96, checked online), before any card or product rule."""
    if looks_like_member_code(text) or looks_like_numeric_member_code(text):
        return RoutedInput(InputKind.MEMBER_CODE, text)
    return None


def store_router(uow: UnitOfWorkFactory, card_format: CardNumberFormat,
                 recognisers: Iterable[Recogniser] = (member_code,)) -> InputRouter:
    """An InputRouter that asks the catalog (barcode/SKU, 'qty*code') and the card table,
    after the recognisers (by default the phone member code)."""

    def is_product(entry: str) -> bool:
        try:
            _qty, code = parse_entry(entry)
        except PosError:
            return False
        with uow() as u:
            return u.catalog.find_by_code(code) is not None

    def is_card(card_no: str) -> bool:
        with uow() as u:
            return u.cards.find_card(card_no) is not None

    return InputRouter(card_format, recognisers, is_product=is_product, is_card=is_card)


def card_owner_name(uow: UnitOfWorkFactory, card_no: str) -> str | None:
    """The name of the member a card belongs to (to say whose card was refused), or None."""
    with uow() as u:
        card = u.cards.find_card(card_no)
        if card is None:
            return None
        account = u.accounts.find_account(card.member_id)
        return account.name if account is not None else None
