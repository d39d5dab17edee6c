"""The one composition root: the real adapters put around the core.

`open_till` builds everything a till runs on — every use-case service over the SQLite store
and argon2, the reports' read-only queries, the IC card service when the till holds a sector
key, and, when the till is enrolled, the head-office link (HTTP client, sync store, engine)
with the tested background sync worker (pos_app/sync/worker.py). The cashier app
(ui/main.py), the `pos` command (pos_cli/) and the benchmarks all open a till here, so the
wiring exists once. `open_sync` is the head-office link alone, on its own connection, for
`pos sync` and the sync rigs.

This package is outside the core on purpose: it is the one place that imports db/ (and the
HTTP client) to hand them to pos_app, whose import-linter contract forbids both.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pos_app.bootstrap import Services, build_services
from pos_app.domain.ids import UuidV7Source
from pos_app.ports.clock import Clock, SystemClock
from pos_app.ports.store import PinHasher
from pos_app.services.ic_cards import CardCodec, IcCardService
from pos_app.settings import Settings, load_settings
from pos_app.sync.engine import SyncEngine, sync_status
from pos_app.sync.ports import EnrolmentStore, NotEnrolled, SyncError
from pos_app.sync.worker import SyncWorker

log = logging.getLogger(__name__)


@dataclass
class HeadOfficeLink:
    """The sync pieces of an enrolled till: the engine, its store and HTTP client, and the
    worker thread that runs the engine in the background (`worker.wake()` syncs now)."""

    engine: SyncEngine
    store: Any           # db.sync_store.SqlSyncStore
    client: Any          # pos_app.sync.http_client.HttpHeadOfficeClient
    clock: Clock
    interval_s: int
    offline_warn_hours: int
    worker: SyncWorker = field(init=False)
    # True when the link opened its own database engine (open_sync) and must dispose of it.
    owns_engine: bool = False

    def __post_init__(self) -> None:
        self.worker = SyncWorker(self.engine, interval_s=self.interval_s)

    def state(self) -> tuple[str, int]:
        """('online' | 'offline' | 'offline_too_long' | 'clock_behind', events waiting) or
        ('refused', events head office refused) for the status bar."""
        st = sync_status(self.store, self.clock, self.offline_warn_hours)
        if st.refused:            # a person must look: pos sync --refused lists them
            return "refused", st.refused
        if st.clock_behind:
            return "clock_behind", st.backlog
        if st.offline_too_long:
            return "offline_too_long", st.backlog
        return ("online" if st.online else "offline"), st.backlog

    def close(self) -> None:
        """Stop the worker (if it runs), close the HTTP client, release an own engine."""
        self.worker.stop(5.0)
        self.client.close()
        if self.owns_engine:
            self.store.engine.dispose()


# The name `pos sync`, the tests and the benchmarks know the link by.
SyncWiring = HeadOfficeLink


@dataclass
class Till:
    """A till opened with every real adapter."""

    data_dir: Path
    services: Services
    settings: Settings
    headoffice: HeadOfficeLink | None
    # The IC member-card service; None when the till holds no Mifare sector key.
    ic_cards: IcCardService | None = None

    def close(self) -> None:
        if self.headoffice is not None:
            self.headoffice.close()


def _client(settings: Settings, transport: Any = None) -> Any:
    from pos_app.sync.http_client import HttpHeadOfficeClient
    return HttpHeadOfficeClient(settings.sync.headoffice_url, settings.sync.api_key,
                                transport=transport)


def open_till(data_dir: Path, clock: Clock | None = None, fast_hash: bool = False,
              transport: Any = None) -> Till:
    """Open (and migrate) the till in `data_dir` with every real adapter wired."""
    from db.member_code_store import SqlMemberCodeStore
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
        from pos_app.sync.member_codes import HeadOfficeNumericCodes

        store = SqlSyncStore(uow.engine, ids)
        client = _client(settings, transport)
        link = HeadOfficeLink(SyncEngine(store, client, clock), store, client, clock,
                              settings.sync.interval_s, settings.sync.offline_warn_hours)
        authoriser = HeadOfficeSpendAuthoriser(client, store, clock)
        numeric = HeadOfficeNumericCodes(client)
    services = build_services(uow, clock, ids, Argon2PinHasher(fast=fast_hash),
                              SqlReportQueriesFactory(data_dir / DB_FILE), authoriser=authoriser,
                              member_codes=SqlMemberCodeStore(uow.engine),
                              numeric_codes=numeric)
    return Till(data_dir, services, settings, link, ic_card_service(data_dir, services, settings))


def ic_card_service(data_dir: Path, services: Services,
                    settings: Settings) -> IcCardService | None:
    """The IC member-card service when the till holds a sector key (else a tap only reads the
    UID). The chain master key only checks (and, on a till not yet certified, writes) v1
    cards during the migration window; certified tills sign v2 with their own key."""
    sec = settings.security
    if not sec.mifare_sector_key:
        return None
    v1_key = bytes.fromhex(sec.card_master_key) if sec.card_master_key else None
    return IcCardService(services.uow, services.clock, services.ids, services.cards,
                         services.selling, card_codec(data_dir, services, v1_key))


def card_codec(data_dir: Path, services: Services, v1_key: bytes | None) -> CardCodec:
    """How this till signs and checks IC member records: its certified key (if enrolled) and
    the certificates pulled from head office; the v1 key only during the migration window."""
    from db.till_key_store import SqlIssuerStore
    from pos_app.secrets import SecretStoreUnavailable, open_secret_store
    from pos_app.till_identity import load_till_signer
    try:
        signer = load_till_signer(open_secret_store(data_dir))
    except SecretStoreUnavailable as exc:
        log.warning("no credential store, so no till signing key: %s", exc.reason)
        signer = None
    store = SqlIssuerStore(services.uow.engine, v1_key)  # type: ignore[attr-defined]
    return CardCodec(store.verifier, signer=signer, v1_key=v1_key)


def _sync_store(data_dir: Path) -> Any:
    """The sync store over a new engine on the till's database (upgraded)."""
    from db.engine import create_sqlite_engine
    from db.migrate import upgrade
    from db.store import DB_FILE, ensure_encrypted
    from db.sync_store import SqlSyncStore

    engine = create_sqlite_engine(data_dir / DB_FILE, key=ensure_encrypted(data_dir))
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return SqlSyncStore(engine, UuidV7Source())


