#!/usr/bin/env bash
# Screenshots of the real till under Xvfb + openbox, driven like a cashier with xdotool
# (scans and swipes typed at wedge speed). Usage: scripts/screenshots.sh [WxH] [zh_CN|en]
# Pictures go to test-artifacts/xvfb-<lang>-<WxH>-*.png. Needs xvfb, openbox and xdotool
# (apt-get install xvfb openbox xdotool).
set -euo pipefail
size="${1:-1366x768}"
lang="${2:-zh_CN}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/test-artifacts"
mkdir -p "$out"
data="$(mktemp -d)"
disp=":$((90 + RANDOM % 9))"
export DISPLAY="$disp" POS_DATA_DIR="$data" QT_QPA_PLATFORM=xcb
Xvfb "$disp" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $wm $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
sleep 1
openbox >/dev/null 2>&1 &
wm=$!
"$root/.venv/bin/pos" init --demo >/dev/null
printf 'language = "%s"\n' "$lang" > "$data/till.toml"
"$root/.venv/bin/pos" run >/dev/null 2>&1 &
app=$!
shot() {  # the whole X screen, grabbed through Qt (no ImageMagick needed)
  sleep "${2:-1.2}"
  "$root/.venv/bin/python" -c 'import sys; from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv); app.primaryScreen().grabWindow(0).save(sys.argv[1])' \
    "$out/xvfb-$lang-$size-$1.png"
}
wedge() { xdotool type --delay 4 "$1"; xdotool key --delay 4 Return; }   # a wedge device
slow() { xdotool type --delay 120 "$1"; }                                 # a person
sleep 6
shot login 0.5
slow 1111; xdotool key Return          # the first user in the list (cashier) and the PIN
sleep 4
slow 500; xdotool key Return           # the opening float, if asked
sleep 3
wedge ";880000000001?"                 # a member card swipe
wedge "6900000000001"
wedge "6900000000002"
wedge "6900000000001"                  # scanned again: quantity 2
shot selling-member
xdotool key F4
shot void-confirm
xdotool key Escape
sleep 0.5
xdotool key Return                     # Enter on the empty line pays
shot payment
slow 1000; xdotool key Return          # cash received
shot payment-change
xdotool key Return                     # complete the sale
shot change-after-sale 2
wedge "6900000000003"                  # the next customer: the change goes away
xdotool key F5                         # hold it
sleep 1
xdotool key F6
shot recall-list
xdotool key Escape
sleep 0.5
xdotool key F2
sleep 1
slow 3555
shot member-search-last4 1.5
xdotool key Escape
echo "screenshots in $out (xvfb-$lang-$size-*.png)"
