"""Write what the domain ledger returns: services orchestrate, pos_app.domain.ledger decides.

Every points, stored-value and tier entry the till books goes through `book`, so the rows in
the local ledgers are exactly the entries the outbox event carries to head office.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pos_app.domain.ledger import Entry, LedgerName
from pos_app.ports.store import UnitOfWork


def book(uow: UnitOfWork, member_id: str, entries: Iterable[Entry], at: datetime, *,
         sale_id: str | None = None, shift_id: str | None = None, tender: str = "",
         reference: str = "", actor_id: str | None = None) -> list[Entry]:
    """Append each entry to its ledger (tier entries move the member's tier, audited)."""
    done: list[Entry] = []
    for e in entries:
        if e.ledger is LedgerName.POINTS:
            uow.ledgers.add_points(member_id, e.kind.value, e.spendable, e.accumulated, at,
                                   sale_id, note=e.note)
        elif e.ledger is LedgerName.STORED_VALUE:
            uow.ledgers.add_stored_value(member_id, e.kind.value, e.paid_fen, e.bonus_fen, at,
                                         sale_id, tender=tender, reference=reference, note=e.note,
                                         shift_id=shift_id)
        else:
            uow.accounts.set_tier(member_id, e.tier, at)
            uow.audit.record(at, actor_id, "tier_changed", member_id,
                             {"to": e.tier, "from_reason": e.note, "sale_id": sale_id})
        done.append(e)
    return done
