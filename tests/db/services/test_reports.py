"""Manager reports on a real store: sales by dimension net of returns, members, reminders."""
from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook

from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.services.cards import CardBinding, MemberForm
from receipts.spreadsheet import render_xlsx

CASH, SV = TenderKind.CASH, TenderKind.STORED_VALUE
DAY = date(2026, 11, 28)


def trade(shop):
    cashier = shop.open_shift()
    s = shop.services.selling.new_session()
    s.add("2*REG100")
    first = s.complete([TenderInput(CASH, 20_000)], cashier)            # ¥200 non-member
    s.add("REG100")
    s.attach_card("100002")
    s.complete([TenderInput(SV, 8_800)], cashier)                       # ¥88 Gold member
    s.add("SPECIAL50")
    s.complete([TenderInput(TenderKind.WECHAT, 5_000, "wx")], cashier)  # ¥50 non-member
    shop.services.returns.return_items(first.receipt_no, {1: 1}, cashier, shop.manager)  # -¥100


def test_sales_by_tender_category_and_day_are_net_of_returns(stocked):
    trade(stocked)
    reports = stocked.services.reports
    by_tender = {r.key: r.amount_fen for r in reports.sales("tender", DAY, DAY)}
    assert by_tender == {"cash": 20_000 - 10_000, "stored_value": 8_800, "wechat": 5_000}
    by_category = {r.key: (r.qty, r.amount_fen) for r in reports.sales("category", DAY, DAY)}
    assert by_category["服装/女装/针织衫"] == (2, 18_800)
    assert by_category["服装/配饰/围巾"] == (1, 5_000)
    by_day = reports.sales("day", DAY, DAY)
    assert [(r.key, r.amount_fen) for r in by_day] == [("2026-11-28", 23_800)]
    assert reports.sales("day", DAY + timedelta(days=1), DAY + timedelta(days=1)) == []


def test_member_analysis_compares_member_and_non_member_tickets(stocked):
    trade(stocked)
    a = stocked.services.reports.members(DAY, DAY)
    assert (a.sales_count, a.member_sales_count) == (3, 1)
    assert a.member_avg_ticket_fen == 8_800
    # Net of returns: the first sale kept ¥100 of its ¥200 and is still one transaction.
    assert a.non_member_avg_ticket_fen == (20_000 - 10_000 + 5_000) // 2
    assert a.member_share_of_sales_bp == 3_333
    assert a.points_liability == 990 + 8 + 1_200


def test_reminders_find_solar_and_lunar_birthdays_low_balances_and_expiring_cards(stocked):
    cards = stocked.services.cards
    cards.register(stocked.manager, MemberForm("阳历", "13300000001", birthday="1990-12-01"),
                   CardBinding("700001"))
    # 农历十月廿四 falls on 2026-12-02 (lunar_python); a lunar birthday on that lunar date.
    cards.register(stocked.manager, MemberForm("农历", "13300000002", birthday="1980-10-24",
                                               birthday_calendar="lunar"), CardBinding("700002"))
    cards.register(stocked.manager, MemberForm("远期", "13300000003", birthday="1980-06-01"),
                   CardBinding("700003"))
    found = stocked.services.reports.reminders(days=7)
    birthdays = {r.name for r in found if r.kind == "birthday"}
    assert birthdays == {"阳历", "农历"}
    assert "李娜" not in {r.name for r in found if r.kind == "low_balance"}  # ¥200 is not low
    assert {r.name for r in found if r.kind == "redeemable"} == {"王芳"}      # 1,200 points


def test_reports_export_to_excel_with_exact_money(stocked):
    trade(stocked)
    rows = [[r.key, r.count, r.qty, r.amount_fen]
            for r in stocked.services.reports.sales("tender", DAY, DAY)]
    data = render_xlsx("sales", ["tender", "count", "qty", "amount"], rows, money_columns=(3,))
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("tender", "count", "qty", "amount")
    assert {v[0]: str(v[3]) for v in values[1:]} == {"cash": "100", "stored_value": "88",
                                                    "wechat": "50"}


def test_reports_agree_on_transactions_and_quantities_net_of_returns(stocked):
    trade(stocked)                                   # 3 sales, one partly returned
    cashier = stocked.cashier
    s = stocked.services.selling.new_session()
    s.add("3*WATER")
    s.attach_card("100003")
    water = s.complete([TenderInput(CASH, 480)], cashier)
    returns = stocked.services.returns
    returns.return_items(water.receipt_no, {1: 1}, cashier, stocked.manager)   # partial: 0
    returns.return_items(water.receipt_no, {1: 2}, cashier, stocked.manager)   # the rest: -1
    reports = stocked.services.reports
    (day,) = reports.sales("day", DAY, DAY)
    (by_cashier,) = reports.sales("cashier", DAY, DAY)
    assert (day.count, day.qty) == (3, 2 + 1 + 1 - 1)
    assert (by_cashier.count, by_cashier.qty) == (day.count, day.qty)
    a = reports.members(DAY, DAY)
    z = stocked.services.shifts.z_report()
    assert a.sales_count == z.transactions == day.count == 3
    assert a.member_sales_count == z.member_transactions == 1
    assert a.revenue_fen == day.amount_fen
    # By tender, category and product "transactions" are transactions too (distinct sales net
    # of the fully returned ones), never tender or line rows: the partly returned cash sale
    # is one, the wholly returned water sale none.
    by_tender = {r.key: r.count for r in reports.sales("tender", DAY, DAY)}
    assert sorted(by_tender.values()) == [1, 1, 1] and sum(by_tender.values()) == day.count
    by_category = {r.key: r.count for r in reports.sales("category", DAY, DAY)}
    assert by_category["服装/女装/针织衫"] == 2 and by_category["服装/配饰/围巾"] == 1
    assert sum(by_category.values()) == day.count
    by_product = {r.key.split()[0]: (r.count, r.qty) for r in reports.sales("product", DAY, DAY)}
    assert by_product["REG100"] == (2, 2) and by_product["SPECIAL50"] == (1, 1)
    assert by_product.get("WATER", (0, 0)) == (0, 0)


def test_reminders_read_the_first_gift_step_of_the_rule_set_in_force(stocked):
    from pos_app.domain.rules import default_rule_set
    stocked.set_rules(default_rule_set(2).with_changes(ladder_first_points=900))
    found = {r.name for r in stocked.services.reports.reminders() if r.kind == "redeemable"}
    assert found == {"李娜", "王芳"}                   # 990 and 1,200 points
