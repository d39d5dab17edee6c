"""Shops, tills and their keys: a till enrols once with a one-time code, then every request
is authenticated by its API key alone (both stored hashed)."""
from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from headoffice.db import transient
from headoffice.errors import DuplicateTill, NotEnrolled, UnknownShop
from headoffice.models import ShopRow, TillRow
from headoffice.till_certificates import revoke_till_keys

if TYPE_CHECKING:
    from headoffice.service import HeadOffice

log = logging.getLogger("headoffice")

ENROL_VALID = timedelta(days=7)
_ENROL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TillIdentity:
    """Who is calling, taken from the API key alone."""

    till_id: str
    shop_id: str
    shop_code: str
    till_code: str


@dataclass(frozen=True)
class Enrolment:
    identity: TillIdentity
    api_key: str
    epoch: int = 1


def add_shop(ho: HeadOffice, code: str, name: str) -> str:
    def work(s: Session) -> str:
        shop_id = ho.ids.new_id()
        s.add(ShopRow(id=shop_id, code=code, name=name, created_at=ho.clock()))
        return shop_id
    return ho.transaction(work)


def add_till(ho: HeadOffice, shop_code: str, till_code: str) -> str:
    """Create a till and return its one-time enrolment code (shown once, stored hashed).

    A till that has no working key (revoked, or never enrolled) gets a new code on the
    same till row: same till id, same history; enrolling with it starts a new epoch."""
    code = "-".join("".join(secrets.choice(_ENROL_ALPHABET) for _ in range(4))
                    for _ in range(4))

    def work(s: Session) -> str:
        shop = s.execute(select(ShopRow).where(ShopRow.code == shop_code)).scalar_one_or_none()
        if shop is None:
            raise UnknownShop(shop_code)
        now = ho.clock()
        till = s.execute(select(TillRow).where(TillRow.shop_id == shop.id,
                                               TillRow.code == till_code)
                         .with_for_update()).scalar_one_or_none()
        if till is not None:
            if till.key_hash is not None:
                raise DuplicateTill(shop_code, till_code)
            till.revoked_at = None
            till.enrol_hash = _sha(code)
            till.enrol_expires_at = now + ENROL_VALID
            log.info("till %s/%s gets a new enrolment code", shop_code, till_code)
            return code
        s.add(TillRow(id=ho.ids.new_id(), shop_id=shop.id, code=till_code,
                      enrol_hash=_sha(code), enrol_expires_at=now + ENROL_VALID,
                      key_hash=None, key_hint="", revoked_at=None, acked_seq=0,
                      epoch=0, created_at=now))
        return code
    return ho.transaction(work)


def enrol(ho: HeadOffice, code: str) -> Enrolment:
    """Exchange a one-time enrolment code for the till's API key."""
    api_key = "hq_" + secrets.token_urlsafe(32)

    def work(s: Session) -> Enrolment:
        till = s.execute(select(TillRow).where(TillRow.enrol_hash == _sha(code.strip().upper()))
                         .with_for_update()).scalar_one_or_none()
        if (till is None or till.revoked_at is not None or till.enrol_expires_at is None
                or till.enrol_expires_at < ho.clock()):
            raise NotEnrolled()
        till.enrol_hash = None
        till.enrol_expires_at = None
        till.key_hash = _sha(api_key)
        till.key_hint = api_key[:7]
        # A new incarnation: whatever database enrols (the old one, a fresh one, a
        # restored one) numbers its new events in an epoch no earlier event used.
        till.epoch = (till.epoch or 0) + 1
        till.acked_seq = 0
        shop = s.get(ShopRow, till.shop_id)
        return Enrolment(TillIdentity(till.id, shop.id, shop.code, till.code), api_key,
                         till.epoch)
    enrolment = ho.transaction(work)
    log.info("till %s/%s enrolled", enrolment.identity.shop_code, enrolment.identity.till_code)
    return enrolment


def revoke_till(ho: HeadOffice, shop_code: str, till_code: str) -> None:
    def work(s: Session) -> None:
        till = s.execute(select(TillRow).join(ShopRow, ShopRow.id == TillRow.shop_id)
                         .where(ShopRow.code == shop_code, TillRow.code == till_code)
                         ).scalar_one_or_none()
        if till is None:
            raise NotEnrolled()
        till.revoked_at = ho.clock()
        till.key_hash = None
        till.enrol_hash = None
    ho.transaction(work)
    # Its IC-card signing keys too: every till then re-signs or refuses its cards.
    revoke_till_keys(ho, shop_code, till_code)


def authenticate(ho: HeadOffice, api_key: str | None) -> TillIdentity:
    if not api_key or len(api_key) > 200:
        raise NotEnrolled()
    for attempt in range(2):         # once more on a connection the server just dropped
        try:
            with ho.sessions() as s:
                row = s.execute(
                    select(TillRow.id, TillRow.shop_id, ShopRow.code, TillRow.code)
                    .join(ShopRow, ShopRow.id == TillRow.shop_id)
                    .where(TillRow.key_hash == _sha(api_key),
                           TillRow.revoked_at.is_(None))).first()
            break
        except DBAPIError as exc:
            if attempt or not transient(exc):
                raise
    if row is None:
        raise NotEnrolled()
    return TillIdentity(row[0], row[1], row[2], row[3])
