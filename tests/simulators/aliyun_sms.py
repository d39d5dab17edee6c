"""An Alibaba Cloud SMS endpoint (Dysmsapi 2017-05-25, RPC style) on 127.0.0.1 for tests.

It checks what the real service checks before it sends anything: the V3 request signature
(ACS3-HMAC-SHA256, written here from Alibaba Cloud's published description of the
algorithm, independently of the SDK), the body hash, the timestamp and a fresh nonce, the
action and version; then the sign name, the template code, the template parameters and
the phone number. It answers as the service does: HTTP 200 with Code "OK" and a BizId, or
a business error code; a bad signature is HTTP 400 "SignatureDoesNotMatch". Delivered
messages are kept for the test to read (that is how a test learns a sign-in code)."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "ACS3-HMAC-SHA256"
REQUIRED_SIGNED = {"host", "x-acs-action", "x-acs-content-sha256", "x-acs-date",
                   "x-acs-signature-nonce", "x-acs-version"}


@dataclass
class Delivered:
    phone: str
    sign_name: str
    template_code: str
    params: dict[str, str]
    biz_id: str


@dataclass
class AliyunSmsSimulator:
    access_key_id: str = "LTAItestkey0001"
    access_key_secret: str = "test-secret-0001"
    sign_names: set[str] = field(default_factory=lambda: {"示范百货"})
    templates: dict[str, list[str]] = field(default_factory=dict)   # code -> required params
    delivered: list[Delivered] = field(default_factory=list)
    refusals: list[tuple[str, str]] = field(default_factory=list)   # (code, detail)
    fail_next: list[str] = field(default_factory=list)              # business codes to answer
    nonces: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        sim = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                status, answer = sim.handle("POST", self.path, dict(self.headers.items()), body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json;charset=utf-8")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *_args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.endpoint = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self) -> AliyunSmsSimulator:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- the service -------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], body: bytes
               ) -> tuple[int, dict]:
        request_id = str(uuid.uuid4()).upper()
        h = {k.lower(): v for k, v in headers.items()}
        problem = self._check_signature(method, path, h, body)
        if problem:
            with self._lock:
                self.refusals.append(("SignatureDoesNotMatch", problem))
            return 400, {"RequestId": request_id, "Code": "SignatureDoesNotMatch",
                         "Message": f"Specified signature is not matched: {problem}"}
        if h.get("x-acs-action") != "SendSms" or h.get("x-acs-version") != "2017-05-25":
            return 404, {"RequestId": request_id, "Code": "InvalidAction.NotFound",
                         "Message": "Specified api is not found"}
        query = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
        if body and "x-www-form-urlencoded" in h.get("content-type", ""):
            query.update(parse_qsl(body.decode(), keep_blank_values=True))
        code, message = self._business_check(query)
        if code != "OK":
            with self._lock:
                self.refusals.append((code, message))
            return 200, {"RequestId": request_id, "Code": code, "Message": message}
        biz_id = f"{uuid.uuid4().int % 10**18:018d}^0"
        with self._lock:
            self.delivered.append(Delivered(query["PhoneNumbers"], query["SignName"],
                                            query["TemplateCode"],
                                            json.loads(query.get("TemplateParam") or "{}"),
                                            biz_id))
        return 200, {"RequestId": request_id, "Code": "OK", "Message": "OK", "BizId": biz_id}

    def _check_signature(self, method: str, path: str, h: dict[str, str], body: bytes
                         ) -> str | None:
        auth = h.get("authorization", "")
        m = re.fullmatch(rf"{ALGORITHM} Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]{{64}})",
                         auth)
        if not m:
            return "no ACS3-HMAC-SHA256 authorization"
        credential, signed_headers, signature = m.groups()
        if credential != self.access_key_id:
            return "unknown access key"
        names = signed_headers.split(";")
        if names != sorted(names) or not REQUIRED_SIGNED <= set(names):
            return "signed headers incomplete"
        payload_hash = hashlib.sha256(body).hexdigest()
        if h.get("x-acs-content-sha256") != payload_hash:
            return "body hash mismatch"
        try:
            stamp = datetime.strptime(h["x-acs-date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except (KeyError, ValueError):
            return "bad x-acs-date"
        if abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            return "request too old"
        nonce = h.get("x-acs-signature-nonce", "")
        with self._lock:
            if not nonce or nonce in self.nonces:
                return "nonce reused"
            self.nonces.add(nonce)
        parts = urlsplit(path)
        pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
        canonical_query = "&".join(f"{_enc(k)}={_enc(v)}" for k, v in pairs)
        canonical_headers = "".join(f"{n}:{h.get(n, '').strip()}\n" for n in names)
        canonical_request = "\n".join([method, parts.path or "/", canonical_query,
                                       canonical_headers, signed_headers, payload_hash])
        string_to_sign = ALGORITHM + "\n" + hashlib.sha256(canonical_request.encode()).hexdigest()
        expected = hmac.new(self.access_key_secret.encode(), string_to_sign.encode(),
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            return "signature mismatch"
        return None

    def _business_check(self, q: dict[str, str]) -> tuple[str, str]:
        with self._lock:
            if self.fail_next:
                return self.fail_next.pop(0), "scripted refusal"
        phone = q.get("PhoneNumbers", "")
        if not re.fullmatch(r"(\+?86)?1[3-9]\d{9}", phone):
            return "isv.MOBILE_NUMBER_ILLEGAL", "invalid mobile number"
        if q.get("SignName") not in self.sign_names:
            return "isv.SMS_SIGNATURE_ILLEGAL", "unknown sign name"
        required = self.templates.get(q.get("TemplateCode", ""))
        if required is None:
            return "isv.SMS_TEMPLATE_ILLEGAL", "unknown template"
        try:
            params = json.loads(q.get("TemplateParam") or "{}")
        except ValueError:
            return "isv.INVALID_JSON_PARAM", "TemplateParam is not JSON"
        if not isinstance(params, dict) or set(required) - set(params):
            return "isv.TEMPLATE_MISSING_PARAMETERS", "template parameters missing"
        return "OK", "OK"

    def messages_to(self, phone: str) -> list[Delivered]:
        with self._lock:
            return [d for d in self.delivered if d.phone == phone]


def _enc(text: str) -> str:
    """RFC 3986 percent-encoding: unreserved characters stay, everything else %XX."""
    return quote(text, safe="-_.~", encoding="utf-8")
