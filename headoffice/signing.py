"""Head office's Ed25519 key pair: made once, kept in a file only head office can read,
its public half published to every till through the settings feed.

What is signed and how it is checked lives in pos_app.domain.signing (shared with tills).
The private key is a PKCS#8 PEM file created with O_EXCL and mode 0600 (encrypted when
POS_HQ_SIGNING_PASSPHRASE is set); several API workers starting at once all end up with
the one key that won the create. The key file is never in the database, so a database
dump or replica does not let anyone mint member codes or certificates.

Where: --signing-key / POS_HQ_SIGNING_KEY, else `hq-signing-key.pem` in head office's user
data dir. Rotation (`pos-hq signing rotate`) makes a new key, publishes it beside the old
one and marks the old one retired from that moment: what it signed before stays valid
until it expires on its own terms.
"""
from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pos_app.domain.signing import (
    SIGNING_KEYS_DOCUMENT,
    PublicKey,
    SignatureError,
    TrustedKeys,
    signed_message,
)

if TYPE_CHECKING:
    from headoffice.service import HeadOffice

log = logging.getLogger("headoffice.signing")

KEY_FILE_NAME = "hq-signing-key.pem"
PASSPHRASE_ENV = "POS_HQ_SIGNING_PASSPHRASE"
PATH_ENV = "POS_HQ_SIGNING_KEY"


class SigningKeyError(SignatureError):
    """The key file is unreadable, not an Ed25519 key, or readable by others."""


def default_key_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(PATH_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir
    return Path(user_data_dir("membership-pos-hq", appauthor=False)) / KEY_FILE_NAME


def create_key_file(p: Path, pem: bytes) -> bool:
    """Write a new private key file (0600): a private temporary file linked into place, so
    the link fails if another worker got there first and nobody ever reads a half-written
    key. False when another process's file won (use that one)."""
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_name(f".{p.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, p)
    except FileExistsError:
        return False
    finally:
        tmp.unlink()
    return True


@dataclass(frozen=True)
class HeadOfficeSigner:
    """Signs with head office's private key; never logs or returns the key itself."""

    _private: Ed25519PrivateKey
    public: PublicKey

    @property
    def kid(self) -> str:
        return self.public.kid

    def sign(self, context: str, payload: bytes) -> bytes:
        """The 64-byte Ed25519 signature over (context, payload) as domain.signing defines."""
        return self._private.sign(signed_message(context, payload))

    @classmethod
    def generate(cls) -> HeadOfficeSigner:
        """A fresh key held in memory only (tests, benchmarks)."""
        return cls._of(Ed25519PrivateKey.generate())

    @classmethod
    def _of(cls, private: Ed25519PrivateKey) -> HeadOfficeSigner:
        raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
        return cls(private, PublicKey.from_raw(raw))

    @classmethod
    def load_or_create(cls, path: str | os.PathLike[str] | None = None,
                       passphrase: bytes | None = None) -> HeadOfficeSigner:
        """Load the key file, creating it (0600, exclusively) the first time."""
        p = default_key_path(path)
        if passphrase is None and os.environ.get(PASSPHRASE_ENV):
            passphrase = os.environ[PASSPHRASE_ENV].encode("utf-8")
        if not p.exists():
            private = Ed25519PrivateKey.generate()
            enc: serialization.KeySerializationEncryption = (
                serialization.BestAvailableEncryption(passphrase) if passphrase
                else serialization.NoEncryption())
            pem = private.private_bytes(serialization.Encoding.PEM,
                                        serialization.PrivateFormat.PKCS8, enc)
            if create_key_file(p, pem):
                signer = cls._of(private)
                log.warning("created head-office signing key %s at %s", signer.kid, p)
                return signer
        return cls._load(p, passphrase)

    @classmethod
    def _load(cls, p: Path, passphrase: bytes | None) -> HeadOfficeSigner:
        if os.name == "posix" and p.stat().st_mode & 0o077:
            raise SigningKeyError(f"{p} is readable by others; chmod 600 it")
        try:
            private = serialization.load_pem_private_key(p.read_bytes(), password=passphrase)
        except (ValueError, TypeError) as exc:
            raise SigningKeyError(f"{p}: not a usable key ({exc.__class__.__name__}); "
                                  f"check {PASSPHRASE_ENV}") from None
        if not isinstance(private, Ed25519PrivateKey):
            raise SigningKeyError(f"{p} is not an Ed25519 key")
        return cls._of(private)


def published_keys(ho: HeadOffice) -> TrustedKeys:
    """The keys tills currently receive."""
    import json

    from headoffice.models import DocumentRow
    with ho.sessions() as s:
        row = s.get(DocumentRow, SIGNING_KEYS_DOCUMENT)
        return TrustedKeys.from_document(json.loads(row.body) if row else None)


def publish(ho: HeadOffice, signer: HeadOfficeSigner) -> bool:
    """Make sure the settings feed carries this key (keeping earlier ones); True if changed."""
    keys = dict(published_keys(ho).keys)
    if signer.kid in keys and keys[signer.kid].retired_at is None:
        return False
    keys[signer.kid] = PublicKey(signer.kid, signer.public.raw, ho.clock(), None)
    ho.put_document(*SIGNING_KEYS_DOCUMENT, TrustedKeys(keys).to_document())
    log.info("published head-office signing key %s", signer.kid)
    return True


def rotate(ho: HeadOffice, path: str | os.PathLike[str] | None = None,
           passphrase: bytes | None = None) -> HeadOfficeSigner:
    """Replace the key file with a new key, publish it, and retire every other key now."""
    p = default_key_path(path)
    old = HeadOfficeSigner.load_or_create(p, passphrase)
    now: datetime = ho.clock()
    keep = p.with_name(p.name + f".{old.kid}.retired")
    os.replace(p, keep)
    new = HeadOfficeSigner.load_or_create(p, passphrase)
    keys = {kid: (k if k.retired_at else PublicKey(k.kid, k.raw, k.not_before, now))
            for kid, k in published_keys(ho).keys.items()}
    keys[new.kid] = PublicKey(new.kid, new.public.raw, now, None)
    ho.put_document(*SIGNING_KEYS_DOCUMENT, TrustedKeys(keys).to_document())
    log.warning("rotated head-office signing key %s -> %s", old.kid, new.kid)
    return new
