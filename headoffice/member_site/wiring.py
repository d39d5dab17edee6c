"""Builds the member page from head office's settings (environment), for `pos-hq serve` and
the multi-worker ASGI factory alike.

POS_HQ_MEMBER_URL      public address of the member page, e.g. https://hq.example.cn/m
                       (printed receipts' QR codes link here; published to tills)
POS_HQ_MEMBER_INSECURE 1 to allow the session cookie over plain http (tests, a LAN demo)
POS_HQ_SMS_*           Alibaba Cloud SMS (messaging.SmsConfig); without them messages are
                       only logged and SMS sign-in cannot deliver codes
"""
from __future__ import annotations

import os
from typing import Any

from headoffice.member_site.messaging import (
    AliyunSmsSender,
    LogMessageSender,
    MessageSender,
    MessagingService,
    SmsConfig,
)
from headoffice.member_site.service import MemberSite, MemberSiteConfig
from headoffice.signing import HeadOfficeSigner

MEMBER_SITE_DOCUMENT = ("settings", "member_site")


def build_member_site(ho: Any, signer: HeadOfficeSigner, env: dict[str, str] | None = None,
                      sender: MessageSender | None = None) -> MemberSite:
    e = dict(os.environ if env is None else env)
    sms = SmsConfig.from_env(e)
    if sender is None:
        sender = AliyunSmsSender(sms) if sms else LogMessageSender()
    templates = sms.templates if sms else {}
    messaging = MessagingService(sender, templates, ho.clock)
    config = MemberSiteConfig(public_url=e.get("POS_HQ_MEMBER_URL", "http://127.0.0.1:8700/m"),
                              secure_cookies=e.get("POS_HQ_MEMBER_INSECURE") != "1",
                              sms_reply_token=e.get("POS_HQ_SMS_REPLY_TOKEN", ""))
    return MemberSite(ho, signer, messaging, config)


def publish_member_site(ho: Any, site: MemberSite) -> None:
    """Tills print e-receipt links under this address (settings feed)."""
    from sqlalchemy import select

    from headoffice.models import DocumentRow
    body = {"public_url": site.config.public_url.rstrip("/")}
    with ho.sessions() as s:
        row = s.execute(select(DocumentRow.body).where(
            DocumentRow.stream == MEMBER_SITE_DOCUMENT[0],
            DocumentRow.key == MEMBER_SITE_DOCUMENT[1])).scalar_one_or_none()
    import json
    if row is None or json.loads(row) != body:
        ho.put_document(*MEMBER_SITE_DOCUMENT, body)
