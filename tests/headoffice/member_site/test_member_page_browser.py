"""The member page in Debian's Chromium at a phone's size, against a real head office on
PostgreSQL and a real till that syncs with it over HTTP:

- sign in with the code the SMS provider endpoint received, see the till's balances;
- the QR the page shows, decoded by zbar, typed into the till's window by a wedge scanner
  while the till is offline, attaches the member; the same code again is refused;
- open the e-receipt the till's printed QR points to;
- report the card lost; after one pull the till refuses the card.
Screenshots go to test-artifacts/member-page-*.png."""
from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect
from PySide6.QtWidgets import QApplication

from pos_app.domain.errors import CardBlocked
from pos_app.domain.money import format_yuan
from receipts.escpos import PROFILE_80MM_48
from receipts.sale_receipt import render_sale_receipt
from receipts.texts import ReceiptTexts
from tests.headoffice.member_site.member_rig import MemberHq
from tests.simulators.escpos_decoder import decode
from tests.sync.sync_rig import LI_NA, TillRig, make_till

pytestmark = [pytest.mark.postgres, pytest.mark.integration, pytest.mark.gui,
              pytest.mark.qt_log_ignore("propagateSizeHints")]

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def till(member_hq: MemberHq, tmp_path: Path) -> TillRig:
    # The till's wall clock reads head office's time (in the machine's local zone), so codes
    # made for head office's current step are inside their window at the till.
    hq_unix = member_hq.ho.clock().replace(tzinfo=UTC).timestamp()
    rig = make_till(member_hq.ho, SimpleNamespace(url=member_hq.base), tmp_path, "S001", "T01",
                    at=datetime.fromtimestamp(int(hq_unix)))
    rig.sync()
    yield rig
    rig.close()


def shot(pg: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"member-page-{name}.png"
    pg.screenshot(path=str(path), full_page=True)
    return path


def zbar(png: Path) -> str:
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable",
                          str(png)], capture_output=True, text=True, timeout=30, check=True)
    return out.stdout.strip()


def sign_in(pg: Any, rig: MemberHq, mobile: str) -> None:
    pg.goto(rig.url + "/")
    assert "/m/login" in pg.url
    pg.fill("#mobile", mobile)
    pg.click("#send")
    pg.wait_for_selector("#code")
    pg.fill("#code", rig.last_code(mobile))
    pg.click("#verify")
    pg.wait_for_selector("#member-code")


def test_member_page_on_a_phone_matches_the_till_and_its_code_works_offline(
        member_hq: MemberHq, till: TillRig, browser: Any, qtbot, qapp: QApplication,
        printer, zh_translator) -> None:  # noqa: ANN001
    sale = till.sell("100002", sv_fen=5_000)          # 李娜: gold, ¥100 - ¥50 stored value
    till.sync()
    paid, bonus, spendable, _acc = till.account(LI_NA)

    context = browser.new_context(**PHONE)
    pg = context.new_page()
    sign_in(pg, member_hq, "13800002222")
    expect(pg.locator("#qr svg")).to_be_visible()
    assert pg.inner_text("#balance") == "¥" + format_yuan(paid + bonus)
    assert pg.inner_text("#points") == str(spendable)
    assert "李娜" in pg.inner_text("#member-code")
    # The numeric form arrives with the batch and stands under the QR.
    expect(pg.locator("#digits")).to_have_text(re.compile(r"^96\d{2}( \d{4}){3} \d{2}$"))
    shot(pg, "home-zh_CN")

    # The page's QR, read by a real decoder, is what the scanner types into the till.
    qr_png = ARTIFACTS / "member-page-qr.png"
    pg.locator("#qr").screenshot(path=str(qr_png))
    text = zbar(qr_png)
    assert text == pg.get_attribute("#qr", "data-code") and text.startswith("MC")

    till.offline()
    from tests.ui.conftest import log_in
    from tests.ui.conftest import make_till as make_ui_till
    from tests.ui.keys import scanner_scans
    from ui.device_wiring import start_devices
    from ui.wedge import WedgeFilter
    ui = make_ui_till(till.shop, printer, qtbot)
    log_in(ui, qtbot)
    devices = start_devices(qapp, ui.ctx, ui.window)
    try:
        qtbot.waitExposed(ui.window)
        ui.window.activateWindow()
        selling = ui.window.selling
        selling.input.setFocus()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is selling.input)
        with qtbot.waitSignal(selling.view_shown, timeout=5000):
            scanner_scans(selling.input, "6900000000017")
        with qtbot.waitSignal(selling.view_shown, timeout=5000):
            scanner_scans(selling.input, text)
        ui.wait_idle(qtbot)
        assert selling.view.member.account.id == LI_NA
        assert [ln.amount_fen for ln in selling.model.lines] == [8_800]
        ui.window.grab().save(str(ARTIFACTS / "member-page-till-offline-attached-zh_CN.png"))
        with qtbot.waitSignal(selling.status_message, timeout=5000) as refused:
            scanner_scans(selling.input, text)            # the same code again, same step
        ui.wait_idle(qtbot)
        assert "已在本收银机使用过" in refused.args[0]
    finally:
        for device in devices:
            if isinstance(device, WedgeFilter):
                qapp.removeEventFilter(device)
                device.deleteLater()
        ui.ctx.background.wait(10_000)
    till.online()

    # The printed receipt's QR opens this sale on the member page.
    printed = decode(render_sale_receipt(_shop_info(till), sale,
                                         PROFILE_80MM_48, ReceiptTexts.zh_cn()))
    link = printed.qr_codes[0].payload.decode()
    assert link.startswith(member_hq.url + "/r/" + sale.receipt_no + "/")
    pg.goto(link)
    assert pg.inner_text("#receipt-no") == sale.receipt_no
    assert pg.inner_text("#receipt-total") == "¥" + format_yuan(sale.total_fen)
    shot(pg, "e-receipt-zh_CN")
    # Someone else holding the printed receipt is asked to sign in as that member.
    stranger = browser.new_context(**PHONE).new_page()
    stranger.goto(link)
    assert "/m/login" in stranger.url

    # 挂失 from the page, after a fresh SMS check; the till refuses the card after one pull.
    pg.goto(member_hq.url + "/lost")
    pg.click("#lost-send")
    pg.wait_for_selector("#lost-code")
    pg.fill("#lost-code", member_hq.last_code("13800002222"))
    pg.click("#lost-confirm")
    pg.wait_for_selector("#lost-done")
    shot(pg, "lost-zh_CN")
    till.sync()
    with pytest.raises(CardBlocked):
        till.shop.services.selling.new_session().attach_card("100002")
    pg.goto(member_hq.url + "/")
    assert pg.is_visible("#blocked")
    shot(pg, "home-after-lost-zh_CN")
    context.close()


def _shop_info(till: TillRig):  # noqa: ANN202
    with till.shop.uow() as uow:
        return uow.site.shop()
