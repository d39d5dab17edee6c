"""Fault injection (issue 12): three tills sell, return, top up and report cards lost against
head office on PostgreSQL while

- a TCP proxy on 127.0.0.1 between them drops, delays, duplicates and truncates responses
  and resets connections,
- the tills' processes and head office's server are SIGKILLed and restarted,
- PostgreSQL terminates head office's connections at random.

Afterwards every till's ledgers equal head office's to the fen, every event is at head office
once, every lost card is lost everywhere and nothing is stuck or refused.

    POS_FAULT_SECONDS=600 pytest tests/sync/test_sync_faults.py   # the larger run
"""
from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from sqlalchemy import select

from db.cipher import connect_raw, key_for_file
from db.store import DB_FILE
from headoffice.db import create_ho_engine
from headoffice.ledger import ledger_check
from headoffice.models import CardRow, InboxRow, MemberAccountRow
from headoffice.service import HeadOffice
from pos_cli.sync import enrol_till, open_sync
from pos_app.sync.ports import SyncError
from tests.headoffice.hq_rig import free_port
from tests.store_support import STANDARD_GOODS, make_shop
from tests.sync.sync_rig import HQ_MEMBERS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
SECONDS = float(os.environ.get("POS_FAULT_SECONDS", "25"))
SEED = int(os.environ.get("POS_FAULT_SEED", "12"))
EXTRA = [{"name": f"会员{i}", "mobile": f"137{i:08d}", "card_no": f"7{i:06d}",
          "paid_fen": 20_000, "points": 100} for i in range(20)]


