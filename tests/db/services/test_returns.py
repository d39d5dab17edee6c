"""Returns on the SQLite store: the manager's flag on a return that undoes the tier upgrade its
sale gave is a column of the sales table that no port reads back, so it is checked here. The
other return tests run on the in-memory unit of work: tests/pos_app/services/test_return_service.py."""
from __future__ import annotations

from pos_app.domain.tenders import TenderInput, TenderKind

CASH = TenderKind.CASH


def sell(shop, entries, card=None, tenders=None):
    cashier = shop.services.shifts.current() and shop.cashier or shop.open_shift()
    s = shop.services.selling.new_session()
    for e in entries:
        s.add(e)
    if card:
        s.attach_card(card)
    total = s.view().total_fen
    return s.complete(tenders or [TenderInput(CASH, total)], cashier)


def account(shop, mobile):
    with shop.uow() as uow:
        return uow.accounts.find_by_mobile(mobile)


def test_a_tier_upgrade_caused_by_the_sale_is_flagged_for_the_manager(stocked):
    stocked.set_rules(stocked.services.selling.rules().with_changes(version=2,
                                                                     tier_downgrade="review"))
    stocked.members([{"card_no": "100009", "name": "周杰", "mobile": "13900009999",
                      "tier": "gold", "points": "100", "accumulated_points": "7990"}])
    sale = sell(stocked, ["2*REG100"], "100009")
    assert sale.member.upgraded_to == "diamond"
    stocked.services.returns.return_items(sale.receipt_no, None, stocked.cashier, stocked.manager)
    with stocked.uow() as uow:
        from sqlalchemy import text
        flags = uow.session.execute(text(
            "SELECT manager_flag FROM sales WHERE kind='return'")).scalars().all()
        audits = uow.session.execute(text(
            "SELECT count(*) FROM audit_log WHERE action='tier_review'")).scalar()
    assert flags and "diamond" in flags[0]
    assert audits == 1
    # Not undone silently: the member stays Diamond until a manager decides.
    assert account(stocked, "13900009999").tier_code == "diamond"
