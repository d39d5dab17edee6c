"""A receipt under construction: width-aware lines on top of the ESC/POS builder."""
from __future__ import annotations

from datetime import datetime

from receipts import layout
from receipts.escpos import Align, EscPosBuilder, PrinterProfile
from receipts.texts import ReceiptTexts


class ReceiptWriter:
    """Lays text out for one profile; every string is cleaned to what the printer can print."""

    def __init__(self, profile: PrinterProfile, texts: ReceiptTexts) -> None:
        self.profile = profile
        self.texts = texts
        self.width = profile.columns
        self.out = EscPosBuilder(profile).init()

    def clean(self, text: str) -> str:
        """One line of text as the printer can print it (a newline becomes a space)."""
        return layout.clean(" ".join(text.splitlines()), self.profile.chinese_mode,
                            self.profile.gb18030)

    def _paragraphs(self, text: str, width: int) -> list[str]:
        """Multi-line text (a footer typed in settings) wrapped line by line."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            lines += layout.wrap(layout.clean(paragraph, self.profile.chinese_mode,
                                              self.profile.gb18030), width)
        return lines

    def title(self, text: str, scale: int = 2) -> ReceiptWriter:
        """Large, bold and centred; wrapped at the enlarged width."""
        self.out.align(Align.CENTER).bold(True).size(scale, scale)
        for part in self._paragraphs(text, self.width // scale):
            self.out.line(part)
        self.out.size(1, 1).bold(False).align(Align.LEFT)
        return self

    def center(self, text: str, bold: bool = False) -> ReceiptWriter:
        if not text:
            return self
        self.out.align(Align.CENTER)
        if bold:
            self.out.bold(True)
        for part in self._paragraphs(text, self.width):
            self.out.line(part)
        if bold:
            self.out.bold(False)
        self.out.align(Align.LEFT)
        return self

    def text(self, text: str, indent: int = 0) -> ReceiptWriter:
        for part in self._paragraphs(text, self.width - indent):
            self.out.line(" " * indent + part)
        return self

    def lr(self, left: str, right: str, bold: bool = False) -> ReceiptWriter:
        if bold:
            self.out.bold(True)
        for part in layout.left_right(self.clean(left), self.clean(right), self.width):
            self.out.line(part)
        if bold:
            self.out.bold(False)
        return self

    def field(self, label: str, value: str) -> ReceiptWriter:
        """'label: value' on one line, the value right-aligned ('：' in Chinese text)."""
        return self.lr(f"{label}{self.texts.colon}", value)

    def money(self, label: str, fen: int, bold: bool = False) -> ReceiptWriter:
        return self.lr(label, self.texts.money(fen), bold=bold)

    def sep(self, char: str = "-") -> ReceiptWriter:
        self.out.line(layout.separator(self.width, char))
        return self

    def blank(self) -> ReceiptWriter:
        self.out.newline()
        return self

    def when(self, at: datetime) -> str:
        return at.strftime("%Y-%m-%d %H:%M:%S")

    def qr(self, payload: str, hint: str = "") -> ReceiptWriter:
        self.out.align(Align.CENTER).qr(payload).newline()
        if hint:
            self.out.line(layout.cut_to_width(self.clean(hint), self.width)[0])
        self.out.align(Align.LEFT)
        return self

    def signature(self, label: str) -> ReceiptWriter:
        self.blank().blank()
        self.lr(f"{label}{self.texts.colon}", "_" * max(self.width // 2, 8))
        return self

    def finish(self) -> bytes:
        """Feed past the cutter and cut as the profile says; the job's bytes."""
        self.out.cut()
        return self.out.build()
