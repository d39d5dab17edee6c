"""The one place the real adapters are put around the core: the SQLite store, argon2, reports,
and head office when the till is enrolled. The CLI (pos_app/cli.py) and the app (ui/main.py)
both build their services here, so the wiring exists once."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pos_app.bootstrap import Services, build_services
from pos_app.domain.ids import UuidV7Source
from pos_app.ports.clock import Clock, SystemClock
from pos_app.settings import Settings, load_settings


@dataclass
class HeadOfficeLink:
    """The sync pieces of an enrolled till (None when the till is not enrolled)."""

    engine: Any          # pos_app.sync.engine.SyncEngine
    store: Any           # db.sync_store.SqlSyncStore
    client: Any          # pos_app.sync.http_client.HttpHeadOfficeClient


@dataclass
class Till:
    services: Services
    settings: Settings
    headoffice: HeadOfficeLink | None


def open_till(data_dir: Path, clock: Clock | None = None, fast_hash: bool = False) -> Till:
    """Open (and migrate) the till in `data_dir` with every real adapter wired."""
    from db.pin_hasher import Argon2PinHasher
    from db.reports import SqlReportQueriesFactory
    from db.store import DB_FILE, open_store

    settings = load_settings(data_dir)
    ids = UuidV7Source()
    uow = open_store(data_dir, ids)
    clock = clock or SystemClock()
    link: HeadOfficeLink | None = None
    authoriser = None
    numeric = None
    if settings.sync.headoffice_url and settings.sync.api_key:
        from db.sync_store import SqlSyncStore
        from pos_app.sync.authoriser import HeadOfficeSpendAuthoriser
        from pos_app.sync.engine import SyncEngine
        from pos_app.sync.http_client import HttpHeadOfficeClient

        store = SqlSyncStore(uow.engine, ids)
        client = HttpHeadOfficeClient(settings.sync.headoffice_url, settings.sync.api_key)
        link = HeadOfficeLink(SyncEngine(store, client, clock), store, client)
        authoriser = HeadOfficeSpendAuthoriser(client, store, clock)
        from pos_app.sync.member_codes import HeadOfficeNumericCodes
        numeric = HeadOfficeNumericCodes(client)
    from db.member_code_store import SqlMemberCodeStore
    services = build_services(uow, clock, ids, Argon2PinHasher(fast=fast_hash),
                              SqlReportQueriesFactory(data_dir / DB_FILE), authoriser=authoriser,
                              member_codes=SqlMemberCodeStore(uow.engine),
                              numeric_codes=numeric)
    return Till(services, settings, link)
