"""Secrets live in the credential store, never in till.toml; the file is 0600; an older
till.toml with secrets in it has them moved on its first load."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pos_app.secrets import (API_KEY, CARD_MASTER_KEY, MIFARE_SECTOR_KEY, SecretStoreUnavailable,
                             choose_backend, open_secret_store, service_name)
from pos_app.settings import SETTINGS_FILE, Settings, load_settings, save_settings, with_section

SECRET_API = "hq_Zx9-secret-api-key-0123456789"
SECRET_MASTER = "00112233445566778899AABBCCDDEEFF"
SECRET_SECTOR = "5A1B2C3D4E5F"


def test_saving_puts_secrets_in_the_store_and_writes_a_private_file_without_them(tmp_path: Path) -> None:
    data = tmp_path / "till"
    settings = with_section(with_section(Settings(), "sync", headoffice_url="http://hq:8000",
                                         api_key=SECRET_API),
                            "security", card_master_key=SECRET_MASTER,
                            mifare_sector_key=SECRET_SECTOR)
    save_settings(data, settings)
    path = data / SETTINGS_FILE
    text = path.read_text(encoding="utf-8")
    assert "http://hq:8000" in text
    for secret in (SECRET_API, SECRET_MASTER, SECRET_SECTOR):
        assert secret not in text
    assert "api_key" not in text and "card_master_key" not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store = open_secret_store(data)
    assert store.get(API_KEY) == SECRET_API and store.get(MIFARE_SECTOR_KEY) == SECRET_SECTOR
    loaded = load_settings(data)
    assert loaded.sync.api_key == SECRET_API
    assert loaded.security.card_master_key == SECRET_MASTER


def test_an_old_world_readable_till_toml_has_its_secrets_moved_on_first_load(tmp_path: Path) -> None:
    data = tmp_path / "old-till"
    data.mkdir()
    path = data / SETTINGS_FILE
    path.write_text(f'language = ""\n[sync]\nheadoffice_url = "http://hq"\napi_key = "{SECRET_API}"\n'
                    f'[security]\ncard_master_key = "{SECRET_MASTER}"\n'
                    f'mifare_sector_key = "{SECRET_SECTOR}"\nmifare_sector = 2\n', encoding="utf-8")
    os.chmod(path, 0o644)
    loaded = load_settings(data)
    assert (loaded.sync.api_key, loaded.security.mifare_sector_key) == (SECRET_API, SECRET_SECTOR)
    assert loaded.security.mifare_sector == 2
    text = path.read_text(encoding="utf-8")
    assert SECRET_API not in text and SECRET_MASTER not in text and SECRET_SECTOR not in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert open_secret_store(data).get(CARD_MASTER_KEY) == SECRET_MASTER
    assert load_settings(data) == loaded                # the second load reads the store


def test_the_encrypted_keyring_file_does_not_hold_the_secrets_in_clear(tmp_path: Path) -> None:
    data = tmp_path / "till"
    save_settings(data, with_section(Settings(), "sync", api_key=SECRET_API))
    keyring_file = Path(os.environ["POS_KEYRING_FILE"])
    assert SECRET_API.encode() not in keyring_file.read_bytes()


def test_copying_the_data_dir_to_another_place_brings_no_secrets(tmp_path: Path) -> None:
    data = tmp_path / "till"
    save_settings(data, with_section(Settings(), "sync", api_key=SECRET_API))
    copy = tmp_path / "copied-till"
    copy.mkdir()
    (copy / SETTINGS_FILE).write_bytes((data / SETTINGS_FILE).read_bytes())
    assert service_name(copy) != service_name(data)
    assert load_settings(copy).sync.api_key == ""


def test_without_a_credential_store_a_till_toml_with_secrets_is_refused_with_what_to_do(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POS_KEYRING_PASSWORD")
    with pytest.raises(SecretStoreUnavailable) as caught:
        choose_backend()
    assert "POS_KEYRING_PASSWORD" in caught.value.reason
    data = tmp_path / "till"
    data.mkdir()
    (data / SETTINGS_FILE).write_text(f'[sync]\napi_key = "{SECRET_API}"\n', encoding="utf-8")
    with pytest.raises(SecretStoreUnavailable):
        load_settings(data)
    assert SECRET_API in (data / SETTINGS_FILE).read_text(encoding="utf-8")   # untouched
    monkeypatch.delenv("POS_KEYRING")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(SecretStoreUnavailable) as caught:
        choose_backend()                     # no Secret Service on this machine: refused
    assert "Secret Service" in caught.value.reason
