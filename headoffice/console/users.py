"""`pos-hq user add`: create a console user from the command line (the first admin)."""
from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from headoffice.console import auth


def add_user_cli(ho: Any, args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        no_terminal = ("error: no terminal to ask the password on; pass it on standard input: "
                       "echo \"$PASSWORD\" | pos-hq user add NAME --role ROLE --password-stdin")
        if not sys.stdin.isatty():
            print(no_terminal, file=sys.stderr)
            return 2
        try:
            password = getpass.getpass("password: ")
            again = getpass.getpass("again: ")
        except EOFError:
            print(no_terminal, file=sys.stderr)
            return 2
        if again != password:
            print("the two passwords differ", file=sys.stderr)
            return 2
    secret = None
    if args.totp:
        import pyotp
        secret = pyotp.random_base32()

    def work(s: Any) -> None:
        row = auth.add_user(s, ho.clock(), ho.ids.new_id(), args.username, password, args.role,
                            args.shop, args.name, secret)
        auth.audit(s, ho.clock(), None, "pos-hq", "user.added", row.username, None,
                   {"username": row.username, "role": row.role, "shop": args.shop,
                    "totp": bool(secret)})
    try:
        ho.transaction(work)
    except auth.BadUserInput as exc:
        print(f"{exc.field}: {exc.message}", file=sys.stderr)
        return 2
    print(f"user {args.username.strip().lower()} added ({args.role})")
    if secret:
        import pyotp
        print(f"TOTP secret (add it to the authenticator app now; shown once): {secret}")
        print(pyotp.TOTP(secret).provisioning_uri(args.username, issuer_name="POS head office"))
    return 0
