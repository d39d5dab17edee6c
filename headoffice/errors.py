"""Head-office errors, carrying data; the HTTP layer turns them into status codes."""
from __future__ import annotations


class HeadOfficeError(Exception):
    pass


class NotEnrolled(HeadOfficeError):
    """An API key or enrolment code that is unknown, used, expired or revoked."""


class UnknownShop(HeadOfficeError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class DuplicateTill(HeadOfficeError):
    def __init__(self, shop_code: str, till_code: str) -> None:
        super().__init__(shop_code, till_code)


class UnknownStream(HeadOfficeError):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.stream = stream


class BadCursor(HeadOfficeError):
    def __init__(self, cursor: str) -> None:
        super().__init__(cursor)


class SettlementExists(HeadOfficeError):
    def __init__(self, period: str) -> None:
        super().__init__(period)
        self.period = period
