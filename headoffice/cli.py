"""`pos-hq`: serve the head-office API and administer shops, tills and settlements.

The database is --db, else POS_HQ_DB, else an embedded SQLite file in the user data dir,
so `pos-hq serve` runs with no setup."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from headoffice.db import create_ho_engine
from headoffice.errors import BadPeriod, HeadOfficeError
from headoffice.migrate import upgrade
from headoffice.service import HeadOffice

log = logging.getLogger("headoffice")


def database_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    env = os.environ.get("POS_HQ_DB")
    if env:
        return env
    from platformdirs import user_data_dir
    folder = Path(user_data_dir("membership-pos-hq", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'headoffice.sqlite3'}"


def open_headoffice(url: str, pool_size: int = 8, lock_timeout_ms: int | None = None
                    ) -> HeadOffice:
    engine = create_ho_engine(url, pool_size=pool_size, lock_timeout_ms=lock_timeout_ms)
    upgrade(engine)
    return HeadOffice(engine)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from headoffice.app import create_app
    from headoffice.member_site.wiring import build_member_site, publish_member_site
    from headoffice.signing import HeadOfficeSigner
    url = database_url(args.db)
    ho = open_headoffice(url, lock_timeout_ms=args.lock_timeout_ms)
    key_path = start_signing(ho, args.signing_key)
    from headoffice.escrow import publish as publish_escrow
    publish_escrow(ho)              # tills wrap their backups' key for it (settings feed)
    site = build_member_site(ho, HeadOfficeSigner.load_or_create(key_path))
    publish_member_site(ho, site)
    if args.max_body:
        os.environ["POS_HQ_MAX_BODY"] = str(args.max_body)
    if args.workers > 1:
        ho.engine.dispose()
        os.environ["POS_HQ_DB"] = url
        os.environ["POS_HQ_SIGNING_KEY"] = str(key_path)
        os.environ["POS_HQ_LOCK_TIMEOUT_MS"] = str(args.lock_timeout_ms)
        uvicorn.run("headoffice.asgi:app_from_env", factory=True, host=args.host,
                    port=args.port, workers=args.workers, log_level="warning")
        return 0
    uvicorn.run(create_app(ho, site), host=args.host, port=args.port, log_level="warning")
    return 0


def start_signing(ho: HeadOffice, explicit: str | None) -> Path:
    """Load (or make, the first time) head office's signing key and publish its public half."""
    from headoffice.signing import HeadOfficeSigner, default_key_path, publish
    path = default_key_path(explicit)
    publish(ho, HeadOfficeSigner.load_or_create(path))
    return path


def cmd_signing(args: argparse.Namespace) -> int:
    from headoffice.signing import published_keys, rotate
    ho = open_headoffice(database_url(args.db))
    if args.action == "rotate":
        signer = rotate(ho, args.signing_key)
        print(f"new signing key {signer.kid} published; earlier keys retired now")
    else:
        start_signing(ho, args.signing_key)
    keys = published_keys(ho).to_document()
    print(json.dumps(keys, indent=1))
    return 0


def cmd_messages(args: argparse.Namespace) -> int:
    from datetime import date

    from headoffice.member_site.messaging import recent_log
    from headoffice.member_site.reminders import send_reminders
    from headoffice.member_site.wiring import build_member_site
    from headoffice.signing import HeadOfficeSigner
    ho = open_headoffice(database_url(args.db))
    if args.action == "log":
        with ho.sessions() as s:
            print(json.dumps(recent_log(s, args.limit, args.member), ensure_ascii=False,
                             indent=1))
        return 0
    site = build_member_site(ho, HeadOfficeSigner.load_or_create(args.signing_key))
    day = date.fromisoformat(args.date) if args.date else date.today()
    print(json.dumps(send_reminders(ho, site.messaging, day), ensure_ascii=False, indent=1))
    return 0


def cmd_member_code(args: argparse.Namespace) -> int:
    from pos_app.domain.member_code import SETTINGS_DOCUMENT, MemberCodeRules
    ho = open_headoffice(database_url(args.db))
    with ho.sessions() as s:
        from headoffice.models import DocumentRow
        row = s.get(DocumentRow, SETTINGS_DOCUMENT)
        current = json.loads(row.body) if row else {}
    rules = MemberCodeRules.from_document(current)
    body = {"step_s": args.step if args.step is not None else rules.step_s,
            "skew_s": args.skew if args.skew is not None else rules.skew_s}
    try:
        MemberCodeRules.from_document(body)
    except ValueError:
        print("step must be 30-60 seconds and skew 0-600 seconds", file=sys.stderr)
        return 2
    if args.step is not None or args.skew is not None:
        ho.put_document(*SETTINGS_DOCUMENT, body)
    print(json.dumps(body))
    return 0


