"""Top-up packages (储值套餐) at the till: sell one (from the card screen or Ctrl+T on the
selling screen) and refund one (a manager, on the card screen).

The sell dialog lists the packages in force with what each gives — bonus money, points,
coupons, a count pass, a tier upgrade — and takes the payment method; the refund dialog lists
the member's package sales and shows, before anything is booked, what the refund pays back,
what the member keeps (coupons used, bonus spent, pass visits) and what is taken back, or why
it cannot be refunded (which part was already spent). Both follow CardActionDialog: OK asks
the screen to run the service, the dialog stays open with the reason if it fails.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from pos_app.domain.errors import ValidationFailed
from pos_app.domain.packages import PackageNotRefundable, PackagePart
from pos_app.domain.tenders import TOP_UP_TENDERS, TenderKind
from pos_app.services.packages import (
    PackageOffer,
    PackageRefunded,
    PackageSaleView,
)
from ui.card_dialogs import GREEN, RED, CardActionDialog, tint
from ui.formatting import tender_name, tr_fill, yuan


class _PackageDialog(CardActionDialog):
    def _tender_box(self, name: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        for kind in TOP_UP_TENDERS:
            box.addItem(tender_name(kind), kind.value)
        return box

    def fail(self, exc: BaseException) -> None:
        text = package_error_text(exc)
        if text is None:
            super().fail(exc)
            return
        self.buttons.setEnabled(True)
        self.message.setText(text)


def package_error_text(exc: BaseException) -> str | None:
    """What the cashier reads for a package that cannot be sold or refunded (None: the card
    screens' usual text applies)."""
    if isinstance(exc, PackageNotRefundable):
        if exc.part is PackagePart.POINTS:
            return tr_fill("PackageDialog", "Cannot refund: the package's %1 points were "
                           "already spent (%2 left). Nothing was changed.").args(
                exc.given, exc.left)
        if exc.part is PackagePart.MONEY:
            return tr_fill("PackageDialog", "Cannot refund: the package's paid-in money %1 was "
                           "already spent (%2 left on the card). Nothing was changed.").args(
                yuan(exc.given), yuan(exc.left))
        return tr_fill("PackageDialog", "This package sale was already refunded.")
    if isinstance(exc, ValidationFailed) and exc.field == "package":
        return tr_fill("PackageDialog", "Not possible: %1").args(exc.reason)
    return None


class PackageSellDialog(_PackageDialog):
    """储值套餐: pick a package in force; what it gives is shown before selling."""

    def __init__(self, offers: Sequence[PackageOffer], language: str = "zh_CN",
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Top-up package (储值套餐)"), self.tr("Sell package"), parent)
        self.setObjectName("packageSellDialog")
        self._offers = list(offers)
        self._zh = language.startswith("zh")
        self.list = QListWidget()
        self.list.setObjectName("packageList")
        for o in self._offers:
            item = QListWidgetItem(f"{o.package.name} · {yuan(o.package.amount_fen)}")
            item.setData(Qt.ItemDataRole.UserRole, o.package.id)
            if o.missing:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self.list.setMinimumHeight(120)
        self.gives = QLabel()
        self.gives.setObjectName("packageGives")
        self.gives.setWordWrap(True)
        tint(self.gives, GREEN)
        self.tender = self._tender_box("packageTender")
        self.reference = QLineEdit()
        self.reference.setObjectName("packageReference")
        self.reference.setPlaceholderText(self.tr("Bank slip or payment number (not for cash)"))
        self.form.addRow(self.tr("Package"), self.list)
        self.form.addRow(self.tr("It gives"), self.gives)
        self.form.addRow(self.tr("Paid by"), self.tender)
        self.form.addRow(self.tr("Reference"), self.reference)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        if not self._offers:
            # In the list itself: the screens put the member's line in the note above.
            empty = QListWidgetItem(self.tr("No top-up package is in force: head office "
                                            "publishes them (sync first)."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)
        first = next((i for i, o in enumerate(self._offers) if not o.missing), None)
        if first is not None:
            self.list.setCurrentRow(first)
        else:
            self._on_list_current_row_changed(-1)

    def offer(self) -> PackageOffer | None:
        row = self.list.currentRow()
        return self._offers[row] if 0 <= row < len(self._offers) else None

    def package_id(self) -> str:
        o = self.offer()
        return o.package.id if o else ""

    def tender_kind(self) -> TenderKind:
        return TenderKind(self.tender.currentData())

    def describe(self, o: PackageOffer) -> str:
        p = o.package
        lines = [self.tr("Pay %1 · the card gets %2").replace("%1", yuan(p.amount_fen))
                 .replace("%2", yuan(p.amount_fen + p.bonus_fen))]
        if p.bonus_fen:
            lines.append(self.tr("Bonus money %1 (not refundable)").replace("%1",
                                                                            yuan(p.bonus_fen)))
        if p.points:
            lines.append(self.tr("%1 points").replace("%1", str(p.points)))
        for name, n in o.coupons:
            lines.append(self.tr("Coupon %1 × %2").replace("%1", name).replace("%2", str(n)))
        if o.pass_name:
            lines.append(self.tr("Count pass %1: %2 uses").replace("%1", o.pass_name)
                         .replace("%2", str(o.pass_uses)))
        if p.upgrade_tier:
            lines.append(self.tr("Tier upgrade to %1").replace(
                "%1", (o.tier_zh if self._zh else o.tier_en) or p.upgrade_tier))
        if o.missing:
            lines.append(self.tr("Not on this till yet: %1 (sync first)").replace("%1",
                                                                                 o.missing))
        return "\n".join(lines)

    def _on_list_current_row_changed(self, _row: int) -> None:
        o = self.offer()
        self.gives.setText(self.describe(o) if o else "—")
        self.ok_button.setEnabled(o is not None and not o.missing)

    def check(self) -> None:
        o = self.offer()
        if o is None:
            raise ValidationFailed("package", "choose a package")
        if o.missing:
            raise ValidationFailed("package", f"{o.missing} is not on this till yet")


class PackageRefundDialog(_PackageDialog):
    """退套餐: a sold package reversed part by part; the preview shows what happens first."""

    def __init__(self, sales: Sequence[PackageSaleView],
                 preview: Callable[[str], PackageRefunded],
                 run: Callable[[Callable[[], Any], Callable[[Any], None],
                                Callable[[Exception], None]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Refund a top-up package (退套餐)"), self.tr("Refund package"),
                         parent)
        self.setObjectName("packageRefundDialog")
        self._sales = list(sales)
        self._preview_fn = preview
        self._run = run
        self.preview_ok = False
        self.list = QListWidget()
        self.list.setObjectName("packageSales")
        for s in self._sales:
            text = f"{s.package.name} · {yuan(s.package.amount_fen)} · {s.sold_at:%Y-%m-%d %H:%M}"
            if s.refunded_at is not None:
                text += " · " + self.tr("refunded %1").replace(
                    "%1", f"{s.refunded_at:%Y-%m-%d}")
            item = QListWidgetItem(text)
            if s.refunded_at is not None:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self.list.setMinimumHeight(100)
        self.preview = QLabel("—")
        self.preview.setObjectName("packageRefundPreview")
        self.preview.setWordWrap(True)
        self.tender = self._tender_box("packageRefundTender")
        self.form.addRow(self.tr("Package sale"), self.list)
        self.form.addRow(self.tr("The refund"), self.preview)
        self.form.addRow(self.tr("Paid back by"), self.tender)
        tint(self.ok_button, RED)
        self.ok_button.setEnabled(False)
        self.list.currentRowChanged.connect(self._on_list_current_row_changed)
        if not any(s.refunded_at is None for s in self._sales):
            self.set_note(self.tr("This member has no package sale at this till to refund."))
        first = next((i for i, s in enumerate(self._sales) if s.refunded_at is None), None)
        if first is not None:
            self.list.setCurrentRow(first)

    def sale(self) -> PackageSaleView | None:
        row = self.list.currentRow()
        return self._sales[row] if 0 <= row < len(self._sales) else None

    def sale_id(self) -> str:
        s = self.sale()
        return s.sale_id if s else ""

    def tender_kind(self) -> TenderKind:
        return TenderKind(self.tender.currentData())

    def _on_list_current_row_changed(self, _row: int) -> None:
        s = self.sale()
        self.preview_ok = False
        self.ok_button.setEnabled(False)
        self.message.clear()
        if s is None or s.refunded_at is not None:
            self.preview.setText("—")
            return
        self.preview.setText(self.tr("Working out the refund…"))
        sale_id = s.sale_id
        self._run(lambda: self._preview_fn(sale_id),
                  lambda back: self._show_preview(sale_id, back),
                  lambda exc: self._preview_failed(sale_id, exc))

    def _show_preview(self, sale_id: str, back: PackageRefunded) -> None:
        if sale_id != self.sale_id():
            return
        lines = [self.tr("Paid back: %1").replace("%1", yuan(back.cash_fen))]
        if back.kept_fen:
            parts = []
            if back.coupons_used_fen:
                parts.append(self.tr("coupons used %1").replace("%1",
                                                                yuan(back.coupons_used_fen)))
            if back.bonus_spent_fen:
                parts.append(self.tr("bonus spent %1").replace("%1", yuan(back.bonus_spent_fen)))
            if back.pass_used_fen:
                parts.append(self.tr("pass visits used %1").replace("%1",
                                                                    yuan(back.pass_used_fen)))
            lines.append(self.tr("Kept out of the refund: %1 (%2)")
                         .replace("%1", yuan(back.kept_fen)).replace("%2", ", ".join(parts)))
        if back.points_taken:
            lines.append(self.tr("Points taken back: %1").replace("%1", str(back.points_taken)))
        if back.coupons_revoked:
            lines.append(self.tr("Unused coupons withdrawn: %1").replace(
                "%1", str(len(back.coupons_revoked))))
        if back.pass_uses_revoked:
            lines.append(self.tr("Count pass closed: %1 unused uses").replace(
                "%1", str(back.pass_uses_revoked)))
        if back.tier_back_to:
            lines.append(self.tr("Tier back to %1").replace("%1", back.tier_back_to))
        lines.append(self.tr("Bonus money is taken back and never paid out."))
        tint(self.preview, GREEN)
        self.preview.setText("\n".join(lines))
        self.preview_ok = True
        self.ok_button.setEnabled(True)

    def _preview_failed(self, sale_id: str, exc: Exception) -> None:
        if sale_id != self.sale_id():
            return
        tint(self.preview, RED)
        self.preview.setText(package_error_text(exc) or str(exc))
        self.ok_button.setEnabled(False)

    def check(self) -> None:
        if not self.preview_ok:
            raise ValidationFailed("package", "choose a package sale that can be refunded")

