"""Voiding a scanned line (F4): who did it and who allowed it go to the audit log."""
from __future__ import annotations

from pos_app.domain.pricing import PricedLine
from pos_app.domain.rules import RuleSet
from pos_app.ports.clock import Clock
from pos_app.ports.store import UnitOfWorkFactory
from pos_app.services.auth import User, require_role


def void_line(uow: UnitOfWorkFactory, clock: Clock, rules: RuleSet, cashier: User,
              authorised_by: User, line: PricedLine) -> None:
    """Check `authorised_by` may void a line under the rule set, and audit the void (the
    basket itself is changed by SellingSession.remove_line)."""
    require_role(authorised_by, rules.line_void_role, "void_line")
    now = clock.now()
    with uow() as u:
        u.audit.record(now, cashier.id, "line_voided", line.sku,
                       {"qty": line.qty, "amount_fen": line.amount_fen,
                        "authorised_by": authorised_by.id})
        u.commit()