def cmd_shop_add(args: argparse.Namespace) -> int:
    open_headoffice(database_url(args.db)).add_shop(args.code, args.name)
    print(f"shop {args.code} added")
    return 0


def cmd_till_add(args: argparse.Namespace) -> int:
    """A new till, or a new enrolment code for a revoked (or never enrolled) one: same till,
    same history, a new key when it enrols."""
    code = open_headoffice(database_url(args.db)).add_till(args.shop, args.till)
    print(f"enrolment code for {args.shop}/{args.till} (valid 7 days, once): {code}")
    return 0


def cmd_till_revoke(args: argparse.Namespace) -> int:
    open_headoffice(database_url(args.db)).revoke_till(args.shop, args.till)
    print(f"till {args.shop}/{args.till} revoked, with its card signing keys")
    return 0


def cmd_flags(args: argparse.Namespace) -> int:
    ho = open_headoffice(database_url(args.db))
    print(json.dumps({"flags": ho.flags(args.kind), "receivables": ho.receivables()},
                     ensure_ascii=False, indent=1))
    return 0


def cmd_daily(args: argparse.Namespace) -> int:
    """Points and coupon expiry for a day (idempotent: cron runs it daily)."""
    from datetime import date
    ho = open_headoffice(database_url(args.db))
    day = date.fromisoformat(args.day) if args.day else ho.clock().date()
    print(json.dumps(ho.run_daily_jobs(day), sort_keys=True))
    return 0


def cmd_backfill(args: argparse.Namespace) -> int:
    """Rebuild the daily figures, report figures, passes and tier history from the stored
    events (headoffice/console/backfill.py); idempotent."""
    from headoffice.console.backfill import backfill
    from headoffice.console.periods import business_day
    from datetime import date
    ho = open_headoffice(database_url(args.db))
    now = ho.clock()
    today = date.fromisoformat(args.day) if args.day else business_day(now)
    print(json.dumps(ho.transaction(lambda s: backfill(s, today, now)), sort_keys=True))
    return 0


def cmd_settle(args: argparse.Namespace) -> int:
    from headoffice.settlement import export_xlsx, settle
    ho = open_headoffice(database_url(args.db))
    doc = settle(ho, args.period)
    if args.xlsx:
        export_xlsx(doc, Path(args.xlsx))
        print(f"settlement {args.period} written to {args.xlsx}")
    else:
        print(json.dumps(doc, ensure_ascii=False, indent=1))
    return 0


