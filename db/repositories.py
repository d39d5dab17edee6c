"""Sql* repositories: rows <-> domain values, nothing else. All run inside one Session."""
from __future__ import annotations

import functools
import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import (
    AuditRow,
    BarcodeRow,
    BenefitRow,
    CardEventRow,
    CardRow,
    CashMovementRow,
    CategoryRow,
    DocumentSeriesRow,
    HeldSaleRow,
    MemberRow,
    OutboxRow,
    PassEntryRow,
    PassRow,
    PointsEntryRow,
    ProductRow,
    RuleSetRow,
    SaleLineRow,
    SaleRow,
    ShiftRow,
    ShopRow,
    StoredValueEntryRow,
    TenderRow,
    TillRow,
    UserRow,
)
from pos_app.domain.birthday import Birthday
from pos_app.domain.card import CardKind, CardState, CardStatus, mask_mobile
from pos_app.domain.catalog import Product, ProductKind
from pos_app.domain.codec import sale_from_dict, to_jsonable
from pos_app.domain.errors import NotFound, UnknownMember
from pos_app.domain.ledger import (
    LedgerLine,
    LedgerName,
    as_entry,
    balances_of,
    check_event_kind,
)
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import RuleSet
from pos_app.domain.sale import CompletedSale
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.clock import IdSource
from pos_app.ports.store import (
    PassRecord,
    ShiftRecord,
    SoldLine,
    StoredSale,
    UserRecord,
)
from db.search_keys import mobile_last4
from pos_app.domain.member import MOBILE_RE, month_day_birthday
from pos_app.mobile_keys import MobileKeys


def product_from_row(row: ProductRow, barcode: str | None, category: str) -> Product:
    return Product(id=row.id, sku=row.sku, name=row.name, price_fen=row.price_fen,
                   kind=ProductKind(row.kind), points_eligible=row.points_eligible,
                   barcode=barcode, category=category, promo_rate_bp=row.promo_rate_bp,
                   promo_start=row.promo_start, promo_end=row.promo_end,
                   pass_uses=row.pass_uses, pass_valid_days=row.pass_valid_days)


def account_from_row(row: MemberRow) -> MemberAccount:
    birthday = Birthday.parse(row.birthday, row.birthday_calendar) if row.birthday else None
    return MemberAccount(
        id=row.id, name=row.name, mobile=row.mobile_masked, tier_code=row.tier_code,
        spendable_points=row.spendable_points, accumulated_points=row.accumulated_points,
        balance_paid_fen=row.balance_paid_fen, balance_bonus_fen=row.balance_bonus_fen,
        gender=row.gender, birthday=birthday, consent_messages=row.consent_messages,
        referrer_id=row.referrer_id, has_pin=row.pin_hash is not None,
        created_at=row.created_at, last_purchase_at=row.last_purchase_at)


class SqlCatalog:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _product(self, row: ProductRow) -> Product:
        barcode = self._s.scalar(select(BarcodeRow.code).where(BarcodeRow.product_id == row.id)
                                 .order_by(BarcodeRow.code).limit(1))
        category = ""
        if row.category_id:
            category = self._s.scalar(select(CategoryRow.path)
                                      .where(CategoryRow.id == row.category_id)) or ""
        return product_from_row(row, barcode, category)

    def _products(self, rows: list[ProductRow]) -> list[Product]:
        """Many rows at once: their first barcodes and category paths in two queries."""
        ids = [r.id for r in rows]
        barcodes: dict[str, str] = {}
        for pid, code in self._s.execute(select(BarcodeRow.product_id, func.min(BarcodeRow.code))
                                         .where(BarcodeRow.product_id.in_(ids))
                                         .group_by(BarcodeRow.product_id)):
            barcodes[pid] = code
        cat_ids = {r.category_id for r in rows if r.category_id}
        paths: dict[str, str] = {}
        if cat_ids:
            for cid, path in self._s.execute(select(CategoryRow.id, CategoryRow.path)
                                             .where(CategoryRow.id.in_(cat_ids))):
                paths[cid] = path
        return [product_from_row(r, barcodes.get(r.id), paths.get(r.category_id or "", "") or "")
                for r in rows]

    def find_by_code(self, code: str) -> Product | None:
        code = code.strip()
        row = self._s.scalar(select(ProductRow).join(BarcodeRow, BarcodeRow.product_id == ProductRow.id)
                             .where(BarcodeRow.code == code, ProductRow.active.is_(True)))
        if row is None:
            row = self._s.scalar(select(ProductRow).where(ProductRow.sku == code,
                                                          ProductRow.active.is_(True)))
        if row is None:
            return None
        product = self._product(row)
        # The line shows the barcode that was scanned, not just the product's first one.
        if code != row.sku and product.barcode != code:
            product = replace(product, barcode=code)
        return product

    def search(self, text: str, limit: int = 20) -> list[Product]:
        text = text.strip()
        if not text:
            return []
        active = ProductRow.active.is_(True)
        rows: list[ProductRow] = []
        if text.isascii():
            # Latin text: pinyin initials (牛肉干 -> nrg), then SKU and name prefixes; three
            # index range scans, never a scan of the whole catalog.
            if text.isalnum() and not text.isdigit():
                key = text.lower()
                rows += self._s.scalars(
                    select(ProductRow).where(active, ProductRow.name_initials >= key,
                                             ProductRow.name_initials < key + "\x7f")
                    .order_by(ProductRow.name_initials).limit(limit))
            # The list keeps the order of the scans: once one fills it, the later ones
            # could only add rows past the limit, so they are not read at all.
            if len(rows) < limit:
                rows += self._s.scalars(
                    select(ProductRow).where(active, ProductRow.sku >= text,
                                             ProductRow.sku < text + "\x7f")
                    .order_by(ProductRow.sku).limit(limit))
        if len({r.id for r in rows}) < limit:
            rows += self._s.scalars(
                select(ProductRow).where(active, ProductRow.name >= text,
                                         ProductRow.name < text + "\U0010ffff")
                .order_by(ProductRow.name).limit(limit))
        rows = list({r.id: r for r in rows}.values())
        if len(rows) < limit and not text.isascii():
            # Chinese text: fill up with names that contain it (肉干 finds 牛肉干).
            seen = {r.id for r in rows}
            more = self._s.scalars(
                select(ProductRow).where(active, ProductRow.name.contains(text, autoescape=True))
                .order_by(ProductRow.name).limit(limit * 2))
            rows.extend(r for r in more if r.id not in seen)
        return self._products(rows[:limit])

    def get(self, product_id: str) -> Product:
        row = self._s.get(ProductRow, product_id)
        if row is None:
            raise NotFound("product", product_id)
        return self._product(row)


