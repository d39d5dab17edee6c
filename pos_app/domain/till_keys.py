"""Till signing keys, their head-office certificates, and checking a v2 IC-card block with them.

Each till makes its own Ed25519 key pair when it is enrolled and keeps the private half in
the operating system's credential store; head office certifies the public half with a small
certificate (till id, shop, till, public key, validity, head office's signature) and
publishes every certificate and every revocation in the settings feed. A till therefore
verifies any card with head office's public key alone - offline too - and holds no secret
that lets it sign for another till: a stolen till's key is revoked, and its cards are
re-signed at their next tap at a good till (or refused, as the rule set says).

Certificate document (settings feed, ("settings", "till_certificates"))::

    {"certificates": [{"payload": {...}, "signature": "<base64>"}],
     "revoked": [{"kid": "<16 hex>", "revoked_at": "<ISO>"}]}

payload: {"v": 1, "kid", "till_id", "shop_code", "till_code", "public_key" (base64 raw 32
bytes), "not_before", "not_after" (ISO dates), "hq_kid"}, signed as canonical JSON under the
"till-certificate" context by head office's key "hq_kid".
"""
from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.domain.card_block import (
    CONTEXT_IC_BLOCK,
    FORMAT_V2,
    CardForged,
    CardMismatch,
    CardSuperseded,
    IssuerRevoked,
    IssuerUnknown,
    MemberBlock,
    MemberBlockMalformed,
    MemberBlockMissing,
    MemberBlockUnsupported,
    V1BlockRefused,
    decode_member_block,
    encode_member_block_v2,
    parse_member_block_v2,
    record_version,
    v2_signed_bytes,
)
from pos_app.domain.signing import (
    CONTEXT_TILL_CERTIFICATE,
    BadEncoding,
    PublicKey,
    SignatureError,
    TrustedKeys,
    b64decode,
    canonical_json,
    key_id,
    signed_message,
)

TILL_CERTIFICATES_DOCUMENT = ("settings", "till_certificates")
CERTIFICATE_VERSION = 1


class CertificateError(SignatureError):
    """A till certificate that does not parse, is not head office's, or is not valid now."""