class FaultProxy:
    """One request per connection: read it whole, forward it (maybe twice), then answer,
    lose, cut short or delay the answer. `faults` off passes everything through."""

    def __init__(self, upstream_port: int, rng: random.Random) -> None:
        self.upstream = upstream_port
        self.rng = rng
        self.faults = False
        self.port = free_port()
        self.counts: dict[str, int] = {}
        self._sock = socket.create_server(("127.0.0.1", self.port))
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    def close(self) -> None:
        self._stop = True
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _read_request(conn: socket.socket) -> bytes | None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            body += chunk
        lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
        return b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body

    def _forward(self, request: bytes) -> bytes | None:
        try:
            with socket.create_connection(("127.0.0.1", self.upstream), timeout=60) as up:
                up.sendall(request)
                out = b""
                while chunk := up.recv(65536):
                    out += chunk
                return out
        except OSError:
            return None

    def _choose(self) -> str:
        if not self.faults:
            return "ok"
        r = self.rng.random()
        for name, p in (("reset", 0.05), ("drop_response", 0.15), ("truncate", 0.10),
                        ("duplicate", 0.10), ("delay", 0.10)):
            if r < p:
                return name
            r -= p
        return "ok"

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(60)
            try:
                request = self._read_request(conn)
                if request is None:
                    return
                fault = self._choose()
                self.counts[fault] = self.counts.get(fault, 0) + 1
                if fault == "reset":
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    return
                response = self._forward(request)
                if fault == "duplicate":
                    response = self._forward(request) or response
                if response is None:
                    return                                   # head office down: no answer
                if fault == "drop_response":
                    return
                if fault == "truncate":
                    conn.sendall(response[:max(1, len(response) // 2)])
                    return
                if fault == "delay":
                    time.sleep(self.rng.uniform(0.2, 1.5))
                conn.sendall(response)
            except OSError:
                return


class HeadOfficeProcess:
    def __init__(self, url: str, tmp: Path) -> None:
        self.url = url
        self.port = free_port()
        self.key = tmp / "signing.key"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT), "POS_HQ_COOKIE_SECURE": "0"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "headoffice.cli", "--db", self.url, "--signing-key",
             str(self.key), "serve", "--port", str(self.port), "--lock-timeout-ms", "2000"],
            cwd=ROOT, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{self.port}/v1/health",
                             timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("head office did not start")

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None


def _open(data_dir: Path):
    """A till's (encrypted) database, read directly."""
    return connect_raw(data_dir / DB_FILE, key_for_file(data_dir / DB_FILE))


def _terminate_connections(admin_dsn: str, dbname: str) -> int:
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        return len(conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()", (dbname,)).fetchall())


def test_three_tills_under_injected_faults_end_equal_to_head_office_to_the_fen(
        pg_url: str, pg_admin_dsn: str, tmp_path: Path):
    rng = random.Random(SEED)
    engine = create_ho_engine(pg_url, pool_size=2)
    hq = HeadOffice(engine)
    hq.import_members(HQ_MEMBERS + EXTRA)
    ho = HeadOfficeProcess(pg_url, tmp_path)
    ho.start()
    proxy = FaultProxy(ho.port, random.Random(SEED + 1))
    base = f"http://127.0.0.1:{proxy.port}"
    tills = []
    for n in range(3):
        shop = make_shop(tmp_path / f"till{n}")
        shop.products(STANDARD_GOODS)
        with contextlib.suppress(Exception):
            hq.add_shop(f"S00{n + 1}", f"shop {n + 1}")
        enrol_till(shop.data_dir, base, hq.add_till(f"S00{n + 1}", "T01"))
        shop.services.shifts.open(shop.cashier, 50_000)
        wiring = open_sync(shop.data_dir, clock=shop.clock)
        wiring.engine.run_once()                           # members and cards on the till
        wiring.close()
        shop.uow.engine.dispose()
        tills.append(shop.data_dir)
    dbname = pg_url.rpartition("/")[2]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.time()
    children: dict[int, subprocess.Popen] = {}

    def spawn(n: int) -> None:
        children[n] = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.fault_child", str(tills[n]),
             str(rng.randrange(10 ** 6)), str(t0)], cwd=ROOT, env=env,
            stdout=subprocess.PIPE)
        assert children[n].stdout is not None and children[n].stdout.readline() == b"ready\n"

    kills = {"till": 0, "headoffice": 0, "db_connections": 0}
    proxy.faults = True
    for n in range(3):
        spawn(n)
    end = time.monotonic() + SECONDS
    step = 0
    while time.monotonic() < end:
        time.sleep(rng.uniform(0.3, 1.5))
        roll = (0.1, 0.5, 0.9)[step] if step < 3 else rng.random()   # each fault at least once
        step += 1
        if roll < 0.4:
            n = rng.randrange(3)
            children[n].send_signal(signal.SIGKILL)
            children[n].wait(10)
            kills["till"] += 1
            spawn(n)
        elif roll < 0.6:
            ho.kill()
            kills["headoffice"] += 1
            time.sleep(rng.uniform(0.0, 1.0))
            ho.start()
        else:
            for _ in range(20):                              # until it catches some
                killed = _terminate_connections(pg_admin_dsn, dbname)
                kills["db_connections"] += killed
                if killed:
                    break
                time.sleep(0.1)
    for child in children.values():
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    proxy.faults = False
    # Calm: every till sends what it has, then every till pulls what the others sent.
    for _round in range(2):
        for data_dir in tills:
            wiring = open_sync(data_dir)
            for _attempt in range(5):
                try:
                    wiring.engine.run_once()
                    break
                except SyncError:
                    time.sleep(0.5)
            wiring.close()
    ho.kill()
    proxy.close()
    print(f"faults {proxy.counts}, kills {kills}")
    assert kills["till"] and kills["headoffice"] and kills["db_connections"]
    assert all(proxy.counts.get(f) for f in ("drop_response", "truncate", "duplicate", "delay"))

    lost: set[str] = set()
    with hq.sessions() as s:
        inbox = dict(s.execute(select(InboxRow.event_id, InboxRow.status)).all())
        accounts = {r.member_id: (r.balance_paid_fen, r.balance_bonus_fen, r.spendable_points,
                                  r.accumulated_points) for r in s.scalars(select(MemberAccountRow))}
        statuses = dict(s.execute(select(CardRow.card_no, CardRow.status)).all())
        assert all(ledger_check(s, m) for m in accounts)
    for data_dir in tills:
        db = _open(data_dir)
        outbox = db.execute("SELECT id, kind, payload, acked_at, refused_reason FROM outbox"
                            ).fetchall()
        assert [r for r in outbox if r[3] is None or r[4] is not None] == []   # nothing stuck
        assert {r[0] for r in outbox} <= set(inbox)                            # all delivered
        assert all(inbox[r[0]] not in ("refused", "rejected") for r in outbox)
        lost |= {json.loads(r[2])["card_no"] for r in outbox
                 if r[1] == "card.lost"}
        for member_id, paid, bonus, sp, acc in db.execute(
                "SELECT id, balance_paid_fen, balance_bonus_fen, spendable_points, "
                "accumulated_points FROM members"):
            assert accounts[member_id] == (paid, bonus, sp, acc), member_id
            sums = db.execute(
                "SELECT (SELECT coalesce(sum(paid_delta_fen), 0) FROM stored_value_entries "
                "        WHERE member_id = ?), "
                "       (SELECT coalesce(sum(bonus_delta_fen), 0) FROM stored_value_entries "
                "        WHERE member_id = ?), "
                "       (SELECT coalesce(sum(spendable_delta), 0) FROM points_entries "
                "        WHERE member_id = ?)", (member_id, member_id, member_id)).fetchone()
            assert sums == (paid, bonus, sp), member_id
        till_cards = dict(db.execute("SELECT card_no, status FROM cards").fetchall())
        db.close()
        for card in lost:
            assert till_cards.get(card) == "lost"
    assert lost and all(statuses[c] == "lost" for c in lost)
    total_events = len(inbox)
    assert total_events == sum(
        _open(d).execute("SELECT count(*) FROM outbox").fetchone()[0] for d in tills)                                                        # exactly once
    engine.dispose()

