"""Qt Linguist translations: .ts sources committed, .qm built by the setup command."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("zh_CN", "en")


def _tool(name: str) -> str:
    exe = Path(sys.executable).with_name(name)
    return str(exe) if exe.exists() else name


def build() -> list[Path]:
    """Compile every .ts file into a .qm next to it (pyside6-lrelease)."""
    built = []
    for ts in sorted(TRANSLATIONS.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)], check=True)
        built.append(qm)
    return built


def update_sources() -> None:
    """Re-extract the strings of ui/ into the .ts files (developers run this)."""
    sources = [str(p) for p in Path(__file__).resolve().parent.rglob("*.py")]
    for lang in LANGUAGES:
        # tr_fill is QCoreApplication.translate with %1.. filled in (ui/formatting.py).
        subprocess.run([_tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
                        "-tr-function-alias", "translate+=tr_fill",
                        *sorted(sources), "-ts",
                        str(TRANSLATIONS / f"pos_{lang}.ts")], check=True)


def choose_language(setting: str) -> str:
    """The configured language, else zh_CN on a Chinese system and en elsewhere."""
    if setting in LANGUAGES:
        return setting
    return "zh_CN" if QLocale.system().language() == QLocale.Language.Chinese else "en"


def install(app: QCoreApplication, language: str) -> QTranslator | None:
    """Load and install the translator for `language`; English needs none beyond the source."""
    qm = TRANSLATIONS / f"pos_{language}.qm"
    translator = QTranslator(app)
    if qm.exists() and translator.load(str(qm)):
        app.installTranslator(translator)
        return translator
    return None


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        for path in build():
            print(f"built {path.name}")
    elif sys.argv[1:] == ["update"]:
        update_sources()
    else:
        print("usage: python -m ui.i18n build|update", file=sys.stderr)
        sys.exit(2)
