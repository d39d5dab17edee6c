"""The audit log: every change made in the console, with before and after."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from headoffice.console.auth import Who
from headoffice.console.models import AuditRow
from headoffice.console.periods import local_time
from headoffice.console.web import console_of, need

router = APIRouter(prefix="/console", include_in_schema=False)
NAV = [("audit", "/console/audit", "Audit log")]


@router.get("/audit")
def audit_log(request: Request, action: str = "", user: str = "", target: str = "",
              who: Who = need("audit")) -> Response:
    console = console_of(request)

    def work(s: Session) -> list[Any]:
        q = select(AuditRow).order_by(AuditRow.id.desc()).limit(300)
        if action:
            q = q.where(AuditRow.action == action[:40])
        if user:
            q = q.where(AuditRow.username == user[:40])
        if target:
            q = q.where(AuditRow.target == target[:120])
        return list(s.scalars(q))
    return console.render(request, who, "audit.html", rows=console.read(work), action=action,
                          user=user, target=target, local_time=local_time)
