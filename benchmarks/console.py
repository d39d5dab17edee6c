"""Head-office console benchmark (JSON): member search across 1,000,000 members through the
HTTP page, and the dashboard of a chain of 200 shops and 10,000,000 sales.

    python -m benchmarks.console                  # 1,000,000 members, 200 shops, 10M sales
    python -m benchmarks.console --scale 0.01     # quick: 10,000 members, 100,000 sales

Search and dashboard are timed as a signed-in browser's requests to the real stack
(uvicorn, FastAPI, the console's session and CSRF checks, Jinja2, SQLAlchemy, PostgreSQL), at
the client. The members, their search rows and the sale rows are made inside PostgreSQL
(INSERT ... SELECT generate_series, the sales in batches of 1M into the real `sales` table,
its indexes and constraints made again after the load; see seed_raw_sales). The dashboard
reads the per-shop daily figures ingest keeps, never the sales: here those figures are
counted from the 10M sale rows in one statement, then the benchmark checks that the
dashboard's figures equal the same periods summed from the rows, times the production
`figures()` on the server side with its statements' plans, and, for comparison, times that
sum over the raw rows (what a request would cost without the kept figures).

    python -m benchmarks.console --no-raw-sales   # daily figures only, no sale rows
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import event

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


def seed_shops(url: str, shops: int) -> float:
    """`shops` shops with one till each (one in 17 offline for three hours)."""
    start = time.perf_counter()
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
        conn.commit()
    return time.perf_counter() - start


def seed_figures(url: str, shops: int, sales: int, days: int) -> float:
    """--no-raw-sales: per-shop daily figures standing for `sales` sales, without the rows."""
    start = time.perf_counter()
    per_row = max(1, sales // (shops * days))
    with psycopg.connect(url) as conn:
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
        conn.execute("VACUUM ANALYZE daily_figures")
    return time.perf_counter() - start


# One sale row per g: shop and till by g, spread over the last `days` days by a multiplicative
# step (so every day and shop gets its share), 60% with a member, one in 50 a return; ids
# shaped like the tills' UUIDv7 strings; the body is a small sale document like ingest keeps.
SALE_ROWS = """
INSERT INTO sales (id, event_id, shop_id, till_id, kind, receipt_no, member_id, paid_fen,
                   original_sale_id, client_at, booked_at, body)
SELECT '0190f001-0000-7000-8000-' || lpad(to_hex(g), 12, '0'),
       '0190f002-0000-7000-8000-' || lpad(to_hex(g), 12, '0'),
       'shop-' || lpad((1 + g %% %(shops)s)::text, 4, '0'),
       'till-' || lpad((1 + g %% %(shops)s)::text, 4, '0'),
       CASE WHEN ret THEN 'return' ELSE 'sale' END, 'R' || g, member,
       CASE WHEN ret THEN -amount ELSE amount END, NULL,
       at + interval '8 hours', at,
       '{"receipt_no":"R' || g || '","kind":"' || CASE WHEN ret THEN 'return' ELSE 'sale' END
       || '","lines":[{"line_no":1,"sku":"SKU' || (g %% 5000) || '","qty":1,"amount_fen":'
       || amount || '}],"tenders":[{"kind":"cash","amount_fen":' || amount
       || '}],"member":' || CASE WHEN member IS NULL THEN 'null'
                                 ELSE '{"member_id":"' || member || '"}' END || '}'
