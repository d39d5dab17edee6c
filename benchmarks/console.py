"""Head-office console benchmark (JSON): member search across 1,000,000 members through the
HTTP page, and the dashboard of a chain of 200 shops and 10,000,000 sales.

    python -m benchmarks.console                  # 1,000,000 members, 200 shops, 10M sales
    python -m benchmarks.console --scale 0.01     # quick: 10,000 members, 100,000 sales

Everything measured is a signed-in browser's request to the real stack (uvicorn, FastAPI,
the console's session and CSRF checks, Jinja2, SQLAlchemy, PostgreSQL), timed at the client.
The members, their search rows and the sales are seeded with plain SQL (they stand for years
of registrations and trading); the dashboard reads the per-shop daily figures that ingest
keeps (seeded to match the sales), never the sales themselves.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from typing import Any

import httpx
import psycopg

from benchmarks.headoffice import DEFAULT_DSN, _db_url, seed_members, start_server

SURNAMES = [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
            ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"),
            ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
            ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo")]
GIVEN = [("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
         ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
         ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"), ("明", "ming"),
         ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
         ("桂英", "guiying"), ("建华", "jianhua"), ("文", "wen"), ("华", "hua"), ("玉兰", "yulan")]
PASSWORD = "bench-password-123"


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] * 1000, 2)


def _stats(xs: list[float]) -> dict[str, Any]:
    return {"n": len(xs), "p50_ms": _pct(xs, 50), "p95_ms": _pct(xs, 95), "p99_ms": _pct(xs, 99),
            "max_ms": round(max(xs) * 1000, 2), "mean_ms": round(statistics.mean(xs) * 1000, 2)}


def seed_names(url: str) -> float:
    """Chinese names with their pinyin for every member, and the search rows ingest keeps."""
    start = time.perf_counter()
    s_zh, s_py = [s[0] for s in SURNAMES], [s[1] for s in SURNAMES]
    g_zh, g_py = [g[0] for g in GIVEN], [g[1] for g in GIVEN]
    g_ini = [g[1][0] + (g[1][len(g[1]) // 2] if len(g[0]) > 1 else "") for g in GIVEN]
    with psycopg.connect(url) as conn:
        conn.execute("""UPDATE members SET name = (%(sz)s::text[])[1 + (substr(mobile, 4)::bigint %% 20)]
                        || (%(gz)s::text[])[1 + ((substr(mobile, 4)::bigint / 20) %% 25)]""",
                     {"sz": s_zh, "gz": g_zh})
        conn.execute("""INSERT INTO member_search (member_id, name, pinyin, initials, mobile_last4)
            SELECT id, name,
                   (%(sp)s::text[])[1 + (substr(mobile, 4)::bigint %% 20)]
                   || (%(gp)s::text[])[1 + ((substr(mobile, 4)::bigint / 20) %% 25)],
                   left((%(sp)s::text[])[1 + (substr(mobile, 4)::bigint %% 20)], 1)
                   || (%(gi)s::text[])[1 + ((substr(mobile, 4)::bigint / 20) %% 25)],
                   right(mobile, 4)
            FROM members""", {"sp": s_py, "gp": g_py, "gi": g_ini})
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE members, member_search")
    return time.perf_counter() - start


def seed_chain(url: str, shops: int, sales: int, days: int) -> float:
    """`shops` shops with one till each, and `sales` sales spread over the last `days` days
    as the per-shop daily figures ingest keeps."""
    start = time.perf_counter()
    per_row = max(1, sales // (shops * days))
    with psycopg.connect(url) as conn:
        conn.execute("""INSERT INTO shops (id, code, name, created_at)
            SELECT 'shop-' || lpad(g::text, 4, '0'), 'S' || lpad(g::text, 3, '0'),
                   '门店' || g, now() FROM generate_series(1, %s) g""", (shops,))
        conn.execute("""INSERT INTO tills (id, shop_id, code, enrol_hash, enrol_expires_at,
            key_hash, key_hint, revoked_at, acked_seq, last_seen_at, created_at)
            SELECT 'till-' || lpad(g::text, 4, '0'), 'shop-' || lpad(g::text, 4, '0'), 'T01',
                   NULL, NULL, 'k' || g, '', NULL, 0,
                   CASE WHEN g %% 17 = 0 THEN now() - interval '3 hours' ELSE now() END, now()
            FROM generate_series(1, %s) g""", (shops,))
        conn.execute("""INSERT INTO daily_figures (day, shop_id, sales_count, sales_fen,
            returns_count, returns_fen, member_sales_count, member_sales_fen, points_issued,
            points_redeemed, sv_topup_paid_fen, sv_topup_bonus_fen, sv_spent_fen, new_members)
            SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date - d, 'shop-' || lpad(s::text, 4, '0'),
                   %(n)s, %(n)s * 12800, %(n)s / 50, %(n)s / 50 * 9000, %(n)s * 6 / 10,
                   %(n)s * 6 / 10 * 15000, %(n)s * 9, %(n)s, 500000, 50000, 300000, 3
            FROM generate_series(0, %(days)s - 1) d, generate_series(1, %(shops)s) s""",
                     {"n": per_row, "days": days, "shops": shops})
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


def seed_raw_sales(url: str, shops: int, sales: int, days: int) -> float:
    """The sale rows the daily figures stand for (the dashboard must not need them)."""
    start = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute("""INSERT INTO sales (id, event_id, shop_id, till_id, kind, receipt_no,
            member_id, paid_fen, original_sale_id, client_at, booked_at, body)
            SELECT gen_random_uuid()::text, 'ev-' || g,
                   'shop-' || lpad((1 + g %% %(shops)s)::text, 4, '0'),
                   'till-' || lpad((1 + g %% %(shops)s)::text, 4, '0'), 'sale', 'R' || g,
                   NULL, 12800, NULL, NULL,
                   now() - (g %% (%(days)s * 86400)) * interval '1 second',
                   '{"tenders":[{"kind":"cash","amount_fen":12800}],"lines":[]}'
            FROM generate_series(1, %(sales)s) g""",
                     {"shops": shops, "days": days, "sales": sales})
        conn.commit()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE sales")
    return time.perf_counter() - start


def signed_in(base: str, url: str) -> httpx.Client:
    from headoffice.console import auth
    from headoffice.db import create_ho_engine
    from headoffice.service import HeadOffice

    engine = create_ho_engine(url, pool_size=1)
    ho = HeadOffice(engine)
    ho.transaction(lambda s: auth.add_user(s, ho.clock(), ho.ids.new_id(), "bench", PASSWORD, "admin"))
    engine.dispose()
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/console/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post("/console/login", data={"csrf": csrf, "username": "bench",
                                             "password": PASSWORD})
    assert r.status_code == 303, r.text[:300]
    return client


def bench_search(client: httpx.Client, members: int, n: int) -> dict[str, Any]:
    rnd = random.Random(7)

    def card() -> str:
        return "8" + f"{rnd.randint(1, members):09d}"

    def mobile() -> str:
        return "139" + f"{rnd.randint(1, members):08d}"

    def last4() -> str:
        return f"{rnd.randint(0, 9999):04d}"

    def name() -> str:
        s, g = rnd.choice(SURNAMES), rnd.choice(GIVEN)
        return rnd.choice([s[0], s[0] + g[0]])

    def pinyin() -> str:
        s, g = rnd.choice(SURNAMES), rnd.choice(GIVEN)
        full = s[1] + g[1]
        return full[:rnd.randint(3, len(full))]

    def initials() -> str:
        s, g = rnd.choice(SURNAMES), rnd.choice(GIVEN)
        return s[1][0] + g[1][0]
    kinds = {"card": card, "mobile": mobile, "last4": last4, "name": name, "pinyin": pinyin,
             "initials": initials}
    times: dict[str, list[float]] = {k: [] for k in kinds}
    hits: dict[str, int] = dict.fromkeys(kinds, 0)
    for _ in range(20):                                   # warm the server and the caches
        client.get("/console/members", params={"q": name()})
    for i in range(n):
        kind = list(kinds)[i % len(kinds)]
        q = kinds[kind]()
        t0 = time.perf_counter()
        r = client.get("/console/members", params={"q": q})
        times[kind].append(time.perf_counter() - t0)
        assert r.status_code == 200
        hits[kind] += int('href="/console/members/' in r.text)
    every = [x for xs in times.values() for x in xs]
    return {"members": members, "requests": n, "overall": _stats(every),
            "by_kind": {k: {**_stats(v), "found": hits[k]} for k, v in times.items()}}


def server_cpu_s(pid: int | None) -> float | None:
    """CPU seconds (user + system) the server process has used: latency on a shared machine
    is noisy, the CPU a request costs is not (PostgreSQL's own work is not included)."""
    if pid is None:
        return None
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pid: int | None, n: int, work: Any) -> dict[str, Any]:
    """Run `work()`, adding the load average around it and the server's CPU per request."""
    load_before, cpu_before = os.getloadavg()[0], server_cpu_s(pid)
    out = work()
    cpu_after = server_cpu_s(pid)
    out["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if cpu_before is not None and cpu_after is not None:
        out["server_cpu_ms_per_request"] = round((cpu_after - cpu_before) * 1000 / n, 2)
    return out


def bench_dashboard(client: httpx.Client, n: int) -> dict[str, Any]:
    for _ in range(3):
        client.get("/console/")
    times, sizes = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        r = client.get("/console/")
        times.append(time.perf_counter() - t0)
        assert r.status_code == 200
        sizes.append(len(r.content))
    shop_times = []
    for i in range(n):
        t0 = time.perf_counter()
        r = client.get("/console/", params={"shop": f"shop-{1 + i % 200:04d}"})
        shop_times.append(time.perf_counter() - t0)
        assert r.status_code == 200
    return {"chain": _stats(times), "one_shop": _stats(shop_times), "html_bytes": sizes[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="fraction of 1,000,000 members and 10,000,000 sales")
    ap.add_argument("--pg", default=DEFAULT_DSN, help="PostgreSQL superuser DSN")
    ap.add_argument("--shops", type=int, default=200)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--searches", type=int, default=3000)
    ap.add_argument("--dashboards", type=int, default=50)
    ap.add_argument("--no-raw-sales", action="store_true",
                    help="seed only the daily figures, not the sale rows (much quicker)")
    args = ap.parse_args(argv)
    from headoffice.db import create_ho_engine
    from headoffice.migrate import upgrade

    members, sales = int(1_000_000 * args.scale), int(10_000_000 * args.scale)
    name = f"hq_console_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _db_url(args.pg, name)
    engine = create_ho_engine(url, pool_size=1)
    upgrade(engine)
    engine.dispose()
    os.environ["POS_HQ_COOKIE_SECURE"] = "0"      # plain HTTP on loopback for httpx
    result: dict[str, Any] = {"cpus": os.cpu_count(), "shops": args.shops, "sales": sales,
                              "raw_sales_rows": not args.no_raw_sales}
    server = None
    try:
        result["seed_members_s"] = round(seed_members(url, members), 1)
        result["seed_search_rows_s"] = round(seed_names(url), 1)
        result["seed_chain_s"] = round(seed_chain(url, args.shops, sales, args.days), 1)
        server, base = start_server(url, 1)
        client = signed_in(base, url)
        pid = server.pid
        result["member_search"] = measured(pid, args.searches,
                                           lambda: bench_search(client, members, args.searches))
        print(json.dumps(result["member_search"]["overall"]), file=sys.stderr, flush=True)
        result["dashboard_figures_only"] = measured(
            pid, 2 * args.dashboards, lambda: bench_dashboard(client, args.dashboards))
        print(json.dumps(result["dashboard_figures_only"]), file=sys.stderr, flush=True)
        if not args.no_raw_sales:
            # The sale rows themselves, so the dashboard is measured beside 10M sales.
            result["seed_raw_sales_s"] = round(seed_raw_sales(url, args.shops, sales, args.days),
                                               1)
            result["dashboard"] = measured(
                pid, 2 * args.dashboards, lambda: bench_dashboard(client, args.dashboards))
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
