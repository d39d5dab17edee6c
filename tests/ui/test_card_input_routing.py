"""Card numbers that arrive as bare digits reach the member, in every screen (issue 13)."""
from __future__ import annotations

import pytest

from pos_app.settings import with_section
from tests.ui.conftest import Till, grab
from tests.ui.keys import scanner_scans
from tests.ui.test_card_screens import identity, make_screen
from ui.card_dialogs import CardRegisterDialog, CardReplaceDialog

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_a_card_shape_in_the_settings_beats_an_in_store_code_with_the_same_digits(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    wired.shop.products([("100003", "", "散装称重码", "食品/散装/其他", "5.00", "regular", "")])
    wired.ctx.settings = with_section(wired.ctx.settings, "devices", card_prefixes="1000",
                                      card_lengths="6")
    selling = wired.window.selling
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "100003")                 # 王芳's card, sent as bare digits
    wired.wait_idle(qtbot)
    assert selling.view.member is not None and selling.view.member.account.name == "王芳"
    assert [ln.sku for ln in selling.model.lines] == ["REG100"]


def test_a_bare_digit_card_scanned_into_the_register_form_is_the_new_card(till: Till, qtbot) -> None:  # noqa: ANN001
    till.shop.open_shift()
    screen = make_screen(till, qtbot)
    dialog = screen.register()
    assert isinstance(dialog, CardRegisterDialog)
    till.ctx.wedge.barcode_scanned.emit("660031")     # a printed-number card
    assert dialog.binding.card_no.text() == "660031"
    assert dialog.join_receipt.text() == ""
    grab(dialog, "register_form_card_scanned_zh")


def test_a_bare_digit_card_scanned_into_the_replace_form_is_the_new_card(till: Till, qtbot) -> None:  # noqa: ANN001
    till.shop.open_shift()
    screen = make_screen(till, qtbot)
    screen.query.setText("100004")
    screen.search()
    till.wait_idle(qtbot)
    till.wait_idle(qtbot)
    rep = screen.replace()
    assert isinstance(rep, CardReplaceDialog)
    identity(rep, "13800004444", saw_id=True)
    till.ctx.wedge.barcode_scanned.emit("660032")
    assert rep.binding.card_no.text() == "660032"


def test_a_refused_lost_card_says_whose_it_was_keeps_the_member_and_clears_on_the_next_scan(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, ";100002?")               # 李娜, gold
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, ";100004?")               # 赵强's card, reported lost
    wired.wait_idle(qtbot)
    panel = selling.member_panel
    assert panel.problem.isVisible()
    text = panel.problem.text()
    assert "100004" in text and "赵强" in text and "李娜" in text
    assert selling.view.member.account.name == "李娜"
    assert [ln.amount_fen for ln in selling.model.lines] == [8_800]    # still her price
    grab(wired.window, "lost_card_refused_zh_1024")
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")          # the next action
    assert not panel.problem.isVisible()
