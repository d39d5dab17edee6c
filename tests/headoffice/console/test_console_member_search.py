"""Member search answers in one statement (lookups limited on their own indexes, then joined
to shop, merge and cards), with every card of each member in the order they were issued and
merged records marked. PostgreSQL; the 1M-member timing is benchmarks/console.py."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event

from headoffice.console import members as svc
from headoffice.console.models import MemberMergeRow
from headoffice.models import CardRow
from tests.sync.sync_rig import HQ_MEMBERS, LI_NA, WANG_FANG, ZHANG_WEI

pytestmark = [pytest.mark.postgres, pytest.mark.integration]


def test_search_is_one_statement_with_each_member_s_cards_and_merge_mark(hq: Any) -> None:
    hq.import_members(HQ_MEMBERS + [{"name": "李娜", "mobile": "13900002222",
                                     "card_no": "100009"}])

    def more(s: Any) -> None:
        # 李娜 lost her first card and got another; 王芳's record was merged into 李娜's.
        s.get(CardRow, "100002").status = "lost"
        s.add(CardRow(card_no="100012", member_id=LI_NA, kind="magstripe", status="active",
                      status_version=1, generation=2, expires_on=None,
                      status_at=datetime(2026, 11, 28, 5), status_shop_id=None,
                      replaced_by=None, issued_at=datetime(2026, 11, 28, 5)))
        s.add(MemberMergeRow(member_id=WANG_FANG, into_id=LI_NA, at=datetime(2026, 11, 28, 5),
                             by="boss"))
    hq.transaction(more)
    statements: list[str] = []
    with hq.sessions() as s:
        engine = s.get_bind()

        def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            statements.append(statement)
        event.listen(engine, "before_cursor_execute", count)
        try:
            by_mobile_end = svc.search(s, "2222")
            by_initials = svc.search(s, "ln")
            by_card = svc.search(s, "100003")
            nobody = svc.search(s, "欧阳")
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 4, statements
    # Both 李娜 records end in 2222; within one lookup, members come in id order.
    assert [r["id"] for r in by_mobile_end][0] == LI_NA and len(by_mobile_end) == 2
    li = by_mobile_end[0]
    assert li["cards"] == [("100002", "lost"), ("100012", "active")]
    assert li["mobile"] == "138****2222" and li["tier"] == "gold" and not li["merged"]
    assert {r["id"] for r in by_initials} == {LI_NA, by_mobile_end[1]["id"]}
    assert [(r["id"], r["merged"]) for r in by_card] == [(WANG_FANG, True)]
    assert nobody == []
    assert ZHANG_WEI not in {r["id"] for r in by_mobile_end + by_initials}
