"""The one till-facing route of the member page: who a numeric member code names (online).
Authenticated like every till route: the till's API key, never a shop id in the body."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field

from headoffice.errors import NotEnrolled
from headoffice.member_site.service import MemberSite


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(pattern=r"^96\d{16}$")


class ResolveOut(BaseModel):
    decision: str
    reason: str
    member_id: str | None


def member_code_api(site: MemberSite) -> APIRouter:
    router = APIRouter()
    key_header = APIKeyHeader(name="X-Api-Key", auto_error=False)

    def till_id(key: str | None = Depends(key_header)) -> str:
        try:
            return site.ho.authenticate(key).till_id
        except NotEnrolled:
            raise HTTPException(status_code=401, detail="unknown or revoked key") from None

    @router.post("/v1/member-code/resolve", response_model=ResolveOut, responses={401: {}})
    def resolve(body: ResolveIn, till: str = Depends(till_id)) -> ResolveOut:
        d = site.resolve_short_code(till, body.code)
        return ResolveOut(decision=d.decision, reason=d.reason, member_id=d.member_id)

    return router
