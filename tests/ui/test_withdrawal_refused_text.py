"""A withdrawal the rule set refuses while bonus money remains is explained in Chinese."""
from __future__ import annotations

from pos_app.domain.errors import WithdrawalRefused
from ui.error_messages import describe


def test_a_refused_withdrawal_says_why_and_what_to_do(zh_translator):  # noqa: ANN001
    title, text = describe(WithdrawalRefused(5_000))
    assert title == "不能取款"
    assert "50.00" in text and "赠送" in text
