"""Routes for the till's reduced member data (headoffice/member_privacy.py):
GET /v1/till-keys and GET /v1/members/{id}/profile, both with the till's API key; the till
user and role in X-Pos-User / X-Pos-Role (checked by the till at its login, again here).
No `from __future__ import annotations`: FastAPI reads these annotations at runtime."""
from typing import Annotated, Any, Callable

from fastapi import Depends, FastAPI, Header, HTTPException

from headoffice.member_privacy import ProfileRefused, member_profile, till_keys
from headoffice.service import HeadOffice, TillIdentity


def add_routes(app: FastAPI, ho: HeadOffice, identity: Callable[..., TillIdentity]) -> None:
    Who = Annotated[TillIdentity, Depends(identity)]

    @app.get("/v1/till-keys")
    def keys_route(who: Who) -> dict[str, str]:
        """The chain's mobile lookup key (keyed hashes of mobiles on the tills)."""
        return till_keys(ho)

    @app.get("/v1/members/{member_id}/profile")
    def profile_route(member_id: str, who: Who,
                      x_pos_user: Annotated[str, Header()] = "",
                      x_pos_role: Annotated[str, Header()] = "") -> dict[str, Any]:
        """A member's full profile for a manager at a till, audited at head office."""
        if not x_pos_user.strip():
            raise HTTPException(status_code=422, detail="X-Pos-User names the till user")
        try:
            profile = member_profile(ho, who, member_id[:40], x_pos_user.strip()[:30],
                                     x_pos_role.strip()[:20])
        except ProfileRefused:
            raise HTTPException(status_code=403,
                                detail="a member's full profile is for managers") from None
        if profile is None:
            raise HTTPException(status_code=404, detail="no such member")
        return profile
