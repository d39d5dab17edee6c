"""Sales reports by cashier, tender and category read figures kept on ingest (in the push's
own transaction), not the sale documents; they equal a scan of those documents, returns
netted out, a bad event in the batch counting for nothing. Real service, PostgreSQL, HTTP."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from headoffice.console import money
from headoffice.console.models import CatalogProductRow, DailyBreakdownRow
from headoffice.models import SaleRow
from tests.headoffice.console.conftest import login
from tests.headoffice.hq_rig import enrol_till, sale_event

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
CATEGORIES = {"TEA01": "食品/饮料/茶", "SCARF": "服装/配饰/围巾", "CUP01": "家居/餐具/杯"}


def _sale(seq: int, cashier: str, lines: list[tuple[str, int]], tenders: list[tuple[str, int]],
          *, day: str = "2026-11-28", returned_from: str | None = None) -> dict[str, Any]:
    at = f"{day}T12:{seq % 60:02d}:00"
    ev = sale_event(seq, total_fen=1, created_at=at)
    sale = ev["payload"]["sale"]
    sign = -1 if returned_from else 1
    sale["cashier_name"] = cashier
    sale["lines"] = [{"line_no": i + 1, "sku": sku, "qty": 1, "amount_fen": sign * fen,
                      "gross_fen": sign * fen} for i, (sku, fen) in enumerate(lines)]
    sale["tenders"] = [{"kind": kind, "amount_fen": sign * fen, "received_fen": sign * fen,
                        "reference": "", "points_used": 0, "sv_paid_fen": 0,
                        "sv_bonus_fen": 0} for kind, fen in tenders]
    if returned_from:
        ev["kind"] = "sale.returned"
        sale["kind"] = "return"
        ev["payload"]["original_sale_id"] = returned_from
    return ev


def _push(url: str, key: str, events: list[dict[str, Any]]) -> None:
    r = httpx.post(f"{url}/v1/sync/push", json={"events": events},
                   headers={"X-Api-Key": key}, timeout=30)
    r.raise_for_status()


def _scan(hq: Any, by: str, start: date, end: date, shop_id: str | None) -> list[tuple]:
    """The report worked out the slow way: every sale document, read one by one."""
    with hq.sessions() as s:
        cats = dict(s.execute(select(CatalogProductRow.sku,
                                     CatalogProductRow.category_path)).all())
        rows = s.execute(select(SaleRow.kind, SaleRow.body, SaleRow.shop_id)).all()
    acc: dict[str, list] = defaultdict(lambda: [set(), 0])
    for kind, text, shop in rows:
        body = json.loads(text)
        day = datetime.fromisoformat(body["created_at"]).date()
        if not start <= day <= end or (shop_id and shop != shop_id):
            continue
        sign = -1 if kind == "return" else 1
        sale_id = body["sale_id"]
        if by == "cashier":
            keys = [(body.get("cashier_name") or "—",
                     sum(abs(t["amount_fen"]) for t in body["tenders"]))]
        elif by == "tender":
            keys = [(t["kind"], abs(t["amount_fen"])) for t in body["tenders"]]
        else:
            keys = [((cats.get(ln["sku"]) or "—").split("/")[0], abs(ln["amount_fen"]))
                    for ln in body["lines"]]
        for k, fen in keys:
            if sign > 0:
                acc[k][0].add(sale_id)
            acc[k][1] += sign * fen
    return sorted(((k, len(v[0]), v[1]) for k, v in acc.items()), key=lambda r: (-r[2], r[0]))


def test_cashier_tender_and_category_reports_equal_a_scan_of_the_sale_documents(
        server: Any, hq: Any, chain: dict[str, str]) -> None:
    hq.transaction(lambda s: s.add_all([
        CatalogProductRow(sku=sku, barcode="", name=sku, category_path=path, price_fen=100,
                          kind="regular", active=True, updated_at=hq.clock())
        for sku, path in CATEGORIES.items()]))
    k1 = enrol_till(hq, server.url, "S001", "T01")
    k2 = enrol_till(hq, server.url, "S002", "T02")
    first = _sale(1, "王收银", [("TEA01", 10_000), ("SCARF", 5_000)],
                  [("cash", 12_000), ("wechat", 3_000)])
    _push(server.url, k1, [
        first,
        _sale(2, "王收银", [("CUP01", 4_000), ("NOSUCH", 1_000)], [("alipay", 5_000)]),
        _sale(3, "李收银", [("TEA01", 10_000)], [("cash", 10_000)], day="2026-11-27"),
        # A bad event: the batch runs again event by event, and it counts for nothing.
        {**_sale(4, "王收银", [("TEA01", 999)], [("cash", 999)]),
         "payload": {"sale": {"sale_id": "bad", "tenders": [{"kind": "cash",
                                                             "amount_fen": "x"}]}}},
        # Part of the first sale comes back: the scarf, paid back in cash.
        _sale(5, "李收银", [("SCARF", 5_000)], [("cash", 5_000)],
              returned_from=first["payload"]["sale"]["sale_id"]),
    ])
    _push(server.url, k2, [_sale(1, "赵收银", [("SCARF", 8_000)], [("unionpay", 8_000)]),
                           _sale(2, "赵收银", [("TEA01", 2_000)], [("cash", 2_000)],
                                 day="2026-12-01")])
    nov = (date(2026, 11, 1), date(2026, 11, 30))
    with hq.sessions() as s:
        for by in ("cashier", "tender", "category"):
            for shop in (None, chain["S001"], chain["S002"]):
                got = money.sales_report(s, by, *nov, shop)
                assert got == _scan(hq, by, *nov, shop), (by, shop)
        assert money.sales_report(s, "tender", *nov, None) == [
            ("cash", 2, 17_000), ("unionpay", 1, 8_000), ("alipay", 1, 5_000),
            ("wechat", 1, 3_000)]
        assert money.sales_report(s, "category", *nov, chain["S001"]) == [
            ("食品", 2, 20_000), ("家居", 1, 4_000), ("—", 1, 1_000), ("服装", 1, 0)]
        assert money.sales_report(s, "cashier", date(2026, 11, 27), date(2026, 11, 27),
                                  None) == [("李收银", 1, 10_000)]
        assert not s.scalars(select(DailyBreakdownRow).where(
            DailyBreakdownRow.net_fen == 999)).first()

    # The page and its Excel file say the same, for the chain and for one shop.
    boss = login(server.url)
    r = boss.get("/console/reports", params={"by": "category", "start": "2026-11-01",
                                              "end": "2026-12-31"})
    assert r.status_code == 200 and "¥220.00" in r.text and "¥80.00" in r.text
    mgr = login(server.url, "mgr1")
    r = mgr.get("/console/reports", params={"by": "cashier", "start": "2026-11-01",
                                             "end": "2026-11-30"})
    assert "王收银" in r.text and "赵收银" not in r.text
    assert mgr.get("/console/reports", params={"by": "cashier", "shop": chain["S002"]}
                   ).status_code == 403


def test_a_report_over_a_whole_year_reads_no_sale_document(
        server: Any, hq: Any, chain: dict[str, str]) -> None:
    """Figures, not documents: a sale whose document is damaged after ingest still counts
    as it was counted (a scan would have had to read it)."""
    key = enrol_till(hq, server.url, "S001", "T01")
    sale = _sale(1, "王收银", [("TEA01", 10_000)], [("cash", 10_000)])
    _push(server.url, key, [sale])
    sale_id = sale["payload"]["sale"]["sale_id"]
    hq.transaction(lambda s: s.get(SaleRow, sale_id).__setattr__("body", "{}"))
    with hq.sessions() as s:
        assert money.sales_report(s, "tender", date(2026, 1, 1), date(2026, 12, 31),
                                  None) == [("cash", 1, 10_000)]
