"""The head-office client over HTTP (httpx). The only sync module that knows about HTTP."""
from __future__ import annotations

from typing import Any

import httpx

from pos_app.sync.ports import (
    HeadOfficeUnreachable,
    NotEnrolled,
    OutboxEvent,
    PulledPage,
    PushReply,
    SpendReply,
    SyncRejected,
)

DEFAULT_TIMEOUT_S = 30.0


class HttpHeadOfficeClient:
    """Talks to `pos-hq serve`; the API key goes in a header and is never logged."""

    def __init__(self, base_url: str, api_key: str, *, timeout_s: float = DEFAULT_TIMEOUT_S,
                 transport: httpx.BaseTransport | None = None) -> None:
        self._http = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s,
                                  transport=transport, headers={"X-Api-Key": api_key})
        self._status: dict[str, str] = {}

    def note_status(self, backlog: int, clock: Any) -> None:
        """Sent with the next card-status pull, for head office's till list: this app's
        version, the events still waiting here, and this till's clock (for the skew)."""
        from importlib.metadata import PackageNotFoundError, version
        try:
            app = version("membership-pos")
        except PackageNotFoundError:
            app = "dev"
        self._status = {"X-Pos-Version": app[:40], "X-Pos-Backlog": str(int(backlog)),
                        "X-Pos-Clock": clock.isoformat()}

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, timeout_s: float | None = None,
              **kwargs: Any) -> dict[str, Any]:
        try:
            if timeout_s is not None:
                kwargs["timeout"] = timeout_s
            r = self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise HeadOfficeUnreachable(exc.__class__.__name__) from None
        if r.status_code == 401:
            raise NotEnrolled()
        if r.status_code >= 500:
            raise HeadOfficeUnreachable(f"HTTP {r.status_code}")
        if r.status_code >= 400:
            raise SyncRejected(r.status_code, r.text[:200])
        try:
            return r.json()
        except ValueError:
            raise HeadOfficeUnreachable("not JSON") from None

    def push(self, events: list[OutboxEvent]) -> PushReply:
        body = {"events": [{"id": e.id, "device_seq": e.device_seq, "kind": e.kind,
                            "payload": e.payload, "created_at": e.created_at,
                            "epoch": e.epoch} for e in events]}
        data = self._call("POST", "/v1/sync/push", json=body)
        results = [r for r in data["results"] if isinstance(r, dict) and "id" in r]
        return PushReply(int(data["acked_seq"]), data.get("gap_after"),
                         [r for r in results if r.get("status") == "refused"], results,
                         int(data.get("epoch") or 1))

    def pull(self, stream: str, cursor: str, limit: int) -> PulledPage:
        headers, self._status = self._status, {}
        data = self._call("GET", "/v1/sync/pull", headers=headers,
                          params={"stream": stream, "cursor": cursor, "limit": limit})
        return PulledPage(data["stream"], data["items"], data["cursor"], bool(data["more"]),
                          int(data["acked_seq"]))

    def authorise(self, member_id: str, card_no: str, stored_value_fen: int, points: int,
                  timeout_s: float) -> SpendReply:
        data = self._call("POST", "/v1/spend/authorise", timeout_s=timeout_s,
                          json={"member_id": member_id, "card_no": card_no,
                                "stored_value_fen": stored_value_fen, "points": points})
        return SpendReply(data["decision"], data["reason"], data.get("auth_id"),
                          int(data["balance_fen"]), int(data["spendable_points"]),
                          {k: int(v) for k, v in data["limits"].items()})

    def resolve_member_code(self, code: str, timeout_s: float) -> dict[str, Any]:
        """Who a numeric member code names (head office checks it once, chain-wide)."""
        return self._call("POST", "/v1/member-code/resolve", timeout_s=timeout_s,
                          json={"code": code})


    def certify_key(self, public_key: bytes) -> dict[str, Any]:
        """Have head office certify this till's IC-card signing key: the certificate JSON
        under "certificate", and the chain's keys a till needs (mobile lookup key)."""
        import base64
        return self._call("POST", "/v1/till-certificate",
                          json={"public_key": base64.b64encode(public_key).decode("ascii")})

    def till_keys(self, timeout_s: float | None = None) -> dict[str, Any]:
        """The chain's keys a till needs (the mobile lookup key)."""
        return self._call("GET", "/v1/till-keys", timeout_s=timeout_s)

    def member_profile(self, member_id: str, user: str, role: str,
                       timeout_s: float | None = None) -> dict[str, Any]:
        """A member's full profile, for a manager; head office audits the request."""
        return self._call("GET", f"/v1/members/{member_id}/profile", timeout_s=timeout_s,
                          headers={"X-Pos-User": user, "X-Pos-Role": role})


def enrol(base_url: str, code: str, *, transport: httpx.BaseTransport | None = None
          ) -> dict[str, str]:
    """Exchange a one-time enrolment code for this till's API key (returned, not logged)."""
    try:
        with httpx.Client(base_url=base_url.rstrip("/"), timeout=DEFAULT_TIMEOUT_S,
                          transport=transport) as http:
            r = http.post("/v1/enrol", json={"code": code})
    except httpx.HTTPError as exc:
        raise HeadOfficeUnreachable(exc.__class__.__name__) from None
    if r.status_code in (401, 403):
        raise NotEnrolled()
    if r.status_code >= 400:
        raise SyncRejected(r.status_code, r.text[:200])
    return r.json()
