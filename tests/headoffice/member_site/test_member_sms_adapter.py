"""The Alibaba Cloud SMS adapter runs the official SDK against a local endpoint that checks
the request signature, the sign name, the template and its parameters."""
from __future__ import annotations

import pytest

from headoffice.member_site.messaging import AliyunSmsSender, SmsConfig
from tests.simulators.aliyun_sms import AliyunSmsSimulator

TEMPLATES = {"sign_in": "SMS_100001", "card_lost": "SMS_100002"}


@pytest.fixture
def provider():
    with AliyunSmsSimulator(templates={"SMS_100001": ["code"], "SMS_100002": ["card"]}) as sim:
        yield sim


def sender(sim: AliyunSmsSimulator, secret: str | None = None) -> AliyunSmsSender:
    return AliyunSmsSender(SmsConfig(sim.access_key_id, secret or sim.access_key_secret,
                                     "示范百货", TEMPLATES, endpoint=sim.endpoint,
                                     protocol="http"))


def test_a_signed_request_is_delivered_with_its_template_and_parameters(provider):
    result = sender(provider).send("13800002222", "SMS_100001", {"code": "493817"})
    assert result.ok and result.provider_id.endswith("^0")
    [msg] = provider.messages_to("13800002222")
    assert (msg.sign_name, msg.template_code, msg.params) == ("示范百货", "SMS_100001",
                                                              {"code": "493817"})
    assert provider.refusals == []


def test_a_wrong_secret_fails_the_signature_check_and_nothing_is_sent(provider):
    result = sender(provider, secret="not-the-secret").send("13800002222", "SMS_100001",
                                                            {"code": "1"})
    assert not result.ok and result.error == "SignatureDoesNotMatch"
    assert provider.delivered == []
    assert provider.refusals[0][1] == "signature mismatch"


def test_business_errors_come_back_as_the_providers_codes(provider):
    s = sender(provider)
    assert s.send("13800002222", "SMS_999", {"code": "1"}).error == "isv.SMS_TEMPLATE_ILLEGAL"
    assert s.send("12345", "SMS_100001", {"code": "1"}).error == "isv.MOBILE_NUMBER_ILLEGAL"
    assert s.send("13800002222", "SMS_100002", {}).error == "isv.TEMPLATE_MISSING_PARAMETERS"
    provider.fail_next.append("isv.BUSINESS_LIMIT_CONTROL")
    assert s.send("13800002222", "SMS_100001", {"code": "1"}).error == \
        "isv.BUSINESS_LIMIT_CONTROL"
    assert provider.delivered == []


def test_an_unreachable_provider_is_a_failed_send_not_an_exception(provider):
    cfg = SmsConfig("a", "b", "示范百货", TEMPLATES, endpoint="127.0.0.1:9", protocol="http")
    assert AliyunSmsSender(cfg, timeout_ms=500).send("13800002222", "SMS_100001",
                                                     {"code": "1"}).error == "unreachable"
