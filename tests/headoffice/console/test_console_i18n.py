"""Every console message has a Simplified Chinese translation (the default language)."""
from __future__ import annotations

import json

from headoffice.console.i18n import CATALOG, missing, translator, used_messages


def test_every_console_message_has_a_zh_cn_translation() -> None:
    assert len(used_messages()) > 40
    assert missing() == []


def test_catalog_has_no_empty_or_untranslated_entries() -> None:
    table = json.loads(CATALOG.read_text(encoding="utf-8"))
    assert all(v.strip() for v in table.values())
    placeholders = [k for k, v in table.items() if ("{" in k) != ("{" in v)]
    assert placeholders == []


def test_english_is_the_message_itself_and_chinese_formats_parameters() -> None:
    en, zh = translator("en"), translator("zh_CN")
    assert en("Dashboard") == "Dashboard"
    assert zh("Dashboard") == "概览"
    assert "09:00" in zh("Too many failed attempts: this account is locked until {until}. "
                         "Try again later or ask an administrator.", until="09:00")
