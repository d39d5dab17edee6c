"""A member's full profile, on demand from head office (the till keeps the reduced form:
name, masked mobile, last four and a keyed hash, birthday month/day). Managers only; head
office checks the role again and audits who asked, from which till, for whom and when."""
from __future__ import annotations

from dataclasses import dataclass

from pos_app.domain.errors import HeadOfficeNeeded
from pos_app.ports.headoffice import MemberProfileSource
from pos_app.services.auth import User, require_role


@dataclass(frozen=True)
class FullProfile:
    member_id: str
    name: str
    mobile: str
    gender: str
    birthday: str
    birthday_calendar: str
    consent_messages: bool
    tier_code: str
    cards: tuple[tuple[str, str], ...]        # (card no, status)


class NoHeadOffice:
    """A till not enrolled with head office: full profiles are not available."""

    def member_profile(self, member_id: str, user: str, role: str) -> dict[str, object]:
        raise HeadOfficeNeeded("member_profile", "not_enrolled")


class MemberProfileService:
    def __init__(self, source: MemberProfileSource) -> None:
        self._source = source

    def full_profile(self, actor: User, member_id: str) -> FullProfile:
        require_role(actor, "manager", "view_member_profile")
        p = self._source.member_profile(member_id, actor.username, actor.role)
        cards = p.get("cards") or []
        return FullProfile(
            member_id=str(p.get("id") or member_id), name=str(p.get("name") or ""),
            mobile=str(p.get("mobile") or ""), gender=str(p.get("gender") or ""),
            birthday=str(p.get("birthday") or ""),
            birthday_calendar=str(p.get("birthday_calendar") or "solar"),
            consent_messages=bool(p.get("consent_messages")),
            tier_code=str(p.get("tier_code") or ""),
            cards=tuple((str(c.get("card_no")), str(c.get("status")))
                        for c in cards if isinstance(c, dict)))
