"""Several catalog-page promotions on one product at once (other shops, other weeks): each
real till (`pos sync`, `pos quote`) prices the product by its own shop's promotion of the day.
The service on PostgreSQL over real HTTP, two tills on their own SQLite files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pos_cli.main import main as pos
from tests.headoffice.console.conftest import login
from tests.store_support import make_shop

pytestmark = [pytest.mark.postgres, pytest.mark.integration]
CSV = ("sku,barcode,name,category,price,kind\n"
       "TEA01,6901111111116,龙井茶,食品/饮料/茶,100.00,regular\n"
       "CUP01,6901111111123,茶杯,家居/餐具/杯,40.00,regular\n").encode("utf-8")


def _quote(capsys: Any, till: Path, at: str, *items: str) -> list[int]:
    capsys.readouterr()
    code = pos(["--data-dir", str(till), "quote", "--at", at, *items, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return [ln["amount"] for ln in json.loads(out.out)["lines"]]


def _till(hq: Any, server: Any, path: Path, shop: str, till: str) -> Path:
    make_shop(path).uow.engine.dispose()
    code = hq.add_till(shop, till)       # the till takes over the shop head office assigned
    assert pos(["--data-dir", str(path), "sync", "--enrol", code, "--url", server.url]) == 0
    return path


def test_two_shops_and_two_windows_each_till_gets_its_own_promotion(
        server: Any, hq: Any, tmp_path: Path, capsys: Any) -> None:
    boss = login(server.url)
    r = boss.post("/console/catalog/import", data={"csrf": boss.csrf},
                  files={"file": ("g.csv", CSV, "text/csv")})
    assert r.status_code == 303, r.text[:300]
    promos = [
        {"name": "一店八折", "scope": "product", "target": "TEA01", "rate": "0.8",
         "start": "2026-11-20", "end": "2026-11-30", "shops": ["S001"]},
        {"name": "二店七折", "scope": "product", "target": "TEA01", "rate": "0.7",
         "start": "2026-11-20", "end": "2026-11-30", "shops": ["S002"]},
        {"name": "一店十二月半价", "scope": "product", "target": "TEA01", "rate": "0.5",
         "start": "2026-12-01", "end": "2026-12-10", "shops": ["S001"]},
        {"name": "全场食品九折", "scope": "counter", "target": "食品", "rate": "0.9",
         "start": "2026-12-01", "end": "2026-12-10"},
    ]
    for form in promos:
        r = boss.post("/console/catalog/promotions", data={"csrf": boss.csrf, **form})
        assert r.status_code == 303, r.text[:500]
    r = boss.post("/console/catalog/publish", data={"csrf": boss.csrf})
    assert r.status_code == 303
    one = _till(hq, server, tmp_path / "one", "S001", "T01")
    two = _till(hq, server, tmp_path / "two", "S002", "T02")
    for till in (one, two):
        assert pos(["--data-dir", str(till), "sync", "--once"]) == 0

    assert _quote(capsys, one, "2026-11-28T12:30:00", "TEA01", "CUP01") == [8000, 4000]
    assert _quote(capsys, two, "2026-11-28T12:30:00", "TEA01", "CUP01") == [7000, 4000]
    # December: shop 1 has its own half price (better than the chain's 9折), shop 2 the 9折.
    assert _quote(capsys, one, "2026-12-05T12:30:00", "TEA01") == [5000]
    assert _quote(capsys, two, "2026-12-05T12:30:00", "TEA01") == [9000]
    assert _quote(capsys, two, "2026-12-11T12:30:00", "TEA01") == [10000]

    # Ending one promotion reaches the tills at the next publish; the others stay.
    page = boss.get("/console/catalog").text
    with hq.sessions() as s:
        from sqlalchemy import select

        from headoffice.console.models import PromotionRow
        pid = s.scalar(select(PromotionRow.id).where(PromotionRow.name == "二店七折"))
    assert pid in page
    assert boss.post(f"/console/catalog/promotions/{pid}/end",
                     data={"csrf": boss.csrf}).status_code == 303
    assert boss.post("/console/catalog/publish", data={"csrf": boss.csrf}).status_code == 303
    for till in (one, two):
        assert pos(["--data-dir", str(till), "sync", "--once"]) == 0
    assert _quote(capsys, two, "2026-11-28T12:30:00", "TEA01") == [10000]
    assert _quote(capsys, one, "2026-11-28T12:30:00", "TEA01") == [8000]
