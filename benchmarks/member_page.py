"""Member page benchmark (JSON): first paint of the signed-in member page on a phone-sized
viewport in Debian's Chromium, against a head office on PostgreSQL holding 1,000,000 members.

    python -m benchmarks.member_page               # 1,000,000 members
    python -m benchmarks.member_page --scale 0.01  # quick: 10,000 members

The member base is seeded with plain SQL (benchmarks.headoffice.seed_members) plus sales
(half the member count, a few for the member who signs in); the page is served by uvicorn
running headoffice.asgi (the real app, member page included) in its own process. The
member signs in through the real SMS sign-in code path (the code is captured by a stand-in
sender, as no SMS leaves this machine). Figures: first-contentful-paint as Chromium reports
it (navigation start to first paint), cold (new browser context) and warm (same context),
and the server's time for the page alone. Target: first paint < 1 s.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg

from benchmarks.headoffice import DEFAULT_DSN, ROOT, _db_url, _free_port, seed_members

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "zh-CN"}
MEMBER = "0190f000-0000-7000-8000-000000000001"
MOBILE = "13900000001"


def ms(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(len(s) * p))], 1)


def stats(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": ms(samples, 0.5), "p95_ms": ms(samples, 0.95), "max_ms": round(max(samples), 1),
            "mean_ms": round(statistics.fmean(samples), 1), "n": len(samples)}


def seed_sales(url: str, n: int) -> None:
    with psycopg.connect(url) as conn:
        shop = str(uuid.uuid4())
        till = str(uuid.uuid4())
        conn.execute("INSERT INTO shops (id, code, name, created_at) VALUES (%s, 'S001', "
                     "'示范百货', now())", (shop,))
        conn.execute("INSERT INTO tills (id, shop_id, code, enrol_hash, enrol_expires_at, "
                     "key_hash, key_hint, revoked_at, acked_seq, created_at) VALUES "
                     "(%s, %s, 'T01', NULL, NULL, NULL, '', NULL, 0, now())", (till, shop))
        body = json.dumps({"lines": [{"name": "羊毛衫", "qty": 1, "amount_fen": 8800}],
                           "tenders": [{"kind": "cash", "amount_fen": 8800}]},
                          ensure_ascii=False)
        uid = f"'0190f000-0000-7000-8000-' || lpad(to_hex(1 + (g::bigint * 7919) %% {int(n)}), 12, '0')"
        conn.execute(f"""INSERT INTO sales (id, event_id, shop_id, till_id, kind, receipt_no,
            member_id, paid_fen, original_sale_id, client_at, booked_at, body)
            SELECT gen_random_uuid()::text, 'ev' || g, %s, %s, 'sale',
                   'T01-' || lpad(g::text, 9, '0'), {uid}, 8800, NULL,
                   now() - (g || ' minutes')::interval, now() - (g || ' minutes')::interval, %s
            FROM generate_series(1, %s) g""", (shop, till, body, max(n // 2, 20)))
        conn.execute(f"""INSERT INTO sales (id, event_id, shop_id, till_id, kind, receipt_no,
            member_id, paid_fen, original_sale_id, client_at, booked_at, body)
            SELECT gen_random_uuid()::text, 'mine' || g, %s, %s, 'sale',
                   'T01-M' || lpad(g::text, 6, '0'), %s, 8800, NULL, now(), now(), %s
            FROM generate_series(1, 20) g""", (shop, till, MEMBER, body))
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE sales")


def sign_in(ho: Any, signer: Any) -> str:
    """A session through the real SMS sign-in code path; the code is captured, not sent."""
    from headoffice.member_site.messaging import MessagingService, SendResult
    from headoffice.member_site.service import MemberSite

    class Capture:
        name = "bench"
        last: dict[str, str] = {}

        def send(self, mobile: str, template_code: str, params: dict[str, str]) -> SendResult:
            Capture.last = params
            return SendResult(True, "bench")
    site = MemberSite(ho, signer, MessagingService(Capture(), {"sign_in": "SMS_BENCH"}, ho.clock))
    site.request_code(MOBILE, "127.0.0.1")
    token, _ = site.verify_code(MOBILE, Capture.last["code"], "127.0.0.1")
    return token


def start_server(url: str, key: Path, workers: int) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "POS_HQ_DB": url, "POS_HQ_POOL": "4", "PYTHONPATH": str(ROOT),
           "POS_HQ_SIGNING_KEY": str(key), "POS_HQ_MEMBER_INSECURE": "1",
           "POS_HQ_MEMBER_URL": base + "/m"}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory",
                             "headoffice.asgi:app_from_env", "--host", "127.0.0.1", "--port",
                             str(port), "--workers", str(workers), "--log-level", "warning"],
                            cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("head office did not start")


def paint(page: Any, url: str) -> float:
    page.goto(url, wait_until="load")
    handle = page.wait_for_function("""() => {
        const e = performance.getEntriesByName('first-contentful-paint')[0];
        return e ? e.startTime : null; }""", timeout=10_000)
    return float(handle.json_value())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 members")
    ap.add_argument("--pg", default=DEFAULT_DSN)
    ap.add_argument("--loads", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from headoffice.db import create_ho_engine
    from headoffice.migrate import upgrade
    from headoffice.service import HeadOffice
    from headoffice.signing import HeadOfficeSigner, publish

    members = int(1_000_000 * args.scale)
    name = f"hq_bench_m_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _db_url(args.pg, name)
    engine = create_ho_engine(url, pool_size=2)
    result: dict[str, Any] = {"members": members, "cpus": os.cpu_count()}
    server = None
    try:
        upgrade(engine)
        ho = HeadOffice(engine)
        t0 = time.perf_counter()
        seed_members(url, members)
        seed_sales(url, members)
        result["seed_s"] = round(time.perf_counter() - t0, 1)
        with tempfile.TemporaryDirectory(prefix="pos-bench-key-") as tmp:
            key = Path(tmp) / "hq.pem"
            signer = HeadOfficeSigner.load_or_create(key)
            publish(ho, signer)
            server, base = start_server(url, key, args.workers)
            token = sign_in(ho, signer)
            page_url = base + "/m/"
            server_ms = []
            with httpx.Client(cookies={"m_session": token}) as c:
                for _ in range(args.loads):
                    t = time.perf_counter()
                    r = c.get(page_url)
                    server_ms.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 200 and "member-code" in r.text, r.status_code
            cold, warm = [], []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for i in range(args.loads):
                    ctx = browser.new_context(**PHONE)
                    ctx.add_cookies([{"name": "m_session", "value": token, "url": base + "/m"}])
                    page = ctx.new_page()
                    cold.append(paint(page, page_url))
                    warm.append(paint(page, page_url))
                    if i == 0:
                        assert page.is_visible("#qr svg")
                    ctx.close()
                browser.close()
        result.update({"page_server": stats(server_ms), "first_paint_cold": stats(cold),
                       "first_paint_warm": stats(warm), "target_ms": 1000,
                       "load_avg_1m": round(os.getloadavg()[0], 2)})
    finally:
        if server is not None:
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
