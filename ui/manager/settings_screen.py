"""The settings screen: language, shop and till, head office (till.toml in the data dir)."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from pos_app.domain.errors import PosError
from pos_app.settings import Settings, with_section
from ui.context import TillContext
from ui.device_settings import DeviceSettingsScreen
from ui.error_messages import describe


class _FooterEdit(QPlainTextEdit):
    """The receipt footer: a few lines (a newline starts a new printed line)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setPlainText(text)
        self.setTabChangesFocus(True)
        lines = 3
        self.setFixedHeight(self.fontMetrics().lineSpacing() * lines
                            + int(self.document().documentMargin() * 2) + 8)

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - the QLineEdit name the screen uses
        self.setPlainText(text)


class SettingsScreen(QWidget):
    """Language, shop/till and head office of this till (TOML in the data dir); the devices
    have their own tab (ui/device_settings.py), whose on-screen values this Save keeps too."""

    language_changed = Signal(str)

    def __init__(self, ctx: TillContext, parent: QWidget | None = None,
                 devices: DeviceSettingsScreen | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._devices = devices
        s = ctx.settings
        self.language = QComboBox()
        self.language.setObjectName("languageBox")
        for code, name in (("zh_CN", "简体中文"), ("en", "English")):
            self.language.addItem(name, code)
        # No language chosen yet means Chinese (ui.i18n.choose_language).
        self.language.setCurrentIndex(max(self.language.findData(s.language or "zh_CN"), 0))
        self.fields: dict[tuple[str, str], QLineEdit] = {}
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        labels = {("shop", "shop_code"): self.tr("Shop code"),
                  ("shop", "shop_name"): self.tr("Shop name"),
                  ("shop", "address"): self.tr("Shop address"),
                  ("shop", "phone"): self.tr("Shop phone"),
                  ("shop", "till_code"): self.tr("Till code"),
                  ("shop", "receipt_footer"): self.tr("Receipt footer"),
                  ("sync", "headoffice_url"): self.tr("Head office address")}
        for (section, key), label in labels.items():
            value = str(getattr(getattr(s, section), key))
            edit = _FooterEdit(value) if key == "receipt_footer" else QLineEdit(value)
            edit.setObjectName(f"setting_{key}")
            self.fields[(section, key)] = edit
            form.addRow(label, edit)
        if devices is not None:
            # The device addresses live on the devices tab; listed here so one Save keeps
            # everything the manager changed on either tab.
            for key in ("printer_url", "msr_url", "scanner_url", "display_url"):
                self.fields[("devices", key)] = getattr(devices, key)
        self.message = QLabel()
        self.message.setWordWrap(True)
        save = QPushButton(self.tr("Save"))
        save.setObjectName("saveSettings")
        save.clicked.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(save)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def save(self) -> None:
        settings: Settings = replace(self._ctx.settings, language=self.language.currentData())
        if self._devices is not None:
            problem = self._devices.card_number_problem()
            if problem is not None:
                self.message.setText(problem)
                return
            settings = replace(settings, devices=self._devices.devices())
        for (section, key), edit in self.fields.items():
            settings = with_section(settings, section, **{key: edit.text().strip()})
        old_language = self._ctx.settings.language
        try:
            self._ctx.save_settings(settings)
        except (OSError, PosError) as exc:   # disk full, read-only dir, no credential store
            self.message.setText(describe(exc)[1])
            return
        self._ctx.settings = settings
        self.message.setText(self.tr("Saved. The shop name and receipt footer are used from the "
                                     "next receipt; device changes apply after a restart."))
        if settings.language != old_language:
            self.language_changed.emit(settings.language)
