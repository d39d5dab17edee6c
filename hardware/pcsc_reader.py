"""PC/SC member-card reader: our own watcher thread and one-shot card operations on pyscard's scard layer.

Why not pyscard's CardMonitor (hardware-protocols.md §2.3): it dies for good on a pcscd
restart, an exception in an observer kills it silently, and it compares cards by
(reader, ATR) only, so swapping one Classic 1K for another produces no event. This watcher
loops SCardGetStatusChange with a short timeout on a context it owns, re-establishes the
context whenever the service goes away, re-lists readers every round (unplug/replug), uses
pcsc-lite's event counter (high 16 bits of dwEventState) to see fast swaps, and re-reads the
UID on every card change.

Callbacks run on the watcher thread; the UI wraps them in Qt signals. No Qt here.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from smartcard import scard

from hardware.mifare import (FACTORY_KEY, MEMBER_SECTOR_ACCESS, KeyType, MifareClassic, SectorKey,
                             data_block, first_block, record_blocks, sector_of)
from hardware.pcsc_errors import (AuthenticationFailed, BlockReadFailed, BlockWriteFailed,
                                  CardChanged, CardCommandFailed, CardRemovedDuringOperation,
                                  ChipNotOurs, IcCardError, NoCardPresent, PcscFailure,
                                  PcscUnavailable, ReaderUnavailable, UidUnavailable,
                                  WriteNotVerified)
from pos_app.domain.card_block import BLOCK_SIZE, V2_MAX_RECORD, member_record_length
from pos_app.domain.ic_card import CardProblem, CardTap, ReaderState, ReaderStatus, identify_atr

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"

# Errors that mean "the service is gone" (pcscd stopped or restarted): drop the context
# and establish a new one; pyscard's singleton context never recovers from these (#82, #27).
_SERVICE_GONE = {
    scard.SCARD_E_NO_SERVICE,
    scard.SCARD_E_SERVICE_STOPPED,
    scard.SCARD_E_INVALID_HANDLE,
    scard.SCARD_F_COMM_ERROR,
}
_SERVICE_GONE_U32 = {code & 0xFFFFFFFF for code in _SERVICE_GONE}
_NO_CARD = {scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_REMOVED_CARD, scard.SCARD_W_RESET_CARD,
            scard.SCARD_W_UNPOWERED_CARD, scard.SCARD_W_UNRESPONSIVE_CARD}
_NO_READER = {scard.SCARD_E_UNKNOWN_READER, scard.SCARD_E_READER_UNAVAILABLE}

CardPresentCallback = Callable[[CardTap], None]
CardRemovedCallback = Callable[[str], None]
ReaderStateCallback = Callable[[ReaderStatus], None]


def _u32(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


def _message(hresult: int) -> str:
    try:
        return str(scard.SCardGetErrorMessage(hresult))
    except Exception:  # noqa: BLE001 - only used to decorate an error that is already raised
        return "unknown PC/SC error"


def _raise_for(operation: str, hresult: int, reader: str | None = None) -> None:
    if hresult == scard.SCARD_S_SUCCESS:
        return
    if _u32(hresult) in _SERVICE_GONE_U32:
        raise PcscUnavailable(operation, hresult)
    if hresult in _NO_READER:
        raise ReaderUnavailable(reader)
    if hresult in _NO_CARD and reader is not None:
        if operation == "connect":
            raise NoCardPresent(reader)
        raise CardRemovedDuringOperation(reader, operation)
    raise PcscFailure(operation, hresult, _message(hresult))


@contextmanager
def pcsc_context() -> Iterator[int]:
    """A fresh PC/SC context, released on exit; PcscUnavailable if the service is not running."""
    hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    _raise_for("establish context", hresult)
    try:
        yield hcontext
    finally:
        scard.SCardReleaseContext(hcontext)


def list_readers(hcontext: int) -> list[str]:
    """Reader names now connected; empty (not an error) when there are none."""
    hresult, readers = scard.SCardListReaders(hcontext, [])
    if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
        return []
    _raise_for("list readers", hresult)
    return list(readers)


def resolve_reader(readers: list[str], wanted: str | None) -> str | None:
    """The reader a setting names: exact name, else the first whose name starts with it; None = first."""
    if wanted is None or wanted == "":
        return readers[0] if readers else None
    if wanted in readers:
        return wanted
    # Reader names end in " 00 00" (index, slot) and pcscd renumbers on replug, so settings
    # may keep only the stable prefix, e.g. "ACS ACR122U".
    return next((name for name in readers if name.startswith(wanted)), None)


class CardChannel:
    """One connected card: transmit APDUs, map transport errors to IcCardError."""

    def __init__(self, hcard: int, protocol: int, reader: str) -> None:
        self._hcard = hcard
        self._protocol = protocol
        self.reader = reader

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send one C-APDU, return (data, SW1SW2)."""
        hresult, response = scard.SCardTransmit(self._hcard, self._protocol, list(apdu))
        _raise_for("transmit", hresult, self.reader)
        if len(response) < 2:
            # vpcd hands back an empty response when the card leaves mid-APDU (ifd-vpcd.c,
            # IFDHTransmitToICC); a real reader says SCARD_W_REMOVED_CARD. Either way it is gone.
            raise CardRemovedDuringOperation(self.reader, "transmit")
        return bytes(response[:-2]), (response[-2] << 8) | response[-1]