class SqlAccounts:
    def __init__(self, session: Session, mobile_keys: MobileKeys | None = None) -> None:
        self._s = session
        self._mobile_keys = mobile_keys

    @property
    def mobile_keys(self) -> MobileKeys:
        if self._mobile_keys is None:
            raise RuntimeError("this store was opened without the till's mobile lookup keys "
                               "(open it with db.store.open_store)")
        return self._mobile_keys

    def mobile_columns(self, mobile: str | None) -> dict[str, str | None]:
        """What the till keeps of a full mobile: masked, last four and the keyed hash."""
        if not mobile:
            return {"mobile_masked": None, "mobile_last4": None, "mobile_hash": None}
        digits = "".join(ch for ch in mobile if ch.isdigit())
        return {"mobile_masked": mask_mobile(digits), "mobile_last4": mobile_last4(digits),
                "mobile_hash": self.mobile_keys.hash(digits)}

    def _by_mobile_hash(self, mobile: str) -> MemberRow | None:
        return self._s.scalar(select(MemberRow).where(
            MemberRow.mobile_hash.in_(self.mobile_keys.hashes(mobile))).limit(1))

    def find_account(self, member_id: str) -> MemberAccount | None:
        row = self._s.get(MemberRow, member_id)
        return account_from_row(row) if row else None

    def find_by_mobile(self, mobile: str) -> MemberAccount | None:
        """By the full number (its keyed hash: the till does not keep the number itself)."""
        row = self._by_mobile_hash(mobile)
        return account_from_row(row) if row else None

    def search(self, text: str, limit: int = 20) -> list[MemberAccount]:
        text = text.strip()
        if not text:
            return []
        found: dict[str, MemberRow] = {}
        if text.isdigit() and len(text) == 4:
            # A cashier asks "the last four digits of your mobile?" (indexed column).
            for row in self._s.scalars(select(MemberRow).where(MemberRow.mobile_last4 == text)
                                       .order_by(MemberRow.name).limit(limit)):
                found[row.id] = row
        if text.isdigit():
            if MOBILE_RE.match(text):
                row = self._by_mobile_hash(text)       # the full mobile: its keyed hash
                if row is not None:
                    found[row.id] = row
            if len(found) < limit:      # a full list: what follows would fall past it
                for row in self._s.scalars(select(MemberRow).join(
                        CardRow, CardRow.member_id == MemberRow.id)
                        .where(CardRow.card_no == text)):
                    found[row.id] = row
        if len(found) < limit:
            for row in self._s.scalars(select(MemberRow).where(
                    MemberRow.name >= text, MemberRow.name < text + "\U0010ffff")
                    .order_by(MemberRow.name).limit(limit)):
                found.setdefault(row.id, row)
        return [account_from_row(r) for r in list(found.values())[:limit]]

    def get_account(self, member_id: str) -> MemberAccount:
        row = self._s.get(MemberRow, member_id, populate_existing=True)
        if row is None:
            raise UnknownMember(member_id)
        return account_from_row(row)

    def pin_state(self, member_id: str) -> tuple[str | None, int, datetime | None]:
        row = self._s.get(MemberRow, member_id)
        if row is None:
            raise UnknownMember(member_id)
        return row.pin_hash, row.pin_failed, row.pin_locked_until

    def record_pin_attempt(self, member_id: str, failed: int, locked_until: datetime | None) -> None:
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id)
                        .values(pin_failed=failed, pin_locked_until=locked_until))

    def set_pin(self, member_id: str, pin_hash: str | None, at: datetime) -> None:
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id)
                        .values(pin_hash=pin_hash, pin_failed=0, pin_locked_until=None,
                                updated_at=at))

    def set_tier(self, member_id: str, tier_code: str, at: datetime) -> None:
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id)
                        .values(tier_code=tier_code, updated_at=at))

    def touch_purchase(self, member_id: str, at: datetime) -> None:
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id)
                        .values(last_purchase_at=at))

    def add_member(self, member: MemberAccount, at: datetime, id_check_hash: str | None,
                   consent_at: datetime | None, notes: str = "") -> None:
        """The reduced form only (README "Less personal data"): masked mobile, last four and
        keyed hash, birthday month and day; the gender goes to head office in the
        registration event, not into this table."""
        b = member.birthday
        self._s.add(MemberRow(
            id=member.id, name=member.name, **self.mobile_columns(member.mobile), gender="",
            birthday=month_day_birthday(b.to_text()) if b else None,
            birthday_calendar=b.calendar.value if b else "solar",
            consent_messages=member.consent_messages, consent_at=consent_at,
            tier_code=member.tier_code, referrer_id=member.referrer_id,
            id_check_hash=id_check_hash, notes=notes, created_at=at, updated_at=at))
        self._s.flush()

    def update_member(self, member_id: str, at: datetime, **fields: object) -> None:
        allowed = {"name", "mobile", "gender", "birthday", "birthday_calendar",
                   "consent_messages", "consent_at", "notes", "tier_code", "id_check_hash"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not a member field: {sorted(unknown)}")
        if "mobile" in fields:
            fields.update(self.mobile_columns(fields.pop("mobile")))  # type: ignore[arg-type]
        if fields.get("birthday"):
            fields["birthday"] = month_day_birthday(str(fields["birthday"]))
        fields.pop("gender", None)           # kept at head office only
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id)
                        .values(updated_at=at, **fields))

    def members_above_tier(self, tier_code: str) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._s.execute(
            select(MemberRow.id, MemberRow.tier_code).where(MemberRow.tier_code != tier_code)
            .order_by(MemberRow.id))]

    def id_check_hash(self, member_id: str) -> str | None:
        return self._s.scalar(select(MemberRow.id_check_hash).where(MemberRow.id == member_id))



