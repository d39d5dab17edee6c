"""Shifts: open with a float, pay-in / pay-out, close with counted cash and the Z report."""
from __future__ import annotations

import json
from datetime import datetime

from pos_app.domain.codec import to_jsonable
from pos_app.domain.documents import CashMovementSlip, TenderTotal, ZReport
from pos_app.domain.errors import ShiftAlreadyOpen, ShiftNotOpen, ValidationFailed
from pos_app.domain.ledger import (
    MONEY_PAID_OUT_KINDS,
    MONEY_TOPPED_UP_KINDS,
    POINTS_ISSUED_KINDS,
    POINTS_REDEEMED_KINDS,
    sum_of_kinds,
)
from pos_app.domain.money import MAX_AMOUNT_FEN
from pos_app.domain.tenders import TenderKind
from pos_app.ports.clock import Clock, IdSource
from pos_app.ports.store import ShiftRecord, UnitOfWork, UnitOfWorkFactory
from pos_app.services.auth import User, require_role
from pos_app.services.held import held_baskets


class ShiftService:
    """A till has at most one open shift; every money movement belongs to it."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, ids: IdSource) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids

    def current(self) -> ShiftRecord | None:
        with self._uow() as uow:
            return uow.shifts.open_shift_of(uow.site.till_id())

    def open(self, user: User, float_fen: int) -> ShiftRecord:
        if not 0 <= float_fen <= MAX_AMOUNT_FEN:
            raise ValidationFailed("float", "the float is a positive amount")
        now = self._clock.now()
        with self._uow() as uow:
            till_id = uow.site.till_id()
            existing = uow.shifts.open_shift_of(till_id)
            if existing is not None:
                raise ShiftAlreadyOpen(existing.id)
            shift = ShiftRecord(self._ids.new_id(), till_id, user.id, now, float_fen)
            uow.shifts.open(shift)
            uow.audit.record(now, user.id, "shift_opened", shift.id, {"float_fen": float_fen})
            uow.outbox.append("shift.opened", {"shift_id": shift.id, "float_fen": float_fen,
                                               "user": user.username}, now)
            uow.commit()
            return shift

    def move_cash(self, user: User, amount_fen: int, reason: str) -> CashMovementSlip:
        """Pay-in (positive) or pay-out (negative) with a reason; pay-outs need a manager."""
        if amount_fen == 0 or abs(amount_fen) > MAX_AMOUNT_FEN:
            raise ValidationFailed("amount", "enter the amount put in or taken out")
        if not reason.strip():
            raise ValidationFailed("reason", "say why the cash is moved")
        if amount_fen < 0:
            require_role(user, "manager", "pay_out")
        now = self._clock.now()
        with self._uow() as uow:
            shift = self._open_shift(uow)
            movement_id = self._ids.new_id()
            uow.shifts.add_cash_movement(movement_id, shift.id, amount_fen, reason.strip(),
                                         user.id, now)
            uow.audit.record(now, user.id, "cash_moved", movement_id,
                             {"amount_fen": amount_fen, "reason": reason.strip()})
            uow.outbox.append("cash.moved", {"movement_id": movement_id, "shift_id": shift.id,
                                             "amount_fen": amount_fen, "reason": reason}, now)
            uow.commit()
            return CashMovementSlip(movement_id, uow.site.shop().code, uow.site.till().code,
                                    user.display_name, now, amount_fen, reason.strip())

    def record_no_sale(self, user: User, reason: str) -> None:
        """Opening the drawer without a sale (无销售开钱箱): needs a reason and is audited first,
        so a drawer that opens is always explained."""
        if not reason.strip():
            raise ValidationFailed("reason", "say why the drawer is opened without a sale")
        now = self._clock.now()
        with self._uow() as uow:
            shift = self._open_shift(uow)
            uow.audit.record(now, user.id, "drawer_opened_no_sale", shift.id,
                             {"reason": reason.strip()})
            uow.outbox.append("drawer.opened", {"shift_id": shift.id, "user": user.username,
                                                "reason": reason.strip(), "at": now}, now)
            uow.commit()

    def z_report(self, counted_cash_fen: int | None = None) -> ZReport:
        """The Z report of the open shift so far (nothing is recorded)."""
        with self._uow() as uow:
            shift = self._open_shift(uow)
            return self._report(uow, shift, None, counted_cash_fen)

    def close(self, user: User, counted_cash_fen: int) -> ZReport:
        """Close the shift with the counted cash; the Z report is stored with it."""
        if not 0 <= counted_cash_fen <= MAX_AMOUNT_FEN:
            raise ValidationFailed("counted", "enter the cash counted in the drawer")
        now = self._clock.now()
        with self._uow() as uow:
            shift = self._open_shift(uow)
            report = self._report(uow, shift, now, counted_cash_fen)
            body = json.dumps(to_jsonable(report), ensure_ascii=False)
            uow.shifts.close(shift.id, now, counted_cash_fen, user.id, body)
            uow.audit.record(now, user.id, "shift_closed", shift.id,
                             {"expected_cash_fen": report.expected_cash_fen,
                              "counted_cash_fen": counted_cash_fen})
            uow.outbox.append("shift.closed", {"shift_id": shift.id, "z_report": to_jsonable(report)},
                              now)
            uow.commit()
            return report

    @staticmethod
    def _open_shift(uow: UnitOfWork) -> ShiftRecord:
        shift = uow.shifts.open_shift_of(uow.site.till_id())
        if shift is None:
            raise ShiftNotOpen()
        return shift

    def _report(self, uow: UnitOfWork, shift: ShiftRecord, closed_at: datetime | None,
                counted: int | None) -> ZReport:
        f = uow.shifts.figures(shift.id)
        sales_t: dict[str, list[int]] = {}
        refunds_t: dict[str, list[int]] = {}
        for sale_kind, kind, count, amount in f["tenders"]:
            target = sales_t if sale_kind == "sale" else refunds_t
            acc = target.setdefault(kind, [0, 0])
            acc[0] += count
            acc[1] += amount
        sv = f["stored_value"]
        paid_in = {k: p for k, (p, _b) in sv.items()}
        top_up_paid = sum_of_kinds(paid_in, MONEY_TOPPED_UP_KINDS)
        top_up_bonus = sum_of_kinds({k: b for k, (_p, b) in sv.items()}, MONEY_TOPPED_UP_KINDS)
        refunded = -sum_of_kinds(paid_in, MONEY_PAID_OUT_KINDS)
        cash_sv = f["cash_stored_value_by_kind"]
        cash_top_ups = sum_of_kinds(cash_sv, MONEY_TOPPED_UP_KINDS)
        cash_sv_refunds = -sum_of_kinds(cash_sv, MONEY_PAID_OUT_KINDS)
        # Only cash that went through the drawer: cash tenders, cash top-ups and cash
        # refunds of balance, pay-ins and pay-outs.
        expected = (shift.opening_float_fen + sales_t.get("cash", [0, 0])[1]
                    - refunds_t.get("cash", [0, 0])[1] + cash_top_ups
                    - cash_sv_refunds + f["pay_ins_fen"] - f["pay_outs_fen"])
        user = uow.users.get(shift.user_id)
        return ZReport(
            shift_id=shift.id, shop_code=uow.site.shop().code, till_code=uow.site.till().code,
            cashier_name=user.display_name, opened_at=shift.opened_at, closed_at=closed_at,
            opening_float_fen=shift.opening_float_fen, sales_count=f["sales_count"],
            sales_total_fen=f["sales_total_fen"], returns_count=f["returns_count"],
            returns_total_fen=f["returns_total_fen"], discounts_fen=f["discounts_fen"],
            rounding_fen=f["rounding_fen"],
            tenders=tuple(TenderTotal(TenderKind(k), c, a) for k, (c, a) in sorted(sales_t.items())),
            refunds_by_tender=tuple(TenderTotal(TenderKind(k), c, a)
                                    for k, (c, a) in sorted(refunds_t.items())),
            points_issued=sum_of_kinds(f["points_by_kind"], POINTS_ISSUED_KINDS),
            points_redeemed=-sum_of_kinds(f["points_by_kind"], POINTS_REDEEMED_KINDS),
            stored_value_topped_up_fen=top_up_paid, stored_value_bonus_fen=top_up_bonus,
            stored_value_spent_fen=f["stored_value_spent_fen"],
            stored_value_refunded_fen=refunded, pay_ins_fen=f["pay_ins_fen"],
            pay_outs_fen=f["pay_outs_fen"], member_sales_count=f["member_sales_count"],
            transactions=f["transactions"], member_transactions=f["member_transactions"],
            expected_cash_fen=expected, counted_cash_fen=counted,
            held_baskets=tuple(held_baskets(uow)))
