"""The till's side of sync in SQLite: outbox reading and acks, cursors, pulled pages applied
in one transaction each, offline allowance bookkeeping.

Balances: head office sends a member's chain-wide totals. The till's cached totals must stay
equal to the sum of its own ledger entries, so it reconciles by appending a `sync` entry
(never editing one) for the difference between head office's totals plus this till's own
events that head office has not acknowledged yet, and what the till holds now.
"""
from __future__ import annotations

import json
import logging
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import (
    AuditRow,
    CategoryRow,
    BarcodeRow,
    CardRow,
    DocumentSeriesRow,
    MemberRow,
    OfflineSpendRow,
    OutboxRow,
    PointsEntryRow,
    ProductRow,
    RuleSetRow,
    SaleRow,
    ShopRow,
    StoredValueEntryRow,
    SyncCardStatusRow,
    SyncCursorRow,
    SyncDocumentRow,
    SyncEpochRow,
    SyncStateRow,
    TillRow,
)
from db.promotion_store import SqlPromotions, apply_promotion_document
from pos_app.domain.card import CardStatus, mask_mobile, merged_status
from pos_app.domain.member import month_day_birthday, reduced_member
from pos_app.domain.rules import RuleSet
from pos_app.ports.clock import IdSource
from pos_app.sync.events import ledger_effects
from pos_app.sync.ports import OutboxEvent, PulledPage, SyncState, TillCodeMismatch
from db.search_keys import mobile_last4, name_initials

log = logging.getLogger("pos.sync")

_CARD_KINDS = {"magstripe", "ic", "virtual"}
REFUSAL_RESOLVED = "refusal_resolved:"     # headoffice/refusals.py: resolved at head office
_MEMBER_FIELDS = ("name", "mobile", "gender", "birthday", "birthday_calendar",
                  "consent_messages", "tier_code")



def _is_engine_document(key: str) -> bool:
    return key.startswith(("promo:", "coupon_template:", "coupon:", "package:"))


