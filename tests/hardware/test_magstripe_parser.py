"""The track parser (pos_app.domain.magstripe) against published sample tracks, our member cards and bad input."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_app.domain.magstripe import (
    CardNumberRule,
    CardNumberUnavailable,
    Swipe,
    Track,
    TrackParseError,
    card_number,
    fold_ime_punctuation,
    parse_swipe,
    parse_track,
)

# Public sample tracks, reference §1.5.
SUALEH = (
    "%B5350290149345177^FATEHI/SUALEH^16042010000000000000000000000000000567001000?"
    ";5350290149345177=16042010000056700100?"
)
GLOBALPAYMENTS = (
    "%B4012002000060016^VI TEST CREDIT^251210118039000000000396?"
    ";4012002000060016=25121011803939600000?"
)


def test_published_sample_tracks_split_into_fields() -> None:
    swipe = parse_swipe(SUALEH)
    t1, t2 = swipe.track(1), swipe.track(2)
    assert t1 is not None and t2 is not None
    assert t1.fields == ("B5350290149345177", "FATEHI/SUALEH", "16042010000000000000000000000000000567001000")
    assert t2.fields == ("5350290149345177", "16042010000056700100")
    assert swipe.track(3) is None and swipe.errors == ()


def test_globalpayments_sample_card_number_from_either_track() -> None:
    swipe = parse_swipe(GLOBALPAYMENTS + "\r")
    assert card_number(swipe, CardNumberRule(track=2, field=0)) == "4012002000060016"
    assert card_number(swipe, CardNumberRule(track=1, field=0, start=1)) == "4012002000060016"
    assert swipe.track(1).fields[1] == "VI TEST CREDIT"


@pytest.mark.parametrize("text", [";12345678?", ";12345678?\r", ";12345678?\r\n", ";12345678?\n"])
def test_track_two_only_member_card_with_any_line_ending(text: str) -> None:
    swipe = parse_swipe(text)
    assert swipe == Swipe((Track(2, "12345678"),), ())
    assert card_number(swipe, CardNumberRule()) == "12345678"


def test_member_number_is_the_field_before_the_separator() -> None:
    swipe = parse_swipe(";123=456?")
    assert card_number(swipe, CardNumberRule(track=2, field=0)) == "123"
    assert card_number(swipe, CardNumberRule(track=2, field=1)) == "456"


def test_rule_can_slice_a_fixed_width_number_out_of_a_field() -> None:
    swipe = parse_swipe(";8800012345678=2912?")
    assert card_number(swipe, CardNumberRule(track=2, field=0, start=4, length=9)) == "012345678"


def test_error_tracks_are_listed_and_good_tracks_kept() -> None:
    swipe = parse_swipe("%E?;6200001234=99?+E?\r")
    assert swipe.errors == (1, 3)
    assert swipe.track(2) == Track(2, "6200001234=99")
    assert card_number(swipe, CardNumberRule()) == "6200001234"


def test_card_number_from_an_unreadable_track_says_so() -> None:
    swipe = parse_swipe("%B1234^A/B^99?;E?")
    with pytest.raises(CardNumberUnavailable) as err:
        card_number(swipe, CardNumberRule(track=2))
    assert err.value.track == 2 and "could not read" in err.value.reason


def test_card_number_from_a_missing_track_says_so() -> None:
    with pytest.raises(CardNumberUnavailable, match="track missing"):
        card_number(parse_swipe(";12345678?"), CardNumberRule(track=1))


def test_card_number_field_beyond_the_track_is_refused() -> None:
    with pytest.raises(CardNumberUnavailable, match="field"):
        card_number(parse_swipe(";12345678?"), CardNumberRule(track=2, field=1))


def test_magtek_plus_sentinel_and_a_second_semicolon_block_are_track_three() -> None:
    assert parse_swipe(";111?+333?").track(3) == Track(3, "333")
    assert parse_swipe(";111?;333?").track(3) == Track(3, "333")
    assert parse_swipe("%A1?\r;222?\r+333?\r").track(2) == Track(2, "222")


def test_chinese_ime_full_width_punctuation_is_folded_back() -> None:
    # Chinese-punctuation mode: ';' -> '；', '?' -> '？', '^' -> '……', '%' -> '％'.
    typed = "％B4012002000060016……VI TEST CREDIT……2512101？；4012002000060016＝2512101？"
    swipe = parse_swipe(typed)
    assert swipe.track(1).fields == ("B4012002000060016", "VI TEST CREDIT", "2512101")
    assert card_number(swipe, CardNumberRule()) == "4012002000060016"
    assert fold_ime_punctuation("；１２３？") == ";123?"


def test_caps_lock_lower_case_on_track_one_is_read_as_upper_case() -> None:
    assert parse_swipe("%b1234^zhang/san^99?").track(1).fields == ("B1234", "ZHANG/SAN", "99")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no track data"),
        ("\r\n", "no track data"),
        (";12345678", "no end sentinel"),
        ("12345678?", "unexpected character"),
        (";12A45?", "character set"),
        (";??", "empty track"),
        (";1?;2?;3?", "twice"),
        (";" + "1" * 38 + "?", "more than the 37"),
        ("%" + "A" * 77 + "?", "more than the 76"),
        (";123?x", "unexpected character"),
    ],
)
def test_malformed_swipes_raise_a_typed_error_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(TrackParseError, match=reason):
        parse_swipe(text)


def test_parse_errors_never_quote_the_card_data() -> None:
    with pytest.raises(TrackParseError) as err:
        parse_swipe(";62258812345678A?")
    assert "6225" not in str(err.value)
    assert "6225" not in repr(parse_swipe(";6225881234567890?"))


def test_single_track_parsing_knows_its_track_number() -> None:
    # MSR605 frames say which track is which; their track 3 starts with ';'.
    assert parse_track(3, ";45?") == Track(3, "45")
    assert parse_track(2, "12345678") == Track(2, "12345678")
    assert parse_track(1, "%E?") is None
    with pytest.raises(TrackParseError, match="no end sentinel"):
        parse_track(2, ";123")


def test_a_card_number_rule_must_name_a_real_track() -> None:
    with pytest.raises(ValueError):
        CardNumberRule(track=4)


_TRACKISH = st.text(alphabet=st.sampled_from(list("%;+?^=E0123456789AB /\r\n；？……＝％x\x00")), max_size=200)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=300), _TRACKISH))
def test_any_text_parses_or_raises_only_the_typed_error(text: str) -> None:
    try:
        swipe = parse_swipe(text)
    except TrackParseError as exc:
        assert exc.reason
        return
    assert swipe.tracks or swipe.errors
    for track in swipe.tracks:
        assert track.number in (1, 2, 3) and track.data
    try:
        card_number(swipe, CardNumberRule())
    except CardNumberUnavailable:
        pass


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=1, max_size=37))
def test_every_track_two_number_round_trips(number: str) -> None:
    assert card_number(parse_swipe(f";{number}?\r\n"), CardNumberRule()) == number
