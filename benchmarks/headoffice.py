"""Head-office benchmark (JSON): ingest of pushed sales on PostgreSQL with several uvicorn
workers, push latency (p99) with 6 tills × 100 events at once, without and with 10,000 open
receivables, a till's 10,000-sale backlog end to end, and a new till's initial pull of the
whole member base with the till's peak memory.

    python -m benchmarks.headoffice               # 1,000,000 members
    python -m benchmarks.headoffice --scale 0.01  # quick: 10,000 members

Everything measured goes through the real stack: HTTP to uvicorn, FastAPI, SQLAlchemy and
PostgreSQL at head office; the sync engine, httpx and the SQLite store on the till. The
member base is seeded with plain SQL (it stands for years of registrations).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy.exc import IntegrityError
from benchmarks import use_file_keyring_unless_configured

DEFAULT_DSN = os.environ.get("POS_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
SETUP_APP = "hq_bench_setup"


def _db_url(dsn: str, name: str) -> str:
    return dsn.rpartition("/")[0] + "/" + name


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(url: str, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    env = {**os.environ, "POS_HQ_DB": url, "POS_HQ_POOL": "4", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                             "headoffice.asgi:app_from_env", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", str(workers), "--log-level", "warning"],
                            cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("head office did not start")


def _cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) process `pid` has used; None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(pid: int) -> set[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(stat.parent.name))
    out, todo = {pid}, [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.add(child)
            todo.append(child)
    return out


def measured(server: subprocess.Popen, url: str, n: int, work: Any) -> dict[str, Any]:
    """Run `work()`, adding the load average around it and the CPU each sale cost head office
    (its uvicorn processes) and PostgreSQL (the benchmark database's backends): on a shared
    machine latency and rate are noisy, the CPU per sale is not. Linux (/proc) only."""
    dbname = url.rpartition("/")[2]

    def cpu() -> tuple[dict[int, float], dict[int, float]]:
        with psycopg.connect(url, autocommit=True) as conn:
            backends = {r[0] for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid() AND application_name <> %s", (dbname, SETUP_APP))}
        return ({p: c for p in _descendants(server.pid) if (c := _cpu_s(p)) is not None},
                {p: c for p in backends if (c := _cpu_s(p)) is not None})

    load_before = os.getloadavg()[0]
    server_before, pg_before = cpu()
    out = work()
    server_after, pg_after = cpu()
    out["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    out["cpu_ms_per_sale"] = {
        "headoffice": round(sum(c - server_before.get(p, 0.0) for p, c in server_after.items())
                            * 1000 / n, 3),
        "postgres": round(sum(c - pg_before.get(p, 0.0) for p, c in pg_after.items())
                          * 1000 / n, 3)}
    return out


def enrol(ho: Any, base: str, shop: str, till: str) -> str:
    with contextlib.suppress(IntegrityError):   # the shop exists already
        ho.add_shop(shop, f"shop {shop}")
    code = ho.add_till(shop, till)
    return httpx.post(f"{base}/v1/enrol", json={"code": code}, timeout=30).json()["api_key"]


def sale(seq: int, member_id: str, card_no: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "device_seq": seq, "kind": "sale.completed",
            "created_at": "2026-11-28T12:00:00",
            "payload": {"member_id": member_id, "card_no": card_no, "shift_id": None,
                        "sale": {"sale_id": str(uuid.uuid4()), "receipt_no": f"R{seq:08d}",
                                 "kind": "sale", "created_at": "2026-11-28T12:00:00",
                                 "lines": [{"line_no": 1, "sku": "REG100", "qty": 1,
                                            "amount_fen": 8_800}],
                                 "tenders": [{"kind": "stored_value", "amount_fen": 1_000,
                                              "sv_paid_fen": 1_000, "sv_bonus_fen": 0,
                                              "reference": "", "points_used": 0},
                                             {"kind": "cash", "amount_fen": 7_800,
                                              "received_fen": 8_000, "reference": "",
                                              "points_used": 0}],
                                 "member": {"member_id": member_id, "card_no": card_no,
                                            "points_earned": 8, "bonus_points": 0,
                                            "points_redeemed": 0}}}}


def bench_ingest(ho: Any, base: str, clients: int, events: int, batch: int) -> dict[str, Any]:
    members = [(str(uuid.uuid4()), f"6{i:08d}") for i in range(2000)]
    ho.import_members([{"id": m, "name": f"会员{i}", "card_no": c, "paid_fen": 1_000_000}
                       for i, (m, c) in enumerate(members)])
    keys = [enrol(ho, base, f"B{n:03d}", "T01") for n in range(clients)]
    per = events // clients
    rng = random.Random(5)
    batches = []
    for n in range(clients):
        evs = [sale(i + 1, *rng.choice(members)) for i in range(per)]
        # Bodies are encoded before the clock starts: the tills are other machines.
        batches.append([(json.dumps({"events": evs[i:i + batch]}).encode(),
                         evs[min(i + batch, per) - 1]["device_seq"])
                        for i in range(0, per, batch)])
    errors: list[str] = []

    def run(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60,
                          headers={"X-Api-Key": keys[n],
                                   "Content-Type": "application/json"}) as c:
            for body, last_seq in batches[n]:
                r = c.post("/v1/sync/push", content=body)
                if r.status_code != 200 or r.json()["acked_seq"] != last_seq:
                    errors.append(f"{r.status_code} {r.text[:200]}")
    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"events": per * clients, "clients": clients, "batch": batch,
            "seconds": round(elapsed, 2), "sales_per_s": round(per * clients / elapsed),
            "errors": len(errors)}


def bench_push_latency(ho: Any, base: str, url: str, tills: int, events: int, rounds: int,
                       open_receivables: int, tag: str) -> dict[str, Any]:
    """Per-push latency while `tills` tills push `events` sales each, `rounds` times, all
    at once. Every sale overdraws its member (balance 0), so each books a receivable; with
    `open_receivables` the 50 members already owe that many between them."""
    members = [(str(uuid.uuid4()), f"7{tag}{i:06d}") for i in range(50)]
    ho.import_members([{"id": m, "name": f"欠款{i}", "card_no": c}
                       for i, (m, c) in enumerate(members)])
    if open_receivables:
        per = open_receivables // len(members)
        with psycopg.connect(url) as conn:
            for m, _ in members:
                conn.execute("""INSERT INTO receivables (member_id, shop_id, event_id,
                    amount_fen, recovered_fen, recovered_by, created_at, recovered_at)
                    SELECT %s, NULL, gen_random_uuid()::text, 100, 0, NULL, now(), NULL
                    FROM generate_series(1, %s)""", (m, per))
                conn.execute("UPDATE member_accounts SET receivable_fen = %s, "
                             "balance_paid_fen = %s WHERE member_id = %s",
                             (per * 100, -per * 100, m))
            conn.commit()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE receivables")
    keys = [enrol(ho, base, f"P{tag}{n:02d}", "T01") for n in range(tills)]
    rng = random.Random(7)
    bodies = [[json.dumps({"events": [sale(r * events + i + 1, *rng.choice(members))
                                      for i in range(events)]}).encode()
               for r in range(rounds)] for _ in range(tills)]
    latencies: list[float] = []
    errors: list[str] = []

    def run(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60,
                          headers={"X-Api-Key": keys[n],
                                   "Content-Type": "application/json"}) as c:
            for body in bodies[n]:
                t0 = time.perf_counter()
                r = c.post("/v1/sync/push", content=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200 or any(x["status"] != "applied"
                                               for x in r.json()["results"]):
                    errors.append(f"{r.status_code} {r.text[:200]}")
    threads = [threading.Thread(target=run, args=(n,)) for n in range(tills)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000)
    return {"tills": tills, "events_per_push": events, "pushes": len(latencies),
            "open_receivables_before": open_receivables, "p50_ms": pct(0.50),
            "p99_ms": pct(0.99), "max_ms": round(latencies[-1] * 1000), "errors": len(errors)}


def make_till(data_dir: Path, base: str, ho: Any, shop: str) -> Any:
    from db.pin_hasher import Argon2PinHasher
    from db.store import open_store
    from pos_app.bootstrap import build_services
    from pos_app.demo import DEMO_USERS, demo_products_csv
    from pos_app.domain.ids import UuidV7Source
    from pos_app.domain.rules import default_rule_set
    from pos_app.domain.shop import ShopInfo, TillInfo
    from pos_app.ports.clock import SystemClock
    from pos_app.services.setup import initialise
    from pos_cli.sync import enrol_till

    ids = UuidV7Source()
    uow = open_store(data_dir, ids)
    hasher = Argon2PinHasher(fast=True)
    initialise(uow, SystemClock(), ids, hasher, ShopInfo(shop, "基准店"), TillInfo("T01"),
               DEMO_USERS, default_rule_set())
    services = build_services(uow, SystemClock(), ids, hasher)
    services.imports.import_as_system("products", demo_products_csv())
    enrol_till(data_dir, base, _code(ho, shop))
    return services


def _code(ho: Any, shop: str) -> str:
    with contextlib.suppress(IntegrityError):
        ho.add_shop(shop, f"shop {shop}")
    return ho.add_till(shop, "T01")


def bench_backlog(ho: Any, base: str, n: int) -> dict[str, Any]:
    from db.cipher import connect_raw, key_for_file
    from db.store import DB_FILE
    from pos_app.demo import DEMO_USERS
    from pos_app.domain.tenders import TenderInput, TenderKind
    from pos_cli.sync import open_sync

    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        services = make_till(data_dir, base, ho, "BL1")
        pins = {u[0]: u[3] for u in DEMO_USERS}
        cashier = services.auth.login("cashier", pins["cashier"])
        services.shifts.open(cashier, 10_000)
        db = connect_raw(data_dir / DB_FILE, key_for_file(data_dir / DB_FILE))
        sku = db.execute("SELECT sku FROM products WHERE kind='regular' LIMIT 1").fetchone()[0]
        db.close()
        s = services.selling.new_session()
        s.add(sku)
        s.complete([TenderInput(TenderKind.CASH, s.view().total_fen)], cashier)
        with services.uow() as uow:
            payload = json.loads(uow.session.execute(
                __import__("sqlalchemy").text(
                    "SELECT payload FROM outbox WHERE kind='sale.completed'")).scalar_one())
            for i in range(n - 1):
                payload["sale"]["sale_id"] = str(uuid.uuid4())
                payload["sale"]["receipt_no"] = f"BL{i:08d}"
                uow.outbox.append("sale.completed", payload, services.clock.now())
            uow.commit()
        wiring = open_sync(data_dir)
        start = time.perf_counter()
        report = wiring.engine.run_once()
        elapsed = time.perf_counter() - start
        wiring.close()
        services.uow.engine.dispose()
    return {"sales": n, "seconds": round(elapsed, 2), "per_s": round(n / elapsed),
            "acked_seq": report.acked_seq, "backlog_after": 0}


def seed_members(url: str, n: int) -> float:
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=False) as conn:
        uid = "'0190f000-0000-7000-8000-' || lpad(to_hex(g), 12, '0')"
        conn.execute(f"""INSERT INTO members (id, name, mobile, gender, birthday,
            birthday_calendar, consent_messages, tier_code, referrer_id, field_clocks,
            home_shop_id, stub, created_at, updated_at)
            SELECT {uid}, '会员' || g, '139' || lpad(g::text, 8, '0'), '', NULL, 'solar', false,
                   'regular', NULL, '{{}}', NULL, false, now(), now()
            FROM generate_series(1, %s) g""", (n,))
        conn.execute(f"""INSERT INTO member_accounts (member_id, balance_paid_fen,
            balance_bonus_fen, spendable_points, accumulated_points, receivable_fen, version)
            SELECT {uid}, CASE WHEN g %% 10 = 0 THEN 10000 ELSE 0 END, 0,
                   CASE WHEN g %% 10 = 0 THEN 100 ELSE 0 END,
                   CASE WHEN g %% 10 = 0 THEN 100 ELSE 0 END, 0, 0
            FROM generate_series(1, %s) g""", (n,))
        conn.execute(f"""INSERT INTO stored_value_entries (id, member_id, shop_id, till_id,
            event_id, kind, paid_delta_fen, bonus_delta_fen, sale_id, auth_id, offline, flagged,
            client_at, booked_at, period)
            SELECT gen_random_uuid()::text, {uid}, NULL, NULL, NULL, 'opening', 10000, 0, NULL,
                   NULL, false, '', NULL, now(), to_char(now(), 'YYYY-MM')
            FROM generate_series(10, %s, 10) g""", (n,))
        conn.execute(f"""INSERT INTO points_entries (id, member_id, shop_id, event_id, kind,
            spendable_delta, accumulated_delta, sale_id, flagged, booked_at)
            SELECT gen_random_uuid()::text, {uid}, NULL, NULL, 'opening', 100, 100, NULL, '',
                   now() FROM generate_series(10, %s, 10) g""", (n,))
        conn.execute(f"""INSERT INTO cards (card_no, member_id, kind, status, status_version,
            generation, expires_on, status_at, status_shop_id, replaced_by, issued_at)
            SELECT '8' || lpad(g::text, 9, '0'), {uid}, 'magstripe', 'active', 1, 1, NULL,
                   now(), NULL, NULL, now() FROM generate_series(1, %s) g""", (n,))
        for stream, col, table in (("card_status", "card_no", "cards"),
                                   ("members", "id", "members"), ("cards", "card_no", "cards")):
            where = "WHERE card_no LIKE '8%%'" if table == "cards" else \
                "WHERE id LIKE '0190f000-0000-7000-8000-%%'"
            conn.execute(f"""INSERT INTO change_log (xid, stream, key)
                SELECT pg_current_xact_id()::text::bigint, %s, {col} FROM {table} {where}
                ORDER BY {col}""", (stream,))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def pull_child(data_dir: str) -> int:
    """Runs in its own process so its peak RSS is the till's alone."""
    from pos_cli.sync import open_sync
    wiring = open_sync(Path(data_dir))
    start = time.perf_counter()
    counts = wiring.engine.pull()
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wiring.close()
    json.dump({"seconds": round(elapsed, 1), "peak_rss_mb": round(rss_mb, 1),
               "pulled": counts}, sys.stdout)
    return 0


def bench_pull(ho: Any, base: str, url: str, members: int) -> dict[str, Any]:
    seeded = seed_members(url, members)
    with tempfile.TemporaryDirectory() as tmp:
        services = make_till(Path(tmp), base, ho, "PL1")
        services.uow.engine.dispose()
        out = subprocess.run([sys.executable, "-m", "benchmarks.headoffice", "--pull-child",
                              tmp], cwd=ROOT, capture_output=True, text=True, check=False,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-2000:])
        result = json.loads(out.stdout)
        from db.cipher import connect_raw, key_for_file
        db = connect_raw(Path(tmp) / "pos.sqlite3", key_for_file(Path(tmp) / "pos.sqlite3"))
        result["members_on_till"] = db.execute("SELECT count(*) FROM members").fetchone()[0]
        result["cards_on_till"] = db.execute("SELECT count(*) FROM cards").fetchone()[0]
        db.close()
    result["members"] = members
    result["seed_seconds"] = round(seeded, 1)
    result["members_per_s"] = round(members / result["seconds"]) if result["seconds"] else None
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 members")
    ap.add_argument("--pg", default=DEFAULT_DSN, help="PostgreSQL superuser DSN")
    ap.add_argument("--workers", type=int, default=3, help="uvicorn worker processes")
    ap.add_argument("--clients", type=int, default=6, help="tills pushing at once")
    ap.add_argument("--ingest-events", type=int, default=30_000)
    ap.add_argument("--backlog", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=500, help="events per push (≤ 500)")
    ap.add_argument("--parts", default="ingest,push,backlog,pull",
                    help="comma-separated: ingest, push (p99 latency, without and with "
                         "10,000 open receivables), backlog, pull")
    ap.add_argument("--push-rounds", type=int, default=50,
                    help="pushes per till (push): 6 × 50 = 300 pushes, so the p99 is not "
                         "just the second slowest of a few")
    ap.add_argument("--pull-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    use_file_keyring_unless_configured(Path("benchmarks/results"))
    if args.pull_child:
        return pull_child(args.pull_child)
    from headoffice.db import create_ho_engine
    from headoffice.migrate import upgrade
    from headoffice.service import HeadOffice

    # Head office makes its signing and escrow key files on first use, by default in the
    # user's data dir: a benchmark's throwaway keys go to a temporary folder instead (set
    # here, so the server processes inherit them), never beside a real head office's.
    keys = tempfile.TemporaryDirectory(prefix="hq-bench-keys-")
    os.environ.setdefault("POS_HQ_SIGNING_KEY", str(Path(keys.name) / "signing.pem"))
    os.environ.setdefault("POS_HQ_ESCROW_KEY", str(Path(keys.name) / "escrow.pem"))
    name = f"hq_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _db_url(args.pg, name)
    # The benchmark's own connections (seeding, enrolment) are named, so that the CPU per sale
    # counts only the server's backends.
    engine = create_ho_engine(f"{url}?application_name={SETUP_APP}", pool_size=2)
    upgrade(engine)
    ho = HeadOffice(engine)
    server, base = start_server(url, args.workers)
    result: dict[str, Any] = {"postgres": True, "workers": args.workers, "cpus": os.cpu_count()}
    try:
        parts = set(args.parts.split(","))
        result["load_avg_1m_at_start"] = round(os.getloadavg()[0], 2)
        if "ingest" in parts:
            per = args.ingest_events // args.clients * args.clients
            result["ingest"] = measured(server, url, per, lambda: bench_ingest(
                ho, base, args.clients, args.ingest_events, args.batch))
        if "push" in parts:
            pushed = 6 * 100 * args.push_rounds
            result["push"] = measured(server, url, pushed, lambda: bench_push_latency(
                ho, base, url, 6, 100, args.push_rounds, 0, "a"))
            result["push_with_receivables"] = measured(
                server, url, pushed, lambda: bench_push_latency(
                    ho, base, url, 6, 100, args.push_rounds, 10_000, "b"))
        if "backlog" in parts:
            result["backlog"] = bench_backlog(ho, base, args.backlog)
        if "pull" in parts:
            result["initial_pull"] = bench_pull(ho, base, url, int(1_000_000 * args.scale))
    finally:
        server.terminate()
        server.wait(30)
        engine.dispose()
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
