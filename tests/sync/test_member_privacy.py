"""Less personal data on the till, against a real head office: registration and import send
the full profile up and keep the reduced form (the delivered event is reduced too), feeds
carry the reduced form only, lookups by the full mobile work offline on every till, and the
manager screen fetches the full profile from head office, which audits it and refuses a
cashier."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.console.models import AuditRow
from headoffice.models import MemberRow
from headoffice.service import HeadOffice
from pos_app.domain.errors import HeadOfficeNeeded, PermissionDenied
from pos_app.services.cards import CardBinding, MemberForm
from pos_app.services.member_profile import MemberProfileService
from pos_app.settings import load_settings
from pos_app.sync.member_profiles import member_profile_source
from tests.db.test_reduced_member_data import every_value
from tests.headoffice.hq_rig import FaultyTransport, LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, WANG_FANG, make_till

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FULL = "13912345678"


def _register(rig) -> str:  # noqa: ANN001
    slip = rig.shop.services.cards.register(rig.shop.manager, MemberForm(
        name="周敏", mobile=FULL, gender="F", birthday="1992-08-15"), CardBinding("500001"))
    return rig.shop.services.selling.member_by_card(slip.card_no).account.id


def test_registration_sends_the_full_profile_up_and_keeps_none_of_it_after_delivery(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    hq.import_members(HQ_MEMBERS)
    a = make_till(hq, live, tmp_path, "S001", "T01")
    b = make_till(hq, live, tmp_path, "S002", "T01")
    member_id = _register(a)
    assert FULL in every_value(a.shop.data_dir)        # the event waits in the outbox
    a.sync()
    b.sync()
    with hq.sessions() as s:
        m = s.get(MemberRow, member_id)
        assert (m.mobile, m.birthday, m.gender) == (FULL, "1992-08-15", "F")
    for till in (a, b):
        text = every_value(till.shop.data_dir)
        assert FULL not in text and "1992-08-15" not in text
        assert "13800003333" not in text                # head office's own members too
    # Offline, both tills find the member by the full number and by the last four.
    a.offline(), b.offline()
    for till in (a, b):
        selling = till.shop.services.selling
        assert [m.id for m in selling.search_members(FULL)] == [member_id]
        assert member_id in [m.id for m in selling.search_members("5678")]
        assert [m.id for m in selling.search_members("13800003333")] == [WANG_FANG]
    a.close(), b.close()


def test_imported_members_leave_no_full_mobile_once_head_office_has_them(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    a = make_till(hq, live, tmp_path, "S001", "T01")
    csv = ("card_no,name,mobile,tier,birthday\n"
           "700001,钱多多,13755556666,regular,1985-03-02\n").encode()
    a.shop.services.imports.import_members(a.shop.manager, csv)
    a.sync()
    text = every_value(a.shop.data_dir)
    assert "13755556666" not in text and "1985-03-02" not in text
    with hq.sessions() as s:
        assert s.scalar(select(MemberRow.mobile).where(MemberRow.name == "钱多多")) == "13755556666"
    a.offline()
    assert [m.name for m in a.shop.services.selling.search_members("13755556666")] == ["钱多多"]
    a.close()


def test_the_full_profile_comes_from_head_office_for_a_manager_audited_never_for_a_cashier(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    a = make_till(hq, live, tmp_path, "S001", "T01")
    member_id = _register(a)
    a.sync()
    service = MemberProfileService(member_profile_source(load_settings(a.shop.data_dir)))
    profile = service.full_profile(a.shop.manager, member_id)
    assert (profile.mobile, profile.birthday, profile.gender) == (FULL, "1992-08-15", "F")
    with pytest.raises(PermissionDenied):
        service.full_profile(a.cashier, member_id)
    # Head office refuses a cashier's request even when a till sends one.
    source = member_profile_source(load_settings(a.shop.data_dir))
    with pytest.raises(HeadOfficeNeeded) as refused:
        source.member_profile(member_id, a.cashier.username, "cashier")
    assert refused.value.reason == "refused"
    with hq.sessions() as s:
        lines = s.scalars(select(AuditRow).where(AuditRow.target == member_id)
                          .order_by(AuditRow.id)).all()
    assert [r.action for r in lines] == ["member.profile_viewed", "member.profile_refused"]
    seen = json.loads(lines[0].after)
    assert (seen["till"], seen["user"], seen["role"]) == ("S001/T01", "manager", "manager")
    assert lines[0].at is not None
    # Offline, the till says head office is needed.
    a.offline()
    offline = MemberProfileService(member_profile_source(load_settings(a.shop.data_dir),
                                                         transport=FaultyTransport(a.faults)))
    with pytest.raises(HeadOfficeNeeded) as dead:
        offline.full_profile(a.shop.manager, member_id)
    assert dead.value.reason == "offline"
    a.close()


def test_the_manager_screen_shows_the_profile_head_office_sends(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, qtbot) -> None:  # noqa: ANN001
    from ui.main import build_context
    from ui.manager_dialog import MembersScreen

    a = make_till(hq, live, tmp_path, "S001", "T01")
    member_id = _register(a)
    a.sync()
    ctx = build_context(a.shop.data_dir, a.shop.services, load_settings(a.shop.data_dir),
                        "en")
    ctx.user = a.shop.manager
    screen = MembersScreen(ctx)
    qtbot.addWidget(screen)
    screen.query.setText(FULL)
    screen.search()
    qtbot.waitUntil(lambda: screen.full_profile.isEnabled(), timeout=10_000)
    dialog = screen.open_full_profile()
    qtbot.waitUntil(lambda: dialog.fields["mobile"].text() == FULL, timeout=10_000)
    assert "1992-08-15" in dialog.fields["birthday"].text()
    ctx.user = a.cashier
    refused = screen.open_full_profile()
    qtbot.waitUntil(lambda: "manager" in refused.status.text().lower(), timeout=10_000)
    assert refused.fields["mobile"].text() == "—"
    with hq.sessions() as s:
        assert s.scalar(select(AuditRow.action).where(AuditRow.target == member_id)) == \
            "member.profile_viewed"
    ctx.background.wait(10_000)
    a.close()
