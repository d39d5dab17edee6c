"""Messages to members (短信): a MessageSender port, an Alibaba Cloud SMS adapter (official
SDK, alibabacloud_dysmsapi20170525), a log-only adapter for chains without a provider, and
the policy every send goes through.

Policy (MessagingService.send):
- transactional messages the member asked for a moment ago (sign-in code, card-lost
  confirmation) go out at any hour and regardless of marketing consent;
- reminders (birthday, low balance, expiring points or card) only to members who consented
  and did not reply 回T退订, never in quiet hours (21:00-09:00 China time by default: they are
  held back and reported "suppressed: quiet_hours" so the caller can retry later), and at
  most `cap` reminders per member per `cap_days`;
- every send, refusal and failure is one row in message_log (template, time, result),
  which the console shows. Codes and full mobile numbers are never logged or stored.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from headoffice.models import MemberRow, MessageLogRow

log = logging.getLogger("headoffice.messages")

TRANSACTIONAL = frozenset({"sign_in", "card_lost"})
REMINDERS = frozenset({"birthday", "low_balance", "points_expiring", "card_expiring"})
OPT_OUT_WORDS = frozenset({"T", "TD", "退订", "N", "0000"})


def mask_mobile(mobile: str) -> str:
    m = "".join(ch for ch in mobile if ch.isdigit())
    return (m[:3] + "****" + m[-4:]) if len(m) >= 7 else "****"


@dataclass(frozen=True)
class SendResult:
    ok: bool
    provider_id: str = ""
    error: str = ""            # the provider's code (e.g. isv.BUSINESS_LIMIT_CONTROL)


class MessageSender(Protocol):
    name: str

    def send(self, mobile: str, template_code: str, params: dict[str, str]) -> SendResult:
        """Hand one templated SMS to the provider; never raises for a refusal, only reports it."""
        ...


class LogMessageSender:
    """For chains without an SMS contract: records that a message would have gone out.
    Parameters are not logged (they may hold a sign-in code)."""

    name = "log"

    def __init__(self) -> None:
        self.count = 0

    def send(self, mobile: str, template_code: str, params: dict[str, str]) -> SendResult:
        self.count += 1
        log.info("SMS not sent (no provider configured): template %s to %s", template_code,
                 mask_mobile(mobile))
        return SendResult(False, "", "no_provider")


@dataclass(frozen=True)
class SmsConfig:
    """Head office's SMS settings. Keys come from the environment only, never the database."""

    access_key_id: str
    access_key_secret: str
    sign_name: str
    templates: dict[str, str]                       # purpose -> template code (SMS_123...)
    endpoint: str = "dysmsapi.aliyuncs.com"
    protocol: str = "https"
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    cap: int = 4
    cap_days: int = 30

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmsConfig | None:
        e = os.environ if env is None else env
        if not e.get("POS_HQ_SMS_ACCESS_KEY_ID"):
            return None
        return cls(e["POS_HQ_SMS_ACCESS_KEY_ID"], e["POS_HQ_SMS_ACCESS_KEY_SECRET"],
                   e["POS_HQ_SMS_SIGN_NAME"], json.loads(e.get("POS_HQ_SMS_TEMPLATES", "{}")),
                   e.get("POS_HQ_SMS_ENDPOINT", "dysmsapi.aliyuncs.com"),
                   e.get("POS_HQ_SMS_PROTOCOL", "https"))


