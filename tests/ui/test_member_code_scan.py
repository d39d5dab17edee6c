"""The phone member code reaches the selling screen as a keyboard-wedge scan and is routed
like a card swipe; refusals are shown in words on the member panel."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from PySide6.QtWidgets import QApplication

from headoffice.member_site.codes import mint
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.signing import TrustedKeys
from tests.member_code_support import publish_to_till
from tests.ui.conftest import Till, devices_started, grab
from tests.ui.keys import scanner_scans

pytestmark = [pytest.mark.gui, pytest.mark.integration,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

SIGNER = HeadOfficeSigner.generate()


@pytest.fixture
def wired(till: Till, qtbot, qapp: QApplication) -> Iterator[Till]:  # noqa: ANN001
    """Devices as the app starts them, the wedge at its own timing; SIGNER's codes trusted."""
    publish_to_till(till.shop, TrustedKeys.of([SIGNER.public]))
    with devices_started(till, qtbot, qapp) as t:
        yield t


def code_for(till: Till, mobile: str, signer: HeadOfficeSigner = SIGNER) -> str:
    with till.shop.uow() as uow:
        member_id = uow.accounts.find_by_mobile(mobile).id
    step = int(till.shop.clock.now().timestamp()) // 30
    return mint(signer, member_id, step, 30)


def test_a_scanned_member_code_attaches_the_member_like_a_swipe(wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, "6900000000017")
    with qtbot.waitSignal(selling.view_shown, timeout=5000):
        scanner_scans(selling.input, code_for(wired, "13800002222"))
    wired.wait_idle(qtbot)
    assert selling.view.member.account.name == "李娜"
    assert [ln.amount_fen for ln in selling.model.lines] == [8_800]
    assert selling.input.text() == ""
    grab(wired.window, "member-code-scan-attached-zh_CN")


@pytest.mark.parametrize("case, expected", [
    ("replayed", "已在本收银机使用过"),
    ("expired", "已过期"),
    ("forged", "不是真码"),
])
def test_a_refused_member_code_says_why(wired: Till, qtbot, case: str, expected: str) -> None:  # noqa: ANN001
    selling = wired.window.selling
    text = code_for(wired, "13800002222",
                    HeadOfficeSigner.generate() if case == "forged" else SIGNER)
    if case == "forged":
        # A well-formed code claiming head office's key id but signed by another key.
        from pos_app.domain.member_code import decode, encode
        code, signed = decode(text)
        from pos_app.domain.member_code import signed_part
        signed = signed_part(SIGNER.kid, code.member_id, code.step, 30)
        text = encode(signed, code.signature)
    if case == "replayed":
        with qtbot.waitSignal(selling.view_shown, timeout=5000):
            scanner_scans(selling.input, text)
        wired.wait_idle(qtbot)
    if case == "expired":
        wired.shop.clock.at += timedelta(minutes=5)
    with qtbot.waitSignal(selling.status_message, timeout=5000) as blocker:
        scanner_scans(selling.input, text)
    wired.wait_idle(qtbot)
    assert expected in blocker.args[0]
    grab(wired.window, f"member-code-refused-{case}-zh_CN")


def test_a_numeric_member_code_on_a_till_without_head_office_says_to_scan_the_qr(
        wired: Till, qtbot) -> None:  # noqa: ANN001
    selling = wired.window.selling
    with qtbot.waitSignal(selling.status_message, timeout=5000) as blocker:
        scanner_scans(selling.input, "961234567890123456")
    wired.wait_idle(qtbot)
    assert "需要总部联网核验" in blocker.args[0]
    assert selling.model.rowCount() == 0             # not taken for a product either
