"""The till's secrets in the operating system's credential store, never in till.toml.

What is kept here: the head-office API key, the till's Ed25519 signing key (IC cards) and its
certificate, the Mifare sector key, the old chain master key (v1 cards, migration window
only), the database key (SQLCipher) and the mobile lookup key (keyed hashes of mobiles).

Which store (the `keyring` library):
- Windows (the shops' PCs): Windows Credential Manager (keyring's WinVaultKeyring, DPAPI
  under the Windows user), chosen by keyring itself.
- Linux with a desktop session: the Secret Service (GNOME Keyring / KWallet, unlocked at
  login), keyring's default there.
- Linux without a Secret Service (a kiosk, CI, the test suite): set POS_KEYRING=file - an
  AES-256 encrypted file (keyrings.alt EncryptedKeyring, PBKDF2 key) at POS_KEYRING_FILE
  (default: keyring.cfg in the user config dir, outside the data dir), unlocked with
  POS_KEYRING_PASSWORD. That password must not live on the same disk (type it at boot or
  use systemd-creds with a TPM); otherwise a stolen disk opens it.
Plain-text and "fail" backends are refused: the till says what to set up instead.

Entries are named per data dir (service "membership-pos:<hash of the data dir path>"), so
several tills on one machine never share secrets and copying a data dir to another PC
brings none of them: moving a till is an explicit re-enrolment.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path
from typing import Protocol

from pos_app.domain.errors import PosError

log = logging.getLogger(__name__)

API_KEY = "headoffice_api_key"
TILL_SIGNING_KEY = "till_signing_key"
TILL_CERTIFICATE = "till_certificate"
MIFARE_SECTOR_KEY = "mifare_sector_key"
CARD_MASTER_KEY = "card_master_key"
DB_KEY = "db_key"
# The chain's mobile lookup key (head office issues it, the same on every till) and, before
# a till has it, a key of its own (pos_app.mobile_keys).
MOBILE_LOOKUP_KEY = "mobile_lookup_key"
MOBILE_LOCAL_KEY = "mobile_local_key"
SERVICE_PREFIX = "membership-pos"


class SecretStoreUnavailable(PosError):
    """No usable credential store on this machine (what to set up is in the message)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class SecretStore(Protocol):
    """Named secrets of one till."""

    def get(self, name: str) -> str | None:
        """The secret, or None when it was never set."""
        ...

    def set(self, name: str, value: str) -> None:
        """Store (or replace) a secret."""
        ...

    def delete(self, name: str) -> None:
        """Forget a secret (no error if it was not there)."""
        ...


def service_name(data_dir: Path) -> str:
    digest = hashlib.sha256(str(Path(data_dir).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"{SERVICE_PREFIX}:{digest}"


class KeyringSecretStore:
    """SecretStore on a keyring backend; values never logged."""

    def __init__(self, backend: object, service: str) -> None:
        self._backend = backend
        self._service = service

    @property
    def backend_name(self) -> str:
        return type(self._backend).__name__

    def get(self, name: str) -> str | None:
        return self._backend.get_password(self._service, name)  # type: ignore[attr-defined]

    def set(self, name: str, value: str) -> None:
        self._backend.set_password(self._service, name, value)  # type: ignore[attr-defined]

    def delete(self, name: str) -> None:
        import keyring.errors
        try:
            self._backend.delete_password(self._service, name)  # type: ignore[attr-defined]
        except keyring.errors.PasswordDeleteError:
            pass


def _file_backend() -> object:
    password = os.environ.get("POS_KEYRING_PASSWORD", "")
    if not password:
        raise SecretStoreUnavailable("POS_KEYRING=file needs POS_KEYRING_PASSWORD (the password "
                                     "that unlocks the encrypted keyring file)")
    from keyrings.alt.file import EncryptedKeyring
    path = os.environ.get("POS_KEYRING_FILE")
    if not path:
        from platformdirs import user_config_dir
        path = str(Path(user_config_dir(SERVICE_PREFIX, appauthor=False)) / "keyring.cfg")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    backend = EncryptedKeyring()
    backend.file_path = path  # type: ignore[misc]
    backend.keyring_key = password  # type: ignore[attr-defined]
    return backend


def choose_backend() -> object:
    """The credential store this machine should use (see the module docstring). Picked by
    name, not by keyring's automatic choice, which on a machine with keyrings.alt installed
    would happily chain in its plain-text file backend."""
    if os.environ.get("POS_KEYRING", "").lower() == "file":
        return _file_backend()
    if sys.platform == "win32":
        from keyring.backends.Windows import WinVaultKeyring
        return WinVaultKeyring()
    if sys.platform == "darwin":
        from keyring.backends.macOS import Keyring as MacKeyring
        return MacKeyring()
    from keyring.backends.SecretService import Keyring as SecretServiceKeyring
    try:
        viable = SecretServiceKeyring.priority > 0  # type: ignore[operator]
    except Exception as exc:  # noqa: BLE001 - keyring raises whatever the D-Bus layer raised
        viable, why = False, f"{type(exc).__name__}: {exc}"
    else:
        why = "no Secret Service"
    if not viable:
        raise SecretStoreUnavailable(
            f"no operating-system credential store is usable here ({why}); start a Secret "
            "Service (GNOME Keyring) session, or set POS_KEYRING=file and POS_KEYRING_PASSWORD")
    return SecretServiceKeyring()


def open_secret_store(data_dir: Path) -> KeyringSecretStore:
    """The credential store entries of the till whose data is in `data_dir`."""
    return KeyringSecretStore(choose_backend(), service_name(data_dir))


class MemorySecretStore:
    """Secrets held in memory only (a one-off command that must not touch the OS store)."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)
