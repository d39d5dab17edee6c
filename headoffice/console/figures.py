"""Figures kept up to date as events are ingested, so console pages never scan the sales:

- `daily_figures`: per shop and business day (the till's sale date), sales, returns, member
  sales, points issued/redeemed, stored value taken and spent, new members;
- `daily_breakdown`: the same days split by cashier, tender and top-level category (the
  reports), returns netted out;
- `member_search`: each member's name, its pinyin and initials, and the mobile's last 4;
- `tier_changes`: each change of a member's tier (the member page's tier history).

`note()` is the one call ingest makes per applied event; it only adds to counters kept in
`session.info`. Just before the transaction commits, the counters become one upsert per
(day, shop), and members written in the transaction get their search row, so the figures
commit or roll back with the events they count."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session, attributes

from headoffice.console.models import (
    CatalogProductRow,
    DailyBreakdownRow,
    DailyFigureRow,
    MemberSearchRow,
    TierChangeRow,
)
from headoffice.models import MemberRow

FIGURES = "console_daily_figures"
BREAKDOWN = "console_daily_breakdown"
CATEGORIES = "console_categories"
SEARCH = "console_search_dirty"
NO_CATEGORY = "—"


def note(session: Session, b: Any, kind: str, payload: dict[str, Any],
         result: dict[str, Any]) -> None:
    """Count one applied event into the day's figures of its shop."""
    if b.shop_id is None or result.get("status", "applied") != "applied":
        return
    day = (b.client_at or b.at).date()
    acc: defaultdict[tuple[date, str], Counter[str]] = session.info.setdefault(
        FIGURES, defaultdict(Counter))
    c = acc[(day, b.shop_id)]
    if kind in ("sale.completed", "sale.returned"):
        sale = payload.get("sale") or {}
        total = sum(int(t.get("amount_fen", 0)) for t in sale.get("tenders") or [])
        member = sale.get("member") or {}
        is_member = bool(payload.get("member_id") or member.get("member_id"))
        spent = sum(int(t.get("sv_paid_fen", 0)) + int(t.get("sv_bonus_fen", 0))
                    for t in sale.get("tenders") or [] if t.get("kind") == "stored_value")
        _breakdown(session, day, b.shop_id, kind, sale)
        if kind == "sale.completed":
            c["sales_count"] += 1
            c["sales_fen"] += total
            c["sv_spent_fen"] += spent
            c["points_issued"] += int(member.get("points_earned", 0) or 0)
            c["points_redeemed"] += int(member.get("points_redeemed", 0) or 0) + sum(
                int(t.get("points_used", 0)) for t in sale.get("tenders") or []
                if t.get("kind") == "points")
            if is_member:
                c["member_sales_count"] += 1
                c["member_sales_fen"] += total
        else:
            c["returns_count"] += 1
            c["returns_fen"] += abs(total)
            c["sv_spent_fen"] -= spent
            if is_member:
                c["member_sales_fen"] -= abs(total)
    elif kind == "stored_value.topup":
        c["sv_topup_paid_fen"] += int(payload.get("paid_fen", 0))
        c["sv_topup_bonus_fen"] += int(payload.get("bonus_fen", 0))
    elif kind == "member.registered":
        if payload.get("source") != "import":   # members brought over are not new members
            c["new_members"] += 1
        ref = payload.get("referral") or {}
        c["points_issued"] += int(ref.get("points", 0) or 0) if ref.get("referrer_id") else 0


def breakdown_of(kind: str, sale: dict[str, Any], category_of: Any
                 ) -> dict[tuple[str, str], tuple[int, int, int]]:
    """(dimension, key) -> (sales, returns, net fen) one sale document adds to its day: by
    cashier, by tender kind and by top-level category (`category_of(sku)`, '' if unknown).
    A return counts as a return under each key it touches and takes its amounts off."""
    ret = kind == "sale.returned"
    sign = -1 if ret else 1
    net: dict[tuple[str, str], int] = defaultdict(int)
    total = sum(int(t.get("amount_fen", 0)) for t in sale.get("tenders") or [])
    net[("cashier", str(sale.get("cashier_name") or "")[:120] or NO_CATEGORY)] += sign * abs(total)
    for t in sale.get("tenders") or []:
        net[("tender", str(t.get("kind") or "")[:120] or NO_CATEGORY)] += \
            sign * abs(int(t.get("amount_fen", 0)))
    for ln in sale.get("lines") or []:
        top = (category_of(str(ln.get("sku"))) or "").split("/")[0]
        net[("category", top[:120] or NO_CATEGORY)] += sign * abs(int(ln.get("amount_fen", 0)))
    return {k: (0 if ret else 1, 1 if ret else 0, v) for k, v in net.items()}


