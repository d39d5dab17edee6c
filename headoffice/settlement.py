"""Monthly stored-value settlement between shops (membership-rules.md §5).

The shop that took the top-up money owes the shop where the balance was spent. Money is
traced per member in lots, first in first out: every credit (top-up, opening balance,
balance given back by a return) is a lot of the shop that booked it; every debit (spend,
balance refund) draws on the oldest lots. A debit at shop S drawn from a lot of shop T ≠ S
means T owes S. Paid-in and bonus money are traced apart (bonus is the issuing shop's
promotion, so it is owed apart). A debit beyond all lots (a late offline overdraft) waits
as a debt that the member's next credit pays first.

Entries are ordered by head office's booking time and id, never by till clocks, and belong
to the month head office booked them in. A settlement document is written once and never
recomputed: asking again returns the stored one.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict, deque
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from headoffice.errors import BadPeriod, HeadOfficeError
from headoffice.models import SettlementRow, ShopRow, StoredValueEntryRow
from headoffice.validate import parse_month

HQ = "HQ"  # opening balances migrated by head office belong to no shop


class SettlementNotDue(HeadOfficeError):
    def __init__(self, period: str) -> None:
        super().__init__(period)
        self.period = period


def _month_end(period: str) -> datetime:
    year, month = int(period[:4]), int(period[5:7])
    return datetime(year + (month == 12), month % 12 + 1, 1)


def compute(entries: list[tuple[str, str | None, str, int, int, str]], period: str,
            shop_codes: dict[str | None, str]) -> dict[str, Any]:
    """entries: (member_id, shop_id, kind, paid_delta, bonus_delta, period) in booking order."""
    shops: dict[str, dict[str, int]] = defaultdict(lambda: {
        "topup_paid_fen": 0, "topup_bonus_fen": 0, "spent_paid_fen": 0,
        "spent_bonus_fen": 0, "refunded_paid_fen": 0, "returned_fen": 0})
    owed: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    lots: dict[tuple[str, int], deque[list]] = defaultdict(deque)    # (member, part) -> lots
    debts: dict[tuple[str, int], deque[list]] = defaultdict(deque)
    for member_id, shop_id, kind, paid, bonus, p in entries:
        shop = shop_codes.get(shop_id, HQ)
        here = p == period
        if here:
            s = shops[shop]
            if kind == "topup":
                s["topup_paid_fen"] += paid
                s["topup_bonus_fen"] += bonus
            elif kind == "spend":
                s["spent_paid_fen"] -= paid
                s["spent_bonus_fen"] -= bonus
            elif kind == "refund_balance":
                s["refunded_paid_fen"] -= paid
            elif kind == "refund":
                s["returned_fen"] += paid + bonus
        for part, amount in ((0, paid), (1, bonus)):
            key = (member_id, part)
            if amount > 0:
                # A credit first pays the member's debts (overdrafts), oldest first.
                while amount and debts[key]:
                    debt = debts[key][0]
                    take = min(amount, debt[1])
                    if here and shop != debt[0]:
                        owed[(shop, debt[0])][part] += take
                    debt[1] -= take
                    amount -= take
                    if not debt[1]:
                        debts[key].popleft()
                if amount:
                    lots[key].append([shop, amount])
            elif amount < 0:
                need = -amount
                while need and lots[key]:
                    lot = lots[key][0]
                    take = min(need, lot[1])
                    if here and lot[0] != shop:
                        owed[(lot[0], shop)][part] += take
                    lot[1] -= take
                    need -= take
                    if not lot[1]:
                        lots[key].popleft()
                if need:
                    debts[key].append([shop, need])
    gross = [{"from": a, "to": b, "paid_fen": v[0], "bonus_fen": v[1]}
             for (a, b), v in sorted(owed.items()) if v[0] or v[1]]
    net: dict[tuple[str, str], int] = {}
    for a, b in {tuple(sorted(k)) for k in owed}:
        amount = owed.get((a, b), [0, 0])[0] - owed.get((b, a), [0, 0])[0]
        if amount:
            net[(a, b) if amount > 0 else (b, a)] = abs(amount)
    return {"period": period,
            "shops": {k: shops[k] for k in sorted(shops)},
            "owed": gross,
            "net": [{"from": a, "to": b, "amount_fen": v} for (a, b), v in sorted(net.items())]}


def compute_from_ledger(s: Any, period: str) -> dict[str, Any]:
    """`compute` over every stored-value entry head office holds up to `period`, in the order
    they were booked."""
    codes = {r.id: r.code for r in s.scalars(select(ShopRow))}
    q = (select(StoredValueEntryRow.member_id, StoredValueEntryRow.shop_id,
                StoredValueEntryRow.kind, StoredValueEntryRow.paid_delta_fen,
                StoredValueEntryRow.bonus_delta_fen, StoredValueEntryRow.period)
         .where(StoredValueEntryRow.period <= period)
         .order_by(StoredValueEntryRow.booked_at, StoredValueEntryRow.id))
    return compute([tuple(r) for r in s.execute(q)], period, codes)


def settle(ho: Any, period: str) -> dict[str, Any]:
    """The settlement document of `period` (YYYY-MM), made once when the month is over."""
    try:
        period = parse_month(period)
    except ValueError:
        raise BadPeriod(period) from None
    with ho.sessions() as s:
        row = s.get(SettlementRow, period)
        if row is not None:
            return json.loads(row.body)
    if ho.clock() < _month_end(period):
        raise SettlementNotDue(period)

    def work(s: Any) -> dict[str, Any]:
        row = s.get(SettlementRow, period, with_for_update=True)
        if row is not None:
            return json.loads(row.body)
        doc = compute_from_ledger(s, period)
        doc["created_at"] = ho.clock().isoformat()
        body = json.dumps(doc, ensure_ascii=False, sort_keys=True)
        s.add(SettlementRow(period=period, body=body,
                            body_sha256=hashlib.sha256(body.encode()).hexdigest(),
                            created_at=ho.clock()))
        return doc
    return ho.transaction(work)


def export_xlsx(doc: dict[str, Any], path: Path) -> None:
    """The settlement as an Excel workbook: per shop, gross amounts owed, net amounts."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "门店 Shops"
    cols = ["topup_paid_fen", "topup_bonus_fen", "spent_paid_fen", "spent_bonus_fen",
            "refunded_paid_fen", "returned_fen"]
    ws.append(["period", doc["period"]])
    ws.append(["shop"] + [c.removesuffix("_fen") + " (yuan)" for c in cols])
    for shop, v in doc["shops"].items():
        ws.append([shop] + [_yuan(v[c]) for c in cols])
    for row in ws.iter_rows(min_row=3, min_col=2):
        for cell in row:
            cell.number_format = "#,##0.00"
    ws2 = wb.create_sheet("应付明细 Owed")
    ws2.append(["owes (took the money)", "to (where it was spent)", "paid-in (yuan)",
                "bonus (yuan)"])
    for o in doc["owed"]:
        ws2.append([o["from"], o["to"], _yuan(o["paid_fen"]), _yuan(o["bonus_fen"])])
    ws3 = wb.create_sheet("净额 Net")
    ws3.append(["owes", "to", "amount (yuan)"])
    for n in doc["net"]:
        ws3.append([n["from"], n["to"], _yuan(n["amount_fen"])])
    wb.save(path)


def _yuan(fen: int) -> Decimal:
    """Exact yuan for the spreadsheet (a Decimal, never a float)."""
    return Decimal(fen).scaleb(-2)
