"""The keys a till hashes full mobile numbers with, so a member is found by the number
offline while the till keeps only the masked form, the last four digits and the hash.

The chain's lookup key is issued by head office (with the till's certificate, and on any
sync where the till lacks it) and is the same on every till, so a member registered at one
shop is found by the full number at every other; head office's member feeds carry hashes
made with it. Until a till has it (a till not yet enrolled, `pos init --demo`), the till
makes a key of its own; rows hashed with it stay findable (lookups try every key this
till holds) until the members feed replaces them with head office's hashes. Both keys live
in the credential store (pos_app.secrets), never in the data dir.
"""
from __future__ import annotations

import os
from collections.abc import Sequence

from pos_app.domain.member import mobile_lookup_hash
from pos_app.secrets import MOBILE_LOCAL_KEY, MOBILE_LOOKUP_KEY, SecretStore

KEY_BYTES = 32


class MobileKeys:
    """Hashes a normalised mobile with the till's keys; the first key is the one new rows use."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("at least one mobile lookup key")
        self._keys = tuple(keys)

    def prefer(self, key: bytes) -> None:
        """Hash new rows with `key` from now on (the chain key has arrived); rows hashed
        with the keys held before stay findable."""
        self._keys = (key, *(k for k in self._keys if k != key))

    def hash(self, mobile: str) -> str:
        return mobile_lookup_hash(self._keys[0], mobile)

    def hashes(self, mobile: str) -> list[str]:
        return [mobile_lookup_hash(k, mobile) for k in self._keys]


def till_mobile_keys(store: SecretStore) -> MobileKeys:
    """The chain key first when the till has it, then its own key if it ever made one."""
    keys: list[bytes] = []
    chain = store.get(MOBILE_LOOKUP_KEY)
    if chain:
        keys.append(bytes.fromhex(chain))
    local = store.get(MOBILE_LOCAL_KEY)
    if local is None and not keys:
        local = os.urandom(KEY_BYTES).hex()
        store.set(MOBILE_LOCAL_KEY, local)
    if local:
        keys.append(bytes.fromhex(local))
    return MobileKeys(keys)


def keep_chain_key(store: SecretStore, key_hex: str) -> bool:
    """Keep the chain key head office issued; True if it was new to this till."""
    key = bytes.fromhex(key_hex)
    if len(key) != KEY_BYTES:
        raise ValueError("a mobile lookup key has 32 bytes")
    if store.get(MOBILE_LOOKUP_KEY) == key.hex():
        return False
    store.set(MOBILE_LOOKUP_KEY, key.hex())
    return True
