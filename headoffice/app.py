"""The head-office HTTP API (FastAPI). Every route but /v1/health and /v1/enrol needs a till's
API key in `X-Api-Key`; the shop and till come from the key, never from a body.

Hostile input: `BodyGuard` refuses a body over its route's limit before reading it (by
Content-Length, and again while it streams) and checks the key before any body is read or
parsed. A push is parsed event by event: one malformed event is refused with a reason and
the rest of the batch goes on."""

import json
import os
import re
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy.exc import DBAPIError

from headoffice.db import transient
from headoffice.enrolment import TillIdentity
from headoffice.errors import BadCursor, Busy, NotEnrolled, UnknownStream
from headoffice.feeds import MAX_PAGE
from headoffice.push import MAX_BATCH, MAX_EPOCH, PUSH_KINDS, PushedEvent
from headoffice.service import HeadOffice
from headoffice.validate import MAX_AMOUNT, Invalid
from pos_app.sync.events import STREAMS

if TYPE_CHECKING:
    from headoffice.member_site.service import MemberSite

BIG = 2 ** 62
ID_PATTERN = r"^[0-9A-Za-z-]{1,36}$"  # a UUID at most (the inbox keys are 36 wide)
PUBLIC = {"/v1/health", "/v1/enrol", "/openapi.json", "/docs", "/docs/oauth2-redirect",
          "/redoc"}
# Bytes per request body, by route ("/v1/*" the other API routes, "*" everything else, e.g.
# the console's forms); POS_HQ_MAX_BODY (bytes) raises or lowers the push limit.
DEFAULT_BODY_LIMITS = {"/v1/sync/push": 8 * 1024 * 1024, "/v1/*": 64 * 1024,
                       "*": 2 * 1024 * 1024}
RETRY_AFTER_S = 5


def _whole(value: Any) -> Any:
    """JSON Schema's integer includes 1338.0: accept a float with no fraction as that int."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2 ** 63:
        return int(value)
    return value


WholeInt = Annotated[int, BeforeValidator(_whole), Field(strict=True)]
Kind = Literal[tuple(sorted(PUSH_KINDS))]  # type: ignore[valid-type]
Stream = Literal[STREAMS]  # type: ignore[valid-type]


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
    epoch: int


class EventIn(Strict):
    id: str = Field(pattern=ID_PATTERN)
    device_seq: WholeInt = Field(ge=1, le=BIG)
    kind: Kind
    payload: dict[str, Any]
    created_at: str | None = Field(default=None, max_length=40)
    epoch: WholeInt = Field(default=1, ge=1, le=MAX_EPOCH - 1,
                            description="the till's incarnation; a restore bumps it")


class PushIn(Strict):
    events: list[EventIn] = Field(max_length=MAX_BATCH)


class _EventHead(BaseModel):
    """What an event needs for the till to match an answer to it."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(pattern=ID_PATTERN)
    device_seq: WholeInt = Field(ge=1, le=BIG)


class _PushEnvelope(Strict):
    events: list[dict[str, Any]] = Field(max_length=MAX_BATCH)


class EventOut(BaseModel):
    id: str
    device_seq: int
    status: Literal["applied", "replayed", "refused", "retry"] = Field(
        description="refused is final (the till shows it to a person); retry means send "
                    "again later (after moving to the reply's epoch if reason=epoch_stale)")
    result: dict[str, Any] | None = None
    reason: str | None = None
    detail: str | None = None


class PushOut(BaseModel):
    results: list[EventOut]
    acked_seq: int
    gap_after: int | None
    refused: int
    epoch: int


class Problem(BaseModel):
    detail: Any


class PullOut(BaseModel):
    stream: str
    items: list[dict[str, Any]]
    cursor: str
    more: bool
    acked_seq: int


class AuthoriseIn(Strict):
    member_id: str = Field(pattern=ID_PATTERN)
    card_no: str = Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z-]+$")
    stored_value_fen: WholeInt = Field(ge=0, le=MAX_AMOUNT)
    points: WholeInt = Field(ge=0, le=MAX_AMOUNT)


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