class SqlCards:
    def __init__(self, session: Session, ids: IdSource, shop_id: str | None) -> None:
        self._s = session
        self._ids = ids
        self._shop_id = shop_id
        self._card_ids: dict[str, str] = {}

    def _card(self, row: CardRow) -> CardState:
        shop_name = None
        if row.status_shop_id:
            shop_name = self._s.scalar(select(ShopRow.name).where(ShopRow.id == row.status_shop_id))
        return CardState(card_no=row.card_no, kind=CardKind(row.kind), status=CardStatus(row.status),
                         member_id=row.member_id, generation=row.generation,
                         expires_on=row.expires_on, status_changed_at=row.status_changed_at,
                         status_shop_name=shop_name, uid=row.uid)

    def find_card(self, card_no: str) -> CardState | None:
        row = self._s.scalar(select(CardRow).where(CardRow.card_no == card_no.strip()))
        if row is None:
            return None
        self._card_ids[row.card_no] = row.id
        return self._card(row)

    def find_card_by_uid(self, uid_hex: str) -> CardState | None:
        row = self._s.scalar(select(CardRow).where(CardRow.uid == uid_hex.upper()))
        return self._card(row) if row else None

    def card_id(self, card_no: str) -> str | None:
        if card_no in self._card_ids:
            return self._card_ids[card_no]
        return self._s.scalar(select(CardRow.id).where(CardRow.card_no == card_no))

    def cards_of(self, member_id: str) -> list[CardState]:
        return [self._card(r) for r in self._s.scalars(
            select(CardRow).where(CardRow.member_id == member_id).order_by(CardRow.issued_at))]

    def add_card(self, card: CardState, at: datetime) -> str:
        card_id = self._ids.new_id()
        self._s.add(CardRow(id=card_id, card_no=card.card_no, member_id=card.member_id,
                            kind=card.kind.value, uid=card.uid, status=card.status.value,
                            generation=card.generation, expires_on=card.expires_on,
                            issued_at=at))
        self._s.flush()
        return card_id

    def set_card_status(self, card_no: str, status: str, at: datetime, shop_id: str | None,
                        replaced_by_card_no: str | None = None) -> None:
        replaced_by = self.card_id(replaced_by_card_no) if replaced_by_card_no else None
        values: dict[str, Any] = {"status": status, "status_changed_at": at,
                                  "status_shop_id": shop_id}
        if replaced_by:
            values["replaced_by_id"] = replaced_by
        self._s.execute(update(CardRow).where(CardRow.card_no == card_no).values(**values))

    def set_card_expiry(self, card_no: str, expires_on: date | None) -> None:
        self._s.execute(update(CardRow).where(CardRow.card_no == card_no)
                        .values(expires_on=expires_on))

    def add_card_event(self, card_no: str, member_id: str, kind: str, at: datetime,
                       user_id: str | None, detail: dict[str, Any]) -> None:
        card_id = self.card_id(card_no)
        if card_id is None:
            raise NotFound("card", card_no)
        self._s.add(CardEventRow(id=self._ids.new_id(), card_id=card_id, member_id=member_id,
                                 kind=kind, at=at, user_id=user_id, shop_id=self._shop_id,
                                 detail=json.dumps(to_jsonable(detail), ensure_ascii=False)))
        self._s.flush()

    def card_events(self, member_id: str) -> list[tuple]:
        rows = self._s.execute(
            select(CardEventRow.at, CardRow.card_no, CardEventRow.kind, UserRow.display_name,
                   ShopRow.name, CardEventRow.detail)
            .join(CardRow, CardRow.id == CardEventRow.card_id)
            .outerjoin(UserRow, UserRow.id == CardEventRow.user_id)
            .outerjoin(ShopRow, ShopRow.id == CardEventRow.shop_id)
            .where(CardEventRow.member_id == member_id)
            .order_by(CardEventRow.at, CardEventRow.id)).all()
        return [(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def joined_by_receipt(self, receipt_no: str) -> list[str]:
        needle = f'"join_receipt": "{receipt_no}"'
        return sorted(set(self._s.scalars(select(CardEventRow.member_id).where(
            CardEventRow.kind.in_(("issued", "upgraded")),
            CardEventRow.detail.contains(needle, autoescape=True)))))

    def find_card_event(self, kind: str, detail_contains: str) -> bool:
        return self._s.scalar(select(func.count()).select_from(CardEventRow).where(
            CardEventRow.kind == kind,
            CardEventRow.detail.contains(detail_contains, autoescape=True))) > 0



class SqlLedgers:
    def __init__(self, session: Session, ids: IdSource, shop_id: str | None) -> None:
        self._s = session
        self._ids = ids
        self._shop_id = shop_id

    def add_points(self, member_id: str, kind: str, spendable: int, accumulated: int,
                   at: datetime, sale_id: str | None = None, note: str = "",
                   corrects_id: str | None = None) -> str:
        entry_id = self._ids.new_id()
        self._s.execute(insert(PointsEntryRow.__table__), [dict(
            id=entry_id, member_id=member_id, kind=kind, spendable_delta=spendable,
            accumulated_delta=accumulated, sale_id=sale_id, corrects_id=corrects_id,
            shop_id=self._shop_id, created_at=at, note=note)])
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id).values(
            spendable_points=MemberRow.spendable_points + spendable,
            accumulated_points=MemberRow.accumulated_points + accumulated))
        return entry_id

    def add_stored_value(self, member_id: str, kind: str, paid_fen: int, bonus_fen: int,
                         at: datetime, sale_id: str | None = None, tender: str = "",
                         reference: str = "", note: str = "", shift_id: str | None = None,
                         corrects_id: str | None = None) -> str:
        entry_id = self._ids.new_id()
        self._s.execute(insert(StoredValueEntryRow.__table__), [dict(
            id=entry_id, member_id=member_id, kind=kind, paid_delta_fen=paid_fen,
            bonus_delta_fen=bonus_fen, sale_id=sale_id, corrects_id=corrects_id,
            shop_id=self._shop_id, shift_id=shift_id, tender=tender, reference=reference,
            created_at=at, note=note)])
        self._s.execute(update(MemberRow).where(MemberRow.id == member_id).values(
            balance_paid_fen=MemberRow.balance_paid_fen + paid_fen,
            balance_bonus_fen=MemberRow.balance_bonus_fen + bonus_fen))
        return entry_id

    def ledger_sums(self, member_id: str) -> tuple[int, int, int, int]:
        """(spendable, accumulated, paid-in, bonus) summed from the ledgers themselves, by the
        same function head office sums with (pos_app.domain.ledger.balances_of)."""
        rows = [as_entry(LedgerName.POINTS, k, spendable=int(sp), accumulated=int(acc))
                for k, sp, acc in self._s.execute(
            select(PointsEntryRow.kind, PointsEntryRow.spendable_delta,
                   PointsEntryRow.accumulated_delta).where(PointsEntryRow.member_id == member_id))]
        rows += [as_entry(LedgerName.STORED_VALUE, k, paid_fen=int(paid), bonus_fen=int(bonus))
                 for k, paid, bonus in
                 self._s.execute(select(StoredValueEntryRow.kind,
                                        StoredValueEntryRow.paid_delta_fen,
                                        StoredValueEntryRow.bonus_delta_fen)
                                 .where(StoredValueEntryRow.member_id == member_id))]
        b = balances_of(rows)
        return b.spendable, b.accumulated, b.paid_fen, b.bonus_fen

    def accumulated_by_kind_since(self, member_id: str, since: datetime) -> dict[str, int]:
        return {k: int(v) for k, v in self._s.execute(
            select(PointsEntryRow.kind, func.coalesce(func.sum(PointsEntryRow.accumulated_delta), 0))
            .where(PointsEntryRow.member_id == member_id, PointsEntryRow.created_at >= since)
            .group_by(PointsEntryRow.kind))}

    def accumulated_by_day(self, member_id: str, since: datetime) -> list[tuple[date, str, int]]:
        day = func.date(PointsEntryRow.created_at)
        rows = self._s.execute(select(day, PointsEntryRow.kind,
                                      func.sum(PointsEntryRow.accumulated_delta)).where(
            PointsEntryRow.member_id == member_id, PointsEntryRow.created_at >= since)
            .group_by(day, PointsEntryRow.kind)).all()
        return [(date.fromisoformat(str(d)), str(k), int(n or 0)) for d, k, n in rows]

    def ledger(self, member_id: str, limit: int) -> list[LedgerLine]:
        points = self._s.execute(
            select(PointsEntryRow.created_at, PointsEntryRow.kind, PointsEntryRow.spendable_delta,
                   PointsEntryRow.accumulated_delta, SaleRow.receipt_no, PointsEntryRow.note)
            .outerjoin(SaleRow, SaleRow.id == PointsEntryRow.sale_id)
            .where(PointsEntryRow.member_id == member_id)
            .order_by(PointsEntryRow.created_at.desc(), PointsEntryRow.id.desc()).limit(limit)).all()
        money = self._s.execute(
            select(StoredValueEntryRow.created_at, StoredValueEntryRow.kind,
                   StoredValueEntryRow.paid_delta_fen, StoredValueEntryRow.bonus_delta_fen,
                   SaleRow.receipt_no, StoredValueEntryRow.note)
            .outerjoin(SaleRow, SaleRow.id == StoredValueEntryRow.sale_id)
            .where(StoredValueEntryRow.member_id == member_id)
            .order_by(StoredValueEntryRow.created_at.desc(), StoredValueEntryRow.id.desc())
            .limit(limit)).all()
        rows = [LedgerLine(at, "points", kind, receipt_no, note or "", spendable=int(sp),
                           accumulated=int(acc))
                for at, kind, sp, acc, receipt_no, note in points] + \
               [LedgerLine(at, "stored_value", kind, receipt_no, note or "", paid_fen=int(paid),
                           bonus_fen=int(bonus))
                for at, kind, paid, bonus, receipt_no, note in money]
        rows.sort(key=lambda r: r.at, reverse=True)
        return rows[:limit]



