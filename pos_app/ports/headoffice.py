"""Head-office ports the core needs: authorising a stored-value or points spend."""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class SpendOutcome(StrEnum):
    APPROVED = "approved"      # head office approved and holds the amount (auth_id set)
    DECLINED = "declined"      # refused: `reason` says why (balance, card status, allowance)
    OFFLINE = "offline"        # head office unreachable; allowed within the offline allowance


@dataclass(frozen=True)
class SpendAuthorisation:
    outcome: SpendOutcome
    reason: str = ""
    auth_id: str | None = None          # put in the stored-value Tender.reference
    allowance_used_fen: int = 0         # offline: stored value taken from the allowance
    allowance_used_points: int = 0
    allowance_left_fen: int = 0         # offline: what is left for this card this period
    allowance_left_points: int = 0

    @property
    def allowed(self) -> bool:
        return self.outcome is not SpendOutcome.DECLINED


class SpendAuthoriser(Protocol):
    def authorise(self, member_id: str, card_no: str, stored_value_fen: int,
                  points: int) -> SpendAuthorisation:
        """Ask head office (short timeout); offline, decide within the per-card allowance and
        the shop's exposure cap. Never raises for a network problem."""
        ...


class NullSpendAuthoriser:
    """A till with no head office configured: every spend is decided by the local balance."""

    def authorise(self, member_id: str, card_no: str, stored_value_fen: int,
                  points: int) -> SpendAuthorisation:
        return SpendAuthorisation(SpendOutcome.APPROVED, "no_headoffice")


class MemberProfileSource(Protocol):
    """A member's full profile at head office (the till keeps only the reduced form)."""

    def member_profile(self, member_id: str, user: str, role: str) -> dict[str, object]:
        """The profile, fetched online and audited by head office; raise
        HeadOfficeNeeded when it cannot be asked or refuses."""
        ...