FROM (SELECT g, g %% 50 = 0 AS ret, 1000 + (g * 37) %% 49000 AS amount,
             CASE WHEN g %% 10 < 6 THEN '0190f000-0000-7000-8000-'
                  || lpad(to_hex(1 + (g * 7) %% %(members)s), 12, '0') END AS member,
             %(t0)s - ((g * 7919) %% (%(days)s * 86400)) * interval '1 second' AS at
      FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g) x"""


def seed_raw_sales(url: str, shops: int, sales: int, days: int, members: int,
                   batch: int = 1_000_000) -> dict[str, Any]:
    """`sales` sale rows in the real `sales` table, made inside PostgreSQL in batches of
    `batch` (INSERT ... SELECT generate_series). As any bulk load: the table's indexes and
    constraints are dropped first and made again after, exactly as the schema defines them
    (checked), and the table is UNLOGGED while it stays in this throwaway database (no WAL
    for 10M rows; reads, plans and indexes are those of a logged table)."""
    timings: dict[str, Any] = {}
    start = time.perf_counter()
    t0 = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        cons = conn.execute("""SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = 'sales'::regclass ORDER BY contype = 'f', conname""").fetchall()
        idx = conn.execute("""SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename = 'sales' AND indexname NOT IN
                (SELECT conname FROM pg_constraint WHERE conrelid = 'sales'::regclass)
            ORDER BY indexname""").fetchall()
        for name, _ in idx:
            conn.execute(f'DROP INDEX "{name}"')
        for name, _ in reversed(cons):
            conn.execute(f'ALTER TABLE sales DROP CONSTRAINT "{name}"')
        conn.execute("ALTER TABLE sales SET UNLOGGED")
        done = 0
        for lo in range(1, sales + 1, batch):
            hi = min(sales, lo + batch - 1)
            conn.execute(SALE_ROWS, {"shops": shops, "members": max(1, members), "days": days,
                                     "t0": t0, "lo": lo, "hi": hi})
            done = hi
            print(f"sales: {done:,} rows, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
        timings["rows_s"] = round(time.perf_counter() - start, 1)
        mark = time.perf_counter()
        for name, definition in cons:
            conn.execute(f'ALTER TABLE sales ADD CONSTRAINT "{name}" {definition}')
        for _, definition in idx:
            conn.execute(definition)
        timings["indexes_s"] = round(time.perf_counter() - mark, 1)
        again_cons = conn.execute("""SELECT conname, pg_get_constraintdef(oid)
            FROM pg_constraint WHERE conrelid = 'sales'::regclass
            ORDER BY contype = 'f', conname""").fetchall()
        again_idx = conn.execute("""SELECT indexname, indexdef FROM pg_indexes
            WHERE tablename = 'sales' AND indexname NOT IN
                (SELECT conname FROM pg_constraint WHERE conrelid = 'sales'::regclass)
            ORDER BY indexname""").fetchall()
        assert (again_cons, again_idx) == (cons, idx), "the sales table lost its schema"
        mark = time.perf_counter()
        conn.execute("VACUUM ANALYZE sales")
        timings["vacuum_analyze_s"] = round(time.perf_counter() - mark, 1)
        timings["table_size"] = conn.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('sales'))").fetchone()[0]
    timings["total_s"] = round(time.perf_counter() - start, 1)
    timings["indexes_and_constraints"] = [n for n, _ in cons] + [n for n, _ in idx]
    return timings


# What ingest keeps per sale (figures.note): the per-shop business-day figures, here counted
# from the sale rows in one statement (client_at is the till's local time, as on ingest).
FIGURES_FROM_SALES = """
INSERT INTO daily_figures (day, shop_id, sales_count, sales_fen, returns_count, returns_fen,
    member_sales_count, member_sales_fen, points_issued, points_redeemed, sv_topup_paid_fen,
    sv_topup_bonus_fen, sv_spent_fen, new_members)
SELECT client_at::date, shop_id,
       count(*) FILTER (WHERE kind = 'sale'),
       coalesce(sum(paid_fen) FILTER (WHERE kind = 'sale'), 0),
       count(*) FILTER (WHERE kind = 'return'),
       coalesce(-sum(paid_fen) FILTER (WHERE kind = 'return'), 0),
       count(*) FILTER (WHERE kind = 'sale' AND member_id IS NOT NULL),
       coalesce(sum(paid_fen) FILTER (WHERE member_id IS NOT NULL), 0),
       coalesce(sum(paid_fen / 100) FILTER (WHERE kind = 'sale' AND member_id IS NOT NULL), 0),
       0, 0, 0, 0, 0
