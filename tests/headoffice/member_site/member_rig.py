"""The member page on a real head office (PostgreSQL), served over real HTTP, with SMS going
to a local Alibaba Cloud SMS endpoint that checks the SDK's signed requests."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from headoffice.app import create_app
from headoffice.member_site.messaging import AliyunSmsSender, SmsConfig
from headoffice.member_site.wiring import build_member_site, publish_member_site
from headoffice.service import HeadOffice
from headoffice.signing import HeadOfficeSigner, publish
from tests.headoffice.hq_rig import AppServer, free_port
from tests.simulators.aliyun_sms import AliyunSmsSimulator
from tests.sync.sync_rig import HQ_MEMBERS

REPLY_TOKEN = "replies-7f3a9c1e5b"
TEMPLATES = {"sign_in": "SMS_310001", "card_lost": "SMS_310002", "birthday": "SMS_310003",
             "low_balance": "SMS_310004", "card_expiring": "SMS_310005",
             "points_expiring": "SMS_310006"}
PROVIDER_TEMPLATES = {"SMS_310001": ["code"], "SMS_310002": ["card"], "SMS_310003": ["name"],
                      "SMS_310004": ["balance"], "SMS_310005": ["card", "date"],
                      "SMS_310006": ["points", "date"]}


@dataclass
class MemberHq:
    ho: HeadOffice
    signer: HeadOfficeSigner
    sms: AliyunSmsSimulator
    site: object
    url: str            # the member page, e.g. http://127.0.0.1:PORT/m
    base: str           # the server, e.g. http://127.0.0.1:PORT

    def client(self, ip_headers: dict[str, str] | None = None) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=10,
                            headers=ip_headers or {})

    def last_code(self, mobile: str) -> str:
        msgs = self.sms.messages_to(mobile)
        assert msgs, f"no SMS reached {mobile[:3]}****"
        return msgs[-1].params["code"]

    def sign_in(self, client: httpx.Client, mobile: str) -> None:
        r = client.post("/m/login/code", data={"mobile": mobile})
        assert r.status_code == 200, r.text
        r = client.post("/m/login/verify", data={"mobile": mobile, "code": self.last_code(mobile)})
        assert r.status_code == 303 and r.headers["location"] == "/m/", r.text


def start_member_hq(ho: HeadOffice, members: list[dict] | None = None
                    ) -> tuple[MemberHq, AppServer, AliyunSmsSimulator]:
    if members is None:
        members = [dict(m, consent_messages=True) for m in HQ_MEMBERS]
    if members:
        ho.import_members(members)
    signer = HeadOfficeSigner.generate()
    publish(ho, signer)
    sms = AliyunSmsSimulator(templates=PROVIDER_TEMPLATES).__enter__()
    sender = AliyunSmsSender(SmsConfig(sms.access_key_id, sms.access_key_secret, "示范百货",
                                       TEMPLATES, endpoint=sms.endpoint, protocol="http"))
    port = free_port()
    site = build_member_site(ho, signer, {"POS_HQ_MEMBER_URL": f"http://127.0.0.1:{port}/m",
                                          "POS_HQ_MEMBER_INSECURE": "1",
                                          "POS_HQ_SMS_REPLY_TOKEN": REPLY_TOKEN}, sender=sender)
    site.messaging.templates.update(TEMPLATES)
    publish_member_site(ho, site)
    server = AppServer(create_app(ho, site), port).start()
    base = f"http://127.0.0.1:{port}"
    return MemberHq(ho, signer, sms, site, base + "/m", base), server, sms


@pytest.fixture
def member_hq(hq: HeadOffice) -> Iterator[MemberHq]:
    rig, server, sms = start_member_hq(hq)
    yield rig
    server.stop()
    sms.__exit__(None, None, None)


def text_of(html: str) -> str:
    """The visible text of a page, roughly (tags dropped, whitespace folded)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
