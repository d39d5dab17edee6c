"""Machine settings of one till (TOML in the data dir), typed and validated at start-up."""
from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from pos_app.domain.errors import ValidationFailed

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
    # Hex keys for IC member cards. Never logged; empty means IC writing is unavailable.
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


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationFailed(str(path), f"not valid TOML: {exc}") from None
    return Settings(shop=_section(ShopSettings, data, "shop"),
                    devices=_section(DeviceSettings, data, "devices"),
                    sync=_section(SyncSettings, data, "sync"),
                    security=_section(SecuritySettings, data, "security"),
                    language=str(data.get("language", "")))


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


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the TOML file atomically (temp file, fsync, rename)."""
    lines = [f"language = {_toml_value(settings.language)}", ""]
    for name in ("shop", "devices", "sync", "security"):
        lines.append(f"[{name}]")
        for key, value in asdict(getattr(settings, name)).items():
            lines.append(f"{key} = {_toml_value(value)}")
        lines.append("")
    data_dir.mkdir(parents=True, exist_ok=True)
    tmp = data_dir / (SETTINGS_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, data_dir / SETTINGS_FILE)


def with_section(settings: Settings, name: str, **changes: Any) -> Settings:
    return replace(settings, **{name: replace(getattr(settings, name), **changes)})