def cmd_limits(args: argparse.Namespace) -> int:
    ho = open_headoffice(database_url(args.db))
    limits = ho.limits()
    for item in args.set or []:
        key, _, value = item.partition("=")
        if key not in limits or not value.isdigit():
            print(f"unknown limit or not a whole number: {item}", file=sys.stderr)
            return 2
        limits[key] = int(value)
    if args.set:
        ho.put_document("settings", "offline_limits", limits)
    print(json.dumps(limits, indent=1))
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    from headoffice.console.users import add_user_cli
    return add_user_cli(open_headoffice(database_url(args.db)), args)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pos-hq", description="Membership POS head office")
    p.add_argument("--db", help="database URL (postgresql://... or sqlite:///file); "
                                "default POS_HQ_DB or an embedded SQLite file")
    p.add_argument("--signing-key", help="head office's Ed25519 key file (made 0600 on first "
                                         "use); default POS_HQ_SIGNING_KEY or the data dir")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="run the HTTP API")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8700)
    s.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    s.add_argument("--lock-timeout-ms", type=int, default=5000,
                   help="PostgreSQL lock_timeout per statement; a push that waits longer "
                        "gets 503 and the till retries (default 5000)")
    s.add_argument("--max-body", type=int, default=0, metavar="BYTES",
                   help="largest push body accepted (default 8 MiB; other routes 64 KiB)")
    s.set_defaults(func=cmd_serve)
    shop = sub.add_parser("shop", help="shops").add_subparsers(dest="action", required=True)
    sa = shop.add_parser("add")
    sa.add_argument("code")
    sa.add_argument("name")
    sa.set_defaults(func=cmd_shop_add)
    till = sub.add_parser("till", help="tills").add_subparsers(dest="action", required=True)
    ta = till.add_parser("add", help="create a till and print its one-time enrolment code")
    ta.add_argument("shop")
    ta.add_argument("till")
    ta.set_defaults(func=cmd_till_add)
    tr = till.add_parser("revoke", help="revoke a till's key at once")
    tr.add_argument("shop")
    tr.add_argument("till")
    tr.set_defaults(func=cmd_till_revoke)
    sg = sub.add_parser("signing", help="head office's signing key (member codes, certificates)")
    sg.add_argument("action", choices=["show", "rotate"])
    sg.set_defaults(func=cmd_signing)
    mc = sub.add_parser("member-code", help="show or set the phone member code's step and "
                                             "tolerated till clock skew (pulled by every till)")
    mc.add_argument("--step", type=int, help="seconds per code, 30-60")
    mc.add_argument("--skew", type=int, help="tolerated till clock skew in seconds, 0-600")
    mc.set_defaults(func=cmd_member_code)
    ms = sub.add_parser("messages", help="SMS to members: the send log, the daily reminder run")
    ms.add_argument("action", choices=["log", "remind"])
    ms.add_argument("--limit", type=int, default=200)
    ms.add_argument("--member", help="only this member's messages (log)")
    ms.add_argument("--date", help="YYYY-MM-DD for remind (default today)")
    ms.set_defaults(func=cmd_messages)
    f = sub.add_parser("flags", help="flags and open receivables for head office")
    f.add_argument("--kind")
    f.set_defaults(func=cmd_flags)
    es = sub.add_parser("escrow", help="backup key escrow: publish the key, or release one "
                                       "till backup's data key (audited)")
    es.add_argument("action", choices=("publish", "unwrap"))
    es.add_argument("file", nargs="?", help="unwrap: the backup's .escrow file")
    es.add_argument("--till", help="unwrap: the till the backup belongs to, SHOP/TILL")
    es.add_argument("--by", default="", help="unwrap: who asks (written to the audit log)")
    es.add_argument("--escrow-key", help="head office's escrow key file (made 0600 on first "
                                         "use; default POS_HQ_ESCROW_KEY or the data dir)")
    es.set_defaults(func=cmd_escrow)
    dj = sub.add_parser("daily", help="daily jobs: points and coupon expiry (idempotent)")
    dj.add_argument("--day", help="ISO date (default today)")
    dj.set_defaults(func=cmd_daily)
    bf = sub.add_parser("backfill", help="rebuild daily and report figures, passes and tier "
                                         "history from the stored events (idempotent)")
    bf.add_argument("--day", help="the business day passes expire by (default: today)")
    bf.set_defaults(func=cmd_backfill)
    st = sub.add_parser("settle", help="the monthly stored-value settlement between shops")
    st.add_argument("period", help="YYYY-MM")
    st.add_argument("--xlsx", help="also write an Excel file")
    st.set_defaults(func=cmd_settle)
    lim = sub.add_parser("limits", help="show or set the offline spending limits")
    lim.add_argument("--set", action="append", help="name=value, e.g. card_cap_fen=30000")
    lim.set_defaults(func=cmd_limits)
    user = sub.add_parser("user", help="head-office console users").add_subparsers(
        dest="action", required=True)
    ua = user.add_parser("add", help="create a console user (the first one: --role admin)")
    ua.add_argument("username")
    ua.add_argument("--role", default="admin",
                    choices=["admin", "membership", "finance", "shop_manager"])
    ua.add_argument("--shop", help="shop code (shop managers)")
    ua.add_argument("--name", default="", help="display name")
    ua.add_argument("--totp", action="store_true", help="require a TOTP code; prints the secret")
    ua.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input instead of asking")
    ua.set_defaults(func=cmd_user_add)
    return p


def cmd_escrow(args: argparse.Namespace) -> int:
    """Publish the backup escrow key, or release one till backup's data key (audited)."""
    import json

    from headoffice.escrow import publish, release_backup_key
    from pos_app.domain.escrow import EscrowError
    ho = open_headoffice(database_url(args.db))
    if args.action == "publish":
        print(f"backup escrow key {publish(ho, args.escrow_key)} published to the tills")
        return 0
    try:
        record = json.loads(Path(args.file).read_text(encoding="utf-8"))
        key = release_backup_key(ho, record, args.till, args.by, args.escrow_key)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(key.hex())
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(args.func(args))
    except BadPeriod as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    except HeadOfficeError as exc:
        print(f"error: {exc.__class__.__name__}: {', '.join(map(str, exc.args))}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
