"""Ed25519 verification with head office's public keys (pos_app.domain.signing)."""
from __future__ import annotations

from datetime import datetime

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from pos_app.domain.signing import (
    CONTEXT_MEMBER_CODE,
    CONTEXT_TILL_CERTIFICATE,
    BadEncoding,
    BadSignature,
    KeyRetired,
    PublicKey,
    TrustedKeys,
    UnknownKey,
    b64decode,
    canonical_json,
    key_id,
    signed_message,
)


def _pair() -> tuple[Ed25519PrivateKey, PublicKey]:
    private = Ed25519PrivateKey.generate()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
    return private, PublicKey.from_raw(raw)


def _sign(private: Ed25519PrivateKey, context: str, payload: bytes) -> bytes:
    return private.sign(signed_message(context, payload))


def test_a_signature_verifies_under_its_key_and_context_only():
    private, public = _pair()
    payload = canonical_json({"till_id": "T01", "shop": "S001", "valid_to": "2027-12-01"})
    sig = _sign(private, CONTEXT_TILL_CERTIFICATE, payload)
    public.verify(CONTEXT_TILL_CERTIFICATE, payload, sig)
    with pytest.raises(BadSignature):
        public.verify(CONTEXT_MEMBER_CODE, payload, sig)          # same bytes, other use
    with pytest.raises(BadSignature):
        public.verify(CONTEXT_TILL_CERTIFICATE, payload + b" ", sig)
    _, other = _pair()
    with pytest.raises(BadSignature):
        other.verify(CONTEXT_TILL_CERTIFICATE, payload, sig)
    with pytest.raises(BadSignature):
        public.verify(CONTEXT_TILL_CERTIFICATE, payload, sig[:63])


@given(st.binary(max_size=200), st.integers(0, 63), st.integers(1, 255))
def test_flipping_any_bit_of_a_signature_is_refused(payload, index, mask):
    private, public = _PAIR
    sig = bytearray(_sign(private, CONTEXT_MEMBER_CODE, payload))
    public.verify(CONTEXT_MEMBER_CODE, payload, bytes(sig))
    sig[index] ^= mask
    with pytest.raises(BadSignature):
        public.verify(CONTEXT_MEMBER_CODE, payload, bytes(sig))


_PAIR = _pair()


def test_canonical_json_is_order_independent_and_refuses_floats():
    assert canonical_json({"b": 1, "a": [1, "两"]}) == canonical_json({"a": [1, "两"], "b": 1})
    assert canonical_json({"a": 1, "b": "两"}) == '{"a":1,"b":"两"}'.encode()
    with pytest.raises(BadEncoding):
        canonical_json({"amount": 1.5})
    with pytest.raises(BadEncoding):
        canonical_json({"nested": [{"x": float("nan")}]})


def test_context_must_be_plain_ascii():
    for bad in ("", "a\x00b", "会员"):
        with pytest.raises(BadEncoding):
            signed_message(bad, b"x")


def test_trusted_keys_round_trip_through_the_settings_document_and_name_unknown_keys():
    private, public = _pair()
    _, second = _pair()
    keys = TrustedKeys.of([public, second])
    again = TrustedKeys.from_document(keys.to_document())
    assert again == keys
    sig = _sign(private, CONTEXT_MEMBER_CODE, b"m")
    assert again.verify(public.kid, CONTEXT_MEMBER_CODE, b"m", sig) == public
    with pytest.raises(UnknownKey) as err:
        again.verify("00" * 8, CONTEXT_MEMBER_CODE, b"m", sig)
    assert err.value.kid == "00" * 8
    assert not TrustedKeys.from_document(None)


def test_a_document_whose_key_id_does_not_match_its_key_is_refused_whole():
    _, public = _pair()
    doc = TrustedKeys.of([public]).to_document()
    doc["keys"][0]["kid"] = "ff" * 8
    with pytest.raises(BadEncoding):
        TrustedKeys.from_document(doc)
    with pytest.raises(BadEncoding):
        TrustedKeys.from_document({"keys": [{"public_key": "not base64!"}]})
    with pytest.raises(BadEncoding):
        TrustedKeys.from_document({"keys": [{"kid": "x"}]})


def test_a_retired_key_verifies_only_what_it_signed_before_retirement():
    private, public = _pair()
    retired = PublicKey(public.kid, public.raw, None, datetime(2026, 12, 1, 8, 0))
    keys = TrustedKeys.of([retired])
    sig = _sign(private, CONTEXT_MEMBER_CODE, b"m")
    keys.verify(public.kid, CONTEXT_MEMBER_CODE, b"m", sig, signed_at=datetime(2026, 12, 1, 7))
    with pytest.raises(KeyRetired):
        keys.verify(public.kid, CONTEXT_MEMBER_CODE, b"m", sig, signed_at=datetime(2026, 12, 1, 8))
    with pytest.raises(KeyRetired):
        keys.verify(public.kid, CONTEXT_MEMBER_CODE, b"m", sig)


def test_key_ids_and_base64_are_strict():
    with pytest.raises(BadEncoding):
        key_id(b"short")
    assert len(key_id(bytes(32))) == 16
    assert b64decode("AAEC") == b"\x00\x01\x02"
    with pytest.raises(BadEncoding):
        b64decode("A*EC")
