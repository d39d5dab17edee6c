"""The SMS message log (短信记录): recent sends, refusals and failures to members, read-only.
Rows show the masked mobile the log keeps; SMS codes and parameters are never stored, so
they cannot be shown."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from headoffice.console.auth import Who
from headoffice.console.periods import local_time
from headoffice.console.web import console_of, need
from headoffice.member_site.messaging import recent_log

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("messages", "/console/messages", "Message log")]

# English labels are the message ids (zh_CN.json has the Chinese); unknown codes show as-is.
PURPOSES = {"sign_in": "Sign-in code", "card_lost": "Card-lost confirmation",
            "birthday": "Birthday greeting", "low_balance": "Low balance reminder",
            "points_expiring": "Points expiring reminder", "card_expiring": "Card expiring reminder",
            "opt_out": "Opt-out reply"}
STATUSES = {"sent": "Sent", "failed": "Not delivered", "suppressed": "Held back",
            "opt_out": "Opted out"}
REASONS = {"no_consent": "member has not agreed to messages", "quiet_hours": "quiet hours",
           "frequency_cap": "too many reminders this month", "no_template": "no SMS template set",
           "no_provider": "no SMS provider configured", "unknown_purpose": "unknown purpose",
           "unreachable": "SMS provider unreachable"}
MESSAGES = (*PURPOSES.values(), *STATUSES.values(), *REASONS.values())


@router.get("/messages")
def message_log(request: Request, purpose: str = "", who: Who = need("messages")) -> Response:
    console = console_of(request)
    purpose = purpose if purpose in PURPOSES else ""

    def work(s: Session) -> list[dict[str, Any]]:
        rows = recent_log(s, limit=300, purpose=purpose or None)
        return [{**r, "at": datetime.fromisoformat(r["at"])} for r in rows]
    return console.render(request, who, "messages.html", rows=console.read(work),
                          purpose=purpose, purposes=PURPOSES, reasons=REASONS,
                          statuses=STATUSES, local_time=local_time)
