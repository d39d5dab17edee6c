"""The head-office HTTP API (FastAPI). Every route but /v1/health and /v1/enrol needs a till's
API key in `X-Api-Key`; the shop and till come from the key, never from a body."""

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from headoffice.errors import BadCursor, NotEnrolled, UnknownStream
from headoffice.feeds import MAX_PAGE
from headoffice.service import MAX_BATCH, HeadOffice, PushedEvent, TillIdentity
from pos_app.sync.events import STREAMS

if TYPE_CHECKING:
    from headoffice.member_site.service import MemberSite

BIG = 2 ** 62
ID_PATTERN = r"^[0-9A-Za-z-]{1,64}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EnrolIn(Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")


class EnrolOut(BaseModel):
    api_key: str
    till_id: str
    shop_id: str
    shop_code: str
    till_code: str


class EventIn(Strict):
    id: str = Field(pattern=ID_PATTERN)
    device_seq: StrictInt = Field(ge=1, le=BIG)
    kind: str = Field(pattern=r"^[a-z_]{1,20}(\.[a-z_]{1,20})?$")
    payload: dict[str, Any]
    created_at: str | None = Field(default=None, max_length=40)


class PushIn(Strict):
    events: list[EventIn] = Field(max_length=MAX_BATCH)


class EventOut(BaseModel):
    id: str
    device_seq: int
    status: str
    result: dict[str, Any] | None = None
    reason: str | None = None


class PushOut(BaseModel):
    results: list[EventOut]
    acked_seq: int
    gap_after: int | None
    refused: int


class PullOut(BaseModel):
    stream: str
    items: list[dict[str, Any]]
    cursor: str
    more: bool
    acked_seq: int


class AuthoriseIn(Strict):
    member_id: str = Field(pattern=ID_PATTERN)
    card_no: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")
    stored_value_fen: StrictInt = Field(ge=0, le=10 ** 12)
    points: StrictInt = Field(ge=0, le=10 ** 12)


class AuthoriseOut(BaseModel):
    decision: str
    reason: str
    auth_id: str | None
    balance_fen: int
    spendable_points: int
    limits: dict[str, int]


class WhoAmI(BaseModel):
    till_id: str
    shop_id: str
    shop_code: str
    till_code: str
    limits: dict[str, int]


api_key_header = APIKeyHeader(name="X-Api-Key", auto_error=False)


class TillKeyIn(Strict):
    public_key: str = Field(min_length=40, max_length=64)   # base64 of the raw 32-byte key


def create_app(ho: HeadOffice, member_site: "MemberSite | None" = None,
               signer: Any = None) -> FastAPI:
    """The API; `signer` (headoffice.signing.HeadOfficeSigner) certifies till keys - loaded
    from its key file on first use when not given."""
    app = FastAPI(title="Membership POS head office", version="1.0.0")
    if member_site is not None:
        from headoffice.member_site.till_api import member_code_api
        from headoffice.member_site.web import member_site_router
        app.include_router(member_site_router(member_site))
        app.include_router(member_code_api(member_site))
    signers: list[Any] = [signer] if signer is not None else []

    def hq_signer() -> Any:
        if not signers:
            from headoffice.signing import HeadOfficeSigner, publish
            loaded = HeadOfficeSigner.load_or_create()
            publish(ho, loaded)       # tills can only check what the settings feed carries
            signers.append(loaded)
        return signers[0]

    def identity(key: Annotated[str | None, Depends(api_key_header)]) -> TillIdentity:
        try:
            return ho.authenticate(key)
        except NotEnrolled:
            raise HTTPException(status_code=401, detail="unknown or revoked key") from None

    Who = Annotated[TillIdentity, Depends(identity)]

    @app.exception_handler(UnknownStream)
    def _unknown_stream(_r: Request, exc: UnknownStream) -> JSONResponse:
        return JSONResponse({"detail": f"unknown stream {exc.stream!r}"}, status_code=404)

    @app.exception_handler(BadCursor)
    def _bad_cursor(_r: Request, exc: BadCursor) -> JSONResponse:
        return JSONResponse({"detail": "bad cursor"}, status_code=422)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/enrol", response_model=EnrolOut, responses={403: {}})
    def enrol(body: EnrolIn) -> EnrolOut:
        try:
            e = ho.enrol(body.code)
        except NotEnrolled:
            raise HTTPException(status_code=403, detail="unknown, used or expired code") from None
        i = e.identity
        return EnrolOut(api_key=e.api_key, till_id=i.till_id, shop_id=i.shop_id,
                        shop_code=i.shop_code, till_code=i.till_code)

    @app.post("/v1/till-certificate", responses={401: {}, 422: {}})
    def till_certificate(body: TillKeyIn, who: Who) -> dict[str, Any]:
        """Certify the calling till's IC-card signing key (published in the settings feed)."""
        from headoffice.till_certificates import certify
        from pos_app.domain.signing import BadEncoding, b64decode
        try:
            cert = certify(ho, hq_signer(), who, b64decode(body.public_key))
        except (BadEncoding, ValueError) as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        return {"certificate": cert.to_json()}

    @app.get("/v1/whoami", response_model=WhoAmI, responses={401: {}})
    def whoami(who: Who) -> WhoAmI:
        return WhoAmI(till_id=who.till_id, shop_id=who.shop_id, shop_code=who.shop_code,
                      till_code=who.till_code, limits=ho.limits())

    @app.post("/v1/sync/push", response_model=PushOut, responses={401: {}})
    def push(body: PushIn, who: Who) -> PushOut:
        r = ho.push(who, [PushedEvent(e.id, e.device_seq, e.kind, e.payload, e.created_at)
                          for e in body.events])
        return PushOut(results=[EventOut(**x) for x in r.results], acked_seq=r.acked_seq,
                       gap_after=r.gap_after, refused=r.refused)

    @app.get("/v1/sync/pull", response_model=PullOut, responses={401: {}, 404: {}})
    def pull(who: Who, stream: Annotated[str, Query(max_length=20)],
             cursor: Annotated[str, Query(max_length=60)] = "",
             limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000) -> Any:
        if stream not in STREAMS:
            raise UnknownStream(stream)
        page, acked = ho.pull(who, stream, cursor, limit)
        # Pages are large and built from typed columns: skip re-validating every item.
        return JSONResponse({"stream": page.stream, "items": page.items, "cursor": page.cursor,
                             "more": page.more, "acked_seq": acked})

    @app.post("/v1/spend/authorise", response_model=AuthoriseOut, responses={401: {}})
    def authorise(body: AuthoriseIn, who: Who) -> AuthoriseOut:
        d = ho.authorise(who, body.member_id, body.card_no, body.stored_value_fen, body.points)
        return AuthoriseOut(decision=d.decision, reason=d.reason, auth_id=d.auth_id,
                            balance_fen=d.balance_fen, spendable_points=d.spendable_points,
                            limits=d.limits)

    from headoffice.console import mount_console
    mount_console(app, ho)
    return app
