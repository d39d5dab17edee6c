"""Enrolment, authentication and the idempotent push inbox, over real HTTP on PostgreSQL."""
from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from headoffice.models import (
    FlagRow,
    InboxRow,
    PointsEntryRow,
    RefusedEventRow,
    SaleRow,
    StoredValueEntryRow,
)
from headoffice.service import HeadOffice
from tests.headoffice.hq_rig import (
    Faults,
    FaultyTransport,
    LiveServer,
    enrol_till,
    sale_event,
)

pytestmark = pytest.mark.postgres


def _push(url: str, key: str, events: list[dict[str, Any]],
          transport: httpx.BaseTransport | None = None) -> dict[str, Any]:
    with httpx.Client(base_url=url, transport=transport, timeout=10,
                      headers={"X-Api-Key": key}) as c:
        r = c.post("/v1/sync/push", json={"events": events})
        r.raise_for_status()
        return r.json()


def _counts(ho: HeadOffice) -> dict[str, int]:
    with ho.sessions() as s:
        return {name: s.scalar(select(func.count()).select_from(t)) for name, t in
                (("sales", SaleRow), ("sv", StoredValueEntryRow), ("points", PointsEntryRow),
                 ("inbox", InboxRow))}


@pytest.fixture
def member(hq: HeadOffice) -> str:
    member_id = str(uuid.uuid4())
    hq.import_members([{"id": member_id, "name": "李娜", "mobile": "13800002222",
                        "card_no": "100002", "paid_fen": 20_000, "points": 990,
                        "accumulated_points": 1500, "tier_code": "gold"}])
    return member_id


def test_enrolment_code_works_once_and_the_key_identifies_the_till(hq: HeadOffice,
                                                                   live: LiveServer):
    hq.add_shop("S001", "示范百货")
    code = hq.add_till("S001", "T01")
    r = httpx.post(f"{live.url}/v1/enrol", json={"code": code})
    assert r.status_code == 200
    key = r.json()["api_key"]
    assert httpx.post(f"{live.url}/v1/enrol", json={"code": code}).status_code == 403
    who = httpx.get(f"{live.url}/v1/whoami", headers={"X-Api-Key": key}).json()
    assert (who["shop_code"], who["till_code"]) == ("S001", "T01")
    assert who["limits"]["card_cap_fen"] > 0


def test_every_request_needs_a_key_and_a_revoked_key_is_refused_at_once(hq: HeadOffice,
                                                                       live: LiveServer):
    key = enrol_till(hq, live.url)
    assert httpx.post(f"{live.url}/v1/sync/push", json={"events": []}).status_code == 401
    assert httpx.get(f"{live.url}/v1/sync/pull", params={"stream": "members"},
                     headers={"X-Api-Key": "hq_guess"}).status_code == 401
    assert _push(live.url, key, [])["acked_seq"] == 0
    hq.revoke_till("S001", "T01")
    r = httpx.post(f"{live.url}/v1/sync/push", json={"events": []}, headers={"X-Api-Key": key})
    assert r.status_code == 401


def test_the_shop_comes_from_the_key_never_from_the_payload(hq: HeadOffice, live: LiveServer):
    key_a = enrol_till(hq, live.url, "S001", "T01")
    hq.add_shop("S002", "二店")
    ev = sale_event(1)
    ev["payload"]["shop_id"] = "S002"
    ev["payload"]["sale"]["shop_code"] = "S002"
    _push(live.url, key_a, [ev])
    with hq.sessions() as s:
        shop_id = s.scalar(select(SaleRow.shop_id))
        from headoffice.models import ShopRow
        assert s.get(ShopRow, shop_id).code == "S001"


def test_a_lost_response_after_commit_books_the_sale_once(hq: HeadOffice, live: LiveServer,
                                                          member: str):
    key = enrol_till(hq, live.url)
    ev = sale_event(1, member_id=member, card_no="100002", sv_fen=5_000, points_earned=10)
    faults = Faults(plan=["drop_response"])
    with pytest.raises(httpx.ReadTimeout):
        _push(live.url, key, [ev], FaultyTransport(faults))
    assert _counts(hq)["sales"] == 1  # head office did commit
    again = _push(live.url, key, [ev], FaultyTransport(faults))
    assert again["results"][0]["status"] == "replayed"
    assert again["acked_seq"] == 1
    assert _counts(hq) == {"sales": 1, "sv": 2, "points": 2, "inbox": 1}  # opening + sale
    acct = hq.account(member)
    assert acct["balance_paid_fen"] == 15_000
    assert acct["spendable_points"] == 1000


