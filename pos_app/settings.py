"""Machine settings of one till (TOML in the data dir), typed and validated at start-up.

The file holds no secrets and is written 0600: the head-office API key and the IC card keys
live in the operating system's credential store (pos_app.secrets). Settings objects still
carry them in memory (`sync.api_key`, `security.*_key`), filled from the store on load and
written back to it on save; a till.toml from an older version that still holds them has
them moved into the store and removed from the file on its first load.
"""
from __future__ import annotations

import logging
import os
import stat
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pos_app.domain.errors import ValidationFailed
from pos_app.secrets import (
    API_KEY,
    CARD_MASTER_KEY,
    MIFARE_SECTOR_KEY,
    SecretStore,
    SecretStoreUnavailable,
    open_secret_store,
)

log = logging.getLogger(__name__)

SETTINGS_FILE = "till.toml"
APP_NAME = "membership-pos"


@dataclass(frozen=True)
class ShopSettings:
    shop_code: str = "S001"
    shop_name: str = "示范百货"
    till_code: str = "T01"
    address: str = ""
    phone: str = ""
    receipt_footer: str = "谢谢惠顾，欢迎再次光临"
    # A repeated scan of the same item raises the quantity of its line (思迅/银豹 style)
    # instead of adding a second line.
    merge_repeated_scans: bool = True


@dataclass(frozen=True)
class DeviceSettings:
    printer_url: str = ""               # tcp://host:9100, COM3, /dev/usb/lp0, socket://...
    printer_profile: str = "80mm-48"    # 58mm-32, 80mm-42, 80mm-48
    printer_gb18030: bool = False       # the printer's Chinese font has GB18030 (rare surnames 𠮷, 㐀)
    receipt_language: str = "zh_CN"
    drawer_pin: int = 0
    msr_url: str = ""                   # serial MSR; empty: keyboard-wedge only
    msr_protocol: str = "magtek"        # magtek | msr605
    scanner_url: str = ""
    display_url: str = ""
    display_protocol: str = "cd5220"    # cd5220 | epson | led8
    pcsc_reader: str = ""               # reader name prefix; empty: first reader
    msr_baudrate: int = 9600
    scanner_baudrate: int = 9600
    display_baudrate: int = 9600        # the 8-digit LED displays usually run at 2400
    display_led8_lights: str = "ascii"  # LED display's ESC s n: "ascii" digit '0'-'4' or "raw" byte 00-04
    card_track: int = 2
    card_field: int = 0
    card_start: int = 0                 # characters of the field to skip
    card_length: int = 0                # 0: the rest of the field
    wedge_gap_ms: int = 40
    wedge_prefix: str = ""
    wedge_min_barcode_length: int = 6
    wedge_end_idle_ms: int = 100
    # The shape of this shop's member card numbers, so bare digits from a wedge reader or a
    # scanned printed-number card (印号卡) are taken as a card before the catalog is asked:
    # comma-separated prefixes ("88,66") and lengths ("12"); both empty: ask the catalog first.
    card_prefixes: str = ""
    card_lengths: str = ""


@dataclass(frozen=True)
class SyncSettings:
    headoffice_url: str = ""
    api_key: str = ""
    interval_s: int = 30
    offline_warn_hours: int = 72


@dataclass(frozen=True)
class SecuritySettings:
    # Hex keys for IC member cards, kept in the credential store (never in the file, never
    # logged); empty means IC writing is unavailable. card_master_key is the old chain-wide
    # v1 key, only for the migration window of v1 cards.
    card_master_key: str = ""
    mifare_sector_key: str = ""
    mifare_sector: int = 1


@dataclass(frozen=True)
class Settings:
    shop: ShopSettings = field(default_factory=ShopSettings)
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    language: str = ""                  # empty: follow the system (zh_CN on Chinese systems)


