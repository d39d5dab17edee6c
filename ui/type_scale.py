"""One type scale for every window: the body size and the few steps above it.

Nothing a cashier reads is set smaller than BODY. The app font is BODY (apply_app_font),
so a message box, a completer drop-down or a dialog that sets no size of its own is body
size too; screens that need emphasis pick a step of this scale, never a number of their own.
"""
from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

BODY = 12        # labels, fields, tables, message boxes, drop-downs
LARGE = 14       # headings inside a screen, key figures in a list
TITLE = 16       # a dialog's main field (PIN, amount), member name
FIGURE = 22      # the amount being typed
HERO = 36        # the amount due on the selling screen
SCALE = (BODY, LARGE, TITLE, FIGURE, HERO)


def apply_app_font(app: QApplication) -> None:
    """Make BODY the application's default font size (before any window is built)."""
    font = app.font()
    font.setPointSize(BODY)
    app.setFont(font)


def set_size(widget: QWidget, points: int, bold: bool | None = None) -> None:
    """Give a widget one of the scale's sizes (and optionally bold)."""
    if points not in SCALE:
        raise ValueError(f"{points} pt is not on the type scale {SCALE}")
    font = widget.font()
    font.setPointSize(points)
    if bold is not None:
        font.setBold(bold)
    widget.setFont(font)
