"""Keys for IC-card tests: a head office that certifies tills, and the codecs tills build."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from headoffice.signing import HeadOfficeSigner
from headoffice.till_certificates import make_certificate
from pos_app.domain.signing import TrustedKeys
from pos_app.domain.till_keys import BlockVerifier, IssuerDirectory, TillSigner
from pos_app.services.ic_cards import CardCodec

V1_MASTER = bytes.fromhex("00112233445566778899AABBCCDDEEFF0123456789ABCDEF")
CERT_FROM = date(2024, 1, 1)


@dataclass
class Chain:
    """Head office's key, the certificates it issued and the revocations it published."""

    hq: HeadOfficeSigner = field(default_factory=HeadOfficeSigner.generate)
    issuers: IssuerDirectory = field(default_factory=IssuerDirectory)

    @property
    def trusted(self) -> TrustedKeys:
        return TrustedKeys.of([self.hq.public])

    def till(self, till_code: str = "T01", shop_code: str = "S001",
             not_before: date = CERT_FROM, valid_days: int = 3650) -> TillSigner:
        """A till key pair, certified and published."""
        signer = TillSigner.generate()
        signer.certificate = make_certificate(self.hq, f"till-{till_code}", shop_code, till_code,
                                              signer.public_key, not_before, valid_days)
        self.issuers = self.issuers.with_certificate(signer.certificate)
        return signer

    def revoke(self, signer: TillSigner, at: datetime) -> None:
        self.issuers = IssuerDirectory(self.issuers.certificates,
                                       {**self.issuers.revoked, signer.kid: at})

    def verifier(self, v1_key: bytes | None = None) -> BlockVerifier:
        return BlockVerifier(self.trusted, self.issuers, v1_key)

    def codec(self, signer: TillSigner | None, v1_key: bytes | None = None) -> CardCodec:
        """A till's codec; it sees this chain's certificates as they are at each tap."""
        return CardCodec(lambda: self.verifier(v1_key), signer=signer, v1_key=v1_key)
