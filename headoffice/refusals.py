"""A refused event resolved at head office reaches the till that sent it.

Design (issue 12): a refusal is shown on both sides until a person resolves it. Resolving it
in the console's worklist (with a comment, audited there) also publishes a small document on
the `settings` feed, `refusal_resolved:<event id>`, naming the event, the till and when. At
its next pull the till that holds that event marks it resolved (audited on the till as
resolved by head office); every other till ignores it, as it holds no such event. The
comment stays at head office: it may name a member. A refusal resolved on the till
(`pos sync --resolve`, the sync screen) is a local note only; head office keeps its flag
until someone there resolves it too.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from headoffice.feeds import put_document
from headoffice.models import FlagRow

PREFIX = "refusal_resolved:"


def publish_resolution(s: Session, flag: FlagRow, now: datetime, username: str) -> bool:
    """In the worklist's transaction: tell the till its refused event was resolved here.
    Only for `event_refused` flags; returns whether a document was published."""
    if flag.kind != "event_refused" or not flag.event_id:
        return False
    key = PREFIX + flag.event_id
    put_document(s, "settings", key, {"event_id": flag.event_id, "till_id": flag.till_id,
                                      "resolved_at": now.isoformat(), "by": username[:40]}, now)
    return True