class _DropQueryStrings(logging.Filter):
    """The SDK sends SendSms parameters (the phone number, the code) in the query string, and
    urllib3 logs request lines at DEBUG: keep the path, drop the query."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(a.split("?", 1)[0] if isinstance(a, str) and "?" in a else a
                                for a in record.args)
        return True


_QUERY_FILTER = _DropQueryStrings()


class AliyunSmsSender:
    """Alibaba Cloud SMS (Dysmsapi 2017-05-25, SendSms) through the official Python SDK."""

    name = "aliyun"

    def __init__(self, config: SmsConfig, timeout_ms: int = 5000) -> None:
        pool_log = logging.getLogger("urllib3.connectionpool")
        if _QUERY_FILTER not in pool_log.filters:
            pool_log.addFilter(_QUERY_FILTER)
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as open_api_models
        self.config = config
        self.timeout_ms = timeout_ms
        self._client = Client(open_api_models.Config(
            access_key_id=config.access_key_id, access_key_secret=config.access_key_secret,
            endpoint=config.endpoint, protocol=config.protocol,
            read_timeout=timeout_ms, connect_timeout=timeout_ms))

    def send(self, mobile: str, template_code: str, params: dict[str, str]) -> SendResult:
        from alibabacloud_dysmsapi20170525 import models as sms_models
        from alibabacloud_tea_openapi.exceptions import AlibabaCloudException
        from darabonba.runtime import RuntimeOptions
        request = sms_models.SendSmsRequest(
            phone_numbers=mobile, sign_name=self.config.sign_name, template_code=template_code,
            template_param=json.dumps(params, ensure_ascii=False),
            out_id=secrets.token_hex(8))
        runtime = RuntimeOptions(read_timeout=self.timeout_ms, connect_timeout=self.timeout_ms,
                                 autoretry=False, max_attempts=1)
        try:
            body = self._client.send_sms_with_options(request, runtime).body
        except AlibabaCloudException as exc:
            log.warning("SMS provider refused the request: %s", getattr(exc, "code", "?"))
            return SendResult(False, "", str(getattr(exc, "code", "error"))[:80])
        except Exception as exc:  # noqa: BLE001 - network trouble must not break a sign-in page
            log.warning("SMS provider unreachable: %s", exc.__class__.__name__)
            return SendResult(False, "", "unreachable")
        if body.code == "OK":
            return SendResult(True, body.biz_id or "", "")
        return SendResult(False, "", (body.code or "error")[:80])


@dataclass
class Outcome:
    status: str                  # sent | failed | suppressed
    reason: str = ""
    provider_id: str = ""


@dataclass
class MessagingService:
    """The one way head office messages a member (see the module docstring for the rules)."""

    sender: MessageSender
    templates: dict[str, str]
    clock: Callable[[], datetime]
    quiet_start: time = time(21, 0)
    quiet_end: time = time(9, 0)
    cap: int = 4
    cap_days: int = 30
    # Head office's clock is UTC; quiet hours are the shops' local time.
    utc_offset: timedelta = field(default=timedelta(hours=8))

    def _quiet(self, now_utc: datetime) -> bool:
        local = (now_utc + self.utc_offset).time()
        if self.quiet_start <= self.quiet_end:
            return self.quiet_start <= local < self.quiet_end
        return local >= self.quiet_start or local < self.quiet_end

    def send(self, s: Session, member_id: str | None, mobile: str, purpose: str,
             params: dict[str, str]) -> Outcome:
        """Send (or decide not to) and record it in the caller's transaction."""
        now = self.clock()
        template = self.templates.get(purpose, "")
        outcome = self._decide(s, member_id, purpose, template, now)
        if outcome is None:
            result = self.sender.send(mobile, template, params)
            outcome = (Outcome("sent", "", result.provider_id) if result.ok
                       else Outcome("failed", result.error))
        s.add(MessageLogRow(member_id=member_id, mobile_masked=mask_mobile(mobile),
                            purpose=purpose, template=template or "-", status=outcome.status,
                            reason=outcome.reason, provider=self.sender.name,
                            provider_id=outcome.provider_id, at=now))
        return outcome

    def _decide(self, s: Session, member_id: str | None, purpose: str, template: str,
                now: datetime) -> Outcome | None:
        if purpose not in TRANSACTIONAL | REMINDERS:
            return Outcome("suppressed", "unknown_purpose")
        if not template:
            return Outcome("suppressed", "no_template")
        if purpose in TRANSACTIONAL:
            return None
        consent = s.execute(select(MemberRow.consent_messages).where(
            MemberRow.id == member_id)).scalar_one_or_none() if member_id else None
        if not consent:
            return Outcome("suppressed", "no_consent")
        if self._quiet(now):
            return Outcome("suppressed", "quiet_hours")
        sent = s.execute(select(func.count()).select_from(MessageLogRow).where(
            MessageLogRow.member_id == member_id, MessageLogRow.status == "sent",
            MessageLogRow.purpose.in_(sorted(REMINDERS)),
            MessageLogRow.at > now - timedelta(days=self.cap_days))).scalar_one()
        if sent >= self.cap:
            return Outcome("suppressed", "frequency_cap")
        return None

    def opt_out(self, s: Session, mobile: str, content: str) -> int:
        """A reply such as "T" (回T退订): withdraw consent for every member on that number."""
        if content.strip().upper() not in OPT_OUT_WORDS:
            return 0
        now = self.clock()
        members = s.execute(select(MemberRow).where(MemberRow.mobile == mobile)).scalars().all()
        for m in members:
            m.consent_messages = False
            m.updated_at = now
            s.add(MessageLogRow(member_id=m.id, mobile_masked=mask_mobile(mobile),
                                purpose="opt_out", template="-", status="opt_out",
                                reason="reply " + content.strip()[:10], provider=self.sender.name,
                                provider_id="", at=now))
        if members:
            from headoffice.feeds import emit
            s.flush()
            emit(s, "members", {m.id for m in members})     # tills learn it on their next pull
        return len(members)


def recent_log(s: Session, limit: int = 200, member_id: str | None = None,
               purpose: str | None = None) -> list[dict]:
    """The message log, newest first, for the console."""
    q = select(MessageLogRow).order_by(MessageLogRow.id.desc()).limit(limit)
    if member_id:
        q = q.where(MessageLogRow.member_id == member_id)
    if purpose:
        q = q.where(MessageLogRow.purpose == purpose)
    return [{"id": r.id, "member_id": r.member_id, "mobile": r.mobile_masked,
             "purpose": r.purpose, "template": r.template, "status": r.status,
             "reason": r.reason, "provider": r.provider, "provider_id": r.provider_id,
             "at": r.at.isoformat()} for r in s.scalars(q)]