class SqlPasses:
    def __init__(self, session: Session, ids: IdSource) -> None:
        self._s = session
        self._ids = ids

    def _pass(self, row: PassRow) -> PassRecord:
        used = self._s.scalar(select(func.coalesce(func.sum(PassEntryRow.uses_delta), 0))
                              .where(PassEntryRow.pass_id == row.id)) or 0
        refunded = self._s.scalar(select(func.count()).select_from(PassEntryRow).where(
            PassEntryRow.pass_id == row.id, PassEntryRow.kind == "refund")) > 0
        return PassRecord(id=row.id, member_id=row.member_id, product_id=row.product_id,
                          name=row.name, uses_total=row.uses_total,
                          uses_left=row.uses_total + int(used), price_fen=row.price_fen,
                          expires_on=row.expires_on, refunded=refunded, sale_id=row.sale_id)

    def passes_of(self, member_id: str) -> list[PassRecord]:
        return [self._pass(r) for r in self._s.scalars(
            select(PassRow).where(PassRow.member_id == member_id).order_by(PassRow.created_at))]

    def get_pass(self, pass_id: str) -> PassRecord:
        row = self._s.get(PassRow, pass_id)
        if row is None:
            raise NotFound("pass", pass_id)
        return self._pass(row)

    def add_pass(self, member_id: str, product: Product, sale_id: str | None, uses: int,
                 price_fen: int, expires_on: date | None, at: datetime) -> str:
        pass_id = self._ids.new_id()
        self._s.add(PassRow(id=pass_id, member_id=member_id, product_id=product.id,
                            sale_id=sale_id, name=product.name, uses_total=uses,
                            price_fen=price_fen, expires_on=expires_on, created_at=at))
        self._s.flush()
        return pass_id

    def add_pass_entry(self, pass_id: str, kind: str, uses_delta: int, sale_id: str | None,
                       at: datetime) -> None:
        self._s.add(PassEntryRow(id=self._ids.new_id(), pass_id=pass_id, kind=kind,
                                 uses_delta=uses_delta, sale_id=sale_id, created_at=at))
        self._s.flush()




