"""The member card screen for managers (会员卡管理): find a member, see cards, card history and
ledgers, and run every card action — register and issue, top up, refund balance, report lost,
unblock, replace, renew, cancel, member PIN, gift hand-overs, count-pass refunds.

What it uses of the till context (ui/context.py; all optional, the screen works without them):
ctx.ic_cards (an IcCardDesk when an IC reader is set up), ctx.print_slip (card and top-up
slips), ctx.wedge (swipes and scans from the keyboard wedge or a serial bridge) and
ctx.ic_taps (the IC reader's taps).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from pos_app.domain.card import CardAction, CardState, CardStatus, mask_mobile
from pos_app.domain.ledger import pass_refund_fen, pass_refundable
from pos_app.domain.documents import CardSlip, StoredValueSlip
from pos_app.domain.errors import CardNotUsable, PosError
from pos_app.domain.member import MemberAccount
from pos_app.domain.rules import RuleSet
from pos_app.domain.sale import CompletedSale
from pos_app.ports.store import PassRecord
from pos_app.services.auth import User
from pos_app.services.cards import CardBinding, CardHistoryLine
from pos_app.domain.ledger import LedgerLine
from pos_app.services.members import MemberProfile
from ui.card_dialogs import (GREEN, RED, CardActionDialog, CardCancelDialog, CardConfirmDialog,
                             CardIdentityDialog, CardPinDialog, CardRefundDialog,
                             CardRegisterDialog, CardRenewDialog, CardReplaceDialog,
                             CardTopUpDialog, tint, touch_sizes)
from ui.card_ic import IcCardDesk
from ui.context import PrintResult, TillContext
from ui.error_messages import card_problem, describe, show_error
from ui.formatting import card_status_name, ledger_line_row, tier_name, yuan
from ui.wedge import make_capture_field

log = logging.getLogger(__name__)



def card_table(headers: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    table.setWordWrap(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.verticalHeader().setDefaultSectionSize(30)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


@dataclass(frozen=True)
class MemberView:
    """Everything the screen draws for one member, read in one background call."""

    profile: MemberProfile
    ledger: list[LedgerLine]
    history: list[CardHistoryLine]
    birthday_due: bool
    quarterly_due: bool


class MemberCardsScreen(QWidget):
    """A manager tab: member look-up, cards with status and history, ledgers, card actions."""

    action_done = Signal(object)      # the slip / StoredValueSlip / sale / period of a finished action
    member_shown = Signal(object)     # MemberView

    ACTIONS = ("register", "top_up", "refund_balance", "report_lost", "unblock", "replace",
               "renew", "cancel", "pin", "birthday_gift", "quarterly_gift", "refund_pass",
               "package", "refund_package")

    def __init__(self, ctx: TillContext, manager: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("memberCardsScreen")
        self._ctx = ctx
        self._manager = manager
        self.view: MemberView | None = None
        self.rules: RuleSet | None = None
        self.dialog: CardActionDialog | None = None
        self.error_box: QWidget | None = None
        self._want_card: str | None = None

        self.query = QLineEdit()
        self.query.setObjectName("cardQuery")
        self.query.setPlaceholderText(self.tr("Swipe or tap a card, or type card no., mobile or name"))
        make_capture_field(self.query)
        self.query.returnPressed.connect(self.search)
        find = QPushButton(self.tr("Find"))
        find.clicked.connect(self.search)
        self.results = QListWidget()
        self.results.setObjectName("cardResults")
        self.results.currentItemChanged.connect(self._on_results_current_item_changed)
        self.profile = QLabel(self.tr("Find a member, or register a new one (办卡)."))
        self.profile.setObjectName("cardProfile")
        self.profile.setWordWrap(True)
        self.profile.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.profile.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.cards = card_table([self.tr("Card"), self.tr("Status"), self.tr("Kind"),
                                 self.tr("Expires"), self.tr("Gen.")], "memberCards")
        self.cards.horizontalHeader().setStretchLastSection(False)
        self.cards.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cards.setMaximumHeight(150)
        self.cards.itemSelectionChanged.connect(self._on_cards_item_selection_changed)
        self.history = card_table([self.tr("When"), self.tr("Card"), self.tr("Event"),
                                   self.tr("By"), self.tr("Shop"), self.tr("Detail")],
                                  "cardHistory")
        self.ledger = card_table([self.tr("When"), self.tr("Ledger"), self.tr("Kind"),
                                  self.tr("Points / amount"), self.tr("Receipt"),
                                  self.tr("Note")], "cardLedger")
        self.passes = card_table([self.tr("Pass"), self.tr("Uses left"), self.tr("Price"),
                                  self.tr("Expires"), self.tr("State")], "memberPasses")
        self.passes.itemSelectionChanged.connect(self._update_buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.history, self.tr("Card history"))
        self.tabs.addTab(self.ledger, self.tr("Points and balance"))
        self.tabs.addTab(self.passes, self.tr("Count passes"))

        self.message = QLabel()
        self.message.setObjectName("cardMessage")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(28)

        texts = {"register": self.tr("Register 办卡"), "top_up": self.tr("Top up 充值"),
                 "refund_balance": self.tr("Refund 退卡/取款"),
                 "report_lost": self.tr("Report lost 挂失"), "unblock": self.tr("Unblock 解挂"),
                 "replace": self.tr("Replace 补卡"), "renew": self.tr("Renew 延期"),
                 "cancel": self.tr("Cancel 注销"), "pin": self.tr("Member PIN 密码"),
                 "birthday_gift": self.tr("Birthday gift 生日礼"),
                 "quarterly_gift": self.tr("Diamond gift 季度礼"),
                 "refund_pass": self.tr("Refund pass 退次卡"),
                 "package": self.tr("Package 储值套餐"),
                 "refund_package": self.tr("Refund package 退套餐")}
        slots: dict[str, Callable[[], Any]] = {
            "register": self.register, "top_up": self.top_up,
            "refund_balance": self.refund_balance, "report_lost": self.report_lost,
            "unblock": self.unblock, "replace": self.replace, "renew": self.renew,
            "cancel": self.cancel, "pin": self.set_pin,
            "birthday_gift": lambda: self.give_gift("birthday"),
            "quarterly_gift": lambda: self.give_gift("quarterly"),
            "refund_pass": self.refund_pass, "package": self.sell_package,
            "refund_package": self.refund_package}
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(6)
        for i, name in enumerate(self.ACTIONS):
            button = QPushButton(texts[name])
            button.setObjectName(f"action_{name}")
            button.setMinimumHeight(44)
            button.clicked.connect(lambda _checked=False, fn=slots[name]: fn())
            self.buttons[name] = button
            grid.addWidget(button, i // 6, i % 6)
        tint(self.buttons["cancel"], RED)

        search_row = QHBoxLayout()
        search_row.addWidget(self.query, 1)
        search_row.addWidget(find)
        left = QVBoxLayout()
        left.addLayout(search_row)
        left.addWidget(self.results, 1)
        left.addWidget(self.profile, 2)
        right = QVBoxLayout()
        right.addWidget(self.cards)
        right.addWidget(self.tabs, 1)
        top = QHBoxLayout()
        top.addLayout(left, 2)
        top.addLayout(right, 5)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)
        layout.addLayout(grid)
        self._update_buttons()
        touch_sizes(self)

        if ctx.wedge is not None:
            ctx.wedge.card_swiped.connect(self.on_card_swiped)
            ctx.wedge.barcode_scanned.connect(self.on_barcode_scanned)
        if ctx.ic_taps is not None:
            ctx.ic_taps.uid_tapped.connect(self.on_ic_tapped)
        selling = ctx.services.selling
        ctx.background.run(selling.rules, self._on_rules_done, self._on_rules_failed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        # Ready for a swipe or typing as soon as the tab opens.
        self.query.setFocus()
        super().showEvent(event)

    # -- helpers -------------------------------------------------------------------------------
    @property
    def ic_desk(self) -> IcCardDesk | None:
        return self._ctx.ic_cards

    def _on_rules_done(self, rules: RuleSet) -> None:
        self.rules = rules

    def _on_rules_failed(self, exc: Exception) -> None:
        self.say_error(exc)

    def say(self, text: str) -> None:
        tint(self.message, GREEN)
        self.message.setText(text)

    def say_error(self, exc: BaseException, box: bool = True) -> None:
        tint(self.message, RED)
        self.message.setText(describe(exc)[1])
        if box:
            self.error_box = show_error(self, exc)

    @property
    def account(self) -> MemberAccount | None:
        return self.view.profile.account if self.view else None

    def selected_card(self) -> CardState | None:
        """The card picked in the cards table; else the member's newest usable card."""
        if self.view is None:
            return None
        cards = self.view.profile.cards
        rows = self.cards.selectionModel().selectedRows() if self.cards.selectionModel() else []
        if rows and rows[0].row() < len(cards):
            return cards[rows[0].row()]
        for status in (CardStatus.ACTIVE, CardStatus.LOST, CardStatus.EXPIRED):
            found = [c for c in cards if c.status is status]
            if found:
                return found[-1]
        return cards[-1] if cards else None

    def select_card(self, card_no: str) -> None:
        if self.view is None:
            return
        for row, card in enumerate(self.view.profile.cards):
            if card.card_no == card_no:
                self.cards.selectRow(row)
                return

    def selected_pass(self) -> PassRecord | None:
        if self.view is None:
            return None
        rows = self.passes.selectionModel().selectedRows()
        passes = self.view.profile.passes
        if rows and rows[0].row() < len(passes):
            return passes[rows[0].row()]
        return None

    def status_of(self, card: CardState) -> CardStatus:
        """The card's status as the till treats it today (an active card past its date is expired)."""
        return card.status_on(self._ctx.services.clock.now().date())

    def _update_buttons(self) -> None:
        # The card status machine (pos_app/domain/card.py) says what each status allows.
        card = self.selected_card()
        today = self._ctx.services.clock.now().date()

        def can(action: CardAction) -> bool:
            return card is not None and card.allows(action, today)
        account = self.account
        p = self.selected_pass()
        enabled = {
            "register": True,
            "top_up": can(CardAction.USE),
            "refund_balance": can(CardAction.USE) and bool(
                account and account.balance_paid_fen > 0),
            "report_lost": can(CardAction.REPORT_LOST),
            "unblock": can(CardAction.UNBLOCK),
            "replace": can(CardAction.REPLACE),
            "renew": can(CardAction.RENEW),
            "cancel": can(CardAction.CANCEL),
            "pin": can(CardAction.SET_PIN),
            "birthday_gift": bool(self.view and self.view.birthday_due),
            "quarterly_gift": bool(self.view and self.view.quarterly_due),
            "refund_pass": p is not None and pass_refundable(p.uses_left, p.refunded),
            "package": can(CardAction.USE),
            "refund_package": can(CardAction.USE),
        }
        for name, on in enabled.items():
            self.buttons[name].setEnabled(on)

    # -- finding a member ----------------------------------------------------------------------
    def search(self, text: str | None = None) -> None:
        """Find members by card number, mobile or name (Enter in the search field)."""
        text = (text if isinstance(text, str) else self.query.text()).strip()
        if not text:
            return
        selling = self._ctx.services.selling
        self._want_card = text
        self._ctx.background.run(lambda: selling.search_members(text, 50),
                                 self._on_search_done, self.say_error)

    def _on_search_done(self, members: list[MemberAccount]) -> None:
        self.results.clear()
        for m in members:
            item = QListWidgetItem(f"{m.name}  {mask_mobile(m.mobile or '')}")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.results.addItem(item)
        if members:
            self.results.setCurrentRow(0)
        else:
            tint(self.message, RED)
            self.message.setText(self.tr("No member found. Check the number, or register "
                                         "the member (办卡)."))

    def _on_results_current_item_changed(self, item: QListWidgetItem | None, _prev: object) -> None:
        if item is not None:
            self.load_member(item.data(Qt.ItemDataRole.UserRole))

    def load_member(self, member_id: str) -> None:
        """Read profile, ledgers, card history and due gifts of a member, then redraw."""
        services = self._ctx.services

        def work() -> MemberView:
            profile = services.members.profile(member_id)
            birthday = quarterly = False
            usable = [c for c in profile.cards if c.status is CardStatus.ACTIVE]
            if usable:
                try:
                    badges = services.selling.new_session().attach_card(usable[-1].card_no).badges
                    birthday, quarterly = badges.birthday, badges.quarterly_gift
                except CardNotUsable:
                    pass
            return MemberView(profile, services.members.history(member_id),
                              services.cards.history(member_id), birthday, quarterly)

        self._ctx.background.run(work, self._on_member_loaded, self.say_error)

    def _on_member_loaded(self, view: MemberView) -> None:
        self.view = view
        a = view.profile.account
        try:
            tier = tier_name(self.rules.tier(a.tier_code), self._ctx.language) if self.rules \
                else a.tier_code
        except PosError:
            tier = a.tier_code
        bday = "—"
        if a.birthday is not None:
            bday = a.birthday.to_text().removeprefix("0000-") + " " + (
                self.tr("lunar") if a.birthday.calendar.value == "lunar" else self.tr("solar"))
        self.profile.setText(
            self.tr("<b>%1</b> · %2 · %3<br>Balance %4 (paid-in %5, bonus %6)<br>"
                    "Points %7 (accumulated %8)<br>Birthday %9")
            .replace("%1", a.name).replace("%2", mask_mobile(a.mobile or ""))
            .replace("%3", tier).replace("%4", yuan(a.balance_fen))
            .replace("%5", yuan(a.balance_paid_fen)).replace("%6", yuan(a.balance_bonus_fen))
            .replace("%7", str(a.spendable_points)).replace("%8", str(a.accumulated_points))
            .replace("%9", bday)
            + "<br>" + (self.tr("Member PIN set") if a.has_pin else self.tr("No member PIN"))
            + " · " + (self.tr("agrees to messages") if a.consent_messages
                       else self.tr("no messages")))
        kinds = {"magstripe": self.tr("magnetic"), "ic": self.tr("IC"),
                 "virtual": self.tr("virtual")}
        fill_table(self.cards, [[c.card_no, card_status_name(self.status_of(c).value),
                                 kinds.get(c.kind.value, c.kind.value),
                                 c.expires_on.isoformat() if c.expires_on else "—",
                                 str(c.generation)] for c in view.profile.cards])
        fill_table(self.history, [[h.at.strftime("%Y-%m-%d %H:%M"), h.card_no,
                                   self.event_name(h.kind), h.by or "", h.shop or "",
                                   self.event_detail(h)] for h in reversed(view.history)])
        fill_table(self.ledger, [ledger_line_row(h) for h in view.ledger])
        fill_table(self.passes, [[p.name, f"{p.uses_left}/{p.uses_total}", yuan(p.price_fen),
                                  p.expires_on.isoformat() if p.expires_on else "—",
                                  self.tr("refunded") if p.refunded else
                                  (self.tr("used up") if p.uses_left <= 0 else self.tr("open"))]
                                 for p in view.profile.passes])
        want = self._want_card
        if want and any(c.card_no == want for c in view.profile.cards):
            self.select_card(want)
        else:
            card = self.selected_card()
            if card is not None:
                self.select_card(card.card_no)
        self._update_buttons()
        self.member_shown.emit(view)

    def _on_cards_item_selection_changed(self) -> None:
        self._update_buttons()

    def event_name(self, kind: str) -> str:
        return {"issued": self.tr("issued"), "lost": self.tr("reported lost"),
                "unblocked": self.tr("unblocked"), "replaced": self.tr("replaced"),
                "renewed": self.tr("renewed"), "cancelled": self.tr("cancelled"),
                "pin_set": self.tr("PIN set"), "upgraded": self.tr("tier upgraded")}.get(kind, kind)

    def event_detail(self, h: CardHistoryLine) -> str:
        d = h.detail
        if h.kind == "replaced":
            return self.tr("by card %1, fee %2").replace("%1", str(d.get("new_card_no", "")))\
                .replace("%2", yuan(int(d.get("fee_fen", 0))))
        if h.kind == "issued" and d.get("replaces"):
            return self.tr("replaces card %1").replace("%1", str(d["replaces"]))
        if h.kind == "issued" and d.get("join_receipt"):
            return self.tr("joined by receipt %1").replace("%1", str(d["join_receipt"]))
        if h.kind == "renewed":
            return self.tr("until %1").replace("%1", str(d.get("expires_on", "")))
        if h.kind == "cancelled":
            return self.tr("refund %1, %2 points forfeited")\
                .replace("%1", yuan(int(d.get("refund_fen", 0))))\
                .replace("%2", str(d.get("points_forfeited", 0)))
        if h.kind == "pin_set":
            return {"set": self.tr("first PIN"), "changed": self.tr("changed"),
                    "reset": self.tr("reset")}.get(str(d.get("how")), "")
        return ""

    # -- devices -------------------------------------------------------------------------------
    def _open_form(self) -> CardActionDialog | None:
        dialog = self.dialog
        return dialog if dialog is not None and dialog.isVisible() else None

    def on_card_swiped(self, card_no: str) -> None:
        """A swipe (wedge or serial reader): fills the open card form, else finds the member."""
        form = self._open_form()
        if form is not None:
            referrer = getattr(form, "referrer", None)
            if referrer is not None and referrer.hasFocus():
                referrer.setText(card_no)
            elif getattr(form, "binding", None) is not None:
                form.binding.set_swiped(card_no)  # type: ignore[attr-defined]
            return
        if not self.isVisible():
            return
        self.query.setText(card_no)
        self.search(card_no)

    def on_barcode_scanned(self, code: str) -> None:
        """A scan, routed by what it is: a card number (bare digits from a wedge reader, a
        printed-number card) goes where a swipe goes; a receipt to the register form."""
        from pos_app.domain.input_routing import InputKind
        routed = self._ctx.route(code, selling=False)
        if routed.kind is InputKind.CARD:
            self.on_card_swiped(routed.value)
            return
        form = self._open_form()
        if isinstance(form, CardRegisterDialog):
            if routed.kind is InputKind.RECEIPT:
                form.join_receipt.setText(code)
            else:
                form.message.setText(self.tr("%1 is neither a card number nor a receipt.")
                                     .replace("%1", code))
            return
        if form is None and self.isVisible():
            self.query.setText(code)
            self.search(code)

    def on_ic_tapped(self, _uid_hex: str = "") -> None:
        """An IC card on the reader: picks the IC option of an open card form, else finds its member."""
        form = self._open_form()
        if form is not None:
            binding = getattr(form, "binding", None)
            if binding is not None and binding.ic.isEnabled():
                binding.ic.setChecked(True)
            return
        desk = self.ic_desk
        if desk is None or not self.isVisible():
            return
        self._ctx.background.run(desk.member_on_reader, self._on_tap_read, self._on_tap_failed)

    def _on_tap_read(self, member: Any) -> None:
        self.query.setText(member.card.card_no)
        self.search(member.card.card_no)

    def _on_tap_failed(self, exc: Exception) -> None:
        if isinstance(exc, CardNotUsable):
            # A lost or replaced card still leads to its member (to unblock or replace it).
            self.say_error(exc, box=False)
            self.message.setText(card_problem(exc))
            self.query.setText(exc.card_no)
            self.search(exc.card_no)
            return
        self.say_error(exc)

    # -- running actions -----------------------------------------------------------------------
    def _open(self, dialog: CardActionDialog, work: Callable[[CardActionDialog], Callable[[], Any]],
              done_text: Callable[[Any], str]) -> CardActionDialog:
        """Show a form; its OK runs work(dialog)() in the background; done closes it."""
        if self.dialog is not None and not self.dialog.isVisible():
            self.dialog.deleteLater()      # the last finished form; kept until now for reading
        self.dialog = dialog

        def submitted() -> None:
            try:
                fn = work(dialog)
            except PosError as exc:
                dialog.fail(exc)
                return
            self._ctx.background.run(fn, lambda result: self._on_action_done(dialog, result,
                                                                             done_text),
                                     lambda exc: self._on_action_failed(dialog, exc))

        dialog.submitted.connect(submitted)
        dialog.open()
        return dialog

    def _on_action_done(self, dialog: CardActionDialog, result: Any,
                        done_text: Callable[[Any], str]) -> None:
        dialog.accept()
        self.say(done_text(result))
        self._print(result)
        self.action_done.emit(result)
        self._reload(result)

    def _on_action_failed(self, dialog: CardActionDialog, exc: Exception) -> None:
        dialog.fail(exc)
        self.say_error(exc, box=False)

    def _reload(self, result: Any) -> None:
        card_no = getattr(result, "card_no", None)
        if isinstance(result, (CardSlip, StoredValueSlip)):
            self._want_card = result.card_no
            self.query.setText(card_no or "")
            self.search(card_no)
        elif self.account is not None:
            self.load_member(self.account.id)

    def _print(self, result: Any) -> None:
        if isinstance(result, CompletedSale):
            receipts = self._ctx.receipts
            self._ctx.background.run(lambda: receipts.print_sale(result), self._on_printed,
                                     self._on_print_failed, lane="device")
            return
        if not isinstance(result, (CardSlip, StoredValueSlip)):
            return
        printer = self._ctx.print_slip
        if not callable(printer):
            log.info("no slip printer wired (ctx.print_slip); slip %s not printed",
                     result.receipt_no)
            return
        self._ctx.background.run(lambda: printer(result), self._on_printed, self._on_print_failed,
                                 lane="device")
        fee_sale = getattr(result, "fee_sale", None)
        if fee_sale is not None:
            # The card fee is a sale of its own: its receipt prints after the slip.
            self._print(fee_sale)

    def _on_printed(self, outcome: object) -> None:
        if isinstance(outcome, PrintResult) and not outcome.configured:
            self.message.setText(self.message.text() + " " + self.tr(
                "No receipt printer is set up: the slip was not printed."))
        elif isinstance(outcome, PrintResult) and not outcome.printed:
            self.message.setText(self.message.text() + " " + self.tr(
                "The slip waits for reprint (F9)."))

    def _on_print_failed(self, exc: Exception) -> None:
        self.message.setText(self.message.text() + " " + describe(exc)[1])

    def _need_card(self) -> CardState | None:
        card = self.selected_card()
        if card is None:
            tint(self.message, RED)
            self.message.setText(self.tr("Find the member and pick a card first."))
        return card

    # -- the actions ---------------------------------------------------------------------------
    def register(self) -> CardActionDialog:
        """办卡: the member form and the first card (swiped, typed or IC)."""
        dialog = CardRegisterDialog(self.ic_desk is not None, self)
        cards, actor, desk = self._ctx.services.cards, self._manager, self.ic_desk

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardRegisterDialog)
            form, card_no = d.member_form(), d.binding.value()
            receipt = d.join_receipt.text().strip()
            if d.binding.use_ic and desk is not None:
                return lambda: desk.issue(actor, form, card_no, receipt)
            return lambda: cards.register(actor, form, CardBinding(card_no), receipt)

        return self._open(dialog, work, lambda slip: self.tr(
            "Member %1 registered with card %2 (%3).").replace("%1", slip.member_name)
            .replace("%2", slip.card_no).replace("%3", slip.tier_name_zh
                                                 if self._ctx.language.startswith("zh")
                                                 else slip.tier_name_en))

    def top_up(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        dialog = CardTopUpDialog(self.rules, self)
        dialog.set_note(self.tr("Card %1 · balance %2").replace("%1", card.card_no)
                        .replace("%2", yuan(self.account.balance_fen if self.account else 0)))
        members, actor = self._ctx.services.members, self._manager

        def work(d: CardActionDialog) -> Callable[[], StoredValueSlip]:
            assert isinstance(d, CardTopUpDialog)
            amount, tender, ref = d.amount_fen(), d.tender_kind(), d.reference.text().strip()
            return lambda: members.top_up(actor, card.card_no, amount, tender, ref)

        return self._open(dialog, work, lambda done: self.tr(
            "Topped up %1 (bonus %2). New balance %3.").replace("%1", yuan(done.paid_fen))
            .replace("%2", yuan(done.bonus_fen)).replace("%3", yuan(done.balance_after_fen)))

    def sell_package(self) -> None:
        """储值套餐: the packages in force (ui/package_dialog.py), sold as one top-up."""
        card = self._need_card()
        if card is None:
            return
        from ui.package_dialog import PackageSellDialog
        packages, actor = self._ctx.services.packages, self._manager
        balance = self.account.balance_fen if self.account else 0

        def work(d: CardActionDialog) -> Callable[[], Any]:
            assert isinstance(d, PackageSellDialog)
            pid, tender, ref = d.package_id(), d.tender_kind(), d.reference.text().strip()
            return lambda: packages.sell(actor, card.card_no, pid, tender, ref).slip

        def opened(offers: list[Any]) -> None:
            dialog = PackageSellDialog(offers, self._ctx.language, self)
            dialog.set_note(self.tr("Card %1 · balance %2").replace("%1", card.card_no)
                            .replace("%2", yuan(balance)))
            self._open(dialog, work, lambda slip: self.tr(
                "Package %1 sold: %2 paid in, bonus %3. New balance %4.")
                .replace("%1", slip.package_name).replace("%2", yuan(slip.paid_fen))
                .replace("%3", yuan(slip.bonus_fen)).replace("%4", yuan(slip.balance_after_fen)))

        self._ctx.background.run(packages.offers, opened, self.say_error)

    def refund_package(self) -> None:
        """退套餐 (a manager): one of the member's package sales reversed part by part."""
        card = self._need_card()
        if card is None or self.account is None:
            return
        from ui.package_dialog import PackageRefundDialog
        packages, actor, member_id = self._ctx.services.packages, self._manager, self.account.id
        background = self._ctx.background

        def work(d: CardActionDialog) -> Callable[[], Any]:
            assert isinstance(d, PackageRefundDialog)
            sale_id, tender = d.sale_id(), d.tender_kind()
            return lambda: packages.refund(actor, sale_id, tender).slip

        def opened(sales: list[Any]) -> None:
            dialog = PackageRefundDialog(
                sales, lambda sale_id: packages.refund(actor, sale_id, dry_run=True),
                lambda fn, done, failed: background.run(fn, done, failed), self)
            self._open(dialog, work, lambda slip: self.tr(
                "Package %1 refunded: %2 paid back. Balance left %3.")
                .replace("%1", slip.package_name).replace("%2", yuan(-slip.paid_fen))
                .replace("%3", yuan(slip.balance_after_fen)))

        background.run(lambda: packages.sales_of(member_id), opened, self.say_error)

    def refund_balance(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None or self.account is None:
            return None
        a = self.account
        dialog = CardRefundDialog(a.balance_paid_fen, a.balance_bonus_fen, self)
        members, actor = self._ctx.services.members, self._manager

        def work(d: CardActionDialog) -> Callable[[], StoredValueSlip]:
            assert isinstance(d, CardRefundDialog)
            amount, pin = d.amount_fen(), d.pin()
            return lambda: members.refund_balance(actor, card.card_no, amount,
                                                  member_pin=pin)

        return self._open(dialog, work, lambda done: self.tr(
            "Paid out %1 in cash. Balance left %2.").replace("%1", yuan(-done.paid_fen))
            .replace("%2", yuan(done.balance_after_fen)))

    def report_lost(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        dialog = CardIdentityDialog(
            self.tr("Report lost (挂失)"), self.tr("Block the card"),
            self.tr("Card %1 is blocked at once: it gets no member price, earns nothing and "
                    "cannot pay, in every shop.").replace("%1", card.card_no), self)
        cards, actor = self._ctx.services.cards, self._manager

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardIdentityDialog)
            identity = d.identity.value()
            return lambda: cards.report_lost(actor, card.card_no, identity)

        return self._open(dialog, work, lambda slip: self.tr(
            "Card %1 reported lost and blocked.").replace("%1", slip.card_no))

    def unblock(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        dialog = CardIdentityDialog(
            self.tr("Unblock (解挂)"), self.tr("Unblock the card"),
            self.tr("The lost card %1 turned up: it works again.").replace("%1", card.card_no),
            self)
        cards, actor = self._ctx.services.cards, self._manager

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardIdentityDialog)
            identity = d.identity.value()
            return lambda: cards.unblock(actor, card.card_no, identity)

        return self._open(dialog, work, lambda slip: self.tr(
            "Card %1 unblocked.").replace("%1", slip.card_no))

    def replace(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        fee = self.rules.replacement_fee_fen if self.rules else 0
        dialog = CardReplaceDialog(card.card_no, fee, self.ic_desk is not None, self)
        cards, actor, desk = self._ctx.services.cards, self._manager, self.ic_desk

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardReplaceDialog)
            identity, new_no = d.identity.value(), d.binding.value()
            if d.binding.use_ic and desk is not None:
                return lambda: desk.replace(actor, card.card_no, new_no, identity)
            return lambda: cards.replace(actor, card.card_no, CardBinding(new_no), identity)

        return self._open(dialog, work, lambda slip: self.tr(
            "Card %1 replaced by %2; balance %3 and points moved.")
            .replace("%1", slip.old_card_no or "").replace("%2", slip.card_no)
            .replace("%3", yuan(slip.balance_fen)))

    def renew(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        if card.expires_on is None:
            # 长期有效: refused before a form is filled in (the core refuses it as well).
            from pos_app.domain.errors import CardNeverExpires
            self.message.setText(describe(CardNeverExpires(card.card_no))[1])
            return None
        dialog = CardRenewDialog(card.card_no,
                                 card.expires_on.isoformat() if card.expires_on
                                 else self.tr("never"),
                                 self.rules.annual_fee_fen if self.rules else 0, self)
        cards, actor = self._ctx.services.cards, self._manager

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardRenewDialog)
            days = d.days.value()
            return lambda: cards.renew(actor, card.card_no, days)

        return self._open(dialog, work, lambda slip: self.tr(
            "Card %1 now valid until %2.").replace("%1", slip.card_no)
            .replace("%2", slip.expires_on or ""))

    def cancel(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None or self.view is None:
            return None
        a = self.view.profile.account
        open_passes = sum(1 for p in self.view.profile.passes
                         if pass_refundable(p.uses_left, p.refunded))
        dialog = CardCancelDialog(a.name, max(a.balance_paid_fen, 0), a.balance_bonus_fen,
                                  a.spendable_points, open_passes, self)
        cards, actor = self._ctx.services.cards, self._manager

        def work(d: CardActionDialog) -> Callable[[], CardSlip]:
            assert isinstance(d, CardCancelDialog)
            identity, confirmed = d.identity.value(), d.confirmed.isChecked()
            return lambda: cards.cancel(actor, card.card_no, identity, confirmed)

        return self._open(dialog, work, lambda slip: self.tr(
            "Membership cancelled; %1 paid back in cash.").replace("%1", yuan(slip.refund_fen)))

    def set_pin(self) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        dialog = CardPinDialog(bool(self.account and self.account.has_pin), self)
        cards, actor = self._ctx.services.cards, self._manager

        def work(d: CardActionDialog) -> Callable[[], None]:
            assert isinstance(d, CardPinDialog)
            mode, new = d.mode.currentData(), d.new_pin.text()
            old = d.old_pin.text() if mode == "change" else None
            identity = d.identity.value() if mode == "reset" else None
            return lambda: cards.set_pin(actor, card.card_no, new, old, identity)

        return self._open(dialog, work, lambda _r: self.tr("Member PIN saved."))

    def give_gift(self, kind: str) -> CardActionDialog | None:
        card = self._need_card()
        if card is None:
            return None
        what = self.tr("birthday gift") if kind == "birthday" else self.tr("quarterly Diamond gift")
        dialog = CardConfirmDialog(self.tr("Hand over a gift"),
                                   self.tr("Hand the %1 to %2 now? It is recorded and cannot be "
                                           "given twice.").replace("%1", what)
                                   .replace("%2", self.account.name if self.account else ""),
                                   self.tr("Gift handed over"), self)
        cards, actor = self._ctx.services.cards, self._manager
        return self._open(dialog, lambda _d: (lambda: cards.give_benefit(actor, card.card_no, kind)),
                          lambda period: self.tr("The %1 for %2 is recorded.")
                          .replace("%1", what).replace("%2", str(period)))

    def refund_pass(self) -> CardActionDialog | None:
        p = self.selected_pass()
        if p is None:
            self.tabs.setCurrentWidget(self.passes)
            tint(self.message, RED)
            self.message.setText(self.tr("Pick the count pass in the passes table first."))
            return None
        share = pass_refund_fen(p.price_fen, p.uses_left, p.uses_total)
        dialog = CardConfirmDialog(
            self.tr("Refund count pass (退次卡)"),
            self.tr("Refund the unused %1 of %2 uses of %3: about %4 back by the original "
                    "payment. The pass closes.").replace("%1", str(p.uses_left))
            .replace("%2", str(p.uses_total)).replace("%3", p.name).replace("%4", yuan(share)),
            self.tr("Refund pass"), self)
        returns, actor = self._ctx.services.returns, self._manager
        cashier = self._ctx.user or actor
        return self._open(dialog, lambda _d: (lambda: returns.refund_pass(p.id, cashier, actor)),
                          lambda sale: self.tr("Pass refunded: %1 back (receipt %2).")
                          .replace("%1", yuan(sum(t.amount_fen for t in sale.tenders)))
                          .replace("%2", sale.receipt_no))
