"""The member card screen with IC cards on the real PC/SC stack (pcscd + vpcd virtual Mifare cards):
issue through the screen, tap to pay, report lost, replace with a new IC card, clones refused."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QObject, Signal

from hardware.pcsc_reader import PcscIcCardReader
from pos_app.domain.card import CardKind, CardStatus
from pos_app.domain.card_block import CardForged
from pos_app.domain.errors import CardBlocked, CardReplaced
from pos_app.domain.ic_card import CardTap
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.ic_cards import IcCardService
from tests.ic_support import Chain
from tests.ui.conftest import _zh_built, make_till, printer, zh_translator  # noqa: F401 - fixtures
from ui.card_dialogs import CardRegisterDialog, CardReplaceDialog
from ui.card_ic import ReaderIcCardDesk
from ui.card_screens import MemberCardsScreen

if TYPE_CHECKING:
    from conftest import Cards, PcscdRig

pytestmark = [pytest.mark.pcsc, pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

UID_OLD = bytes.fromhex("11223344")
UID_NEW = bytes.fromhex("55667788")
KEY_A = bytes.fromhex("5A1B2C3D4E5F")
KEY_B = bytes.fromhex("B0B1B2B3B4B5")


class TapBridge(QObject):
    """What ui/device_wiring.py keeps in ctx.ic_taps: taps from the reader thread, on the GUI thread."""

    uid_tapped = Signal(str)


class Rig:
    """The till, its screen and the reader, with the card now on the reader tracked from taps."""

    def __init__(self, stocked, pcsc: PcscdRig, printer_sim, qtbot) -> None:  # noqa: ANN001
        self.till = make_till(stocked, printer_sim, qtbot)
        self.shop = stocked
        self.qtbot = qtbot
        self.reader = PcscIcCardReader(pcsc.reader(0), 1, KEY_A, KEY_B)
        self.tap: CardTap | None = None
        self.bridge = TapBridge()
        self.chain = Chain()
        service = IcCardService(stocked.uow, stocked.clock, stocked.services.ids,
                                stocked.services.cards, stocked.services.selling,
                                self.chain.codec(self.chain.till()))
        self.desk = ReaderIcCardDesk(service, self.reader, lambda: self.tap)
        ctx = self.till.ctx
        ctx.ic_cards = self.desk
        ctx.ic_taps = self.bridge
        self.reader.start(self._on_tap, self._on_removed)
        self.screen = MemberCardsScreen(ctx, stocked.manager)
        qtbot.addWidget(self.screen)
        self.screen.resize(1024, 768)
        self.screen.show()
        self.idle()

    def _on_tap(self, tap: CardTap) -> None:          # the reader's thread
        self.tap = tap
        self.bridge.uid_tapped.emit(tap.uid.hex() if tap.uid else "")

    def _on_removed(self, _reader: str) -> None:
        self.tap = None

    def idle(self) -> None:
        self.qtbot.waitUntil(lambda: self.till.ctx.background.busy == 0, timeout=20_000)

    def put(self, cards: Cards, card) -> None:  # noqa: ANN001
        cards.tap(card)
        self.qtbot.waitUntil(lambda: self.tap is not None and self.tap.uid == card.card.uid,
                             timeout=10_000)
        self.idle()

    def take(self, cards: Cards, card) -> None:  # noqa: ANN001
        cards.take_off(card)
        self.qtbot.waitUntil(lambda: self.tap is None, timeout=10_000)


@pytest.fixture
def rig(stocked, pcsc, printer, qtbot, zh_translator):  # noqa: ANN001, F811
    r = Rig(stocked, pcsc, printer, qtbot)
    yield r
    r.reader.stop()
    r.till.ctx.background.wait(10_000)


def test_ic_card_issued_lost_and_replaced_through_the_screen_and_clones_refused(
        rig: Rig, cards: Cards) -> None:
    shop, screen, selling = rig.shop, rig.screen, rig.shop.services.selling
    shop.open_shift()
    old = cards.new(UID_OLD)
    rig.put(cards, old)

    dialog = screen.register()
    assert isinstance(dialog, CardRegisterDialog) and dialog.binding.ic.isEnabled()
    dialog.name.setText("周敏")
    dialog.mobile.setText("13912345678")
    dialog.id_check.setText("880101")
    dialog.binding.card_no.setText("660001")
    screen.on_ic_tapped(UID_OLD.hex())               # a tap while the form is open picks IC
    assert dialog.binding.use_ic
    dialog.submit()
    rig.idle()
    rig.idle()
    assert not dialog.isVisible(), dialog.message.text()
    card = selling.member_by_card("660001").card
    assert card.kind is CardKind.IC and card.uid == UID_OLD.hex().upper()
    stolen_copy = cards.adopt(old.clone(with_data=True))   # someone copied the whole chip

    top = screen.top_up()
    top.amount.setText("300")
    top.submit()
    rig.idle()
    # Tap to pay: the chip's signed block names the card; the balance pays.
    at_till = rig.desk.member_on_reader()
    sale = selling.new_session()
    sale.attach_card(at_till.card.card_no)
    sale.add("REG100")
    done = sale.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], shop.cashier)
    assert done.member.balance_after_fen == 20_000
    rig.take(cards, old)

    rig.screen.query.setText("660001")
    screen.search()
    rig.idle()
    lost = screen.report_lost()
    lost.identity.mobile.setText("13912345678")
    lost.identity.answer.setText("880101")
    lost.submit()
    rig.idle()
    assert not lost.isVisible(), lost.message.text()

    rig.put(cards, stolen_copy)                      # the copy is tapped at the screen
    rig.qtbot.waitUntil(lambda: "挂失" in screen.message.text(), timeout=10_000)
    assert screen.account is not None and screen.account.name == "周敏"
    with pytest.raises(CardBlocked):
        rig.desk.member_on_reader()
    rig.take(cards, stolen_copy)

    new = cards.new(UID_NEW)
    rig.put(cards, new)
    rep = screen.replace()
    assert isinstance(rep, CardReplaceDialog)
    rep.identity.mobile.setText("13912345678")
    rep.identity.answer.setText("880101")
    rep.binding.ic.setChecked(True)
    rep.binding.card_no.setText("660002")
    rep.submit()
    rig.idle()
    rig.idle()
    assert not rep.isVisible(), rep.message.text()
    at_till = rig.desk.member_on_reader()
    assert at_till.card.card_no == "660002" and at_till.card.generation == 2
    sale = selling.new_session()
    sale.attach_card(at_till.card.card_no)
    sale.add("REG100")
    done = sale.complete([TenderInput(TenderKind.STORED_VALUE, 10_000)], shop.cashier)
    assert done.member.balance_after_fen == 10_000   # the moved balance pays
    rig.take(cards, new)

    rig.put(cards, stolen_copy)                      # the copy of the replaced card: dead
    with pytest.raises(CardReplaced):
        rig.desk.member_on_reader()
    rig.qtbot.waitUntil(lambda: "换" in screen.message.text(), timeout=10_000)
    rig.take(cards, stolen_copy)

    forged = cards.new(UID_NEW)                      # a blank magic card with the new UID
    rig.put(cards, forged)
    with pytest.raises(CardForged):
        rig.desk.member_on_reader()
    rig.qtbot.waitUntil(lambda: screen.error_box is not None and "复制" in screen.message.text(),
                        timeout=10_000)
    profile = shop.services.members.profile(at_till.account.id)
    assert [(c.card_no, c.status) for c in profile.cards] == [
        ("660001", CardStatus.REPLACED), ("660002", CardStatus.ACTIVE)]
    rig.take(cards, forged)
