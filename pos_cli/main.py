"""The `pos` command: init, import, quote, report, expire, backup, restore, sync, run (the cashier
app). Its till comes from the composition root (wiring/)."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime
from pathlib import Path

from pos_app.bootstrap import Services
from pos_app.domain.errors import (
    CardNotUsable,
    ImportRejected,
    InvalidQuantity,
    NotFound,
    PosError,
    UnknownCard,
    UnknownProduct,
    ValidationFailed,
)
from pos_app.domain.shop import ShopInfo, TillInfo
from pos_app.ports.clock import Clock, FixedClock, SystemClock
from pos_app.settings import Settings, resolve_data_dir, save_settings
from wiring import RestoreFailed, backup_till, open_till, pin_hasher, restore_till

log = logging.getLogger("pos")


def open_services(data_dir: Path, clock: Clock | None = None, fast_hash: bool = False
                  ) -> tuple[Services, Settings]:
    """The core services with every real adapter (the composition root, wiring/)."""
    till = open_till(data_dir, clock, fast_hash)
    return till.services, till.settings


def cmd_init(args: argparse.Namespace) -> int:
    from pos_app.demo import DEMO_USERS, demo_members_csv, demo_products_csv
    from pos_app.services.setup import initialise

    data_dir = resolve_data_dir(args.data_dir)
    services, settings = open_services(data_dir)
    if not (data_dir / "till.toml").exists():
        save_settings(data_dir, settings)
    s = settings.shop
    users = DEMO_USERS if args.demo else ((args.admin_user, "Administrator", "admin",
                                           args.admin_pin),)
    initialise(services.uow, services.clock, services.ids, pin_hasher(),
               ShopInfo(s.shop_code, s.shop_name, s.address, s.phone, s.receipt_footer),
               TillInfo(s.till_code), users)
    if args.demo:
        p = services.imports.import_as_system("products", demo_products_csv())
        m = services.imports.import_as_system("members", demo_members_csv())
        print(f"demo data: {p[0]} products, {m[0]} members added")
    print(f"database ready in {data_dir}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    services, _ = open_services(data_dir)
    data = Path(args.file).read_bytes()
    try:
        # The command line is the shop's own administrator at the machine.
        created, other = services.imports.import_as_system(args.kind, data)
    except ImportRejected as exc:
        print(f"refused: {len(exc.problems)} bad row(s); nothing was imported", file=sys.stderr)
        for line, reason in exc.problems:
            print(f"  line {line}: {reason}", file=sys.stderr)
        return 2
    word = "updated" if args.kind == "products" else "already present"
    print(f"{args.kind}: {created} added, {other} {word}")
    return 0


def parse_item(text: str) -> tuple[str, int]:
    """'6901234567890x3' -> (code, 3)."""
    code, sep, qty = text.rpartition("x")
    if sep and code and qty.isdigit():
        return code, int(qty)
    return text, 1


def cmd_quote(args: argparse.Namespace) -> int:
    from pos_app.domain.codec import to_jsonable

    data_dir = resolve_data_dir(args.data_dir)
    at = datetime.fromisoformat(args.at) if args.at else None
    clock: Clock = FixedClock(at) if at else SystemClock()
    services, _ = open_services(data_dir, clock)
    try:
        session = services.selling.new_session()
        if args.card:
            session.attach_card(args.card)
        for item in args.items:
            code, qty = parse_item(item)
            session.add_product(services.selling.get_product(code), qty)
        view = session.view()
    except UnknownProduct as exc:
        print(f"unknown item: {exc.code}", file=sys.stderr)
        return 3
    except UnknownCard as exc:
        print(f"unknown card: {exc.card_no}", file=sys.stderr)
        return 3
    except CardNotUsable as exc:
        since = f" since {exc.since}" if exc.since else ""
        print(f"card {exc.card_no} is {exc.status}{since}: no member price", file=sys.stderr)
        return 4
    except InvalidQuantity as exc:
        print(f"invalid quantity: {exc.qty}", file=sys.stderr)
        return 2
    result = {
        "total": view.total_fen, "subtotal": view.basket.subtotal_fen,
        "discount": view.basket.discount_fen, "points": view.points.total,
        "bonus_points": view.points.bonus, "rule_version": view.rule_version,
        "member": ({"card_no": view.member.card.card_no, "tier": view.member.account.tier_code}
                   if view.member else None),
        "lines": [{"line_no": ln.line_no, "sku": ln.sku, "name": ln.name, "qty": ln.qty,
                   "unit_price": ln.unit_price_fen, "gross": ln.gross_fen,
                   "amount": ln.amount_fen, "reasons": to_jsonable(ln.reasons)}
                  for ln in view.lines],
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        from pos_app.domain.money import format_yuan
        for ln in view.lines:
            print(f"{ln.sku:<16} {ln.name:<20} {ln.qty:>4} x {format_yuan(ln.unit_price_fen):>10}"
                  f" = {format_yuan(ln.amount_fen):>10}")
        print(f"total {format_yuan(view.total_fen)}  points {view.points.total}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from datetime import date

    from pos_app.domain.money import format_yuan

    services, _ = open_services(resolve_data_dir(args.data_dir))
    assert services.reports is not None
    today = services.clock.now().date()
    start = date.fromisoformat(args.start) if args.start else today
    end = date.fromisoformat(args.end) if args.end else start
    headers: list[str]
    rows: list[list[str | int | None]]
    money: tuple[int, ...] = ()
    if args.report == "sales":
        headers = [args.by, "count", "qty", "amount"]
        rows = [[r.key, r.count, r.qty, r.amount_fen] for r in services.reports.sales(args.by, start, end)]
        money = (3,)
    elif args.report == "members":
        a = services.reports.members(start, end)
        headers = ["figure", "value"]
        rows = [["members", a.members], ["active members", a.active_members],
                ["new members", a.new_members], ["sales", a.sales_count],
                ["member sales", a.member_sales_count], ["revenue", a.revenue_fen],
                ["member revenue", a.member_revenue_fen],
                ["member average ticket", a.member_avg_ticket_fen],
                ["non-member average ticket", a.non_member_avg_ticket_fen],
                ["member share of sales (bp)", a.member_share_of_sales_bp],
                ["member share of revenue (bp)", a.member_share_of_revenue_bp],
                ["points liability", a.points_liability],
                ["stored value liability", a.stored_value_liability_fen]]
    else:
        headers = ["reminder", "name", "mobile", "detail", "consent"]
        rows = [[r.kind, r.name, r.mobile, r.detail, "yes" if r.consent else "no"]
                for r in services.reports.reminders(days=args.days)]
        if services.expiry is not None:
            # 积分有效期: members whose points lapse within the rule set's notice (30 days)
            rows += [["points_expiring", x.name, x.mobile,
                      f"{x.points} points after {x.last_day.isoformat()}", ""]
                     for x in services.expiry.expiring()]
    if args.xlsx:
        from receipts.spreadsheet import render_xlsx
        Path(args.xlsx).write_bytes(render_xlsx(args.report, headers, rows, money))
        print(f"{len(rows)} rows written to {args.xlsx}")
        return 0
    print("\t".join(headers))
    for row in rows:
        print("\t".join(format_yuan(v) if i in money and isinstance(v, int) else str(v)
                        for i, v in enumerate(row)))
    return 0


def cmd_expire(args: argparse.Namespace) -> int:
    """The daily job: points past their last day and coupons past their window expire."""
    from datetime import date
    services, _ = open_services(resolve_data_dir(args.data_dir))
    assert services.expiry is not None
    day = date.fromisoformat(args.day) if args.day else None
    run = services.expiry.run(day)
    print(f"{run.points} points of {run.members} members and {run.coupons} coupons expired")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    escrow = backup_till(data_dir, Path(args.target))
    print(f"backup written to {args.target} and checked")
    if escrow is not None:
        print(f"its key is also wrapped for head office in {escrow.name}: keep it with the "
              f"backup (a new PC restores with head office's help: pos-hq escrow unwrap)")
    else:
        print("head office's escrow key is not here yet (sync first): this backup restores "
              "with this till's key only")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    data_dir = resolve_data_dir(args.data_dir)
    try:
        key = None
        if args.key_stdin:
            try:
                key = bytes.fromhex(sys.stdin.readline().strip())
            except ValueError:
                raise RestoreFailed("the key on standard input is not hex") from None
        r = restore_till(data_dir, Path(args.source), datetime.now(), backup_key=key)
    except RestoreFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kept = f"; the replaced database is kept as {r.kept_as.name}" if r.kept_as else ""
    print(f"restored {args.source}: sync epoch {r.epoch}, {r.unsent} event(s) to send "
          f"again (head office keeps what it already has){kept}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from ui.main import main as run_app
    return run_app(resolve_data_dir(args.data_dir))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pos", description="Membership-card point of sale")
    p.add_argument("--data-dir", help="where the till keeps its database and settings "
                                      "(default: POS_DATA_DIR or the user data dir)")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command")
    init = sub.add_parser("init", help="create or upgrade the database")
    init.add_argument("--demo", action="store_true", help="add the demo shop's data")
    init.add_argument("--admin-user", default="admin")
    init.add_argument("--admin-pin", default="9999")
    init.set_defaults(func=cmd_init)
    imp = sub.add_parser("import", help="import products or members from CSV (UTF-8 or GBK)")
    imp.add_argument("kind", choices=("products", "members"))
    imp.add_argument("file")
    imp.set_defaults(func=cmd_import)
    q = sub.add_parser("quote", help="price a basket without recording anything")
    q.add_argument("--card")
    q.add_argument("--at", help="ISO date-time to price at (promotions, birthdays)")
    q.add_argument("--json", action="store_true")
    q.add_argument("items", nargs="+", help="SKU or barcode, optionally xQTY")
    q.set_defaults(func=cmd_quote)
    rp = sub.add_parser("report", help="sales, member analysis or reminders (Excel with --xlsx)")
    rp.add_argument("report", choices=("sales", "members", "reminders"))
    rp.add_argument("--by", default="day", help="sales by day, hour, cashier, tender, category "
                                                 "or product")
    rp.add_argument("--from", dest="start", help="first day (ISO date, default today)")
    rp.add_argument("--to", dest="end", help="last day (default: the first day)")
    rp.add_argument("--days", type=int, default=7, help="reminders: days ahead for birthdays")
    rp.add_argument("--xlsx", help="write an Excel file instead of printing")
    rp.set_defaults(func=cmd_report)
    ex = sub.add_parser("expire", help="daily job: expire points and coupons (run it daily; "
                                       "running it again changes nothing)")
    ex.add_argument("--day", help="the day to run for (ISO date, default today)")
    ex.set_defaults(func=cmd_expire)
    b = sub.add_parser("backup", help="online backup of the database to a file")
    b.add_argument("target")
    b.set_defaults(func=cmd_backup)
    rs = sub.add_parser("restore", help="restore the database from a `pos backup` file "
                                        "(stop the cashier app first)")
    rs.add_argument("source")
    rs.add_argument("--key-stdin", action="store_true",
                    help="read the backup's key (hex) from standard input: on a new PC, the "
                         "key head office released with pos-hq escrow unwrap")
    rs.set_defaults(func=cmd_restore)
    from pos_cli.sync import register as register_sync
    register_sync(sub)
    r = sub.add_parser("run", help="start the cashier app (the default)")
    r.set_defaults(func=cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    func = getattr(args, "func", cmd_run)
    try:
        return int(func(args))
    except (ValidationFailed, NotFound) as exc:
        print(f"error: {exc.__class__.__name__}: {', '.join(map(str, exc.args))}", file=sys.stderr)
        return 2
    except PosError as exc:
        print(f"error: {exc.__class__.__name__}: {', '.join(map(str, exc.args))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