FROM sales GROUP BY 1, 2"""


def figures_from_sales(url: str) -> float:
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET work_mem = '64MB'")
        conn.execute(FIGURES_FROM_SALES)
        conn.execute("VACUUM ANALYZE daily_figures")
    return time.perf_counter() - start


# The dashboard's periods summed straight from the sale rows: what each request would cost
# without the daily figures kept on ingest (measured for comparison; the console never runs
# it).
RAW_SCAN = """
SELECT shop_id,
       count(*) FILTER (WHERE kind = 'sale' AND client_at >= %(today)s),
       coalesce(sum(paid_fen) FILTER (WHERE client_at >= %(today)s), 0),
       count(*) FILTER (WHERE kind = 'sale' AND client_at >= %(week)s),
       coalesce(sum(paid_fen) FILTER (WHERE client_at >= %(week)s), 0),
       count(*) FILTER (WHERE kind = 'sale' AND client_at >= %(month)s),
       coalesce(sum(paid_fen) FILTER (WHERE client_at >= %(month)s), 0)
FROM sales
WHERE booked_at >= %(first_utc)s AND client_at >= %(first)s AND client_at < %(tomorrow)s
GROUP BY shop_id"""


def dashboard_checks(url: str, shops: int, scans: int) -> dict[str, Any]:
    """The production dashboard's figures (pages.dashboard.figures, as each request runs
    them) against the same periods summed from the sale rows, and both timed on the server
    side (no HTTP, no template)."""
    from headoffice.console.pages.dashboard import figures
    from headoffice.console.periods import business_day, period_starts
    from headoffice.db import create_ho_engine
    from headoffice.service import HeadOffice

    engine = create_ho_engine(url, pool_size=1)
    ho = HeadOffice(engine)
    today = business_day(ho.clock())
    starts = period_starts(today)
    first = min(starts.values())
    prod, statements = [], []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))
    with ho.sessions() as s:
        for _ in range(scans * 5):
            t0 = time.perf_counter()
            figs = figures(s, today, None)
            prod.append(time.perf_counter() - t0)
        # The statements figures() sends, each explained with its own parameters.
        event.listen(engine, "before_cursor_execute", record)
        figures(s, today, None)
        event.remove(engine, "before_cursor_execute", record)
        plans = []
        for statement, parameters in statements:
            lines = [r[0] for r in s.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)]
            plans.append({"statement": " ".join(statement.split())[:120] + "...",
                          "plan_top": lines[0].strip(),
                          "execution": lines[-1].strip()})
        # The chain's points / stored-value liability: a sum over every member account the
        # dashboard makes at most once a minute per process (the requests above mostly hit
        # that cache; a cold request pays this too).
        from types import SimpleNamespace

        from headoffice.console.pages.dashboard import _liability
        cold = []
        for _ in range(scans):
            console = SimpleNamespace(cache={}, now=ho.clock)
            t0 = time.perf_counter()
            _liability(console, s)
            cold.append(time.perf_counter() - t0)
    engine.dispose()
    def scan(month: date, week: date) -> tuple[list[float], list[Any]]:
        midnight = datetime.min.time()
        first_day = min(month, week)
        params = {"today": datetime.combine(today, midnight),
                  "month": datetime.combine(month, midnight),
                  "week": datetime.combine(week, midnight),
                  "first": datetime.combine(first_day, midnight),
                  "first_utc": datetime.combine(first_day, midnight) - timedelta(hours=8),
                  "tomorrow": datetime.combine(today + timedelta(days=1), midnight)}
        times, rows = [], []
        with psycopg.connect(url) as conn:
            for _ in range(scans):
                t0 = time.perf_counter()
                rows = conn.execute(RAW_SCAN, params).fetchall()
                times.append(time.perf_counter() - t0)
        return times, rows
    raw, rows = scan(starts["month"], starts["week"])
    # On a month's last day the month holds 31 days of sales, not today's few.
    raw_31, _ = scan(today - timedelta(days=30), today - timedelta(days=6))
    chain = figs["chain"]
    from_rows = {p: (int(sum(r[i] for r in rows)), int(sum(r[i + 1] for r in rows)))
                 for p, i in (("today", 1), ("week", 3), ("month", 5))}
    shown = {p: (chain[p]["sales_count"], chain[p]["net_fen"]) for p in from_rows}
    return {"periods": {p: str(d) for p, d in starts.items()},
            "figures_match_sale_rows": shown == from_rows,
            "shown": shown, "from_sale_rows": from_rows,
            "month_sales_in_rows": from_rows["month"][0],
            "production_figures_sql": _stats(prod),
            "production_figures_plans": plans,
            "liability_sum_uncached": _stats(cold),
            "raw_scan_per_request": _stats(raw),
            "raw_scan_per_request_31_day_month": _stats(raw_31)}


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


def bench_dashboard(client: httpx.Client, n: int, shops: int) -> dict[str, Any]:
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
        r = client.get("/console/", params={"shop": f"shop-{1 + i % shops:04d}"})
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
    ap.add_argument("--raw-scans", type=int, default=3,
                    help="times the dashboard's periods are summed from the sale rows")
    ap.add_argument("--no-raw-sales", action="store_true",
                    help="seed only the daily figures, not the sale rows (much quicker)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the database (its name is printed) to look at; drop it after")
    args = ap.parse_args(argv)
    from headoffice.db import create_ho_engine
    from headoffice.migrate import upgrade

    began = time.perf_counter()

    def step(what: str) -> None:
        print(f"[{time.perf_counter() - began:6.0f} s] {what}", file=sys.stderr, flush=True)
    members, sales = int(1_000_000 * args.scale), int(10_000_000 * args.scale)
    name = f"hq_console_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = _db_url(args.pg, name)
    engine = create_ho_engine(url, pool_size=1)
    upgrade(engine)
    engine.dispose()
    os.environ["POS_HQ_COOKIE_SECURE"] = "0"      # plain HTTP on loopback for httpx
    # The server makes its signing and escrow key files on first use, by default in the
    # user's data dir, where a real head office keeps its own: throwaway ones go here.
    keys = tempfile.TemporaryDirectory(prefix="hq-console-bench-keys-")
    os.environ.setdefault("POS_HQ_SIGNING_KEY", str(Path(keys.name) / "signing.pem"))
    os.environ.setdefault("POS_HQ_ESCROW_KEY", str(Path(keys.name) / "escrow.pem"))
    result: dict[str, Any] = {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg(),
                              "members": members, "shops": args.shops, "sales": sales,
                              "raw_sales_rows": not args.no_raw_sales}
    server = None
    try:
        step(f"{members:,} members")
        result["seed_members_s"] = round(seed_members(url, members), 1)
        result["seed_search_rows_s"] = round(seed_names(url), 1)
        result["seed_shops_s"] = round(seed_shops(url, args.shops), 1)
        if args.no_raw_sales:
            result["seed_daily_figures_s"] = round(
                seed_figures(url, args.shops, sales, args.days), 1)
        else:
            step(f"{sales:,} sale rows")
            result["seed_raw_sales"] = seed_raw_sales(url, args.shops, sales, args.days,
                                                      members)
            step("daily figures from the sale rows")
            result["daily_figures_from_sale_rows_s"] = round(figures_from_sales(url), 1)
        step("member search")
        server, base = start_server(url, 1)
        client = signed_in(base, url)
        pid = server.pid
        result["member_search"] = measured(pid, args.searches,
                                           lambda: bench_search(client, members, args.searches))
        print(json.dumps(result["member_search"]["overall"]), file=sys.stderr, flush=True)
        step("dashboard through HTTP")
        result["dashboard"] = measured(
            pid, 2 * args.dashboards,
            lambda: bench_dashboard(client, args.dashboards, args.shops))
        print(json.dumps(result["dashboard"]), file=sys.stderr, flush=True)
        if not args.no_raw_sales:
            step("dashboard figures vs the sale rows")
            result["dashboard_vs_sale_rows"] = dashboard_checks(url, args.shops, args.raw_scans)
        result["wall_s"] = round(time.perf_counter() - began, 1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        if args.keep:
            print(f"kept database {name}: DROP DATABASE \"{name}\" WITH (FORCE) when done",
                  file=sys.stderr)
        else:
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        keys.cleanup()
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