class SqlBenefits:
    def __init__(self, session: Session, ids: IdSource) -> None:
        self._s = session
        self._ids = ids

    def benefit_given(self, member_id: str, kind: str, period: str) -> bool:
        return self._s.scalar(select(func.count()).select_from(BenefitRow).where(
            BenefitRow.member_id == member_id, BenefitRow.kind == kind,
            BenefitRow.period == period)) > 0

    def record_benefit(self, member_id: str, kind: str, period: str, at: datetime,
                       user_id: str | None, sale_id: str | None) -> None:
        self._s.add(BenefitRow(id=self._ids.new_id(), member_id=member_id, kind=kind,
                               period=period, given_at=at, user_id=user_id, sale_id=sale_id))
        self._s.flush()


class SqlSales:
    def __init__(self, session: Session, ids: IdSource) -> None:
        self._s = session
        self._ids = ids

    def next_receipt_no(self, till_code: str, day: date) -> str:
        # One statement: the till's counter moves inside the write transaction (RETURNING
        # needs SQLite 3.35+, which every supported Python ships).
        seq = self._s.execute(update(TillRow).where(TillRow.code == till_code)
                              .values(receipt_seq=TillRow.receipt_seq + 1)
                              .returning(TillRow.receipt_seq)).scalar()
        if seq is None:
            raise NotFound("till", till_code)
        return f"{till_code}-{day:%y%m%d}-{seq:06d}"

    def next_document_no(self, till_code: str, day: date, series: str) -> str:
        stmt = sqlite_insert(DocumentSeriesRow).values(till_code=till_code, series=series, seq=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=["till_code", "series"],
            set_={"seq": DocumentSeriesRow.seq + 1}).returning(DocumentSeriesRow.seq)
        seq = self._s.execute(stmt).scalar_one()
        return f"{till_code}-{day:%y%m%d}-{series}{seq:05d}"

    def add(self, sale: CompletedSale, *, shop_id: str, till_id: str, shift_id: str | None,
            user_id: str, member_id: str | None, card_id: str | None,
            points_shares: dict[int, int], original_line_ids: dict[int, str] | None = None,
            original_sale_id: str | None = None, tier_upgraded_to: str | None = None,
            manager_flag: str | None = None, authorised_by_id: str | None = None,
            snapshot_json: str | None = None) -> None:
        m = sale.member
        self._s.execute(insert(SaleRow.__table__), [dict(
            id=sale.sale_id, receipt_no=sale.receipt_no, kind=sale.kind.value, shop_id=shop_id,
            till_id=till_id, shift_id=shift_id, user_id=user_id, member_id=member_id,
            card_id=card_id, created_at=sale.created_at, rule_version=sale.rule_version,
            subtotal_fen=sale.subtotal_fen, discount_fen=sale.discount_fen,
            total_fen=sale.total_fen, rounding_fen=sale.rounding_fen, change_fen=sale.change_fen,
            points_earned=m.points_earned if m else 0, bonus_points=m.bonus_points if m else 0,
            original_sale_id=original_sale_id, tier_upgraded_to=tier_upgraded_to,
            manager_flag=manager_flag, authorised_by_id=authorised_by_id, reprint_count=0,
            snapshot=snapshot_json or json.dumps(to_jsonable(sale), ensure_ascii=False))])
        self._s.execute(insert(SaleLineRow.__table__), [dict(
            id=self._ids.new_id(), sale_id=sale.sale_id, line_no=line.line_no,
            product_id=line.product_id, sku=line.sku, name=line.name, kind=line.kind.value,
            qty=line.qty, unit_price_fen=line.unit_price_fen, gross_fen=line.gross_fen,
            amount_fen=line.amount_fen, points_share=points_shares.get(line.line_no, 0),
            redeemed_points=line.redeemed_points,
            original_line_id=(original_line_ids or {}).get(line.line_no)) for line in sale.lines])
        if sale.tenders:
            self._s.execute(insert(TenderRow.__table__), [dict(
                id=self._ids.new_id(), sale_id=sale.sale_id, seq=seq, kind=t.kind.value,
                amount_fen=t.amount_fen, received_fen=t.received_fen, reference=t.reference,
                points_used=t.points_used, sv_paid_fen=t.sv_paid_fen, sv_bonus_fen=t.sv_bonus_fen)
                for seq, t in enumerate(sale.tenders, start=1)])

    def _stored(self, row: SaleRow) -> StoredSale:
        lines = []
        for ln in self._s.scalars(select(SaleLineRow).where(SaleLineRow.sale_id == row.id)
                                  .order_by(SaleLineRow.line_no)):
            rq, ra, rp = self._s.execute(select(
                func.coalesce(func.sum(SaleLineRow.qty), 0),
                func.coalesce(func.sum(SaleLineRow.amount_fen), 0),
                func.coalesce(func.sum(SaleLineRow.points_share), 0))
                .where(SaleLineRow.original_line_id == ln.id)).one()
            lines.append(SoldLine(ln.id, ln.line_no, ln.product_id, ln.sku, ln.name, ln.kind,
                                  ln.qty, ln.unit_price_fen, ln.gross_fen, ln.amount_fen,
                                  ln.points_share, int(rq), int(ra), int(rp)))
        snap = sale_from_dict(json.loads(row.snapshot))
        return StoredSale(row.id, row.receipt_no, row.kind, row.member_id, row.card_id,
                          row.shift_id, row.created_at, row.total_fen, row.points_earned,
                          row.tier_upgraded_to, snap, tuple(lines))

    def find_by_id(self, sale_id: str) -> StoredSale | None:
        row = self._s.get(SaleRow, sale_id)
        return self._stored(row) if row else None

    def find_by_receipt(self, receipt_no: str) -> StoredSale | None:
        row = self._s.scalar(select(SaleRow).where(SaleRow.receipt_no == receipt_no.strip()))
        return self._stored(row) if row else None

    def returns_of(self, sale_id: str) -> list[str]:
        return list(self._s.scalars(select(SaleRow.receipt_no)
                                    .where(SaleRow.original_sale_id == sale_id)))

    def update_snapshot(self, sale: CompletedSale) -> None:
        """Store the final receipt form of a sale booked in this transaction."""
        m = sale.member
        self._s.execute(update(SaleRow).where(SaleRow.id == sale.sale_id).values(
            snapshot=json.dumps(to_jsonable(sale), ensure_ascii=False),
            points_earned=m.points_earned if m else 0, bonus_points=m.bonus_points if m else 0))

    def count_reprint(self, receipt_no: str) -> int:
        row = self._s.scalar(select(SaleRow).where(SaleRow.receipt_no == receipt_no))
        if row is None:
            raise NotFound("sale", receipt_no)
        row.reprint_count += 1
        self._s.flush()
        return row.reprint_count

    def member_history(self, member_id: str, limit: int = 50) -> list[StoredSale]:
        return [self._stored(r) for r in self._s.scalars(
            select(SaleRow).where(SaleRow.member_id == member_id)
            .order_by(SaleRow.created_at.desc()).limit(limit))]


