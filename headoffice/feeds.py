"""Change feeds: writers note (stream, key); readers page with a keyset cursor that never
skips a late commit.

PostgreSQL takes sequence values at insert but makes rows visible at commit, so
`WHERE seq > cursor` can skip a row whose transaction commits after a later one
(reference/offline-sync.md §4). We make commits happen in seq order instead (fix (b)):
a writer takes a transaction-scoped advisory lock just before it numbers its feed rows and
holds it until its commit, which is the last thing it does; the next writer can only take
a number after that commit is visible. Every writer emits at the end of its transaction,
so the serialised window is the emit and the commit.

We first used fix (a), serving only rows below pg_snapshot_xmin(pg_current_snapshot()).
It is correct but the horizon is cluster-wide: any long write transaction in any database
of the cluster (a bulk import, another application) stalled every feed until it ended,
which the tests saw in practice. The `xid` column stays for cursor compatibility (0).
SQLite serialises writers (BEGIN IMMEDIATE) and needs no lock.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text, tuple_
from sqlalchemy.orm import Session

from headoffice.errors import BadCursor, UnknownStream
from headoffice.ledger import bulk_insert
from headoffice.member_privacy import reduced_state
from headoffice.models import (
    CardRow,
    ChangeLogRow,
    DocumentRow,
    MemberAccountRow,
    MemberRow,
    TillRow,
)
from pos_app.sync.events import STREAMS

if TYPE_CHECKING:
    from headoffice.enrolment import TillIdentity
    from headoffice.service import HeadOffice

MAX_PAGE = 5000
DOCUMENT_STREAMS = ("catalog", "prices", "promotions", "rule_sets", "settings")
FEED_LOCK = 0x504F5346454544  # "POSFEED": the advisory lock that orders feed commits


def emit(session: Session, stream: str, keys: list[str] | set[str]) -> None:
    """Note that these entities changed, in the writer's transaction, as its last write."""
    if not keys:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": FEED_LOCK})
    bulk_insert(session, ChangeLogRow.__table__,
                [{"stream": stream, "key": k, "xid": 0} for k in sorted(keys)])


def put_document(session: Session, stream: str, key: str, body: Any, now: datetime) -> int:
    """Publish one document on its feed, as the writer's last write: the body as canonical
    JSON, its version one more than before (1 for a new one). Returns the version."""
    row = session.get(DocumentRow, (stream, key), with_for_update=True)
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True)
    if row is None:
        session.add(DocumentRow(stream=stream, key=key, body=canonical, version=1,
                                updated_at=now))
        version = 1
    else:
        row.body, row.version, row.updated_at = canonical, row.version + 1, now
        version = row.version
    session.flush()
    emit(session, stream, {key})
    return version


def parse_cursor(cursor: str) -> tuple[int, int]:
    if not cursor:
        return (0, 0)
    try:
        xid, _, seq = cursor.partition(".")
        value = (int(xid), int(seq))
    except ValueError:
        raise BadCursor(cursor) from None
    if value[0] < 0 or value[1] < 0 or value[0] >= 2 ** 63 or value[1] >= 2 ** 63:
        raise BadCursor(cursor)
    return value


@dataclass(frozen=True)
class Page:
    stream: str
    items: list[dict[str, Any]]
    cursor: str
    more: bool


def for_shop(stream: str, body: Any, shop_code: str | None) -> Any:
    """A document as one shop's tills see it: the shop's own price (`price_by_shop`), and a
    promotion limited to other shops (`shops`) read as no promotion."""
    if shop_code is None or not isinstance(body, dict):
        return body
    if stream in ("catalog", "prices") and isinstance(body.get("price_by_shop"), dict):
        own = body["price_by_shop"].get(shop_code)
        body = {k: v for k, v in body.items() if k != "price_by_shop"}
        if own is not None:
            body["price_fen"] = own
    elif stream == "promotions" and body.get("shops") and shop_code not in body["shops"]:
        body = {**body, "rate_bp": None}
    return body


def read_page(session: Session, stream: str, cursor: str, limit: int,
              shop_code: str | None = None) -> Page:
    """Up to `limit` changed entities after `cursor`, with their state as of this snapshot.

    The caller runs this in one REPEATABLE READ transaction on PostgreSQL, so the feed rows
    and the entity states are one consistent snapshot."""
    if stream not in STREAMS:
        raise UnknownStream(stream)
    limit = max(1, min(limit, MAX_PAGE))
    after = parse_cursor(cursor)
    q = (select(ChangeLogRow.xid, ChangeLogRow.seq, ChangeLogRow.key)
         .where(ChangeLogRow.stream == stream,
                tuple_(ChangeLogRow.xid, ChangeLogRow.seq) > tuple_(after[0], after[1]))
         .order_by(ChangeLogRow.xid, ChangeLogRow.seq).limit(limit + 1))
    rows = session.execute(q).all()
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return Page(stream, [], cursor or "0.0", False)
    keys: list[str] = []
    seen: set[str] = set()
    for r in rows:
        if r.key not in seen:
            seen.add(r.key)
            keys.append(r.key)
    states = _states(session, stream, keys, shop_code)
    items = [{"key": k, "state": states.get(k)} for k in keys]
    last = rows[-1]
    return Page(stream, items, f"{last.xid}.{last.seq}", more)


