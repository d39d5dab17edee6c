"""Money pages' use cases: the monthly settlement (preview, close, entries), the worklist of
flags and receivables, and sales reports; Excel files for settlement and reports."""
from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.models import DailyBreakdownRow, DailyFigureRow, WorkNoteRow
from headoffice.models import (
    FlagRow,
    MemberRow,
    ReceivableRow,
    SettlementRow,
    ShopRow,
    StoredValueEntryRow,
)
from headoffice.refusals import publish_resolution
from headoffice.settlement import compute_from_ledger

REPORT_DIMENSIONS = ("day", "shop", "cashier", "tender", "category")
ENTRY_PAGE = 500


def check_period(text: str) -> str:
    if len(text) != 7 or text[4] != "-" or not (text[:4] + text[5:]).isdigit() or \
            not 1 <= int(text[5:]) <= 12:
        raise BadUserInput("period", "Write the month as YYYY-MM.")
    return text


def closed(s: Session, period: str) -> dict[str, Any] | None:
    row = s.get(SettlementRow, period)
    return json.loads(row.body) if row is not None else None


def preview(s: Session, period: str) -> dict[str, Any]:
    """The settlement as it stands now (the same computation as closing, not stored)."""
    return compute_from_ledger(s, period)


def entries(s: Session, period: str, shop_code: str, offset: int) -> list[dict[str, Any]]:
    shop_id = None
    if shop_code != "HQ":
        shop_id = s.scalar(select(ShopRow.id).where(ShopRow.code == shop_code))
        if shop_id is None:
            raise BadUserInput("shop", "Unknown shop")
    q = (select(StoredValueEntryRow, MemberRow.name).outerjoin(
        MemberRow, MemberRow.id == StoredValueEntryRow.member_id)
        .where(StoredValueEntryRow.period == period,
               StoredValueEntryRow.shop_id == shop_id if shop_id else
               StoredValueEntryRow.shop_id.is_(None))
        .order_by(StoredValueEntryRow.booked_at, StoredValueEntryRow.id)
        .offset(offset).limit(ENTRY_PAGE))
    return [{"at": e.booked_at, "member_id": e.member_id, "name": name, "kind": e.kind,
             "paid": e.paid_delta_fen, "bonus": e.bonus_delta_fen, "offline": e.offline,
             "flagged": e.flagged} for e, name in s.execute(q)]


def settlement_xlsx(doc: dict[str, Any]) -> bytes:
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from headoffice.settlement import export_xlsx
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "settlement.xlsx"
        export_xlsx(doc, path)
        return path.read_bytes()


# -- worklist -------------------------------------------------------------------------------
def worklist(s: Session, show: str, shop_scope: str | None) -> dict[str, Any]:
    notes: dict[tuple[str, int], list[WorkNoteRow]] = defaultdict(list)
    for n in s.scalars(select(WorkNoteRow).order_by(WorkNoteRow.id)):
        notes[(n.item_kind, n.item_id)].append(n)

    def resolved(kind: str, item_id: int) -> bool:
        ns = notes.get((kind, item_id), [])
        return bool(ns) and ns[-1].resolved

    codes = {r.id: r.code for r in s.scalars(select(ShopRow))}
    fq = select(FlagRow).order_by(FlagRow.id.desc()).limit(1000)
    if shop_scope:
        fq = fq.where(FlagRow.shop_id == shop_scope)
    flags = [{"id": f.id, "kind": f.kind, "shop": codes.get(f.shop_id, ""),
              "member_id": f.member_id, "card_no": f.card_no, "at": f.at,
              "detail": json.loads(f.detail or "{}"), "resolved": resolved("flag", f.id),
              "notes": notes.get(("flag", f.id), [])} for f in s.scalars(fq)]
    rq = select(ReceivableRow).order_by(ReceivableRow.id.desc()).limit(1000)
    recs = [{"id": r.id, "shop": codes.get(r.shop_id, ""), "member_id": r.member_id,
             "amount_fen": r.amount_fen, "recovered_fen": r.recovered_fen, "at": r.created_at,
             "open": r.recovered_fen < r.amount_fen,
             "resolved": resolved("receivable", r.id),
             "notes": notes.get(("receivable", r.id), [])} for r in s.scalars(rq)]
    if show == "open":
        flags = [f for f in flags if not f["resolved"]]
        recs = [r for r in recs if r["open"] and not r["resolved"]]
    return {"flags": flags, "receivables": recs}


