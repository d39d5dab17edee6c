"""Key escrow for backups: a `pos backup` made on an enrolled till restores on a new PC (a new
data dir with nothing in its credential store) only with head office's help - `pos-hq escrow
unwrap` releases the backup's key for the named till, audited - and not without it."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from headoffice.console.models import AuditRow
from headoffice.escrow import publish
from headoffice.service import HeadOffice
from pos_cli.main import main as pos
from tests.headoffice.hq_rig import LiveServer
from tests.store_support import store_db
from tests.sync.sync_rig import make_till

pytestmark = pytest.mark.postgres


def test_a_backup_restores_on_a_new_pc_only_with_head_office_s_help(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, monkeypatch, capsys) -> None:  # noqa: ANN001
    from headoffice.cli import main as pos_hq

    escrow_key = tmp_path / "hq" / "hq-escrow-key.pem"
    publish(hq, escrow_key)                          # on the settings feed
    till = make_till(hq, live, tmp_path, "S001", "T01")
    till.sell()
    till.sync()                                      # the till pulls the escrow key
    target = tmp_path / "usb" / "till.backup"
    target.parent.mkdir()
    assert pos(["--data-dir", str(till.shop.data_dir), "backup", str(target)]) == 0
    escrow_file = target.with_name("till.backup.escrow")
    assert "wrapped for head office" in capsys.readouterr().out and escrow_file.exists()
    record = json.loads(escrow_file.read_text())
    assert record["context"]["till"] == "S001/T01" and len(record["wrapped"]) > 40

    new_pc = tmp_path / "new-pc"                    # another data dir: its own, empty keyring
    assert pos(["--data-dir", str(new_pc), "restore", str(target)]) == 2
    assert "another till with another key" in capsys.readouterr().err

    # Head office releases the key for the named till only, and audits it.
    db_url = str(hq.engine.url.render_as_string(hide_password=False))
    assert pos_hq(["--db", db_url, "escrow", "unwrap", str(escrow_file), "--till", "S002/T01",
                   "--by", "boss", "--escrow-key", str(escrow_key)]) == 2
    assert "belongs to till 'S001/T01'" in capsys.readouterr().err
    assert pos_hq(["--db", db_url, "escrow", "unwrap", str(escrow_file), "--till", "S001/T01",
                   "--by", "boss", "--escrow-key", str(escrow_key)]) == 0
    released = capsys.readouterr().out.strip()
    assert len(released) == 64
    with hq.sessions() as s:
        audit = s.scalars(select(AuditRow).where(AuditRow.action == "backup.key_released")).all()
    assert [(a.username, a.target) for a in audit] == [("boss", "S001/T01")]
    assert json.loads(audit[0].after)["backup"] == "till.backup"

    monkeypatch.setattr(sys, "stdin", io.StringIO(released + "\n"))
    assert pos(["--data-dir", str(new_pc), "restore", str(target), "--key-stdin"]) == 0
    db = store_db(new_pc / "pos.sqlite3")
    try:
        assert db.execute("SELECT count(*) FROM sales").fetchone()[0] == 1
    finally:
        db.close()
    till.close()