def _plain(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


class BodyGuard:
    """Pure ASGI, in front of routing: size limit before reading, key before parsing.

    The body is read here (never more than the route's limit) and handed on; an
    authenticated till is put in the request state so the routes need no second lookup."""

    def __init__(self, app: Any, ho: HeadOffice, limits: dict[str, int]) -> None:
        self.app = app
        self.ho = ho
        self.limits = limits

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limits.get(path) or self.limits["/v1/*" if path.startswith("/v1/")
                                                     else "*"]
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await _plain(400, "bad Content-Length")(scope, receive, send)
                return
            if declared > limit:
                await _plain(413, f"body over {limit} bytes for {path}")(scope, receive, send)
                return
        if path.startswith("/v1/") and path not in PUBLIC:
            key = headers.get(b"x-api-key")
            try:
                who = await run_in_threadpool(self.ho.authenticate,
                                              key.decode("latin-1") if key else None)
            except NotEnrolled:
                await _plain(401, "unknown or revoked key")(scope, receive, send)
                return
            except (Busy, DBAPIError) as exc:
                if isinstance(exc, DBAPIError) and not transient(exc):
                    raise
                await _plain(503, "head office busy, retry later",
                             {"Retry-After": str(RETRY_AFTER_S)})(scope, receive, send)
                return
            scope.setdefault("state", {})["who"] = who
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE") and length is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _plain(413, f"body over {limit} bytes for {path}")(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


ERRORS = {400: {"model": Problem, "description": "body is not UTF-8 JSON"},
          401: {"model": Problem, "description": "unknown or revoked key"},
          413: {"model": Problem, "description": "body over the route's size limit"},
          422: {"model": Problem, "description": "request does not match the schema"},
          503: {"model": Problem, "description": "database busy: retry after Retry-After"}}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {c: ERRORS[c] for c in codes}


class TillKeyIn(Strict):
    public_key: str = Field(min_length=40, max_length=64)   # base64 of the raw 32-byte key


def create_app(ho: HeadOffice, member_site: "MemberSite | None" = None,
               signer: Any = None, body_limits: dict[str, int] | None = None) -> FastAPI:
    """The API; `signer` (headoffice.signing.HeadOfficeSigner) certifies till keys - loaded
    from its key file on first use when not given. `body_limits` overrides the per-route
    body size limits (DEFAULT_BODY_LIMITS)."""
    app = FastAPI(title="Membership POS head office", version="1.1.0")
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

    limits = {**DEFAULT_BODY_LIMITS, **(body_limits or {})}
    if os.environ.get("POS_HQ_MAX_BODY", "").isdigit() and not body_limits:
        limits["/v1/sync/push"] = int(os.environ["POS_HQ_MAX_BODY"])
    app.add_middleware(BodyGuard, ho=ho, limits=limits)

    def identity(request: Request,
                 key: Annotated[str | None, Depends(api_key_header)]) -> TillIdentity:
        who = request.scope.get("state", {}).get("who")
        if who is not None:
            return who
        try:
            return ho.authenticate(key)
        except NotEnrolled:
            raise HTTPException(status_code=401, detail="unknown or revoked key") from None

    Who = Annotated[TillIdentity, Depends(identity)]

    @app.exception_handler(Busy)
    def _busy(_r: Request, exc: Busy) -> JSONResponse:
        return _plain(503, "head office busy, retry later", {"Retry-After": str(RETRY_AFTER_S)})

    @app.exception_handler(DBAPIError)
    def _database(_r: Request, exc: DBAPIError) -> JSONResponse:
        # A dropped connection or a timeout outside a retried transaction (a read): the
        # caller tries again later; anything else is a real server error.
        if transient(exc):
            return _plain(503, "head office busy, retry later",
                          {"Retry-After": str(RETRY_AFTER_S)})
        return _plain(500, "internal error")

    @app.exception_handler(UnknownStream)
    def _unknown_stream(_r: Request, exc: UnknownStream) -> JSONResponse:
        return JSONResponse({"detail": f"unknown stream {exc.stream!r}"}, status_code=404)

    @app.exception_handler(BadCursor)
    def _bad_cursor(_r: Request, exc: BadCursor) -> JSONResponse:
        return JSONResponse({"detail": "bad cursor"}, status_code=422)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/enrol", response_model=EnrolOut, responses={
        403: {"model": Problem, "description": "unknown, used or expired code"},
        **_errors(400, 413, 422, 503)})
    def enrol(body: EnrolIn) -> EnrolOut:
        try:
            e = ho.enrol(body.code)
        except NotEnrolled:
            raise HTTPException(status_code=403, detail="unknown, used or expired code") from None
        i = e.identity
        return EnrolOut(api_key=e.api_key, till_id=i.till_id, shop_id=i.shop_id,
                        shop_code=i.shop_code, till_code=i.till_code, epoch=e.epoch)

    @app.post("/v1/till-certificate", responses=_errors(401, 413, 422, 503))
    def till_certificate(body: TillKeyIn, who: Who) -> dict[str, Any]:
        """Certify the calling till's IC-card signing key (published in the settings feed)."""
        from headoffice.till_certificates import certify
        from pos_app.domain.signing import BadEncoding, b64decode
        try:
            cert = certify(ho, hq_signer(), who, b64decode(body.public_key))
        except (BadEncoding, ValueError) as exc:
            raise HTTPException(status_code=422, detail=str(exc)) from None
        from headoffice.member_privacy import till_keys
        return {"certificate": cert.to_json(), **till_keys(ho)}

    from headoffice.member_privacy_api import add_routes as add_privacy_routes
    add_privacy_routes(app, ho, identity)

    @app.get("/v1/whoami", response_model=WhoAmI, responses=_errors(401, 503))
    def whoami(who: Who) -> WhoAmI:
        return WhoAmI(till_id=who.till_id, shop_id=who.shop_id, shop_code=who.shop_code,
                      till_code=who.till_code, limits=ho.limits())

    @app.post("/v1/sync/push", response_model=PushOut,
              responses=_errors(400, 401, 413, 422, 503),
              openapi_extra={"requestBody": {"required": True, "content": {
                  "application/json": {"schema": {"$ref": "#/components/schemas/PushIn"}}}}})
    async def push(request: Request, who: Who) -> PushOut:
        raw = await request.body()
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            return _plain(400, "body is not UTF-8")
        except ValueError:
            return _plain(400, "body is not JSON")
        try:
            envelope = _PushEnvelope.model_validate(data)
            heads = [_EventHead.model_validate(e) for e in envelope.events]
        except ValidationError as exc:
            return JSONResponse({"detail": json.loads(exc.json(include_url=False,
                                                               include_input=False))},
                                status_code=422)
        events = []
        for raw_event, head in zip(envelope.events, heads):
            try:
                e = EventIn.model_validate(raw_event)
                events.append(PushedEvent(e.id, e.device_seq, e.kind, e.payload, e.created_at,
                                          e.epoch))
            except ValidationError as exc:
                err = exc.errors(include_url=False, include_input=False)[0]
                where = ".".join(str(x) for x in err.get("loc", ()))
                reason = "unknown_kind" if where == "kind" else "malformed"
                kind = re.sub(r"[^0-9A-Za-z._-]", "?", str(raw_event.get("kind", "")))[:40]
                events.append(PushedEvent(
                    head.id, head.device_seq, kind, {},
                    None, 1, Invalid(reason, f"{where}: {err.get('msg', '')}"[:200])))
        r = await run_in_threadpool(ho.push, who, events)
        return PushOut(results=[EventOut(**x) for x in r.results], acked_seq=r.acked_seq,
                       gap_after=r.gap_after, refused=r.refused, epoch=r.epoch)

    @app.get("/v1/sync/pull", response_model=PullOut, responses=_errors(401, 422, 503))
    def pull(who: Who, stream: Stream,
             cursor: Annotated[str, Query(max_length=60)] = "",
             limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1000) -> Any:
        page, acked = ho.pull(who, stream, cursor, limit)
        # Pages are large and built from typed columns: skip re-validating every item.
        return JSONResponse({"stream": page.stream, "items": page.items, "cursor": page.cursor,
                             "more": page.more, "acked_seq": acked})

    @app.post("/v1/spend/authorise", response_model=AuthoriseOut,
              responses=_errors(400, 401, 413, 422, 503))
    def authorise(body: AuthoriseIn, who: Who) -> AuthoriseOut:
        d = ho.authorise(who, body.member_id, body.card_no, body.stored_value_fen, body.points)
        return AuthoriseOut(decision=d.decision, reason=d.reason, auth_id=d.auth_id,
                            balance_fen=d.balance_fen, spendable_points=d.spendable_points,
                            limits=d.limits)

    from headoffice.console import mount_console
    mount_console(app, ho)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
            comps = schema.setdefault("components", {}).setdefault("schemas", {})
            push_schema = PushIn.model_json_schema(ref_template="#/components/schemas/{model}")
            comps.update(push_schema.pop("$defs", {}))
            comps["PushIn"] = push_schema
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
