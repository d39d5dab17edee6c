"""The last receipt as the printer got it (or as it waits for reprint), in a monospaced view."""
from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ui.type_scale import BODY


class ReceiptPreviewDialog(QDialog):
    def __init__(self, lines: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("receiptPreviewDialog")
        self.setWindowTitle(self.tr("Last receipt"))
        self.setMinimumSize(520, 600)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        # A CJK monospace face keeps a hanzi two columns wide, as on the paper.
        for family in ("WenQuanYi Zen Hei Mono", "Noto Sans Mono CJK SC", "NSimSun", "SimSun"):
            if family in QFontDatabase.families():
                font = QFont(family)
                break
        font.setPointSize(BODY)
        self.text.setFont(font)
        self.text.setPlainText("\n".join(lines) if lines else "")
        empty = QLabel(self.tr("No receipt was printed since the app started."))
        empty.setVisible(not lines)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(empty)
        layout.addWidget(self.text, 1)
        layout.addWidget(close)
