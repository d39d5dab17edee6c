"""Dashboard: today, this week and this month, chain-wide and per shop, from the daily
figures kept on ingest; liabilities; offline tills; open flags and receivables."""
from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from headoffice.console.auth import Who
from headoffice.console.models import DailyFigureRow, TillReportRow, WorkNoteRow
from headoffice.console.periods import business_day, local_time, period_starts
from headoffice.console.web import check_shop, console_of, need
from headoffice.models import FlagRow, MemberAccountRow, ReceivableRow, ShopRow, TillRow

LIABILITY_TTL_S = 60.0


def _liability(console: Any, s: Session) -> dict[str, Any]:
    """The chain's outstanding points and stored-value float: a sum over every member's
    account, so worked out at most once a minute per server process and shown with its
    time, instead of on every dashboard request (a million members: most of its cost)."""
    hit = console.cache.get("liability")
    if hit is not None and time.monotonic() - hit[0] < LIABILITY_TTL_S:
        return hit[1]
    pts, paid, bonus = s.execute(select(
        func.coalesce(func.sum(MemberAccountRow.spendable_points), 0),
        func.coalesce(func.sum(MemberAccountRow.balance_paid_fen), 0),
        func.coalesce(func.sum(MemberAccountRow.balance_bonus_fen), 0))).one()
    value = {"points": int(pts), "paid_fen": int(paid), "bonus_fen": int(bonus),
             "at": local_time(console.now())}
    console.cache["liability"] = (time.monotonic(), value)
    return value


router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("dashboard", "/console/", "Dashboard")]
OFFLINE_AFTER = timedelta(minutes=10)
SUMS = ("sales_count", "sales_fen", "returns_count", "returns_fen", "member_sales_count",
        "member_sales_fen", "points_issued", "points_redeemed", "sv_topup_paid_fen",
        "sv_topup_bonus_fen", "sv_spent_fen", "new_members")


def _derive(f: dict[str, int]) -> dict[str, Any]:
    net = f["sales_fen"] - f["returns_fen"]
    non_count = f["sales_count"] - f["member_sales_count"]
    non_fen = net - f["member_sales_fen"]
    return {**f, "net_fen": net,
            "avg_member_fen": f["member_sales_fen"] // f["member_sales_count"]
            if f["member_sales_count"] else None,
            "avg_non_member_fen": non_fen // non_count if non_count > 0 else None,
            "member_share_pct": round(100 * f["member_sales_fen"] / net, 1) if net > 0 else None}


def figures(s: Session, today: Any, shop_id: str | None) -> dict[str, Any]:
    starts = period_starts(today)
    first = min(starts.values())
    t = DailyFigureRow
    cols = []
    for period, start in starts.items():
        for c in SUMS:
            cols.append(func.coalesce(func.sum(case((t.day >= start, getattr(t, c)), else_=0)),
                                      0).label(f"{period}__{c}"))
    q = (select(t.shop_id, *cols).where(t.day >= first, t.day <= today).group_by(t.shop_id))
    if shop_id:
        q = q.where(t.shop_id == shop_id)
    per_shop: dict[str, dict[str, dict[str, int]]] = {}
    chain = {p: dict.fromkeys(SUMS, 0) for p in starts}
    for row in s.execute(q).mappings():
        shop = per_shop.setdefault(row["shop_id"], {p: {} for p in starts})
        for p in starts:
            for c in SUMS:
                v = int(row[f"{p}__{c}"])
                shop[p][c] = v
                chain[p][c] += v
    daily = s.execute(select(t.day, func.sum(t.sales_fen - t.returns_fen),
                             func.sum(t.member_sales_fen))
                      .where(t.day >= today - timedelta(days=29), t.day <= today,
                             *([t.shop_id == shop_id] if shop_id else []))
                      .group_by(t.day).order_by(t.day)).all()
    return {"chain": {p: _derive(v) for p, v in chain.items()},
            "shops": {k: {p: _derive(v) for p, v in per.items()} for k, per in per_shop.items()},
            "daily": [(d.isoformat(), int(n or 0), int(m or 0)) for d, n, m in daily]}


@router.get("/")
def dashboard(request: Request, shop: str | None = None,
              who: Who = need("dashboard")) -> Response:
    console = console_of(request)
    scope = who.shop_scope
    if shop:
        check_shop(who, shop)
    shop_id = shop or scope
    now = console.now()
    today = business_day(now)

    def work(s: Session) -> dict[str, Any]:
        shops = {r.id: r for r in s.scalars(select(ShopRow).order_by(ShopRow.code))}
        figs = figures(s, today, shop_id)
        tills = s.execute(select(TillRow, ShopRow.code, TillReportRow.backlog)
                          .join(ShopRow, ShopRow.id == TillRow.shop_id)
                          .outerjoin(TillReportRow, TillReportRow.till_id == TillRow.id)
                          .where(TillRow.revoked_at.is_(None), TillRow.key_hash.is_not(None),
                                 *([TillRow.shop_id == shop_id] if shop_id else []))
                          .where((TillRow.last_seen_at.is_(None)) |
                                 (TillRow.last_seen_at < now - OFFLINE_AFTER))
                          .order_by(TillRow.last_seen_at)).all()
        out: dict[str, Any] = {"figs": figs, "shops": shops,
                               "offline": [(code, t.code, local_time(t.last_seen_at), backlog)
                                           for t, code, backlog in tills]}
        if not shop_id:
            out["liability"] = _liability(console, s)
            resolved = select(WorkNoteRow.item_id).where(WorkNoteRow.item_kind == "flag",
                                                         WorkNoteRow.resolved.is_(True))
            out["open_flags"] = s.execute(select(func.count()).select_from(FlagRow).where(
                FlagRow.id.not_in(resolved))).scalar_one()
            out["receivables_fen"] = int(s.execute(select(func.coalesce(func.sum(
                ReceivableRow.amount_fen - ReceivableRow.recovered_fen), 0))).scalar_one())
        return out
    data = console.read(work)
    chart = {"days": [d for d, _, _ in data["figs"]["daily"]],
             "net": [n for _, n, _ in data["figs"]["daily"]],
             "member": [m for _, _, m in data["figs"]["daily"]]}
    return console.render(request, who, "dashboard.html", today=today, shop_id=shop_id,
                          chart_json=json.dumps(chart), **data)
