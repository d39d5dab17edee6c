"""The till's side of phone member codes: head office's keys and code settings from the
settings feed, and the codes this till has taken (once per member per step)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import MemberCodeUseRow, SyncDocumentRow
from db.trust_store import SqlTrustStore
from pos_app.domain.member_code import SETTINGS_DOCUMENT, MemberCodeRules
from pos_app.domain.signing import TrustedKeys

KEEP_USES = timedelta(days=2)


class SqlMemberCodeStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._trust = SqlTrustStore(engine)
        self._rules: tuple[int | None, MemberCodeRules] = (None, MemberCodeRules())

    def keys(self) -> TrustedKeys:
        return self._trust.keys()

    def rules(self) -> MemberCodeRules:
        with Session(self.engine) as s:
            row = s.execute(select(SyncDocumentRow.version, SyncDocumentRow.body).where(
                SyncDocumentRow.stream == SETTINGS_DOCUMENT[0],
                SyncDocumentRow.key == SETTINGS_DOCUMENT[1])).first()
        if row is None:
            return MemberCodeRules()
        if row.version != self._rules[0]:
            try:
                self._rules = (row.version, MemberCodeRules.from_document(json.loads(row.body)))
            except (ValueError, TypeError):
                self._rules = (row.version, MemberCodeRules())
        return self._rules[1]

    def member_site_url(self) -> str:
        with Session(self.engine) as s:
            body = s.scalar(select(SyncDocumentRow.body).where(
                SyncDocumentRow.stream == "settings", SyncDocumentRow.key == "member_site"))
        try:
            url = str(json.loads(body).get("public_url") or "") if body else ""
        except (ValueError, AttributeError):
            return ""
        return url if url.startswith(("https://", "http://")) else ""

    def take(self, member_id: str, step: int, at: datetime) -> bool:
        with Session(self.engine) as s, s.begin():
            try:
                with s.begin_nested():
                    s.execute(insert(MemberCodeUseRow).values(member_id=member_id, step=step,
                                                             used_at=at))
            except IntegrityError:
                return False
            # Old rows prove nothing once their window is long gone.
            s.execute(delete(MemberCodeUseRow).where(MemberCodeUseRow.used_at < at - KEEP_USES))
        return True
