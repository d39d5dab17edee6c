"""Till card-signing keys end to end: enrolment makes and certifies the key, the settings feed
brings every till the certificates and revocations, and verification needs no network."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from db.till_key_store import SqlIssuerStore
from headoffice.service import HeadOffice
from pos_app.domain.card_block import IssuerRevoked, IssuerUnknown
from pos_app.secrets import TILL_SIGNING_KEY, open_secret_store
from pos_app.settings import SETTINGS_FILE
from pos_app.sync.ports import SyncRejected
from pos_app.till_identity import load_till_signer
from tests.headoffice.hq_rig import LiveServer
from tests.sync.sync_rig import make_till

pytestmark = pytest.mark.postgres

UID = bytes.fromhex("04A1B2C3D4E5F6")
TODAY = date(2026, 11, 28)


def test_enrolment_certifies_a_key_kept_in_the_credential_store_and_every_till_verifies_offline(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    t1 = make_till(hq, live, tmp_path, "S001", "T01")
    t2 = make_till(hq, live, tmp_path, "S001", "T02")
    signer = load_till_signer(open_secret_store(t1.shop.data_dir))
    assert signer is not None and signer.can_sign(TODAY)
    assert signer.certificate is not None and signer.certificate.till_code == "T01"
    secret = open_secret_store(t1.shop.data_dir).get(TILL_SIGNING_KEY)
    assert secret and secret not in (t1.shop.data_dir / SETTINGS_FILE).read_text(encoding="utf-8")
    record = signer.encode("880000000777", 1, UID, TODAY)

    issuers = SqlIssuerStore(t2.shop.uow.engine)
    with pytest.raises(IssuerUnknown):               # before T02 pulls the settings feed
        issuers.verifier().decode(record, UID)
    t2.sync()
    t2.offline()                                     # no network from here on
    assert issuers.verifier().decode(record, UID).card_no == "880000000777"

    t2.online()
    hq.revoke_till("S001", "T01")                    # T01 stolen: head office revokes it
    t2.sync()
    t2.offline()
    with pytest.raises(IssuerRevoked) as caught:
        issuers.verifier().decode(record, UID)
    assert caught.value.block.card_no == "880000000777"


def test_a_till_cannot_have_another_till_s_key_certified_twice_after_revocation(
        hq: HeadOffice, live: LiveServer, tmp_path: Path) -> None:
    t1 = make_till(hq, live, tmp_path, "S001", "T01")
    signer = load_till_signer(open_secret_store(t1.shop.data_dir))
    assert signer is not None
    hq.revoke_till("S001", "T01")
    t3 = make_till(hq, live, tmp_path, "S001", "T03")
    with pytest.raises(SyncRejected) as caught:      # the revoked key, presented again
        t3.wiring.client.certify_key(signer.public_key)
    assert caught.value.status == 422


def test_pos_certify_certifies_a_till_enrolled_before_till_certificates_and_renews_before_expiry(
        hq: HeadOffice, live: LiveServer, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    from datetime import timedelta

    from headoffice.till_certificates import _current
    from pos_cli.main import main
    from pos_app.secrets import TILL_CERTIFICATE
    from pos_cli.sync import certify_or_renew

    t = make_till(hq, live, tmp_path, "S001", "T01")
    store = open_secret_store(t.shop.data_dir)
    old = load_till_signer(store)
    # A till enrolled before head office certified till keys has neither key nor certificate.
    store.delete(TILL_SIGNING_KEY)
    store.delete(TILL_CERTIFICATE)
    assert load_till_signer(store) is None
    assert main(["--data-dir", str(t.shop.data_dir), "certify"]) == 0
    assert "certified by head office" in capsys.readouterr().out
    first = load_till_signer(store)
    assert first is not None and first.kid != old.kid and first.can_sign(TODAY)
    assert certify_or_renew(t.shop.data_dir, TODAY) == ("valid", first.kid,
                                                        first.certificate.not_after)
    # Within the renewal window a new key pair is certified; the old certificate stays
    # published (cards it signed stay genuine) and nothing is revoked.
    near = first.certificate.not_after - timedelta(days=30)
    what, kid, until = certify_or_renew(t.shop.data_dir, near)
    renewed = load_till_signer(store)
    assert what == "renewed" and kid == renewed.kid != first.kid and until > near
    certs, revoked = _current(hq)
    assert {first.kid, renewed.kid} <= set(certs) and first.kid not in revoked
    t.close()
