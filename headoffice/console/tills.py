"""Shops and tills for the console: the list with each till's last contact, app version,
backlog and clock skew (reported by the till on its card-status pull), adding shops and
tills (a one-time enrolment code, also as a QR code), revoking a till's key."""
from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console.auth import BadUserInput, Who, audit
from headoffice.console.models import TillReportRow
from headoffice.console.periods import business_tz
from headoffice.errors import DuplicateTill, NotEnrolled, UnknownShop
from headoffice.models import ShopRow, TillRow

CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")


def record_report(ho: Any, headers: Any) -> None:
    """Keep what a till said about itself (headers of its pull); bad values are dropped."""
    try:
        who = ho.authenticate(headers.get("x-api-key"))
    except NotEnrolled:
        return
    now = ho.clock()
    try:
        backlog = max(0, min(int(headers.get("x-pos-backlog", "0")), 10 ** 12))
    except ValueError:
        backlog = 0
    skew = 0
    try:
        told = datetime.fromisoformat(headers.get("x-pos-clock", ""))
        told_utc = (told if told.tzinfo else told.replace(tzinfo=business_tz())
                    ).astimezone(UTC).replace(tzinfo=None)
        skew = int((told_utc - now).total_seconds())
        skew = max(-10 ** 8, min(skew, 10 ** 8))
    except ValueError:
        pass
    version = str(headers.get("x-pos-version", ""))[:40]

    def work(s: Session) -> None:
        row = s.get(TillReportRow, who.till_id, with_for_update=True)
        if row is None:
            s.add(TillReportRow(till_id=who.till_id, app_version=version, backlog=backlog,
                                clock_skew_s=skew, reported_at=now))
        else:
            row.app_version, row.backlog, row.clock_skew_s, row.reported_at = (
                version, backlog, skew, now)
    ho.transaction(work)


def shops_and_tills(s: Session, shop_scope: str | None) -> list[dict[str, Any]]:
    q = select(ShopRow).order_by(ShopRow.code)
    if shop_scope:
        q = q.where(ShopRow.id == shop_scope)
    shops = list(s.scalars(q))
    tills = s.execute(select(TillRow, TillReportRow).outerjoin(
        TillReportRow, TillReportRow.till_id == TillRow.id).where(
        TillRow.shop_id.in_([x.id for x in shops])).order_by(TillRow.code)).all()
    out = []
    for shop in shops:
        out.append({"shop": shop, "tills": [
            {"till": t, "report": r,
             "state": "revoked" if t.revoked_at else "enrolled" if t.key_hash else "waiting"}
            for t, r in tills if t.shop_id == shop.id]})
    return out


def add_shop(ho: Any, s: Session, who: Who, code: str, name: str) -> None:
    code, name = code.strip(), name.strip()
    if not CODE_RE.fullmatch(code):
        raise BadUserInput("code", "A code is 1-32 letters, digits, - or _.")
    if not name or len(name) > 100:
        raise BadUserInput("shop_name", "Enter a name of 1 to 100 characters.")
    if s.scalar(select(ShopRow.id).where(ShopRow.code == code)):
        raise BadUserInput("code", "A shop with this code exists.")
    s.add(ShopRow(id=ho.ids.new_id(), code=code, name=name, created_at=ho.clock()))
    s.flush()
    audit(s, ho.clock(), who, None, "shop.added", code, None, {"code": code, "name": name})


def add_till(ho: Any, who: Who, shop_code: str, till_code: str) -> str:
    if not CODE_RE.fullmatch(till_code.strip()):
        raise BadUserInput("till", "A code is 1-32 letters, digits, - or _.")
    try:
        code = ho.add_till(shop_code, till_code.strip())
    except UnknownShop:
        raise BadUserInput("shop", "Choose a shop from the list.") from None
    except DuplicateTill:
        raise BadUserInput("till", "This shop already has a till with this code.") from None
    ho.transaction(lambda s: audit(s, ho.clock(), who, None, "till.added", f"{shop_code}/{till_code}",
                           None, {"shop": shop_code, "till": till_code}))
    return code


def revoke(ho: Any, s: Session, who: Who, till_id: str) -> None:
    till = s.get(TillRow, till_id, with_for_update=True)
    if till is None:
        raise BadUserInput("form", "Unknown till.")
    if till.revoked_at is not None:
        raise BadUserInput("form", "This till is already revoked.")
    shop = s.get(ShopRow, till.shop_id)
    till.revoked_at = ho.clock()
    till.key_hash = None
    till.enrol_hash = None
    audit(s, ho.clock(), who, None, "till.revoked", f"{shop.code}/{till.code}",
          {"revoked": False}, {"revoked": True}, shop_id=shop.id)


def qr_svg(text: str) -> str:
    """An SVG QR code of the enrolment code (qrcode's own SVG writer, no raster step)."""
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buf = io.BytesIO()
    img.save(buf)
    svg = buf.getvalue().decode()
    return svg[svg.index("<svg"):]