def test_the_same_batch_twice_and_from_two_threads_gives_the_same_state(
        hq: HeadOffice, live: LiveServer, member: str):
    key = enrol_till(hq, live.url)
    batch = [sale_event(i, member_id=member, card_no="100002", sv_fen=100, points_earned=1)
             for i in range(1, 41)]
    first = _push(live.url, key, batch)
    second = _push(live.url, key, batch)
    assert [r["result"] for r in first["results"]] == [r["result"] for r in second["results"]]
    assert {r["status"] for r in second["results"]} == {"replayed"}
    batch2 = [sale_event(i, member_id=member, card_no="100002", sv_fen=100, points_earned=1)
              for i in range(41, 121)]
    out: list[dict[str, Any]] = []
    threads = [threading.Thread(target=lambda: out.append(_push(live.url, key, batch2)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(out) == 2 and all(o["acked_seq"] == 120 for o in out)
    assert _counts(hq) == {"sales": 120, "sv": 121, "points": 121, "inbox": 120}
    assert hq.account(member)["balance_paid_fen"] == 20_000 - 120 * 100
    with hq.sessions() as s:
        from headoffice.ledger import ledger_check
        assert ledger_check(s, member)


def test_the_same_event_id_with_another_payload_is_refused_and_nothing_applied(
        hq: HeadOffice, live: LiveServer, member: str, caplog: pytest.LogCaptureFixture):
    key = enrol_till(hq, live.url)
    ev = sale_event(1, member_id=member, card_no="100002", sv_fen=1_000)
    _push(live.url, key, [ev])
    forged = sale_event(1, member_id=member, card_no="100002", sv_fen=9_000,
                        event_id=ev["id"])
    r = _push(live.url, key, [forged])
    assert r["results"][0]["status"] == "refused"
    assert r["results"][0]["reason"] == "payload_mismatch"
    assert hq.account(member)["balance_paid_fen"] == 19_000
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(RefusedEventRow)) == 1
    assert any("refused event" in rec.message for rec in caplog.records)
    # another event id claiming a device_seq that is taken means the till was restored
    # without notice: not a refusal, but "move to a new epoch and send it again"
    r = _push(live.url, key, [sale_event(1, member_id=member, card_no="100002", sv_fen=5)])
    assert (r["results"][0]["status"], r["results"][0]["reason"]) == ("retry", "epoch_stale")
    assert r["epoch"] == 2 and [f["kind"] for f in hq.flags("till_restored")] == ["till_restored"]


def test_acks_name_the_highest_contiguous_seq_and_a_gap_is_reported(hq: HeadOffice,
                                                                   live: LiveServer):
    key = enrol_till(hq, live.url)
    r = _push(live.url, key, [sale_event(1), sale_event(2), sale_event(4)])
    assert (r["acked_seq"], r["gap_after"]) == (2, 2)
    r = _push(live.url, key, [sale_event(3)])
    assert (r["acked_seq"], r["gap_after"]) == (4, None)


def test_an_unknown_kind_and_a_bad_payload_are_refused_for_good_and_flagged(
        hq: HeadOffice, live: LiveServer):
    key = enrol_till(hq, live.url)
    r = _push(live.url, key, [{"id": str(uuid.uuid4()), "device_seq": 1,
                               "kind": "stock.counted", "payload": {"sku": "X"}},
                              {"id": str(uuid.uuid4()), "device_seq": 2,
                               "kind": "sale.completed", "payload": {"garbage": True}}])
    assert r["acked_seq"] == 2
    assert [(x["status"], x["reason"]) for x in r["results"]] == [
        ("refused", "unknown_kind"), ("refused", "invalid")]
    with hq.sessions() as s:
        kinds = set(s.scalars(select(FlagRow.kind)))
    assert {"event_refused", "bad_event"} <= kinds


def test_a_cancelled_membership_ends_every_card_and_books_the_refund_and_forfeits(
        hq: HeadOffice, live: LiveServer, member: str):
    key = enrol_till(hq, live.url)
    hq.import_members([{"id": str(uuid.uuid4()), "name": "x", "card_no": "100009"}])
    with hq.sessions() as s:
        from headoffice.models import CardRow
        s.add(CardRow(card_no="100012", member_id=member, kind="ic", status="active",
                      status_version=1, generation=2, issued_at=hq.clock()))
        s.commit()
    _push(live.url, key, [{"id": str(uuid.uuid4()), "device_seq": 1, "kind": "card.cancelled",
                           "payload": {"card_no": "100002", "member_id": member,
                                       "at": "2026-11-28T12:00:00", "refund_fen": 20_000,
                                       "bonus_forfeited_fen": 0, "points_forfeited": 990}}])
    acct = hq.account(member)
    assert (acct["balance_paid_fen"], acct["spendable_points"]) == (0, 0)
    with hq.sessions() as s:
        statuses = dict(s.execute(select(CardRow.card_no, CardRow.status)
                                  .where(CardRow.member_id == member)).all())
    assert statuses == {"100002": "cancelled", "100012": "cancelled"}


def test_card_events_at_head_office_follow_the_domain_card_machine(
        hq: HeadOffice, live: LiveServer, member: str):
    """Head office has no status ranking of its own: each till's card event is the domain
    machine's action (pos_app.domain.card.TRANSITIONS) from the status head office holds."""
    from headoffice.models import CardRow
    from pos_app.domain.card import EVENT_ACTIONS, CardStatus, status_after_event
    key = enrol_till(hq, live.url)
    seq = iter(range(1, 100))

    def event(kind: str, card_no: str, **extra: Any) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "device_seq": next(seq), "kind": kind,
                "payload": {"card_no": card_no, "member_id": member,
                            "at": "2026-11-28T12:00:00", **extra}}

    def status(card_no: str) -> str:
        with hq.sessions() as s:
            return s.scalar(select(CardRow.status).where(CardRow.card_no == card_no))

    with hq.sessions() as s:
        s.execute(CardRow.__table__.update().where(CardRow.card_no == "100002")
                  .values(status="expired"))
        s.commit()
    # A card past its date can be reported lost (the machine allows it; a ranking did too).
    _push(live.url, key, [event("card.lost", "100002")])
    assert status("100002") == "lost"
    # Replaced while lost; a late 解挂 from another till is not a way back from replaced, and
    # a late report of loss does not move it either.
    _push(live.url, key, [event("card.replaced", "100002", new_card_no="100022")])
    _push(live.url, key, [event("card.unblocked", "100002"), event("card.lost", "100002")])
    assert status("100002") == "replaced"
    with hq.sessions() as s:
        assert s.scalar(select(func.count()).select_from(FlagRow)
                        .where(FlagRow.kind == "unblock_ignored")) == 1
    # Renewing a replaced card sets no status: the machine has no such move.
    _push(live.url, key, [event("card.renewed", "100002", expires_on="2028-01-01")])
    assert status("100002") == "replaced"
    # Cancelling the membership ends the live card; the replaced one is dead already.
    _push(live.url, key, [event("card.cancelled", "100022", refund_fen=0,
                                bonus_forfeited_fen=0, points_forfeited=0)])
    assert (status("100002"), status("100022")) == ("replaced", "cancelled")
    for kind, action in EVENT_ACTIONS.items():
        assert kind in {"card.lost", "card.unblocked", "card.replaced", "card.renewed",
                        "card.cancelled"}
        assert status_after_event(CardStatus.CANCELLED, action) is None


def test_one_person_registered_at_two_offline_shops_is_kept_twice_and_flagged(
        hq: HeadOffice, live: LiveServer):
    key_a = enrol_till(hq, live.url, "S001", "T01")
    key_b = enrol_till(hq, live.url, "S002", "T01")
    for key, card_no in ((key_a, "300001"), (key_b, "300002")):
        member_id = str(uuid.uuid4())
        _push(live.url, key, [{"id": str(uuid.uuid4()), "device_seq": 1,
                               "kind": "member.registered",
                               "payload": {"member": {"id": member_id, "name": "周杰",
                                                      "mobile": "13700001234", "gender": "M",
                                                      "birthday": None,
                                                      "birthday_calendar": "solar",
                                                      "consent_messages": False,
                                                      "tier_code": "regular",
                                                      "referrer_id": None},
                                           "card": {"card_no": card_no, "kind": "magstripe",
                                                    "uid": None, "expires_on": None,
                                                    "generation": 1},
                                           "referral": None}}])
    assert [f["kind"] for f in hq.flags("duplicate_mobile")] == ["duplicate_mobile"]


def test_one_event_twice_in_a_batch_is_applied_once_and_a_forged_twin_refused(
        hq: HeadOffice, live: LiveServer, member: str):
    key = enrol_till(hq, live.url)
    ev = sale_event(1, member_id=member, card_no="100002", sv_fen=1_000)
    forged = sale_event(1, member_id=member, card_no="100002", sv_fen=9_000, event_id=ev["id"])
    r = _push(live.url, key, [ev, ev, forged])
    assert [x["status"] for x in r["results"]] == ["applied", "replayed", "refused"]
    assert r["results"][0]["result"] == r["results"][1]["result"]
    assert (r["acked_seq"], hq.account(member)["balance_paid_fen"]) == (1, 19_000)


def test_two_tills_pushing_one_event_id_at_the_same_moment_get_no_server_error(
        hq: HeadOffice, live: LiveServer, member: str):
    key_a = enrol_till(hq, live.url, till="T01")
    key_b = enrol_till(hq, live.url, till="T02")
    for round_no in range(5):
        shared = str(uuid.uuid4())
        batches = {key: [sale_event(round_no + 1, event_id=shared, member_id=member,
                                    card_no="100002", sv_fen=100)] for key in (key_a, key_b)}
        out: dict[str, dict[str, Any]] = {}
        start = threading.Barrier(2)

        def push(key: str) -> None:
            start.wait()
            out[key] = _push(live.url, key, batches[key])   # raises on a 5xx

        threads = [threading.Thread(target=push, args=(k,)) for k in batches]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = sorted(o["results"][0]["status"] for o in out.values())
        assert len(out) == 2 and statuses[0] != statuses[1]    # one booked, one refused
        with hq.sessions() as s:
            assert s.scalar(select(func.count()).select_from(InboxRow)
                            .where(InboxRow.event_id == shared)) == 1


# A till's payload carries the entries it booked. Version 3 names each entry's amounts; version
# 2 (tills not yet upgraded) carried the same two as `first`/`second`. Written out literally:
# this is the wire format, and head office must book both versions alike.
_V2_SALE = [{"ledger": "stored_value", "kind": "spend", "first": -1_000, "second": -200},
            {"ledger": "points", "kind": "earn", "first": 80, "second": 80},
            {"ledger": "points", "kind": "points_cash", "first": -30, "second": 0}]
_V3_SALE = [{"ledger": "stored_value", "kind": "spend", "paid_fen": -1_000, "bonus_fen": -200},
            {"ledger": "points", "kind": "earn", "spendable": 80, "accumulated": 80},
            {"ledger": "points", "kind": "points_cash", "spendable": -30, "accumulated": 0}]
_V2_TOPUP = [{"ledger": "stored_value", "kind": "topup", "first": 50_000, "second": 5_000}]
_V3_TOPUP = [{"ledger": "stored_value", "kind": "topup", "paid_fen": 50_000, "bonus_fen": 5_000}]


def test_v2_and_v3_payloads_are_booked_identically(hq: HeadOffice, live: LiveServer):
    key = enrol_till(hq, live.url)
    members = {2: str(uuid.uuid4()), 3: str(uuid.uuid4())}
    hq.import_members([{"id": members[v], "name": f"会员{v}", "card_no": f"10010{v}",
                        "paid_fen": 20_000, "bonus_fen": 2_000, "points": 500,
                        "accumulated_points": 900} for v in (2, 3)])
    events = []
    for seq, (v, sale, topup) in enumerate([(2, _V2_SALE, _V2_TOPUP),
                                            (3, _V3_SALE, _V3_TOPUP)]):
        ev = sale_event(2 * seq + 1, member_id=members[v], card_no=f"10010{v}", sv_fen=1_200,
                        points_earned=80)
        ev["payload"].update(v=v, entries_member_id=members[v], entries=sale)
        events.append(ev)
        events.append({"id": str(uuid.uuid4()), "device_seq": 2 * seq + 2,
                       "kind": "stored_value.topup", "created_at": "2026-11-28T12:05:00",
                       "payload": {"v": v, "entry_id": str(uuid.uuid4()),
                                   "member_id": members[v], "card_no": f"10010{v}",
                                   "paid_fen": 50_000, "bonus_fen": 5_000, "tender": "cash",
                                   "reference": "", "receipt_no": f"V{seq}", "shift_id": None,
                                   "entries_member_id": members[v], "entries": topup}})
    out = _push(live.url, key, events)
    assert [r["status"] for r in out["results"]] == ["applied"] * 4

    def booked(member_id: str) -> tuple[list[tuple], list[tuple], dict[str, Any]]:
        with hq.sessions() as s:
            sv = sorted(s.execute(select(StoredValueEntryRow.kind,
                                         StoredValueEntryRow.paid_delta_fen,
                                         StoredValueEntryRow.bonus_delta_fen)
                                  .where(StoredValueEntryRow.member_id == member_id)).all())
            pts = sorted(s.execute(select(PointsEntryRow.kind, PointsEntryRow.spendable_delta,
                                          PointsEntryRow.accumulated_delta)
                                   .where(PointsEntryRow.member_id == member_id)).all())
        acct = hq.account(member_id)
        return sv, pts, {k: acct[k] for k in ("balance_paid_fen", "balance_bonus_fen",
                                              "spendable_points", "accumulated_points")}

    v2, v3 = booked(members[2]), booked(members[3])
    assert v3 == v2
    assert v3[2] == {"balance_paid_fen": 69_000, "balance_bonus_fen": 6_800,
                     "spendable_points": 550, "accumulated_points": 980}
