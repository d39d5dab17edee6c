"""Qt Linguist translations: .ts sources committed, .qm built by the setup command."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import (
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    QObject,
    Qt,
    QTranslator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLineEdit,
    QMenu,
    QTabWidget,
    QWidget,
)

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
        # Compiled beside it, then renamed over it: a running till maps its .qm file, and
        # rewriting that file in place (a second set-up run, a test run) turned the running
        # till's screens into English mid-shift.
        fresh = qm.with_suffix(".qm.new")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(fresh)],
                       check=True)
        if qm.exists() and qm.read_bytes() == fresh.read_bytes():
            fresh.unlink()
        else:
            os.replace(fresh, qm)
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


DEFAULT_LANGUAGE = "zh_CN"


def choose_language(setting: str) -> str:
    """The till's language setting; Simplified Chinese until one is chosen, whatever the
    system's locale (a Chinese shop's till on an English or C-locale Windows/Linux)."""
    return setting if setting in LANGUAGES else DEFAULT_LANGUAGE


class _RememberingTranslator(QTranslator):
    """Our .qm translator that also remembers which source each shown text came from, so
    the widgets on screen can be put into another language without being rebuilt."""

    def __init__(self, parent: QObject, seen: dict[str, list[tuple[str, str, str | None, int]]]
                 ) -> None:
        super().__init__(parent)
        self._seen = seen
        self._loaded = False

    def load_qm(self, path: Path) -> bool:
        self._loaded = path.exists() and self.load(str(path))
        return self._loaded

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D401
                  n: int = -1) -> str:
        text = super().translate(context, source, disambiguation, n) if self._loaded else ""
        if source:
            key = (context, source, disambiguation, n)
            known = self._seen.setdefault(text or source, [])
            if key not in known:
                known.append(key)
        # No translation must be a null string (None), not "": Qt takes an empty but non-null
        # answer as the translation and would show nothing.
        return text or None  # type: ignore[return-value]

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name: never skipped, so every text is seen
        return False


# Shown text -> the (context, source, disambiguation, n) it may have come from ('会员' is
# both "Member" and "Members"), shared by every language installed.
_SEEN: dict[str, list[tuple[str, str, str | None, int]]] = {}


def install(app: QCoreApplication, language: str) -> QTranslator | None:
    """Install the translators for `language`: ours (remembering sources) and Qt's own
    qtbase one, so message box buttons and the file dialog speak it too."""
    translator = _RememberingTranslator(app, _SEEN)
    translator.setObjectName(f"pos_{language}")
    translator.load_qm(TRANSLATIONS / f"pos_{language}.qm")
    app.installTranslator(translator)
    if language != "en":
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qtbase = QTranslator(app)
        qtbase.setObjectName(f"qtbase_{language}")
        if qtbase.load(QLocale(language), "qtbase", "_", qt_dir):
            app.installTranslator(qtbase)
    return translator


def uninstall(app: QCoreApplication) -> None:
    """Remove every translator install() added (tests that switch languages clean up)."""
    for translator in app.findChildren(QTranslator):
        if isinstance(translator, _RememberingTranslator) or translator.objectName().startswith(
                "qtbase_"):
            app.removeTranslator(translator)
            translator.deleteLater()


def installed_language(app: QCoreApplication) -> str | None:
    """The language of our installed translator, if any."""
    for translator in app.findChildren(QTranslator):
        if isinstance(translator, _RememberingTranslator):
            return translator.objectName().removeprefix("pos_")
    return None


def switch_language(app: QCoreApplication, language: str) -> None:
    """Put the running app into `language`: new translators, then every text on screen that
    came from a translation is translated again (dialogs opened later are built in it)."""
    uninstall(app)
    install(app, language)
    if isinstance(app, QApplication):
        for widget in app.allWidgets():
            _retranslate(widget)


def retranslated(text: str, contexts: tuple[str, ...] = ()) -> str:
    """`text` in the current language if it was shown from a translation, else unchanged.

    When several sources gave the same text, the one translated in one of `contexts` (the
    class names of the widget and its parents, which is what tr() uses) wins."""
    keys = _SEEN.get(text)
    if not keys:
        return text
    key = next((k for k in keys if k[0] in contexts), keys[0])
    context, source, disambiguation, n = key
    return QCoreApplication.translate(context, source, disambiguation, n)


def _contexts(widget: QWidget) -> tuple[str, ...]:
    names: list[str] = []
    node: QObject | None = widget
    while node is not None:
        names += [cls.__name__ for cls in type(node).__mro__]
        node = node.parent()
    return tuple(names)


def _retranslate(widget: QWidget) -> None:
    contexts = _contexts(widget)

    def again(text: str) -> str:
        return retranslated(text, contexts)

    for getter, setter in (("windowTitle", "setWindowTitle"), ("toolTip", "setToolTip"),
                           ("text", "setText"), ("placeholderText", "setPlaceholderText"),
                           ("title", "setTitle")):
        if isinstance(widget, QMenu) and getter == "text":
            continue
        get = getattr(widget, getter, None)
        if callable(get) and hasattr(widget, setter) and not isinstance(widget, QLineEdit
                                                                        if getter == "text"
                                                                        else ()):
            try:
                value = get()
            except TypeError:
                continue
            if isinstance(value, str) and value:
                new = again(value)
                if new != value:
                    getattr(widget, setter)(new)
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            widget.setItemText(i, again(widget.itemText(i)))
    if isinstance(widget, QTabWidget):
        for i in range(widget.count()):
            widget.setTabText(i, again(widget.tabText(i)))
    for action in widget.actions():
        action.setText(again(action.text()))
    if isinstance(widget, QAbstractItemView) and widget.model() is not None:
        model = widget.model()
        root = QModelIndex()
        try:
            counts = ((Qt.Orientation.Horizontal, model.columnCount(root)),
                      (Qt.Orientation.Vertical, model.rowCount(root)))
        except (TypeError, RuntimeError):  # Qt-internal models keep these private
            counts = ()
        for orientation, count in counts:
            if count:
                model.headerDataChanged.emit(orientation, 0, count - 1)


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        for path in build():
            print(f"built {path.name}")
    elif sys.argv[1:] == ["update"]:
        update_sources()
    else:
        print("usage: python -m ui.i18n build|update", file=sys.stderr)
        sys.exit(2)
