"""v2 member records: Ed25519 by a certified till key, verified with head office's key alone."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.card_block import (
    BLOCK_SIZE,
    CardForged,
    IssuerRevoked,
    IssuerUnknown,
    MemberBlockMissing,
    V1BlockRefused,
    encode_member_block,
    member_record_length,
)
from pos_app.domain.till_keys import CertificateError, IssuerDirectory, TillCertificate, TillSigner
from tests.ic_support import V1_MASTER, Chain

UID = bytes.fromhex("04A1B2C3D4E5F6")
TODAY = date(2026, 11, 28)


@pytest.fixture
def chain() -> Chain:
    return Chain()


@given(card_no=st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E) | st.sampled_from("会员卡号"),
                       min_size=1, max_size=20),
       generation=st.integers(0, 0xFFFF))
def test_any_printable_card_number_round_trips(card_no: str, generation: int) -> None:
    chain = Chain()
    signer = chain.till()
    if len(card_no.encode()) > 64:
        return
    record = signer.encode(card_no, generation, UID, TODAY)
    assert len(record) % BLOCK_SIZE == 0 and len(record) <= 9 * BLOCK_SIZE
    assert member_record_length(record[:16]) == len(record)
    block = chain.verifier().decode(record, UID)
    assert (block.card_no, block.generation, block.version, block.issuer) == \
        (card_no, generation, 2, signer.kid)


def test_card_numbers_up_to_17_bytes_fit_two_sectors_and_64_fit_three(chain: Chain) -> None:
    signer = chain.till()
    assert len(signer.encode("8" * 17, 1, UID, TODAY)) <= 96
    assert 96 < len(signer.encode("A" * 64, 1, UID, TODAY)) <= 144


def test_a_record_copied_to_another_chip_or_altered_does_not_verify(chain: Chain) -> None:
    record = chain.till().encode("880000000001", 1, UID, TODAY)
    with pytest.raises(CardForged):
        chain.verifier().decode(record, bytes.fromhex("11223344"))
    altered = bytearray(record)
    altered[16] ^= 0x01                        # one character of the card number
    with pytest.raises(CardForged):
        chain.verifier().decode(bytes(altered), UID)


def test_a_key_head_office_never_certified_cannot_sign_cards(chain: Chain) -> None:
    chain.till()
    rogue = TillSigner.generate()              # e.g. made by someone with a till's settings
    rogue.certificate = chain.issuers.certificates[next(iter(chain.issuers.certificates))]
    with pytest.raises(IssuerUnknown):
        chain.verifier().decode(rogue.encode("880000000001", 1, UID, TODAY), UID)


def test_a_certificate_not_signed_by_head_office_is_dropped_from_the_feed(chain: Chain) -> None:
    fake_hq = Chain()
    signer = fake_hq.till()
    assert signer.certificate is not None
    doc = {"certificates": [signer.certificate.to_json()], "revoked": []}
    assert IssuerDirectory.from_document(doc, chain.trusted).certificates == {}
    assert signer.kid in IssuerDirectory.from_document(doc, fake_hq.trusted).certificates
    tampered = signer.certificate.to_json()
    tampered["payload"]["till_code"] = "T99"
    with pytest.raises(CertificateError):
        TillCertificate.from_json(tampered).check(fake_hq.trusted)


def test_a_revoked_till_s_genuine_block_says_what_it_holds(chain: Chain) -> None:
    signer = chain.till()
    record = signer.encode("880000000001", 3, UID, TODAY)
    chain.revoke(signer, datetime(2026, 11, 29))
    with pytest.raises(IssuerRevoked) as caught:
        chain.verifier().decode(record, UID)
    assert (caught.value.block.card_no, caught.value.block.generation) == ("880000000001", 3)


def test_a_block_dated_outside_the_certificate_is_refused(chain: Chain) -> None:
    signer = chain.till(not_before=date(2026, 1, 1), valid_days=30)
    with pytest.raises(CardForged):
        chain.verifier().decode(signer.encode("1", 1, UID, date(2026, 6, 1)), UID)
    assert not signer.can_sign(date(2026, 6, 1)) and signer.can_sign(date(2026, 1, 15))


def test_v1_blocks_verify_only_while_the_window_is_open(chain: Chain) -> None:
    v1 = encode_member_block("880000000001", 1, UID, V1_MASTER)
    assert chain.verifier(V1_MASTER).decode(v1, UID).version == 1
    with pytest.raises(V1BlockRefused):
        chain.verifier(None).decode(v1, UID)


def test_blank_chips_are_missing_not_forged(chain: Chain) -> None:
    for blank in (bytes(16), b"\xff" * 16):
        with pytest.raises(MemberBlockMissing):
            chain.verifier().decode(blank, UID)
        assert member_record_length(blank) == 16


def test_the_till_key_never_shows_in_its_repr(chain: Chain) -> None:
    signer = chain.till()
    assert signer.private_bytes().hex() not in repr(signer)
