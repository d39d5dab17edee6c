"""`pos sync`: enrol with a one-time code, then one push/pull cycle from the command line."""
from __future__ import annotations

from pathlib import Path

import pytest

from headoffice.service import HeadOffice
from pos_app.cli import main
from pos_app.settings import load_settings
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import HQ_MEMBERS, make_shop

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
