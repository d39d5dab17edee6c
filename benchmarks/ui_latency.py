"""Cashier-app latency on a large store: card -> member panel and re-priced basket painted,
barcode -> new line painted, a 20-scan burst, peak memory, cold start to the login screen,
and the first login (PIN typed as the login window shows -> accepted).

    python -m benchmarks.ui_latency --members 1000000            # builds the store once
    python -m benchmarks.ui_latency --members 1000000 --reuse    # measure it again
    python -m benchmarks.ui_latency --members 20000 --rounds 50  # quick run

The store is built with benchmarks/store.py (bulk sqlite3 for the history); everything
measured goes through the real window, the background helper, the services and SQLite
(WAL, synchronous=FULL). Runs offscreen. Prints JSON; no pass/fail here.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from benchmarks import use_file_keyring_unless_configured

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pct(samples: list[float], p: float) -> float:
    s = sorted(samples)
    return round(s[min(len(s) - 1, int(len(s) * p))] * 1000, 2)


def summary(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": pct(samples, 0.50), "p99_ms": pct(samples, 0.99),
            "max_ms": round(max(samples) * 1000, 2),
            "mean_ms": round(statistics.fmean(samples) * 1000, 2), "n": len(samples)}


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def cold_start(data_dir: Path, runs: int) -> dict[str, object]:
    """Process spawn to the login screen on screen (SHOWN), and to the store open behind it so
    that a login goes through (READY); POS_SMOKE_EXIT makes the app print both and quit."""
    shown, ready = [], []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1")
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "ui.main", str(data_dir)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SHOWN"):
                shown.append(time.perf_counter() - t)
            elif line.startswith("READY"):
                ready.append(time.perf_counter() - t)
            elif line.startswith("FAILED"):
                raise RuntimeError(f"app did not start: {line}")
        proc.wait(120)
    return {"login_shown_s": [round(x, 3) for x in shown],
            "login_shown_median_s": round(statistics.median(shown), 3),
            "store_ready_s": [round(x, 3) for x in ready],
            "store_ready_median_s": round(statistics.median(ready), 3)}


def first_login(data_dir: Path, runs: int) -> dict[str, object]:
    """The first login after start: user and PIN entered the moment the login window shows,
    time until the PIN is accepted (target: under 1 s on the 1M-member store). The app does
    the typing itself (POS_SMOKE_LOGIN); the store goes on opening behind it."""
    
    from db.pin_hasher import Argon2PinHasher
    from db.store import DB_FILE
    # The benchmark store seeds its users with a fast test hash; a till's PINs carry the
    # production Argon2 parameters (argon2-cffi's RFC 9106 low-memory profile), whose check
    # is most of this time. Give the cashier a production hash first.
    from db.cipher import connect_raw, key_for_file
    con = connect_raw(data_dir / DB_FILE, key_for_file(data_dir / DB_FILE))
    with con:
        con.execute("UPDATE users SET pin_hash = ?, failed_attempts = 0, locked_until = NULL"
                    " WHERE username = 'cashier'", (Argon2PinHasher().hash("1111"),))
    con.close()
    accepted = []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", POS_SMOKE_EXIT="1",
               POS_SMOKE_LOGIN="cashier:1111")
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, "-m", "ui.main", str(data_dir)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("LOGGED_IN"):
                accepted.append(float(line.split()[1]))
            elif line.startswith("FAILED"):
                raise RuntimeError(f"app did not start: {line}")
        proc.wait(120)
    return {"pin_accepted_after_window_shown_s": accepted,
            "pin_accepted_median_s": round(statistics.median(accepted), 3),
            "pin_accepted_max_s": round(max(accepted), 3), "target_s": 1.0}


def measure(data_dir: Path, members: int, products: int, rounds: int) -> dict[str, object]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    rss_before = rss_mb()
    from hardware.escpos_printer import NullPrinter
    from pos_app.domain.errors import ShiftAlreadyOpen
    from ui.main import build_context
    from ui.main_window import MainWindow
    from wiring import open_till

    till = open_till(data_dir)
    services, settings = till.services, till.settings
    from pos_app.settings import with_section
    # Every scan adds its own line here (a repeated code would only raise a quantity).
    settings = with_section(settings, "shop", merge_repeated_scans=False)
    ctx = build_context(data_dir, services, settings, "zh_CN", printer=NullPrinter())
    window = MainWindow(ctx)
    window.resize(1024, 768)
    window.show()
    app.processEvents()
    ctx.user = services.auth.login("cashier", "1111")
    try:
        services.shifts.open(ctx.user, 50_000)
    except ShiftAlreadyOpen:
        pass
    window._on_shift_known(services.shifts.current())  # noqa: SLF001 - skip the dialogs here
    selling = window.selling
    rss_ready = rss_mb()

    def wait_view(action) -> float:  # noqa: ANN001
        """Run action(); seconds until the screen redrew from the new snapshot and painted."""
        loop = QEventLoop()
        done: list[float] = []

        def shown(_view: object) -> None:
            selling.table.viewport().repaint()
            selling.member_panel.repaint()
            selling.due_label.repaint()
            done.append(time.perf_counter())
            loop.quit()

        selling.view_shown.connect(shown)
        t = time.perf_counter()
        action()
        if not done:
            QTimer.singleShot(10_000, loop.quit)
            loop.exec()
        selling.view_shown.disconnect(shown)
        if not done:
            raise RuntimeError("the screen never redrew")
        return done[0] - t

    step = max(products // 40, 1)
    codes = [f"69{(i * step) % products:011d}" for i in range(30)]
    for code in codes:                      # a 30-line basket
        wait_view(lambda c=code: selling.scan(c))
    cards = [f"88{(i * 7919) % members:010d}" for i in range(rounds)]
    card_times = []
    for card in cards:
        if selling.view.member is not None:
            wait_view(selling.detach_member)
        card_times.append(wait_view(lambda c=card: selling.attach_card(c)))
    assert len(selling.model.lines) == 30
    scan_times = []
    for i in range(rounds):
        code = f"69{(i * 104_729) % products:011d}"
        scan_times.append(wait_view(lambda c=code: selling.scan(c)))
        # The new line goes again (F4's confirmation left out): 30 lines.
        wait_view(lambda: selling._run(  # noqa: SLF001
            lambda: selling.session.remove_line(len(selling.model.lines))))

    # 20 barcodes arriving 10 ms apart (a serial scanner's signals), all must land in order.
    selling.session.clear()
    wait_view(lambda: selling._run(selling.session.view))  # noqa: SLF001
    burst = [f"69{(i * 31) % products:011d}" for i in range(20)]
    landed: list[float] = []
    selling.view_shown.connect(lambda _v: landed.append(time.perf_counter()))
    t0 = time.perf_counter()
    for i, code in enumerate(burst):
        QTimer.singleShot(i * 10, lambda c=code: selling.scan(c))
    deadline = time.perf_counter() + 20
    while len(selling.model.lines) < 20 and time.perf_counter() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    in_order = [ln.barcode for ln in selling.model.lines] == burst
    burst_result = {"scans": 20, "landed": len(selling.model.lines), "in_order": in_order,
                    "last_line_shown_after_ms": round((landed[-1] - t0) * 1000, 1)
                    if landed else None,
                    "lag_after_last_scan_ms": round((landed[-1] - t0 - 0.19) * 1000, 1)
                    if landed else None}

    # A name search over all members (runs on the background lane; shown for scale).
    search_times = []
    for prefix in ("王伟", "李娜", "张", "1380000", "1399999"):
        t = time.perf_counter()
        services.selling.search_members(prefix, 30)
        search_times.append(time.perf_counter() - t)
    result = {
        "card_to_member_panel_and_30_line_reprice_painted": summary(card_times),
        "barcode_to_new_line_painted_30_line_basket": summary(scan_times),
        "burst_20_scans_10ms_apart": burst_result,
        "member_search_ms": [round(x * 1000, 1) for x in search_times],
        "rss_mb": {"qt_started": rss_before, "window_ready": rss_ready, "after_runs": rss_mb(),
                   "peak": peak_rss_mb()},
    }
    ctx.background.wait(10_000)
    window.close()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=100_000)
    ap.add_argument("--products", type=int, default=None, help="default: 30%% of --members")
    ap.add_argument("--sales", type=int, default=None, help="past sales; default: 2 x --members")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--cold-starts", type=int, default=3)
    ap.add_argument("--reuse", action="store_true", help="measure an existing store again")
    args = ap.parse_args(argv)
    use_file_keyring_unless_configured(Path("benchmarks/results"))
    members = args.members
    products = args.products or max(members * 3 // 10, 100)
    sales = args.sales if args.sales is not None else members * 2
    data_dir = Path(args.data_dir or f"benchmarks/results/ui-{members}")
    from db.store import DB_FILE
    build_s = None
    if not (args.reuse and (data_dir / DB_FILE).exists()):
        from benchmarks.store import build
        data_dir.mkdir(parents=True, exist_ok=True)
        for f in data_dir.iterdir():
            if f.is_file():
                f.unlink()
        t = time.perf_counter()
        build(data_dir, members, products, sales, 42)
        build_s = round(time.perf_counter() - t, 1)
    cold = cold_start(data_dir, args.cold_starts)
    login = first_login(data_dir, args.cold_starts)
    result = {"members": members, "products": products, "past_sales": sales,
              "build_s": build_s,
              "db_mb": round((data_dir / DB_FILE).stat().st_size / 2**20, 1),
              "cold_start_to_login_screen": cold,
              "first_login": login,
              **measure(data_dir, members, products, args.rounds)}
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