def _breakdown(session: Session, day: date, shop_id: str, kind: str,
               sale: dict[str, Any]) -> None:
    cats: dict[str, str] = session.info.setdefault(CATEGORIES, {})
    skus = {str(ln.get("sku")) for ln in sale.get("lines") or []} - cats.keys()
    if skus:
        with session.no_autoflush:
            found = dict(session.execute(select(CatalogProductRow.sku,
                                                CatalogProductRow.category_path)
                                         .where(CatalogProductRow.sku.in_(skus))).all())
        cats.update({k: found.get(k, "") for k in skus})
    acc: defaultdict[tuple[date, str, str, str], Counter[str]] = session.info.setdefault(
        BREAKDOWN, defaultdict(Counter))
    for (dim, key), (n_sales, n_returns, fen) in breakdown_of(kind, sale, cats.get).items():
        c = acc[(day, shop_id, dim, key)]
        c["sales_count"] += n_sales
        c["returns_count"] += n_returns
        c["net_fen"] += fen


_UPSERTS: dict[str, str] = {}


def _upsert(session: Session, rows: list[dict[str, Any]], model: Any = DailyFigureRow) -> None:
    """Add `rows` to the counters of `model` (one row per primary key; made if missing)."""
    if not rows:
        return
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    cols = [c.name for c in table.columns if c.name not in keys]
    values = {**{k: [row[k] for row in rows] for k in keys},
              **{c: [int(row.get(c, 0)) for row in rows] for c in cols}}
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        # One statement over arrays, its text made once per table: a push writes these at
        # every commit, and a multi-row INSERT .. ON CONFLICT was compiled anew each time.
        sql = _UPSERTS.get(table.name)
        if sql is None:
            q = dialect.identifier_preparer.quote
            arrays = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect=dialect)}[])"
                               for n in keys + cols)
            sql = _UPSERTS[table.name] = (
                f"INSERT INTO {q(table.name)} ({', '.join(q(n) for n in keys + cols)}) "
                f"SELECT * FROM unnest({arrays}) "
                f"ON CONFLICT ({', '.join(q(k) for k in keys)}) DO UPDATE SET "
                + ", ".join(f"{q(c)} = {q(table.name)}.{q(c)} + EXCLUDED.{q(c)}"
                            for c in cols))
        session.execute(text(sql), values)
        return
    from sqlalchemy.dialects.sqlite import insert as upsert
    for i in range(0, len(rows), 500):
        stmt = upsert(table).values([{n: values[n][j] for n in keys + cols}
                                     for j in range(i, min(i + 500, len(rows)))])
        session.execute(stmt.on_conflict_do_update(
            index_elements=keys, set_={c: table.c[c] + stmt.excluded[c] for c in cols}))


def pinyin_of(name: str) -> tuple[str, str]:
    """('zhangsan', 'zs') for 张三; other characters are kept as they are, lower-cased."""
    from pypinyin import Style, lazy_pinyin

    full = lazy_pinyin(name, errors="default")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return ("".join(full).lower().replace(" ", "")[:240],
            "".join(initials).lower().replace(" ", "")[:60])


def search_row(member_id: str, name: str, mobile: str | None) -> dict[str, Any]:
    full, initials = pinyin_of(name or "")
    digits = "".join(ch for ch in (mobile or "") if ch.isdigit())
    return {"member_id": member_id, "name": (name or "")[:60], "pinyin": full,
            "initials": initials, "mobile_last4": digits[-4:] if len(digits) >= 4 else ""}


def reindex(session: Session, member_ids: set[str]) -> None:
    if not member_ids:
        return
    ids = sorted(member_ids)
    for i in range(0, len(ids), 1000):
        chunk = ids[i:i + 1000]
        rows = session.execute(select(MemberRow.id, MemberRow.name, MemberRow.mobile)
                               .where(MemberRow.id.in_(chunk))).all()
        existing = set(session.scalars(select(MemberSearchRow.member_id)
                                       .where(MemberSearchRow.member_id.in_(chunk))))
        for r in rows:
            values = search_row(r.id, r.name, r.mobile)
            if r.id in existing:
                obj = session.get(MemberSearchRow, r.id)
                for k, v in values.items():
                    setattr(obj, k, v)
            else:
                session.add(MemberSearchRow(**values))
    session.flush()