@contextmanager
def open_card(reader: str | None, hcontext: int | None = None,
              reset_first: bool = False) -> Iterator[CardChannel]:
    """Connect to the card on a reader inside a PC/SC transaction, so no other process interleaves."""
    with _maybe_context(hcontext) as ctx:
        readers = list_readers(ctx)
        name = resolve_reader(readers, reader)
        if name is None:
            raise ReaderUnavailable(reader)
        hresult, hcard, protocol = scard.SCardConnect(
            ctx, name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)
        _raise_for("connect", hresult, name)
        try:
            if reset_first:
                # A failed Crypto1 authentication leaves a real Classic halted until the reader
                # re-activates it; a warm reset does that before we try another key.
                hresult, protocol = scard.SCardReconnect(
                    hcard, scard.SCARD_SHARE_SHARED,
                    scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1, scard.SCARD_RESET_CARD)
                _raise_for("reset", hresult, name)
            # The reader's key slots and Crypto1 session are shared state: a transaction keeps
            # another PC/SC client from authenticating between our load-key and read.
            _raise_for("begin transaction", scard.SCardBeginTransaction(hcard), name)
            try:
                yield CardChannel(hcard, protocol, name)
            finally:
                scard.SCardEndTransaction(hcard, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)


@contextmanager
def _maybe_context(hcontext: int | None) -> Iterator[int]:
    if hcontext is not None:
        yield hcontext
    else:
        with pcsc_context() as ctx:
            yield ctx


def read_uid(reader: str | None) -> bytes:
    """The UID of the card on the reader now (FF CA 00 00 00)."""
    with open_card(reader) as channel:
        return MifareClassic(channel.transmit).get_uid()


def _check_uid(session: MifareClassic, reader: str, expected_uid: bytes | None) -> None:
    if expected_uid is not None and session.get_uid() != expected_uid:
        raise CardChanged(reader)


def _count_updates(session: MifareClassic) -> list[int]:
    """Wrap the session's update_block so the caller knows which member-data blocks were sent."""
    sent: list[int] = []
    original = session.update_block

    def counted(block: int, data: bytes) -> None:
        sent.append(block)
        original(block, data)

    session.update_block = counted  # type: ignore[method-assign]
    return sent


def provision_member_sector(reader: str | None, sector: int, current: SectorKey, key_a: bytes,
                            key_b: bytes, expected_uid: bytes | None = None) -> None:
    """Give a blank card's member sector our keys and access bits (data: read A/B, write B)."""
    with open_card(reader, reset_first=True) as channel:
        session = MifareClassic(channel.transmit)
        _check_uid(session, channel.reader, expected_uid)
        session.set_sector_keys(sector, current, key_a, key_b, MEMBER_SECTOR_ACCESS)
    log.info("provisioned sector %d on %s with the member keys", sector, channel.reader)


