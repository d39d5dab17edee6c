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


class Busy(HeadOfficeError):
    """A transient database error outlasted the retries: answer "retry later", record nothing."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause



class BadPeriod(HeadOfficeError):
    """Not a month: settlements take YYYY-MM with a month from 01 to 12."""

    def __init__(self, period: str) -> None:
        super().__init__(f"{period!r} is not a month; use YYYY-MM, e.g. 2026-11")
        self.period = period
