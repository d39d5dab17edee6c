"""Every user-visible string has a finished Simplified Chinese translation with the same placeholders."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

TRANSLATIONS = Path(__file__).resolve().parents[2] / "ui" / "translations"
PLACEHOLDER = re.compile(r"%(?:\d+|n)")


def _messages(name: str) -> list[ET.Element]:
    return list(ET.parse(TRANSLATIONS / name).getroot().iter("message"))


def _texts(translation: ET.Element) -> list[str]:
    forms = translation.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [translation.text or ""]


def test_the_ts_files_are_committed_for_both_languages() -> None:
    assert (TRANSLATIONS / "pos_zh_CN.ts").exists()
    assert (TRANSLATIONS / "pos_en.ts").exists()
    assert len(_messages("pos_zh_CN.ts")) > 100


def test_every_zh_cn_string_is_translated_and_finished() -> None:
    untranslated = []
    for msg in _messages("pos_zh_CN.ts"):
        tr = msg.find("translation")
        assert tr is not None
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not all(
                t.strip() for t in _texts(tr)):
            untranslated.append(msg.findtext("source"))
    assert untranslated == []


@pytest.mark.parametrize("name", ["pos_zh_CN.ts", "pos_en.ts"])
def test_placeholders_match_in_every_translation(name: str) -> None:
    wrong = []
    for msg in _messages(name):
        source = msg.findtext("source") or ""
        tr = msg.find("translation")
        for text in _texts(tr):
            if text and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                wrong.append((source, text))
    assert wrong == []


def test_the_ts_files_list_every_string_the_screens_use(tmp_path: Path) -> None:
    """Running lupdate again finds nothing new: no string was added without a translation."""
    import shutil
    import subprocess
    import sys
    ui_dir = TRANSLATIONS.parent
    ts = tmp_path / "check.ts"
    shutil.copy(TRANSLATIONS / "pos_zh_CN.ts", ts)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    # The committed sources (a teammate's file still being written is not checked yet).
    listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ui_dir, capture_output=True,
                            text=True)
    sources = ([str(ui_dir / name) for name in listed.stdout.split()] if listed.returncode == 0
               else [str(p) for p in ui_dir.rglob("*.py")])
    out = subprocess.run([str(lupdate), "-no-obsolete", "-locations", "none",
                          "-tr-function-alias", "translate+=tr_fill",
                          *sorted(sources), "-ts", str(ts)],
                         check=True, capture_output=True, text=True).stdout
    assert "(0 new and" in out, out