# --- the watcher --------------------------------------------------------------------------

@dataclass
class _ReaderSeen:
    state: int = scard.SCARD_STATE_UNAWARE
    present: bool = False
    counter: int | None = None


class PcscCardWatcher:
    """Reports card taps, removals and reader/service availability until stopped; survives pcscd restarts."""

    def __init__(self, on_card_present: CardPresentCallback,
                 on_card_removed: CardRemovedCallback | None = None,
                 on_reader_state: ReaderStateCallback | None = None,
                 reader: str | None = None, poll_timeout: float = 0.5,
                 retry_delay: float = 0.5) -> None:
        self._on_present = on_card_present
        self._on_removed = on_card_removed
        self._on_state = on_reader_state
        self._reader_filter = reader
        self._timeout_ms = max(int(poll_timeout * 1000), 10)
        self._retry_delay = retry_delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._hcontext: int | None = None
        self._ctx_lock = threading.Lock()
        self._seen: dict[str, _ReaderSeen] = {}
        self._pnp_state = scard.SCARD_STATE_UNAWARE
        self._service_down_reported = False
        self._last_error: str | None = None

    # public ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the watcher thread (idempotent)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-card-watcher", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the thread; True if it ended within timeout (it never blocks longer than one poll)."""
        self._stop.set()
        with self._ctx_lock:
            if self._hcontext is not None:
                scard.SCardCancel(self._hcontext)  # wakes SCardGetStatusChange at once
        thread = self._thread
        if thread is None or thread is threading.current_thread():
            return True
        thread.join(timeout)
        return not thread.is_alive()

    @property
    def running(self) -> bool:
        """True while the watcher thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    # thread -----------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._hcontext is None:
                    self._establish()
                self._poll_once()
            except PcscUnavailable:
                self._drop_context()
                self._report_service_down()
                self._stop.wait(self._retry_delay)
            except Exception as exc:  # noqa: BLE001 - a thread boundary: log, recover, keep watching
                # The same failure every retry would flood the log (pyscard #23): full
                # traceback once, then a DEBUG line until the error changes or goes away.
                if repr(exc) != self._last_error:
                    self._last_error = repr(exc)
                    log.exception("PC/SC watcher error; re-establishing the context")
                else:
                    log.debug("PC/SC watcher error again: %r", exc)
                self._drop_context()
                self._stop.wait(self._retry_delay)
            else:
                self._last_error = None
        self._drop_context()

    def _establish(self) -> None:
        hresult, hcontext = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise PcscUnavailable("establish context", hresult)
        with self._ctx_lock:
            self._hcontext = hcontext
        if self._service_down_reported:
            log.info("PC/SC service is back")
        self._service_down_reported = False
        self._pnp_state = scard.SCARD_STATE_UNAWARE

    def _drop_context(self) -> None:
        with self._ctx_lock:
            hcontext, self._hcontext = self._hcontext, None
        if hcontext is not None:
            try:
                scard.SCardReleaseContext(hcontext)
            except Exception:  # noqa: BLE001 - the service may already be gone
                pass
        for name in list(self._seen):
            self._forget_reader(name, ReaderState.DISCONNECTED)

    def _report_service_down(self) -> None:
        if not self._service_down_reported:
            self._service_down_reported = True
            log.warning("PC/SC service not reachable; retrying every %.1f s", self._retry_delay)
            self._emit_state(ReaderStatus(None, ReaderState.SERVICE_DOWN))

    def _wanted(self, readers: list[str]) -> list[str]:
        if not self._reader_filter:
            return readers
        return [name for name in readers if name == self._reader_filter
                or name.startswith(self._reader_filter)]

    def _poll_once(self) -> None:
        hcontext = self._hcontext
        assert hcontext is not None
        readers = self._wanted(list_readers(hcontext))
        for name in [n for n in self._seen if n not in readers]:
            self._forget_reader(name, ReaderState.DISCONNECTED)
        for name in readers:
            if name not in self._seen:
                self._seen[name] = _ReaderSeen()
                log.info("card reader connected: %s", name)
                self._emit_state(ReaderStatus(name, ReaderState.CONNECTED))

        states = [(name, seen.state) for name, seen in self._seen.items()]
        # The PnP pseudo-reader wakes us when a reader is plugged in or out (pcsc-lite).
        states.append((PNP_READER, self._pnp_state))
        hresult, new_states = scard.SCardGetStatusChange(hcontext, self._timeout_ms, states)
        if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
            return
        if hresult in _NO_READER:
            return  # a reader vanished between list and wait; the next round re-lists
        _raise_for("get status change", hresult)
        for name, event_state, atr in new_states:
            if name == PNP_READER:
                self._pnp_state = event_state & ~scard.SCARD_STATE_CHANGED
                continue
            seen = self._seen.get(name)
            if seen is not None:
                self._update_reader(name, seen, event_state, bytes(atr))

    def _update_reader(self, name: str, seen: _ReaderSeen, event_state: int, atr: bytes) -> None:
        seen.state = event_state & ~scard.SCARD_STATE_CHANGED
        if event_state & scard.SCARD_STATE_UNKNOWN:
            self._forget_reader(name, ReaderState.DISCONNECTED)
            return
        # UNAVAILABLE (state not known for a moment) counts as "no card", not "no reader":
        # a reader really gone drops out of SCardListReaders on the next round.
        present = bool(event_state & scard.SCARD_STATE_PRESENT) and not (
            event_state & (scard.SCARD_STATE_MUTE | scard.SCARD_STATE_UNAVAILABLE))
        counter = (event_state >> 16) & 0xFFFF
        if present and (not seen.present or counter != seen.counter):
            if seen.present:
                # Same reader, new insertion count: a swap faster than one poll.
                self._emit_removed(name)
            seen.present, seen.counter = True, counter
            tap = self._read_tap(name, atr)
            if tap is None:
                seen.present = False  # gone before we could read it; nothing to report
            else:
                self._emit_present(tap)
        elif not present and seen.present:
            seen.present, seen.counter = False, counter
            self._emit_removed(name)
        else:
            seen.counter = counter

    def _read_tap(self, name: str, atr: bytes) -> CardTap | None:
        hcontext = self._hcontext
        assert hcontext is not None
        uid: bytes | None = None
        for attempt in range(3):
            try:
                with open_card(name, hcontext) as channel:
                    try:
                        uid = MifareClassic(channel.transmit).get_uid()
                    except UidUnavailable:
                        uid = None  # contact cards and non-Part-3 readers have no UID to give
                break
            except (NoCardPresent, CardRemovedDuringOperation, ReaderUnavailable):
                return None
            except PcscFailure as exc:
                # Sharing violations while another app holds the card exclusively are transient.
                log.debug("reading UID on %s failed (%s), attempt %d", name, exc.message, attempt + 1)
                if self._stop.wait(0.05):
                    return None
        else:
            return None
        tap = CardTap(reader=name, uid=uid, atr=atr, card_type=identify_atr(atr))
        log.info("card tapped on %s: %s", name, tap.card_type.value)
        if uid is not None:
            log.debug("card UID %s", uid.hex())
        return tap

    def _forget_reader(self, name: str, state: ReaderState) -> None:
        seen = self._seen.pop(name, None)
        if seen is None:
            return
        if seen.present:
            self._emit_removed(name)
        log.info("card reader gone: %s", name)
        self._emit_state(ReaderStatus(name, state))

    # callbacks never kill the thread (pyscard #23-style silent death is what we avoid)
    def _emit_present(self, tap: CardTap) -> None:
        self._safe_call(self._on_present, tap)

    def _emit_removed(self, reader: str) -> None:
        log.info("card removed from %s", reader)
        if self._on_removed is not None:
            self._safe_call(self._on_removed, reader)

    def _emit_state(self, status: ReaderStatus) -> None:
        if self._on_state is not None:
            self._safe_call(self._on_state, status)

    @staticmethod
    def _safe_call(callback: Callable[..., None], arg: object) -> None:
        try:
            callback(arg)
        except Exception:  # noqa: BLE001 - a callback bug must not stop card watching
            log.exception("card watcher callback failed")


# --- the port adapter ------------------------------------------------------------------

class PcscIcCardReader:
    """The app's IC card reader (pos_app.ports.ic_card.IcCardReader) on a PC/SC reader.

    Settings give the reader name (or its stable prefix), the member sector, its key A (reads)
    and key B (writes). A card still on the factory transport key is provisioned with those
    keys the first time a member block is written to it (issue time), unless factory_key is None.
    """

    def __init__(self, reader: str | None, sector: int, key_a: bytes, key_b: bytes | None = None,
                 block_index: int = 0, factory_key: bytes | None = FACTORY_KEY,
                 poll_timeout: float = 0.5) -> None:
        data_block(sector, block_index)  # fail at start-up on a trailer/manufacturer block
        self._reader = reader or None
        self._sector = sector
        self._index = block_index
        # One configured key may serve as both: key B stays unreadable under our access
        # bits, so it still authenticates (MF1S50 §8.7.2).
        self._read_key = SectorKey(key_a, KeyType.A)
        self._write_key = SectorKey(key_b if key_b is not None else key_a, KeyType.B)
        self._factory = SectorKey(factory_key, KeyType.A) if factory_key is not None else None
        self._poll_timeout = poll_timeout
        self._watcher: PcscCardWatcher | None = None
        self._needs_reset = False

    def start(self, on_tap: CardPresentCallback, on_removed: CardRemovedCallback | None = None,
              on_reader_state: ReaderStateCallback | None = None) -> None:
        """Begin reporting taps, removals and reader state on a background thread."""
        self.stop()
        self._watcher = PcscCardWatcher(on_tap, on_removed, on_reader_state, reader=self._reader,
                                        poll_timeout=self._poll_timeout)
        self._watcher.start()

    def stop(self) -> None:
        """Stop reporting; returns within one poll interval."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher = None

    # -- member records ----------------------------------------------------------------------
    # A record starts at data block `block_index` of the member sector and runs on into the
    # next sectors' data blocks (pos_app.domain.card_block: v1 one block, v2 up to 9).
    #
    # A failed Crypto1 authentication halts a genuine Classic until the field is reset
    # (MF1S50 §8.6), so after the card refused a command the next operation starts with a
    # warm reset; otherwise a good card would fail every later command of the same tap. A
    # transport failure (card gone, service down) gets no reset: there is nothing to wake,
    # and resetting a card that has just left makes pcscd lose the slot until it restarts.

    @contextmanager
    def _session(self, tap: CardTap) -> Iterator[tuple[CardChannel, MifareClassic]]:
        reset, self._needs_reset = self._needs_reset, False
        try:
            with open_card(tap.reader, reset_first=reset) as channel:
                session = MifareClassic(channel.transmit)
                _check_uid(session, channel.reader, tap.uid)
                yield channel, session
        except CardCommandFailed:
            self._needs_reset = True
            raise

    def _read_with(self, tap: CardTap, key_for: Callable[[int], SectorKey]) -> bytes:
        with self._session(tap) as (_, session):
            blocks = record_blocks(self._sector, self._index, V2_MAX_RECORD // BLOCK_SIZE + 1)
            authed: int | None = None
            out = b""
            wanted = BLOCK_SIZE
            for block in blocks:
                if len(out) >= wanted:
                    break
                if sector_of(block) != authed:
                    session.authenticate(block, key_for(sector_of(block)))
                    authed = sector_of(block)
                out += session.read_block(block)
                if len(out) == BLOCK_SIZE:
                    wanted = member_record_length(out)
        return out

    def read_member_block(self, tap: CardTap) -> bytes:
        """The raw member record of the tapped card (one or more blocks), if it is still the
        card on the reader. A card still on the factory key reads as what it holds (blank);
        ChipNotOurs when neither our key nor the factory key opens it."""
        try:
            record = self._read_with(tap, lambda _sector: self._read_key)
        except AuthenticationFailed as exc:
            if exc.problem is CardProblem.UNSUPPORTED:
                raise
            if self._factory is None:
                raise ChipNotOurs(self._sector) from None
        else:
            log.debug("read member record sector %d from %s", self._sector, tap.reader)
            return record
        try:
            return self._read_with(tap, lambda _sector: self._factory)  # type: ignore[arg-type,return-value]
        except AuthenticationFailed as exc:
            if exc.problem is CardProblem.UNSUPPORTED:
                raise
            raise ChipNotOurs(self._sector) from None

    def write_member_block(self, tap: CardTap, block: bytes) -> None:
        """Write and verify the member record on the tapped card (issue / reissue / re-sign).

        Sectors the record needs that are still on the transport key get our keys first.
        Blocks are written last to first, so a card pulled away mid-write keeps its old first
        block and never shows a half-new record as valid. A failure before any member-data
        block was sent is marked `untouched`."""
        if len(block) % BLOCK_SIZE or not block:
            raise ValueError("a member record is whole 16-byte blocks")
        blocks = record_blocks(self._sector, self._index, len(block) // BLOCK_SIZE)
        sent: list[int] = []
        try:
            for sector in dict.fromkeys(sector_of(b) for b in blocks):
                self._ensure_member_keys(tap, sector)
            with self._session(tap) as (_, session):
                sent = _count_updates(session)
                chunks = {b: block[i * BLOCK_SIZE:(i + 1) * BLOCK_SIZE] for i, b in enumerate(blocks)}
                authed: int | None = None
                for b in reversed(blocks):
                    if sector_of(b) != authed:
                        session.authenticate(b, self._write_key)
                        authed = sector_of(b)
                    session.update_block(b, chunks[b])
                # A tap is short and Classic writes are not atomic against the card leaving
                # the field, so only a read-back proves the chip holds the new record.
                authed = None
                for b in blocks:
                    if sector_of(b) != authed:
                        session.authenticate(b, self._read_key)
                        authed = sector_of(b)
                    if session.read_block(b) != chunks[b]:
                        raise WriteNotVerified(b)
        except IcCardError as exc:
            exc.untouched = not sent
            raise
        log.info("wrote member record (%d blocks) to sector %d on %s", len(blocks),
                 self._sector, tap.reader)

    def _ensure_member_keys(self, tap: CardTap, sector: int) -> None:
        """Make sure our key B opens the sector for writing; provision it from the factory key."""
        try:
            with self._session(tap) as (_, session):
                session.authenticate(first_block(sector), self._write_key)
                # A key B that the access bits leave readable authenticates and then every
                # memory access is refused (MF1S50 §8.7.2): a read tells the two apart.
                session.read_block(first_block(sector))
                return
        except (AuthenticationFailed, BlockReadFailed) as exc:
            if exc.problem is CardProblem.UNSUPPORTED:
                raise
            if self._factory is None:
                raise ChipNotOurs(sector) from None
        try:
            provision_member_sector(tap.reader, sector, self._factory, self._read_key.key,
                                    self._write_key.key, tap.uid)
        except (AuthenticationFailed, BlockWriteFailed) as exc:
            if exc.problem is CardProblem.UNSUPPORTED:
                raise
            # Neither our key nor the transport key: a card of another system.
            raise ChipNotOurs(sector) from None


class NullIcCardReader:
    """A till without an IC card reader: never reports a tap, refuses card I/O."""

    def start(self, on_tap: CardPresentCallback, on_removed: CardRemovedCallback | None = None,
              on_reader_state: ReaderStateCallback | None = None) -> None:
        """Report nothing, ever."""

    def stop(self) -> None:
        """Nothing to stop."""

    def read_member_block(self, tap: CardTap) -> bytes:
        """Always ReaderUnavailable."""
        raise ReaderUnavailable(None)

    def write_member_block(self, tap: CardTap, block: bytes) -> None:
        """Always ReaderUnavailable."""
        raise ReaderUnavailable(None)


__all__ = [
    "CardChannel", "IcCardError", "NullIcCardReader", "PcscCardWatcher", "PcscIcCardReader",
    "list_readers", "open_card", "pcsc_context", "provision_member_sector", "read_uid",
    "resolve_reader",
]
