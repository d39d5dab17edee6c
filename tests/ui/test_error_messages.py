"""One error vocabulary: every screen words an error from one table, looked up along the
error's MRO; device errors share one root and printers name their problem, not their class."""
from __future__ import annotations

from datetime import datetime

import pytest

from hardware.errors import DeviceError, PortLost
from hardware.pcsc_errors import CardRemovedDuringOperation
from hardware.printer_errors import CoverOpen, PaperOut, PrinterFault, PrinterTimeout
from pos_app.domain import errors as e
from pos_app.ports.printing import PrinterFailure, PrinterProblem, PrinterStatus
from tests.ui.conftest import zh_translator  # noqa: F401 - fixture
from ui import i18n
from ui.error_messages import MESSAGES, describe

OFFLINE = PrinterStatus(online=False)


@pytest.fixture(autouse=True)
def _english_unless_asked(qapp, request) -> None:  # noqa: ANN001
    """These tests read the English wording: a till test that ran before may have left the
    app in Chinese (its language is a till setting), so start from no translator."""
    if "zh_translator" not in request.fixturenames:
        i18n.uninstall(qapp)


def test_device_errors_of_every_driver_share_the_cores_root() -> None:
    for error in (PortLost("/dev/ttyS0", "unplugged"), PaperOut("tcp://p", OFFLINE),
                  CardRemovedDuringOperation("ACS 00 00", "transmit")):
        assert isinstance(error, e.DeviceFailure) and isinstance(error, e.PosError)
    assert issubclass(DeviceError, e.DeviceFailure) and issubclass(PrinterFailure, e.DeviceFailure)


def test_a_printer_error_is_worded_by_its_problem_whatever_its_class_is_called(qapp) -> None:  # noqa: ANN001
    class SomeVendorsPaperError(PrinterFailure):
        problem = PrinterProblem.PAPER_OUT

    title, text = describe(SomeVendorsPaperError("no paper"))
    assert title == "Printer problem"
    assert "out of paper" in text and "reprint (F9)" in text
    assert "cover is open" in describe(CoverOpen("tcp://p", OFFLINE))[1]
    assert "does not answer" in describe(PrinterTimeout("tcp://p", "status", 2))[1]
    assert "fault" in describe(PrinterFault("tcp://p", OFFLINE, True))[1]
    assert "could not print" in describe(PrinterFailure("?"))[1]


def test_a_subclass_without_its_own_row_reads_as_its_nearest_described_parent(qapp) -> None:  # noqa: ANN001
    blocked = e.CardBlocked("880001", datetime(2026, 11, 3, 9, 0), "示范店")
    assert type(blocked) not in MESSAGES
    assert describe(blocked) == MESSAGES[e.CardNotUsable](blocked)
    assert describe(PortLost("/dev/ttyS0", "unplugged"))[0] == "Device problem"

    class NewRefusal(e.PosError):
        pass

    assert describe(NewRefusal()) == ("Cannot do that", "The till refused this (NewRefusal).")
    assert describe(KeyError("x"))[0] == "Something went wrong"


def test_a_withdrawal_beyond_paid_in_money_and_a_short_balance_at_the_counter_read_apart(
        qapp) -> None:  # noqa: ANN001
    withdrawal = describe(e.WithdrawalExceedsPaidIn(5_000, 3_000))
    assert withdrawal[0] == "Not enough paid-in balance" and "never refunded" in withdrawal[1]
    at_the_counter = describe(e.InsufficientBalance(5_000, 3_000))
    assert at_the_counter[0] == "Not enough balance" and "¥20.00 another way" in at_the_counter[1]


@pytest.mark.parametrize(("field", "words"), [
    ("top_up_tender", "Top up with cash"),
    ("fee_tender", "Take the fee"),
    ("tender", "positive amount"),
    ("member_pin", "a manager sets one first"),
    ("pin", "4 to 8 digits"),
])
def test_each_field_of_a_refused_input_has_one_hint(qapp, field: str, words: str) -> None:  # noqa: ANN001
    assert words in describe(e.ValidationFailed(field, "x"))[1]


def test_the_card_lifecycle_errors_read_in_chinese_from_the_one_table(zh_translator) -> None:  # noqa: ANN001, F811
    title, text = describe(e.CardStateConflict("880001", "lost", "replace"))
    assert title == "此卡不能办理" and "补卡" in text
    assert describe(e.ValidationFailed("fee_tender", "x"))[1].startswith("手续费")
    assert describe(e.WithdrawalExceedsPaidIn(5_000, 3_000))[0] == "实充余额不足"