def resolve_data_dir(explicit: str | Path | None = None) -> Path:
    """--data-dir, then POS_DATA_DIR, then the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    env = os.environ.get("POS_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    from platformdirs import user_data_dir
    return Path(user_data_dir(APP_NAME, appauthor=False))


def _section(cls: type, data: dict[str, Any], name: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    values = {}
    for key, value in data.get(name, {}).items():
        if key not in known:
            raise ValidationFailed(f"{name}.{key}", "unknown setting")
        default = getattr(cls(), key)
        if type(value) is not type(default):
            raise ValidationFailed(f"{name}.{key}", f"expected {type(default).__name__}")
        values[key] = value
    return cls(**values)


# (section, field) of a Settings object -> its name in the credential store.
SECRET_FIELDS: dict[tuple[str, str], str] = {
    ("sync", "api_key"): API_KEY,
    ("security", "card_master_key"): CARD_MASTER_KEY,
    ("security", "mifare_sector_key"): MIFARE_SECTOR_KEY,
}


class _LazyStore:
    """Opens the credential store only when a secret is really read or written."""

    def __init__(self, data_dir: Path, given: SecretStore | None) -> None:
        self._data_dir = data_dir
        self._store = given

    def get(self) -> SecretStore:
        if self._store is None:
            self._store = open_secret_store(self._data_dir)
        return self._store


def load_settings(data_dir: Path, secrets: SecretStore | None = None) -> Settings:
    """The till's settings, secrets filled in from the credential store (`secrets`, else the
    OS store for this data dir). A store that cannot be opened leaves the secrets empty, unless
    till.toml still holds some: then SecretStoreUnavailable says what to set up."""
    path = data_dir / SETTINGS_FILE
    store = _LazyStore(data_dir, secrets)
    data: dict[str, Any] = {}
    if path.exists():
        if os.name == "posix" and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            os.chmod(path, 0o600)          # written 0644 by an older version
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValidationFailed(str(path), f"not valid TOML: {exc}") from None
    legacy = {name: data.get(section, {}).pop(key)
              for (section, key), name in SECRET_FIELDS.items()
              if key in data.get(section, {})}
    settings = Settings(shop=_section(ShopSettings, data, "shop"),
                        devices=_section(DeviceSettings, data, "devices"),
                        sync=_section(SyncSettings, data, "sync"),
                        security=_section(SecuritySettings, data, "security"),
                        language=str(data.get("language", "")))
    if legacy:
        _migrate(data_dir, settings, {k: str(v) for k, v in legacy.items()}, store.get())
    try:
        values = {name: store.get().get(name) for name in SECRET_FIELDS.values()}
    except SecretStoreUnavailable as exc:
        log.info("settings loaded without secrets: %s", exc.reason)
        return settings
    for (section, key), name in SECRET_FIELDS.items():
        if values[name]:
            settings = with_section(settings, section, **{key: values[name]})
    return settings


def _migrate(data_dir: Path, settings: Settings, legacy: dict[str, str],
             store: SecretStore) -> None:
    """Move secrets an older version kept in till.toml into the store; rewrite the file."""
    for name, value in legacy.items():
        if value and store.get(name) != value:
            store.set(name, value)
    _write_file(data_dir, settings)
    log.warning("moved %d secret(s) from %s into the credential store", len(legacy),
                SETTINGS_FILE)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    # A TOML basic string: backslash, quote and every control character escaped (a
    # two-line receipt footer is "line 1\nline 2", not a broken file).
    out = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def save_settings(data_dir: Path, settings: Settings, secrets: SecretStore | None = None) -> None:
    """Secrets to the credential store, everything else to the TOML file (0600, atomically:
    temp file, fsync, rename)."""
    store = _LazyStore(data_dir, secrets)
    for (section, key), name in SECRET_FIELDS.items():
        value = getattr(getattr(settings, section), key)
        if value:
            if store.get().get(name) != value:
                store.get().set(name, value)
            continue
        try:
            store.get().delete(name)
        except SecretStoreUnavailable:
            pass                     # nothing can be stored there, so nothing to forget
    _write_file(data_dir, settings)


def _write_file(data_dir: Path, settings: Settings) -> None:
    lines = [f"language = {_toml_value(settings.language)}", ""]
    for name in ("shop", "devices", "sync", "security"):
        lines.append(f"[{name}]")
        for key, value in asdict(getattr(settings, name)).items():
            if (name, key) in SECRET_FIELDS:
                continue
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = data_dir / (SETTINGS_FILE + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        if os.name == "posix":
            os.fchmod(fh.fileno(), 0o600)   # a tmp left by an older version keeps its mode
        fh.write("\n".join(lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / SETTINGS_FILE)


def with_section(settings: Settings, name: str, **changes: Any) -> Settings:
    return replace(settings, **{name: replace(getattr(settings, name), **changes)})
