"""Member code at the till (JSON): verifying a phone member code, p50/p99.

    python -m benchmarks.member_code                  # a till holding 1,000,000 members
    python -m benchmarks.member_code --members 10000  # quick run

Figures (p50/p99 ms):
- `verify`: head office's signature and the time window (pure domain code);
- `check`: the till's verification of a code: trusted keys and settings from the till's
  store, signature, window and the once-per-step record committed to SQLite (the target,
  p99 < 2 ms);
- `identify`: `check` plus loading the member and card with the card-status rules for the
  basket, i.e. everything the cashier waits for;
- `swipe`: the same member load for a swiped card number (what a card costs, for comparison);
- `refuse_replay`: the same code scanned again.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.store import build, summary
from db.cipher import connect_raw, key_for_file
from db.member_code_store import SqlMemberCodeStore
from db.store import DB_FILE, open_store
from db.sync_store import SqlSyncStore
from headoffice.member_site.codes import mint
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.ids import UuidV7Source
from pos_app.domain.member_code import MemberCodeRefused, MemberCodeRules, verify
from pos_app.domain.signing import TrustedKeys
from pos_app.ports.clock import FixedClock
from pos_app.services.member_codes import MemberCodeService
from pos_app.services.selling import SellingService
from pos_app.sync.ports import PulledPage
from benchmarks import use_file_keyring_unless_configured

NOW = datetime(2026, 11, 28, 12, 0, 0)


def member_id(i: int) -> str:
    return f"0190f000-0000-7000-8000-{i:012x}"


def add_members(data_dir: Path, n: int) -> None:
    db = connect_raw(data_dir / DB_FILE, key_for_file(data_dir / DB_FILE))
    db.isolation_level = None
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    db.executemany("INSERT INTO members (id, name, mobile_masked, mobile_last4, gender, "
                   "birthday_calendar, consent_messages, tier_code, pin_failed, notes, "
                   "spendable_points, accumulated_points, balance_paid_fen, balance_bonus_fen, "
                   "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                   ((member_id(i), f"会员{i}", f"13*****{i % 10_000:04d}", f"{i % 10_000:04d}",
                     "", "solar", 0,
                     "gold" if i % 5 == 0 else "regular", 0, "", 100, 100, 10_000, 0, NOW, NOW)
                    for i in range(n)))
    db.executemany("INSERT INTO cards (id, card_no, member_id, kind, uid, status, generation, "
                   "expires_on, status_changed_at, status_shop_id, issued_at, replaced_by_id) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                   ((f"c{i:08d}", f"86{i:010d}", member_id(i), "magstripe", None,
                     "lost" if i % 1000 == 999 else "active", 1, None, None, None, NOW, None)
                    for i in range(n)))
    db.execute("COMMIT")
    db.execute("ANALYZE")
    db.close()


def timed(fn, items) -> tuple[list[float], list[float]]:  # noqa: ANN001
    """Wall-clock and this thread's CPU seconds per call. On a shared, loaded machine the
    wall p99 is mostly time spent waiting for a CPU; the CPU figure is the work itself."""
    wall, cpu = [], []
    for item in items:
        w, c = time.perf_counter(), time.thread_time()
        fn(item)
        cpu.append(time.thread_time() - c)
        wall.append(time.perf_counter() - w)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=2000)
    args = ap.parse_args(argv)
    use_file_keyring_unless_configured(Path("benchmarks/results"))
    signer = HeadOfficeSigner.generate()
    keys = TrustedKeys.of([signer.public])
    rules = MemberCodeRules()
    with tempfile.TemporaryDirectory(prefix="pos-bench-code-") as tmp:
        data_dir = Path(tmp)
        t0 = time.perf_counter()
        build(data_dir, members=0, products=100, sales=0, seed=7)
        add_members(data_dir, args.members)
        build_s = time.perf_counter() - t0
        ids = UuidV7Source()
        uow = open_store(data_dir, ids)
        clock = FixedClock(NOW)
        SqlSyncStore(uow.engine, ids).apply_page(PulledPage("settings", [
            {"key": "signing_keys", "state": {"key": "signing_keys", "version": 1,
                                              "body": keys.to_document()}}], "0.1", False, 0),
            NOW)
        store = SqlMemberCodeStore(uow.engine)
        selling = SellingService(uow, clock, ids, hasher=None, member_codes=store)  # type: ignore[arg-type]
        service: MemberCodeService = selling.member_codes
        now_unix = NOW.timestamp()
        step = int(now_unix) // rules.step_s
        members = [member_id((i * 7919) % args.members) for i in range(args.rounds)]
        members = [m for m in members if int(m[-12:], 16) % 1000 != 999]
        codes = [mint(signer, m, step, rules.step_s) for m in members]
        # Warm up: key objects, statement caches, the SQLite page cache for these members.
        for text in codes[:50]:
            verify(text, keys, now_unix, rules)
        pure, pure_cpu = timed(lambda text: verify(text, keys, now_unix, rules), codes)

        def check(text: str) -> None:
            code = verify(text, store.keys(), now_unix, store.rules())
            store.take(code.member_id, code.step + 1, NOW)
        checked, checked_cpu = timed(check, codes)
        full, full_cpu = timed(service.identify, codes)
        swipe, swipe_cpu = timed(selling.member_by_card,
                                 [f"86{int(m[-12:], 16):010d}" for m in members])

        def replay(text: str) -> None:
            try:
                service.identify(text)
            except MemberCodeRefused:
                pass
        again, _ = timed(replay, codes[:500])
        clock.at = NOW + timedelta(minutes=10)
        uow.engine.dispose()
    out = {"members": args.members, "build_s": round(build_s, 1),
           "verify": summary(pure), "check": summary(checked), "identify": summary(full),
           "swipe": summary(swipe), "refuse_replay": summary(again),
           "cpu": {"verify": summary(pure_cpu), "check": summary(checked_cpu),
                   "identify": summary(full_cpu), "swipe": summary(swipe_cpu)},
           "target_p99_ms": 2.0, "load_avg_1m": round(os.getloadavg()[0], 2),
           "cpus": os.cpu_count()}
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
