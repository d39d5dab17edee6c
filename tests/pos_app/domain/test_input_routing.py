"""One router says what a scanned, swiped or typed string is, for every screen."""
from __future__ import annotations

from pos_app.domain.input_routing import (CardNumberFormat, InputKind, InputRouter, RoutedInput)

PRODUCTS = {"6900000000017", "REG100", "100003"}
CARDS = {"100001", "100003", "880000000001"}


def router(fmt: CardNumberFormat | None = None) -> InputRouter:
    return InputRouter(fmt, is_product=lambda t: t.split("*")[-1] in PRODUCTS,
                       is_card=lambda t: t in CARDS)


def test_the_catalog_wins_over_a_known_card_when_no_card_shape_is_set() -> None:
    r = router()
    assert r.route("100003") == RoutedInput(InputKind.PRODUCT, "100003")
    assert r.route("100001") == RoutedInput(InputKind.CARD, "100001")
    assert r.route("3*6900000000017").kind is InputKind.PRODUCT
    assert r.route("999999").kind is InputKind.PRODUCT          # unknown: "unknown product"


def test_a_card_shape_from_the_settings_routes_before_the_catalog() -> None:
    r = router(CardNumberFormat.parse("1000, 88", "6,12"))
    assert r.route("100003") == RoutedInput(InputKind.CARD, "100003")
    assert r.route("880000000009") == RoutedInput(InputKind.CARD, "880000000009")
    assert r.route("6900000000017").kind is InputKind.PRODUCT   # wrong prefix and length
    assert r.route("88000000000").kind is InputKind.PRODUCT     # 11 digits


def test_receipts_are_recognised_by_qr_payload_and_printed_number() -> None:
    r = router()
    assert r.route("POS:R:T01-261128-000123") == RoutedInput(InputKind.RECEIPT,
                                                             "T01-261128-000123")
    assert r.route("T01-261128-000123").kind is InputKind.RECEIPT


def test_on_a_card_screen_bare_digits_are_a_card_even_a_new_one() -> None:
    r = router()
    assert r.route("660099", selling=False) == RoutedInput(InputKind.CARD, "660099")
    assert r.route("hello", selling=False).kind is InputKind.UNKNOWN


def test_added_recognisers_are_asked_first() -> None:
    r = router()
    r.add_recogniser(lambda t: RoutedInput(InputKind.MEMBER_CODE, t[2:])
                     if t.startswith("MC") else None)
    assert r.route("MC12345") == RoutedInput(InputKind.MEMBER_CODE, "12345")
    assert r.route("100001").kind is InputKind.CARD


def test_phone_codes_and_e_receipt_links_are_routed_before_cards_and_products():
    from headoffice.member_site.codes import mint
    from headoffice.signing import HeadOfficeSigner
    from pos_app.domain.input_routing import InputKind, InputRouter
    from pos_app.services.input_routing import member_code
    router = InputRouter(recognisers=[member_code], is_product=lambda t: False,
                         is_card=lambda t: True)
    qr = mint(HeadOfficeSigner.generate(), "0190f000-0000-7000-8000-000000000002", 59_866_666, 30)
    assert router.route(qr).kind is InputKind.MEMBER_CODE
    assert router.route("961234567890123456").kind is InputKind.MEMBER_CODE
    assert router.route("9612 3456 7890 1234 56").kind is InputKind.MEMBER_CODE
    assert router.route("880000000001").kind is InputKind.CARD
    link = "https://hq.example.cn/m/r/T01-261128-000123/q5Yb3cR0-k2_Zt9LmW4xAA"
    routed = router.route(link)
    assert (routed.kind, routed.value) == (InputKind.RECEIPT, "T01-261128-000123")


def test_without_lookups_the_selling_screen_gets_the_shape_decision_only() -> None:
    asked: list[str] = []
    r = InputRouter(CardNumberFormat.parse("88", "12"),
                    is_product=lambda t: asked.append(t) or False,
                    is_card=lambda t: t in CARDS)
    assert r.route("880000000001", lookups=False).kind is InputKind.CARD
    assert r.route("100001", lookups=False).kind is InputKind.PRODUCT   # the add decides
    assert asked == []
    assert r.known_card("100001") and not r.known_card("999999")
