"""`pos sync`: enrol with a one-time code, then one push/pull cycle from the command line."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.models import SaleRow
from headoffice.service import HeadOffice
from pos_cli.main import main
from pos_app.domain.tenders import TenderInput, TenderKind
from pos_app.settings import load_settings
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, STANDARD_GOODS, make_shop

pytestmark = pytest.mark.postgres


def test_pos_sync_enrols_once_and_syncs(hq: HeadOffice, live: LiveServer, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]):
    hq.import_members(HQ_MEMBERS)
    shop = make_shop(tmp_path / "till")
    d = str(shop.data_dir)
    assert main(["--data-dir", d, "sync", "--once"]) == 2          # not enrolled yet
    hq.add_shop("S001", "示范百货")
    code = hq.add_till("S001", "T01")
    assert main(["--data-dir", d, "sync", "--enrol", code, "--url", live.url]) == 0
    assert "enrolled as S001/T01" in capsys.readouterr().out
    assert load_settings(shop.data_dir).sync.api_key.startswith("hq_")
    assert main(["--data-dir", d, "sync", "--enrol", code, "--url", live.url]) == 2  # used
    assert main(["--data-dir", d, "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "members 3" in out and "cards 3" in out
    hq.revoke_till("S001", "T01")
    assert main(["--data-dir", d, "sync", "--once"]) == 3
    assert "not enrolled" in capsys.readouterr().err
    shop.uow.engine.dispose()


def test_enrolling_with_another_tills_code_takes_it_over_before_any_sale(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    shop = make_shop(tmp_path / "till")                 # till.toml and the database: S001/T01
    shop.products(STANDARD_GOODS)
    d = str(shop.data_dir)
    hq.add_shop("S001", "示范百货")
    code = hq.add_till("S001", "T02")
    assert main(["--data-dir", d, "sync", "--enrol", code, "--url", live.url]) == 0
    out = capsys.readouterr().out
    assert "enrolled as S001/T02" in out and "S001/T01" in out
    assert load_settings(shop.data_dir).shop.till_code == "T02"
    with shop.uow() as uow:
        assert uow.site.till().code == "T02"
    shop.services.shifts.open(shop.cashier, 0)
    s = shop.services.selling.new_session()
    s.add("WATER")
    sale = s.complete([TenderInput(TenderKind.CASH, 200)], shop.cashier)
    assert sale.receipt_no.startswith("T02-")
    assert main(["--data-dir", d, "sync", "--once"]) == 0
    with hq.sessions() as hs:
        assert hs.scalars(select(SaleRow.receipt_no)).all() == [sale.receipt_no]
    shop.uow.engine.dispose()


def test_enrolling_with_another_tills_code_is_refused_after_a_sale(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    shop = make_shop(tmp_path / "till")
    shop.products(STANDARD_GOODS)
    shop.services.shifts.open(shop.cashier, 0)
    s = shop.services.selling.new_session()
    s.add("WATER")
    s.complete([TenderInput(TenderKind.CASH, 200)], shop.cashier)
    d = str(shop.data_dir)
    hq.add_shop("S001", "示范百货")
    code = hq.add_till("S001", "T02")
    assert main(["--data-dir", d, "sync", "--enrol", code, "--url", live.url]) == 2
    err = capsys.readouterr().err
    assert "T02" in err and "S001/T01" in err and "pos-hq till add S001 T01" in err
    settings = load_settings(shop.data_dir)
    assert settings.shop.till_code == "T01" and not settings.sync.api_key
    with shop.uow() as uow:
        assert uow.site.till().code == "T01"
    shop.uow.engine.dispose()
