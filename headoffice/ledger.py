"""The chain-wide ledgers: append entries, move the cached sums, book and recover receivables.

A late offline spend is always booked (the goods are gone). When it takes the balance below
zero the shortfall becomes a receivable and a flag; the member's next credit recovers it.
Balance = sum of entries, always: the receivable is a record about the balance, not money.

`Ledger` works a whole push batch at a time: it keeps the running sums in memory and writes
entries, receivables and the new sums in a few bulk statements. It locks the accounts it
touches in member id order, so concurrent batches cannot deadlock on them: up front, or -
`deferred`, as a push's first run over a batch does - only when it writes. Deferred, the
entries are booked against the sums read without a lock, and what depends on the balance
(whether a spend overdraws, the receivable it makes or a credit recovers, the figures a
result reports) is settled when the accounts are locked, from the sums then committed: a
push holds its members' accounts only while it writes, not while it works the batch out,
so tills whose batches share members wait for each other far less.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from headoffice.models import (
    CardRow,
    FlagRow,
    MemberAccountRow,
    MemberRow,
    PointsEntryRow,
    ReceivableRow,
    SaleRow,
    StoredValueEntryRow,
)
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.ledger import Entry, LedgerName, as_entry, balances_of


@dataclass
class Booking:
    """Where an entry comes from: the shop/till of the API key, the event, the time."""

    shop_id: str | None
    till_id: str | None
    event_id: str | None
    at: datetime
    client_at: datetime | None = None


def flag(session: Session, kind: str, b: Booking, *, member_id: str | None = None,
         card_no: str | None = None, **detail: Any) -> None:
    session.execute(insert(FlagRow).values(**_flag_row(kind, b, member_id, card_no, detail)))


def _flag_row(kind: str, b: Booking, member_id: str | None, card_no: str | None,
              detail: dict[str, Any]) -> dict[str, Any]:
    return {"kind": kind, "shop_id": b.shop_id, "till_id": b.till_id, "member_id": member_id,
            "card_no": card_no, "event_id": b.event_id,
            "detail": json.dumps(detail, sort_keys=True, default=str), "at": b.at}


def bulk_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Many rows in one go: COPY on PostgreSQL (same connection, same transaction),
    executemany elsewhere."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    cols = [c.name for c in table.columns if c.name in rows[0]]
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cur, cur.copy(
            f"COPY {table.name} ({', '.join(cols)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(tuple(r[c] for c in cols))


# Account sums in memory: paid, bonus, spendable, accumulated, receivable.
_P, _B, _S, _A, _R = range(5)


class Ledger:
    def __init__(self, session: Session, ids: UuidV7Source, *, deferred: bool = False) -> None:
        self.s = session
        self.ids = ids
        self.deferred = deferred
        # Deferred: per member, in booking order, what must be settled against the locked
        # sums: ("sv", paid, bonus, booking, entry id, result) and ("report", result).
        self._moves: dict[str, list[tuple[Any, ...]]] = {}
        self.accounts: dict[str, list[int]] = {}
        self._orig: dict[str, list[int]] = {}
        self.cards: dict[str, str | None] = {}
        self.sale_ids: set[str] = set()
        self.sv: list[dict[str, Any]] = []
        self.points_rows: list[dict[str, Any]] = []
        self.sales: list[dict[str, Any]] = []
        self.flags: list[dict[str, Any]] = []
        self.receivables: dict[str, list[dict[str, Any]]] = {}   # open ones read so far
        self._receivables_all: set[str] = set()     # members whose open ones are all read
        self.new_receivables: list[dict[str, Any]] = []
        # Offline stored-value spends written so far: (member id, fen spent), for the
        # offline-cap checks of the batch (push._offline_checks) without reading them back.
        self.offline_spends: list[tuple[str, int]] = []

    # -- loading -------------------------------------------------------------------------
    def preload(self, member_ids: set[str], card_nos: set[str], sale_ids: set[str]) -> None:
        todo = sorted(m for m in member_ids if m not in self.accounts)
        for i in range(0, len(todo), 1000):
            for member_id, *sums in self._sums(todo[i:i + 1000], lock=not self.deferred):
                self.accounts[member_id] = [int(x) for x in sums]
                self._orig[member_id] = list(self.accounts[member_id])
        cards = [c for c in card_nos if c not in self.cards]
        if cards:
            found = dict(self.s.execute(select(CardRow.card_no, CardRow.status)
                                        .where(CardRow.card_no.in_(cards))).all())
            for c in cards:
                self.cards[c] = found.get(c)
        if sale_ids:
            self.sale_ids |= set(self.s.scalars(select(SaleRow.id).where(SaleRow.id.in_(sale_ids))))

    def _sums(self, member_ids: list[str], *, lock: bool) -> Any:
        q = (select(MemberAccountRow.member_id, MemberAccountRow.balance_paid_fen,
                    MemberAccountRow.balance_bonus_fen, MemberAccountRow.spendable_points,
                    MemberAccountRow.accumulated_points, MemberAccountRow.receivable_fen)
             .where(MemberAccountRow.member_id.in_(member_ids))
             .order_by(MemberAccountRow.member_id))
        return self.s.execute(q.with_for_update() if lock else q)

    def card_status(self, card_no: str | None) -> str | None:
        if not card_no:
            return None
        if card_no not in self.cards:
            self.preload(set(), {card_no}, set())
        return self.cards[card_no]

    def ensure_member(self, member_id: str, b: Booking) -> bool:
        """Make a stub member for an id head office has not seen (flagged); True if it existed."""
        if member_id in self.accounts:
            return True
        self.preload({member_id}, set(), set())
        if member_id in self.accounts:
            return True
        self.s.add(MemberRow(id=member_id, name="", mobile=None, gender="", birthday=None,
                             birthday_calendar="solar", consent_messages=False,
                             tier_code="regular", referrer_id=None, field_clocks="{}",
                             home_shop_id=b.shop_id, stub=True, created_at=b.at,
                             updated_at=b.at))
        self.s.flush()
        self.open_account(member_id)
        self.flag("unknown_member", b, member_id=member_id)
        return False

    def open_account(self, member_id: str) -> None:
        """A new member's empty account (its member row is already flushed), known to this
        ledger as written, so the first booking updates it like any other."""
        self.s.add(MemberAccountRow(member_id=member_id, balance_paid_fen=0, balance_bonus_fen=0,
                                    spendable_points=0, accumulated_points=0, receivable_fen=0,
                                    version=0))
        self.s.flush()
        self.accounts[member_id] = [0, 0, 0, 0, 0]
        self._orig[member_id] = [0, 0, 0, 0, 0]

    # -- booking ---------------------------------------------------------------------------
    def flag(self, kind: str, b: Booking, *, member_id: str | None = None,
             card_no: str | None = None, **detail: Any) -> None:
        self.flags.append(_flag_row(kind, b, member_id, card_no, detail))

    def add_sale(self, row: dict[str, Any]) -> None:
        self.sales.append(row)
        self.sale_ids.add(row["id"])

    def stored_value(self, b: Booking, member_id: str, kind: str, paid: int, bonus: int, *,
                     sale_id: str | None = None, auth_id: str | None = None,
                     offline: bool = False, flagged: str = "",
                     result: dict[str, Any] | None = None) -> None:
        """Book one entry. If it overdraws, `result` (the event's answer) gets the flag
        "overdraft" and receivable_fen: at once, or when the ledger settles (deferred)."""
        self.ensure_member(member_id, b)
        entry_id = self.ids.new_id()
        self.sv.append({"id": entry_id, "member_id": member_id, "shop_id": b.shop_id,
                        "till_id": b.till_id, "event_id": b.event_id, "kind": kind,
                        "paid_delta_fen": paid, "bonus_delta_fen": bonus, "sale_id": sale_id,
                        "auth_id": auth_id, "offline": offline, "flagged": flagged,
                        "client_at": b.client_at, "booked_at": b.at,
                        "period": b.at.strftime("%Y-%m")})
        if self.deferred:
            a = self.accounts[member_id]
            a[_P] += paid
            a[_B] += bonus
            self._moves.setdefault(member_id, []).append(
                ("sv", paid, bonus, b, entry_id, result))
            return
        self._settle(member_id, paid, bonus, b, entry_id, result)

    def report_receivable(self, member_id: str, result: dict[str, Any]) -> None:
        """`result` says what the member owes after what was booked so far (deferred: as
        settled)."""
        if self.deferred:
            self._moves.setdefault(member_id, []).append(("report", result))
        else:
            result["receivable_fen"] = self.accounts[member_id][_R]

    def _settle(self, member_id: str, paid: int, bonus: int, b: Booking, entry_id: str,
                result: dict[str, Any] | None) -> None:
        """Move the member's sums by one stored-value entry: an overdraft makes a receivable
        (and a flag), a credit recovers open ones."""
        a = self.accounts[member_id]
        before = a[_P] + a[_B]
        a[_P] += paid
        a[_B] += bonus
        after = a[_P] + a[_B]
        shortfall = max(0, -after) - max(0, -before)
        if shortfall > 0:
            # A new receivable reads none of the member's others: the open total is kept
            # on the account (receivable_fen), so an overdraft costs the same with 10,000.
            self.new_receivables.append(
                {"id": None, "member_id": member_id, "shop_id": b.shop_id,
                 "event_id": b.event_id or entry_id, "amount_fen": shortfall,
                 "recovered_fen": 0, "recovered_by": None, "created_at": b.at,
                 "recovered_at": None, "dirty": True})
            a[_R] += shortfall
            self.flag("overdraft", b, member_id=member_id, shortfall_fen=shortfall,
                      balance_fen=after)
            if result is not None:
                result.setdefault("flags", []).append("overdraft")
                result["receivable_fen"] = shortfall
            return
        if shortfall < 0 and a[_R] > 0:
            self._recover(member_id, min(-shortfall, a[_R]), b, entry_id)

    def _settle_deferred(self) -> None:
        """Lock the accounts this batch changed (member id order) and settle its moves
        against the sums committed now, in booking order."""
        todo = sorted(m for m, a in self.accounts.items()
                      if a != self._orig.get(m) or m in self._moves)
        locked = {member_id: [int(x) for x in sums]
                  for i in range(0, len(todo), 1000)
                  for member_id, *sums in self._sums(todo[i:i + 1000], lock=True)}
        for m in todo:
            mine, orig = self.accounts[m], self._orig.get(m, [0, 0, 0, 0, 0])
            now = locked.get(m, list(orig))
            # Points move by their deltas; stored value is replayed entry by entry.
            self.accounts[m] = [now[_P], now[_B], now[_S] + mine[_S] - orig[_S],
                                now[_A] + mine[_A] - orig[_A], now[_R]]
            self._orig[m] = list(now)
            for move in self._moves.get(m, ()):
                if move[0] == "sv":
                    _, paid, bonus, b, entry_id, result = move
                    self._settle(m, paid, bonus, b, entry_id, result)
                else:
                    move[1]["receivable_fen"] = self.accounts[m][_R]
        self._moves = {}

    def _open_receivables(self, member_id: str, need: int) -> list[dict[str, Any]]:
        """Open receivables oldest first, read (and locked) in pages only until they cover
        `need` fen; then this transaction's new ones, which are the newest."""
        cached = self.receivables.setdefault(member_id, [])
        have = sum(r["amount_fen"] - r["recovered_fen"] for r in cached)
        while have < need and member_id not in self._receivables_all:
            after = cached[-1]["id"] if cached else 0
            rows = self.s.execute(select(ReceivableRow).where(
                ReceivableRow.member_id == member_id,
                ReceivableRow.recovered_fen < ReceivableRow.amount_fen, ReceivableRow.id > after)
                .order_by(ReceivableRow.id).limit(100).with_for_update()).scalars().all()
            if len(rows) < 100:
                self._receivables_all.add(member_id)
            for r in rows:
                cached.append({"id": r.id, "member_id": r.member_id, "shop_id": r.shop_id,
                               "event_id": r.event_id, "amount_fen": r.amount_fen,
                               "recovered_fen": r.recovered_fen,
                               "recovered_by": r.recovered_by, "created_at": r.created_at,
                               "recovered_at": r.recovered_at, "dirty": False})
                have += r.amount_fen - r.recovered_fen
        return cached + [r for r in self.new_receivables if r["member_id"] == member_id]

    def _recover(self, member_id: str, amount: int, b: Booking, entry_id: str) -> None:
        """A credit pays back open receivables, oldest first."""
        left = amount
        for r in self._open_receivables(member_id, amount):
            if left <= 0:
                break
            open_fen = r["amount_fen"] - r["recovered_fen"]
            if open_fen <= 0:
                continue
            take = min(left, open_fen)
            r["recovered_fen"] += take
            r["recovered_by"] = b.event_id or entry_id
            if r["recovered_fen"] == r["amount_fen"]:
                r["recovered_at"] = b.at
            r["dirty"] = True
            left -= take
        self.accounts[member_id][_R] -= amount - left

    def points(self, b: Booking, member_id: str, kind: str, spendable: int, accumulated: int,
               *, sale_id: str | None = None, flagged: str = "") -> None:
        self.ensure_member(member_id, b)
        self.points_rows.append({"id": self.ids.new_id(), "member_id": member_id,
                                 "shop_id": b.shop_id, "event_id": b.event_id, "kind": kind,
                                 "spendable_delta": spendable, "accumulated_delta": accumulated,
                                 "sale_id": sale_id, "flagged": flagged, "booked_at": b.at})
        a = self.accounts[member_id]
        a[_S] += spendable
        a[_A] += accumulated

    # -- writing ---------------------------------------------------------------------------
    def flush(self) -> set[str]:
        """Write everything booked so far; returns the members whose sums changed."""
        s = self.s
        if self.deferred:
            self._settle_deferred()
        bulk_insert(s, SaleRow.__table__, self.sales)
        bulk_insert(s, StoredValueEntryRow.__table__, self.sv)
        bulk_insert(s, PointsEntryRow.__table__, self.points_rows)
        new = [{k: v for k, v in r.items() if k not in ("id", "dirty")}
               for r in self.new_receivables]
        bulk_insert(s, ReceivableRow.__table__, new)
        self.new_receivables = []
        for rows in self.receivables.values():
            for r in rows:
                if r["id"] is not None and r["dirty"]:
                    s.execute(update(ReceivableRow).where(ReceivableRow.id == r["id"]).values(
                        recovered_fen=r["recovered_fen"], recovered_by=r["recovered_by"],
                        recovered_at=r["recovered_at"]))
            for r in rows:
                r["dirty"] = False
        self.receivables = {}
        self._receivables_all = set()
        bulk_insert(s, FlagRow.__table__, self.flags)
        changed = {m for m, a in self.accounts.items() if a != self._orig.get(m)}
        if changed:
            _write_sums(s, [(m, self.accounts[m]) for m in sorted(changed)])
        for m in changed:
            self._orig[m] = list(self.accounts[m])
        self.offline_spends += [(r["member_id"], -(r["paid_delta_fen"] + r["bonus_delta_fen"]))
                                for r in self.sv if r["offline"] and r["kind"] == "spend"]
        self.sales, self.sv, self.points_rows, self.flags = [], [], [], []
        return changed

    def forget(self) -> None:
        """Drop every cached sum (after a rollback to a savepoint): the next use reloads from
        the database. What earlier savepoints wrote stays written, so their offline spends
        stay listed."""
        spends = self.offline_spends
        self.__init__(self.s, self.ids, deferred=self.deferred)  # type: ignore[misc]
        self.offline_spends = spends


def _write_sums(s: Session, sums: list[tuple[str, list[int]]]) -> None:
    """The accounts' new cached sums: one UPDATE .. FROM unnest(..) on PostgreSQL (a batch
    touches up to hundreds of accounts), executemany elsewhere."""
    if s.get_bind().dialect.name == "postgresql":
        cols = list(zip(*((m, *a) for m, a in sums)))
        s.execute(text(
            "UPDATE member_accounts AS a SET balance_paid_fen = v.p, balance_bonus_fen = v.b, "
            "spendable_points = v.s, accumulated_points = v.acc, receivable_fen = v.r, "
            "version = a.version + 1 "
            "FROM unnest(CAST(:m AS text[]), CAST(:p AS bigint[]), CAST(:b AS bigint[]), "
            "CAST(:s AS bigint[]), CAST(:acc AS bigint[]), CAST(:r AS bigint[])) "
            "AS v(m, p, b, s, acc, r) WHERE a.member_id = v.m"),
            {"m": list(cols[0]), "p": list(cols[1 + _P]), "b": list(cols[1 + _B]),
             "s": list(cols[1 + _S]), "acc": list(cols[1 + _A]), "r": list(cols[1 + _R])})
        return
    table = MemberAccountRow.__table__
    s.connection().execute(
        update(table).where(table.c.member_id == bindparam("m"))
        .values(balance_paid_fen=bindparam("p"), balance_bonus_fen=bindparam("b"),
                spendable_points=bindparam("s"), accumulated_points=bindparam("a"),
                receivable_fen=bindparam("r"), version=table.c.version + 1),
        [{"m": m, "p": a[_P], "b": a[_B], "s": a[_S], "a": a[_A], "r": a[_R]}
         for m, a in sums])


def member_entries(session: Session, member_id: str) -> list[Entry]:
    """The member's points and stored-value entries as domain entries (booking order)."""
    out: list[Entry] = []
    for kind, paid, bonus in session.execute(
            select(StoredValueEntryRow.kind, StoredValueEntryRow.paid_delta_fen,
                   StoredValueEntryRow.bonus_delta_fen)
            .where(StoredValueEntryRow.member_id == member_id)
            .order_by(StoredValueEntryRow.booked_at, StoredValueEntryRow.id)):
        out.append(as_entry(LedgerName.STORED_VALUE, kind, paid_fen=int(paid),
                            bonus_fen=int(bonus)))
    for kind, sp, acc in session.execute(
            select(PointsEntryRow.kind, PointsEntryRow.spendable_delta,
                   PointsEntryRow.accumulated_delta)
            .where(PointsEntryRow.member_id == member_id)
            .order_by(PointsEntryRow.booked_at, PointsEntryRow.id)):
        out.append(as_entry(LedgerName.POINTS, kind, spendable=int(sp), accumulated=int(acc)))
    return out


def ledger_check(session: Session, member_id: str) -> bool:
    """The cached sums equal the sums of the entries, summed by the same function the till
    uses (pos_app.domain.ledger.balances_of)."""
    a = session.execute(select(MemberAccountRow.balance_paid_fen,
                               MemberAccountRow.balance_bonus_fen,
                               MemberAccountRow.spendable_points,
                               MemberAccountRow.accumulated_points)
                        .where(MemberAccountRow.member_id == member_id)).one_or_none()
    if a is None:
        return True
    b = balances_of(member_entries(session, member_id))
    return tuple(a) == (b.paid_fen, b.bonus_fen, b.spendable, b.accumulated)
