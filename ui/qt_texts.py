"""Qt's own strings that Qt's zh_CN translation (qtbase_zh_CN.qm) leaves in English.

Listed here so lupdate puts them into our .ts files under Qt's context; our translator
answers when Qt's has no translation (ui/i18n.py installs both). Found by opening each Qt
dialog the till uses under zh_CN (tests/ui/test_language_and_text.py checks the file dialog).
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

QT_GAPS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
    QT_TRANSLATE_NOOP("QAbstractFileIconProvider", "Drive"),
)


def _with_disambiguation() -> tuple[str, ...]:
    """Never called: lupdate reads these (QT_TRANSLATE_NOOP3 it does not) for the file list's
    type column (QAbstractFileIconProvider::type, Qt 6)."""
    return (
        QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms"),
        QCoreApplication.translate("QAbstractFileIconProvider", "%1 File", "All other platforms"),
        QCoreApplication.translate("QAbstractFileIconProvider", "File", "All other platforms"),
    )
