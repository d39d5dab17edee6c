"""A till identifies a member from the phone code offline, on a real SQLite store, with head
office's public key received through the settings feed and nothing else."""
from __future__ import annotations

from datetime import timedelta

import pytest

from headoffice.member_site.codes import mint
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.errors import CardBlocked, PinRequired
from pos_app.domain.member_code import MemberCodeRefused, Refusal
from pos_app.domain.signing import TrustedKeys
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.member_code_support import publish_to_till
from tests.store_support import STANDARD_GOODS, STANDARD_MEMBERS, make_shop

SIGNER = HeadOfficeSigner.generate()


@pytest.fixture
def till(stocked):
    publish_to_till(stocked, TrustedKeys.of([SIGNER.public]))
    return stocked


def member_id(shop, mobile: str) -> str:
    with shop.uow() as uow:
        return uow.accounts.find_by_mobile(mobile).id


def code_now(shop, mobile: str, offset_s: int = 0, signer=SIGNER, step_s: int = 30) -> str:
    step = int(shop.clock.now().timestamp() + offset_s) // step_s
    return mint(signer, member_id(shop, mobile), step, step_s)


def refusal(session, text) -> Refusal:
    with pytest.raises(MemberCodeRefused) as err:
        session.attach_member_code(text)
    return err.value.reason


def test_the_till_identifies_the_member_from_the_code_and_prices_as_for_the_card(till):
    s = till.services.selling.new_session()
    s.add("REG100")
    view = s.attach_member_code(code_now(till, "13800002222"))
    assert view.member.account.name == "李娜" and view.member.card.card_no == "100002"
    assert [ln.amount_fen for ln in view.lines] == [8_800]      # gold 8.8折, like the card


def test_the_same_code_twice_at_one_till_in_one_step_is_refused_another_till_takes_it(
        till, tmp_path):
    text = code_now(till, "13800002222")
    till.services.selling.new_session().attach_member_code(text)
    assert refusal(till.services.selling.new_session(), text) is Refusal.REPLAYED
    other = make_shop(tmp_path / "till2", at=till.clock.now())
    other.members(STANDARD_MEMBERS)
    publish_to_till(other, TrustedKeys.of([SIGNER.public]))
    # Till 2 knows the member under its own import id; head office's id is what codes carry,
    # so mint for till 2's id (both tills get head office's ids through the members feed).
    text2 = code_now(other, "13800002222")
    other.services.selling.new_session().attach_member_code(text2)
    # The next step's code works again at the first till.
    till.clock.at += timedelta(seconds=30)
    till.services.selling.new_session().attach_member_code(code_now(till, "13800002222"))
    other.uow.engine.dispose()


def test_a_screenshot_older_than_the_window_is_refused(till):
    text = code_now(till, "13800002222")
    till.clock.at += timedelta(seconds=30 + 120)       # step plus the tolerated skew
    assert refusal(till.services.selling.new_session(), text) is Refusal.EXPIRED
    till.clock.at -= timedelta(seconds=1)              # one second inside: still fine
    till.services.selling.new_session().attach_member_code(text)


def test_a_code_from_the_future_beyond_the_skew_is_refused(till):
    text = code_now(till, "13800002222", offset_s=121 + 30)
    assert refusal(till.services.selling.new_session(), text) is Refusal.NOT_YET_VALID


def test_a_blocked_member_is_refused_with_the_card_reason(till):
    with pytest.raises(CardBlocked):
        till.services.selling.new_session().attach_member_code(code_now(till, "13800004444"))


def test_a_code_minted_with_any_other_key_is_refused(till):
    thief = HeadOfficeSigner.generate()
    assert refusal(till.services.selling.new_session(),
                   code_now(till, "13800002222", signer=thief)) is Refusal.UNKNOWN_KEY


def test_before_the_first_pull_the_till_says_it_has_no_keys(stocked):
    assert refusal(stocked.services.selling.new_session(),
                   code_now(stocked, "13800002222")) is Refusal.NO_KEYS


def test_head_office_settings_change_the_tolerated_skew(tmp_path):
    shop = make_shop(tmp_path / "t")
    shop.products(STANDARD_GOODS)
    shop.members(STANDARD_MEMBERS)
    publish_to_till(shop, TrustedKeys.of([SIGNER.public]), {"step_s": 30, "skew_s": 10})
    text = code_now(shop, "13800002222")
    shop.clock.at += timedelta(seconds=45)
    assert refusal(shop.services.selling.new_session(), text) is Refusal.EXPIRED
    shop.uow.engine.dispose()


def test_paying_with_stored_value_after_a_phone_code_needs_the_pin_like_a_card(till):
    cashier = till.open_shift()
    mid = member_id(till, "13800003333")
    with till.uow() as uow:
        uow.accounts.set_pin(mid, till.hasher.hash("246810"), till.clock.now())
        uow.commit()
    s = till.services.selling.new_session()
    s.add("4*REG100")
    s.attach_member_code(code_now(till, "13800003333"))     # diamond: ¥320 > ¥200 threshold
    with pytest.raises(PinRequired):
        s.complete([TenderInput(TenderKind.STORED_VALUE, 32_000)], cashier)
    sale = s.complete([TenderInput(TenderKind.STORED_VALUE, 32_000)], cashier,
                      member_pin="246810")
    assert sale.member.balance_after_fen == 100_000 - 32_000


def test_a_sale_prints_an_e_receipt_link_that_the_returns_screen_still_reads(till):
    from pos_app.domain.sale import receipt_no_from_scan
    publish_to_till(till, TrustedKeys.of([SIGNER.public]))
    cashier = till.open_shift()
    s = till.services.selling.new_session()
    s.add("REG100")
    before = s.complete([TenderInput(TenderKind.CASH, 10_000)], cashier)
    assert before.receipt_link == ""               # no member page address known yet
    from tests.member_code_support import publish_member_site
    publish_member_site(till, "https://hq.example.cn/m")
    s.add("REG100")
    sale = s.complete([TenderInput(TenderKind.CASH, 10_000)], cashier)
    prefix = f"https://hq.example.cn/m/r/{sale.receipt_no}/"
    assert sale.receipt_link.startswith(prefix) and len(sale.receipt_link) - len(prefix) >= 20
    s.add("REG100")
    other = s.complete([TenderInput(TenderKind.CASH, 10_000)], cashier)
    assert other.receipt_link.rsplit("/", 1)[1] != sale.receipt_link.rsplit("/", 1)[1]
    assert receipt_no_from_scan(sale.receipt_link) == sale.receipt_no
    found = till.services.returns.get_sale(sale.receipt_link)
    assert found.snapshot.sale_id == sale.sale_id
    with till.uow() as uow:
        assert uow.sales.find_by_receipt(sale.receipt_no).snapshot == sale
