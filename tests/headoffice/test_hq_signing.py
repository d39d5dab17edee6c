"""Head office's signing key: made once (0600, exclusively), published to tills through the
settings feed, verified on a till with the public key alone, rotated without breaking what
was signed before."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import text

from db.trust_store import SqlTrustStore
from headoffice.db import create_ho_engine
from headoffice.migrate import upgrade
from headoffice.service import HeadOffice
from headoffice.signing import (
    HeadOfficeSigner,
    SigningKeyError,
    publish,
    published_keys,
    rotate,
)
from pos_app.domain.signing import (
    CONTEXT_MEMBER_CODE,
    BadSignature,
    KeyRetired,
    TrustedKeys,
)
from pos_app.sync.ports import PulledPage
from tests.headoffice.hq_rig import HqClock


@pytest.fixture
def sqlite_hq(tmp_path: Path):
    engine = create_ho_engine(f"sqlite:///{tmp_path / 'hq.sqlite3'}")
    upgrade(engine)
    yield HeadOffice(engine, HqClock())
    engine.dispose()


def test_the_key_is_created_once_readable_by_head_office_only(tmp_path: Path):
    path = tmp_path / "keys" / "hq.pem"
    first = HeadOfficeSigner.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = HeadOfficeSigner.load_or_create(path)
    assert again.kid == first.kid
    sig = again.sign(CONTEXT_MEMBER_CODE, b"payload")
    first.public.verify(CONTEXT_MEMBER_CODE, b"payload", sig)
    assert b"PRIVATE KEY" in path.read_bytes()
    assert first.public.raw.hex() not in repr(first)   # the dataclass repr holds no key text


def test_workers_starting_together_share_one_key(tmp_path: Path):
    path = tmp_path / "hq.pem"
    kids: list[str] = []
    barrier = threading.Barrier(6)

    def start() -> None:
        barrier.wait()
        kids.append(HeadOfficeSigner.load_or_create(path).kid)
    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(kids) == 6 and len(set(kids)) == 1


def test_a_key_file_others_can_read_is_refused(tmp_path: Path):
    path = tmp_path / "hq.pem"
    HeadOfficeSigner.load_or_create(path)
    os.chmod(path, 0o644)
    with pytest.raises(SigningKeyError, match="chmod 600"):
        HeadOfficeSigner.load_or_create(path)


def test_a_passphrase_encrypts_the_key_file(tmp_path: Path):
    path = tmp_path / "hq.pem"
    signer = HeadOfficeSigner.load_or_create(path, passphrase=b"correct horse")
    assert b"ENCRYPTED" in path.read_bytes()
    with pytest.raises(SigningKeyError):
        HeadOfficeSigner.load_or_create(path, passphrase=b"wrong")
    assert HeadOfficeSigner.load_or_create(path, passphrase=b"correct horse").kid == signer.kid
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(path.read_bytes(), password=None)


def test_the_public_key_reaches_a_till_through_the_settings_feed(sqlite_hq: HeadOffice,
                                                                 tmp_path: Path):
    from tests.store_support import make_shop
    signer = HeadOfficeSigner.load_or_create(tmp_path / "hq.pem")
    assert publish(sqlite_hq, signer) is True
    assert publish(sqlite_hq, signer) is False            # idempotent at every start
    shop = make_shop(tmp_path / "till")
    from db.sync_store import SqlSyncStore
    from pos_app.domain.ids import UuidV7Source
    store = SqlSyncStore(shop.uow.engine, UuidV7Source())
    sqlite_hq.add_shop("S001", "示范百货")
    code = sqlite_hq.add_till("S001", "T01")
    who = sqlite_hq.enrol(code).identity
    page, acked = sqlite_hq.pull(who, "settings", "", 100)
    store.apply_page(PulledPage(page.stream, page.items, page.cursor, page.more, acked),
                     shop.clock.now())
    trust = SqlTrustStore(shop.uow.engine)
    keys = trust.keys()
    assert list(keys.keys) == [signer.kid]
    sig = signer.sign(CONTEXT_MEMBER_CODE, b"member")
    keys.verify(signer.kid, CONTEXT_MEMBER_CODE, b"member", sig)
    with pytest.raises(BadSignature):
        keys.verify(signer.kid, CONTEXT_MEMBER_CODE, b"member2", sig)
    # The till's database holds no private key material at all.
    with shop.uow.engine.connect() as c:
        dump = "\n".join(str(r) for r in c.execute(text("SELECT body FROM sync_documents")))
    assert "PRIVATE" not in dump and signer.public.b64 in dump


def test_rotation_publishes_the_new_key_and_retires_the_old(sqlite_hq: HeadOffice,
                                                           tmp_path: Path):
    path = tmp_path / "hq.pem"
    old = HeadOfficeSigner.load_or_create(path)
    publish(sqlite_hq, old)
    signed_before = old.sign(CONTEXT_MEMBER_CODE, b"m")
    before = sqlite_hq.clock()
    sqlite_hq.clock.at = before.replace(hour=before.hour + 1)
    new = rotate(sqlite_hq, path)
    assert new.kid != old.kid
    assert HeadOfficeSigner.load_or_create(path).kid == new.kid
    keys = published_keys(sqlite_hq)
    assert set(keys.keys) == {old.kid, new.kid}
    assert keys.keys[old.kid].retired_at == sqlite_hq.clock.at
    keys.verify(old.kid, CONTEXT_MEMBER_CODE, b"m", signed_before, signed_at=before)
    with pytest.raises(KeyRetired):
        keys.verify(old.kid, CONTEXT_MEMBER_CODE, b"m", signed_before,
                    signed_at=sqlite_hq.clock.at)
    keys.verify(new.kid, CONTEXT_MEMBER_CODE, b"m", new.sign(CONTEXT_MEMBER_CODE, b"m"))
    assert TrustedKeys.from_document(keys.to_document()) == keys


def test_pos_hq_signing_show_and_rotate(tmp_path: Path, capsys):
    import json

    from headoffice.cli import main
    db = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    key = str(tmp_path / "hq.pem")
    assert main(["--db", db, "--signing-key", key, "signing", "show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert len(shown["keys"]) == 1 and shown["keys"][0]["retired_at"] is None
    assert main(["--db", db, "--signing-key", key, "signing", "rotate"]) == 0
    out = capsys.readouterr().out
    rotated = json.loads(out[out.index("{"):])
    assert len(rotated["keys"]) == 2
    assert sum(k["retired_at"] is None for k in rotated["keys"]) == 1


def test_pos_hq_messages_log_and_remind_run_on_an_empty_head_office(tmp_path: Path, capsys):
    import json

    from headoffice.cli import main
    db = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    key = str(tmp_path / "hq.pem")
    assert main(["--db", db, "--signing-key", key, "messages", "log"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["--db", db, "--signing-key", key, "messages", "remind",
                 "--date", "2026-11-28"]) == 0
    assert json.loads(capsys.readouterr().out) == {}


def test_pos_hq_member_code_sets_what_tills_pull(tmp_path: Path, capsys):
    import json

    from headoffice.cli import main
    db = f"sqlite:///{tmp_path / 'hq.sqlite3'}"
    assert main(["--db", db, "member-code"]) == 0
    assert json.loads(capsys.readouterr().out) == {"step_s": 30, "skew_s": 120}
    assert main(["--db", db, "member-code", "--step", "60", "--skew", "90"]) == 0
    assert json.loads(capsys.readouterr().out) == {"step_s": 60, "skew_s": 90}
    assert main(["--db", db, "member-code", "--step", "10"]) == 2
    assert main(["--db", db, "member-code"]) == 0
    assert json.loads(capsys.readouterr().out) == {"step_s": 60, "skew_s": 90}