@contextmanager
def enrolment_store(data_dir: Path) -> Iterator[EnrolmentStore]:
    """The till's store for enrolling and for refused events (`pos sync`), on its own engine,
    closed on leaving; works before enrolment."""
    store = _sync_store(data_dir)
    try:
        yield store
    finally:
        store.engine.dispose()


def open_sync(data_dir: Path, clock: Clock | None = None, transport: Any = None,
              push_batch: int | None = None) -> HeadOfficeLink:
    """The head-office link of the till in `data_dir` on its own database engine (`pos sync`
    runs without the services); raises NotEnrolled when the till is not enrolled."""
    settings = load_settings(data_dir)
    if not settings.sync.headoffice_url or not settings.sync.api_key:
        raise NotEnrolled()
    store = _sync_store(data_dir)
    client = _client(settings, transport)
    fetch_till_keys(data_dir, client)
    clock = clock or SystemClock()
    kwargs = {"push_batch": push_batch} if push_batch else {}
    return HeadOfficeLink(SyncEngine(store, client, clock, **kwargs), store, client, clock,
                          settings.sync.interval_s, settings.sync.offline_warn_hours,
                          owns_engine=True)


def keep_till_keys(data_dir: Path, reply: dict[str, Any]) -> None:
    """Keep the chain keys head office handed over (the mobile lookup key) in the
    credential store; the store's cached keys are read again."""
    from db.store import mobile_keys_for
    from pos_app.mobile_keys import keep_chain_key
    from pos_app.secrets import open_secret_store

    if reply.get("mobile_lookup_key"):
        store = open_secret_store(data_dir)
        if keep_chain_key(store, str(reply["mobile_lookup_key"])):
            log.info("kept the chain's mobile lookup key from head office")
        # Stores already open in this process hash with it from now on.
        mobile_keys_for(data_dir, store).prefer(bytes.fromhex(str(reply["mobile_lookup_key"])))


def fetch_till_keys(data_dir: Path, client: Any) -> None:
    """A till enrolled before head office issued the mobile lookup key asks for it (best
    effort: offline, it asks at the next sync)."""
    from pos_app.secrets import MOBILE_LOOKUP_KEY, open_secret_store

    if open_secret_store(data_dir).get(MOBILE_LOOKUP_KEY):
        return
    try:
        keep_till_keys(data_dir, client.till_keys(timeout_s=5.0))
    except (SyncError, NotEnrolled, OSError) as exc:
        log.info("mobile lookup key not fetched yet (%s)", type(exc).__name__)


# -- the store's own commands (pos init, pos backup, pos restore) ---------------------------
def pin_hasher(fast: bool = False) -> PinHasher:
    """The PIN hasher the till stores users' and members' PINs with (argon2id)."""
    from db.pin_hasher import Argon2PinHasher
    return Argon2PinHasher(fast=fast)


def backup_till(data_dir: Path, target: Path) -> Path | None:
    """`pos backup`: a checked, encrypted copy of the store at `target`; returns the file with
    its key wrapped for head office's escrow, or None while the till has no escrow key."""
    from db.store import backup
    return backup(data_dir, target)


class RestoreFailed(Exception):
    """`pos restore` refused the file, or the key it came with; the message says why."""


@dataclass(frozen=True)
class Restored:
    epoch: int
    unsent: int
    kept_as: Path | None


def restore_till(data_dir: Path, source: Path, at: datetime,
                 backup_key: bytes | None = None) -> Restored:
    """`pos restore`: put a backup in place of the store; the till continues in a new sync
    epoch and sends again what head office may not have (it keeps what it already has)."""
    from db.restore import RestoreError, restore_database
    try:
        r = restore_database(data_dir, source, UuidV7Source(), at, backup_key=backup_key)
    except RestoreError as exc:
        raise RestoreFailed(str(exc)) from None
    return Restored(r.epoch, r.unsent, r.kept_as)
