"""SQL behind the manager reports (read-only; runs on its own short transaction)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased

from db.engine import create_sqlite_engine
from db.models import (
    CardRow,
    CategoryRow,
    MemberRow,
    ProductRow,
    SaleLineRow,
    SaleRow,
    TenderRow,
    UserRow,
)
from pos_app.domain.money import format_yuan
from pos_app.services.reports import Reminder, ReportRow


def transaction_sign() -> Any:
    """+1 for a sale, -1 for the return that takes back the last of a sale, 0 for a partial
    return: a transaction counts once and goes only when nothing of it is kept. The sales,
    member-analysis and Z reports all count with this."""
    other = aliased(SaleRow)
    sold = aliased(SaleLineRow)
    back = aliased(SaleLineRow)
    later = aliased(SaleRow)
    qty_sold = (select(func.coalesce(func.sum(sold.qty), 0))
                .where(sold.sale_id == SaleRow.original_sale_id).scalar_subquery())
    qty_back = (select(func.coalesce(func.sum(back.qty), 0))
                .join(other, other.id == back.sale_id)
                .where(other.original_sale_id == SaleRow.original_sale_id).scalar_subquery())
    newer = (select(func.count()).select_from(later)
             .where(later.original_sale_id == SaleRow.original_sale_id,
                    or_(later.created_at > SaleRow.created_at,
                        and_(later.created_at == SaleRow.created_at, later.id > SaleRow.id)))
             .scalar_subquery())
    return case((SaleRow.kind == "sale", 1),
                (and_(qty_back >= qty_sold, newer == 0), -1), else_=0)


def sale_qty() -> Any:
    lines = aliased(SaleLineRow)
    return (select(func.coalesce(func.sum(lines.qty), 0))
            .where(lines.sale_id == SaleRow.id).scalar_subquery())


class SqlReportQueries:
    """Report queries on one session; open it with `with` so the read ends promptly."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def __enter__(self) -> SqlReportQueries:
        return self

    def __exit__(self, *exc: object) -> None:
        self._s.close()

    def sales_by(self, dimension: str, start: datetime, end: datetime) -> list[ReportRow]:
        sign = case((SaleRow.kind == "return", -1), else_=1)
        period = and_(SaleRow.created_at >= start, SaleRow.created_at < end)
        if dimension in ("day", "hour", "cashier"):
            key = {"day": func.strftime("%Y-%m-%d", SaleRow.created_at),
                   "hour": func.strftime("%H:00", SaleRow.created_at),
                   "cashier": UserRow.display_name}[dimension]
            stmt = (select(key, func.sum(transaction_sign()), func.sum(sign * sale_qty()),
                           func.sum(sign * (SaleRow.total_fen - SaleRow.rounding_fen)))
                    .select_from(SaleRow).join(UserRow, UserRow.id == SaleRow.user_id)
                    .where(period).group_by(key).order_by(key))
        elif dimension == "tender":
            stmt = (select(TenderRow.kind, func.sum(0), func.sum(sign * TenderRow.amount_fen))
                    .join(SaleRow, SaleRow.id == TenderRow.sale_id)
                    .where(period).group_by(TenderRow.kind).order_by(TenderRow.kind))
            counts = self._transactions(
                select(TenderRow.sale_id.label("sid"), TenderRow.kind.label("k")), period)
            return [ReportRow(str(k), counts.get(str(k), 0), int(q or 0), int(a or 0))
                    for k, q, a in self._s.execute(stmt)]
        else:
            key = (CategoryRow.path if dimension == "category"
                   else SaleLineRow.sku + " " + SaleLineRow.name)
            lines = (select(SaleLineRow.sale_id.label("sid"), func.coalesce(key, "").label("k"))
                     .select_from(SaleLineRow)
                     .join(ProductRow, ProductRow.id == SaleLineRow.product_id)
                     .outerjoin(CategoryRow, CategoryRow.id == ProductRow.category_id))
            stmt = (select(func.coalesce(key, ""), func.sum(sign * SaleLineRow.qty),
                           func.sum(sign * SaleLineRow.amount_fen))
                    .select_from(SaleLineRow).join(SaleRow, SaleRow.id == SaleLineRow.sale_id)
                    .join(ProductRow, ProductRow.id == SaleLineRow.product_id)
                    .outerjoin(CategoryRow, CategoryRow.id == ProductRow.category_id)
                    .where(period).group_by(key)
                    .order_by(func.sum(sign * SaleLineRow.amount_fen).desc()))
            counts = self._transactions(lines, period)
            return [ReportRow(str(k), counts.get(str(k), 0), int(q or 0), int(a or 0))
                    for k, q, a in self._s.execute(stmt)]
        return [ReportRow(str(k), int(c or 0), int(q or 0), int(a or 0))
                for k, c, q, a in self._s.execute(stmt)]

    def _transactions(self, keys: Any, period: Any) -> dict[str, int]:
        """Transactions per key (a tender kind, a category, a product): the distinct sales that
        have the key, each counted once and gone only with the return of the last of it, as
        the day, member and Z reports count them (never tender or line rows). A return counts
        under its original sale's keys."""
        pairs = keys.distinct().subquery()
        stmt = (select(pairs.c.k, func.sum(transaction_sign())).select_from(SaleRow)
                .join(pairs, pairs.c.sid == func.coalesce(SaleRow.original_sale_id, SaleRow.id))
                .where(period).group_by(pairs.c.k))
        return {str(k): int(n or 0) for k, n in self._s.execute(stmt)}

    def member_figures(self, start: datetime, end: datetime) -> dict[str, int]:
        # Net of returns, counted the way the sales and Z reports count: a transaction goes
        # only with the return of the last of it; money goes with every return.
        period = and_(SaleRow.created_at >= start, SaleRow.created_at < end)
        sign = case((SaleRow.kind == "return", -1), else_=1)
        t = transaction_sign()
        net = sign * (SaleRow.total_fen - SaleRow.rounding_fen)
        is_member = SaleRow.member_id.is_not(None)
        sales = self._s.execute(select(
            func.coalesce(func.sum(t), 0),
            func.coalesce(func.sum(case((is_member, t), else_=0)), 0),
            func.coalesce(func.sum(net), 0),
            func.coalesce(func.sum(case((is_member, net), else_=0)), 0),
            func.count(func.distinct(case((SaleRow.kind == "sale", SaleRow.member_id),
                                          else_=None)))).where(period)).one()
        members = self._s.execute(select(
            func.count(), func.coalesce(func.sum(MemberRow.spendable_points), 0),
            func.coalesce(func.sum(MemberRow.balance_paid_fen + MemberRow.balance_bonus_fen), 0),
            func.count().filter(and_(MemberRow.created_at >= start, MemberRow.created_at < end))
        )).one()
        return {"sales_count": sales[0], "member_sales_count": sales[1],
                "revenue_fen": int(sales[2]), "member_revenue_fen": int(sales[3]),
                "active_members": sales[4], "members": members[0],
                "points_liability": int(members[1]), "stored_value_liability_fen": int(members[2]),
                "new_members": members[3]}

    @staticmethod
    def _reminder(kind: str, row: Any, detail: str) -> Reminder:
        return Reminder(kind, row.id, row.name, row.mobile_masked, detail, bool(row.consent_messages))

    def birthdays_on(self, keys: list[tuple[str, str]], limit: int) -> list[Reminder]:
        if not keys:
            return []
        month_day = func.substr(MemberRow.birthday, 6)
        rows = self._s.scalars(select(MemberRow).where(
            MemberRow.birthday.is_not(None),
            tuple_(MemberRow.birthday_calendar, month_day).in_(keys)).limit(limit))
        return [self._reminder("birthday", r, f"{r.birthday_calendar}:{r.birthday[5:]}")
                for r in rows]

    def low_balance(self, below_fen: int, limit: int) -> list[Reminder]:
        total = MemberRow.balance_paid_fen + MemberRow.balance_bonus_fen
        rows = self._s.scalars(select(MemberRow).where(total > 0, total < below_fen)
                               .order_by(total).limit(limit))
        return [self._reminder("low_balance", r,
                               format_yuan(r.balance_paid_fen + r.balance_bonus_fen)) for r in rows]

    def expiring(self, until: date, limit: int) -> list[Reminder]:
        rows = self._s.execute(select(MemberRow, CardRow.expires_on)
                               .join(CardRow, CardRow.member_id == MemberRow.id)
                               .where(CardRow.status == "active", CardRow.expires_on.is_not(None),
                                      CardRow.expires_on <= until)
                               .order_by(CardRow.expires_on).limit(limit)).all()
        return [self._reminder("expiring", m, e.isoformat()) for m, e in rows]

    def dormant(self, since: datetime, limit: int) -> list[Reminder]:
        rows = self._s.scalars(select(MemberRow).where(or_(
            MemberRow.last_purchase_at < since,
            and_(MemberRow.last_purchase_at.is_(None), MemberRow.created_at < since)))
            .order_by(MemberRow.last_purchase_at).limit(limit))
        return [self._reminder("dormant", r, (r.last_purchase_at or r.created_at).date().isoformat())
                for r in rows]

    def redeemable(self, points: int, limit: int) -> list[Reminder]:
        rows = self._s.scalars(select(MemberRow).where(MemberRow.spendable_points >= points)
                               .order_by(MemberRow.spendable_points.desc()).limit(limit))
        return [self._reminder("redeemable", r, str(r.spendable_points)) for r in rows]


class SqlReportQueriesFactory:
    """Read sessions on a separate engine that begins with plain BEGIN: a report never takes
    the write lock the tills' sales queue on."""

    def __init__(self, path: Path) -> None:
        from db.store import key_for_file
        self._engine = create_sqlite_engine(path, read_only=True, key=key_for_file(path))

    def __call__(self) -> SqlReportQueries:
        return SqlReportQueries(Session(self._engine))
