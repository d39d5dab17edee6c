"""CSV imports from an older system: refused whole with every bad row listed, or applied whole."""
from __future__ import annotations

import csv
import hashlib
import io
from datetime import date
from typing import Any

from pos_app.domain.birthday import Birthday
from pos_app.domain.errors import ImportRejected, InvalidAmount, ValidationFailed
from pos_app.domain.ledger import Entry, EntryKind, entries_payload, money
from pos_app.domain.ledger import points as points_entry
from pos_app.domain.member import normalise_mobile
from pos_app.domain.money import parse_rate, parse_yuan
from pos_app.ports.clock import Clock
from pos_app.ports.store import MemberImportRow, ProductImportRow, UnitOfWorkFactory
from pos_app.services.auth import User, require_role

PRODUCT_COLUMNS = ("sku", "barcode", "name", "category", "price", "kind", "promo_rate")
MEMBER_COLUMNS = ("card_no", "name", "mobile", "tier", "birthday", "birthday_calendar", "points",
                  "accumulated_points", "balance", "card_kind", "card_status", "card_expiry")
MAX_IMPORT_ROWS = 2_000_000


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GBK as older Chinese systems export."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise ImportRejected([(0, "the file is neither UTF-8 nor GBK text")]) from None


def _rows(text: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
          ) -> list[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRejected([(1, f"missing columns: {', '.join(missing)}")])
    reader.fieldnames = header
    rows = []
    for row in reader:
        # csv line numbers count the header as line 1.
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
        if len(rows) > MAX_IMPORT_ROWS:
            raise ImportRejected([(reader.line_num, "too many rows for one file")])
    if not rows:
        raise ImportRejected([(1, "the file has no rows")])
    return rows


def parse_products(data: bytes) -> list[ProductImportRow]:
    """Validate every product row; ImportRejected lists each bad line with its reason."""
    rows = _rows(decode_csv(data), ("sku", "name", "price", "kind"))
    out: list[ProductImportRow] = []
    problems: list[tuple[int, str]] = []
    seen_sku: dict[str, int] = {}
    seen_barcode: dict[str, int] = {}
    for line, r in rows:
        reasons = []
        sku, name, barcode = r.get("sku", ""), r.get("name", ""), r.get("barcode", "")
        if not sku or len(sku) > 40:
            reasons.append("sku is empty or longer than 40 characters")
        elif sku in seen_sku:
            reasons.append(f"sku {sku} repeats line {seen_sku[sku]}")
        if not name or len(name) > 120:
            reasons.append("name is empty or longer than 120 characters")
        if barcode:
            if not barcode.isdigit() or len(barcode) > 40:
                reasons.append(f"barcode {barcode!r} is not digits")
            elif barcode in seen_barcode:
                reasons.append(f"barcode {barcode} repeats line {seen_barcode[barcode]}")
        price = 0
        try:
            price = parse_yuan(r.get("price", ""))
            if price < 0:
                reasons.append("price is negative")
        except InvalidAmount:
            reasons.append(f"price {r.get('price', '')!r} is not an amount in yuan like 12.50")
        kind = r.get("kind", "").lower() or "regular"
        if kind not in ("regular", "special", "excluded"):
            reasons.append(f"kind {kind!r} must be regular, special or excluded")
        promo: int | None = None
        if r.get("promo_rate"):
            try:
                promo = parse_rate(r["promo_rate"])
            except InvalidAmount:
                reasons.append(f"promo_rate {r['promo_rate']!r} must be a rate like 0.8")
        path = tuple(p.strip() for p in r.get("category", "").split("/") if p.strip())
        if len(path) > 3:
            reasons.append("category has more than three levels")
        pass_uses = _int(r.get("pass_uses", ""), "pass_uses", reasons) or None
        pass_days = _int(r.get("pass_valid_days", ""), "pass_valid_days", reasons) or None
        if reasons:
            problems.append((line, "; ".join(reasons)))
            continue
        seen_sku[sku] = line
        if barcode:
            seen_barcode[barcode] = line
        out.append(ProductImportRow(line, sku, barcode, name, path, price, kind, promo,
                                    pass_uses, pass_days))
    if problems:
        raise ImportRejected(problems)
    return out


def parse_members(data: bytes) -> list[MemberImportRow]:
    """Validate every member row; ImportRejected lists each bad line with its reason."""
    rows = _rows(decode_csv(data), ("card_no", "name"))
    out: list[MemberImportRow] = []
    problems: list[tuple[int, str]] = []
    seen_card: dict[str, int] = {}
    seen_mobile: dict[str, int] = {}
    for line, r in rows:
        reasons: list[str] = []
        card_no, name = r.get("card_no", ""), r.get("name", "")
        if not card_no or len(card_no) > 40 or not card_no.isalnum():
            reasons.append("card_no is empty or not letters/digits")
        elif card_no in seen_card:
            reasons.append(f"card_no {card_no} repeats line {seen_card[card_no]}")
        if not name or len(name) > 60:
            reasons.append("name is empty or longer than 60 characters")
        mobile: str | None = None
        if r.get("mobile"):
            try:
                mobile = normalise_mobile(r["mobile"])
                if mobile in seen_mobile:
                    reasons.append(f"mobile repeats line {seen_mobile[mobile]}")
            except ValidationFailed:
                reasons.append("mobile is not an 11-digit mainland number")
        tier = (r.get("tier") or "regular").lower()
        if tier not in ("regular", "gold", "diamond"):
            reasons.append(f"tier {tier!r} must be regular, gold or diamond")
        cal = (r.get("birthday_calendar") or "solar").lower()
        birthday: str | None = None
        if cal not in ("solar", "lunar"):
            reasons.append("birthday_calendar must be solar or lunar")
        elif r.get("birthday"):
            try:
                birthday = Birthday.parse(r["birthday"], cal).to_text()
            except ValidationFailed as exc:
                reasons.append(f"birthday: {exc.reason}")
        points = _int(r.get("points", ""), "points", reasons)
        accumulated = points
        if r.get("accumulated_points"):
            accumulated = _int(r["accumulated_points"], "accumulated_points", reasons)
            if accumulated < points:
                reasons.append("accumulated_points is below points")
        balance = 0
        if r.get("balance"):
            try:
                balance = parse_yuan(r["balance"])
                if balance < 0:
                    reasons.append("balance is negative")
            except InvalidAmount:
                reasons.append(f"balance {r['balance']!r} is not an amount in yuan")
        card_kind = (r.get("card_kind") or "magstripe").lower()
        if card_kind not in ("magstripe", "ic", "virtual"):
            reasons.append("card_kind must be magstripe, ic or virtual")
        status = (r.get("card_status") or "active").lower()
        if status not in ("active", "lost", "cancelled", "expired"):
            reasons.append("card_status must be active, lost, cancelled or expired")
        expiry: date | None = None
        if r.get("card_expiry"):
            try:
                expiry = date.fromisoformat(r["card_expiry"].replace("/", "-"))
            except ValueError:
                reasons.append("card_expiry must be a date like 2027-12-31")
        if reasons:
            problems.append((line, "; ".join(reasons)))
            continue
        seen_card[card_no] = line
        if mobile:
            seen_mobile[mobile] = line
        out.append(MemberImportRow(line, card_no, name, mobile, tier, birthday, cal, points,
                                   accumulated, balance, card_kind, status, expiry))
    if problems:
        raise ImportRejected(problems)
    return out


def _int(text: str, field: str, reasons: list[str]) -> int:
    if not text:
        return 0
    if not text.lstrip("-").isdigit() or len(text) > 10:
        reasons.append(f"{field} {text!r} is not a whole number")
        return 0
    value = int(text)
    if value < 0:
        reasons.append(f"{field} is negative")
    return value


def opening_entries(row: MemberImportRow) -> list[Entry]:
    """The opening-balance entries an imported member's row books (points, stored value)."""
    out = []
    if row.points or row.accumulated_points:
        out.append(points_entry(EntryKind.OPENING, row.points, row.accumulated_points, "import"))
    if row.balance_fen:
        out.append(money(EntryKind.OPENING, row.balance_fen, 0, "import"))
    return out


def imported_member_payload(member_id: str, row: MemberImportRow) -> dict[str, Any]:
    """The outbox event for one imported member: the profile, the card and the opening
    entries the till booked (payload v2), so head office holds the same member and balances
    and the first sync overwrites nothing. A till imported before enrolment sends these at its
    first sync (the outbox is numbered from the start)."""
    return {
        "member": {"id": member_id, "name": row.name, "mobile": row.mobile, "gender": "",
                   "birthday": row.birthday, "birthday_calendar": row.birthday_calendar,
                   "consent_messages": False, "tier_code": row.tier, "referrer_id": None},
        "card": {"card_no": row.card_no, "kind": row.card_kind, "uid": None,
                 "expires_on": row.card_expiry, "generation": 1, "status": row.card_status},
        "referral": None, "source": "import",
        **entries_payload(member_id, opening_entries(row))}


class ImportService:
    """Applies a validated file in one transaction; the same file twice changes nothing."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def import_products(self, actor: User, data: bytes) -> tuple[int, int]:
        require_role(actor, "manager", "import_products")
        rows = parse_products(data)
        return self._apply(actor, data, "products", rows)

    def import_members(self, actor: User, data: bytes) -> tuple[int, int]:
        require_role(actor, "manager", "import_members")
        rows = parse_members(data)
        return self._apply(actor, data, "members", rows)

    def _apply(self, actor: User | None, data: bytes, kind: str,
               rows: list[ProductImportRow] | list[MemberImportRow]) -> tuple[int, int]:
        sha = hashlib.sha256(data).hexdigest()
        now = self._clock.now()
        with self._uow() as uow:
            if uow.imports.seen(sha):
                return 0, 0
            if kind == "products":
                result = uow.imports.apply_products(rows, now)  # type: ignore[arg-type]
            else:
                conflicts = uow.imports.conflicts(rows)  # type: ignore[arg-type]
                if conflicts:
                    raise ImportRejected(conflicts)
                created: list[tuple[str, MemberImportRow]] = []
                result = uow.imports.apply_members(rows, now, created)  # type: ignore[arg-type]
                for member_id, row in created:
                    uow.outbox.append("member.registered", imported_member_payload(member_id, row),
                                      now)
            uow.imports.mark(sha, kind, len(rows), now)
            uow.audit.record(now, actor.id if actor else None, f"import_{kind}", sha[:16],
                             {"rows": len(rows), "created": result[0], "updated": result[1]})
            uow.commit()
            return result

    def import_as_system(self, kind: str, data: bytes) -> tuple[int, int]:
        """Imports by the machine's administrator (`pos import`, `pos init --demo`)."""
        rows = parse_products(data) if kind == "products" else parse_members(data)
        return self._apply(None, data, kind, rows)
