"""Test rig for head office: a real PostgreSQL (the local server, or a throwaway cluster this
rig starts), a fresh database per test, the API on real HTTP (uvicorn in a thread) and a
fault-injecting httpx transport between a till and it."""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import httpx
import psycopg
import pytest
import uvicorn
from sqlalchemy.exc import IntegrityError

from headoffice.app import create_app
from headoffice.db import create_ho_engine
from headoffice.migrate import upgrade
from headoffice.service import HeadOffice
from pos_app.domain.ids import UuidV7Source

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayCluster:
    """initdb + pg_ctl under a temp dir, as the postgres user when we run as root (CI)."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        self.bindir = Path(bins[-1]) if bins else Path(shutil.which("initdb") or "initdb").parent
        if not (self.bindir / "initdb").exists():
            pytest.fail("no PostgreSQL server at 127.0.0.1:5432 and no initdb to start one: "
                        "install the Debian package `postgresql` (scripts/setup does)")
        self.root = Path(tempfile.mkdtemp(prefix="pos-hq-pg-"))
        self.port = free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            os.chmod(self.root, 0o700)
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(self.prefix + list(args), check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        data = self.root / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--no-sync")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                f"-c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts, "-l",
                  str(self.root / "log"), "-w", "start")
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"), "-m",
                      "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_admin_dsn() -> Iterator[str]:
    """A PostgreSQL superuser DSN; never skips: no server means we start our own."""
    dsn = os.environ.get("POS_TEST_PG", DEFAULT_DSN)
    if not os.environ.get("POS_TEST_PG_THROWAWAY") and _answers(dsn):
        yield dsn
        return
    cluster = ThrowawayCluster()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def _with_db(dsn: str, name: str) -> str:
    base, _, _ = dsn.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_template(pg_admin_dsn: str) -> Iterator[str]:
    """A migrated head-office database that each test copies (CREATE DATABASE ... TEMPLATE)."""
    name = f"hq_tmpl_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine = create_ho_engine(_with_db(pg_admin_dsn, name))
    upgrade(engine)
    engine.dispose()
    yield name
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(pg_admin_dsn: str, pg_template: str) -> Iterator[str]:
    name = f"hq_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"')
    yield _with_db(pg_admin_dsn, name)
    with psycopg.connect(pg_admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class HqClock:
    """Head office's clock; tests move it."""

    def __init__(self, at: datetime = datetime(2026, 11, 28, 4, 0, 0)) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def hq(pg_url: str) -> Iterator[HeadOffice]:
    engine = create_ho_engine(pg_url, pool_size=6)
    ho = HeadOffice(engine, HqClock(), UuidV7Source())
    yield ho
    engine.dispose()


class AppServer:
    """An ASGI app served by uvicorn on 127.0.0.1 (this port, or a free one) in a background
    thread."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port if port is not None else free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> Self:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


class LiveServer(AppServer):
    """The head-office app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, ho: HeadOffice, body_limits: dict[str, int] | None = None) -> None:
        self.ho = ho
        super().__init__(create_app(ho, body_limits=body_limits))


@pytest.fixture
def live(hq: HeadOffice) -> Iterator[LiveServer]:
    server = LiveServer(hq).start()
    yield server
    server.stop()


@dataclass
class Faults:
    """What the transport does to the next requests: 'ok', 'drop_request' (never sent),
    'drop_response' (sent and answered, the answer lost), 'delay:<s>'."""

    plan: list[str] = field(default_factory=list)
    default: str = "ok"
    log: list[tuple[str, str, str]] = field(default_factory=list)
    chooser: Callable[[httpx.Request], str] | None = None

    def next(self, request: httpx.Request) -> str:
        if self.chooser is not None:
            return self.chooser(request)
        return self.plan.pop(0) if self.plan else self.default


class FaultyTransport(httpx.BaseTransport):
    """Real HTTP to the server, with faults injected between the till and head office."""

    def __init__(self, faults: Faults) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults = faults

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        action = self.faults.next(request)
        self.faults.log.append((request.method, request.url.path, action))
        if action == "drop_request":
            raise httpx.ConnectError("injected: connection refused", request=request)
        if action.startswith("delay:"):
            time.sleep(float(action.split(":", 1)[1]))
        response = self.inner.handle_request(request)
        if action == "drop_response":
            response.read()
            response.close()
            raise httpx.ReadTimeout("injected: response lost after the server answered",
                                    request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def enrol_till(ho: HeadOffice, server_url: str, shop: str = "S001", till: str = "T01",
               shop_name: str = "示范百货") -> str:
    """Create the shop if needed and a till; return the API key the till got by enrolling."""
    with contextlib.suppress(IntegrityError):   # the shop exists already
        ho.add_shop(shop, shop_name)
    code = ho.add_till(shop, till)
    r = httpx.post(f"{server_url}/v1/enrol", json={"code": code}, timeout=10)
    r.raise_for_status()
    return r.json()["api_key"]


def sale_event(seq: int, *, member_id: str | None = None, card_no: str | None = None,
               sv_fen: int = 0, points_earned: int = 0, total_fen: int = 10_000,
               event_id: str | None = None, created_at: str = "2026-11-28T12:00:00",
               auth_id: str = "") -> dict[str, Any]:
    """A sale.completed event shaped like pos_app.services.selling writes it."""
    tenders = []
    if sv_fen:
        tenders.append({"kind": "stored_value", "amount_fen": sv_fen, "received_fen": 0,
                        "reference": auth_id, "points_used": 0, "sv_paid_fen": sv_fen,
                        "sv_bonus_fen": 0})
    if total_fen - sv_fen > 0:
        tenders.append({"kind": "cash", "amount_fen": total_fen - sv_fen,
                        "received_fen": total_fen - sv_fen, "reference": "", "points_used": 0,
                        "sv_paid_fen": 0, "sv_bonus_fen": 0})
    sale_id = str(uuid.uuid4())
    member = None
    if member_id:
        member = {"member_id": member_id, "card_no": card_no, "points_earned": points_earned,
                  "bonus_points": 0, "points_redeemed": 0}
    return {"id": event_id or str(uuid.uuid4()), "device_seq": seq, "kind": "sale.completed",
            "created_at": created_at,
            "payload": {"sale": {"sale_id": sale_id, "receipt_no": f"R{seq:06d}",
                                 "kind": "sale", "created_at": created_at, "lines": [],
                                 "tenders": tenders, "member": member},
                        "member_id": member_id, "card_no": card_no, "shift_id": None}}
