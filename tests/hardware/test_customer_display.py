"""Customer displays end to end over a pty: the exact bytes each model receives and what it then shows."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from hardware.customer_display import (
    Cd5220Renderer,
    EpsonDisplayRenderer,
    Led8Renderer,
    NullCustomerDisplay,
    SerialCustomerDisplay,
    open_customer_display,
    vfd_text,
)
from hardware.transports import Backoff
from pos_app.ports.input_devices import CustomerDisplay, DeviceState
from tests.simulators.display import Cd5220Screen, DisplayReceiver, EpsonScreen, Led8Screen

FAST = Backoff(first_s=0.02, factor=2.0, max_s=0.1)


@pytest.fixture
def cd5220():
    receiver = DisplayReceiver(Cd5220Screen())
    display = SerialCustomerDisplay(receiver.port, Cd5220Renderer(), backoff=FAST)
    yield display, receiver
    display.close()
    receiver.close()


@pytest.fixture
def epson():
    receiver = DisplayReceiver(EpsonScreen())
    display = SerialCustomerDisplay(receiver.port, EpsonDisplayRenderer(), backoff=FAST)
    yield display, receiver
    display.close()
    receiver.close()


@pytest.fixture
def led8():
    receiver = DisplayReceiver(Led8Screen())
    display = open_customer_display("led8", receiver.port, backoff=FAST)
    yield display, receiver
    display.close()
    receiver.close()


def sent(display: SerialCustomerDisplay, receiver: DisplayReceiver, expected: bytes) -> bytes:
    """Wait until the display has written its screen and the receiver holds the expected bytes; take them."""
    assert display.flush()
    assert receiver.wait_received(lambda b: len(b) >= len(expected)), receiver.received
    return receiver.take()


def test_cd5220_item_is_clr_then_esc_q_a_and_esc_q_b_lines(cd5220) -> None:
    display, receiver = cd5220
    display.show_item("Cola 330ml", 350)
    upper = b"Cola 330ml          "
    lower = b"PRICE           3.50"
    expected = b"\x1b\x40\x0c" + b"\x0c\x1b\x51\x41" + upper + b"\x0d\x1b\x51\x42" + lower + b"\x0d"
    assert sent(display, receiver, expected) == expected
    assert receiver.screen.lines == (upper.decode(), lower.decode())
    assert receiver.screen.unknown == []


def test_cd5220_total_payment_and_idle_screens(cd5220) -> None:
    display, receiver = cd5220
    display.show_total(12_345)
    frame = b"\x0c\x1b\x51\x41" + b" " * 20 + b"\x0d\x1b\x51\x42TOTAL         123.45\x0d"
    assert sent(display, receiver, b"\x1b\x40\x0c" + frame) == b"\x1b\x40\x0c" + frame
    assert receiver.screen.lines == (" " * 20, "TOTAL         123.45")
    display.show_payment(20_000, 7_655)
    frame = b"\x0c\x1b\x51\x41PAID          200.00\x0d\x1b\x51\x42CHANGE         76.55\x0d"
    assert sent(display, receiver, frame) == frame
    assert receiver.screen.lines == ("PAID          200.00", "CHANGE         76.55")
    display.show_idle("WELCOME\nThank you")
    frame = b"\x0c\x1b\x51\x41      WELCOME       \x0d\x1b\x51\x42     Thank you      \x0d"
    assert sent(display, receiver, frame) == frame
    assert receiver.screen.lines == ("      WELCOME       ", "     Thank you      ")
    assert receiver.screen.unknown == []


def test_epson_mode_positions_each_line_with_us_dollar(epson) -> None:
    display, receiver = epson
    display.show_item("Mineral water", 200)
    expected = (
        b"\x1b\x40\x1f\x01\x0c"
        + b"\x1f\x24\x01\x01Mineral water       "
        + b"\x1f\x24\x01\x02PRICE           2.00"
    )
    assert sent(display, receiver, expected) == expected
    assert receiver.screen.lines == ("Mineral water       ", "PRICE           2.00")
    display.show_payment(10_000, 0)
    frame = b"\x1f\x24\x01\x01PAID          100.00\x1f\x24\x01\x02CHANGE          0.00"
    assert sent(display, receiver, frame) == frame
    assert receiver.screen.lines == ("PAID          100.00", "CHANGE          0.00")
    assert receiver.screen.mode == "overwrite"
    assert receiver.screen.unknown == []


@pytest.mark.parametrize("name,upper", [
    ("农夫山泉", "NongFuShanQuan      "),
    ("可口可乐330ml×24罐", "KeKouKeLe 330mlx24 G"),
    ("精致洗车", "JingZhiXiChe        "),
])
def test_an_all_chinese_name_shows_as_pinyin_not_a_blank_top_line(cd5220, name: str,
                                                                   upper: str) -> None:
    display, receiver = cd5220
    display.show_item(name, 350)
    assert display.flush()
    assert receiver.wait_received(lambda b: b.count(b"\x0d") >= 2)
    assert receiver.screen.lines == (upper, "PRICE           3.50")
    assert receiver.screen.unknown == []


def test_led8_lights_the_right_word_for_each_screen(led8) -> None:
    display, receiver = led8
    display.show_item("可口可乐", 350)
    expected = b"\x1b\x40\x0c" + b"\x1b\x73\x31" + b"\x1b\x51\x413.50\x0d"
    assert sent(display, receiver, expected) == expected
    assert (receiver.screen.light, receiver.screen.number) == ("单价", "3.50")
    display.show_total(12_345)
    assert sent(display, receiver, b"\x1b\x73\x32\x1b\x51\x41123.45\x0d") == b"\x1b\x73\x32\x1b\x51\x41123.45\x0d"
    assert (receiver.screen.light, receiver.screen.number) == ("总计", "123.45")
    display.show_payment(20_000, 7_655)
    assert sent(display, receiver, b"\x1b\x73\x34\x1b\x51\x4176.55\x0d") == b"\x1b\x73\x34\x1b\x51\x4176.55\x0d"
    assert (receiver.screen.light, receiver.screen.number) == ("找零", "76.55")
    display.show_idle("欢迎光临")
    assert sent(display, receiver, b"\x0c\x1b\x73\x30") == b"\x0c\x1b\x73\x30"
    assert (receiver.screen.light, receiver.screen.number) == (None, "")
    assert receiver.screen.unknown == []


def test_led8_light_selection_is_a_profile_setting_raw_byte_or_ascii_digit() -> None:
    # A unit whose firmware takes ESC s n as the raw byte 00-04 lights nothing
    # for the ASCII digit; the 'raw' profile setting sends what it reads.
    receiver = DisplayReceiver(Led8Screen(lights="raw"))
    display = open_customer_display("led8", receiver.port, backoff=FAST, led8_lights="raw")
    try:
        display.show_total(12_345)
        expected = b"\x1b\x40\x0c" + b"\x1b\x73\x02" + b"\x1b\x51\x41123.45\x0d"
        assert sent(display, receiver, expected) == expected
        assert (receiver.screen.light, receiver.screen.number) == ("总计", "123.45")
        display.show_payment(20_000, 7_655)
        assert sent(display, receiver, b"\x1b\x73\x04\x1b\x51\x4176.55\x0d")
        assert receiver.screen.light == "找零"
        display.show_idle("")
        assert sent(display, receiver, b"\x0c\x1b\x73\x00")
        assert receiver.screen.light is None and receiver.screen.unknown == []
    finally:
        display.close()
        receiver.close()
    with pytest.raises(ValueError, match="LED light encoding"):
        open_customer_display("led8", "loop://", led8_lights="hex")


def test_led8_ascii_digits_are_not_understood_by_a_raw_byte_unit() -> None:
    # Why it must be a setting: the default ASCII profile on a raw-byte unit leaves the light wrong.
    screen = Led8Screen(lights="raw")
    screen.feed(Led8Renderer().total(500))
    assert screen.light is None and screen.unknown == [b"\x1b\x73\x32"]
    screen = Led8Screen(lights="raw")
    screen.feed(Led8Renderer("raw").total(500))
    assert (screen.light, screen.number, screen.unknown) == ("总计", "5.00", [])


def test_led8_shows_dashes_rather_than_a_wrong_amount_beyond_eight_digits() -> None:
    assert Led8Renderer.number(99_999_999) == b"\x1b\x51\x41999999.99\x0d"
    assert Led8Renderer.number(100_000_000) == b"\x1b\x51\x41--------\x0d"
    assert Led8Renderer.number(-1_250) == b"\x1b\x51\x41-12.50\x0d"


def test_led8_defaults_to_2400_baud_and_vfds_to_9600() -> None:
    assert open_customer_display("led8", "loop://")._baudrate == 2400
    assert open_customer_display("cd5220", "loop://")._baudrate == 9600
    assert isinstance(open_customer_display("cd5220", None), NullCustomerDisplay)
    with pytest.raises(ValueError, match="unknown customer display model"):
        open_customer_display("hologram", "loop://")


def test_vfd_text_keeps_what_the_ascii_font_can_show() -> None:
    assert vfd_text("Café Ｃｏｌａ 可乐") == "Cafe Cola "
    long_price = Cd5220Renderer().item("x", 123_456_789_01)
    assert b"123456789.01" in long_price


def test_only_the_latest_screen_is_sent_when_screens_pile_up(cd5220) -> None:
    display, receiver = cd5220
    display.show_total(100)
    assert display.flush()
    receiver.wait_received(lambda b: b.count(b"\x0d") >= 2)
    receiver.take()
    for fen in range(1, 50):
        display.show_total(fen)
    display.show_total(4_200)
    assert display.flush()
    assert receiver.wait_received(lambda b: b"42.00" in b)
    assert receiver.screen.lines[1].endswith("42.00")


def test_unplugged_display_never_raises_and_shows_the_latest_screen_after_replug(tmp_path: Path) -> None:
    link = tmp_path / "ttyDisplay"
    receiver = DisplayReceiver(Cd5220Screen(), link)
    states: list[DeviceState] = []
    display = SerialCustomerDisplay(str(link), Cd5220Renderer(), backoff=FAST, on_state=states.append)
    try:
        display.show_total(500)
        assert display.flush()
        assert DeviceState.READY in states
        receiver.unplug()

        display.show_total(600)  # the write fails in the background, never here
        display.show_payment(1_000, 300)
        deadline = time.monotonic() + 3
        while display.state is not DeviceState.OFFLINE and time.monotonic() < deadline:
            time.sleep(0.01)
        assert display.state is DeviceState.OFFLINE
        assert not display.flush(timeout=0.05)

        receiver = DisplayReceiver(Cd5220Screen(), link)
        assert display.flush(timeout=3)
        assert receiver.wait_received(lambda b: b.endswith(b"CHANGE          3.00\x0d"))
        assert receiver.received.startswith(b"\x1b\x40\x0c"), "a reopened display is initialised first"
        assert receiver.screen.lines == ("PAID           10.00", "CHANGE          3.00")
        assert display.state is DeviceState.READY
    finally:
        display.close()
        receiver.close()


def test_display_on_a_port_that_never_appears_still_closes_promptly(tmp_path: Path) -> None:
    display = SerialCustomerDisplay(str(tmp_path / "nothing"), EpsonDisplayRenderer(), backoff=FAST)
    display.show_idle("hello")
    assert not display.flush(timeout=0.1)
    started = time.monotonic()
    display.close()
    assert time.monotonic() - started < 1


def test_null_display_offers_every_port_method_and_accepts_every_screen() -> None:
    port_methods = {n for n in vars(CustomerDisplay) if not n.startswith("_")}
    assert port_methods <= {n for n in dir(NullCustomerDisplay) if not n.startswith("_")}
    display: CustomerDisplay = NullCustomerDisplay()
    results = [display.show_item("x", 1), display.show_total(1), display.show_payment(2, 1),
               display.show_idle("hi")]
    assert results == [None] * 4        # best effort: nothing raised, nothing to report


@pytest.mark.parametrize("renderer", [Cd5220Renderer(), EpsonDisplayRenderer(), Led8Renderer()])
def test_a_float_amount_is_refused_as_a_bug_not_shown_rounded(renderer) -> None:
    with pytest.raises(TypeError, match="integer fen"):
        renderer.total(12.5)