_MEMBER_COLS = (MemberRow.id, MemberRow.name, MemberRow.mobile, MemberRow.gender,
                MemberRow.birthday, MemberRow.birthday_calendar, MemberRow.consent_messages,
                MemberRow.tier_code, MemberRow.referrer_id, MemberRow.field_clocks)
_BALANCE_COLS = (MemberAccountRow.balance_paid_fen, MemberAccountRow.balance_bonus_fen,
                 MemberAccountRow.spendable_points, MemberAccountRow.accumulated_points,
                 MemberAccountRow.receivable_fen)
_CARD_COLS = (CardRow.card_no, CardRow.member_id, CardRow.kind, CardRow.status,
              CardRow.status_version, CardRow.generation, CardRow.expires_on, CardRow.status_at,
              CardRow.replaced_by, CardRow.issued_at)


def pull(ho: HeadOffice, who: TillIdentity, stream: str, cursor: str, limit: int
         ) -> tuple[Page, int]:
    """One page of a stream and this till's acked seq, from one consistent snapshot."""
    with ho.sessions() as s:
        if ho.pg:
            s.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        page = read_page(s, stream, cursor, limit, who.shop_code)
        acked = s.execute(select(TillRow.acked_seq).where(TillRow.id == who.till_id)
                          ).scalar_one()
        s.commit()
    return page, acked


def balance_state(member_id: str, a: Any) -> dict[str, Any]:
    a = tuple(a) if a is not None and a[0] is not None else (0, 0, 0, 0, 0)
    return {"member_id": member_id, "balance_paid_fen": a[0], "balance_bonus_fen": a[1],
            "spendable_points": a[2], "accumulated_points": a[3], "receivable_fen": a[4]}


def card_state(c: Any) -> dict[str, Any]:
    return {"card_no": c.card_no, "member_id": c.member_id, "kind": c.kind, "status": c.status,
            "status_version": c.status_version, "generation": c.generation,
            "expires_on": c.expires_on.isoformat() if c.expires_on else None,
            "status_at": c.status_at.isoformat() if c.status_at else None,
            "replaced_by": c.replaced_by, "issued_at": c.issued_at.isoformat()}


def _states(session: Session, stream: str, keys: list[str],
            shop_code: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for i in range(0, len(keys), 1000):
        chunk = keys[i:i + 1000]
        if stream == "members":
            rows = session.execute(
                select(*_MEMBER_COLS, *_BALANCE_COLS)
                .outerjoin(MemberAccountRow, MemberAccountRow.member_id == MemberRow.id)
                .where(MemberRow.id.in_(chunk))).all()
            for r in rows:
                # Tills get the reduced form only (headoffice/member_privacy.py).
                out[r[0]] = reduced_state(session, {
                    "id": r[0], "name": r[1], "mobile": r[2], "gender": r[3],
                    "birthday": r[4], "birthday_calendar": r[5],
                    "consent_messages": r[6], "tier_code": r[7], "referrer_id": r[8],
                    "field_clocks": json.loads(r[9] or "{}"),
                    "balance": balance_state(r[0], r[10:])})
        elif stream == "balances":
            for r in session.execute(select(MemberAccountRow.member_id, *_BALANCE_COLS)
                                     .where(MemberAccountRow.member_id.in_(chunk))):
                out[r[0]] = balance_state(r[0], r[1:])
        elif stream in ("cards", "card_status"):
            for c in session.execute(select(*_CARD_COLS).where(CardRow.card_no.in_(chunk))):
                if stream == "card_status":
                    out[c.card_no] = {"card_no": c.card_no, "member_id": c.member_id,
                                      "status": c.status, "status_version": c.status_version,
                                      "status_at": c.status_at.isoformat() if c.status_at
                                      else None}
                else:
                    out[c.card_no] = card_state(c)
        else:
            for d in session.scalars(select(DocumentRow).where(DocumentRow.stream == stream,
                                                               DocumentRow.key.in_(chunk))):
                out[d.key] = {"key": d.key, "version": d.version,
                              "body": for_shop(stream, json.loads(d.body), shop_code)}
    return out