class SqlSyncStore:
    def __init__(self, engine: Engine, ids: IdSource) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)
        self._ids = ids

    # -- state ---------------------------------------------------------------------------
    def _state_row(self, s: Session) -> SyncStateRow:
        row = s.get(SyncStateRow, 1)
        if row is None:
            row = SyncStateRow(id=1, acked_seq=0, last_success_at=None, offline_since=None,
                               last_error="", limits="{}")
            s.add(row)
            s.flush()
        return row

    def state(self) -> SyncState:
        with self._sessions() as s:
            row = s.get(SyncStateRow, 1)
            acked = row.acked_seq if row else 0
            backlog = s.scalar(select(func.count()).select_from(OutboxRow).where(
                OutboxRow.device_seq > acked, OutboxRow.acked_at.is_(None),
                OutboxRow.refused_reason.is_(None))) or 0
            refused = s.scalar(select(func.count()).select_from(OutboxRow).where(
                OutboxRow.refused_at.is_not(None), OutboxRow.resolved_at.is_(None))) or 0
            epoch = self._epoch(s)
            if row is None:
                return SyncState(0, backlog, None, None, "", {}, refused, epoch)
            return SyncState(row.acked_seq, backlog, row.last_success_at, row.offline_since,
                             row.last_error, json.loads(row.limits or "{}"), refused, epoch,
                             row.contact_seq, row.wall_high, row.contact_boot, row.contact_mono)

    def backlog(self) -> int:
        return self.state().backlog

    def record_contact(self, at: datetime, error: str | None,
                       tick: tuple[str, float] | None = None) -> None:
        with self._sessions() as s, s.begin():
            row = self._state_row(s)
            row.wall_high = max(row.wall_high or at, at)
            if error is None:
                row.last_success_at = at
                row.offline_since = None
                row.last_error = ""
                row.contact_seq = (row.contact_seq or 0) + 1   # a new offline window
                # Head office was reached now: the clocks start again from here.
                row.wall_high = at
                row.contact_boot, row.contact_mono = tick if tick else (None, None)
            else:
                if row.offline_since is None:
                    row.offline_since = at
                row.last_error = error[:200]

    def note_wall_clock(self, now: datetime) -> datetime:
        with self._sessions() as s, s.begin():
            row = self._state_row(s)
            if row.wall_high is None or now > row.wall_high:
                row.wall_high = now
            return row.wall_high

    # -- epochs (till incarnations) --------------------------------------------------------
    @staticmethod
    def _epochs(s: Session) -> list[tuple[int, int]]:
        """(base_seq, epoch) ascending; epoch 1 from seq 1 unless told otherwise."""
        rows = sorted((r.base_seq, r.epoch) for r in s.scalars(select(SyncEpochRow)))
        return rows if rows and rows[0][0] == 0 else [(0, 1)] + rows

    def _epoch(self, s: Session) -> int:
        return max(e for _, e in self._epochs(s))

    @staticmethod
    def _epoch_of(seq: int, epochs: list[tuple[int, int]]) -> int:
        found = 1
        for base, epoch in epochs:           # the latest start below seq (ties: newer epoch)
            if base < seq:
                found = epoch
        return found

    def start_epoch(self, reason: str, at: datetime, epoch: int | None = None,
                    base_seq: int | None = None) -> int:
        """Begin a new incarnation for events after `base_seq` (default: every event not
        written yet). Returns its number: above every epoch this database has used."""
        with self._sessions() as s, s.begin():
            return self._start_epoch(s, reason, at, epoch, base_seq)

    def _start_epoch(self, s: Session, reason: str, at: datetime, epoch: int | None,
                     base_seq: int | None) -> int:
        number = max(self._epoch(s) + 1, epoch or 0)
        if base_seq is None:
            base_seq = int(s.scalar(select(func.coalesce(func.max(OutboxRow.device_seq), 0))))
        s.add(SyncEpochRow(epoch=number, base_seq=base_seq, reason=reason[:20], started_at=at))
        s.flush()
        log.warning("sync epoch %d from seq %d (%s)", number, base_seq + 1, reason)
        return number

    # -- push ----------------------------------------------------------------------------
    def pending(self, limit: int) -> list[OutboxEvent]:
        with self._sessions() as s:
            acked = s.scalar(select(SyncStateRow.acked_seq).where(SyncStateRow.id == 1)) or 0
            epochs = self._epochs(s)
            rows = s.scalars(select(OutboxRow).where(
                OutboxRow.device_seq > acked, OutboxRow.acked_at.is_(None),
                OutboxRow.refused_reason.is_(None))
                .order_by(OutboxRow.device_seq).limit(limit)).all()
            return [OutboxEvent(r.id, r.device_seq, r.kind, json.loads(r.payload),
                                r.created_at.isoformat(), self._epoch_of(r.device_seq, epochs))
                    for r in rows]

    def record_push(self, results: list[dict[str, Any]], epoch: int, at: datetime) -> int:
        """Delivered (applied or replayed) and refused events are settled, each by its id;
        retry answers stay pending. Head office saying a seq was reused (epoch_stale)
        moves this till to a new epoch from the first such event."""
        moved = 0
        with self._sessions() as s, s.begin():
            delivered = [r["id"] for r in results if r.get("status") in ("applied", "replayed")]
            if delivered:
                s.execute(update(OutboxRow).where(OutboxRow.id.in_(delivered),
                                                  OutboxRow.acked_at.is_(None))
                          .values(acked_at=at))
                moved += len(delivered)
                _reduce_delivered_members(s, delivered)
            for r in results:
                if r.get("status") == "refused":
                    s.execute(update(OutboxRow).where(OutboxRow.id == r["id"],
                                                      OutboxRow.refused_reason.is_(None))
                              .values(refused_reason=str(r.get("reason") or "refused")[:40],
                                      refused_detail=str(r.get("detail") or "")[:200],
                                      refused_at=at))
                    log.warning("head office refused event seq %s: %s", r.get("device_seq"),
                                r.get("reason"))
                    moved += 1
            stale = [int(r["device_seq"]) for r in results
                     if r.get("status") == "retry" and r.get("reason") == "epoch_stale"]
            if stale:
                self._start_epoch(s, "headoffice", at, epoch, min(stale) - 1)
                moved += 1
            self._advance(s, at)
        return moved

    def _advance(self, s: Session, at: datetime) -> None:
        """The acked position: the highest seq up to which every event is delivered or
        refused for good (a refusal stays listed until a person resolves it)."""
        row = self._state_row(s)
        acked = row.acked_seq
        while True:
            rows = s.execute(select(OutboxRow.device_seq, or_(
                OutboxRow.acked_at.is_not(None), OutboxRow.refused_reason.is_not(None)))
                .where(OutboxRow.device_seq > acked).order_by(OutboxRow.device_seq)
                .limit(1000)).all()
            moved = False
            for seq, settled in rows:
                if seq != acked + 1 or not settled:
                    break
                acked, moved = seq, True
            else:
                if moved and len(rows) == 1000:
                    continue
            break
        row.acked_seq = acked

    # -- enrolment -----------------------------------------------------------------------
    def site_codes(self) -> tuple[str, str] | None:
        """(shop code, till code) of the till's database, None before `pos init`."""
        with self._sessions() as s:
            row = s.execute(select(ShopRow.code, TillRow.code).join(
                TillRow, TillRow.shop_id == ShopRow.id).order_by(TillRow.code).limit(1)).first()
        return (str(row[0]), str(row[1])) if row else None

    def take_over_codes(self, shop_code: str, till_code: str) -> bool:
        """Give the till's database the shop and till codes head office assigned (True if
        they changed), or raise TillCodeMismatch if the till has sold or numbered documents
        under its own code. Nothing to do before `pos init` (it reads the settings file)."""
        with self._sessions() as s, s.begin():
            row = s.execute(select(ShopRow.id, ShopRow.code, TillRow.id, TillRow.code).join(
                TillRow, TillRow.shop_id == ShopRow.id).order_by(TillRow.code).limit(1)).first()
            if row is None or (row[1], row[3]) == (shop_code, till_code):
                return False
            used = s.scalar(select(func.count()).select_from(SaleRow)) or \
                s.scalar(select(func.count()).select_from(DocumentSeriesRow))
            if used:
                raise TillCodeMismatch(f"{shop_code}/{till_code}", f"{row[1]}/{row[3]}")
            s.execute(update(ShopRow).where(ShopRow.id == row[0]).values(code=shop_code))
            s.execute(update(TillRow).where(TillRow.id == row[2]).values(code=till_code))
        return True

    def refused_events(self, include_resolved: bool = False) -> list[dict[str, Any]]:
        """Events head office refused, for the sync screen: what, when and why."""
        with self._sessions() as s:
            q = select(OutboxRow).where(OutboxRow.refused_at.is_not(None))
            if not include_resolved:
                q = q.where(OutboxRow.resolved_at.is_(None))
            return [{"id": r.id, "device_seq": r.device_seq, "kind": r.kind,
                     "created_at": r.created_at, "reason": r.refused_reason,
                     "detail": r.refused_detail, "refused_at": r.refused_at,
                     "resolved_at": r.resolved_at}
                    for r in s.scalars(q.order_by(OutboxRow.device_seq))]

    def resolve_refused(self, event_id: str, at: datetime, user_id: str | None = None,
                        note: str = "") -> bool:
        """A person has dealt with a refused event (e.g. re-entered it or told head office).
        Audited (who, which event, why it was refused, the note) in the same transaction."""
        with self._sessions() as s, s.begin():
            return self._resolve(s, event_id, at, user_id, {"by": "till", "note": note[:200]})

    def _resolve(self, s: Session, event_id: str, at: datetime, user_id: str | None,
                 detail: dict[str, Any]) -> bool:
        row = s.scalar(select(OutboxRow).where(OutboxRow.id == event_id,
                                               OutboxRow.refused_at.is_not(None),
                                               OutboxRow.resolved_at.is_(None)))
        if row is None:
            return False
        row.resolved_at = at
        s.add(AuditRow(id=self._ids.new_id(), at=at, user_id=user_id,
                       action="sync.refusal_resolved", target=event_id[:80],
                       detail=json.dumps({**detail, "kind": row.kind,
                                          "device_seq": row.device_seq,
                                          "reason": row.refused_reason},
                                         ensure_ascii=False, sort_keys=True)))
        return True

    def _resolved_at_head_office(self, s: Session, body: dict[str, Any], at: datetime) -> None:
        """Head office resolved one of this till's refused events (headoffice/refusals.py);
        another till's event is not here and changes nothing."""
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if isinstance(event_id, str) and self._resolve(
                s, event_id, at, None, {"by": "head office", "user": str(body.get("by", ""))[:40],
                                        "resolved_at": str(body.get("resolved_at", ""))[:32]}):
            log.info("head office resolved refused event %s", event_id)

    # -- pull ----------------------------------------------------------------------------
    def cursor(self, stream: str) -> str:
        with self._sessions() as s:
            return s.scalar(select(SyncCursorRow.cursor).where(SyncCursorRow.stream == stream)
                            ) or ""

    def apply_page(self, page: PulledPage, at: datetime) -> None:
        with self._sessions() as s, s.begin():
            # page.acked_seq is not an acknowledgement: only per-event answers move the
            # till's position (reference: issue 12, a reused seq must never ack an event).
            items = [i for i in page.items if i.get("state") is not None]
            if page.stream == "card_status":
                self._card_statuses(s, [i["state"] for i in items])
            elif page.stream == "members":
                self._members(s, [i["state"] for i in items], at)
            elif page.stream == "cards":
                self._cards(s, [i["state"] for i in items], at)
            elif page.stream == "balances":
                self._balances(s, [i["state"] for i in items], at)
            else:
                self._documents(s, page.stream, [i["state"] for i in items], at)
            cur = s.get(SyncCursorRow, page.stream)
            if cur is None:
                s.add(SyncCursorRow(stream=page.stream, cursor=page.cursor, updated_at=at))
            else:
                cur.cursor, cur.updated_at = page.cursor, at

    def _documents(self, s: Session, stream: str, docs: list[dict[str, Any]],
                   at: datetime) -> None:
        for d in docs:
            row = s.get(SyncDocumentRow, (stream, d["key"]))
            body = json.dumps(d["body"], ensure_ascii=False, sort_keys=True)
            if row is None:
                s.add(SyncDocumentRow(stream=stream, key=d["key"], version=d["version"],
                                      body=body))
            elif d["version"] >= row.version:
                row.version, row.body = d["version"], body
            if stream == "settings" and d["key"].startswith(REFUSAL_RESOLVED):
                self._resolved_at_head_office(s, d["body"], at)
            elif stream == "settings" and d["key"] == "offline_limits":
                self._state_row(s).limits = json.dumps(
                    {k: int(v) for k, v in d["body"].items()}, sort_keys=True)
            elif stream == "rule_sets":
                self._rule_set(s, d["body"])
            elif stream == "promotions" and _is_engine_document(d["key"]):
                apply_promotion_document(SqlPromotions(s), d["key"], d["body"], at)
            elif stream in ("catalog", "prices", "promotions"):
                self._product(s, stream, d["body"], at)
        s.flush()

    def _rule_set(self, s: Session, body: dict[str, Any]) -> None:
        """{"effective_from": ISO, "rules": RuleSet JSON}: kept by version, applied by date."""
        try:
            rules = RuleSet.from_json(json.dumps(body["rules"]))
            effective = _dt(body["effective_from"])
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("rule set from head office not usable: %s", exc.__class__.__name__)
            return
        s.merge(RuleSetRow(version=rules.version, effective_from=effective,
                           body=rules.to_json(), created_at=effective))

    def _product(self, s: Session, stream: str, body: dict[str, Any], now: datetime) -> None:
        """catalog: {sku, name, price_fen, kind, barcodes?, active? (false: withdrawn), category?
        (path 食品/饮料/茶), pass_uses?, pass_valid_days?}; prices: {sku, price_fen};
        promotions: {sku, rate_bp | null, start?, end?} (ISO dates)."""
        try:
            sku = str(body["sku"])
            row = s.scalar(select(ProductRow).where(ProductRow.sku == sku))
            if stream == "catalog":
                category_id = (self._category(s, str(body.get("category") or ""))
                               if "category" in body else None)
                if row is None:
                    row = ProductRow(id=self._ids.new_id(), sku=sku, points_eligible=True,
                                     active=True)
                    s.add(row)
                row.name = str(body["name"])[:120]
                row.name_initials = name_initials(row.name)
                row.price_fen = int(body["price_fen"])
                row.kind = str(body.get("kind", "regular"))
                row.active = bool(body.get("active", True))
                if "category" in body:
                    row.category_id = category_id
                for field in ("pass_uses", "pass_valid_days"):
                    if field in body:
                        setattr(row, field, int(body[field]) if body[field] else None)
                row.updated_at = now
                s.flush()
                for code in body.get("barcodes", []):
                    if s.get(BarcodeRow, str(code)) is None:
                        s.add(BarcodeRow(code=str(code), product_id=row.id))
            elif row is None:
                log.warning("%s for unknown sku %s ignored", stream, sku)
            elif stream == "prices":
                row.price_fen, row.updated_at = int(body["price_fen"]), now
            else:
                rate = body.get("rate_bp")
                row.promo_rate_bp = int(rate) if rate is not None else None
                row.promo_start = date.fromisoformat(body["start"]) if body.get("start") else None
                row.promo_end = date.fromisoformat(body["end"]) if body.get("end") else None
                row.updated_at = now
            s.flush()
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("%s item from head office not usable: %s", stream, exc.__class__.__name__)

    def _category(self, s: Session, path_text: str) -> str | None:
        """The till's category for a head-office path like 食品/饮料/茶, made level by level."""
        parts = [p.strip() for p in path_text.split("/") if p.strip()][:3]
        parent = None
        for level in range(1, len(parts) + 1):
            path = "/".join(parts[:level])
            row = s.scalar(select(CategoryRow).where(CategoryRow.path == path))
            if row is None:
                row = CategoryRow(id=self._ids.new_id(), parent_id=parent,
                                  name=parts[level - 1][:60], level=level, path=path)
                s.add(row)
                s.flush()
            parent = row.id
        return parent

    def _undelivered(self, s: Session) -> Any:
        """Events whose effects head office does not hold: not delivered yet, or refused
        and not yet resolved by a person (the till keeps showing their effect)."""
        acked = self._state_row(s).acked_seq
        return or_(and_(OutboxRow.device_seq > acked, OutboxRow.acked_at.is_(None),
                        OutboxRow.refused_reason.is_(None)),
                   and_(OutboxRow.refused_at.is_not(None), OutboxRow.resolved_at.is_(None)))

    def _pending_card_events(self, s: Session) -> set[str]:
        out = set()
        for payload in s.scalars(select(OutboxRow.payload).where(
                self._undelivered(s), OutboxRow.kind.like("card.%"))):
            out.add(json.loads(payload).get("card_no"))
        return out

    def _merge_status(self, local: str, known_version: int | None, incoming: str,
                      version: int, pending: bool) -> str:
        """Head office's status against the till's, as the card status machine says
        (merged_status); head office's word is newer with a newer status version and no
        card event of this till still on its way up."""
        newer = not pending and (known_version is None or version > known_version)
        return merged_status(CardStatus(local), CardStatus(incoming), newer=newer).value

    def _card_statuses(self, s: Session, states: list[dict[str, Any]]) -> None:
        if not states:
            return
        pending = self._pending_card_events(s)
        nos = [st["card_no"] for st in states]
        known = dict(s.execute(select(SyncCardStatusRow.card_no, SyncCardStatusRow.status_version)
                               .where(SyncCardStatusRow.card_no.in_(nos))).all())
        local = dict(s.execute(select(CardRow.card_no, CardRow.status)
                               .where(CardRow.card_no.in_(nos))).all())
        new_known, upd_known, upd_cards = [], [], []
        for st in states:
            no, version = st["card_no"], int(st["status_version"])
            if no in local:
                new = self._merge_status(local[no], known.get(no), st["status"], version,
                                         no in pending)
                if new != local[no]:
                    upd_cards.append({"no": no, "st": new, "at": _dt(st.get("status_at"))})
            if no not in known:
                new_known.append({"card_no": no, "member_id": st["member_id"],
                                  "status": st["status"], "status_version": version})
                known[no] = version
            elif version >= known[no]:
                upd_known.append({"no": no, "st": st["status"], "v": version})
        conn = s.connection()
        if new_known:
            conn.execute(insert(SyncCardStatusRow.__table__), new_known)
        if upd_known:
            t = SyncCardStatusRow.__table__
            conn.execute(update(t).where(t.c.card_no == bindparam("no"))
                         .values(status=bindparam("st"), status_version=bindparam("v")),
                         upd_known)
        if upd_cards:
            t = CardRow.__table__
            conn.execute(update(t).where(t.c.card_no == bindparam("no"))
                         .values(status=bindparam("st"), status_changed_at=bindparam("at")),
                         upd_cards)

    def _members(self, s: Session, states: list[dict[str, Any]], at: datetime) -> None:
        if not states:
            return
        ids = [m["id"] for m in states]
        existing = set(s.scalars(select(MemberRow.id).where(MemberRow.id.in_(ids))))
        # Head office sends the reduced form only (masked mobile, last four, the keyed hash
        # made with the chain's lookup key, birthday month/day); a full number or a birth
        # year from an older head office is reduced here, never stored.
        hashes = [m["mobile_hash"] for m in states if m.get("mobile_hash")]
        taken = dict(s.execute(select(MemberRow.mobile_hash, MemberRow.id)
                               .where(MemberRow.mobile_hash.in_(hashes))).all()) if hashes else {}
        new_rows, updates = [], []
        for m in states:
            mhash = m.get("mobile_hash") or None
            if mhash and taken.get(mhash, m["id"]) != m["id"]:
                log.warning("member %s: mobile already used by another local member", m["id"])
                mhash = None
            if mhash:
                taken[mhash] = m["id"]
            full = m.get("mobile")
            masked = m.get("mobile_masked") or (mask_mobile(str(full)) if full else None)
            last4 = m.get("mobile_last4") or (mobile_last4(str(full)) if full else None)
            values = {"name": str(m.get("name") or "")[:60],
                      "mobile_masked": str(masked)[:20] if masked else None,
                      "mobile_last4": str(last4)[-4:] if last4 else None,
                      "mobile_hash": mhash, "gender": "",
                      "birthday": month_day_birthday(m.get("birthday")),
                      "birthday_calendar": m.get("birthday_calendar") or "solar",
                      "consent_messages": bool(m.get("consent_messages")),
                      "tier_code": m.get("tier_code") or "regular"}
            if m["id"] not in existing:
                new_rows.append({"id": m["id"], **values, "referrer_id": None,
                                 "pin_hash": None, "pin_failed": 0, "pin_locked_until": None,
                                 "id_check_hash": None, "consent_at": None, "notes": "",
                                 "spendable_points": 0, "accumulated_points": 0,
                                 "balance_paid_fen": 0, "balance_bonus_fen": 0,
                                 "last_purchase_at": None, "created_at": at, "updated_at": at})
                existing.add(m["id"])
            else:
                updates.append({"mid": m["id"], **values, "updated_at": at})
        conn = s.connection()
        t = MemberRow.__table__
        if new_rows:
            conn.execute(insert(t), new_rows)
        if updates:
            conn.execute(update(t).where(t.c.id == bindparam("mid")), updates)
        self._balances(s, [m["balance"] for m in states if m.get("balance")], at,
                       fresh={r["id"] for r in new_rows})

    def _cards(self, s: Session, states: list[dict[str, Any]], at: datetime) -> None:
        if not states:
            return
        nos = [c["card_no"] for c in states]
        existing = dict(s.execute(select(CardRow.card_no, CardRow.status)
                                  .where(CardRow.card_no.in_(nos))).all())
        members = set(s.scalars(select(MemberRow.id).where(
            MemberRow.id.in_({c["member_id"] for c in states}))))
        pending = self._pending_card_events(s)
        known = dict(s.execute(select(SyncCardStatusRow.card_no, SyncCardStatusRow.status_version)
                               .where(SyncCardStatusRow.card_no.in_(nos))).all())
        new_rows, updates = [], []
        for c in states:
            expires = date.fromisoformat(c["expires_on"]) if c.get("expires_on") else None
            if c["card_no"] not in existing:
                if c["member_id"] not in members:
                    log.warning("card for member %s not known here yet; skipped", c["member_id"])
                    continue
                new_rows.append({"id": self._ids.new_id(), "card_no": c["card_no"],
                                 "member_id": c["member_id"],
                                 "kind": c["kind"] if c["kind"] in _CARD_KINDS else "magstripe",
                                 "uid": None, "status": c["status"],
                                 "generation": int(c.get("generation") or 1),
                                 "expires_on": expires,
                                 "status_changed_at": _dt(c.get("status_at")),
                                 "status_shop_id": None,
                                 "issued_at": _dt(c.get("issued_at")) or at,
                                 "replaced_by_id": None})
                existing[c["card_no"]] = c["status"]
            else:
                status = self._merge_status(existing[c["card_no"]], known.get(c["card_no"]),
                                            c["status"], int(c["status_version"]),
                                            c["card_no"] in pending)
                updates.append({"no": c["card_no"], "expires_on": expires,
                                "generation": int(c.get("generation") or 1), "status": status,
                                "status_changed_at": _dt(c.get("status_at"))})
        conn = s.connection()
        t = CardRow.__table__
        if new_rows:
            conn.execute(insert(t), new_rows)
        if updates:
            conn.execute(update(t).where(t.c.card_no == bindparam("no")), updates)
        self._card_statuses(s, [{k: c[k] for k in ("card_no", "member_id", "status",
                                                    "status_version", "status_at")}
                                for c in states])

    def _unacked_effects(self, s: Session) -> dict[str, list[int]]:
        """Per member: the ledger deltas of this till's events head office does not hold."""
        out: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        for kind, payload in s.execute(select(OutboxRow.kind, OutboxRow.payload)
                                       .where(self._undelivered(s))):
            for e in ledger_effects(kind, json.loads(payload)):
                d = out[e.member_id]
                d[0] += e.paid_fen
                d[1] += e.bonus_fen
                d[2] += e.spendable
                d[3] += e.accumulated
        return out

    def _balances(self, s: Session, states: list[dict[str, Any]], at: datetime,
                  fresh: set[str] | None = None) -> None:
        if not states:
            return
        pending = self._unacked_effects(s)
        ids = [b["member_id"] for b in states]
        rows = {r[0]: r[1:] for r in s.execute(
            select(MemberRow.id, MemberRow.balance_paid_fen, MemberRow.balance_bonus_fen,
                   MemberRow.spendable_points, MemberRow.accumulated_points)
            .where(MemberRow.id.in_(ids)))}
        shop_id = s.scalar(select(TillRow.shop_id).limit(1))
        sv_rows, pt_rows, updates = [], [], []
        for b in states:
            cur = rows.get(b["member_id"])
            if cur is None:
                continue
            member_id = b["member_id"]
            p = pending.get(member_id, [0, 0, 0, 0])
            target = (int(b["balance_paid_fen"]) + p[0], int(b["balance_bonus_fen"]) + p[1],
                      int(b["spendable_points"]) + p[2], int(b["accumulated_points"]) + p[3])
            d = [t - c for t, c in zip(target, cur)]
            if not any(d):
                continue
            kind = "opening" if fresh and member_id in fresh else "sync"
            if d[0] or d[1]:
                sv_rows.append({"id": self._ids.new_id(), "member_id": member_id, "kind": kind,
                                "paid_delta_fen": d[0], "bonus_delta_fen": d[1], "sale_id": None,
                                "corrects_id": None, "shop_id": shop_id, "shift_id": None,
                                "tender": "", "reference": "", "created_at": at,
                                "note": "head office balance"})
            if d[2] or d[3]:
                pt_rows.append({"id": self._ids.new_id(), "member_id": member_id, "kind": kind,
                                "spendable_delta": d[2], "accumulated_delta": d[3],
                                "sale_id": None, "corrects_id": None, "shop_id": shop_id,
                                "created_at": at, "note": "head office balance"})
            updates.append({"mid": member_id, "balance_paid_fen": target[0],
                            "balance_bonus_fen": target[1], "spendable_points": target[2],
                            "accumulated_points": target[3]})
        conn = s.connection()
        if sv_rows:
            conn.execute(insert(StoredValueEntryRow.__table__), sv_rows)
        if pt_rows:
            conn.execute(insert(PointsEntryRow.__table__), pt_rows)
        if updates:
            t = MemberRow.__table__
            conn.execute(update(t).where(t.c.id == bindparam("mid")), updates)

    # -- offline allowance -------------------------------------------------------------------
    def _window(self, s: Session) -> int:
        return s.scalar(select(SyncStateRow.contact_seq).where(SyncStateRow.id == 1)) or 0

    def offline_used(self, member_id: str) -> tuple[int, int, int]:
        with self._sessions() as s:
            fen, pts, n = s.execute(
                select(func.coalesce(func.sum(OfflineSpendRow.stored_value_fen), 0),
                       func.coalesce(func.sum(OfflineSpendRow.points), 0), func.count())
                .where(OfflineSpendRow.member_id == member_id,
                       OfflineSpendRow.window == self._window(s))).one()
            return int(fen), int(pts), int(n)

    def shop_offline_exposure(self) -> int:
        with self._sessions() as s:
            return int(s.scalar(
                select(func.coalesce(func.sum(OfflineSpendRow.stored_value_fen), 0))
                .where(OfflineSpendRow.window == self._window(s))))

    def record_offline_spend(self, member_id: str, card_no: str, stored_value_fen: int,
                             points: int, at: datetime) -> None:
        with self._sessions() as s, s.begin():
            s.add(OfflineSpendRow(id=self._ids.new_id(), member_id=member_id, card_no=card_no,
                                  stored_value_fen=stored_value_fen, points=points, at=at,
                                  window=self._window(s)))

    def known_balance(self, member_id: str) -> tuple[int, int]:
        with self._sessions() as s:
            row = s.execute(select(MemberRow.balance_paid_fen + MemberRow.balance_bonus_fen,
                                   MemberRow.spendable_points).where(MemberRow.id == member_id)
                            ).one_or_none()
            return (int(row[0]), int(row[1])) if row else (0, 0)


def _reduce_delivered_members(s: Session, delivered: list[str]) -> None:
    """A registration carries the member's full profile to head office; once head office
    has it, the till keeps only the reduced form of it (no full mobile, no birth year)."""
    for row in s.scalars(select(OutboxRow).where(OutboxRow.id.in_(delivered),
                                                 OutboxRow.kind == "member.registered")):
        body = json.loads(row.payload)
        if isinstance(body.get("member"), dict):
            body["member"] = reduced_member(body["member"])
            row.payload = json.dumps(body, ensure_ascii=False, default=str)
    s.flush()


def _dt(text: Any) -> datetime | None:
    if not text:
        return None
    return datetime.fromisoformat(str(text)).replace(tzinfo=None)
