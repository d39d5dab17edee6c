"""The app's own log file after a working day's worth of sensitive actions holds no personal
data and no secrets: enrolment (API key, till signing key), a member sale with a PIN-guarded
stored-value payment, a card issued at the till, a lost card, and a sync both ways."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from headoffice.service import HeadOffice
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import CardBinding, IdentityCheck, MemberForm
from tests.headoffice.hq_rig import LiveServer
from tests.log_scanner import scan
from tests.sync.sync_rig import HQ_MEMBERS, make_till

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_the_app_log_file_holds_no_personal_data_after_a_sale_a_card_issue_and_a_sync(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    from ui.main import setup_logging
    root = logging.getLogger()
    before = list(root.handlers)
    hq.import_members(HQ_MEMBERS)
    data_dir = tmp_path / "logged-till"
    data_dir.mkdir()
    log_path = setup_logging(data_dir, verbose=True)      # the file the till writes, at DEBUG
    added = [h for h in root.handlers if h not in before]
    try:
        till = make_till(hq, live, tmp_path, "S001", "T01")
        till.sync()
        services, manager = till.shop.services, till.shop.manager
        services.cards.register(manager, MemberForm("吴倩", "13700001234", birthday="1990-05-17",
                                                    id_check="330102"),
                                CardBinding("880000009999"))
        services.cards.set_pin(manager, "880000009999", "246813",
                               identity=IdentityCheck("13700001234", "330102"))
        s = services.selling.new_session()
        s.add("REG100")
        s.attach_card("880000009999")
        s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], till.cashier)
        services.cards.report_lost(manager, "880000009999", IdentityCheck("13700001234", "330102"))
        till.sync()
    finally:
        for handler in added:
            handler.flush()
            root.removeHandler(handler)
            handler.close()
    text = "".join(p.read_text(encoding="utf-8") for p in log_path.parent.glob("*.log*"))
    assert "certified by head office" in text          # the file did capture the day
    hits = scan(text, str(log_path), card_numbers=True)
    # UIDs may be at DEBUG; nothing else may be anywhere in the file.
    assert hits == [], "\n".join(str(h) for h in hits)
