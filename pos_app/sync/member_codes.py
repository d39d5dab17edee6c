"""The numeric member code, checked online: head office says who it names, once chain-wide."""
from __future__ import annotations

import logging

from pos_app.domain.member_code import MemberCodeRefused, Refusal
from pos_app.sync.http_client import HttpHeadOfficeClient
from pos_app.sync.ports import HeadOfficeUnreachable, NotEnrolled, SyncRejected

log = logging.getLogger("pos.sync")

_REASONS = {"forged": Refusal.FORGED, "malformed": Refusal.MALFORMED,
            "replayed": Refusal.REPLAYED, "expired": Refusal.EXPIRED,
            "not_yet_valid": Refusal.NOT_YET_VALID}


class HeadOfficeNumericCodes:
    """NumericCodeResolver over the head-office client (a short timeout: a cashier waits)."""

    def __init__(self, client: HttpHeadOfficeClient, timeout_s: float = 3.0) -> None:
        self.client = client
        self.timeout_s = timeout_s

    def resolve(self, code: str) -> str:
        try:
            data = self.client.resolve_member_code(code, self.timeout_s)
        except (HeadOfficeUnreachable, NotEnrolled, SyncRejected) as exc:
            log.info("numeric member code not checked: %s", exc.__class__.__name__)
            raise MemberCodeRefused(Refusal.NEEDS_NETWORK) from None
        if data.get("decision") == "accepted" and data.get("member_id"):
            return str(data["member_id"])
        reason = str(data.get("reason") or "")
        if reason.startswith("card_"):
            raise MemberCodeRefused(Refusal.BLOCKED, reason[5:])
        raise MemberCodeRefused(_REASONS.get(reason, Refusal.FORGED), reason)
