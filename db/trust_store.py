"""What a till trusts from head office, read from the pulled settings feed: head office's
public signing keys (pos_app.domain.signing). No private key is ever stored on a till."""
from __future__ import annotations

import json

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from db.models import SyncDocumentRow
from pos_app.domain.signing import SIGNING_KEYS_DOCUMENT, TrustedKeys


def trusted_keys(session: Session) -> TrustedKeys:
    """Head office's keys as last pulled; empty before the first pull of `settings`."""
    body = session.scalar(select(SyncDocumentRow.body).where(
        SyncDocumentRow.stream == SIGNING_KEYS_DOCUMENT[0],
        SyncDocumentRow.key == SIGNING_KEYS_DOCUMENT[1]))
    return TrustedKeys.from_document(json.loads(body) if body else None)


class SqlTrustStore:
    """Reads the trusted keys again only when the pulled document's version changed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._version: int | None = None
        self._keys = TrustedKeys({})

    def keys(self) -> TrustedKeys:
        with Session(self.engine) as s:
            version = s.scalar(select(SyncDocumentRow.version).where(
                SyncDocumentRow.stream == SIGNING_KEYS_DOCUMENT[0],
                SyncDocumentRow.key == SIGNING_KEYS_DOCUMENT[1]))
            if version != self._version:
                self._keys = trusted_keys(s)
                self._version = version
        return self._keys
