"""Child process for the interrupted IC issue test: dies by SIGKILL at a chosen step."""
from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from db.pin_hasher import Argon2PinHasher
from db.store import open_store
from hardware.pcsc_reader import PcscIcCardReader
from pos_app.bootstrap import build_services
from pos_app.domain.ic_card import CardTap, IcCardType
from pos_app.domain.ids import UuidV7Source
from pos_app.ports.clock import SystemClock
from pos_app.services.cards import MemberForm
from pos_app.domain.signing import TrustedKeys
from pos_app.domain.till_keys import BlockVerifier, IssuerDirectory, TillCertificate, TillSigner
from pos_app.services.ic_cards import CardCodec, IcCardService


class DyingReader:
    """The real reader, but the process is killed right before or right after the chip write."""

    def __init__(self, real: PcscIcCardReader, when: str) -> None:
        self._real = real
        self._when = when

    def write_member_block(self, tap, block):
        if self._when == "before_write":
            os.kill(os.getpid(), signal.SIGKILL)
        self._real.write_member_block(tap, block)
        if self._when == "after_write":
            os.kill(os.getpid(), signal.SIGKILL)

    def read_member_block(self, tap):
        return self._real.read_member_block(tap)


def main(data_dir: str, reader: str, uid_hex: str, when: str) -> None:
    ids = UuidV7Source()
    services = build_services(open_store(Path(data_dir), ids), SystemClock(), ids,
                              Argon2PinHasher(fast=True))
    real = PcscIcCardReader(reader, 1, bytes.fromhex(os.environ["SECTOR_KEY_A"]),
                            bytes.fromhex(os.environ["SECTOR_KEY_B"]))
    signer = TillSigner.from_private_bytes(
        bytes.fromhex(os.environ["TILL_KEY"]),
        TillCertificate.from_json(json.loads(os.environ["TILL_CERT"])))
    trusted = TrustedKeys.from_document(json.loads(os.environ["HQ_KEYS"]))
    issuers = IssuerDirectory({signer.kid: signer.certificate})
    codec = CardCodec(lambda: BlockVerifier(trusted, issuers), signer=signer)
    ic = IcCardService(services.uow, services.clock, ids, services.cards, services.selling,
                       codec)
    manager = services.auth.login("manager", "2222")
    tap = CardTap(reader, bytes.fromhex(uid_hex), b"", IcCardType.MIFARE_CLASSIC_1K)
    ic.issue(manager, MemberForm("断电", "13511112222"), "660001", tap, DyingReader(real, when))
    print("completed", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