def add_note(s: Session, now: datetime, who: Who, kind: str, item_id: int, comment: str,
             resolve: bool) -> None:
    if kind not in ("flag", "receivable"):
        raise BadUserInput("form", "Unknown item.")
    row = s.get(FlagRow if kind == "flag" else ReceivableRow, item_id)
    if row is None:
        raise BadUserInput("form", "Unknown item.")
    comment = comment.strip()
    if len(comment) > 500:
        raise BadUserInput(f"comment-{kind}-{item_id}", "At most 500 characters.")
    if not comment and not resolve:
        raise BadUserInput(f"comment-{kind}-{item_id}", "Write a comment, or resolve the item.")
    s.add(WorkNoteRow(item_kind=kind, item_id=item_id, resolved=resolve, comment=comment,
                      username=who.username, at=now))
    if resolve and kind == "flag":
        # A refused event resolved here is resolved on its till too, at its next pull.
        publish_resolution(s, row, now, who.username)
    audit(s, now, who, None, f"{kind}.resolved" if resolve else f"{kind}.commented",
          f"{kind} {item_id}", None, {"comment": comment, "resolved": resolve})


# -- reports --------------------------------------------------------------------------------
def parse_range(start_text: str, end_text: str, today: date) -> tuple[date, date]:
    try:
        start = date.fromisoformat(start_text) if start_text else today.replace(day=1)
    except ValueError:
        raise BadUserInput("from", "Pick a date.") from None
    try:
        end = date.fromisoformat(end_text) if end_text else today
    except ValueError:
        raise BadUserInput("to", "Pick a date.") from None
    if end < start:
        raise BadUserInput("to", "The last day is before the first day.")
    return start, end


def sales_report(s: Session, by: str, start: date, end: date, shop_id: str | None
                 ) -> list[tuple[str, int, int]]:
    """(label, transactions, net sales fen) rows, from figures kept on ingest: day and shop
    from `daily_figures`, cashier, tender and category from `daily_breakdown` (returns are
    netted out of the amounts; transactions count sales). No sale document is read."""
    if by not in REPORT_DIMENSIONS:
        raise BadUserInput("by", "Choose a report from the list.")
    if by in ("day", "shop"):
        t = DailyFigureRow
        key = t.day if by == "day" else t.shop_id
        q = (select(key, func.sum(t.sales_count), func.sum(t.sales_fen - t.returns_fen))
             .where(t.day >= start, t.day <= end).group_by(key).order_by(key))
        if shop_id:
            q = q.where(t.shop_id == shop_id)
        codes = {r.id: f"{r.code} {r.name}" for r in s.scalars(select(ShopRow))}
        return [(k.isoformat() if by == "day" else codes.get(k, k), int(n or 0), int(v or 0))
                for k, n, v in s.execute(q)]
    b = DailyBreakdownRow
    q = (select(b.key, func.sum(b.sales_count), func.sum(b.net_fen))
         .where(b.dimension == by, b.day >= start, b.day <= end).group_by(b.key))
    if shop_id:
        q = q.where(b.shop_id == shop_id)
    return sorted(((str(k), int(n or 0), int(v or 0)) for k, n, v in s.execute(q)),
                  key=lambda r: (-r[2], r[0]))


def report_xlsx(title: str, headers: list[str], rows: list[tuple[str, int, int]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for label, n, fen in rows:
        ws.append([label, n, Decimal(fen).scaleb(-2)])
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        for cell in row:
            cell.number_format = "#,##0.00"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
