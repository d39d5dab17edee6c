"""Key escrow for till backups: a backup's data key wrapped for head office's escrow key, so
a backup restores on a new PC (the till's credential store lost with the old one) with head
office's help, and nowhere without either.

Wrapping: an ephemeral X25519 key agrees a secret with head office's escrow public key;
HKDF-SHA256 turns it into an AES-256-GCM key that seals the data key, with the backup's
context (till, file name, SHA-256 of the file, time) as associated data, so the wrapped key
cannot be passed off as another till's or another file's. Only head office's private key
(a file at head office, never on a till or in a feed) unwraps it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ESCROW_DOCUMENT = ("settings", "backup_escrow")
VERSION = 1
_INFO = b"membership-pos backup escrow v1"


class EscrowError(ValueError):
    """Not an escrow record, or not for this key / this backup."""


def _raw(public: X25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def escrow_kid(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def _kek(shared: bytes, epk: bytes, hq_pub: bytes) -> bytes:
    return HKDF(hashes.SHA256(), 32, salt=None, info=_INFO + epk + hq_pub).derive(shared)


def _aad(context: dict[str, Any]) -> bytes:
    return json.dumps(context, sort_keys=True, ensure_ascii=False).encode("utf-8")


def wrap_key(data_key: bytes, hq_public_raw: bytes, context: dict[str, Any]) -> dict[str, Any]:
    """The escrow record of `data_key` for head office's public key."""
    hq_pub = X25519PublicKey.from_public_bytes(hq_public_raw)
    eph = X25519PrivateKey.generate()
    epk = _raw(eph.public_key())
    nonce = os.urandom(12)
    sealed = AESGCM(_kek(eph.exchange(hq_pub), epk, hq_public_raw)).encrypt(
        nonce, data_key, _aad(context))
    b64 = base64.b64encode
    return {"v": VERSION, "kid": escrow_kid(hq_public_raw), "epk": b64(epk).decode(),
            "nonce": b64(nonce).decode(), "wrapped": b64(sealed).decode(), "context": context}


def unwrap_key(record: dict[str, Any], private: X25519PrivateKey) -> bytes:
    """The data key sealed in `record` (EscrowError if it is not for this key or altered)."""
    try:
        if record.get("v") != VERSION:
            raise EscrowError("not an escrow record of a known version")
        hq_pub = _raw(private.public_key())
        if record.get("kid") != escrow_kid(hq_pub):
            raise EscrowError("wrapped for another escrow key")
        epk = base64.b64decode(record["epk"])
        shared = private.exchange(X25519PublicKey.from_public_bytes(epk))
        return AESGCM(_kek(shared, epk, hq_pub)).decrypt(
            base64.b64decode(record["nonce"]), base64.b64decode(record["wrapped"]),
            _aad(record["context"]))
    except EscrowError:
        raise
    except Exception as exc:  # noqa: BLE001 - any malformed or altered record
        raise EscrowError(f"not a valid escrow record ({type(exc).__name__})") from None


def escrow_document(public_raw: bytes) -> dict[str, str]:
    """The settings-feed document that gives every till head office's escrow public key."""
    return {"kid": escrow_kid(public_raw), "public_key": base64.b64encode(public_raw).decode()}
