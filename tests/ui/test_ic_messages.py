"""What the cashier reads for each IC card problem: a reader or card glitch asks for another
tap and never says "forged"; only a definite answer about the chip refuses the card."""
from __future__ import annotations

import pytest

from hardware.pcsc_errors import (AuthenticationFailed, BlockReadFailed, CardChanged,
                                  CardRemovedDuringOperation, ChipNotOurs, PcscUnavailable,
                                  ReaderUnavailable)
from pos_app.domain.card_block import CardForged, IssuerRevoked, IssuerUnknown, MemberBlock
from pos_app.domain.ic_card import CardProblem
from pos_app.services.ic_cards import CardWriteUnfinished
from tests.ui.conftest import _zh_built, zh_translator  # noqa: F401 - fixtures
from ui.error_messages import describe

FORGED_EN = "not one of ours or was copied"
FORGED_ZH = "复制卡"


@pytest.mark.parametrize("exc", [
    CardRemovedDuringOperation("POS 00 00", "transmit"),
    PcscUnavailable("transmit", 0x8010001D),
    BlockReadFailed(0x6300, 4),
    BlockReadFailed(0x6982, 4),
    AuthenticationFailed(0x6A81, 4, "A"),
    ReaderUnavailable("ACS ACR122U"),
    CardChanged("POS 00 00"),
])
def test_reader_and_card_glitches_ask_for_another_tap_and_never_say_forged(
        qapp, zh_translator, exc: Exception) -> None:  # noqa: F811
    title, text = describe(exc)
    assert FORGED_ZH not in text and FORGED_EN not in text
    assert "卡" in title
    if exc.problem in (CardProblem.REMOVED, CardProblem.SERVICE, CardProblem.FAILED,
                       CardProblem.CHANGED):
        assert "再刷一次" in describe(exc)[1]


def test_definite_answers_about_the_chip_say_what_to_do(qapp, zh_translator) -> None:  # noqa: F811
    assert FORGED_ZH in describe(CardForged(None))[1]
    assert "不是本店的会员卡" in describe(ChipNotOurs(1))[1]
    assert "同步" in describe(IssuerUnknown("1a2b3c4d5e6f7a8b"))[1]
    assert "补卡" in describe(IssuerRevoked(MemberBlock("660001", 1, 2, "1a2b")))[1]
    assert "放回读卡器" in describe(CardWriteUnfinished("660001", CardProblem.REMOVED))[1]