class SqlShifts:
    def __init__(self, session: Session) -> None:
        self._s = session

    @staticmethod
    def _rec(r: ShiftRow) -> ShiftRecord:
        return ShiftRecord(r.id, r.till_id, r.user_id, r.opened_at, r.opening_float_fen,
                           r.closed_at, r.counted_cash_fen)

    def open_shift_of(self, till_id: str) -> ShiftRecord | None:
        row = self._s.scalar(select(ShiftRow).where(ShiftRow.till_id == till_id,
                                                    ShiftRow.closed_at.is_(None)))
        return self._rec(row) if row else None

    def get(self, shift_id: str) -> ShiftRecord:
        row = self._s.get(ShiftRow, shift_id)
        if row is None:
            raise NotFound("shift", shift_id)
        return self._rec(row)

    def open(self, shift: ShiftRecord) -> None:
        self._s.add(ShiftRow(id=shift.id, till_id=shift.till_id, user_id=shift.user_id,
                             opened_at=shift.opened_at, opening_float_fen=shift.opening_float_fen))
        self._s.flush()

    def close(self, shift_id: str, at: datetime, counted_cash_fen: int, closed_by: str,
              z_report_json: str) -> None:
        self._s.execute(update(ShiftRow).where(ShiftRow.id == shift_id).values(
            closed_at=at, counted_cash_fen=counted_cash_fen, closed_by_id=closed_by,
            z_report=z_report_json))

    def add_cash_movement(self, movement_id: str, shift_id: str, amount_fen: int, reason: str,
                          user_id: str, at: datetime) -> None:
        self._s.add(CashMovementRow(id=movement_id, shift_id=shift_id, amount_fen=amount_fen,
                                    reason=reason, user_id=user_id, created_at=at))
        self._s.flush()

    def figures(self, shift_id: str) -> dict[str, Any]:
        s = self._s
        def one(stmt: Any) -> Any:
            return s.execute(stmt).one()
        sales = one(select(func.count(), func.coalesce(func.sum(SaleRow.total_fen), 0),
                           func.coalesce(func.sum(SaleRow.discount_fen), 0),
                           func.coalesce(func.sum(SaleRow.rounding_fen), 0),
                           func.count(SaleRow.member_id))
                    .where(SaleRow.shift_id == shift_id, SaleRow.kind == "sale"))
        returns = one(select(func.count(), func.coalesce(func.sum(SaleRow.total_fen), 0),
                             func.coalesce(func.sum(SaleRow.rounding_fen), 0))
                      .where(SaleRow.shift_id == shift_id, SaleRow.kind == "return"))
        from db.reports import transaction_sign
        t = transaction_sign()
        net = one(select(func.coalesce(func.sum(t), 0),
                         func.coalesce(func.sum(case((SaleRow.member_id.is_not(None), t),
                                                     else_=0)), 0))
                  .where(SaleRow.shift_id == shift_id))
        tenders = s.execute(select(SaleRow.kind, TenderRow.kind, func.count(),
                                   func.coalesce(func.sum(TenderRow.amount_fen), 0))
                            .join(SaleRow, SaleRow.id == TenderRow.sale_id)
                            .where(SaleRow.shift_id == shift_id)
                            .group_by(SaleRow.kind, TenderRow.kind)).all()
        points = s.execute(select(PointsEntryRow.kind,
                                  func.coalesce(func.sum(PointsEntryRow.spendable_delta), 0))
                           .join(SaleRow, SaleRow.id == PointsEntryRow.sale_id)
                           .where(SaleRow.shift_id == shift_id)
                           .group_by(PointsEntryRow.kind)).all()
        sv = s.execute(select(StoredValueEntryRow.kind,
                              func.coalesce(func.sum(StoredValueEntryRow.paid_delta_fen), 0),
                              func.coalesce(func.sum(StoredValueEntryRow.bonus_delta_fen), 0))
                       .where(StoredValueEntryRow.shift_id == shift_id)
                       .group_by(StoredValueEntryRow.kind)).all()
        sv_sales = one(select(func.coalesce(func.sum(TenderRow.amount_fen), 0))
                       .join(SaleRow, SaleRow.id == TenderRow.sale_id)
                       .where(SaleRow.shift_id == shift_id, SaleRow.kind == "sale",
                              TenderRow.kind == "stored_value"))
        cash_sv = s.execute(select(StoredValueEntryRow.kind,
                                   func.coalesce(func.sum(StoredValueEntryRow.paid_delta_fen), 0))
                            .where(StoredValueEntryRow.shift_id == shift_id,
                                   StoredValueEntryRow.tender == "cash")
                            .group_by(StoredValueEntryRow.kind)).all()
        moves = one(select(
            func.coalesce(func.sum(CashMovementRow.amount_fen).filter(CashMovementRow.amount_fen > 0), 0),
            func.coalesce(func.sum(CashMovementRow.amount_fen).filter(CashMovementRow.amount_fen < 0), 0))
            .where(CashMovementRow.shift_id == shift_id))
        return {
            "sales_count": sales[0], "sales_total_fen": sales[1], "discounts_fen": sales[2],
            "rounding_fen": sales[3] - returns[2], "member_sales_count": sales[4],
            "returns_count": returns[0], "returns_total_fen": returns[1],
            "tenders": [(k, t, c, a) for k, t, c, a in tenders],
            "points_by_kind": {k: int(v) for k, v in points},
            "stored_value": {k: (p, b) for k, p, b in sv},
            "stored_value_spent_fen": sv_sales[0],
            "pay_ins_fen": moves[0], "pay_outs_fen": -moves[1],
            "cash_stored_value_by_kind": {k: int(v) for k, v in cash_sv},
            "transactions": int(net[0]), "member_transactions": int(net[1]),
        }

    def hold(self, held_id: str, till_id: str, label: str, body: str, at: datetime) -> None:
        self._s.add(HeldSaleRow(id=held_id, till_id=till_id, label=label, body=body, created_at=at))
        self._s.flush()

    def held(self, till_id: str) -> list[tuple[str, str, datetime]]:
        return [(r.id, r.label, r.created_at) for r in self._s.scalars(
            select(HeldSaleRow).where(HeldSaleRow.till_id == till_id)
            .order_by(HeldSaleRow.created_at))]

    def held_bodies(self, till_id: str) -> list[tuple[str, str, datetime, str]]:
        return [(r.id, r.label, r.created_at, r.body) for r in self._s.scalars(
            select(HeldSaleRow).where(HeldSaleRow.till_id == till_id)
            .order_by(HeldSaleRow.created_at))]

    def take_held(self, held_id: str) -> str:
        row = self._s.get(HeldSaleRow, held_id)
        if row is None:
            raise NotFound("held sale", held_id)
        body = row.body
        self._s.delete(row)
        self._s.flush()
        return body


