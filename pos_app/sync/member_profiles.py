"""Full member profiles fetched from head office over HTTP (MemberProfileSource)."""
from __future__ import annotations

from typing import Any

from pos_app.domain.errors import HeadOfficeNeeded
from pos_app.sync.ports import HeadOfficeUnreachable, NotEnrolled, SyncRejected

TIMEOUT_S = 5.0


class HttpMemberProfiles:
    def __init__(self, base_url: str, api_key: str, transport: Any = None) -> None:
        self._url, self._key, self._transport = base_url, api_key, transport

    def member_profile(self, member_id: str, user: str, role: str) -> dict[str, object]:
        from pos_app.sync.http_client import HttpHeadOfficeClient
        client = HttpHeadOfficeClient(self._url, self._key, timeout_s=TIMEOUT_S,
                                      transport=self._transport)
        try:
            return client.member_profile(member_id, user, role)
        except HeadOfficeUnreachable:
            raise HeadOfficeNeeded("member_profile", "offline") from None
        except NotEnrolled:
            raise HeadOfficeNeeded("member_profile", "not_enrolled") from None
        except SyncRejected as exc:
            raise HeadOfficeNeeded("member_profile",
                                   "refused" if exc.status == 403 else "unknown") from None
        finally:
            client.close()


def member_profile_source(settings: Any, transport: Any = None) -> Any:
    """The source for a till's settings (NoHeadOffice before enrolment)."""
    from pos_app.services.member_profile import NoHeadOffice
    if not settings.sync.headoffice_url or not settings.sync.api_key:
        return NoHeadOffice()
    return HttpMemberProfiles(settings.sync.headoffice_url, settings.sync.api_key, transport)
