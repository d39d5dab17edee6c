"""The phone member code: shape, head office's signature, the time window and clock skew."""
from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from headoffice.member_site.codes import batch, mint
from headoffice.signing import HeadOfficeSigner
from pos_app.domain.member_code import (
    TEXT_LEN,
    MemberCodeRefused,
    MemberCodeRules,
    Refusal,
    decode,
    looks_like_member_code,
    verify,
)
from pos_app.domain.signing import TrustedKeys

SIGNER = HeadOfficeSigner.generate()
KEYS = TrustedKeys.of([SIGNER.public])
MEMBER = "0190f000-0000-7000-8000-000000000002"
T0 = 1_796_000_000            # a fixed Unix second (2026-11-30); no dependence on today
RULES = MemberCodeRules(step_s=30, skew_s=120)


def test_a_code_names_the_member_and_step_and_fits_a_wedge_scan():
    step = T0 // 30
    text = mint(SIGNER, MEMBER, step, 30)
    assert len(text) == TEXT_LEN == 153 and text.startswith("MC") and text.isupper()
    assert looks_like_member_code(text) and looks_like_member_code(text.lower())
    code = verify(text.lower(), KEYS, T0, RULES)          # a scanner that flipped the case
    assert (code.member_id, code.step, code.step_s) == (MEMBER, step, 30)
    assert not looks_like_member_code("6900000000017")
    assert not looks_like_member_code("POS:R:SH001-01-000123")


def test_a_forged_code_is_refused_even_when_well_formed():
    thief = HeadOfficeSigner.generate()       # a key nobody published, e.g. made on a till
    step = T0 // 30
    with pytest.raises(MemberCodeRefused) as err:
        verify(mint(thief, MEMBER, step, 30), KEYS, T0, RULES)
    assert err.value.reason is Refusal.UNKNOWN_KEY
    # The thief pretends to be head office's key id: the signature gives it away.
    from pos_app.domain.member_code import encode, signed_part
    signed = signed_part(SIGNER.kid, MEMBER, step, 30)
    from pos_app.domain.signing import CONTEXT_MEMBER_CODE
    fake = encode(signed, thief.sign(CONTEXT_MEMBER_CODE, signed))
    with pytest.raises(MemberCodeRefused) as err:
        verify(fake, KEYS, T0, RULES)
    assert err.value.reason is Refusal.FORGED
    # Another member's id pasted into a genuine code breaks the signature too.
    genuine = mint(SIGNER, MEMBER, step, 30)
    c, raw = decode(genuine)
    other = uuid.UUID("0190f000-0000-7000-8000-000000000003").bytes
    from pos_app.domain.member_code import SIGNED_LEN, encode as enc
    tampered = enc(raw[:9] + other + raw[25:SIGNED_LEN], c.signature)
    with pytest.raises(MemberCodeRefused) as err:
        verify(tampered, KEYS, T0, RULES)
    assert err.value.reason is Refusal.FORGED


def test_damaged_text_is_malformed_and_no_keys_is_its_own_reason():
    text = mint(SIGNER, MEMBER, T0 // 30, 30)
    for bad in (text[:-1], text[:-1] + "1", "MX" + text[2:], ""):
        with pytest.raises(MemberCodeRefused) as err:
            verify(bad, KEYS, T0, RULES)
        assert err.value.reason is Refusal.MALFORMED
    with pytest.raises(MemberCodeRefused) as err:
        verify(text, TrustedKeys({}), T0, RULES)
    assert err.value.reason is Refusal.NO_KEYS


@given(step_s=st.integers(30, 60), skew=st.integers(0, 300),
       step=st.integers(T0 // 60, T0 // 30 + 10_000),
       offset=st.integers(-400, 400))
def test_the_window_holds_exactly_at_its_edges_for_any_skew(step_s, skew, step, offset):
    """A till whose clock reads `offset` seconds from the code's window start takes it iff
    -skew <= offset < step_s + skew: one second outside either edge is refused."""
    text = mint(SIGNER, MEMBER, step, step_s)
    now = step * step_s + offset
    rules = MemberCodeRules(step_s, skew)
    if -skew <= offset < step_s + skew:
        assert verify(text, KEYS, now, rules).step == step
    else:
        with pytest.raises(MemberCodeRefused) as err:
            verify(text, KEYS, now, rules)
        assert err.value.reason is (Refusal.NOT_YET_VALID if offset < 0 else Refusal.EXPIRED)


@given(skew=st.integers(0, 300), till_off=st.integers(-300, 300), fraction=st.floats(0, 0.999))
def test_the_code_the_page_shows_now_is_taken_by_any_till_within_the_skew(skew, till_off,
                                                                           fraction):
    """The page shows the batch's code for head office's current step; a till whose clock is
    off by at most the tolerated skew takes it, one beyond it does not."""
    issued = batch(SIGNER, MEMBER, T0, MemberCodeRules(30, skew), count=3)
    now_hq = issued[0].starts_at + int(fraction * 30)
    shown = next(c for c in issued if c.starts_at <= now_hq < c.ends_at)
    till_now = now_hq + till_off
    ok = -skew <= till_now - shown.starts_at < 30 + skew
    if abs(till_off) <= skew:
        assert ok
    if ok:
        verify(shown.text, KEYS, till_now, MemberCodeRules(30, skew))
    else:
        with pytest.raises(MemberCodeRefused):
            verify(shown.text, KEYS, till_now, MemberCodeRules(30, skew))


def test_a_batch_covers_consecutive_windows():
    issued = batch(SIGNER, MEMBER, T0, RULES, count=20)
    assert len({c.text for c in issued}) == 20
    assert all(b.starts_at == a.ends_at for a, b in zip(issued, issued[1:], strict=False))
    assert issued[0].starts_at <= T0 < issued[0].ends_at


def test_rules_from_the_settings_document_are_bounded():
    assert MemberCodeRules.from_document({"step_s": 60, "skew_s": 30}) == MemberCodeRules(60, 30)
    assert MemberCodeRules.from_document(None) == MemberCodeRules()
    for bad in ({"step_s": 5}, {"step_s": 90}, {"skew_s": -1}, {"skew_s": 3600}):
        with pytest.raises(ValueError):
            MemberCodeRules.from_document(bad)
