"""The selling screen: basket, input line, totals, member panel and the function keys."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QCompleter, QFrame, QGridLayout, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QLineEdit, QPushButton,
                               QSizePolicy, QTableView, QVBoxLayout, QWidget)

from pos_app.domain.catalog import Product
from pos_app.domain.coupons import coupon_code_from_scan, is_coupon_code
from pos_app.domain.errors import CardNotUsable, InvalidAmount, UnknownProduct, ValidationFailed
from pos_app.domain.input_routing import InputKind
from pos_app.domain.member_code import MemberCodeRefused
from pos_app.domain.money import parse_rate
from pos_app.domain.sale import CompletedSale
from pos_app.services.selling import BasketView, SellingSession
from ui.basket_table_model import BasketTableModel
from ui.context import PrintResult, TillContext
from ui.error_messages import card_problem, printer_problem, show_error, show_message
from ui.formatting import yuan
from ui.manager_auth_dialog import with_role
from ui.member_code_text import member_code_problem
from ui.member_panel import MemberPanelWidget
from ui.wedge import make_capture_field

log = logging.getLogger(__name__)


class SellingScreen(QWidget):
    """One basket at a time; every session call runs on the background 'till' lane in order."""

    view_shown = Signal(object)          # BasketView, after the table and panel were redrawn
    sale_completed = Signal(object)      # CompletedSale
    print_finished = Signal(object)      # PrintResult
    status_message = Signal(str)
    pdf_saved = Signal(str)
    topped_up = Signal(object)          # StoredValueSlip
    manager_requested = Signal()
    logout_requested = Signal()

    def __init__(self, ctx: TillContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.session: SellingSession = ctx.services.selling.new_session()
        self.view: BasketView | None = None
        self.last_sale: CompletedSale | None = None
        self.last_print: PrintResult | None = None
        self.dialog: QWidget | None = None      # the dialog opened last (tests drive it)
        self.setObjectName("sellingScreen")
        self.model = BasketTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("basketTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        font = self.table.font()
        font.setPointSize(12)
        self.table.setFont(font)
        self.table.verticalHeader().setDefaultSectionSize(28)
        header = self.table.horizontalHeader()
        hf = header.font()
        hf.setPointSize(12)
        hf.setBold(True)
        header.setFont(hf)
        # Fixed widths measured once: ResizeToContents would re-measure every cell on each scan.
        metrics = self.table.fontMetrics()
        header_metrics = header.fontMetrics()
        samples = {BasketTableModel.COL_NO: "99", BasketTableModel.COL_BARCODE: "6900000000000",
                   BasketTableModel.COL_QTY: "999", BasketTableModel.COL_PRICE: "¥9999.00",
                   BasketTableModel.COL_REASON: "促销8折+会员8.8折",
                   BasketTableModel.COL_AMOUNT: "¥9999.00"}
        header.setMinimumSectionSize(20)
        for col in range(BasketTableModel.COLUMNS):
            if col == BasketTableModel.COL_NAME:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
                continue
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(samples[col]),
                        header_metrics.horizontalAdvance(title)) + 12
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        # The name column must show a long product name (17 characters) whole; on a narrow
        # screen (1024×768) the barcode column gives way (the barcode is in the name's tooltip).
        self._name_min_width = metrics.horizontalAdvance("可口可乐零度无糖汽水饮料330ml") + 12
        self._barcode_width = header.sectionSize(BasketTableModel.COL_BARCODE)

        self.input = QLineEdit()
        self.input.setObjectName("itemInput")
        self.input.setPlaceholderText(self.tr("Scan or type a barcode, SKU, 3*code or a name; "
                                              "Enter on an empty line pays"))
        make_capture_field(self.input)
        f = self.input.font()
        f.setPointSize(16)
        self.input.setFont(f)
        self.input.setMinimumHeight(44)
        self.input.returnPressed.connect(self._on_input_return_pressed)
        self.input.textEdited.connect(self._on_input_text_edited)
        self._search_model = QStringListModel(self)
        self._search_hits: dict[str, Product] = {}
        self.completer = QCompleter(self._search_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        # The store already chose the hits (name, SKU or pinyin initials such as "nrg" for
        # 牛肉干): show them all, do not filter them again by the typed text.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.activated.connect(self._on_completer_activated)
        self.input.setCompleter(self.completer)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)

        self.banner = QLabel()
        self.banner.setObjectName("saleBanner")
        self.banner.setWordWrap(True)
        self.banner.hide()
        # After a sale or a return: what to hand back, large, until the next scan or card.
        self.money_panel = QLabel()
        self.money_panel.setObjectName("moneyPanel")
        self.money_panel.setWordWrap(True)
        self.money_panel.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.money_panel.setStyleSheet("QLabel { font-size: 30pt; font-weight: bold; "
                                       "color: #1b5e20; background: #e8f5e9; padding: 6px; "
                                       "border-radius: 6px; }")
        self.money_panel.hide()
        # Shown when a receipt did not reach paper: look at it, or keep it as a PDF.
        self.preview_button = QPushButton(self.tr("Preview receipt (Ctrl+P)"))
        self.preview_button.setObjectName("previewButton")
        self.pdf_button = QPushButton(self.tr("Save receipt as PDF…"))
        self.pdf_button.setObjectName("pdfButton")
        for b in (self.preview_button, self.pdf_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(40)
            pf = b.font()
            pf.setPointSize(13)
            b.setFont(pf)
        self.preview_button.clicked.connect(self.open_receipt_preview)
        self.pdf_button.clicked.connect(self.save_receipt_pdf)
        self.print_actions = QWidget()
        pa = QHBoxLayout(self.print_actions)
        pa.setContentsMargins(0, 0, 0, 0)
        pa.addWidget(self.preview_button)
        pa.addWidget(self.pdf_button)
        pa.addStretch(1)
        self.print_actions.hide()

        self.member_panel = MemberPanelWidget(ctx.language)
        totals = QFrame()
        totals.setObjectName("totals")
        totals.setFrameShape(QFrame.Shape.StyledPanel)
        tgrid = QGridLayout(totals)
        self.subtotal_label = QLabel()
        self.discount_label = QLabel()
        self.due_label = QLabel()
        self.due_label.setObjectName("dueLabel")
        self.count_label = QLabel()
        for lab in (self.subtotal_label, self.discount_label, self.count_label):
            lf = lab.font()
            lf.setPointSize(14)
            lab.setFont(lf)
            lab.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        df = self.due_label.font()
        df.setPointSize(36)
        df.setBold(True)
        self.due_label.setFont(df)
        self.due_label.setStyleSheet("color: #b71c1c;")
        self.due_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        captions = (self.tr("Items"), self.tr("Subtotal"), self.tr("Discounts"), self.tr("Due"))
        for row, (cap, lab) in enumerate(zip(captions, (self.count_label, self.subtotal_label,
                                                        self.discount_label, self.due_label))):
            c = QLabel(cap)
            cf = c.font()
            cf.setPointSize(14 if row < 3 else 18)
            c.setFont(cf)
            tgrid.addWidget(c, row, 0)
            tgrid.addWidget(lab, row, 1)

        self.keys: dict[str, QPushButton] = {}
        keybar = QGridLayout()
        keybar.setSpacing(4)
        actions: list[tuple[str, str, str, Callable[[], None]]] = [
            ("member", "F2", self.tr("Member"), self.open_member_dialog),
            ("qty", "F3", self.tr("Quantity"), self.change_quantity),
            ("delete", "F4", self.tr("Delete line"), self.delete_line),
            ("hold", "F5", self.tr("Hold"), self.hold),
            ("recall", "F6", self.tr("Recall"), self.open_recall_dialog),
            ("return", "F7", self.tr("Return"), self.open_return_dialog),
            ("discount", "F8", self.tr("Discount"), self.open_discount_dialog),
            ("reprint", "F9", self.tr("Reprint"), self.reprint),
            ("redeem", "F10", self.tr("Redeem"), self.open_redeem_dialog),
            ("drawer", "F11", self.tr("Open drawer"), self.open_drawer),
            ("pay", "F12", self.tr("Pay"), self.open_payment),
            ("topup", "Ctrl+T", self.tr("Top up"), self.open_top_up),
            ("preview", "Ctrl+P", self.tr("Last receipt"), self.open_receipt_preview),
            ("manager", "Ctrl+M", self.tr("Manager"), self.manager_requested.emit),
            ("logout", "Ctrl+L", self.tr("Log out"), self.logout_requested.emit),
            ("coupon", "Ctrl+Q", self.tr("Coupon"), self.open_coupon_dialog),
        ]
        for i, (key, seq, text, slot) in enumerate(actions):
            button = QPushButton(f"{seq}\n{text}")
            button.setObjectName(f"key_{key}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setMinimumHeight(54)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            bf = button.font()
            bf.setPointSize(12)
            button.setFont(bf)
            if key == "pay":
                button.setStyleSheet("background: #2e7d32; color: white; font-weight: bold;")
            button.clicked.connect(slot)
            keybar.addWidget(button, i // 8, i % 8)
            shortcut = QShortcut(QKeySequence(seq), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
            self.keys[key] = button

        left = QVBoxLayout()
        left.addWidget(self.input)
        left.addWidget(self.money_panel)
        left.addWidget(self.banner)
        left.addWidget(self.print_actions)
        left.addWidget(self.table, 1)
        right = QVBoxLayout()
        right.addWidget(self.member_panel, 1)
        right.addWidget(totals)
        top = QHBoxLayout()
        top.addLayout(left, 3)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addLayout(keybar)
        self._show(self.session.view())
        self.input.setFocus()

    # -- running session calls in order ---------------------------------------------------
    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[Exception], None] | None = None) -> None:
        self._ctx.background.run(fn, on_done or self._show,
                                 on_error or (lambda exc: show_error(self, exc)))

    def _show(self, view: BasketView) -> None:
        self.view = view
        self.model.set_lines(view.lines)
        if view.lines:
            self.table.scrollToBottom()
            self.table.selectRow(len(view.lines) - 1)
        self.member_panel.show_view(view, self.session.rules)
        b = view.basket
        self.count_label.setText(str(sum(line.qty for line in view.lines)))
        self.subtotal_label.setText(yuan(b.subtotal_fen))
        self.discount_label.setText(yuan(-b.discount_fen) if b.discount_fen else yuan(0))
        self.due_label.setText(yuan(view.total_fen))
        self.view_shown.emit(view)

    def _next_customer(self) -> None:
        """The next action after a sale or return: the change and the print note go away."""
        self.banner.hide()
        self.money_panel.hide()
        self.print_actions.hide()
        self.member_panel.clear_problem()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Hide the barcode column when the name column would be too narrow for a long name."""
        header = self.table.horizontalHeader()
        col = BasketTableModel.COL_BARCODE
        others = sum(header.sectionSize(c) for c in range(BasketTableModel.COLUMNS)
                     if c not in (col, BasketTableModel.COL_NAME) and not header.isSectionHidden(c))
        room = self.table.viewport().width() - others
        self.table.setColumnHidden(col, room - self._barcode_width < self._name_min_width)

    def selected_line_no(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return rows[0].row() + 1
        return len(self.model.lines) or None

    # -- input: scans, typed codes, names -------------------------------------------------
    def submit_input(self, text: str) -> None:
        """What Enter on the input line does: pay when empty, else add the item (or member)."""
        self.input.clear()
        text = text.strip()
        if not text:
            self.open_payment()
            return
        self.scan(text)

    def _paying(self, kind: str = "", value: str = "") -> bool:
        """True when device input must not reach the basket now (it was routed or dropped).

        While the payment dialog is open the basket is frozen: it pays what it shows. A dialog
        that takes scans or cards itself (returns: the receipt's QR; member search: the card)
        gets them. Before a login (screen disabled) device input is dropped.
        """
        from PySide6.QtWidgets import QApplication, QMessageBox

        from ui.payment_dialog import PaymentDialog
        if not self.isEnabled():
            return True
        if isinstance(self.dialog, PaymentDialog) and self.dialog.isVisible():
            self.status_message.emit(self.tr("Finish the payment or go back to the basket "
                                             "(Esc) before scanning."))
            return True
        modal = QApplication.activeModalWidget()
        if isinstance(modal, QMessageBox):
            modal.close()          # the next scan acknowledges the message
            return False
        if modal is None or modal is self.window() or not kind:
            return False
        handler = getattr(modal, f"take_{kind}", None)
        if callable(handler):
            handler(value)
        else:
            _type_into_focused_field(modal, value)
        return True

    def swipe_failed(self, _reason: str) -> None:
        """A machine-speed swipe that could not be read (never says what was on the card)."""
        self.status_message.emit(self.tr("The card could not be read: swipe it again, "
                                         "steadily, or type the card number."))

    def scan(self, code: str) -> None:
        """A barcode, SKU or 'qty*code'; a member card number when no product has that code."""
        if self._paying("scan", code):
            return
        self._next_customer()
        arrived = time.perf_counter()
        session = self.session

        ctx = self._ctx

        def work() -> tuple[str, Any]:
            # Shape-based routing first; the catalog is asked once, by the add itself, and a
            # card the store knows only when the catalog has no such code.
            routed = ctx.route(code, lookups=False)
            if routed.kind is InputKind.MEMBER_CODE:
                # The phone member code: routed like a card swipe, checked offline.
                try:
                    return "member", session.attach_member_code(routed.value)
                except MemberCodeRefused as exc:
                    return "code_refused", exc
                except CardNotUsable as exc:
                    return "refused", self._refusal(exc)
            if routed.kind is InputKind.RECEIPT:
                return "receipt", routed.value
            card_no = routed.value if routed.kind is InputKind.CARD else None
            if card_no is None:
                if is_coupon_code(coupon_code_from_scan(code)):
                    return "item", session.apply_coupon(code)
                try:
                    return "item", session.add(code, merge=ctx.settings.shop.merge_repeated_scans)
                except UnknownProduct:
                    if not ctx.router.known_card(code):
                        raise
                    card_no = code.strip()
            try:
                return "member", session.attach_card(card_no)
            except CardNotUsable as exc:
                return "refused", self._refusal(exc)

        def done(result: tuple[str, Any]) -> None:
            kind, value = result
            if kind == "refused":
                self._card_refused(value)
                return
            if kind == "code_refused":
                self._code_refused(value)
                return
            if kind == "receipt":
                self.status_message.emit(self.tr("That is receipt %1: press F7 for a return.")
                                         .replace("%1", value))
                return
            if kind == "member":
                self.member_panel.clear_problem()
            self._show(value)
            if kind == "item" and session.last_changed_line:
                self.table.selectRow(session.last_changed_line - 1)
            log.debug("scan shown in %.1f ms", (time.perf_counter() - arrived) * 1000)

        self._run(work, done)

    def attach_card(self, card_no: str) -> None:
        """A swiped or tapped card (wedge, serial MSR) or a typed card number."""
        if self._paying("card", card_no):
            return
        self._next_customer()
        session = self.session

        def work() -> tuple[str, Any]:
            try:
                return "member", session.attach_card(card_no)
            except CardNotUsable as exc:
                return "refused", self._refusal(exc)

        self._run(work, self._on_attach_done)

    def attach_uid(self, uid_hex: str) -> None:
        if self._paying():
            return
        session = self.session

        def work() -> tuple[str, Any]:
            try:
                return "member", session.attach_uid(uid_hex)
            except CardNotUsable as exc:
                return "refused", self._refusal(exc)

        self._run(work, self._on_attach_done)

    def attach_tap(self, uid_hex: str, verify: Callable[[], Any] | None = None) -> None:
        """An IC card tap. With the chip keys set, `verify` reads and checks the signed member
        block (a cloned UID is refused) and returns the member; without, the UID is looked up."""
        if self._paying():
            return
        if verify is None:
            self.attach_uid(uid_hex)
            return
        session = self.session

        def work() -> tuple[str, Any]:
            try:
                member = verify()
                return "member", session.attach_card(member.card.card_no)
            except CardNotUsable as exc:
                return "refused", self._refusal(exc)

        self._run(work, self._on_attach_done)

    def attach_member(self, member_id: str) -> None:
        session = self.session

        def work() -> tuple[str, Any]:
            try:
                return "member", session.attach_member(member_id)
            except CardNotUsable as exc:
                return "refused", self._refusal(exc)

        self._run(work, self._on_attach_done)

    def _on_attach_done(self, result: tuple[str, Any]) -> None:
        kind, value = result
        if kind == "refused":
            self._card_refused(value)
        else:
            self.member_panel.clear_problem()
            self._show(value)

    def _code_refused(self, exc: MemberCodeRefused) -> None:
        text = member_code_problem(exc)
        self.member_panel.show_problem(text)
        self.status_message.emit(text)
        if self.view is not None:
            self._show(self.view)

    def _refusal(self, exc: CardNotUsable) -> tuple[CardNotUsable, str | None]:
        """(the refusal, whose card it is): runs on the background lane."""
        from pos_app.services.input_routing import card_owner_name
        try:
            return exc, card_owner_name(self._ctx.services.uow, exc.card_no)
        except Exception:  # noqa: BLE001 - the name is a courtesy; the refusal is what counts
            log.exception("card owner look-up failed")
            return exc, None

    def _card_refused(self, refusal: tuple[CardNotUsable, str | None]) -> None:
        """A refused card: say whose card and why; the sale keeps the member it had (if any),
        so what the panel says and how the basket is priced always agree."""
        exc, owner = refusal
        attached = self.view.member if self.view is not None else None
        who = (self.tr("Card %1 (%2) was refused.").replace("%1", exc.card_no)
               .replace("%2", owner) if owner else
               self.tr("Card %1 was refused.").replace("%1", exc.card_no))
        if attached is not None and attached.card.card_no != exc.card_no:
            then = self.tr("The sale stays with member %1 (card %2).").replace(
                "%1", attached.account.name).replace("%2", attached.card.card_no)
        else:
            then = self.tr("No member price, no points, cannot pay with balance.")
        self.member_panel.show_problem(who + " " + card_problem(exc) + "\n" + then)
        self.status_message.emit(card_problem(exc))
        if self.view is not None:
            self._show(self.view)

    def _on_input_return_pressed(self) -> None:
        if self.completer.popup().isVisible() or self.input.text() in self._search_hits:
            # Enter in the drop-down: QCompleter passes the key on after `activated`.
            return
        self.submit_input(self.input.text())

    def _on_input_text_edited(self, text: str) -> None:
        if text and not re.match(r"^[\d*xX×\s]+$", text):
            self._search_timer.start()

    def _on_search_timer_timeout(self) -> None:
        text = self.input.text().strip()
        if not text:
            return
        selling = self._ctx.services.selling
        self._ctx.background.run(lambda: selling.search_products(text, 20),
                                 self._on_search_done, lambda exc: None)

    def _on_search_done(self, products: list[Product]) -> None:
        self._search_hits = {f"{p.name} · {p.sku} · {yuan(p.price_fen)}": p for p in products}
        self._search_model.setStringList(list(self._search_hits))
        if products and self.input.hasFocus():
            self.completer.complete()

    def _on_completer_activated(self, text: str) -> None:
        product = self._search_hits.get(text)
        if product is None:
            return
        QTimer.singleShot(0, self.input.clear)
        session = self.session
        merge = self._ctx.settings.shop.merge_repeated_scans
        self._run(lambda: session.add_product(product, 1, merge))

    # -- function keys ----------------------------------------------------------------------
    def change_quantity(self) -> None:
        line_no = self.selected_line_no()
        if line_no is None:
            return
        typed = self.input.text().strip()
        if typed.isdigit():
            self.input.clear()
            self.set_quantity(line_no, int(typed))
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("qtyDialog")
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(1, 9999)
        dialog.setIntValue(self.model.lines[line_no - 1].qty)
        dialog.setWindowTitle(self.tr("Quantity"))
        dialog.setLabelText(self.tr("New quantity for line %1").replace("%1", str(line_no)))
        dialog.intValueSelected.connect(lambda qty: self.set_quantity(line_no, qty))
        self.dialog = dialog
        dialog.open()

    def set_quantity(self, line_no: int, qty: int) -> None:
        session = self.session
        self._run(lambda: session.set_qty(line_no, qty))

    def delete_line(self) -> None:
        """F4: void the selected line after a confirmation; the rule set says which role may
        (a lower role asks a manager in place); the void is audited."""
        from PySide6.QtWidgets import QMessageBox
        line_no = self.selected_line_no()
        if line_no is None or line_no > len(self.model.lines):
            return
        line = self.model.lines[line_no - 1]
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Void line"),
                          self.tr("Void line %1: %2 × %3, %4?").replace("%1", str(line_no))
                          .replace("%2", line.name).replace("%3", str(line.qty))
                          .replace("%4", yuan(line.amount_fen)),
                          QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("voidLineConfirm")
        box.setStyleSheet("QLabel, QPushButton { font-size: 14pt; }")
        void = box.addButton(self.tr("Void (Enter)"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep (Esc)"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(void)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(
            lambda button: button is void and self._confirm_void(line_no, line))
        self.dialog = box
        box.open()

    def _confirm_void(self, line_no: int, line: Any) -> None:
        needed = self.session.rules.line_void_role
        auth = with_role(self._ctx, self, "void_line", self.tr("voiding a line"),
                         lambda user: self.void_line(line_no, line, user), needed)
        if auth is not None:
            self.dialog = auth

    def void_line(self, line_no: int, line: Any, authorised_by: Any) -> None:
        from pos_app.services.line_voids import void_line
        session, ctx = self.session, self._ctx
        cashier = ctx.user or authorised_by

        def work() -> BasketView:
            void_line(ctx.services.uow, ctx.services.clock, session.rules, cashier,
                      authorised_by, line)
            return session.remove_line(line_no)

        self._run(work)

    def hold(self) -> None:
        session = self.session

        def done(_held_id: str) -> None:
            self.member_panel.clear_problem()
            self._show(session.view())
            self.status_message.emit(self.tr("Sale held. Recall it with F6."))

        self._run(session.hold, done)

    def open_recall_dialog(self) -> None:
        from ui.recall_dialog import RecallDialog
        session = self.session

        def done(held: list) -> None:
            if not held:
                show_message(self, self.tr("Recall"), self.tr("No sale is on hold."),
                             show_message_icon())
                return
            dialog = RecallDialog(held, self)
            dialog.chosen.connect(self.recall)
            self.dialog = dialog
            dialog.open()

        from pos_app.services.held import list_held
        uow = self._ctx.services.uow
        self._run(lambda: list_held(uow), done)

    def recall(self, held_id: str) -> None:
        session = self.session
        self._run(lambda: session.recall(held_id))

    def open_return_dialog(self) -> None:
        from ui.returns_dialog import ReturnsDialog

        def granted(manager: Any) -> None:
            dialog = ReturnsDialog(self._ctx, manager, self)
            dialog.returned.connect(self._on_returns_dialog_returned)
            self.dialog = dialog
            dialog.open()

        self.dialog = with_role(self._ctx, self, "return", self.tr("a return"), granted)

    def _on_returns_dialog_returned(self, sale: CompletedSale) -> None:
        self.last_sale = sale
        self._show_money("\n".join(self.refund_lines(sale)))
        self._show_banner(self.tr("Return %1 booked: refund %2.")
                          .replace("%1", sale.receipt_no).replace("%2", yuan(sale.total_fen)))
        self._print(sale)

    def refund_lines(self, sale: CompletedSale) -> list[str]:
        """What a return hands back, tender by tender, and the member's balance after it."""
        from pos_app.domain.tenders import TenderKind
        from ui.formatting import tender_name
        out: list[str] = []
        for t in sale.tenders:
            amount = abs(t.amount_fen)
            if t.kind is TenderKind.CASH:
                out.append(self.tr("Cash back %1").replace("%1", yuan(amount)))
            elif t.kind is TenderKind.STORED_VALUE:
                out.append(self.tr("Back to the member card %1").replace("%1", yuan(amount)))
            elif t.kind is TenderKind.POINTS:
                out.append(self.tr("Back as points %1").replace("%1", str(abs(t.points_used))))
            else:
                out.append(self.tr("Back to %1 %2").replace("%1", tender_name(t.kind))
                           .replace("%2", yuan(amount)))
        if sale.member is not None:
            out.append(self.tr("New card balance %1").replace(
                "%1", yuan(sale.member.balance_after_fen)))
        return out

    def _show_money(self, text: str) -> None:
        self.money_panel.setText(text)
        self.money_panel.show()

    def save_receipt_pdf(self, path: str | None = None) -> None:
        """Save the last receipt as a PDF (asks where, unless a path is given)."""
        from pathlib import Path

        from PySide6.QtWidgets import QFileDialog
        if path is None:
            default = str(Path.home() / f"{self.last_sale.receipt_no if self.last_sale else 'receipt'}.pdf")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save receipt as PDF"), default,
                                                  self.tr("PDF files (*.pdf)"))
            if not path:
                return
        desk = self._ctx.receipts
        target = Path(path)

        def work() -> Path:
            data = desk.last_pdf()
            if not data:
                raise ValidationFailed("receipt", "there is no receipt to save yet")
            target.write_bytes(data)
            return target

        def done(saved: Path) -> None:
            self.status_message.emit(self.tr("Receipt saved as %1").replace("%1", str(saved)))
            self.pdf_saved.emit(str(saved))

        self._ctx.background.run(work, done, lambda exc: show_error(self, exc), lane="device")

    def open_discount_dialog(self) -> None:
        if self.session.is_empty:
            return
        line_no = self.selected_line_no()
        typed = self.input.text().strip()
        if typed:
            self.input.clear()
            self.discount(typed, line_no)
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("discountDialog")
        dialog.setWindowTitle(self.tr("Discount"))
        dialog.setLabelText(self.tr("Pay rate for line %1 (e.g. 0.9 = 10% off; end with * for the "
                                    "whole sale)").replace("%1", str(line_no)))
        dialog.textValueSelected.connect(lambda text: self.discount(text, line_no))
        self.dialog = dialog
        dialog.open()

    def discount(self, text: str, line_no: int | None) -> None:
        """'0.9' discounts the line; '0.9*' the whole sale. Beyond the user's limit a manager confirms."""
        whole = text.endswith("*")
        try:
            rate = parse_rate(text.rstrip("*").strip())
        except InvalidAmount as exc:
            show_error(self, exc)
            return
        session = self.session
        needed = session.role_for_discount(rate, self._ctx.user)

        def granted(user: Any) -> None:
            if whole or line_no is None:
                self._run(lambda: session.discount_sale(rate, user))
            else:
                self._run(lambda: session.discount_line(line_no, rate, user))

        self.dialog = with_role(self._ctx, self, "discount", self.tr("a manual discount"),
                                granted, needed)

    def reprint(self) -> None:
        desk = self._ctx.receipts

        def work() -> PrintResult:
            if desk.waiting():
                desk.reprint_waiting()
                return PrintResult(True)
            return desk.reprint_last()

        self.print_actions.hide()
        self._show_banner(self.tr("Printing the receipt…"))

        self._ctx.background.run(work, self._on_print_done,
                                 lambda exc: self._on_print_done(PrintResult(False, exc)),
                                 lane="device")

    def open_redeem_dialog(self) -> None:
        from ui.redeem_dialog import RedeemDialog
        if self.view is None or self.view.member is None:
            show_error(self, ValidationFailed("member", ""))
            return
        dialog = RedeemDialog(self.view, self.session.rules, self)
        dialog.gift_chosen.connect(self.redeem_gift)
        dialog.pass_chosen.connect(self.use_pass)
        self.dialog = dialog
        dialog.open()

    def open_coupon_dialog(self) -> None:
        """Ctrl+Q: apply a coupon by its code or from the member's usable coupons."""
        from ui.coupon_dialog import CouponDialog
        dialog = CouponDialog(self.view, self)
        dialog.coupon_chosen.connect(self.apply_coupon)
        self.dialog = dialog
        dialog.open()

    def apply_coupon(self, code: str) -> None:
        """A coupon on the basket, or a message saying why it does not apply."""
        session = self.session
        self._run(lambda: session.apply_coupon(code))

    def redeem_gift(self, code: str) -> None:
        session = self.session
        self._run(lambda: session.redeem_gift(code))

    def use_pass(self, pass_id: str) -> None:
        session = self.session
        self._run(lambda: session.use_pass(pass_id))

    def open_receipt_preview(self) -> None:
        from ui.receipt_preview_dialog import ReceiptPreviewDialog
        desk = self._ctx.receipts

        def done(lines: list[str]) -> None:
            dialog = ReceiptPreviewDialog(lines, self)
            self.dialog = dialog
            dialog.open()

        self._ctx.background.run(desk.last_preview, done, lambda exc: show_error(self, exc),
                                 lane="device")

    def open_top_up(self) -> None:
        """Ctrl+T: top up (充值) the attached member's stored value; a confirmation repeats
        amount, bonus and payment method; the rule set says who may (else a manager in place)."""
        from ui.card_dialogs import CardTopUpDialog
        member = self.view.member if self.view is not None else None
        if member is None:
            self.status_message.emit(self.tr("Swipe the member card first, then top up (Ctrl+T)."))
            self._show_banner(self.tr("Swipe the member card first, then top up (Ctrl+T)."),
                              "background: #fff3e0; color: #e65100;")
            return
        dialog = CardTopUpDialog(self.session.rules, self)
        dialog.set_note(self.tr("%1 · card %2 · balance %3").replace("%1", member.account.name)
                        .replace("%2", member.card.card_no)
                        .replace("%3", yuan(member.account.balance_fen)))
        dialog.submitted.connect(lambda: self._confirm_top_up(dialog, member))
        # 储值套餐: the packages in force, offered from the same key.
        from PySide6.QtWidgets import QDialogButtonBox
        packages = dialog.buttons.addButton(self.tr("Packages 套餐…"),
                                            QDialogButtonBox.ButtonRole.ActionRole)
        packages.setObjectName("topUpPackages")
        packages.clicked.connect(lambda: (dialog.reject(), self.open_packages(member)))
        self.dialog = dialog
        dialog.open()

    def open_packages(self, member: Any) -> None:
        """A top-up package (ui/package_dialog.py) for the attached member: what each gives,
        the payment method; the rule set's top-up role applies (else a manager in place)."""
        from ui.package_dialog import PackageSellDialog
        packages, session = self._ctx.services.packages, self.session
        card_no = member.card.card_no

        def sell(dialog: PackageSellDialog, user: Any) -> None:
            pid, tender = dialog.package_id(), dialog.tender_kind()
            ref = dialog.reference.text().strip()

            def work() -> tuple[Any, BasketView]:
                sold = packages.sell(user, card_no, pid, tender, ref)
                return sold.slip, session.attach_card(card_no)

            def done(result: tuple[Any, BasketView]) -> None:
                slip = result[0]
                self._topped_up(dialog, result, self.tr(
                    "Package %1 sold: %2 paid in, bonus %3. New balance %4.")
                    .replace("%1", slip.package_name).replace("%2", yuan(slip.paid_fen))
                    .replace("%3", yuan(slip.bonus_fen))
                    .replace("%4", yuan(slip.balance_after_fen)))

            self._run(work, done, dialog.fail)

        def opened(offers: list[Any]) -> None:
            dialog = PackageSellDialog(offers, self._ctx.language, self)
            dialog.set_note(self.tr("%1 · card %2 · balance %3")
                            .replace("%1", member.account.name).replace("%2", card_no)
                            .replace("%3", yuan(member.account.balance_fen)))

            def submitted() -> None:
                auth = with_role(self._ctx, dialog, "top_up", self.tr("a top-up"),
                                 lambda user: sell(dialog, user), session.rules.topup_role)
                if auth is not None:
                    self.dialog = auth
                    auth.rejected.connect(lambda: dialog.buttons.setEnabled(True))

            dialog.submitted.connect(submitted)
            self.dialog = dialog
            dialog.open()

        self._run(packages.offers, opened)

    def _confirm_top_up(self, dialog: Any, member: Any) -> None:
        from PySide6.QtWidgets import QMessageBox

        from ui.formatting import tender_name
        amount, tender = dialog.amount_fen(), dialog.tender_kind()
        bonus = self.session.rules.top_up_bonus(amount)
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Confirm top-up"),
                          self.tr("Top up %1 for %2 (card %3)?\nBonus %4: the card gets %5.\n"
                                  "Paid by %6.")
                          .replace("%1", yuan(amount)).replace("%2", member.account.name)
                          .replace("%3", member.card.card_no).replace("%4", yuan(bonus))
                          .replace("%5", yuan(amount + bonus)).replace("%6", tender_name(tender)),
                          QMessageBox.StandardButton.NoButton, dialog)
        box.setObjectName("topUpConfirm")
        box.setStyleSheet("QLabel, QPushButton { font-size: 14pt; }")
        yes = box.addButton(self.tr("Top up (Enter)"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(self.tr("Back (Esc)"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.setEscapeButton(back)

        def clicked(button: Any) -> None:
            if button is not yes:
                dialog.buttons.setEnabled(True)
                return
            auth = with_role(self._ctx, dialog, "top_up", self.tr("a top-up"),
                             lambda user: self.top_up(dialog, member, user),
                             self.session.rules.topup_role)
            if auth is not None:
                self.dialog = auth
                auth.rejected.connect(lambda: dialog.buttons.setEnabled(True))

        box.buttonClicked.connect(clicked)
        self.dialog = box
        box.open()

    def top_up(self, dialog: Any, member: Any, user: Any) -> None:
        members, session = self._ctx.services.members, self.session
        card_no = member.card.card_no
        amount, tender = dialog.amount_fen(), dialog.tender_kind()
        reference = dialog.reference.text().strip()

        def work() -> tuple[Any, BasketView]:
            done = members.top_up(user, card_no, amount, tender, reference)
            return done, session.attach_card(card_no)     # the panel shows the new balance

        def done(result: tuple[Any, BasketView]) -> None:
            slip = result[0]
            self._topped_up(dialog, result, self.tr("Topped up %1 (bonus %2). New balance %3.")
                            .replace("%1", yuan(slip.paid_fen))
                            .replace("%2", yuan(slip.bonus_fen))
                            .replace("%3", yuan(slip.balance_after_fen)))

        self._run(work, done, dialog.fail)

    def _topped_up(self, dialog: Any, result: tuple[Any, BasketView], text: str) -> None:
        """A top-up or a package went through: the panel, the message, the slip printed."""
        slip, view = result
        dialog.accept()
        self._show(view)
        self._show_money(text)
        self.topped_up.emit(slip)
        printer = self._ctx.print_slip
        if callable(printer):
            self._ctx.background.run(lambda: printer(slip), self._on_print_done,
                                     lambda exc: self._on_print_done(PrintResult(False, exc)),
                                     lane="device")

    def open_drawer(self) -> None:
        """F11: a manager opens the drawer without a sale, after saying why (audited first)."""
        self.dialog = with_role(self._ctx, self, "open_drawer", self.tr("opening the drawer"),
                                self._ask_no_sale_reason)

    def _ask_no_sale_reason(self, user: Any) -> None:
        from PySide6.QtWidgets import QInputDialog
        dialog = QInputDialog(self)
        dialog.setObjectName("noSaleReasonDialog")
        dialog.setWindowTitle(self.tr("Open drawer without a sale"))
        dialog.setLabelText(self.tr("Why is the drawer opened? (e.g. change for a note)"))
        dialog.textValueSelected.connect(lambda reason: self.open_drawer_with_reason(user, reason))
        self.dialog = dialog
        dialog.open()

    def open_drawer_with_reason(self, user: Any, reason: str) -> None:
        shifts, desk = self._ctx.services.shifts, self._ctx.receipts

        def work() -> None:
            shifts.record_no_sale(user, reason)   # refuses an empty reason; nothing opens then
            desk.open_drawer()

        self._ctx.background.run(work, None, lambda exc: show_error(self, exc), lane="device")

    def open_member_dialog(self) -> None:
        from ui.member_search_dialog import MemberSearchDialog
        dialog = MemberSearchDialog(self._ctx, self)
        dialog.card_entered.connect(self.attach_card)
        dialog.member_chosen.connect(self.attach_member)
        dialog.detach_requested.connect(self.detach_member)
        self.dialog = dialog
        dialog.open()

    def detach_member(self) -> None:
        session = self.session
        self.member_panel.clear_problem()
        self._run(session.detach_member)

    # -- paying -------------------------------------------------------------------------------
    def open_payment(self) -> None:
        from ui.payment_dialog import PaymentDialog
        if self._ctx.background.busy_in("till"):
            # Scans still on their way: pay for the basket they make, not the one shown now.
            QTimer.singleShot(20, self.open_payment)
            return
        if self.session.is_empty or self.view is None or self._ctx.user is None:
            return
        dialog = PaymentDialog(self._ctx, self.session, self.view, self)
        dialog.completed.connect(self._on_payment_dialog_completed)
        self.dialog = dialog
        dialog.open()

    def _on_payment_dialog_completed(self, sale: CompletedSale) -> None:
        self.last_sale = sale
        self.member_panel.clear_problem()
        self._show(self.session.view())
        change = (self.tr("Change %1").replace("%1", yuan(sale.change_fen))
                  if sale.change_fen else self.tr("No change"))
        received = sum(t.received_fen or t.amount_fen for t in sale.tenders
                       if t.kind.value == "cash")
        big = change if not received else self.tr("%1 (received %2)").replace(
            "%1", change).replace("%2", yuan(received))
        self._show_money(big)
        self._show_banner(self.tr("Sale %1 done. %2. Printing the receipt…")
                          .replace("%1", sale.receipt_no).replace("%2", change))
        self.sale_completed.emit(sale)
        self._print(sale)
        self.input.setFocus()

    def _print(self, sale: CompletedSale) -> None:
        desk = self._ctx.receipts
        self._ctx.background.run(lambda: desk.print_sale(sale), self._on_print_done,
                                 lambda exc: self._on_print_done(PrintResult(False, exc)),
                                 lane="device")

    def _on_print_done(self, result: PrintResult) -> None:
        self.last_print = result
        base = self.banner.text().split("\n")[0] if self.banner.isVisible() else ""
        self.print_actions.hide()
        if result.nothing:
            note = self.tr("No receipt to print yet.")
            style = "background: #fff3e0; color: #e65100;"
        elif not result.configured:
            note = self.tr("No receipt printer is set up: nothing was printed. Preview the "
                           "receipt or save it as a PDF.")
            style = "background: #fff3e0; color: #e65100;"
            self.print_actions.show()
        elif result.printed:
            note = self.tr("Receipt printed.")
            style = "background: #e8f5e9; color: #1b5e20;"
        else:
            self.print_actions.show()
            reason = printer_problem(result.error) if result.error else ""
            note = self.tr("The receipt is waiting for reprint (F9). %1").replace("%1", reason)
            style = "background: #fff3e0; color: #e65100;"
        self._show_banner((base.replace(self.tr("Printing the receipt…"), "") + "\n" + note)
                          .strip(), style)
        self.print_finished.emit(result)

    def _show_banner(self, text: str, style: str = "background: #e3f2fd; color: #0d47a1;") -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet("QLabel { font-size: 18pt; font-weight: bold; padding: 8px; "
                                  "border-radius: 6px; %s }" % style)
        self.banner.show()


def show_message_icon() -> Any:
    from PySide6.QtWidgets import QMessageBox
    return QMessageBox.Icon.Information


def _type_into_focused_field(modal: QWidget, value: str) -> None:
    """A scan or swipe into a dialog that does not route device input itself lands in its
    focused field as if typed, with the Enter the device sent, when that field takes scans
    (property takesScans: a manager scanning a product or swiping a card into a search
    field, a coupon's barcode into the coupon field). The wedge holds a burst back to tell a
    device from a person; without this the burst vanished there. Other fields (an amount)
    never get a scan."""
    from PySide6.QtWidgets import QApplication, QLineEdit
    focus = QApplication.focusWidget()
    if not isinstance(focus, QLineEdit) or not focus.property("takesScans") or \
            focus.window() is not modal.window() or focus.isReadOnly() or not focus.isEnabled():
        return
    focus.insert(value)
    focus.returnPressed.emit()
