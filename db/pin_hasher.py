"""Argon2id hashes for user and member PINs (the stored form never reveals the PIN)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PinHasher:
    def __init__(self, fast: bool = False) -> None:
        # fast=True only for tests and demo seeding; the defaults are argon2-cffi's RFC 9106
        # low-memory profile.
        self._ph = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1) if fast \
            else PasswordHasher()

    def hash(self, pin: str) -> str:
        return self._ph.hash(pin)

    def verify(self, pin_hash: str, pin: str) -> bool:
        try:
            return self._ph.verify(pin_hash, pin)
        except (VerificationError, InvalidHashError):
            return False