class SqlUsers:
    def __init__(self, session: Session) -> None:
        self._s = session

    @staticmethod
    def _rec(r: UserRow) -> UserRecord:
        return UserRecord(r.id, r.username, r.display_name, r.role, r.pin_hash,
                          r.failed_attempts, r.locked_until, r.active)

    def find_by_username(self, username: str) -> UserRecord | None:
        row = self._s.scalar(select(UserRow).where(UserRow.username == username.strip()))
        return self._rec(row) if row else None

    def get(self, user_id: str) -> UserRecord:
        row = self._s.get(UserRow, user_id)
        if row is None:
            raise NotFound("user", user_id)
        return self._rec(row)

    def all(self) -> list[UserRecord]:
        return [self._rec(r) for r in self._s.scalars(select(UserRow).order_by(UserRow.username))]

    def add(self, user: UserRecord, at: datetime) -> None:
        self._s.add(UserRow(id=user.id, username=user.username, display_name=user.display_name,
                            role=user.role, pin_hash=user.pin_hash, failed_attempts=0,
                            locked_until=None, active=user.active, created_at=at))
        self._s.flush()

    def update_login_state(self, user_id: str, failed: int, locked_until: datetime | None) -> None:
        self._s.execute(update(UserRow).where(UserRow.id == user_id)
                        .values(failed_attempts=failed, locked_until=locked_until))

    def update(self, user_id: str, *, role: str | None = None, pin_hash: str | None = None,
               active: bool | None = None) -> None:
        values: dict[str, Any] = {}
        if role is not None:
            values["role"] = role
        if pin_hash is not None:
            values.update(pin_hash=pin_hash, failed_attempts=0, locked_until=None)
        if active is not None:
            values["active"] = active
        if values:
            self._s.execute(update(UserRow).where(UserRow.id == user_id).values(**values))


