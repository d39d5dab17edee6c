"""The till's side of phone member codes: head office's keys and code settings from the
settings feed, and the codes this till has taken (once per member per step).

Both documents change rarely, so they are cached for CACHE_S seconds; a code signed by a key
the cache does not know makes the service ask again at once (refresh), so a key head office
just published is usable as soon as the till has pulled it.

The once-per-step record is written with synchronous=NORMAL (WAL: no fsync at commit): it
costs a fraction of a millisecond instead of a disk flush. A power cut can lose the last
records, which at worst lets a code taken in the last seconds before the cut be taken once
more within its half-minute window; no money moves on a member code alone.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from db.models import MemberCodeUseRow, SyncDocumentRow
from db.trust_store import trusted_keys
from pos_app.domain.member_code import SETTINGS_DOCUMENT, MemberCodeRules
from pos_app.domain.signing import TrustedKeys

KEEP_USES = timedelta(days=2)
CACHE_S = 30.0
PRUNE_EVERY = 500


class SqlMemberCodeStore:
    def __init__(self, engine: Engine, monotonic=time.monotonic) -> None:  # noqa: ANN001
        self.engine = engine
        self._monotonic = monotonic
        self._keys: tuple[float, TrustedKeys] | None = None
        self._rules: tuple[float, MemberCodeRules] | None = None
        self._site: tuple[float, str] | None = None
        self._takes = 0

    def _fresh(self, cached: tuple[float, object] | None) -> bool:
        return cached is not None and self._monotonic() - cached[0] < CACHE_S

    def refresh(self) -> None:
        self._keys = self._rules = self._site = None

    def keys(self) -> TrustedKeys:
        if self._fresh(self._keys):
            return self._keys[1]
        from sqlalchemy.orm import Session
        with Session(self.engine) as s:
            keys = trusted_keys(s)
        if keys:                      # never cache "no keys yet": the first pull is near
            self._keys = (self._monotonic(), keys)
        return keys

    def _document(self, key: str) -> dict | None:
        with self.engine.connect() as c:
            body = c.execute(select(SyncDocumentRow.body).where(
                SyncDocumentRow.stream == "settings", SyncDocumentRow.key == key)).scalar()
        try:
            return json.loads(body) if body else None
        except ValueError:
            return None

    def rules(self) -> MemberCodeRules:
        if self._fresh(self._rules):
            return self._rules[1]
        try:
            rules = MemberCodeRules.from_document(self._document(SETTINGS_DOCUMENT[1]))
        except (ValueError, TypeError, AttributeError):
            rules = MemberCodeRules()
        self._rules = (self._monotonic(), rules)
        return rules

    def member_site_url(self) -> str:
        if self._fresh(self._site):
            return self._site[1]
        body = self._document("member_site")
        url = str(body.get("public_url") or "") if isinstance(body, dict) else ""
        url = url if url.startswith(("https://", "http://")) else ""
        if url:                       # not known yet: ask again next time
            self._site = (self._monotonic(), url)
        return url

    def take(self, member_id: str, step: int, at: datetime) -> bool:
        with self.engine.connect() as c:
            raw = c.connection.dbapi_connection      # outside any transaction (autocommit)
            raw.execute("PRAGMA synchronous=NORMAL")
            try:
                with c.begin():
                    taken = c.execute(insert(MemberCodeUseRow).prefix_with("OR IGNORE").values(
                        member_id=member_id, step=step, used_at=at)).rowcount
                    self._takes += 1
                    if self._takes % PRUNE_EVERY == 0:
                        c.execute(delete(MemberCodeUseRow).where(
                            MemberCodeUseRow.used_at < at - KEEP_USES))
            finally:
                raw.execute("PRAGMA synchronous=FULL")
        return taken == 1
