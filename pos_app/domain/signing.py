"""Ed25519 signatures checked with head office's public keys only.

Tills hold public keys, never a private key that could mint a member code, a till
certificate or an IC-card block, so a stolen till PC cannot forge any of them. Head office
signs (headoffice/signing.py); this module is the one place that says which bytes are
signed and how a signature is checked, so signer and verifier cannot drift apart.

Message layout (what Ed25519 signs)::

    b"POS-SIG-1" 0x00 <context, ASCII> 0x00 <payload bytes>

The context separates uses: a signature over a member code can never pass as a till
certificate, even if the payload bytes happened to coincide. Structured payloads
(certificates, documents) are encoded with `canonical_json`; tight binary payloads (a QR,
an IC-card sector) build their own fixed layout and sign that.

Published keys travel in the settings feed as the document ("settings", "signing_keys"):
``{"keys": [{"kid": "<16 hex>", "public_key": "<base64 raw 32 bytes>",
"not_before": "<ISO>", "retired_at": "<ISO>|null"}]}``. A retired key no longer verifies
anything signed after its retirement time is reached (the verifier passes the time).
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MAGIC = b"POS-SIG-1"
SIGNATURE_LEN = 64
PUBLIC_KEY_LEN = 32
KID_LEN = 8                     # bytes of sha256(public key); 16 hex digits
SIGNING_KEYS_DOCUMENT = ("settings", "signing_keys")

# Contexts in use; a new use adds its own name here.
CONTEXT_MEMBER_CODE = "member-code"
CONTEXT_TILL_CERTIFICATE = "till-certificate"
CONTEXT_IC_BLOCK = "ic-block"
CONTEXT_RECEIPT_LINK = "receipt-link"


class SignatureError(Exception):
    """Base of the signing errors."""


class BadSignature(SignatureError):
    """The signature does not match the message under the named key."""

    def __init__(self, kid: str) -> None:
        super().__init__(kid)
        self.kid = kid


class UnknownKey(SignatureError):
    """No published head-office key has this id (not yet pulled, or never head office's)."""

    def __init__(self, kid: str) -> None:
        super().__init__(kid)
        self.kid = kid


class KeyRetired(SignatureError):
    """The key was retired before the time the signature claims."""

    def __init__(self, kid: str, retired_at: datetime) -> None:
        super().__init__(kid, retired_at)
        self.kid = kid
        self.retired_at = retired_at


class BadEncoding(SignatureError, ValueError):
    """Input that is not a well-formed key, signature or canonical payload."""


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no spaces; floats refused (money is integer fen)."""
    _check_no_float(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def _check_no_float(value: Any) -> None:
    if isinstance(value, float):
        raise BadEncoding("floats are not allowed in a signed payload")
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise BadEncoding("object keys must be text")
            _check_no_float(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _check_no_float(v)


def signed_message(context: str, payload: bytes) -> bytes:
    """The exact bytes an Ed25519 signature covers for `payload` used as `context`."""
    if not context or not context.isascii() or "\x00" in context:
        raise BadEncoding("context must be non-empty ASCII without NUL")
    return MAGIC + b"\x00" + context.encode("ascii") + b"\x00" + bytes(payload)


def key_id(public_raw: bytes) -> str:
    """The 16-hex-digit id of a raw 32-byte Ed25519 public key."""
    if len(public_raw) != PUBLIC_KEY_LEN:
        raise BadEncoding("an Ed25519 public key is 32 bytes")
    return hashlib.sha256(public_raw).digest()[:KID_LEN].hex()


def b64decode(text: str) -> bytes:
    """Strict standard base64 (padding optional); BadEncoding on anything else."""
    try:
        t = text.strip()
        return base64.b64decode(t + "=" * (-len(t) % 4), validate=True)
    except (binascii.Error, ValueError, AttributeError):
        raise BadEncoding("not base64") from None


@dataclass(frozen=True)
class PublicKey:
    """One of head office's published verification keys."""

    kid: str
    raw: bytes
    not_before: datetime | None = None
    retired_at: datetime | None = None

    @classmethod
    def from_raw(cls, raw: bytes, not_before: datetime | None = None,
                 retired_at: datetime | None = None) -> PublicKey:
        return cls(key_id(raw), bytes(raw), not_before, retired_at)

    @property
    def b64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    def verify(self, context: str, payload: bytes, signature: bytes) -> None:
        """Return if `signature` is this key's over (context, payload); raise BadSignature."""
        if len(signature) != SIGNATURE_LEN:
            raise BadSignature(self.kid)
        try:
            _public(self.raw).verify(bytes(signature), signed_message(context, payload))
        except InvalidSignature:
            raise BadSignature(self.kid) from None

    def to_json(self) -> dict[str, Any]:
        return {"kid": self.kid, "public_key": self.b64,
                "not_before": self.not_before.isoformat() if self.not_before else None,
                "retired_at": self.retired_at.isoformat() if self.retired_at else None}


_KEY_CACHE: dict[bytes, Ed25519PublicKey] = {}


def _public(raw: bytes) -> Ed25519PublicKey:
    # Loading a key costs about as much as a verification; tills verify with a handful of keys.
    key = _KEY_CACHE.get(raw)
    if key is None:
        key = Ed25519PublicKey.from_public_bytes(raw)
        if len(_KEY_CACHE) < 256:
            _KEY_CACHE[raw] = key
    return key


@dataclass(frozen=True)
class TrustedKeys:
    """Head office's published public keys, by id: what a till trusts, and nothing more."""

    keys: Mapping[str, PublicKey]

    @classmethod
    def of(cls, keys: Iterable[PublicKey]) -> TrustedKeys:
        return cls({k.kid: k for k in keys})

    @classmethod
    def from_document(cls, body: Mapping[str, Any] | None) -> TrustedKeys:
        """Keys from the settings document; entries that do not parse are refused whole."""
        if not body:
            return cls({})
        out = []
        try:
            for entry in body["keys"]:
                raw = b64decode(entry["public_key"])
                key = PublicKey.from_raw(raw, _when(entry.get("not_before")),
                                         _when(entry.get("retired_at")))
                if entry.get("kid") not in (None, key.kid):
                    raise BadEncoding("key id does not match the key")
                out.append(key)
        except (KeyError, TypeError) as exc:
            raise BadEncoding(f"signing keys document: {exc.__class__.__name__}") from None
        return cls.of(out)

    def to_document(self) -> dict[str, Any]:
        return {"keys": [self.keys[k].to_json() for k in sorted(self.keys)]}

    def get(self, kid: str) -> PublicKey:
        key = self.keys.get(kid)
        if key is None:
            raise UnknownKey(kid)
        return key

    def verify(self, kid: str, context: str, payload: bytes, signature: bytes,
               signed_at: datetime | None = None) -> PublicKey:
        """Check a signature by the named key; a retired key only for what it signed before
        its retirement (`signed_at` is the time the signed payload claims)."""
        key = self.get(kid)
        key.verify(context, payload, signature)
        if key.retired_at is not None and (signed_at is None or signed_at >= key.retired_at):
            raise KeyRetired(kid, key.retired_at)
        return key

    def __bool__(self) -> bool:
        return bool(self.keys)


def _when(text: Any) -> datetime | None:
    if text in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        raise BadEncoding("bad time in signing keys document") from None
