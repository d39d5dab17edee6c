"""The till certificates and revocations pulled from head office's settings feed, checked
against head office's published keys (pos_app.domain.till_keys). Cached until the pulled
documents change, so a tap costs one indexed lookup of two version numbers."""
from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import SyncDocumentRow
from db.trust_store import SqlTrustStore
from pos_app.domain.signing import TrustedKeys
from pos_app.domain.till_keys import TILL_CERTIFICATES_DOCUMENT, BlockVerifier, IssuerDirectory


class SqlIssuerStore:
    """A BlockVerifier for each tap, rebuilt only when the certificates or keys changed."""

    def __init__(self, engine: Engine, v1_key: bytes | None = None) -> None:
        self.engine = engine
        self.v1_key = v1_key
        self._trust = SqlTrustStore(engine)
        self._version: int | None = None
        self._keys: TrustedKeys | None = None
        self._verifier = BlockVerifier(TrustedKeys({}), IssuerDirectory(), v1_key)

    def verifier(self) -> BlockVerifier:
        keys = self._trust.keys()
        with Session(self.engine) as s:
            row = s.execute(select(SyncDocumentRow.version, SyncDocumentRow.body).where(
                SyncDocumentRow.stream == TILL_CERTIFICATES_DOCUMENT[0],
                SyncDocumentRow.key == TILL_CERTIFICATES_DOCUMENT[1])).first()
        version = row[0] if row else None
        if version != self._version or keys is not self._keys:
            body = json.loads(row[1]) if row and row[1] else None
            self._verifier = BlockVerifier(keys, IssuerDirectory.from_document(body, keys),
                                           self.v1_key)
            self._version, self._keys = version, keys
        return self._verifier
