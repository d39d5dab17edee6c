"""Hostile or broken input at head office (issue 12 items 5-8 and 11), over real HTTP on
PostgreSQL: body limits before reading, the key before parsing, numbers out of range,
malformed clock stamps, months that do not exist, and a schema that says what is accepted."""
from __future__ import annotations

import json
import socket
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import func, select

from headoffice.cli import main as hq_main
from headoffice.errors import BadPeriod
from headoffice.models import MemberRow, SettlementRow
from headoffice.service import HeadOffice
from headoffice.settlement import settle
from tests.headoffice.hq_rig import LiveServer, enrol_till, sale_event

pytestmark = pytest.mark.postgres
MEMBER = "0190f000-0000-7000-8000-000000000002"


@pytest.fixture
def member(hq: HeadOffice) -> str:
    hq.import_members([{"id": MEMBER, "name": "李娜", "mobile": "13800002222",
                        "card_no": "100002", "paid_fen": 20_000, "points": 990}])
    return MEMBER


def _raw(port: int, head: str, body: bytes = b"", wait_s: float = 5.0) -> tuple[int, float]:
    """Send a request's head (and maybe part of a body) and read the status line; returns
    (status, seconds until it arrived)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as sock:
        t0 = time.monotonic()
        sock.sendall(head.encode() + body)
        data = b""
        while b"\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
        return int(data.split(b" ", 2)[1]), time.monotonic() - t0


# -- 5. size limits and the key before the body ---------------------------------------------

def test_a_huge_body_without_a_key_is_refused_before_a_byte_of_it_is_read(
        hq: HeadOffice, live: LiveServer):
    head = ("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {120 * 1024 * 1024}\r\n\r\n")
    status, seconds = _raw(live.port, head)                # no body sent at all
    assert status == 413 and seconds < 3
    small = ("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 5000\r\n\r\n")
    assert _raw(live.port, small)[0] == 401                 # key first, body never waited for


def test_a_keyed_oversized_or_chunked_body_is_refused_and_nothing_stored(
        hq: HeadOffice, member: str):
    server = LiveServer(hq, body_limits={"/v1/sync/push": 200_000}).start()
    try:
        key = enrol_till(hq, server.url)
        head = ("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"X-Api-Key: {key}\r\nContent-Length: {250 * 1024 * 1024}\r\n\r\n")
        assert _raw(server.port, head)[0] == 413

        def chunks() -> Iterator[bytes]:                   # no Content-Length: streamed
            yield b'{"events": [{"id": "a", "device_seq": 1, "kind": "cash.moved", '
            yield b'"payload": {"note": "'
            for _ in range(40):
                yield b"x" * 10_000
            yield b'"}}]}'

        r = httpx.post(f"{server.url}/v1/sync/push", content=chunks(),
                       headers={"X-Api-Key": key, "Content-Type": "application/json"},
                       timeout=30)
        assert r.status_code == 413
        # Within the body limit, one event over the per-event limit is refused alone.
        note = {"id": str(uuid.uuid4()), "device_seq": 1, "kind": "cash.moved",
                "payload": {"note": "x" * 100_000, "amount_fen": 100}}
        r = httpx.post(f"{server.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                       json={"events": [note, sale_event(2)]}).json()
        assert [(x["status"], x.get("reason")) for x in r["results"]] == [
            ("refused", "payload_too_large"), ("applied", None)]
        with hq.sessions() as s:
            from headoffice.models import InboxRow, TillEventRow
            assert s.scalar(select(func.count()).select_from(TillEventRow)) == 0
            assert s.scalar(select(func.max(func.length(InboxRow.payload)))) < 10_000
    finally:
        server.stop()


# -- 6. numbers out of range -------------------------------------------------------------------

def test_out_of_range_numbers_are_refused_one_by_one_and_never_block_the_backlog(
        hq: HeadOffice, live: LiveServer, member: str):
    key = enrol_till(hq, live.url)
    inf = sale_event(1, member_id=member, card_no="100002", sv_fen=1_000)
    huge = sale_event(2, member_id=member, card_no="100002", sv_fen=1_000)
    good = sale_event(3, member_id=member, card_no="100002", sv_fen=1_000)
    body = json.dumps({"events": [inf, huge, good]})
    body = body.replace('"sv_paid_fen": 1000', '"sv_paid_fen": 1e400', 1)
    body = body.replace('"sv_paid_fen": 1000', f'"sv_paid_fen": {10 ** 30}', 1)
    for third in ("applied", "replayed"):                 # and the same again on a retry
        r = httpx.post(f"{live.url}/v1/sync/push", content=body, timeout=30,
                       headers={"X-Api-Key": key, "Content-Type": "application/json"})
        assert r.status_code == 200, r.text
        assert [(x["status"], x.get("reason")) for x in r.json()["results"]] == [
            ("refused", "number_out_of_range"), ("refused", "number_out_of_range"),
            (third, None)]
        assert r.json()["acked_seq"] == 3
    assert hq.account(member)["balance_paid_fen"] == 19_000
    assert len(hq.flags("event_refused")) == 2


# -- 7. member-edit clock stamps ---------------------------------------------------------------

def test_a_malformed_or_far_future_hlc_is_refused_and_later_edits_still_win(
        hq: HeadOffice, live: LiveServer, member: str):
    key = enrol_till(hq, live.url)

    def edit(seq: int, name: str, hlc: str) -> dict:
        return {"id": str(uuid.uuid4()), "device_seq": seq, "kind": "member.updated",
                "payload": {"member_id": member, "fields": {"name": name}, "hlc": hlc}}

    r = httpx.post(f"{live.url}/v1/sync/push", headers={"X-Api-Key": key}, timeout=30,
                   json={"events": [edit(1, "坏", "zzz"),
                                    edit(2, "远", "999999999999999:000000"),
                                    edit(3, "李娜娜", "001795838400000:000000")]}).json()
    assert [(x["status"], x.get("reason")) for x in r["results"]] == [
        ("refused", "bad_hlc"), ("refused", "bad_hlc"), ("applied", None)]
    with hq.sessions() as s:
        assert s.get(MemberRow, member).name == "李娜娜"


# -- 8. months -----------------------------------------------------------------------------------

def test_a_settlement_for_a_month_that_does_not_exist_is_refused_and_nothing_stored(
        hq: HeadOffice, pg_url: str, capsys: pytest.CaptureFixture):
    for period in ("2026-13", "2026-00", "2026-1", "26-11"):
        with pytest.raises(BadPeriod):
            settle(hq, period)
        assert hq_main(["--db", pg_url, "settle", period]) == 2
        assert "YYYY-MM" in capsys.readouterr().err
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SettlementRow)) == 0


# -- 11. the schema says what the server accepts ---------------------------------------------

def test_the_schema_has_enums_and_documented_errors_and_the_server_agrees(
        hq: HeadOffice, live: LiveServer, member: str):
    schema = httpx.get(f"{live.url}/openapi.json").json()
    push = schema["paths"]["/v1/sync/push"]["post"]
    assert {"400", "401", "413", "422", "503"} <= set(push["responses"])
    event = schema["components"]["schemas"]["EventIn"]["properties"]
    assert "sale.completed" in event["kind"]["enum"]
    pull = schema["paths"]["/v1/sync/pull"]["get"]["parameters"]
    assert [p for p in pull if p["name"] == "stream"][0]["schema"]["enum"][0] == "card_status"
    key = enrol_till(hq, live.url)
    r = httpx.post(f"{live.url}/v1/sync/push", content=b'{"events": ["\xff\xfe"]}',
                   headers={"X-Api-Key": key, "Content-Type": "application/json"})
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]
    ev = sale_event(1338)
    body = json.dumps({"events": [ev]}).replace('"device_seq": 1338', '"device_seq": 1338.0')
    r = httpx.post(f"{live.url}/v1/sync/push", content=body,
                   headers={"X-Api-Key": key, "Content-Type": "application/json"})
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "applied"
    r = httpx.get(f"{live.url}/v1/sync/pull", params={"stream": "nope"},
                  headers={"X-Api-Key": key})
    assert r.status_code == 422


# -- event ids: at most a UUID's width, and never written to the log as sent ----------------------
def test_an_over_long_or_number_like_event_id_is_refused_without_a_500_or_a_log_leak(
        hq: HeadOffice, live: LiveServer, member: str, caplog: pytest.LogCaptureFixture):
    key = enrol_till(hq, live.url)
    headers = {"X-Api-Key": key, "Content-Type": "application/json"}
    long_id = sale_event(1, member_id=member, card_no="100002", sv_fen=1_000)
    long_id["id"] = "a" * 37            # the inbox key is 36 wide: this was a 500
    r = httpx.post(f"{live.url}/v1/sync/push", json={"events": [long_id]}, headers=headers,
                   timeout=30)
    assert r.status_code == 422, r.text
    mobile_like = sale_event(1, member_id=member, card_no="100002", sv_fen=1_000)
    mobile_like["id"] = "13912345678"
    mobile_like["payload"]["sv_paid_fen"] = 10 ** 30         # refused, and logged as refused
    with caplog.at_level("WARNING", logger="headoffice"):
        r = httpx.post(f"{live.url}/v1/sync/push", json={"events": [mobile_like]},
                       headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["refused"]
    refused = [rec.getMessage() for rec in caplog.records if "refused event" in rec.getMessage()]
    assert refused and all("13912345678" not in m and "sha256:" in m for m in refused)


def test_a_number_like_device_seq_is_not_written_to_the_log(
        hq: HeadOffice, live: LiveServer, member: str, caplog: pytest.LogCaptureFixture):
    """The full suite's log scanner found an 11-digit, mobile-like device_seq (a fuzzed one) in
    the refusal warning: a till's seqs never reach a billion, so a larger one is not logged."""
    key = enrol_till(hq, live.url)
    event = sale_event(13912345678, member_id=member, card_no="100002", sv_fen=1_000)
    event["payload"]["sv_paid_fen"] = 10 ** 30                # refused, and logged as refused
    with caplog.at_level("WARNING", logger="headoffice"):
        r = httpx.post(f"{live.url}/v1/sync/push", json={"events": [event]},
                       headers={"X-Api-Key": key, "Content-Type": "application/json"},
                       timeout=30)
    assert r.status_code == 200, r.text
    assert [x["status"] for x in r.json()["results"]] == ["refused"]
    messages = [rec.getMessage() for rec in caplog.records]
    refused = [m for m in messages if "refused event" in m]
    assert refused and all("(out of range)" in m for m in refused)
    assert not [m for m in messages if "13912345678" in m]    # nor in the gap warning