TIERS = "console_tier_changes"
IMPORTED = "console_imported_members"


def mark_imported(session: Session, member_id: str) -> None:
    """This transaction brings `member_id` over from an import (head office's member import,
    or a till's `pos import members`): its opening tier-history row says so."""
    session.info.setdefault(IMPORTED, set()).add(member_id)


@event.listens_for(Session, "after_flush")
def _members_written(session: Session, _ctx: Any) -> None:
    new = [o for o in session.new if isinstance(o, MemberRow)]
    written = new + [o for o in session.dirty if isinstance(o, MemberRow)]
    if not written:
        return
    session.info.setdefault(SEARCH, set()).update(o.id for o in written)
    imported = session.info.get(IMPORTED, set())
    for o in written:
        if o.stub:
            continue
        # A member head office first knew as a stub (a sale before its registration) opens
        # its history when the registration arrives, even with the stub's tier.
        if o in new or attributes.get_history(o, "stub").deleted == [True]:
            session.info.setdefault(TIERS, []).append(
                (o.id, None, o.tier_code, o.updated_at,
                 "import" if o.id in imported else "registered"))
            continue
        hist = attributes.get_history(o, "tier_code")
        if hist.added:
            before = hist.deleted[0] if hist.deleted else None
            if before != hist.added[0]:
                session.info.setdefault(TIERS, []).append(
                    (o.id, before, hist.added[0], o.updated_at, "change"))


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    write_counted(session)


def write_counted(session: Session) -> None:
    """Write what this transaction counted so far (search rows, tier history, the day's
    figures). Commit does it anyway; a push calls it before it takes the feed lock, so the
    chain-wide lock is not held over these writes."""
    session.flush()
    ids = session.info.pop(SEARCH, None)
    if ids:
        reindex(session, ids)
    tiers = session.info.pop(TIERS, None)
    if tiers:
        session.execute(insert(TierChangeRow), [
            {"member_id": m, "from_tier": a, "to_tier": b, "at": at, "reason": why}
            for m, a, b, at, why in tiers])
    acc = session.info.pop(FIGURES, None)
    if acc:
        _upsert(session, [{"day": d, "shop_id": shop, **counts}
                          for (d, shop), counts in sorted(acc.items())])
    parts = session.info.pop(BREAKDOWN, None)
    if parts:
        _upsert(session, [{"day": d, "shop_id": shop, "dimension": dim, "key": key, **counts}
                          for (d, shop, dim, key), counts in sorted(parts.items())],
                DailyBreakdownRow)


# A push that meets a bad event runs again with a savepoint per event (service.push): what a
# rolled-back savepoint counted must go with it, and nothing outlives the transaction.
SNAPSHOTS = "console_figure_snapshots"


COUNTED = (FIGURES, BREAKDOWN)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_started(session: Session, trans: Any) -> None:
    if trans.nested:
        copies = {}
        for name in COUNTED:
            acc = session.info.get(name)
            copies[name] = {k: Counter(v) for k, v in acc.items()} if acc else None
        # The tier changes noted so far: a rolled-back event's member writes are undone, so
        # are the history rows they noted.
        copies[TIERS] = len(session.info.get(TIERS, ()))
        session.info.setdefault(SNAPSHOTS, {})[id(trans)] = copies


@event.listens_for(Session, "after_soft_rollback")
def _savepoint_rolled_back(session: Session, previous: Any) -> None:
    if previous.nested and id(previous) in session.info.get(SNAPSHOTS, {}):
        copies = session.info[SNAPSHOTS].pop(id(previous))
        noted = copies.pop(TIERS)
        if TIERS in session.info:
            del session.info[TIERS][noted:]
        for name, copy in copies.items():
            if copy is None:
                session.info.pop(name, None)
            else:
                session.info[name] = defaultdict(Counter, copy)


# A savepoint's snapshot stays until the outer transaction ends: SQLAlchemy ends a savepoint
# (after_transaction_end) before it reports the rollback (after_soft_rollback), so dropping
# it at the end left nothing to restore from and a rolled-back event's counts were kept.
@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, trans: Any) -> None:
    if not trans.nested and trans.parent is None:
        for key in (FIGURES, BREAKDOWN, CATEGORIES, SEARCH, SNAPSHOTS, TIERS, IMPORTED):
            session.info.pop(key, None)