@functools.lru_cache(maxsize=8)
def _parse_rules(body: str) -> RuleSet:
    # Rule sets are immutable per version: parse each stored body once per process.
    return RuleSet.from_json(body)


class SqlRuleSets:
    def __init__(self, session: Session) -> None:
        self._s = session

    def current(self, at: datetime) -> RuleSet:
        row = self._s.scalar(select(RuleSetRow).where(RuleSetRow.effective_from <= at)
                             .order_by(RuleSetRow.effective_from.desc(), RuleSetRow.version.desc())
                             .limit(1))
        if row is None:
            raise NotFound("rule set", at.isoformat())
        return _parse_rules(row.body)

    def add(self, rules: RuleSet, effective_from: datetime, at: datetime) -> None:
        self._s.merge(RuleSetRow(version=rules.version, effective_from=effective_from,
                                 body=rules.to_json(), created_at=at))
        self._s.flush()


class SqlSite:
    """The one shop and till this database belongs to."""

    def __init__(self, session: Session) -> None:
        self._s = session
        self._till: TillRow | None = None

    def _till_row(self) -> TillRow:
        if self._till is None:
            self._till = self._s.scalar(select(TillRow).order_by(TillRow.code).limit(1))
            if self._till is None:
                raise NotFound("till", "this database has no till yet: run `pos init`")
        return self._till

    def till_id(self) -> str:
        return self._till_row().id

    def shop_id(self) -> str:
        return self._till_row().shop_id

    def till(self) -> TillInfo:
        t = self._till_row()
        return TillInfo(t.code, t.name)

    def shop(self) -> ShopInfo:
        s = self._s.get(ShopRow, self.shop_id())
        assert s is not None
        return ShopInfo(s.code, s.name, s.address, s.phone, s.receipt_footer)

    def ensure(self, shop_id: str, shop: ShopInfo, till_id: str, till: TillInfo) -> bool:
        """Create this database's shop and till unless it has them; True if created."""
        self._till = None
        return ensure_site(self._s, shop_id, shop, till_id, till)

    def shop_name_of(self, shop_id: str | None) -> str | None:
        if shop_id is None:
            return None
        return self._s.scalar(select(ShopRow.name).where(ShopRow.id == shop_id))


class SqlAuditLog:
    def __init__(self, session: Session, ids: IdSource) -> None:
        self._s = session
        self._ids = ids

    def record(self, at: datetime, user_id: str | None, action: str, target: str,
               detail: dict[str, Any]) -> None:
        self._s.execute(insert(AuditRow.__table__), [dict(
            id=self._ids.new_id(), at=at, user_id=user_id, action=action, target=target,
            detail=json.dumps(to_jsonable(detail), ensure_ascii=False))])


    def open_intents(self, action: str, closing_actions: tuple[str, ...]
                     ) -> list[tuple[str, dict[str, Any], datetime]]:
        closed = select(AuditRow.target).where(AuditRow.action.in_(closing_actions))
        rows = self._s.execute(select(AuditRow.target, AuditRow.detail, AuditRow.at)
                               .where(AuditRow.action == action, AuditRow.target.not_in(closed))
                               .order_by(AuditRow.at)).all()
        return [(r[0], json.loads(r[1]), r[2]) for r in rows]


class SqlOutbox:
    def __init__(self, session: Session, ids: IdSource) -> None:
        self._s = session
        self._ids = ids

    def append(self, kind: str, payload: dict[str, Any], at: datetime) -> int:
        check_event_kind(kind)   # a kind head office cannot handle is refused here, typed
        # max+1 inside the BEGIN IMMEDIATE transaction: a rolled-back sale leaves no gap,
        # and no other writer can take the same number.
        seq = int(self._s.scalar(select(func.coalesce(func.max(OutboxRow.device_seq), 0)))) + 1
        self._s.execute(insert(OutboxRow.__table__), [dict(
            device_seq=seq, id=self._ids.new_id(), kind=kind,
            payload=json.dumps(to_jsonable(payload), ensure_ascii=False, sort_keys=True),
            created_at=at)])
        return seq


def ensure_site(session: Session, shop_id: str, shop: ShopInfo, till_id: str, till: TillInfo) -> bool:
    """Create the shop and till rows if this database has none; True if it created them."""
    if session.scalar(select(TillRow.id).limit(1)) is not None:
        return False
    session.add(ShopRow(id=shop_id, code=shop.code, name=shop.name, address=shop.address,
                        phone=shop.phone, receipt_footer=shop.receipt_footer))
    session.flush()
    session.add(TillRow(id=till_id, shop_id=shop_id, code=till.code, name=till.name,
                        receipt_seq=0))
    session.flush()
    return True
