"""Members imported at a till (`pos import members`, `pos init --demo`) reach head office with
their opening balances: the first sync overwrites nothing and head office flags nothing."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from headoffice.ledger import ledger_check
from headoffice.models import CardRow, MemberRow
from headoffice.service import HeadOffice
from pos_app.demo import demo_members_csv
from pos_cli.sync import enrol_till, open_sync
from pos_app.sync.authoriser import HeadOfficeSpendAuthoriser
from tests.headoffice.hq_rig import Faults, FaultyTransport, LiveServer
from tests.store_support import NOON, STANDARD_GOODS, make_shop
from tests.sync.sync_rig import TillRig

pytestmark = pytest.mark.postgres


def _till(hq: HeadOffice, live: LiveServer, root: Path, import_first: bool) -> TillRig:
    shop = make_shop(root / "till", NOON)
    shop.products(STANDARD_GOODS)
    if import_first:     # imported before enrolment: the events wait in the outbox
        shop.services.imports.import_as_system("members", demo_members_csv(count=8))
    with contextlib.suppress(IntegrityError):
        hq.add_shop("S001", "shop S001")
    enrol_till(shop.data_dir, live.url, hq.add_till("S001", "T01"))
    if not import_first:
        shop.services.imports.import_as_system("members", demo_members_csv(count=8))
    faults = Faults()
    wiring = open_sync(shop.data_dir, clock=shop.clock, transport=FaultyTransport(faults))
    authoriser = HeadOfficeSpendAuthoriser(wiring.client, wiring.store, shop.clock,
                                           timeout_s=2.0)
    shop.services.shifts.open(shop.cashier, 50_000)
    return TillRig(shop, faults, wiring, authoriser, shop.cashier)


def _members(rig: TillRig) -> dict[str, tuple[str, tuple[int, int, int, int]]]:
    """card_no -> (member id, (paid, bonus, spendable, accumulated)) at the till."""
    out = {}
    for i in range(8):
        card_no = f"8800{i + 1:08d}"
        with rig.shop.uow() as uow:
            member_id = uow.cards.find_card(card_no).member_id
        out[card_no] = (member_id, rig.account(member_id))
    return out


@pytest.mark.parametrize("import_first", [True, False], ids=["before-enrol", "after-enrol"])
def test_imported_members_and_their_opening_balances_reach_head_office(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, import_first: bool):
    rig = _till(hq, live, tmp_path, import_first)
    try:
        before = _members(rig)
        rich = next(c for c, (_, a) in before.items() if a[0] >= 5_000)
        assert any(a[2] for _, a in before.values())
        rig.sell(rich, sv_fen=1_000)                # a stored-value sale, then the first sync
        rig.sync()
        rig.sync()
        assert rig.wiring.store.backlog() == 0
        after = _members(rig)
        for card_no, (member_id, till) in after.items():
            old = before[card_no][1]
            if card_no != rich:
                assert till == old, card_no        # nothing overwritten by the sync
            else:
                assert till[0] + till[1] == old[0] + old[1] - 1_000
                assert till[2] >= old[2]
            acct = hq.account(member_id)
            assert (acct["balance_paid_fen"], acct["balance_bonus_fen"], acct["spendable_points"],
                    acct["accumulated_points"]) == till, card_no
            assert acct["receivable_fen"] == 0
            with hq.sessions() as s:
                assert ledger_check(s, member_id)
                m = s.get(MemberRow, member_id)
                assert m is not None and not m.stub and m.name
        with hq.sessions() as s:   # the lost card is lost at head office too
            assert s.scalar(select(CardRow.status).where(
                CardRow.card_no == "880000000006")) == "lost"
        assert hq.flags() == []
    finally:
        rig.close()
