"""`pos sync`: enrol with head office, sync once, or keep syncing; list and resolve refused
events. The engine, its store and HTTP client come from the composition root (wiring.open_sync,
and wiring.enrolment_store for enrolling and refused events): this module only orchestrates."""
from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from pos_app.ports.clock import SystemClock
from pos_app.sync.engine import sync_status
from pos_app.sync.ports import NotEnrolled, SyncError, SyncRejected, TillCodeMismatch
from wiring import SyncWiring, enrolment_store, fetch_till_keys, keep_till_keys, open_sync

__all__ = ["SyncWiring", "certify_till", "enrol_till", "fetch_till_keys", "keep_till_keys",
           "open_sync", "register"]

log = logging.getLogger("pos.sync")


def enrol_till(data_dir: Path, url: str, code: str, transport: Any = None) -> dict[str, str]:
    """Exchange the enrolment code and keep the key in the till's settings file."""
    from pos_app.settings import load_settings, save_settings, with_section
    from pos_app.sync.http_client import enrol

    reply = enrol(url, code, transport=transport)
    settings = load_settings(data_dir)
    shop_code, till_code = str(reply["shop_code"]), str(reply["till_code"])
    local = _site_codes(data_dir) or (settings.shop.shop_code, settings.shop.till_code)
    if {local, (settings.shop.shop_code, settings.shop.till_code)} != {(shop_code, till_code)}:
        # Head office issued the code for another till: its receipt numbers would carry a
        # code head office books under another till. A till that has not sold yet takes
        # the assigned codes over; one that has is refused (before its key is kept).
        _take_over_codes(data_dir, shop_code, till_code)
        settings = with_section(settings, "shop", shop_code=shop_code, till_code=till_code)
        if local != (shop_code, till_code):
            reply = {**reply, "taken_over_from": "/".join(local)}
    settings = with_section(settings, "sync", headoffice_url=url, api_key=reply["api_key"])
    save_settings(data_dir, settings)
    _enter_epoch(data_dir, int(reply.get("epoch") or 1))
    certify_till(data_dir, transport=transport)
    return reply


def _site_codes(data_dir: Path) -> tuple[str, str] | None:
    """(shop code, till code) of the till's database, None before `pos init`."""
    with enrolment_store(data_dir) as store:
        return store.site_codes()


def _take_over_codes(data_dir: Path, shop_code: str, till_code: str) -> None:
    """Give the till's database the shop and till codes head office assigned, or raise
    TillCodeMismatch if the till has sold or numbered documents under its own code."""
    with enrolment_store(data_dir) as store:
        if store.take_over_codes(shop_code, till_code):
            log.info("till takes over the codes head office assigned: %s/%s",
                     shop_code, till_code)


def certify_till(data_dir: Path, transport: Any = None) -> str:
    """Make this till's IC-card signing key pair (kept in the credential store) and have head
    office certify it; the key id. A new enrolment always makes a new key."""
    import json

    from pos_app.domain.till_keys import TillCertificate, TillSigner
    from pos_app.secrets import TILL_CERTIFICATE, TILL_SIGNING_KEY, open_secret_store
    from pos_app.settings import load_settings
    from pos_app.sync.http_client import HttpHeadOfficeClient

    settings = load_settings(data_dir)
    signer = TillSigner.generate()
    client = HttpHeadOfficeClient(settings.sync.headoffice_url, settings.sync.api_key,
                                  transport=transport)
    try:
        reply = client.certify_key(signer.public_key)
    finally:
        client.close()
    cert = TillCertificate.from_json(reply["certificate"])
    if cert.kid != signer.kid:
        raise SyncError("head office certified another key")
    store = open_secret_store(data_dir)
    store.set(TILL_SIGNING_KEY, signer.private_bytes().hex())
    store.set(TILL_CERTIFICATE, json.dumps(cert.to_json()))
    keep_till_keys(data_dir, reply)
    log.info("till signing key %s certified by head office", cert.kid)
    return cert.kid


def _enter_epoch(data_dir: Path, epoch: int) -> None:
    """Enrolment is a new incarnation: events written from now on are numbered in the epoch
    head office issued, so a re-enrolled or replaced database never reuses a number."""
    from datetime import datetime

    with enrolment_store(data_dir) as store:
        if epoch > store.state().epoch:
            store.start_epoch("enrolled", datetime.now(), epoch)


