"""Manager screens: members, products (CSV import), rule set, shift close and Z report, users, settings."""
from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)

from pos_app.domain.card import mask_mobile
from pos_app.domain.catalog import Product
from pos_app.domain.documents import ZReport
from pos_app.domain.errors import ImportRejected
from pos_app.domain.member import MemberAccount
from pos_app.domain.money import format_zhe, parse_yuan
from pos_app.domain.rules import RuleSet
from pos_app.services.auth import User
from pos_app.services.members import MemberProfile
from pos_app.settings import Settings, with_section
from ui.context import TillContext
from ui.device_settings import DeviceSettingsScreen
from ui.error_messages import describe, role_name
from ui.formatting import (card_status_name, ledger_kind_name, ledger_note_text, tender_name,
                           tier_name, yuan)
from ui.type_scale import BODY, set_size

log = logging.getLogger(__name__)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class MembersScreen(QWidget):
    """Search members; a profile with cards and passes; the points and balance ledger with receipts."""

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.query = QLineEdit()
        self.query.setObjectName("memberQuery")
        self.query.setPlaceholderText(self.tr("Mobile, card number or name"))
        self.query.returnPressed.connect(self.search)
        go = QPushButton(self.tr("Search"))
        go.clicked.connect(self.search)
        self.results = QListWidget()
        self.results.setObjectName("memberResults")
        self.results.currentItemChanged.connect(self._on_results_current_item_changed)
        self.profile = QLabel()
        self.profile.setObjectName("memberProfile")
        self.profile.setWordWrap(True)
        self.profile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.history = _table([self.tr("When"), self.tr("Ledger"), self.tr("Kind"),
                               self.tr("Points / amount"), self.tr("Receipt"), self.tr("Note")])
        self.history.setObjectName("memberHistory")
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(go)
        left = QVBoxLayout()
        left.addLayout(row)
        left.addWidget(self.results, 1)
        right = QVBoxLayout()
        right.addWidget(self.profile)
        right.addWidget(self.history, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

    def search(self) -> None:
        text = self.query.text().strip()
        checkout = self._ctx.services.checkout
        self._ctx.background.run(lambda: checkout.search_members(text, 50), self._on_search_done,
                                 lambda exc: self.profile.setText(describe(exc)[1]))

    def _on_search_done(self, members: list[MemberAccount]) -> None:
        self.results.clear()
        for m in members:
            item = QListWidgetItem(f"{m.name}  {mask_mobile(m.mobile or '')}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if not members:
            self.profile.setText(self.tr("No member found"))
        else:
            self.results.setCurrentRow(0)

    def _on_results_current_item_changed(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is None:
            return
        member_id = item.data(Qt.ItemDataRole.UserRole)
        members = self._ctx.services.members
        self._ctx.background.run(lambda: (members.profile(member_id), members.history(member_id)),
                                 self._on_profile_done,
                                 lambda exc: self.profile.setText(describe(exc)[1]))

    def _on_profile_done(self, result: tuple[MemberProfile, list]) -> None:
        profile, history = result
        a = profile.account
        try:
            rules = self._ctx.services.checkout.rules()
            tier = tier_name(rules.tier(a.tier_code), self._ctx.language)
        except Exception:  # noqa: BLE001 - an unknown tier code still shows the member
            tier = a.tier_code
        cards = "; ".join(f"{c.card_no} ({card_status_name(c.status.value)}"
                          f"{', ' + c.expires_on.isoformat() if c.expires_on else ''})"
                          for c in profile.cards)
        passes = "; ".join(f"{p.name} ×{p.uses_left}" for p in profile.passes
                           if p.uses_left > 0 and not p.refunded) or "—"
        self.profile.setText(self.tr("%1 · %2 · %3\nPoints %4 (accumulated %5) · balance %6 "
                                     "(bonus %7)\nCards: %8\nPasses: %9")
                             .replace("%1", a.name).replace("%2", mask_mobile(a.mobile or ""))
                             .replace("%3", tier).replace("%4", str(a.spendable_points))
                             .replace("%5", str(a.accumulated_points))
                             .replace("%6", yuan(a.balance_fen))
                             .replace("%7", yuan(a.balance_bonus_fen)).replace("%8", cards)
                             .replace("%9", passes))
        rows = []
        for h in history:
            if h.ledger == "points":
                ledger, change = self.tr("Points"), f"{h.first:+d}"
            else:
                ledger, change = self.tr("Balance"), yuan(h.first + h.second)
            rows.append([h.at.strftime("%Y-%m-%d %H:%M"), ledger, ledger_kind_name(h.kind),
                         change, h.receipt_no or "", ledger_note_text(h.note)])
        _fill(self.history, rows)


class ProductsScreen(QWidget):
    """Search and view products; import a CSV file (refused whole, with every bad line listed)."""

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("Name, SKU or barcode"))
        self.query.returnPressed.connect(self.search)
        go = QPushButton(self.tr("Search"))
        go.clicked.connect(self.search)
        self.import_button = QPushButton(self.tr("Import CSV…"))
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.table = _table([self.tr("SKU"), self.tr("Barcode"), self.tr("Name"),
                             self.tr("Category"), self.tr("Price"), self.tr("Kind"),
                             self.tr("Promotion")])
        self.report = QPlainTextEdit()
        self.report.setObjectName("importReport")
        self.report.setReadOnly(True)
        self.report.setMaximumHeight(160)
        row = QHBoxLayout()
        row.addWidget(self.query, 1)
        row.addWidget(go)
        row.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.report)

    def search(self) -> None:
        text = self.query.text().strip()
        checkout = self._ctx.services.checkout

        def work() -> list[Product]:
            found = checkout.search_products(text, 100)
            if not found:
                try:
                    found = [checkout.find_product(text)]
                except Exception:  # noqa: BLE001 - UnknownProduct: an empty list says it
                    found = []
            return found

        self._ctx.background.run(work, self._on_search_done,
                                 lambda exc: self.report.setPlainText(describe(exc)[1]))

    def _on_search_done(self, products: list[Product]) -> None:
        kinds = {"regular": self.tr("regular"), "special": self.tr("special price"),
                 "excluded": self.tr("excluded")}
        _fill(self.table, [[p.sku, p.barcode or "", p.name, p.category, yuan(p.price_fen),
                            kinds.get(p.kind.value, p.kind.value),
                            format_zhe(p.promo_rate_bp) + "折" if p.promo_rate_bp else ""]
                           for p in products])

    def _on_import_button_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import products"), "",
                                              self.tr("CSV files (*.csv)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        imports = self._ctx.services.imports
        manager = self._manager
        self.report.setPlainText(self.tr("Importing %1…").replace("%1", path.name))
        self._ctx.background.run(lambda: imports.import_products(manager, path.read_bytes()),
                                 self._on_import_done, self._on_import_failed)

    def _on_import_done(self, result: tuple[int, int]) -> None:
        self.report.setPlainText(self.tr("Imported: %1 added, %2 updated.")
                                 .replace("%1", str(result[0])).replace("%2", str(result[1])))

    def _on_import_failed(self, exc: Exception) -> None:
        text = describe(exc)[1]
        if isinstance(exc, ImportRejected):
            text += "\n" + "\n".join(self.tr("line %1: %2").replace("%1", str(line))
                                     .replace("%2", reason) for line, reason in exc.problems)
        self.report.setPlainText(text)


class RulesScreen(QWidget):
    """The rule set in force, read-only: tiers, points, ladder, stored value."""

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.text = QPlainTextEdit()
        self.text.setObjectName("rulesText")
        self.text.setReadOnly(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        checkout = ctx.services.checkout
        ctx.background.run(checkout.rules, self._on_rules_done,
                           lambda exc: self.text.setPlainText(describe(exc)[1]))

    def _on_rules_done(self, r: RuleSet) -> None:
        lines = [self.tr("Rule set version %1").replace("%1", str(r.version)), "",
                 self.tr("Tiers:")]
        for t in sorted(r.tiers, key=lambda t: t.rank):
            join = yuan(t.join_purchase_fen) if t.join_purchase_fen else "—"
            up = str(t.upgrade_points) if t.upgrade_points else "—"
            lines.append("  " + self.tr("%1: pays %2折 · joins with a purchase of %3 · "
                                        "upgrade at %4 accumulated points")
                         .replace("%1", tier_name(t, self._ctx.language))
                         .replace("%2", format_zhe(t.discount_bp)).replace("%3", join)
                         .replace("%4", up))
        lines += ["", self.tr("1 point per %1 of eligible spend; %2 bonus points when a sale "
                              "earns %3 or more; lottery when the balance ends in %4.")
                  .replace("%1", yuan(r.points_unit_fen)).replace("%2", str(r.bonus_points))
                  .replace("%3", str(r.bonus_threshold_points))
                  .replace("%4", str(r.lottery_digit)),
                  self.tr("Gift ladder: %1 points for a gift up to %2, every further %3 points "
                          "add %4.").replace("%1", str(r.ladder_first_points))
                  .replace("%2", yuan(r.ladder_first_cap_fen))
                  .replace("%3", str(r.ladder_step_points))
                  .replace("%4", yuan(r.ladder_step_cap_fen)),
                  self.tr("Points as cash: %1 points = ¥1.00, at most %2% of a sale.")
                  .replace("%1", str(r.points_per_yuan))
                  .replace("%2", str(r.points_cash_cap_bp // 100)),
                  self.tr("Stored value: member PIN above %1.")
                  .replace("%1", yuan(r.stored_value_pin_threshold_fen))]
        for b in r.topup_bonuses:
            lines.append("  " + self.tr("Top up %1, get %2 bonus.")
                         .replace("%1", yuan(b.min_topup_fen)).replace("%2", yuan(b.bonus_fen)))
        for role, limit in r.manual_discount_limit_bp:
            lines.append("  " + self.tr("Manual discount limit for %1: %2%")
                         .replace("%1", role_name(role)).replace("%2", str(limit // 100)))
        self.text.setPlainText("\n".join(lines))


class ShiftScreen(QWidget):
    """The Z report so far, and closing the shift with the counted cash."""

    closed = Signal(object)   # ZReport
    printed = Signal(object)  # PrintResult of the Z report
    pdf_saved = Signal(str)

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.report: ZReport | None = None
        self.counted = QLineEdit()
        self.counted.setObjectName("countedCash")
        self.counted.setPlaceholderText(self.tr("Cash counted in the drawer, e.g. 1234.50"))
        self.preview_button = QPushButton(self.tr("Show Z report so far"))
        self.preview_button.clicked.connect(self.preview)
        self.close_button = QPushButton(self.tr("Close shift"))
        self.close_button.setObjectName("closeShift")
        self.close_button.clicked.connect(self.close_shift)
        self.print_button = QPushButton(self.tr("Print Z report"))
        self.print_button.setObjectName("printZ")
        self.print_button.clicked.connect(self.print_report)
        self.pdf_button = QPushButton(self.tr("Save Z report as PDF…"))
        self.pdf_button.setObjectName("pdfZ")
        self.pdf_button.clicked.connect(self.save_pdf)
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(False)
        # The cash difference, large: red when the drawer is short, green when over.
        self.difference = QLabel()
        self.difference.setObjectName("cashDifference")
        self.difference.hide()
        self.held_warning = QLabel()
        self.held_warning.setObjectName("heldWarning")
        self.held_warning.setWordWrap(True)
        self.held_warning.setStyleSheet("QLabel { color: #e65100; font-weight: bold; }")
        self.held_warning.hide()
        self.message = QLabel()
        self.message.setObjectName("shiftMessage")
        self.message.setWordWrap(True)
        self.confirm_box: QMessageBox | None = None
        self.text = QPlainTextEdit()
        self.text.setObjectName("zReport")
        self.text.setReadOnly(True)
        f = self.text.font()
        f.setPointSize(12)
        self.text.setFont(f)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Counted cash ¥")))
        row.addWidget(self.counted, 1)
        row.addWidget(self.preview_button)
        row.addWidget(self.close_button)
        out = QHBoxLayout()
        out.addWidget(self.difference, 1)
        out.addWidget(self.print_button)
        out.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.held_warning)
        layout.addLayout(out)
        layout.addWidget(self.message)
        layout.addWidget(self.text, 1)

    def preview(self) -> None:
        shifts = self._ctx.services.shifts
        self._ctx.background.run(shifts.z_report, self._show,
                                 lambda exc: self.text.setPlainText(describe(exc)[1]))

    def close_shift(self, counted_text: str | None = None) -> None:
        """Ask to confirm with the expected cash, the difference and any held basket, then
        close the shift (the confirmation is `confirm_box`; its default button closes)."""
        text = counted_text if isinstance(counted_text, str) else self.counted.text()
        try:
            counted = parse_yuan(text)
        except Exception as exc:  # noqa: BLE001 - InvalidAmount
            self.text.setPlainText(describe(exc)[1])
            return
        shifts = self._ctx.services.shifts
        self._ctx.background.run(lambda: shifts.z_report(counted),
                                 lambda z: self._confirm_close(z, counted),
                                 self._on_close_failed)

    def _confirm_close(self, z: ZReport, counted: int) -> None:
        self._show(z)
        diff = z.cash_difference_fen or 0
        lines = [self.tr("Expected cash %1, counted %2.").replace("%1", yuan(z.expected_cash_fen))
                 .replace("%2", yuan(counted)), self._difference_text(diff)]
        if z.held_baskets:
            lines.append(self.tr("%1 basket(s) are still on hold: they stay on hold and are "
                                 "listed on the Z report.").replace("%1", str(len(z.held_baskets))))
        box = QMessageBox(QMessageBox.Icon.Warning if diff < 0 or z.held_baskets
                          else QMessageBox.Icon.Question, self.tr("Close the shift?"),
                          "\n".join(lines), QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("closeShiftConfirm")
        box.setStyleSheet("QLabel, QPushButton { font-size: 14pt; }")
        yes = box.addButton(self.tr("Close shift"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(self.tr("Back"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(back)
        box.buttonClicked.connect(lambda b: b is yes and self._close_confirmed(counted))
        self.confirm_box = box
        box.open()

    def _close_confirmed(self, counted: int) -> None:
        shifts = self._ctx.services.shifts
        manager = self._manager
        self.close_button.setEnabled(False)
        self._ctx.background.run(lambda: shifts.close(manager, counted), self._on_close_done,
                                 self._on_close_failed)

    def _on_close_done(self, report: ZReport) -> None:
        self._show(report)
        self.closed.emit(report)

    def _on_close_failed(self, exc: Exception) -> None:
        self.close_button.setEnabled(True)
        self.text.setPlainText(describe(exc)[1])

    def _difference_text(self, diff: int) -> str:
        if diff < 0:
            return self.tr("Short by %1").replace("%1", yuan(-diff))
        if diff > 0:
            return self.tr("Over by %1").replace("%1", yuan(diff))
        return self.tr("The drawer balances.")

    def print_report(self) -> None:
        """Print the Z report shown (closed or so far) on the receipt printer."""
        printer = self._ctx.extra.get("print_z")
        report = self.report
        if report is None or not callable(printer):
            return

        def done(result: object) -> None:
            if getattr(result, "configured", True) is False:
                self.message.setText(self.tr("No receipt printer is set up: save the Z report "
                                             "as a PDF instead."))
            elif getattr(result, "printed", False):
                self.message.setText(self.tr("Z report printed."))
            else:
                self.message.setText(self.tr("The printer did not print the Z report; it waits "
                                             "for reprint (F9)."))
            self.printed.emit(result)

        self._ctx.background.run(lambda: printer(report), done,
                                 lambda exc: self.message.setText(describe(exc)[1]),
                                 lane="device")

    def save_pdf(self, path: str | None = None) -> None:
        """Save the Z report shown as an A4 PDF (asks where, unless a path is given)."""
        render = self._ctx.extra.get("z_report_pdf")
        report = self.report
        if report is None or not callable(render):
            return
        if not isinstance(path, str):
            default = str(Path.home() / f"Z-{report.till_code}-{report.opened_at:%Y%m%d-%H%M}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save Z report as PDF"), default,
                                                  self.tr("PDF files (*.pdf)"))
            if not path:
                return
        target = Path(path)

        def work() -> Path:
            target.write_bytes(render(report))
            return target

        def done(saved: Path) -> None:
            self.message.setText(self.tr("Z report saved as %1").replace("%1", str(saved)))
            self.pdf_saved.emit(str(saved))

        self._ctx.background.run(work, done, lambda exc: self.message.setText(describe(exc)[1]))

    def _show(self, z: ZReport) -> None:
        self.report = z
        out = [self.tr("Z report · shop %1 · till %2 · %3").replace("%1", z.shop_code)
               .replace("%2", z.till_code).replace("%3", z.cashier_name),
               self.tr("Opened %1").replace("%1", z.opened_at.strftime("%Y-%m-%d %H:%M")),
               self.tr("Closed %1").replace("%1", z.closed_at.strftime("%Y-%m-%d %H:%M"))
               if z.closed_at else self.tr("Still open"), "",
               self.tr("Sales: %1, total %2").replace("%1", str(z.sales_count))
               .replace("%2", yuan(z.sales_total_fen)),
               self.tr("Returns: %1, total %2").replace("%1", str(z.returns_count))
               .replace("%2", yuan(z.returns_total_fen)),
               self.tr("Discounts given: %1").replace("%1", yuan(z.discounts_fen)),
               self.tr("Member sales: %1").replace("%1", str(z.member_sales_count)), ""]
        for t in z.tenders:
            out.append(f"  {tender_name(t.kind)}: {t.count} · {yuan(t.amount_fen)}")
        for t in z.refunds_by_tender:
            out.append("  " + self.tr("refund") + f" {tender_name(t.kind)}: {t.count} · "
                       f"{yuan(t.amount_fen)}")
        out += ["", self.tr("Points issued %1, redeemed %2").replace("%1", str(z.points_issued))
                .replace("%2", str(z.points_redeemed)),
                self.tr("Stored value: topped up %1 (bonus %2), spent %3, refunded %4")
                .replace("%1", yuan(z.stored_value_topped_up_fen))
                .replace("%2", yuan(z.stored_value_bonus_fen))
                .replace("%3", yuan(z.stored_value_spent_fen))
                .replace("%4", yuan(z.stored_value_refunded_fen)),
                self.tr("Float %1 · pay-ins %2 · pay-outs %3")
                .replace("%1", yuan(z.opening_float_fen)).replace("%2", yuan(z.pay_ins_fen))
                .replace("%3", yuan(z.pay_outs_fen)), "",
                self.tr("Expected cash in drawer: %1").replace("%1", yuan(z.expected_cash_fen))]
        if z.counted_cash_fen is not None:
            diff = z.cash_difference_fen or 0
            out.append(self.tr("Counted: %1 · difference %2")
                       .replace("%1", yuan(z.counted_cash_fen)).replace("%2", yuan(diff)))
            colour = "#b71c1c" if diff < 0 else "#1b5e20" if diff > 0 else "#37474f"
            self.difference.setStyleSheet("QLabel { font-size: 20pt; font-weight: bold; "
                                          f"color: {colour}; }}")
            self.difference.setText(self._difference_text(diff))
            self.difference.show()
        else:
            self.difference.hide()
        if z.held_baskets:
            out += ["", self.tr("Still on hold: %1").replace("%1", str(len(z.held_baskets)))]
            for h in z.held_baskets:
                out.append("  " + self.tr("%1 · %2 item(s) · %3 %4")
                           .replace("%1", h.held_at.strftime("%H:%M"))
                           .replace("%2", str(h.item_count))
                           .replace("%3", "" if h.total_fen is None else yuan(h.total_fen))
                           .replace("%4", h.member_name).rstrip())
            self.held_warning.setText(self.tr("%1 basket(s) are still on hold: recall them (F6) "
                                              "or they stay on hold into the next shift.")
                                      .replace("%1", str(len(z.held_baskets))))
            self.held_warning.show()
        else:
            self.held_warning.hide()
        for b in (self.print_button, self.pdf_button):
            b.setEnabled(True)
        self.text.setPlainText("\n".join(out))


class UsersScreen(QWidget):
    """Add users, reset PINs, change roles (admins only) — each checked by the auth service."""

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._manager = manager
        self.table = _table([self.tr("User"), self.tr("Name"), self.tr("Role")])
        self.table.setObjectName("usersTable")
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.role = QComboBox()
        for role in ("cashier", "manager", "admin"):
            self.role.addItem(role_name(role), role)
        self.pin = QLineEdit()
        self.pin.setProperty("secret", True)  # keyboard-wedge capture pauses here
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("usersMessage")
        self.message.setWordWrap(True)
        add = QPushButton(self.tr("Add user"))
        add.clicked.connect(self.add_user)
        reset = QPushButton(self.tr("Reset PIN"))
        reset.clicked.connect(self.reset_pin)
        set_role = QPushButton(self.tr("Set role"))
        set_role.clicked.connect(self.set_role)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Display name"), self.display_name)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("PIN (4-8 digits)"), self.pin)
        buttons = QHBoxLayout()
        for b in (add, reset, set_role):
            buttons.addWidget(b)
        layout = QHBoxLayout(self)
        layout.addWidget(self.table, 1)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.message)
        right.addStretch(1)
        layout.addLayout(right, 1)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        self.reload()

    def reload(self) -> None:
        auth = self._ctx.services.auth
        self._ctx.background.run(auth.users, self._on_users_done, self._on_failed)

    def _on_users_done(self, users: list[User]) -> None:
        _fill(self.table, [[u.username, u.display_name, role_name(u.role)] for u in users])

    def _on_table_item_selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.username.setText(self.table.item(rows[0].row(), 0).text())

    def _call(self, fn, ok_text: str) -> None:  # noqa: ANN001
        def done(_result: object) -> None:
            self.message.setText(ok_text)
            self.pin.clear()
            self.reload()
        self._ctx.background.run(fn, done, self._on_failed)

    def add_user(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, n, r, p = (self.username.text().strip(), self.display_name.text().strip(),
                      self.role.currentData(), self.pin.text())
        self._call(lambda: auth.add_user(actor, u, n, r, p),
                   self.tr("User %1 added.").replace("%1", u))

    def reset_pin(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, p = self.username.text().strip(), self.pin.text()
        self._call(lambda: auth.reset_pin(actor, u, p),
                   self.tr("PIN of %1 reset.").replace("%1", u))

    def set_role(self) -> None:
        auth, actor = self._ctx.services.auth, self._manager
        u, r = self.username.text().strip(), self.role.currentData()
        self._call(lambda: auth.set_role(actor, u, r),
                   self.tr("Role of %1 changed.").replace("%1", u))

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(describe(exc)[1])


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
        except Exception as exc:  # noqa: BLE001 - disk full, read-only dir: say so
            self.message.setText(describe(exc)[1])
            return
        self._ctx.settings = settings
        self.message.setText(self.tr("Saved. The shop name and receipt footer are used from the "
                                     "next receipt; device changes apply after a restart."))
        if settings.language != old_language:
            self.language_changed.emit(settings.language)


class ManagerDialog(QDialog):
    """All manager screens in tabs, opened after a manager confirmed with their PIN."""

    shift_closed = Signal()
    language_changed = Signal(str)

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerDialog")
        self.setWindowTitle(self.tr("Manager · %1").replace("%1", manager.display_name))
        self.setMinimumSize(900, 600)
        set_size(self, BODY)
        self.tabs = QTabWidget()
        self.members = MembersScreen(ctx)
        self.products = ProductsScreen(ctx, manager)
        self.rules = RulesScreen(ctx)
        self.shift = ShiftScreen(ctx, manager)
        self.users = UsersScreen(ctx, manager)
        self.devices = DeviceSettingsScreen(ctx)
        self.settings = SettingsScreen(ctx, devices=self.devices)
        from ui.card_screens import MemberCardsScreen
        self.cards = MemberCardsScreen(ctx, manager)
        self.reports: QWidget | None = None
        if ctx.services.reports is not None:
            from ui.reports_screen import ReportsScreen
            self.reports = ReportsScreen(ctx, manager)
        for widget, title in ((self.members, self.tr("Members")),
                              (self.cards, self.tr("Member cards")),
                              (self.products, self.tr("Products")),
                              (self.rules, self.tr("Rule set")),
                              (self.shift, self.tr("Shift close")),
                              (self.users, self.tr("Users")),
                              (self.settings, self.tr("Settings")),
                              (self.devices, self.tr("Devices"))):
            self.tabs.addTab(widget, title)
        if self.reports is not None:
            self.tabs.insertTab(3, self.reports, self.tr("Reports"))
        self.shift.closed.connect(lambda _z: self.shift_closed.emit())
        self.settings.language_changed.connect(self.language_changed)
        close = QPushButton(self.tr("Close (Esc)"))
        close.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
