"""This till's IC-card signing key and certificate, read from the credential store."""
from __future__ import annotations

import json
import logging

from pos_app.domain.till_keys import CertificateError, TillCertificate, TillSigner
from pos_app.secrets import TILL_CERTIFICATE, TILL_SIGNING_KEY, SecretStore

log = logging.getLogger(__name__)


def load_till_signer(store: SecretStore) -> TillSigner | None:
    """The certified signing key, or None before enrolment (or if the store holds garbage)."""
    raw, cert_text = store.get(TILL_SIGNING_KEY), store.get(TILL_CERTIFICATE)
    if not raw or not cert_text:
        return None
    try:
        cert = TillCertificate.from_json(json.loads(cert_text))
        signer = TillSigner.from_private_bytes(bytes.fromhex(raw), cert)
    except (CertificateError, ValueError) as exc:
        log.warning("the till signing key in the credential store is unusable (%s); "
                    "enrol again", type(exc).__name__)
        return None
    if signer.kid != cert.kid:
        log.warning("the till signing key does not match its certificate; enrol again")
        return None
    return signer