def cmd_sync(args: argparse.Namespace) -> int:
    from pos_app.settings import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    if args.refused or args.resolve:
        return _refused(data_dir, args.resolve)
    if args.enrol:
        if not args.url:
            print("error: --enrol needs --url of head office", file=sys.stderr)
            return 2
        try:
            reply = enrol_till(data_dir, args.url, args.enrol)
        except NotEnrolled:
            print("error: head office refused the enrolment code (unknown, used or expired)",
                  file=sys.stderr)
            return 2
        except TillCodeMismatch as exc:
            print(f"error: head office issued this code for till {exc.assigned}, but this "
                  f"till is {exc.local} and has sold under that code already; nothing was "
                  f"changed. Ask head office for a code for {exc.local} "
                  f"(pos-hq till add {exc.local.replace('/', ' ')}) and enrol with it",
                  file=sys.stderr)
            return 2
        except SyncError as exc:
            print(f"error: head office not reachable: {exc}", file=sys.stderr)
            return 3
        print(f"enrolled as {reply['shop_code']}/{reply['till_code']}")
        if reply.get("taken_over_from"):
            print(f"this till was {reply['taken_over_from']} and has sold nothing yet: it "
                  f"takes over the code head office assigned, "
                  f"{reply['shop_code']}/{reply['till_code']}")
        if not args.once:
            return 0
    try:
        wiring = open_sync(data_dir)
    except NotEnrolled:
        print("error: this till is not enrolled: pos sync --enrol CODE --url URL",
              file=sys.stderr)
        return 2
    try:
        if args.once:
            try:
                report = wiring.engine.run_once()
            except SyncError as exc:
                status = sync_status(wiring.store, SystemClock(), wiring.offline_warn_hours)
                print(f"sync failed: {status.last_error or exc.__class__.__name__}; "
                      f"{status.backlog} event(s) waiting", file=sys.stderr)
                return 3
            pulled = ", ".join(f"{k} {v}" for k, v in report.pulled.items() if v)
            print(f"pushed {report.pushed} (acked to {report.acked_seq}); "
                  f"pulled {pulled or 'nothing new'}")
            return 0
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            wiring.engine.run(stop, interval_s=wiring.interval_s)
        except KeyboardInterrupt:
            stop.set()
        return 0
    finally:
        wiring.close()


def _refused(data_dir: Path, resolve: str | None) -> int:
    """List events head office refused (with the reason), or mark one resolved."""
    from datetime import datetime

    with enrolment_store(data_dir) as store:
        if resolve:
            if not store.resolve_refused(resolve, datetime.now()):
                print(f"error: no unresolved refused event {resolve}", file=sys.stderr)
                return 2
            print(f"event {resolve} marked resolved")
            return 0
        rows = store.refused_events()
    for r in rows:
        print(f"{r['id']}\tseq {r['device_seq']}\t{r['kind']}\t"
              f"{r['created_at']:%Y-%m-%d %H:%M}\t{r['reason']}\t{r['detail']}")
    print(f"{len(rows)} refused event(s) waiting for a person "
          f"(pos sync --resolve ID once dealt with)")
    return 0


RENEW_WITHIN_DAYS = 60


def certify_or_renew(data_dir: Path, today: Any, renew_within_days: int = RENEW_WITHIN_DAYS,
                     force: bool = False, transport: Any = None) -> tuple[str, str, Any]:
    """`pos certify`: an enrolled till without a certified card-signing key (enrolled before
    head office certified till keys) gets one; a certificate ending within
    `renew_within_days` of `today` (or any, with `force`) is renewed with a new key pair.
    The old certificate stays published: cards it signed while valid stay genuine.
    Returns (what happened: "certified" | "renewed" | "valid", key id, valid until)."""
    from pos_app.secrets import open_secret_store
    from pos_app.settings import load_settings
    from pos_app.till_identity import load_till_signer

    settings = load_settings(data_dir)
    if not settings.sync.headoffice_url or not settings.sync.api_key:
        raise NotEnrolled()
    current = load_till_signer(open_secret_store(data_dir))
    if current is not None and current.certificate is not None and not force and \
            (current.certificate.not_after - today).days > renew_within_days:
        return "valid", current.kid, current.certificate.not_after
    kid = certify_till(data_dir, transport=transport)
    signer = load_till_signer(open_secret_store(data_dir))
    assert signer is not None and signer.certificate is not None
    return ("certified" if current is None else "renewed"), kid, signer.certificate.not_after


def cmd_certify(args: argparse.Namespace) -> int:
    from datetime import date

    from pos_app.settings import resolve_data_dir

    data_dir = resolve_data_dir(args.data_dir)
    try:
        what, kid, until = certify_or_renew(data_dir, date.today(), args.renew_within_days,
                                            args.force)
    except NotEnrolled:
        print("error: this till is not enrolled (or head office revoked it): "
              "pos sync --enrol CODE --url URL", file=sys.stderr)
        return 2
    except SyncRejected as exc:
        print(f"error: head office refused to certify this till's key: {exc.detail}",
              file=sys.stderr)
        return 2
    except SyncError as exc:
        print(f"error: head office not reachable: {exc}", file=sys.stderr)
        return 3
    if what == "valid":
        print(f"card-signing key {kid} is certified until {until}; nothing to renew yet "
              f"(renewal starts {args.renew_within_days} days before)")
    else:
        print(f"card-signing key {kid} {what} by head office, valid until {until}")
    return 0


def register(subparsers: Any) -> None:
    """Add `pos sync` and `pos certify` to the `pos` command line (pos_cli/main.py)."""
    c = subparsers.add_parser("certify", help="have head office certify (or renew) this "
                                              "till's IC card-signing key")
    c.add_argument("--renew-within-days", type=int, default=RENEW_WITHIN_DAYS,
                   help="renew when the certificate ends within this many days (default 60)")
    c.add_argument("--force", action="store_true", help="renew now whatever the expiry")
    c.set_defaults(func=cmd_certify)
    p = subparsers.add_parser("sync", help="sync with head office (push sales, pull members)")
    p.add_argument("--once", action="store_true", help="one push/pull cycle, then exit")
    p.add_argument("--enrol", metavar="CODE", help="enrol this till with a one-time code")
    p.add_argument("--url", help="head office URL, with --enrol")
    p.add_argument("--refused", action="store_true",
                   help="list events head office refused, with the reason")
    p.add_argument("--resolve", metavar="EVENT_ID",
                   help="mark a refused event as dealt with by a person")
    p.set_defaults(func=cmd_sync)
