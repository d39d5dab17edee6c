"""Pull feeds: keyset pages that never skip a row committed out of sequence order."""
from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import select

from headoffice.feeds import emit
from headoffice.models import ChangeLogRow
from headoffice.enrolment import TillIdentity
from headoffice.service import HeadOffice

pytestmark = pytest.mark.postgres


def _till(hq: HeadOffice) -> TillIdentity:
    hq.add_shop("S001", "示范百货")
    return hq.enrol(hq.add_till("S001", "T01")).identity


def _drain(hq: HeadOffice, who: TillIdentity, stream: str, cursor: str, limit: int = 3
           ) -> tuple[list[str], str]:
    keys: list[str] = []
    while True:
        page, _ = hq.pull(who, stream, cursor, limit)
        keys += [i["key"] for i in page.items]
        cursor = page.cursor
        if not page.more:
            return keys, cursor


def test_two_transactions_committing_out_of_sequence_order_skip_nothing(hq: HeadOffice):
    """The PostgreSQL pitfall: a writer numbers its feed row, a second writer numbers a later
    row and commits first. A reader in between must not move its cursor past the first."""
    who = _till(hq)
    numbered = threading.Event()
    log: list[str] = []

    def early() -> None:
        with hq.sessions() as s, s.begin():
            emit(s, "catalog", {"early"})
            numbered.set()
            time.sleep(0.6)                  # commits last
            log.append("early committed")

    def late() -> None:
        numbered.wait()
        with hq.sessions() as s, s.begin():
            emit(s, "catalog", {"late"})
        log.append("late committed")

    threads = [threading.Thread(target=early), threading.Thread(target=late)]
    for t in threads:
        t.start()
    seen: list[str] = []
    cursor = ""
    while any(t.is_alive() for t in threads):
        keys, cursor = _drain(hq, who, "catalog", cursor)
        seen += keys
        time.sleep(0.01)
    for t in threads:
        t.join()
    keys, cursor = _drain(hq, who, "catalog", cursor)
    seen += keys
    assert seen == ["early", "late"]
    assert log == ["early committed", "late committed"]   # numbered in commit order
    with hq.sessions() as s:
        seqs = dict(s.execute(select(ChangeLogRow.key, ChangeLogRow.seq)).all())
    assert seqs["early"] < seqs["late"]


def test_concurrent_writers_with_random_commit_delays_and_a_busy_reader_miss_no_row(
        hq: HeadOffice):
    who = _till(hq)
    written: list[str] = []
    rng = random.Random(7)

    def writer(w: int) -> None:
        for i in range(25):
            key = f"w{w}-{i}"
            with hq.sessions() as s, s.begin():
                emit(s, "promotions", {key})
                time.sleep(rng.random() * 0.004)
            written.append(key)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    seen: list[str] = []
    cursor = ""
    while any(t.is_alive() for t in threads):
        keys, cursor = _drain(hq, who, "promotions", cursor, limit=7)
        seen += keys
    for t in threads:
        t.join()
    keys, cursor = _drain(hq, who, "promotions", cursor, limit=7)
    seen += keys
    assert sorted(seen) == sorted(written)       # every row once, none skipped


def test_a_new_till_pulls_the_whole_member_base_in_pages(hq: HeadOffice):
    who = _till(hq)
    hq.import_members([{"name": f"会员{i}", "mobile": f"139{i:08d}", "card_no": f"9{i:05d}",
                        "paid_fen": i} for i in range(25)])
    keys, _ = _drain(hq, who, "members", "", limit=4)
    assert len(keys) == len(set(keys)) == 25
    page, _ = hq.pull(who, "members", "", 1)
    state = page.items[0]["state"]
    assert state["balance"]["balance_paid_fen"] == 0 and state["name"] == "会员0"


def test_card_status_only_moves_forward_and_unblocking_needs_a_newer_version(hq: HeadOffice):
    who = _till(hq)
    hq.import_members([{"name": "王芳", "mobile": "13800003333", "card_no": "100003"}])
    hq.set_card_status("100003", "lost")
    hq.set_card_status("100003", "active")        # 解挂: back from lost, version moves on
    hq.set_card_status("100003", "cancelled")
    hq.set_card_status("100003", "lost")          # too late: cancelled outranks lost
    page, _ = hq.pull(who, "card_status", "", 100)
    [item] = page.items
    assert item["state"]["status"] == "cancelled"
    assert item["state"]["status_version"] == 4
