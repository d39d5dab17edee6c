"""Fault injection (issue 12): three tills sell, return, top up and report cards lost against
head office on PostgreSQL while

- a TCP proxy on 127.0.0.1 between them resets connections, drops, duplicates, delays and
  truncates responses, SIGKILLs the till whose request it holds and SIGKILLs head office
  after it has answered (the answer is lost),
- the test SIGKILLs idle tills and has PostgreSQL terminate head office's connections.

Afterwards every till's ledgers equal head office's to the fen, every event is at head office
once, every lost card is lost everywhere and nothing is stuck or refused.

The run is driven by the faults, not by time: the test and its tills go in step (one till
does one action and one sync at a time, tests/sync/fault_child.py), every choice comes from
one seed, and the run goes on until every kind of fault has happened at least MIN_EACH
times; if that takes more than MAX_STEPS steps the test fails and says which were short.

    POS_FAULT_MIN=20 pytest tests/sync/test_sync_faults.py   # the larger run
    POS_FAULT_SEED=7 pytest tests/sync/test_sync_faults.py   # another schedule
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
from collections import Counter
from collections.abc import Callable
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
from tests.headoffice.hq_rig import free_port
from tests.store_support import STANDARD_GOODS, make_shop
from tests.sync.sync_rig import HQ_MEMBERS

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
MIN_EACH = int(os.environ.get("POS_FAULT_MIN", "2"))
MAX_STEPS = int(os.environ.get("POS_FAULT_MAX_STEPS", str(150 + 60 * MIN_EACH)))
SEED = int(os.environ.get("POS_FAULT_SEED", "12"))
EXTRA = [{"name": f"会员{i}", "mobile": f"137{i:08d}", "card_no": f"7{i:06d}",
          "paid_fen": 20_000, "points": 100} for i in range(20)]
# What the proxy does to a request (the rest pass untouched), with its chance.
PROXY_FAULTS = (("reset", 0.04), ("drop_response", 0.05), ("truncate", 0.05),
                ("duplicate", 0.05), ("delay", 0.05), ("kill_till", 0.04),
                ("kill_headoffice", 0.03))
# What the test does between two steps, with its chance per step.
STEP_FAULTS = (("kill_idle_till", 0.08), ("db_connections", 0.10))
ALL_FAULTS = [name for name, _ in PROXY_FAULTS + STEP_FAULTS]


class FaultProxy:
    """One request per connection, one at a time (the tills go in step): read it whole,
    forward it (maybe twice), then answer, lose, cut short or delay the answer, or kill the
    till waiting for it or head office that gave it. Each request's fault is the next draw
    from the proxy's own seeded generator. `faults` off passes everything through."""

    def __init__(self, upstream_port: int, rng: random.Random,
                 kill_till: Callable[[], None], kill_headoffice: Callable[[], None]) -> None:
        self.upstream = upstream_port
        self.rng = rng
        self.faults = False
        self.port = free_port()
        self.counts: Counter[str] = Counter()
        self._kill_till = kill_till
        self._kill_headoffice = kill_headoffice
        self._sock = socket.create_server(("127.0.0.1", self.port))
        self._stop = False
        self._lock = threading.Lock()
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
        for name, p in PROXY_FAULTS:
            if r < p:
                return name
            r -= p
        return "ok"

    def _handle(self, conn: socket.socket) -> None:
        with conn, self._lock:      # in step: one request at a time, so one order of draws
            conn.settimeout(60)
            try:
                request = self._read_request(conn)
                if request is None:
                    return
                fault = self._choose()
                if fault == "reset":
                    self.counts[fault] += 1
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    return
                response = self._forward(request)
                if fault == "duplicate":
                    response = self._forward(request) or response
                if response is None:
                    return                                   # head office down: no answer
                self.counts[fault] += 1                      # it reached head office
                if fault == "kill_till":                     # head office answered; the
                    self._kill_till()                        # till dies before it hears
                    return
                if fault == "kill_headoffice":
                    self._kill_headoffice()
                    return
                if fault == "drop_response":
                    return
                if fault == "truncate":
                    conn.sendall(response[:max(1, len(response) // 2)])
                    return
                if fault == "delay":
                    time.sleep(self.rng.uniform(0.1, 0.5))
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

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

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
    children: dict[int, subprocess.Popen] = {}
    active: list[int] = []                 # the till whose step is running

    def kill_child(n: int) -> None:
        children[n].send_signal(signal.SIGKILL)
        children[n].wait(10)

    proxy = FaultProxy(ho.port, random.Random(SEED + 1),
                       kill_till=lambda: kill_child(active[0]), kill_headoffice=ho.kill)
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
    step = 0

    def spawn(n: int) -> None:
        children[n] = subprocess.Popen(
            [sys.executable, "-m", "tests.sync.fault_child", str(tills[n]),
             str(rng.randrange(10 ** 6)), str(step)], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert children[n].stdout is not None and children[n].stdout.readline() == b"ready\n"

    counts = proxy.counts                  # the proxy's faults and the test's, together
    outcomes: Counter[str] = Counter()     # steps that synced, failed, were killed
    proxy.faults = True
    for n in range(3):
        spawn(n)
    actions: Counter[str] = Counter()      # what the tills did (and whether that step synced)
    while any(counts[f] < MIN_EACH for f in ALL_FAULTS) or not actions["lost"]:
        if step >= MAX_STEPS:
            pytest.fail(f"after {step} steps (POS_FAULT_MAX_STEPS) not every fault happened "
                        f"{MIN_EACH} times (POS_FAULT_MIN): short "
                        f"{sorted(f for f in ALL_FAULTS if counts[f] < MIN_EACH)}; "
                        f"{'' if actions['lost'] else 'and no card reported lost; '}"
                        f"counts {dict(counts)}, seed {SEED}")
        step += 1
        n = rng.randrange(3)
        r = rng.random()
        if r < STEP_FAULTS[0][1]:                           # an idle till dies
            kill_child(n)
            counts["kill_idle_till"] += 1
            spawn(n)
        elif r < STEP_FAULTS[0][1] + STEP_FAULTS[1][1]:     # head office's connections die
            if _terminate_connections(pg_admin_dsn, dbname):
                counts["db_connections"] += 1
        active[:] = [n]
        child = children[n]
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(f"{step}\n".encode())
        child.stdin.flush()
        answer = child.stdout.readline()                    # the step's end, or the till's
        _done, did, synced = (answer.decode().split() or ["", "unknown", "killed"])
        actions[did] += 1
        outcomes[synced] += 1
        if not answer:                                      # killed by the proxy mid-sync
            child.wait(10)
            spawn(n)
        if not ho.alive():                                  # killed by the proxy
            ho.start()
    for n in range(3):
        kill_child(n)
    proxy.faults = False
    print(f"{step} steps, faults {dict(counts)}, actions {dict(actions)}, "
          f"syncs {dict(outcomes)}")
    # Calm: every till sends what it has, then every till pulls what the others sent.
    for _round in range(2):
        for data_dir in tills:
            wiring = open_sync(data_dir)
            wiring.engine.run_once()
            wiring.close()
    ho.kill()
    proxy.close()

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

