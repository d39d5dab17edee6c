"""Head office's backup escrow key (pos_app/domain/escrow.py): an X25519 key pair whose
public half every till gets in the settings feed ("settings", "backup_escrow") and wraps its
backups' data key for; the private half is a PKCS#8 file only head office reads (0600,
--escrow-key / POS_HQ_ESCROW_KEY, default `hq-escrow-key.pem` in head office's data dir),
never in the database. `pos-hq escrow unwrap` releases one backup's key for one named till,
written to the audit log (console_audit, action "backup.key_released")."""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from headoffice.signing import create_key_file
from pos_app.domain.escrow import ESCROW_DOCUMENT, EscrowError, escrow_document, unwrap_key

if TYPE_CHECKING:
    from headoffice.service import HeadOffice

log = logging.getLogger("headoffice.escrow")

KEY_FILE_NAME = "hq-escrow-key.pem"
PATH_ENV = "POS_HQ_ESCROW_KEY"


def escrow_key_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit)
    if os.environ.get(PATH_ENV):
        return Path(os.environ[PATH_ENV])
    from platformdirs import user_data_dir
    return Path(user_data_dir("membership-pos-hq", appauthor=False)) / KEY_FILE_NAME


def load_or_create(path: str | os.PathLike[str] | None = None) -> X25519PrivateKey:
    p = escrow_key_path(path)
    if not p.exists():
        create_key_file(p, X25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    if os.name == "posix" and p.stat().st_mode & 0o077:
        raise EscrowError(f"{p} is readable by others; chmod 600 it")
    key = serialization.load_pem_private_key(p.read_bytes(), password=None)
    if not isinstance(key, X25519PrivateKey):
        raise EscrowError(f"{p} is not an X25519 key")
    return key


def publish(ho: HeadOffice, path: str | os.PathLike[str] | None = None) -> str:
    """Put the escrow public key on the settings feed (once); its key id."""
    from headoffice.models import DocumentRow
    raw = load_or_create(path).public_key().public_bytes(serialization.Encoding.Raw,
                                                         serialization.PublicFormat.Raw)
    doc = escrow_document(raw)
    with ho.sessions() as s:
        row = s.get(DocumentRow, ESCROW_DOCUMENT)
        current = json.loads(row.body) if row else None
    if current != doc:
        ho.put_document(*ESCROW_DOCUMENT, doc)
        log.info("published the backup escrow key %s", doc["kid"])
    return doc["kid"]


def release_backup_key(ho: HeadOffice, record: dict[str, Any], till: str, by: str,
                       path: str | os.PathLike[str] | None = None) -> bytes:
    """Unwrap the data key of one till's backup, for the person named, and audit it."""
    from headoffice.console.auth import audit

    context = record.get("context") or {}
    if context.get("till") != till:
        raise EscrowError(f"this backup belongs to till {context.get('till')!r}, not {till!r}")
    key = unwrap_key(record, load_or_create(path))
    ho.transaction(lambda s: audit(s, ho.clock(), None, by[:40] or "system", "backup.key_released",
                           till, None, {"backup": context.get("backup"),
                                        "sha256": context.get("sha256"),
                                        "made_at": context.get("made_at")}))
    log.warning("released the data key of backup %s of till %s to %s",
                context.get("backup"), till, by)
    return key
