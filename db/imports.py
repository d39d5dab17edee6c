"""SqlImports: applies validated CSV rows (products by SKU, members with cards and opening balances)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    BarcodeRow,
    CardRow,
    CategoryRow,
    ImportRow,
    MemberRow,
    ProductRow,
    TillRow,
)
from db.repositories import SqlAccounts, SqlLedgers
from pos_app.domain.card import mask_name
from pos_app.ports.clock import IdSource
from pos_app.ports.store import MemberImportRow, ProductImportRow
from db.search_keys import name_initials
from pos_app.domain.member import month_day_birthday


class SqlImports:
    def __init__(self, session: Session, ids: IdSource, accounts: SqlAccounts,
                 ledgers: SqlLedgers) -> None:
        self._s = session
        self._ids = ids
        self._accounts = accounts
        self._ledgers = ledgers

    def seen(self, sha256: str) -> bool:
        return self._s.get(ImportRow, sha256) is not None

    def mark(self, sha256: str, kind: str, rows: int, at: datetime) -> None:
        self._s.add(ImportRow(sha256=sha256, kind=kind, rows=rows, imported_at=at))

    def _category(self, path: tuple[str, ...], cache: dict[str, str]) -> str | None:
        parent: str | None = None
        for level in range(1, len(path) + 1):
            key = "/".join(path[:level])
            if key not in cache:
                found = self._s.scalar(select(CategoryRow.id).where(CategoryRow.path == key))
                if found is None:
                    found = self._ids.new_id()
                    self._s.add(CategoryRow(id=found, parent_id=parent, name=path[level - 1],
                                            level=level, path=key))
                    self._s.flush()
                cache[key] = found
            parent = cache[key]
        return parent

    def apply_products(self, rows: list[ProductImportRow], at: datetime) -> tuple[int, int]:
        created = updated = 0
        cache: dict[str, str] = {}
        for r in rows:
            category_id = self._category(r.category_path, cache) if r.category_path else None
            row = self._s.scalar(select(ProductRow).where(ProductRow.sku == r.sku))
            if row is None:
                row = ProductRow(id=self._ids.new_id(), sku=r.sku, updated_at=at)
                self._s.add(row)
                created += 1
            else:
                updated += 1
            row.name, row.price_fen, row.kind = r.name, r.price_fen, r.kind
            row.name_initials = name_initials(r.name)
            row.category_id, row.promo_rate_bp = category_id, r.promo_rate_bp
            row.pass_uses, row.pass_valid_days = r.pass_uses, r.pass_valid_days
            row.points_eligible = r.kind != "excluded"
            row.active, row.updated_at = True, at
            self._s.flush()
            if r.barcode:
                existing = self._s.get(BarcodeRow, r.barcode)
                if existing is None:
                    self._s.add(BarcodeRow(code=r.barcode, product_id=row.id))
                else:
                    existing.product_id = row.id
        self._s.flush()
        return created, updated

    def conflicts(self, rows: list[MemberImportRow]) -> list[tuple[int, str]]:
        problems = []
        for r in rows:
            if not r.mobile:
                continue
            other = self._s.scalar(select(MemberRow).where(
                MemberRow.mobile_hash.in_(self._accounts.mobile_keys.hashes(r.mobile))).limit(1))
            if other is None:
                continue
            owns_card = self._s.scalar(select(CardRow.id).where(
                CardRow.card_no == r.card_no, CardRow.member_id == other.id))
            if owns_card is None:
                problems.append((r.line, f"mobile belongs to another member ({mask_name(other.name)})"))
        return problems

    def apply_members(self, rows: list[MemberImportRow], at: datetime,
                      created_ids: list[tuple[str, MemberImportRow]] | None = None
                      ) -> tuple[int, int]:
        created = skipped = 0
        till = self._s.scalar(select(TillRow).limit(1))
        shop_id = till.shop_id if till else None
        for r in rows:
            if self._s.scalar(select(CardRow.id).where(CardRow.card_no == r.card_no)):
                skipped += 1
                continue
            member_id = self._ids.new_id()
            self._s.add(MemberRow(
                id=member_id, name=r.name, **self._accounts.mobile_columns(r.mobile),
                gender="", birthday=month_day_birthday(r.birthday),
                birthday_calendar=r.birthday_calendar, consent_messages=False, tier_code=r.tier,
                created_at=at, updated_at=at))
            self._s.flush()
            self._s.add(CardRow(
                id=self._ids.new_id(), card_no=r.card_no, member_id=member_id, kind=r.card_kind,
                status=r.card_status, generation=1, expires_on=r.card_expiry, issued_at=at,
                status_changed_at=at if r.card_status != "active" else None,
                status_shop_id=shop_id if r.card_status != "active" else None))
            if r.points or r.accumulated_points:
                self._ledgers.add_points(member_id, "opening", r.points, r.accumulated_points, at,
                                         note="import")
            if r.balance_fen:
                self._ledgers.add_stored_value(member_id, "opening", r.balance_fen, 0, at,
                                               note="import")
            if created_ids is not None:
                created_ids.append((member_id, r))
            created += 1
        self._s.flush()
        return created, skipped
