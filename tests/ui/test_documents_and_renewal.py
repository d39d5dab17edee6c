"""延期 on a card valid for ever (长期有效) is refused and the card stays perpetual; card events
and top-ups number in their own series, so sale receipt numbers never jump (issue 13)."""
from __future__ import annotations

import pytest

from pos_app.domain.errors import CardNeverExpires
from pos_app.domain.tenders import TenderInput, TenderKind
from tests.ui.conftest import Till
from tests.ui.test_card_screens import find, make_screen

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_renewing_a_perpetual_card_is_refused_and_it_stays_perpetual(till: Till, qtbot) -> None:  # noqa: ANN001
    shop = till.shop
    shop.open_shift()
    screen = make_screen(till, qtbot)
    find(till, qtbot, screen, "100002")                 # imported without an expiry
    assert screen.renew() is None
    assert "长期有效" in screen.message.text()
    with pytest.raises(CardNeverExpires):
        shop.services.cards.renew(shop.manager, "100002", 365)
    assert shop.services.selling.member_by_card("100002").card.expires_on is None


def test_card_events_and_top_ups_do_not_use_up_sale_numbers(till: Till, qtbot) -> None:  # noqa: ANN001
    shop = till.shop
    cashier = shop.open_shift()
    selling = shop.services.selling

    def sell() -> str:
        session = selling.new_session()
        session.add("6900000000055")
        return session.complete([TenderInput(TenderKind.CASH, 200)], cashier).receipt_no

    first = sell()
    topup = shop.services.members.top_up(shop.manager, "100002", 10_000, TenderKind.CASH)
    slip = shop.services.cards.report_lost(shop.manager, "100003", _identity())
    second = sell()
    seq = [int(n.rsplit("-", 1)[1]) for n in (first, second)]
    assert seq[1] == seq[0] + 1                         # no gap in the sale series
    assert topup.receipt_no.rsplit("-", 1)[1].startswith("V")
    assert slip.receipt_no.rsplit("-", 1)[1].startswith("K")


def _identity():  # noqa: ANN202
    from pos_app.services.cards import IdentityCheck
    return IdentityCheck(mobile="13800003333", manager_confirmed=True)
