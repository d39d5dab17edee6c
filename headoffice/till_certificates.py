"""Till certificates: head office vouches for each till's IC-card signing key, and revokes it.

A till makes its Ed25519 key pair when it is enrolled and sends only the public half
(POST /v1/till-certificate, authenticated with its API key); head office signs a certificate
(pos_app.domain.till_keys) and publishes every certificate and revocation as the settings
document ("settings", "till_certificates"), so every till verifies every other till's cards
offline. Revoking a till (or just its key) lists the key id as revoked from that moment: the
cards it signed are re-signed at their next tap at a good till, or refused, as the rule set
says (RuleSet.revoked_till_cards).
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from pos_app.domain.signing import CONTEXT_TILL_CERTIFICATE, PUBLIC_KEY_LEN
from pos_app.domain.till_keys import (
    TILL_CERTIFICATES_DOCUMENT,
    TillCertificate,
    certificates_document,
)

if TYPE_CHECKING:
    from headoffice.enrolment import TillIdentity
    from headoffice.service import HeadOffice
    from headoffice.signing import HeadOfficeSigner

log = logging.getLogger("headoffice.till_certificates")

CERTIFICATE_VALID_DAYS = 3 * 365


def make_certificate(signer: HeadOfficeSigner, till_id: str, shop_code: str, till_code: str,
                     public_key: bytes, not_before: date,
                     valid_days: int = CERTIFICATE_VALID_DAYS) -> TillCertificate:
    """A certificate for one till's public key, signed with head office's key."""
    if len(public_key) != PUBLIC_KEY_LEN:
        raise ValueError("an Ed25519 public key has 32 bytes")
    unsigned = TillCertificate(till_id, shop_code, till_code, bytes(public_key), not_before,
                               not_before + timedelta(days=valid_days), signer.kid)
    return TillCertificate(**{**unsigned.__dict__,
                              "signature": signer.sign(CONTEXT_TILL_CERTIFICATE,
                                                       unsigned.signed_bytes())})


def _current(ho: HeadOffice) -> tuple[dict[str, TillCertificate], dict[str, datetime]]:
    from headoffice.models import DocumentRow
    with ho.sessions() as s:
        row = s.get(DocumentRow, TILL_CERTIFICATES_DOCUMENT)
        body = json.loads(row.body) if row else {}
    certs = {}
    for entry in body.get("certificates", []):
        cert = TillCertificate.from_json(entry)
        certs[cert.kid] = cert
    revoked = {e["kid"]: datetime.fromisoformat(e["revoked_at"]) for e in body.get("revoked", [])}
    return certs, revoked


def certify(ho: HeadOffice, signer: HeadOfficeSigner, who: TillIdentity,
            public_key: bytes) -> TillCertificate:
    """Certify an enrolled till's signing key and publish the certificate; the same key asked
    again gets the certificate it already has."""
    certs, revoked = _current(ho)
    cert = make_certificate(signer, who.till_id, who.shop_code, who.till_code, public_key,
                            ho.clock().date())
    if cert.kid in revoked:
        raise ValueError("this key was revoked; make a new key pair")
    if cert.kid in certs:
        return certs[cert.kid]
    certs[cert.kid] = cert
    ho.put_document(*TILL_CERTIFICATES_DOCUMENT, certificates_document(certs.values(), revoked))
    log.info("certified the signing key %s of till %s/%s", cert.kid, who.shop_code, who.till_code)
    return cert


def revoke(ho: HeadOffice, *, kid: str | None = None, till_id: str | None = None) -> list[str]:
    """Revoke one key, or every key of a till, from now on; the key ids revoked."""
    certs, revoked = _current(ho)
    now = ho.clock()
    hit = [k for k, c in certs.items()
           if (kid is not None and k == kid) or (till_id is not None and c.till_id == till_id)]
    for k in hit:
        revoked.setdefault(k, now)
    if hit:
        ho.put_document(*TILL_CERTIFICATES_DOCUMENT, certificates_document(certs.values(), revoked))
        log.warning("revoked till signing keys %s", ", ".join(hit))
    return hit


def revoke_till_keys(ho: HeadOffice, shop_code: str, till_code: str) -> list[str]:
    """Revoke every signing key certified for one till (by shop and till code)."""
    certs, _ = _current(ho)
    hit = [k for k, c in certs.items() if (c.shop_code, c.till_code) == (shop_code, till_code)]
    for k in hit:
        revoke(ho, kid=k)
    return hit
