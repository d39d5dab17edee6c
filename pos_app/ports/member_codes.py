"""What verifying a phone member code needs from the till's store."""
from __future__ import annotations

from datetime import datetime
from typing import Protocol

from pos_app.domain.member_code import MemberCodeRules
from pos_app.domain.signing import TrustedKeys


class MemberCodeStore(Protocol):
    def keys(self) -> TrustedKeys:
        """Head office's public keys as last pulled (empty before the first pull)."""
        ...

    def rules(self) -> MemberCodeRules:
        """Step length and tolerated skew as head office last published them."""
        ...

    def refresh(self) -> None:
        """Forget cached keys and settings (a code named a key the cache did not know)."""
        ...

    def member_site_url(self) -> str:
        """The member page's public address from the settings feed, "" before it arrives."""
        ...

    def take(self, member_id: str, step: int, at: datetime) -> bool:
        """Record that this till took the member's code for `step`; False if it already had."""
        ...


class NumericCodeResolver(Protocol):
    def resolve(self, code: str) -> str:
        """The member id head office gives for a numeric code; MemberCodeRefused otherwise
        (NEEDS_NETWORK when head office cannot be reached)."""
        ...