@dataclass(frozen=True)
class TillCertificate:
    """Head office's statement that `public_key` is the signing key of one till."""

    till_id: str
    shop_code: str
    till_code: str
    public_key: bytes
    not_before: date
    not_after: date
    hq_kid: str
    signature: bytes = b""

    @property
    def kid(self) -> str:
        return key_id(self.public_key)

    def payload(self) -> dict[str, Any]:
        return {"v": CERTIFICATE_VERSION, "kid": self.kid, "till_id": self.till_id,
                "shop_code": self.shop_code, "till_code": self.till_code,
                "public_key": base64.b64encode(self.public_key).decode("ascii"),
                "not_before": self.not_before.isoformat(),
                "not_after": self.not_after.isoformat(), "hq_kid": self.hq_kid}

    def signed_bytes(self) -> bytes:
        """The canonical payload head office signs (under the till-certificate context)."""
        return canonical_json(self.payload())

    def to_json(self) -> dict[str, Any]:
        return {"payload": self.payload(),
                "signature": base64.b64encode(self.signature).decode("ascii")}

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> TillCertificate:
        try:
            p = doc["payload"]
            if p["v"] != CERTIFICATE_VERSION:
                raise CertificateError(f"certificate version {p['v']} unknown")
            cert = cls(till_id=str(p["till_id"]), shop_code=str(p["shop_code"]),
                       till_code=str(p["till_code"]), public_key=b64decode(p["public_key"]),
                       not_before=date.fromisoformat(p["not_before"]),
                       not_after=date.fromisoformat(p["not_after"]), hq_kid=str(p["hq_kid"]),
                       signature=b64decode(doc["signature"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise CertificateError(f"malformed till certificate ({exc.__class__.__name__})") from None
        if p.get("kid") != cert.kid:
            raise CertificateError("certificate key id does not match its key")
        return cert

    def check(self, trusted: TrustedKeys) -> None:
        """Raise unless head office's published key `hq_kid` signed exactly this certificate."""
        try:
            trusted.verify(self.hq_kid, CONTEXT_TILL_CERTIFICATE, self.signed_bytes(),
                           self.signature,
                           signed_at=datetime.combine(self.not_before, datetime.min.time()))
        except SignatureError as exc:
            raise CertificateError(f"certificate for {self.kid} not signed by head office "
                                   f"({exc.__class__.__name__})") from None


@dataclass(frozen=True)
class IssuerDirectory:
    """The certified till keys and revocations a till knows (from the settings feed)."""

    certificates: Mapping[str, TillCertificate] = field(default_factory=dict)
    revoked: Mapping[str, datetime] = field(default_factory=dict)

    @classmethod
    def from_document(cls, body: Mapping[str, Any] | None,
                      trusted: TrustedKeys) -> IssuerDirectory:
        """Certificates that head office signed; any other entry is dropped, never trusted."""
        if not body:
            return cls()
        certs: dict[str, TillCertificate] = {}
        for entry in body.get("certificates", []):
            try:
                cert = TillCertificate.from_json(entry)
                cert.check(trusted)
            except (CertificateError, BadEncoding):
                continue
            certs[cert.kid] = cert
        revoked: dict[str, datetime] = {}
        for entry in body.get("revoked", []):
            try:
                revoked[str(entry["kid"])] = datetime.fromisoformat(str(entry["revoked_at"]))
            except (KeyError, TypeError, ValueError):
                continue
        return cls(certs, revoked)

    def with_certificate(self, cert: TillCertificate) -> IssuerDirectory:
        return IssuerDirectory({**self.certificates, cert.kid: cert}, self.revoked)


class TillSigner:
    """This till's signing key and its certificate: writes v2 blocks. Never logs the key."""

    def __init__(self, private: Ed25519PrivateKey, certificate: TillCertificate | None) -> None:
        self._private = private
        self.certificate = certificate

    @classmethod
    def generate(cls) -> TillSigner:
        return cls(Ed25519PrivateKey.generate(), None)

    @classmethod
    def from_private_bytes(cls, raw: bytes, certificate: TillCertificate | None) -> TillSigner:
        return cls(Ed25519PrivateKey.from_private_bytes(raw), certificate)

    def private_bytes(self) -> bytes:
        """The raw 32-byte private key, only to put it in the credential store."""
        return self._private.private_bytes(serialization.Encoding.Raw,
                                           serialization.PrivateFormat.Raw,
                                           serialization.NoEncryption())

    @property
    def public_key(self) -> bytes:
        return self._private.public_key().public_bytes(serialization.Encoding.Raw,
                                                       serialization.PublicFormat.Raw)

    @property
    def kid(self) -> str:
        return key_id(self.public_key)

    def __repr__(self) -> str:
        return f"TillSigner(kid={self.kid})"

    def can_sign(self, today: date) -> bool:
        c = self.certificate
        return c is not None and c.kid == self.kid and c.not_before <= today <= c.not_after

    def encode(self, card_no: str, generation: int, uid: bytes, today: date) -> bytes:
        """A signed v2 record for this UID."""
        return encode_member_block_v2(
            card_no, generation, uid, today, bytes.fromhex(self.kid),
            lambda data: self._private.sign(signed_message(CONTEXT_IC_BLOCK, data)))


@dataclass(frozen=True)
class BlockVerifier:
    """Checks a raw member record read from a chip: v2 with the certified till keys, v1 with
    the chain master key while the migration window is open (`v1_key` None = closed)."""

    trusted: TrustedKeys
    issuers: IssuerDirectory
    v1_key: bytes | None = None

    def decode(self, record: bytes, uid: bytes) -> MemberBlock:
        """What a genuine record says; raises MemberBlockError subclasses otherwise
        (IssuerRevoked carries the genuine block of a revoked till)."""
        version = record_version(record)
        if version is None:
            raise MemberBlockMissing()
        if version == 1:
            if self.v1_key is None:
                raise V1BlockRefused()
            return decode_member_block(bytes(record[:16]), uid, self.v1_key)
        if version != FORMAT_V2:
            raise MemberBlockUnsupported(version)
        try:
            parsed = parse_member_block_v2(record)
        except MemberBlockMalformed:
            raise CardForged(None) from None
        kid = parsed.block.issuer or ""
        cert = self.issuers.certificates.get(kid)
        if cert is None:
            raise IssuerUnknown(kid)
        try:
            PublicKey.from_raw(cert.public_key).verify(
                CONTEXT_IC_BLOCK, v2_signed_bytes(uid, parsed.payload), parsed.signature)
        except SignatureError:
            raise CardForged(None) from None
        if not cert.not_before <= parsed.issued_on <= cert.not_after:
            # Signed outside the certificate's validity: the key was not allowed to sign then.
            raise CardForged(None)
        if kid in self.issuers.revoked:
            raise IssuerRevoked(parsed.block)
        return parsed.block

    def verify(self, record: bytes, uid: bytes, expected_card_no: str,
               expected_generation: int) -> MemberBlock:
        """Accept only a genuine record for this UID naming the expected, current card."""
        found = self.decode(record, uid)
        return check_expected(found, expected_card_no, expected_generation)


def check_expected(found: MemberBlock, expected_card_no: str,
                   expected_generation: int) -> MemberBlock:
    if found.card_no != expected_card_no:
        raise CardMismatch(expected_card_no, found.card_no)
    if found.generation < expected_generation:
        raise CardSuperseded(found.card_no, found.generation, expected_generation)
    return found


def certificates_document(certs: Iterable[TillCertificate],
                          revoked: Mapping[str, datetime]) -> dict[str, Any]:
    """The settings-feed document head office publishes."""
    return {"certificates": [c.to_json() for c in sorted(certs, key=lambda c: c.kid)],
            "revoked": [{"kid": k, "revoked_at": v.isoformat()} for k, v in sorted(revoked.items())]}
